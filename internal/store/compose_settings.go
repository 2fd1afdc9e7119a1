package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Check modes a workspace admin chooses for each composer check.
const (
	CheckOff   = "off"
	CheckWarn  = "warn"
	CheckBlock = "block"
)

// ComposeSettings are a workspace's choices for the composer's checks.
type ComposeSettings struct {
	WorkspaceID string
	// Checks maps a check name (compose.Check*) to CheckOff, CheckWarn or
	// CheckBlock; a check absent keeps its default.
	Checks map[string]string
	// BlockingNeedsApproval sends a reply with a blocking warning to a
	// supervisor's approval instead of refusing it.
	BlockingNeedsApproval bool
	UpdatedAt             time.Time // zero while the workspace never saved any
}

// GetComposeSettings returns a workspace's composer settings (empty ones,
// meaning every default, when none were saved).
func (s *Store) GetComposeSettings(ctx context.Context, workspaceID string) (ComposeSettings, error) {
	out := ComposeSettings{WorkspaceID: workspaceID, Checks: map[string]string{}}
	var raw string
	var updated int64
	err := s.queryRow(ctx, `SELECT checks, blocking_needs_approval, updated_at FROM compose_settings WHERE workspace_id = ?`, workspaceID).
		Scan(&raw, &out.BlockingNeedsApproval, &updated)
	if err == sql.ErrNoRows {
		return out, nil
	}
	if err != nil {
		return out, s.mapErr("get compose settings", err)
	}
	if err := json.Unmarshal([]byte(raw), &out.Checks); err != nil {
		return out, fmt.Errorf("compose settings of %s: %w", workspaceID, err)
	}
	out.UpdatedAt = fromMs(updated)
	return out, nil
}

// PutComposeSettings replaces a workspace's composer settings. The caller
// validates check names and modes.
func (s *Store) PutComposeSettings(ctx context.Context, c ComposeSettings) (ComposeSettings, error) {
	if c.Checks == nil {
		c.Checks = map[string]string{}
	}
	raw, err := json.Marshal(c.Checks)
	if err != nil {
		return c, fmt.Errorf("put compose settings: %w", err)
	}
	c.UpdatedAt = s.Now()
	_, err = s.exec(ctx, `INSERT INTO compose_settings (workspace_id, checks, blocking_needs_approval, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (workspace_id) DO UPDATE SET checks = excluded.checks, blocking_needs_approval = excluded.blocking_needs_approval, updated_at = excluded.updated_at`,
		c.WorkspaceID, string(raw), c.BlockingNeedsApproval, ms(c.UpdatedAt))
	return c, s.mapErr("put compose settings", err)
}
