package store

import (
	"context"
	"database/sql"

	"github.com/heed-dev/heed/internal/model"
)

// CreateAPIToken stores a token (by hash only).
func (s *Store) CreateAPIToken(ctx context.Context, t model.APIToken) (model.APIToken, error) {
	t.ID = NewID()
	t.CreatedAt = s.Now()
	_, err := s.exec(ctx, `INSERT INTO api_tokens (id, workspace_id, agent_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.ID, t.WorkspaceID, t.AgentID, t.Name, t.TokenHash, ms(t.CreatedAt))
	return t, s.mapErr("create api token", err)
}

// GetAPITokenByHash finds a token by the hash of its value.
func (s *Store) GetAPITokenByHash(ctx context.Context, hash string) (model.APIToken, error) {
	var t model.APIToken
	var created int64
	var used sql.NullInt64
	err := s.queryRow(ctx, `SELECT id, workspace_id, agent_id, name, token_hash, created_at, last_used_at FROM api_tokens WHERE token_hash = ?`, hash).
		Scan(&t.ID, &t.WorkspaceID, &t.AgentID, &t.Name, &t.TokenHash, &created, &used)
	t.CreatedAt, t.LastUsedAt = fromMs(created), fromNullMs(used)
	return t, s.mapErr("get api token", err)
}

// ListAPITokens lists a workspace's tokens (never their values).
func (s *Store) ListAPITokens(ctx context.Context, workspaceID string) ([]model.APIToken, error) {
	rows, err := s.query(ctx, `SELECT id, workspace_id, agent_id, name, token_hash, created_at, last_used_at FROM api_tokens WHERE workspace_id = ? ORDER BY created_at DESC`, workspaceID)
	if err != nil {
		return nil, s.mapErr("list api tokens", err)
	}
	defer rows.Close()
	var out []model.APIToken
	for rows.Next() {
		var t model.APIToken
		var created int64
		var used sql.NullInt64
		if err := rows.Scan(&t.ID, &t.WorkspaceID, &t.AgentID, &t.Name, &t.TokenHash, &created, &used); err != nil {
			return nil, s.mapErr("list api tokens", err)
		}
		t.CreatedAt, t.LastUsedAt = fromMs(created), fromNullMs(used)
		out = append(out, t)
	}
	return out, s.mapErr("list api tokens", rows.Err())
}

// DeleteAPIToken revokes a token.
func (s *Store) DeleteAPIToken(ctx context.Context, workspaceID, id string) error {
	res, err := s.exec(ctx, `DELETE FROM api_tokens WHERE id = ? AND workspace_id = ?`, id, workspaceID)
	if err != nil {
		return s.mapErr("delete api token", err)
	}
	return mustAffect(res, "delete api token")
}
