package store

import (
	"context"
	"time"
)

// ConversationMove links a public conversation to the private one its
// customer was moved to.
type ConversationMove struct {
	PublicID  string
	PrivateID string
	AgentID   string
	CreatedAt time.Time
}

// LinkConversations records that publicID moved to privateID. A public
// conversation moves once: a second link keeps the first (the private
// conversation is found again by its thread, so it is the same one).
func (s *Store) LinkConversations(ctx context.Context, workspaceID, publicID, privateID, agentID string) error {
	_, err := s.exec(ctx, `INSERT INTO conversation_moves (public_id, private_id, workspace_id, agent_id, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (public_id) DO NOTHING`, publicID, privateID, workspaceID, agentID, ms(s.Now()))
	return s.mapErr("link conversations", err)
}

// ConversationMoves returns the moves a conversation takes part in: the one
// that took it private (as the public side) and those that brought public
// posts into it (as the private side), oldest first.
func (s *Store) ConversationMoves(ctx context.Context, workspaceID, conversationID string) ([]ConversationMove, error) {
	rows, err := s.query(ctx, `SELECT public_id, private_id, agent_id, created_at FROM conversation_moves
		WHERE workspace_id = ? AND (public_id = ? OR private_id = ?) ORDER BY created_at, public_id`, workspaceID, conversationID, conversationID)
	if err != nil {
		return nil, s.mapErr("conversation moves", err)
	}
	defer rows.Close()
	var out []ConversationMove
	for rows.Next() {
		var m ConversationMove
		var created int64
		if err := rows.Scan(&m.PublicID, &m.PrivateID, &m.AgentID, &created); err != nil {
			return nil, s.mapErr("conversation moves", err)
		}
		m.CreatedAt = fromMs(created)
		out = append(out, m)
	}
	return out, s.mapErr("conversation moves", rows.Err())
}
