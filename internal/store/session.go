package store

import (
	"context"
	"time"

	"github.com/heed-dev/heed/internal/model"
)

// CreateSession stores a browser session.
func (s *Store) CreateSession(ctx context.Context, sess model.Session) error {
	_, err := s.exec(ctx, `INSERT INTO sessions (token_hash, agent_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		sess.TokenHash, sess.AgentID, sess.CSRFToken, ms(sess.CreatedAt), ms(sess.ExpiresAt))
	return s.mapErr("create session", err)
}

// GetSession returns an unexpired session by token hash.
func (s *Store) GetSession(ctx context.Context, tokenHash string) (model.Session, error) {
	var sess model.Session
	var created, expires int64
	err := s.queryRow(ctx, `SELECT token_hash, agent_id, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?`,
		tokenHash, ms(s.Now())).Scan(&sess.TokenHash, &sess.AgentID, &sess.CSRFToken, &created, &expires)
	sess.CreatedAt, sess.ExpiresAt = fromMs(created), fromMs(expires)
	return sess, s.mapErr("get session", err)
}

// DeleteSession logs a session out.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return s.mapErr("delete session", err)
}

// DeleteExpiredSessions removes sessions that expired before now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, ms(now))
	if err != nil {
		return 0, s.mapErr("delete expired sessions", err)
	}
	return res.RowsAffected()
}
