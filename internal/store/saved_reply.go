package store

import (
	"context"
	"time"
)

// SavedReply is a reusable answer; ChannelType "" serves every channel.
type SavedReply struct {
	ID          string
	WorkspaceID string
	Name        string
	Body        string
	ChannelType string
	CreatedAt   time.Time
}

// CreateSavedReply stores a saved reply (ErrConflict for a duplicate name per channel type).
func (s *Store) CreateSavedReply(ctx context.Context, r SavedReply) (SavedReply, error) {
	r.ID, r.CreatedAt = NewID(), s.Now()
	_, err := s.exec(ctx, `INSERT INTO saved_replies (id, workspace_id, name, body, channel_type, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		r.ID, r.WorkspaceID, r.Name, r.Body, r.ChannelType, ms(r.CreatedAt))
	return r, s.mapErr("create saved reply", err)
}

// ListSavedReplies returns a workspace's saved replies for a channel type
// (its own variants and the general ones; "" for all), by name.
func (s *Store) ListSavedReplies(ctx context.Context, workspaceID, channelType string) ([]SavedReply, error) {
	q := `SELECT id, workspace_id, name, body, channel_type, created_at FROM saved_replies WHERE workspace_id = ?`
	args := []any{workspaceID}
	if channelType != "" {
		q += ` AND channel_type IN ('', ?)`
		args = append(args, channelType)
	}
	rows, err := s.query(ctx, q+` ORDER BY name, channel_type DESC`, args...)
	if err != nil {
		return nil, s.mapErr("list saved replies", err)
	}
	defer rows.Close()
	var out []SavedReply
	for rows.Next() {
		var r SavedReply
		var created int64
		if err := rows.Scan(&r.ID, &r.WorkspaceID, &r.Name, &r.Body, &r.ChannelType, &created); err != nil {
			return nil, s.mapErr("list saved replies", err)
		}
		r.CreatedAt = fromMs(created)
		out = append(out, r)
	}
	return out, s.mapErr("list saved replies", rows.Err())
}

// DeleteSavedReply removes a saved reply.
func (s *Store) DeleteSavedReply(ctx context.Context, workspaceID, id string) error {
	res, err := s.exec(ctx, `DELETE FROM saved_replies WHERE id = ? AND workspace_id = ?`, id, workspaceID)
	if err != nil {
		return s.mapErr("delete saved reply", err)
	}
	return mustAffect(res, "delete saved reply")
}
