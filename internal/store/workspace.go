package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/heed-dev/heed/internal/model"
)

// CreateWorkspace inserts a workspace and returns it.
func (s *Store) CreateWorkspace(ctx context.Context, name string) (model.Workspace, error) {
	w := model.Workspace{ID: NewID(), Name: name, CreatedAt: s.Now()}
	_, err := s.exec(ctx, `INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)`, w.ID, w.Name, ms(w.CreatedAt))
	return w, s.mapErr("create workspace", err)
}

// GetWorkspace returns a workspace by id.
func (s *Store) GetWorkspace(ctx context.Context, id string) (model.Workspace, error) {
	var w model.Workspace
	var created int64
	err := s.queryRow(ctx, `SELECT id, name, order_pattern, business_hours, virality_threshold, virality_negative_only, created_at FROM workspaces WHERE id = ?`, id).Scan(&w.ID, &w.Name, &w.OrderPattern, &w.BusinessHours, &w.ViralityThreshold, &w.ViralityNegativeOnly, &created)
	w.CreatedAt = fromMs(created)
	return w, s.mapErr("get workspace", err)
}

// FirstWorkspace returns the oldest workspace; ErrNotFound on a fresh install.
func (s *Store) FirstWorkspace(ctx context.Context) (model.Workspace, error) {
	var w model.Workspace
	var created int64
	err := s.queryRowW(ctx, `SELECT id, name, order_pattern, business_hours, virality_threshold, virality_negative_only, created_at FROM workspaces ORDER BY created_at, id LIMIT 1`).Scan(&w.ID, &w.Name, &w.OrderPattern, &w.BusinessHours, &w.ViralityThreshold, &w.ViralityNegativeOnly, &created)
	w.CreatedAt = fromMs(created)
	return w, s.mapErr("first workspace", err)
}

// SetOrderPattern stores the workspace's order-number regular expression.
func (s *Store) SetOrderPattern(ctx context.Context, workspaceID, pattern string) error {
	res, err := s.exec(ctx, `UPDATE workspaces SET order_pattern = ? WHERE id = ?`, pattern, workspaceID)
	if err != nil {
		return s.mapErr("set order pattern", err)
	}
	return mustAffect(res, "set order pattern")
}

// SetBusinessHours stores the workspace's business hours (JSON of sla.Schedule).
func (s *Store) SetBusinessHours(ctx context.Context, workspaceID, schedule string) error {
	res, err := s.exec(ctx, `UPDATE workspaces SET business_hours = ? WHERE id = ?`, schedule, workspaceID)
	if err != nil {
		return s.mapErr("set business hours", err)
	}
	return mustAffect(res, "set business hours")
}

// ListWorkspaceIDs returns every workspace's id.
func (s *Store) ListWorkspaceIDs(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, `SELECT id FROM workspaces ORDER BY created_at`)
	if err != nil {
		return nil, s.mapErr("list workspaces", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.mapErr("list workspaces", err)
		}
		ids = append(ids, id)
	}
	return ids, s.mapErr("list workspaces", rows.Err())
}

// Signatures returns the workspace's signature templates by channel type.
func (s *Store) Signatures(ctx context.Context, workspaceID string) (map[string]string, error) {
	var raw string
	if err := s.queryRow(ctx, `SELECT signatures FROM workspaces WHERE id = ?`, workspaceID).Scan(&raw); err != nil {
		return nil, s.mapErr("signatures", err)
	}
	out := map[string]string{}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, fmt.Errorf("signatures of %s: %w", workspaceID, err)
	}
	return out, nil
}

// SetSignatures replaces the workspace's signature templates.
func (s *Store) SetSignatures(ctx context.Context, workspaceID string, sigs map[string]string) error {
	raw, _ := json.Marshal(sigs)
	res, err := s.exec(ctx, `UPDATE workspaces SET signatures = ? WHERE id = ?`, string(raw), workspaceID)
	if err != nil {
		return s.mapErr("set signatures", err)
	}
	return mustAffect(res, "set signatures")
}
