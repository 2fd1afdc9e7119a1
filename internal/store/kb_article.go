package store

import (
	"context"
	"strings"
	"time"
)

// KBArticle is a knowledge-base article a reply can link to.
type KBArticle struct {
	ID          string
	WorkspaceID string
	Title       string
	URL         string
	Tags        []string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Tags are stored as one comma-separated column: a workspace holds hundreds
// of articles, not millions, and both engines read it the same way.
func joinTags(tags []string) string { return strings.Join(tags, ",") }

func splitTags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

const kbSelect = `SELECT id, workspace_id, title, url, tags, created_at, updated_at FROM kb_articles`

func scanKBArticle(sc interface{ Scan(...any) error }) (KBArticle, error) {
	var a KBArticle
	var tags string
	var created, updated int64
	err := sc.Scan(&a.ID, &a.WorkspaceID, &a.Title, &a.URL, &tags, &created, &updated)
	a.Tags, a.CreatedAt, a.UpdatedAt = splitTags(tags), fromMs(created), fromMs(updated)
	return a, err
}

// CreateKBArticle stores an article (ErrConflict when the workspace already
// has one with this URL).
func (s *Store) CreateKBArticle(ctx context.Context, a KBArticle) (KBArticle, error) {
	a.ID, a.CreatedAt = NewID(), s.Now().Truncate(time.Millisecond) // as stored
	a.UpdatedAt = a.CreatedAt
	_, err := s.exec(ctx, `INSERT INTO kb_articles (id, workspace_id, title, url, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.WorkspaceID, a.Title, a.URL, joinTags(a.Tags), ms(a.CreatedAt), ms(a.UpdatedAt))
	return a, s.mapErr("create kb article", err)
}

// UpdateKBArticle replaces an article's title, URL and tags.
func (s *Store) UpdateKBArticle(ctx context.Context, a KBArticle) (KBArticle, error) {
	a.UpdatedAt = s.Now().Truncate(time.Millisecond)
	res, err := s.exec(ctx, `UPDATE kb_articles SET title = ?, url = ?, tags = ?, updated_at = ? WHERE id = ? AND workspace_id = ?`,
		a.Title, a.URL, joinTags(a.Tags), ms(a.UpdatedAt), a.ID, a.WorkspaceID)
	if err != nil {
		return a, s.mapErr("update kb article", err)
	}
	if err := mustAffect(res, "update kb article"); err != nil {
		return a, err
	}
	return s.GetKBArticle(ctx, a.WorkspaceID, a.ID)
}

// GetKBArticle returns one article of a workspace.
func (s *Store) GetKBArticle(ctx context.Context, workspaceID, id string) (KBArticle, error) {
	a, err := scanKBArticle(s.queryRowW(ctx, kbSelect+` WHERE id = ? AND workspace_id = ?`, id, workspaceID))
	return a, s.mapErr("get kb article", err)
}

// ListKBArticles returns a workspace's articles by title.
func (s *Store) ListKBArticles(ctx context.Context, workspaceID string) ([]KBArticle, error) {
	rows, err := s.query(ctx, kbSelect+` WHERE workspace_id = ? ORDER BY title, id`, workspaceID)
	if err != nil {
		return nil, s.mapErr("list kb articles", err)
	}
	defer rows.Close()
	var out []KBArticle
	for rows.Next() {
		a, err := scanKBArticle(rows)
		if err != nil {
			return nil, s.mapErr("list kb articles", err)
		}
		out = append(out, a)
	}
	return out, s.mapErr("list kb articles", rows.Err())
}

// DeleteKBArticle removes an article.
func (s *Store) DeleteKBArticle(ctx context.Context, workspaceID, id string) error {
	res, err := s.exec(ctx, `DELETE FROM kb_articles WHERE id = ? AND workspace_id = ?`, id, workspaceID)
	if err != nil {
		return s.mapErr("delete kb article", err)
	}
	return mustAffect(res, "delete kb article")
}

// SetSavedReplyTags replaces a saved reply's tags (the composer's `/` search
// matches them).
func (s *Store) SetSavedReplyTags(ctx context.Context, workspaceID, id string, tags []string) error {
	res, err := s.exec(ctx, `UPDATE saved_replies SET tags = ? WHERE id = ? AND workspace_id = ?`, joinTags(tags), id, workspaceID)
	if err != nil {
		return s.mapErr("set saved reply tags", err)
	}
	return mustAffect(res, "set saved reply tags")
}

// SavedReplyTags returns the tags of a workspace's saved replies by id
// (replies without tags are left out).
func (s *Store) SavedReplyTags(ctx context.Context, workspaceID string) (map[string][]string, error) {
	rows, err := s.query(ctx, `SELECT id, tags FROM saved_replies WHERE workspace_id = ? AND tags <> ''`, workspaceID)
	if err != nil {
		return nil, s.mapErr("saved reply tags", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var id, tags string
		if err := rows.Scan(&id, &tags); err != nil {
			return nil, s.mapErr("saved reply tags", err)
		}
		out[id] = splitTags(tags)
	}
	return out, s.mapErr("saved reply tags", rows.Err())
}
