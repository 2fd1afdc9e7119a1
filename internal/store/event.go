package store

import (
	"context"
	"encoding/json"

	"github.com/heed-dev/heed/internal/model"
)

// InsertEvent appends to the audit trail.
func (s *Store) InsertEvent(ctx context.Context, e model.Event) error {
	e.ID = NewID()
	if e.CreatedAt.IsZero() {
		e.CreatedAt = s.Now()
	}
	if len(e.Data) == 0 {
		e.Data = json.RawMessage(`{}`)
	}
	_, err := s.exec(ctx, `INSERT INTO events (id, workspace_id, conversation_id, actor_agent_id, kind, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.WorkspaceID, nullStr(e.ConversationID), nullStr(e.ActorAgentID), e.Kind, string(e.Data), ms(e.CreatedAt))
	return s.mapErr("insert event", err)
}

// ListEvents returns a conversation's audit trail, oldest first.
func (s *Store) ListEvents(ctx context.Context, conversationID string) ([]model.Event, error) {
	rows, err := s.query(ctx, `SELECT id, workspace_id, COALESCE(conversation_id, ''), COALESCE(actor_agent_id, ''), kind, data, created_at FROM events WHERE conversation_id = ? ORDER BY created_at, id`, conversationID)
	if err != nil {
		return nil, s.mapErr("list events", err)
	}
	defer rows.Close()
	var out []model.Event
	for rows.Next() {
		var e model.Event
		var data string
		var created int64
		if err := rows.Scan(&e.ID, &e.WorkspaceID, &e.ConversationID, &e.ActorAgentID, &e.Kind, &data, &created); err != nil {
			return nil, s.mapErr("list events", err)
		}
		e.Data, e.CreatedAt = json.RawMessage(data), fromMs(created)
		out = append(out, e)
	}
	return out, s.mapErr("list events", rows.Err())
}
