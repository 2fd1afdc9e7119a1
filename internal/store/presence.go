package store

import (
	"context"
	"time"
)

// Presence is one agent looking at (and maybe typing in) a conversation.
// Rows expire by time: readers only see those whose ViewingUntil is ahead.
type Presence struct {
	ConversationID string
	AgentID        string
	AgentName      string
	Typing         bool // TypingUntil is ahead
	ViewingUntil   time.Time
	TypingUntil    time.Time
}

// TouchPresence records that an agent views a conversation until viewingUntil
// and, when typingUntil is not zero, types in it until then. A zero
// typingUntil keeps the current typing deadline; StopTyping clears it.
func (s *Store) TouchPresence(ctx context.Context, workspaceID, conversationID, agentID string, viewingUntil, typingUntil time.Time) error {
	var typing int64
	if !typingUntil.IsZero() {
		typing = ms(typingUntil)
	}
	_, err := s.exec(ctx, `INSERT INTO presence (conversation_id, agent_id, workspace_id, viewing_until, typing_until) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (conversation_id, agent_id) DO UPDATE SET viewing_until = excluded.viewing_until,
		typing_until = CASE WHEN excluded.typing_until > 0 THEN excluded.typing_until ELSE presence.typing_until END`,
		conversationID, agentID, workspaceID, ms(viewingUntil), typing)
	return s.mapErr("touch presence", err)
}

// StopTyping clears an agent's typing in a conversation (they sent or
// emptied the draft).
func (s *Store) StopTyping(ctx context.Context, conversationID, agentID string) error {
	_, err := s.exec(ctx, `UPDATE presence SET typing_until = 0 WHERE conversation_id = ? AND agent_id = ?`, conversationID, agentID)
	return s.mapErr("stop typing", err)
}

// LeavePresence removes an agent from a conversation (the page closed).
func (s *Store) LeavePresence(ctx context.Context, conversationID, agentID string) error {
	_, err := s.exec(ctx, `DELETE FROM presence WHERE conversation_id = ? AND agent_id = ?`, conversationID, agentID)
	return s.mapErr("leave presence", err)
}

const presenceSelect = `SELECT p.conversation_id, p.agent_id, a.name, p.viewing_until, p.typing_until
	FROM presence p JOIN agents a ON a.id = p.agent_id`

// ListPresence returns who is in a conversation at now, by name.
func (s *Store) ListPresence(ctx context.Context, conversationID string, now time.Time) ([]Presence, error) {
	return s.listPresence(ctx, now, presenceSelect+` WHERE p.conversation_id = ? AND p.viewing_until > ? ORDER BY a.name, p.agent_id`,
		conversationID, ms(now))
}

// ListWorkspacePresence returns everyone in every conversation of a
// workspace at now (for the inbox list).
func (s *Store) ListWorkspacePresence(ctx context.Context, workspaceID string, now time.Time) ([]Presence, error) {
	return s.listPresence(ctx, now, presenceSelect+` WHERE p.workspace_id = ? AND p.viewing_until > ? ORDER BY p.conversation_id, a.name, p.agent_id`,
		workspaceID, ms(now))
}

func (s *Store) listPresence(ctx context.Context, now time.Time, q string, args ...any) ([]Presence, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, s.mapErr("list presence", err)
	}
	defer rows.Close()
	var out []Presence
	for rows.Next() {
		var p Presence
		var viewing, typing int64
		if err := rows.Scan(&p.ConversationID, &p.AgentID, &p.AgentName, &viewing, &typing); err != nil {
			return nil, s.mapErr("list presence", err)
		}
		p.ViewingUntil, p.TypingUntil = fromMs(viewing), fromMs(typing)
		p.Typing = typing > ms(now)
		out = append(out, p)
	}
	return out, s.mapErr("list presence", rows.Err())
}

// SweepPresence deletes a workspace's rows that expired before cutoff;
// returns how many.
func (s *Store) SweepPresence(ctx context.Context, workspaceID string, cutoff time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM presence WHERE workspace_id = ? AND viewing_until < ?`, workspaceID, ms(cutoff))
	if err != nil {
		return 0, s.mapErr("sweep presence", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// OtherReply is a reply by another agent, for the collision warning.
type OtherReply struct {
	MessageID string
	AgentID   string
	AgentName string
	Text      string
	CreatedAt time.Time
}

// RepliesByOthersSince returns replies (sent or queued, not notes) to a
// conversation by agents other than agentID created after since, newest
// first.
func (s *Store) RepliesByOthersSince(ctx context.Context, conversationID, agentID string, since time.Time) ([]OtherReply, error) {
	rows, err := s.query(ctx, `SELECT m.id, COALESCE(m.author_agent_id, ''), COALESCE(a.name, ''), m.text, m.created_at
		FROM messages m LEFT JOIN agents a ON a.id = m.author_agent_id
		WHERE m.conversation_id = ? AND m.direction = 'out' AND m.created_at > ? AND COALESCE(m.author_agent_id, '') <> ?
		ORDER BY m.created_at DESC, m.id DESC LIMIT 5`, conversationID, ms(since), agentID)
	if err != nil {
		return nil, s.mapErr("replies by others", err)
	}
	defer rows.Close()
	var out []OtherReply
	for rows.Next() {
		var r OtherReply
		var created int64
		if err := rows.Scan(&r.MessageID, &r.AgentID, &r.AgentName, &r.Text, &created); err != nil {
			return nil, s.mapErr("replies by others", err)
		}
		r.CreatedAt = fromMs(created)
		out = append(out, r)
	}
	return out, s.mapErr("replies by others", rows.Err())
}
