package inbox

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/store"
)

// Presence timings. A page sends a heartbeat every PresenceHeartbeat while
// open, a typing beat at most every 3 s while the draft changes, and keeps
// "typing" in its heartbeat while a draft touched in the last 30 s is in the
// box (a pause to think is still writing a reply). Entries without a beat
// expire; TypingTTL outlasts one heartbeat so typing does not flicker.
const (
	PresenceHeartbeat = 10 * time.Second
	PresenceTTL       = 3 * PresenceHeartbeat // two missed beats are tolerated
	TypingTTL         = PresenceHeartbeat + 2*time.Second
)

// Collision is why a reply was held: another agent typing, or a reply by
// another agent since the sender loaded the conversation.
type Collision struct {
	Key     string // "typing:<agent id>" or "reply:<message id>": what the sender acknowledges
	Agent   string
	Message string // "Ana is typing a reply", "Ana replied 20 s ago: …"
}

// CollisionError holds a reply until the sender sends it again with every
// Collision's Key acknowledged.
type CollisionError struct {
	Collisions []Collision
}

func (e *CollisionError) Error() string {
	msgs := make([]string, 0, len(e.Collisions))
	for _, c := range e.Collisions {
		msgs = append(msgs, c.Message)
	}
	return "reply held: " + strings.Join(msgs, "; ")
}

// Keys are the collision keys to send back to send anyway.
func (e *CollisionError) Keys() []string {
	out := make([]string, 0, len(e.Collisions))
	for _, c := range e.Collisions {
		out = append(out, c.Key)
	}
	return out
}

// checkCollision finds other agents typing now and replies by others since
// seen; any not acknowledged holds the reply.
func (s *Service) checkCollision(ctx context.Context, actor model.Agent, conversationID string, seen time.Time, acked []string) error {
	now := s.store.Now()
	var out []Collision
	present, err := s.store.ListPresence(ctx, conversationID, now)
	if err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	for _, p := range present {
		if p.AgentID != actor.ID && p.Typing {
			out = append(out, Collision{Key: "typing:" + p.AgentID, Agent: p.AgentName, Message: p.AgentName + " is typing a reply"})
		}
	}
	replies, err := s.store.RepliesByOthersSince(ctx, conversationID, actor.ID, seen)
	if err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	for _, r := range replies {
		who := r.AgentName
		if who == "" {
			who = "Someone"
		}
		out = append(out, Collision{Key: "reply:" + r.MessageID, Agent: who,
			Message: fmt.Sprintf("%s replied %s ago: %s", who, ago(now.Sub(r.CreatedAt)), clip(r.Text, 120))})
	}
	held := out[:0]
	for _, c := range out {
		if !slices.Contains(acked, c.Key) {
			held = append(held, c)
		}
	}
	if len(held) == 0 {
		return nil
	}
	// Everything the sender is told about is acknowledged by the second
	// click, not only the new ones.
	return &CollisionError{Collisions: out}
}

func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", max(int(d.Seconds()), 0))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return fmt.Sprintf("%d h", int(d.Hours()))
}

func clip(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

// PresenceBeat records that actor views a conversation (and types in it
// when typing) and tells the other browsers. A contributor may only be
// present in conversations assigned to them.
func (s *Service) PresenceBeat(ctx context.Context, actor model.Agent, conversationID string, typing bool) error {
	conv, err := s.store.GetConversation(ctx, actor.WorkspaceID, conversationID)
	if err != nil {
		return fmt.Errorf("presence: %w", err)
	}
	if actor.Role == model.RoleContributor && conv.AssigneeID != actor.ID {
		return fmt.Errorf("presence: %w", store.ErrNotFound)
	}
	now := s.store.Now()
	var typingUntil time.Time
	if typing {
		typingUntil = now.Add(TypingTTL)
	}
	before, err := s.store.ListPresence(ctx, conv.ID, now)
	if err != nil {
		return fmt.Errorf("presence: %w", err)
	}
	if err := s.store.TouchPresence(ctx, conv.WorkspaceID, conv.ID, actor.ID, now.Add(PresenceTTL), typingUntil); err != nil {
		return fmt.Errorf("presence: %w", err)
	}
	// Expired rows are only dead weight (readers compare with now); an
	// indexed delete per beat keeps the table to the people online.
	if _, err := s.store.SweepPresence(ctx, conv.WorkspaceID, now.Add(-PresenceTTL)); err != nil {
		return fmt.Errorf("presence: %w", err)
	}
	// Only a change is broadcast (someone arrived or started typing):
	// heartbeats of an unchanged state cost one write and no traffic.
	changed := true
	for _, p := range before {
		if p.AgentID == actor.ID {
			changed = p.Typing != typing && typing
		}
	}
	if changed {
		s.presenceChanged(conv.WorkspaceID, conv.ID)
	}
	return nil
}

// PresenceLeave removes actor from a conversation (page closed, or the draft
// was sent or emptied when stopTypingOnly).
func (s *Service) PresenceLeave(ctx context.Context, actor model.Agent, conversationID string, stopTypingOnly bool) error {
	conv, err := s.store.GetConversation(ctx, actor.WorkspaceID, conversationID)
	if err != nil {
		return fmt.Errorf("presence: %w", err)
	}
	if stopTypingOnly {
		err = s.store.StopTyping(ctx, conv.ID, actor.ID)
	} else {
		err = s.store.LeavePresence(ctx, conv.ID, actor.ID)
	}
	if err != nil {
		return fmt.Errorf("presence: %w", err)
	}
	s.presenceChanged(conv.WorkspaceID, conv.ID)
	return nil
}

// presenceChanged publishes a "presence" event; through the PostgreSQL
// broker it reaches every node. Browsers re-fetch presence, which expires by
// time, so a lost event only delays an update until the next heartbeat.
func (s *Service) presenceChanged(workspaceID, conversationID string) {
	ev := realtime.Event{Type: "presence", ID: conversationID, ConversationID: conversationID}
	s.broker.Publish(realtime.WorkspaceTopic(workspaceID), ev)
}
