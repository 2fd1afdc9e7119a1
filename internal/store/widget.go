package store

import (
	"context"

	"github.com/heed-dev/heed/internal/model"
)

// GetConversationByThread returns the conversation of a thread on a channel
// (a web chat visitor's conversation is the thread named by the visitor id).
func (s *Store) GetConversationByThread(ctx context.Context, channelID, threadID string) (model.Conversation, error) {
	return s.conversationByThread(ctx, channelID, threadID)
}

// ListCustomerMessages returns what the customer of a conversation may see:
// inbound and outbound messages, never internal notes; the newest limit of
// them, oldest first.
func (s *Store) ListCustomerMessages(ctx context.Context, conversationID string, limit int) ([]model.Message, error) {
	rows, err := s.query(ctx, msgSelect+` WHERE m.conversation_id = ? AND m.direction IN ('in', 'out')
		ORDER BY m.created_at DESC, m.id DESC LIMIT ?`, conversationID, limit)
	if err != nil {
		return nil, s.mapErr("list customer messages", err)
	}
	defer rows.Close()
	var out []model.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, s.mapErr("list customer messages", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, s.mapErr("list customer messages", err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
