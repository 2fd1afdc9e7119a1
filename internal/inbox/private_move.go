package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// ErrNoPrivateSend means the platform cannot start a private conversation
// from a public one: the reply should carry the channel's private-message
// link instead.
var ErrNoPrivateSend = errors.New("this platform cannot start a private conversation; insert the private-message link into the reply instead")

// Move is the result of a private move.
type Move struct {
	Public  model.Conversation
	Private model.Conversation
	Message model.Message // the private message, sent from the public thread
}

// CanMovePrivate tells whether the platform of a public conversation can
// send a private message to its customer (X DM, Meta private reply, the API
// channel's private messages).
func CanMovePrivate(reg Registry, conv model.Conversation) bool {
	if !conv.Public || reg == nil {
		return false
	}
	conn, ok := reg.Get(conv.ChannelType)
	if !ok {
		return false
	}
	caps := conn.Capabilities()
	return caps.PrivateReply || caps.PrivateMessage
}

// privateThread is the thread the customer's private answers will arrive on,
// where Heed can know it in advance, so their answer joins the private
// conversation: X threads DMs by the customer's user id ("dm:<id>", see
// channel/x); Instagram threads DMs by the Instagram-scoped id
// ("igsid:<id>"), which is also the id of a comment's author (the comments
// webhook's from.id is the commenter's IGSID, Graph API changelog of
// 2021-10-20). Elsewhere (a Facebook commenter answers on the Page's
// Messenger channel under an id the comment does not reveal) Heed opens a
// private thread of its own for the move.
func privateThread(conv model.Conversation, ident model.Identity) string {
	id := ident.ExternalID
	if id != "" && !strings.Contains(id, ":") { // not a derived id ("unknown:…")
		switch conv.ChannelType {
		case xChannelType:
			return "dm:" + id
		case instagramChannelType:
			return "igsid:" + id
		}
	}
	return "moved:" + conv.ThreadID
}

