// Package inbox holds what agents do to conversations (reply, note, assign,
// change status), shared by the web UI and the API so that both behave
// exactly alike: one transaction, an audit event, live events after commit,
// and a durable send job for replies.
package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/inbound"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/store"
)

// Enqueuer schedules the delivery of an outbound message.
type Enqueuer interface {
	EnqueueSend(ctx context.Context, messageID string) error
}

// Service performs agent actions.
type Service struct {
	store  *store.Store
	broker realtime.Broker
	outbox Enqueuer
	log    *slog.Logger
	// Learner, when set, is told that a workspace's spam model changed.
	Learner SpamLearner
	// Clocks, when set, re-evaluates a conversation's SLA clocks inside the
	// transaction of every change.
	Clocks Clocks
	// Composer and Registry, when set, run the workspace's blocking checks on
	// every reply before it is sent (see approval.go).
	Composer *compose.Checker
	Registry Registry
	// Surveys, when set, plans the CSAT/NPS survey of a resolution inside
	// the transaction that resolves (internal/survey).
	Surveys Surveyor
}

// Surveyor plans a survey for a conversation tx has just resolved.
type Surveyor interface {
	Resolved(ctx context.Context, tx *store.Store, workspaceID, conversationID string) error
}

// Clocks keeps SLA clocks (internal/slaclock).
type Clocks interface {
	Reevaluate(ctx context.Context, tx *store.Store, conversationID string) error
}

func (s *Service) reevaluate(ctx context.Context, tx *store.Store, conversationID string) error {
	if s.Clocks == nil {
		return nil
	}
	return s.Clocks.Reevaluate(ctx, tx, conversationID)
}

// New returns a Service.
func New(s *store.Store, b realtime.Broker, outbox Enqueuer, log *slog.Logger) *Service {
	return &Service{store: s, broker: b, outbox: outbox, log: log}
}

// ValidationError is a user mistake, shown as is.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// MaxReplyBytes bounds a reply or note.
const MaxReplyBytes = 64 * 1024

// ReplyInput is a reply or an internal note.
type ReplyInput struct {
	Text    string
	Private bool // answer privately (where the channel can)
	Note    bool // internal note: stored, never sent
	// Holding marks an acknowledgement ("we're looking into it"): it stops
	// the acknowledge clock but not the response clock.
	Holding bool
	// Seen is when the sender last loaded the conversation. When set, the
	// reply is held (*CollisionError) if another agent replied since or is
	// typing, unless every collision is in Acknowledged (a second click).
	Seen         time.Time
	Acknowledged []string

	approved bool // sent by Approve: already screened
}

// Reply stores a reply (queued for delivery) or a note on a conversation.
func (s *Service) Reply(ctx context.Context, actor model.Agent, conversationID string, in ReplyInput) (model.Message, error) {
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return model.Message{}, &ValidationError{Field: "text", Message: "is required"}
	}
	if len(text) > MaxReplyBytes {
		return model.Message{}, &ValidationError{Field: "text", Message: fmt.Sprintf("longer than %d bytes", MaxReplyBytes)}
	}
	// Whether the reply passed the composer's checks, stored for reports
	// (nil: not checked, as for notes).
	var passed *bool
	if !in.Note {
		var err error
		if in.approved {
			passed, err = s.checkApproved(ctx, actor, conversationID, text, in)
		} else {
			// Collisions, contributors and blocking checks may hold the reply.
			passed, err = s.screenReply(ctx, actor, conversationID, text, in)
		}
		if err != nil {
			return model.Message{}, err
		}
	}
	var msg model.Message
	var conv model.Conversation
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		conv, err = tx.GetConversation(ctx, actor.WorkspaceID, conversationID)
		if err != nil {
			return err
		}
		now := tx.Now()
		m := model.Message{WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, ChannelID: conv.ChannelID,
			AuthorAgentID: actor.ID, Text: text, Public: conv.Public && !in.Private && !in.Note, CreatedAt: now}
		kind := "note"
		if !in.Note {
			// The workspace's signature for this channel type, e.g. "^AD" on X.
			sigs, err := tx.Signatures(ctx, conv.WorkspaceID)
			if err != nil {
				return err
			}
			if tpl := strings.TrimSpace(sigs[conv.ChannelType]); tpl != "" {
				if sig := ExpandSavedReply(tpl, conv, actor); !strings.HasSuffix(text, sig) {
					m.Text = text + " " + sig
				}
			}
		}
		if in.Note {
			m.Direction = model.DirectionNote
		} else {
			kind = "reply"
			m.Direction = model.DirectionOut
			m.DeliveryStatus = model.DeliveryQueued
			m.Holding = in.Holding
			m.ChecksPassed = passed
			if m.InReplyTo, err = tx.LastInboundExternalID(ctx, conv.ID); err != nil {
				return err
			}
		}
		if msg, _, err = tx.InsertMessage(ctx, m); err != nil {
			return err
		}
		msg.AuthorName = actor.Name
		if !in.Note {
			if err := tx.RecordReply(ctx, conv.ID, now, inbound.Preview(text), in.Holding); err != nil {
				return err
			}
		}
		data, _ := json.Marshal(map[string]string{"message_id": msg.ID})
		if err := tx.InsertEvent(ctx, model.Event{WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, ActorAgentID: actor.ID, Kind: kind, Data: data}); err != nil {
			return err
		}
		if in.Note {
			return nil
		}
		return s.reevaluate(ctx, tx, conv.ID)
	})
	if err != nil {
		return model.Message{}, fmt.Errorf("reply: %w", err)
	}
	if msg.Direction == model.DirectionOut {
		// If this fails (or we crash right here) the outbox reconciler finds
		// the queued message and enqueues it again.
		if err := s.outbox.EnqueueSend(ctx, msg.ID); err != nil {
			s.log.Error("enqueue send", "message_id", msg.ID, "error", err)
		}
	}
	s.Changed(conv.WorkspaceID, conv.ID, msg.ID)
	return msg, nil
}

