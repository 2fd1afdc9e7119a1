package store

import (
	"context"
	"strings"
	"time"
)

// WorkspaceWord is a brand or product name the spelling check accepts for
// the whole workspace ("AcmePay", "iPhone").
type WorkspaceWord struct {
	Word      string
	AddedBy   string // agent id ("" from the API without an agent)
	CreatedAt time.Time
}

// AddWorkspaceWord adds a word; adding it again (in any casing) replaces its
// spelling, so an admin can correct "Acmepay" to "AcmePay".
func (s *Store) AddWorkspaceWord(ctx context.Context, workspaceID, word, agentID string) (WorkspaceWord, error) {
	w := WorkspaceWord{Word: word, AddedBy: agentID, CreatedAt: s.Now()}
	_, err := s.exec(ctx, `INSERT INTO workspace_words (workspace_id, folded, word, added_by, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, folded) DO UPDATE SET word = excluded.word`,
		workspaceID, strings.ToLower(word), word, agentID, ms(w.CreatedAt))
	return w, s.mapErr("add workspace word", err)
}

// ListWorkspaceWords returns a workspace's words in alphabetical order.
func (s *Store) ListWorkspaceWords(ctx context.Context, workspaceID string) ([]WorkspaceWord, error) {
	rows, err := s.query(ctx, `SELECT word, added_by, created_at FROM workspace_words WHERE workspace_id = ? ORDER BY folded`, workspaceID)
	if err != nil {
		return nil, s.mapErr("list workspace words", err)
	}
	defer rows.Close()
	var out []WorkspaceWord
	for rows.Next() {
		var w WorkspaceWord
		var created int64
		if err := rows.Scan(&w.Word, &w.AddedBy, &created); err != nil {
			return nil, s.mapErr("list workspace words", err)
		}
		w.CreatedAt = fromMs(created)
		out = append(out, w)
	}
	return out, s.mapErr("list workspace words", rows.Err())
}

// DeleteWorkspaceWord removes a word whatever its casing.
func (s *Store) DeleteWorkspaceWord(ctx context.Context, workspaceID, word string) error {
	res, err := s.exec(ctx, `DELETE FROM workspace_words WHERE workspace_id = ? AND folded = ?`, workspaceID, strings.ToLower(word))
	if err != nil {
		return s.mapErr("delete workspace word", err)
	}
	return mustAffect(res, "delete workspace word")
}
