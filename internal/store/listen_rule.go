package store

import (
	"context"
	"time"
)

// Listening rule actions and kinds.
const (
	ListenActionFeed         = "feed"         // the listening feed only
	ListenActionConversation = "conversation" // also open an inbox conversation
	ListenKindBrand          = "brand"
	ListenKindCompetitor     = "competitor"
)

// ListenRule is one workspace's listening rule: a query in the listen
// language (validated by the caller) and what to do with its matches.
type ListenRule struct {
	ID          string
	WorkspaceID string
	Name        string
	Query       string
	Action      string // ListenAction*
	Kind        string // ListenKind*, for share of voice
	Enabled     bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

const listenRuleCols = `id, workspace_id, name, query, action, kind, enabled, created_at, updated_at`

func scanListenRule(sc interface{ Scan(...any) error }) (ListenRule, error) {
	var r ListenRule
	var created, updated int64
	err := sc.Scan(&r.ID, &r.WorkspaceID, &r.Name, &r.Query, &r.Action, &r.Kind, &r.Enabled, &created, &updated)
	r.CreatedAt, r.UpdatedAt = fromMs(created), fromMs(updated)
	return r, err
}

// CreateListenRule stores a rule (ErrConflict for a duplicate name in the workspace).
func (s *Store) CreateListenRule(ctx context.Context, r ListenRule) (ListenRule, error) {
	r.ID = NewID()
	r.CreatedAt = s.Now()
	r.UpdatedAt = r.CreatedAt
	_, err := s.exec(ctx, `INSERT INTO listen_rules (`+listenRuleCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.WorkspaceID, r.Name, r.Query, r.Action, r.Kind, r.Enabled, ms(r.CreatedAt), ms(r.UpdatedAt))
	return r, s.mapErr("create listen rule", err)
}

// GetListenRule returns a workspace's rule by id.
func (s *Store) GetListenRule(ctx context.Context, workspaceID, id string) (ListenRule, error) {
	r, err := scanListenRule(s.queryRowW(ctx, `SELECT `+listenRuleCols+` FROM listen_rules WHERE id = ? AND workspace_id = ?`, id, workspaceID))
	return r, s.mapErr("get listen rule", err)
}

// ListListenRules returns a workspace's rules by name.
func (s *Store) ListListenRules(ctx context.Context, workspaceID string) ([]ListenRule, error) {
	return s.listListenRules(ctx, `WHERE workspace_id = ? ORDER BY name, id`, workspaceID)
}

// ListEnabledListenRules returns the enabled rules of every workspace: the
// set the one shared matcher compiles.
func (s *Store) ListEnabledListenRules(ctx context.Context) ([]ListenRule, error) {
	return s.listListenRules(ctx, `WHERE enabled = ? ORDER BY id`, true)
}

func (s *Store) listListenRules(ctx context.Context, where string, args ...any) ([]ListenRule, error) {
	// Through the write connection: callers reload the matcher right after
	// an edit and must see it.
	rows, err := s.w.QueryContext(ctx, s.db.Dialect.Rebind(`SELECT `+listenRuleCols+` FROM listen_rules `+where), args...)
	if err != nil {
		return nil, s.mapErr("list listen rules", err)
	}
	defer rows.Close()
	var out []ListenRule
	for rows.Next() {
		r, err := scanListenRule(rows)
		if err != nil {
			return nil, s.mapErr("list listen rules", err)
		}
		out = append(out, r)
	}
	return out, s.mapErr("list listen rules", rows.Err())
}

// UpdateListenRule replaces a rule's name, query, action, kind and enabled flag.
func (s *Store) UpdateListenRule(ctx context.Context, r ListenRule) (ListenRule, error) {
	r.UpdatedAt = s.Now()
	res, err := s.exec(ctx, `UPDATE listen_rules SET name = ?, query = ?, action = ?, kind = ?, enabled = ?, updated_at = ? WHERE id = ? AND workspace_id = ?`,
		r.Name, r.Query, r.Action, r.Kind, r.Enabled, ms(r.UpdatedAt), r.ID, r.WorkspaceID)
	if err != nil {
		return r, s.mapErr("update listen rule", err)
	}
	if err := mustAffect(res, "update listen rule"); err != nil {
		return r, err
	}
	return s.GetListenRule(ctx, r.WorkspaceID, r.ID)
}

// DeleteListenRule removes a rule; its mentions stay in the feed.
func (s *Store) DeleteListenRule(ctx context.Context, workspaceID, id string) error {
	res, err := s.exec(ctx, `DELETE FROM listen_rules WHERE id = ? AND workspace_id = ?`, id, workspaceID)
	if err != nil {
		return s.mapErr("delete listen rule", err)
	}
	return mustAffect(res, "delete listen rule")
}

// ListenCursor returns where a stream resumes ("" when it never ran).
func (s *Store) ListenCursor(ctx context.Context, source string) (string, error) {
	var c string
	err := s.queryRowW(ctx, `SELECT cursor FROM listen_cursors WHERE source = ?`, source).Scan(&c)
	if isNotFound(s.mapErr("", err)) {
		return "", nil
	}
	return c, s.mapErr("listen cursor", err)
}

// SetListenCursor stores where a stream resumes.
func (s *Store) SetListenCursor(ctx context.Context, source, cursor string) error {
	_, err := s.exec(ctx, `INSERT INTO listen_cursors (source, cursor, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`, source, cursor, ms(s.Now()))
	return s.mapErr("set listen cursor", err)
}