// SetStatus changes a conversation's status.
func (s *Service) SetStatus(ctx context.Context, actor model.Agent, conversationID, status string) error {
	if !model.ValidStatus(status) {
		return &ValidationError{Field: "status", Message: "must be one of new, acknowledged, waiting, resolved"}
	}
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.SetConversationStatus(ctx, actor.WorkspaceID, conversationID, status, tx.Now()); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]string{"status": status})
		if err := tx.InsertEvent(ctx, model.Event{WorkspaceID: actor.WorkspaceID, ConversationID: conversationID, ActorAgentID: actor.ID, Kind: "status", Data: data}); err != nil {
			return err
		}
		if status == model.StatusResolved && s.Surveys != nil {
			if err := s.Surveys.Resolved(ctx, tx, actor.WorkspaceID, conversationID); err != nil {
				return err
			}
		}
		return s.reevaluate(ctx, tx, conversationID)
	})
	if err != nil {
		return fmt.Errorf("set status: %w", err)
	}
	s.Changed(actor.WorkspaceID, conversationID, "")
	return nil
}

// Assign sets the assignee and/or team ("" clears). Both must belong to the
// actor's workspace.
func (s *Service) Assign(ctx context.Context, actor model.Agent, conversationID, agentID, teamID string) error {
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if agentID != "" {
			a, err := tx.GetAgent(ctx, agentID)
			if err != nil || a.WorkspaceID != actor.WorkspaceID {
				return &ValidationError{Field: "agent_id", Message: "no such agent"}
			}
		}
		if teamID != "" {
			t, err := tx.GetTeam(ctx, teamID)
			if err != nil || t.WorkspaceID != actor.WorkspaceID {
				return &ValidationError{Field: "team_id", Message: "no such team"}
			}
		}
		if err := tx.AssignConversation(ctx, actor.WorkspaceID, conversationID, agentID, teamID); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]string{"agent_id": agentID, "team_id": teamID})
		return tx.InsertEvent(ctx, model.Event{WorkspaceID: actor.WorkspaceID, ConversationID: conversationID, ActorAgentID: actor.ID, Kind: "assign", Data: data})
	})
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			return ve
		}
		return fmt.Errorf("assign: %w", err)
	}
	s.Changed(actor.WorkspaceID, conversationID, "")
	return nil
}

// Changed publishes that a conversation (and optionally one message) changed.
func (s *Service) Changed(workspaceID, conversationID, messageID string) {
	if messageID != "" {
		s.broker.Publish(realtime.ConversationTopic(conversationID), realtime.Event{Type: "message", ID: messageID, ConversationID: conversationID})
	} else {
		s.broker.Publish(realtime.ConversationTopic(conversationID), realtime.Event{Type: "conversation", ID: conversationID, ConversationID: conversationID})
	}
	s.broker.Publish(realtime.WorkspaceTopic(workspaceID), realtime.Event{Type: "conversation", ID: conversationID, ConversationID: conversationID})
}
