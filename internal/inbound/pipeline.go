// Package inbound turns stored raw events into conversations and messages.
// Events are persisted (Accept) before the platform is acknowledged; a
// Processor then claims them in batches and runs each through the pipeline
// stages in one transaction, publishing live events only after commit.
package inbound

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// Item is one event travelling through the pipeline; each stage fills in
// more of it.
type Item struct {
	Event     model.InboundEvent
	Channel   model.Channel
	Connector channel.Connector

	Msg     channel.InboundMessage // normalize
	Kind    string                 // normalize: channel.Kind*
	Likes   int64                  // normalize: engagement counts reported with the event
	Replies int64
	Reposts int64
	// EngagementTarget is the external id whose counts an engagement event
	// reports; Changed is a conversation an edit or deletion touched.
	EngagementTarget string
	Changed          *model.Conversation
	Duplicate        bool               // dedupe: stop, nothing new
	Identity         model.Identity     // identify
	Conversation     model.Conversation // thread
	NewThread        bool
	Analysis         json.RawMessage // analyze
	Result           *analyze.Result // analyze, decoded
	Preview          string          // inbox preview; analyze masks personal data in public posts
	Message          model.Message   // commit

	setupErr error // the channel or its connector could not be found
	parsed   bool
	event    channel.Event
	parseErr error
}

// parse reads the stored payload once; the processor calls it before the
// stages to learn which customers and threads the batch will lock.
func (it *Item) parse() (channel.Event, error) {
	if it.parsed {
		return it.event, it.parseErr
	}
	it.parsed = true
	if wh, ok := it.Connector.(channel.Webhook); ok {
		it.event, it.parseErr = wh.NormalizeEvent(it.Event.Payload)
	} else {
		it.event.InboundMessage, it.parseErr = it.Connector.Normalize(it.Event.Payload)
		it.event.Kind = channel.KindMessage
	}
	if it.parseErr != nil {
		it.parseErr = fmt.Errorf("normalize: %v: %w", it.parseErr, ErrPermanent)
		return it.event, it.parseErr
	}
	ev := it.event
	it.Msg, it.Kind = ev.InboundMessage, ev.Kind
	it.Likes, it.Replies, it.Reposts = ev.Likes, ev.Replies, ev.Reposts
	return ev, nil
}

// lockKeys names what processing the item will write under a unique key: the
// author's identity and the conversation thread. Edits, deletions and
// engagement touch an existing message and take no key.
func (it *Item) lockKeys() []string {
	ev, err := it.parse()
	if err != nil || ev.Kind != channel.KindMessage {
		return nil
	}
	return []string{
		"identity\x00" + it.Channel.WorkspaceID + "\x00" + it.Connector.Network() + "\x00" + ev.Author.ID,
		"thread\x00" + it.Channel.ID + "\x00" + ev.ThreadID,
	}
}

// Stage is one step of the pipeline. Stages run in order inside the batch
// transaction; a stage sets item.Duplicate to stop the item early.
type Stage interface {
	Name() string
	Run(ctx context.Context, tx *store.Store, it *Item) error
}

// ErrPermanent marks an event that can never be processed (it is parked with
// its error instead of retried).
var ErrPermanent = errors.New("permanent")

// Stages returns the default pipeline. Capabilities plug their stages in
// here, in this order:
// normalize → dedupe → identify → thread → analyze → route → commit → clocks.
// A nil stage is left out.
func Stages(analyze, route, clocks Stage) []Stage {
	s := []Stage{normalizeStage{}, dedupeStage{}, identifyStage{}, threadStage{}}
	for _, st := range []Stage{analyze, route} {
		if st != nil {
			s = append(s, st)
		}
	}
	s = append(s, commitStage{})
	if clocks != nil {
		s = append(s, clocks)
	}
	return s
}

type normalizeStage struct{}

