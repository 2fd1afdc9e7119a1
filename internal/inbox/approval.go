package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/store"
)

// AwaitingApprovalError says that a reply was stored for a supervisor's
// approval instead of being sent: not a failure, but the caller must tell
// the author that nothing went to the customer yet.
type AwaitingApprovalError struct {
	Approval store.Approval
}

func (e *AwaitingApprovalError) Error() string {
	return "reply awaits a supervisor's approval"
}

// BlockedError says that a blocking check stopped a reply.
type BlockedError struct {
	Warnings []compose.Warning // the blocking ones
}

func (e *BlockedError) Error() string {
	parts := make([]string, 0, len(e.Warnings))
	for _, w := range e.Warnings {
		parts = append(parts, w.Check+": "+w.Message)
	}
	return "not sent, a blocking check failed: " + strings.Join(parts, "; ")
}

// screenReply decides whether a reply may go out now: collisions hold it for
// a second click, a contributor's reply and (where the workspace says so) a
// reply with a blocking warning wait for approval, and any other blocking
// warning refuses it. A nil error means send: passed is then what the
// message stores as checks_passed (nil when no composer is configured).
func (s *Service) screenReply(ctx context.Context, actor model.Agent, conversationID, text string, in ReplyInput) (passed *bool, err error) {
	conv, err := s.store.GetConversation(ctx, actor.WorkspaceID, conversationID)
	if err != nil {
		return nil, fmt.Errorf("reply: %w", err)
	}
	contributor := actor.Role == model.RoleContributor
	if contributor && conv.AssigneeID != actor.ID {
		return nil, fmt.Errorf("reply: contributor %s is not assigned to %s: %w", actor.ID, conv.ID, store.ErrNotFound)
	}
	if !in.Seen.IsZero() {
		if err := s.checkCollision(ctx, actor, conv.ID, in.Seen, in.Acknowledged); err != nil {
			return nil, err
		}
	}
	var warnings []compose.Warning
	var blocking []compose.Warning
	if s.Composer != nil {
		res, err := s.runChecks(ctx, s.Composer, s.Registry, actor, conv, text, !in.Private)
		if err != nil {
			return nil, fmt.Errorf("reply: checks: %w", err)
		}
		warnings = res.Warnings
		passed = checksPassed(warnings)
		for _, w := range warnings {
			if w.Blocking {
				blocking = append(blocking, w)
			}
		}
	}
	reason := ""
	switch {
	case contributor:
		reason = store.ApprovalByContributor
	case len(blocking) > 0:
		set, err := s.store.GetComposeSettings(ctx, actor.WorkspaceID)
		if err != nil {
			return nil, fmt.Errorf("reply: %w", err)
		}
		if !set.BlockingNeedsApproval {
			return nil, &BlockedError{Warnings: blocking}
		}
		reason = store.ApprovalByBlockingCheck
	default:
		return passed, nil
	}
	checks, _ := json.Marshal(compose.Result{Warnings: warnings}.Warnings)
	if warnings == nil {
		checks = []byte("[]")
	}
	var a store.Approval
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		a, err = tx.CreateApproval(ctx, store.Approval{WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, AuthorAgentID: actor.ID,
			Text: text, Public: conv.Public && !in.Private, Holding: in.Holding, Reason: reason, Checks: checks})
		if err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]string{"approval_id": a.ID, "reason": reason})
		if err := tx.InsertEvent(ctx, model.Event{WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, ActorAgentID: actor.ID, Kind: "approval_requested", Data: data}); err != nil {
			return err
		}
		sups, err := tx.ListAgentsByRole(ctx, conv.WorkspaceID, model.RoleSupervisor)
		if err != nil {
			return err
		}
		for _, sup := range sups {
			if _, err := tx.CreateNotification(ctx, store.Notification{WorkspaceID: conv.WorkspaceID, AgentID: sup.ID, ConversationID: conv.ID,
				Kind: "approval", Message: fmt.Sprintf("%s's reply to %s waits for approval", actor.Name, conv.CustomerName)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reply: hold for approval: %w", err)
	}
	a.AuthorName = actor.Name
	s.approvalChanged(conv.WorkspaceID, conv.ID, a.ID)
	return nil, &AwaitingApprovalError{Approval: a}
}

// checkApproved runs the checks on an approved reply's final text (the
// supervisor may have edited it) as its author's, for checks_passed: nil
// when no composer is configured. Warnings never stop it: a supervisor
// approved it. No access check either: Approve sends it as the author's
// even when the conversation was reassigned since.
func (s *Service) checkApproved(ctx context.Context, author model.Agent, conversationID, text string, in ReplyInput) (*bool, error) {
	if s.Composer == nil {
		return nil, nil
	}
	conv, err := s.store.GetConversation(ctx, author.WorkspaceID, conversationID)
	if err != nil {
		return nil, fmt.Errorf("reply: %w", err)
	}
	res, err := s.runChecks(ctx, s.Composer, s.Registry, author, conv, text, !in.Private)
	if err != nil {
		return nil, fmt.Errorf("reply: checks: %w", err)
	}
	return checksPassed(res.Warnings), nil
}

// checksPassed is a reply's checks_passed: true when the checks the
// workspace has switched on found nothing, warning or blocking.
func checksPassed(warnings []compose.Warning) *bool {
	ok := len(warnings) == 0
	return &ok
}

// approvalChanged tells browsers: the conversation (its thread shows the
// pending reply), the workspace list, and the supervisors' notices.
func (s *Service) approvalChanged(workspaceID, conversationID, approvalID string) {
	s.Changed(workspaceID, conversationID, "")
	s.broker.Publish(realtime.WorkspaceTopic(workspaceID), realtime.Event{Type: "notification", ID: approvalID, ConversationID: conversationID})
}

// Approve sends a pending reply as its author's reply (through the outbox),
// with text replacing the author's when not empty (edit, then approve):
// the customer only ever gets the approved text.
func (s *Service) Approve(ctx context.Context, actor model.Agent, approvalID, text string) (model.Message, error) {
	if !actor.Role.AtLeast(model.RoleSupervisor) {
		return model.Message{}, &ValidationError{Field: "role", Message: "only supervisors approve replies"}
	}
	a, err := s.store.GetApproval(ctx, actor.WorkspaceID, approvalID)
	if err != nil {
		return model.Message{}, fmt.Errorf("approve: %w", err)
	}
	if t := strings.TrimSpace(text); t != "" {
		a.Text = t
	}
	author, err := s.store.GetAgent(ctx, a.AuthorAgentID)
	if err != nil {
		return model.Message{}, fmt.Errorf("approve: %w", err)
	}
	// Claim first, so that two supervisors approving at once send it once.
	if err := s.store.DecideApproval(ctx, actor.WorkspaceID, a.ID, store.ApprovalApproved, actor.ID, a.Text, "", ""); err != nil {
		return model.Message{}, fmt.Errorf("approve: %w", err)
	}
	msg, err := s.Reply(ctx, author, a.ConversationID, ReplyInput{Text: a.Text, Private: !a.Public, Holding: a.Holding, approved: true})
	if err != nil {
		// Not sent: back to the queue, so it is not lost.
		if rerr := s.store.ReopenApproval(context.WithoutCancel(ctx), actor.WorkspaceID, a.ID); rerr != nil {
			s.log.Error("reopen approval", "approval_id", a.ID, "error", rerr)
		}
		var ve *ValidationError
		if errors.As(err, &ve) {
			return model.Message{}, ve
		}
		return model.Message{}, fmt.Errorf("approve: %w", err)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.SetApprovalMessage(ctx, a.ID, msg.ID); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]string{"approval_id": a.ID, "message_id": msg.ID})
		if err := tx.InsertEvent(ctx, model.Event{WorkspaceID: a.WorkspaceID, ConversationID: a.ConversationID, ActorAgentID: actor.ID, Kind: "approval_approved", Data: data}); err != nil {
			return err
		}
		_, err := tx.CreateNotification(ctx, store.Notification{WorkspaceID: a.WorkspaceID, AgentID: a.AuthorAgentID, ConversationID: a.ConversationID,
			Kind: "approved", Message: fmt.Sprintf("%s approved your reply to %s", actor.Name, a.CustomerName)})
		return err
	})
	if err != nil {
		return msg, fmt.Errorf("approve: %w", err)
	}
	s.approvalChanged(a.WorkspaceID, a.ConversationID, a.ID)
	return msg, nil
}

