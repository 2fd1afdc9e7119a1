package store

import (
	"context"
)

// GetSpamModel returns a workspace's serialised spam model and its version;
// ErrNotFound when no agent has corrected anything yet.
func (s *Store) GetSpamModel(ctx context.Context, workspaceID string) ([]byte, int64, error) {
	var model string
	var version int64
	err := s.queryRow(ctx, `SELECT model, version FROM spam_models WHERE workspace_id = ?`, workspaceID).Scan(&model, &version)
	return []byte(model), version, s.mapErr("get spam model", err)
}

// SpamModelVersion returns the version of a workspace's model (0 if none),
// so caches reload only when it changed.
func (s *Store) SpamModelVersion(ctx context.Context, workspaceID string) (int64, error) {
	var v int64
	err := s.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM spam_models WHERE workspace_id = ?`, workspaceID).Scan(&v)
	return v, s.mapErr("spam model version", err)
}

// SaveSpamModel stores a workspace's model, bumping its version.
func (s *Store) SaveSpamModel(ctx context.Context, workspaceID string, model []byte) error {
	now := ms(s.Now())
	_, err := s.exec(ctx, `INSERT INTO spam_models (workspace_id, model, version, updated_at) VALUES (?, ?, 1, ?)
		ON CONFLICT (workspace_id) DO UPDATE SET model = excluded.model, version = spam_models.version + 1, updated_at = excluded.updated_at`,
		workspaceID, string(model), now)
	return s.mapErr("save spam model", err)
}