func (normalizeStage) Name() string { return "normalize" }
func (normalizeStage) Run(ctx context.Context, tx *store.Store, it *Item) error {
	ev, err := it.parse()
	if err != nil {
		return err
	}
	if ev.Kind == channel.KindMessage {
		return nil
	}
	// An edit, deletion or engagement update changes a stored message;
	// nothing new enters the inbox.
	it.Duplicate = true
	target, err := tx.GetMessageByExternalID(ctx, it.Channel.ID, ev.TargetExternalID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // about something Heed never stored
	}
	if err != nil {
		return err
	}
	at := it.Msg.CreatedAt
	if at.IsZero() {
		at = tx.Now()
	}
	var kind string
	var data []byte
	switch ev.Kind {
	case channel.KindEdit:
		kind = "edited_upstream"
		data, _ = json.Marshal(map[string]string{"message_id": target.ID, "previous_text": target.Text})
		err = tx.EditMessageUpstream(ctx, target.ID, ev.Text, at)
	case channel.KindDelete:
		kind = "deleted_upstream"
		data, _ = json.Marshal(map[string]string{"message_id": target.ID, "text": target.Text})
		err = tx.DeleteMessageUpstream(ctx, target.ID, at)
	case channel.KindEngagement:
		it.EngagementTarget = target.ExternalID
	}
	if err != nil {
		return err
	}
	if kind != "" {
		if err := tx.InsertEvent(ctx, model.Event{WorkspaceID: target.WorkspaceID, ConversationID: target.ConversationID, Kind: kind, Data: data}); err != nil {
			return err
		}
	}
	it.Changed = &model.Conversation{ID: target.ConversationID, WorkspaceID: target.WorkspaceID}
	return nil
}

type dedupeStage struct{}

func (dedupeStage) Name() string { return "dedupe" }
func (dedupeStage) Run(ctx context.Context, tx *store.Store, it *Item) error {
	exists, err := tx.MessageExists(ctx, it.Channel.ID, it.Msg.ExternalID)
	if err != nil {
		return err
	}
	it.Duplicate = exists
	return nil
}

type identifyStage struct{}

func (identifyStage) Name() string { return "identify" }
func (identifyStage) Run(ctx context.Context, tx *store.Store, it *Item) error {
	id, err := tx.ResolveIdentity(ctx, model.Identity{WorkspaceID: it.Channel.WorkspaceID, Network: it.Connector.Network(),
		ExternalID: it.Msg.Author.ID, Handle: it.Msg.Author.Handle, Name: it.Msg.Author.Name})
	if err != nil {
		return err
	}
	it.Identity = id
	return nil
}

type threadStage struct{}

func (threadStage) Name() string { return "thread" }
func (threadStage) Run(ctx context.Context, tx *store.Store, it *Item) error {
	c, created, err := tx.ThreadConversation(ctx, model.Conversation{WorkspaceID: it.Channel.WorkspaceID, ChannelID: it.Channel.ID,
		CustomerID: it.Identity.CustomerID, IdentityID: it.Identity.ID, ThreadID: it.Msg.ThreadID, Public: it.Msg.Public,
		CreatedAt: it.Msg.CreatedAt, LastMessageAt: it.Msg.CreatedAt, Preview: Preview(it.Msg.Text)})
	if err != nil {
		return err
	}
	it.Conversation, it.NewThread = c, created
	return nil
}

type commitStage struct{}

func (commitStage) Name() string { return "commit" }
func (commitStage) Run(ctx context.Context, tx *store.Store, it *Item) error {
	m, created, err := tx.InsertMessage(ctx, model.Message{WorkspaceID: it.Channel.WorkspaceID, ConversationID: it.Conversation.ID,
		ChannelID: it.Channel.ID, Direction: model.DirectionIn, ExternalID: it.Msg.ExternalID, Text: it.Msg.Text, Public: it.Msg.Public,
		Analysis: it.Analysis, CreatedAt: it.Msg.CreatedAt})
	if err != nil {
		return err
	}
	if !created {
		it.Duplicate = true
		return nil
	}
	it.Message = m
	if !it.NewThread {
		if err := tx.TouchConversationInbound(ctx, it.Conversation.ID, it.Msg.CreatedAt, it.preview()); err != nil {
			return err
		}
	}
	return nil
}

func (it *Item) preview() string {
	if it.Preview != "" {
		return it.Preview
	}
	return Preview(it.Msg.Text)
}

// Preview shortens text for inbox rows.
func Preview(text string) string {
	const max = 140
	r := []rune(text)
	if len(r) <= max {
		return text
	}
	return string(r[:max-1]) + "…"
}
