package store

import (
	"context"
	"encoding/json"
)

// GetRoutingRules returns a workspace's rules (JSON array) and version; an
// empty array and version 0 when none were saved.
func (s *Store) GetRoutingRules(ctx context.Context, workspaceID string) (json.RawMessage, int64, error) {
	var rules string
	var version int64
	err := s.queryRow(ctx, `SELECT rules, version FROM routing_rules WHERE workspace_id = ?`, workspaceID).Scan(&rules, &version)
	if err != nil {
		if err2 := s.mapErr("get routing rules", err); isNotFound(err2) {
			return json.RawMessage(`[]`), 0, nil
		}
		return nil, 0, s.mapErr("get routing rules", err)
	}
	return json.RawMessage(rules), version, nil
}

// RoutingRulesVersion returns the version of a workspace's rules (0 if none).
func (s *Store) RoutingRulesVersion(ctx context.Context, workspaceID string) (int64, error) {
	var v int64
	err := s.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM routing_rules WHERE workspace_id = ?`, workspaceID).Scan(&v)
	return v, s.mapErr("routing rules version", err)
}

// SaveRoutingRules replaces a workspace's rules, bumping the version.
func (s *Store) SaveRoutingRules(ctx context.Context, workspaceID string, rules json.RawMessage) error {
	_, err := s.exec(ctx, `INSERT INTO routing_rules (workspace_id, rules, version, updated_at) VALUES (?, ?, 1, ?)
		ON CONFLICT (workspace_id) DO UPDATE SET rules = excluded.rules, version = routing_rules.version + 1, updated_at = excluded.updated_at`,
		workspaceID, string(rules), ms(s.Now()))
	return s.mapErr("save routing rules", err)
}
