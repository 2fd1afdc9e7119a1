package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// Moderation verbs an agent can apply to a customer's public post.
const (
	VerbHide   = "hide"
	VerbUnhide = "unhide"
	VerbDelete = "delete"
	VerbLike   = "like"
)

// ErrNotSupported: the channel's platform has no such verb.
var ErrNotSupported = errors.New("not supported by this channel")

// Registry finds connectors (channel.Registry).
type Registry interface {
	Get(typ string) (channel.Connector, bool)
}

// Moderate applies a moderation verb to a customer message on its platform
// and records it. The platform call happens before anything is stored: if
// it fails, nothing changes.
func (s *Service) Moderate(ctx context.Context, reg Registry, actor model.Agent, messageID, verb string) error {
	m, err := s.store.GetMessage(ctx, messageID)
	if err != nil || m.WorkspaceID != actor.WorkspaceID {
		return fmt.Errorf("moderate: %w", store.ErrNotFound)
	}
	if m.Direction != model.DirectionIn || m.ExternalID == "" {
		return &ValidationError{Field: "message", Message: "only customer posts can be moderated"}
	}
	ch, err := s.store.GetChannel(ctx, m.ChannelID)
	if err != nil {
		return fmt.Errorf("moderate: %w", err)
	}
	conn, ok := reg.Get(ch.Type)
	mod, isMod := conn.(channel.Moderator)
	if !ok || !isMod {
		return &ValidationError{Field: "verb", Message: fmt.Sprintf("%s: %v", verb, ErrNotSupported)}
	}
	caps := conn.Capabilities()
	switch {
	case (verb == VerbHide || verb == VerbUnhide) && caps.Hide:
		err = mod.Hide(ctx, ch, m.ExternalID, verb == VerbHide)
	case verb == VerbDelete && caps.Delete:
		err = mod.Delete(ctx, ch, m.ExternalID)
	case verb == VerbLike && caps.Like:
		err = mod.Like(ctx, ch, m.ExternalID)
	default:
		return &ValidationError{Field: "verb", Message: fmt.Sprintf("%s: %v", verb, ErrNotSupported)}
	}
	if err != nil {
		return &ValidationError{Field: "verb", Message: "the platform refused: " + err.Error()}
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		switch verb {
		case VerbHide, VerbUnhide:
			if err := tx.SetMessageHidden(ctx, m.ID, verb == VerbHide); err != nil {
				return err
			}
		case VerbDelete:
			if err := tx.DeleteMessageUpstream(ctx, m.ID, tx.Now()); err != nil {
				return err
			}
		}
		data, _ := json.Marshal(map[string]string{"message_id": m.ID, "verb": verb})
		return tx.InsertEvent(ctx, model.Event{WorkspaceID: m.WorkspaceID, ConversationID: m.ConversationID, ActorAgentID: actor.ID, Kind: "moderation", Data: data})
	})
	if err != nil {
		return fmt.Errorf("moderate: %w", err)
	}
	s.Changed(m.WorkspaceID, m.ConversationID, m.ID)
	return nil
}