// MaxRejectReasonBytes bounds a rejection reason.
const MaxRejectReasonBytes = 2000

// Reject turns a pending reply down with a reason its author sees.
func (s *Service) Reject(ctx context.Context, actor model.Agent, approvalID, reason string) error {
	if !actor.Role.AtLeast(model.RoleSupervisor) {
		return &ValidationError{Field: "role", Message: "only supervisors reject replies"}
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return &ValidationError{Field: "reason", Message: "is required: tell the author what to change"}
	}
	if len(reason) > MaxRejectReasonBytes {
		return &ValidationError{Field: "reason", Message: fmt.Sprintf("longer than %d bytes", MaxRejectReasonBytes)}
	}
	a, err := s.store.GetApproval(ctx, actor.WorkspaceID, approvalID)
	if err != nil {
		return fmt.Errorf("reject: %w", err)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.DecideApproval(ctx, actor.WorkspaceID, a.ID, store.ApprovalRejected, actor.ID, a.Text, reason, ""); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]string{"approval_id": a.ID, "reason": reason})
		if err := tx.InsertEvent(ctx, model.Event{WorkspaceID: a.WorkspaceID, ConversationID: a.ConversationID, ActorAgentID: actor.ID, Kind: "approval_rejected", Data: data}); err != nil {
			return err
		}
		_, err := tx.CreateNotification(ctx, store.Notification{WorkspaceID: a.WorkspaceID, AgentID: a.AuthorAgentID, ConversationID: a.ConversationID,
			Kind: "rejected", Message: fmt.Sprintf("%s rejected your reply to %s: %s", actor.Name, a.CustomerName, reason)})
		return err
	})
	if err != nil {
		return fmt.Errorf("reject: %w", err)
	}
	s.approvalChanged(a.WorkspaceID, a.ConversationID, a.ID)
	return nil
}