// MovePrivate takes a public conversation private in one step: in.Text is
// sent to the customer privately from the public thread (every connector
// that can answer privately does so from there: X DMs the author, Meta
// sends a private reply to the comment), and the private conversation the
// customer's answers belong to is found or opened, linked to the public one
// in both directions, and given a note of what was sent. A second move of
// the same conversation reuses the same private conversation.
//
// reason is why (a key of RedirectReasons, "" when not given; anything
// else is refused before sending). It is stored on the public conversation
// with the link, once: a later move keeps the first move's reason.
func (s *Service) MovePrivate(ctx context.Context, reg Registry, actor model.Agent, publicID string, in ReplyInput, reason string) (Move, error) {
	text := in.Text
	if strings.TrimSpace(text) == "" {
		return Move{}, &ValidationError{Field: "text", Message: "write the private message first"}
	}
	if err := checkRedirectReason(reason); err != nil {
		return Move{}, err
	}
	conv, err := s.store.GetConversation(ctx, actor.WorkspaceID, publicID)
	if err != nil {
		return Move{}, err
	}
	if !conv.Public {
		return Move{}, &ValidationError{Field: "conversation", Message: "this conversation is already private"}
	}
	if !CanMovePrivate(reg, conv) {
		return Move{}, &ValidationError{Field: "conversation", Message: ErrNoPrivateSend.Error()}
	}
	var ident model.Identity
	if conv.IdentityID != "" {
		if ident, err = s.store.GetIdentity(ctx, conv.IdentityID); err != nil {
			return Move{}, fmt.Errorf("move private: %w", err)
		}
	}
	// Sent first: a reply the collision check or an approval holds moves
	// nothing yet.
	in.Private, in.Note = true, false
	msg, err := s.Reply(ctx, actor, conv.ID, in)
	if err != nil {
		return Move{}, err
	}
	var priv model.Conversation
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		moves, err := tx.ConversationMoves(ctx, actor.WorkspaceID, conv.ID)
		if err != nil {
			return err
		}
		created := false
		if len(moves) > 0 && moves[0].PublicID == conv.ID {
			priv, err = tx.GetConversation(ctx, actor.WorkspaceID, moves[0].PrivateID)
		} else {
			priv, created, err = tx.ThreadConversation(ctx, model.Conversation{WorkspaceID: conv.WorkspaceID, ChannelID: conv.ChannelID,
				CustomerID: conv.CustomerID, IdentityID: conv.IdentityID, ThreadID: privateThread(conv, ident), Public: false,
				Status: model.StatusWaiting, Priority: conv.Priority, Preview: previewOf(text)})
		}
		if err != nil {
			return err
		}
		if priv.Public {
			return fmt.Errorf("move private: thread %q of conversation %s is public", priv.ThreadID, priv.ID)
		}
		if created {
			// The agent who moved it keeps it, in the public one's team.
			if err := tx.AssignConversation(ctx, actor.WorkspaceID, priv.ID, actor.ID, conv.TeamID); err != nil {
				return err
			}
		}
		if err := tx.LinkConversations(ctx, actor.WorkspaceID, conv.ID, priv.ID, actor.ID); err != nil {
			return err
		}
		if err := tx.SetRedirectReason(ctx, actor.WorkspaceID, conv.ID, reason); err != nil {
			return err
		}
		note := model.Message{WorkspaceID: priv.WorkspaceID, ConversationID: priv.ID, ChannelID: priv.ChannelID, AuthorAgentID: actor.ID,
			Direction: model.DirectionNote, Text: "Sent privately from the public post: " + strings.TrimSpace(text)}
		if _, _, err := tx.InsertMessage(ctx, note); err != nil {
			return err
		}
		ev := map[string]string{"public_id": conv.ID, "private_id": priv.ID}
		if reason != "" {
			ev["reason"] = reason // this move's; the conversation keeps the first
		}
		data, _ := json.Marshal(ev)
		for _, id := range []string{conv.ID, priv.ID} {
			if err := tx.InsertEvent(ctx, model.Event{WorkspaceID: actor.WorkspaceID, ConversationID: id, ActorAgentID: actor.ID, Kind: "moved_private", Data: data}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Move{}, fmt.Errorf("move private: the message was sent, linking the private conversation failed: %w", err)
	}
	s.Changed(actor.WorkspaceID, priv.ID, "")
	if priv, err = s.store.GetConversation(ctx, actor.WorkspaceID, priv.ID); err != nil {
		return Move{}, err
	}
	if conv.RedirectReason == "" {
		conv.RedirectReason = reason // as SetRedirectReason stored it
	}
	return Move{Public: conv, Private: priv, Message: msg}, nil
}

// LinkedConversation is the other side of a move, for display.
type LinkedConversation struct {
	ID        string
	Public    bool // the other side is the public post (we are the private one)
	Preview   string
	ChannelID string
}

// LinkedConversations returns the conversations a conversation was moved to
// or from.
func (s *Service) LinkedConversations(ctx context.Context, actor model.Agent, conversationID string) ([]LinkedConversation, error) {
	moves, err := s.store.ConversationMoves(ctx, actor.WorkspaceID, conversationID)
	if err != nil {
		return nil, err
	}
	out := make([]LinkedConversation, 0, len(moves))
	for _, m := range moves {
		other, public := m.PrivateID, false
		if other == conversationID {
			other, public = m.PublicID, true
		}
		c, err := s.store.GetConversation(ctx, actor.WorkspaceID, other)
		if err != nil {
			return nil, err
		}
		out = append(out, LinkedConversation{ID: c.ID, Public: public, Preview: c.Preview, ChannelID: c.ChannelID})
	}
	return out, nil
}

// Channel types of channel/x and channel/meta (not imported: inbox stays
// free of connectors).
const (
	xChannelType         = "x"
	instagramChannelType = "instagram"
)

func previewOf(text string) string { return preview(text, 140) }
