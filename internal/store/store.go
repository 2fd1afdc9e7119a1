// Package store holds all of Heed's SQL, one file per entity. Queries are
// written once with ? placeholders in the subset SQLite and PostgreSQL share;
// engine differences go through db.Dialect.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/secret"
)

// Re-exported sentinels so callers need not import db.
var (
	ErrNotFound = db.ErrNotFound
	ErrConflict = db.ErrConflict
)

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store is the gateway to the database. A Store returned inside WithTx runs
// every query, reads included, in that transaction.
type Store struct {
	db  *db.DB
	box *secret.Box
	w   querier // writes
	r   querier // reads
	tx  *txState
	now func() time.Time
}

type txState struct {
	tx          *sql.Tx
	afterCommit []func()
}

// New returns a Store over d. box seals channel secrets at rest.
func New(d *db.DB, box *secret.Box) *Store {
	return &Store{db: d, box: box, w: d.Write, r: d.Read, now: time.Now}
}

// DB returns the underlying database.
func (s *Store) DB() *db.DB { return s.db }

// NewID returns a new ULID: sortable by creation time, the same on both engines.
func NewID() string { return ulid.Make().String() }

// WithTx runs fn in a write transaction. Nested calls join the outer
// transaction. Functions registered with AfterCommit run once the outermost
// transaction commits, never on rollback: that is where live events are
// published and jobs woken.
func (s *Store) WithTx(ctx context.Context, fn func(tx *Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	sqlTx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	st := &txState{tx: sqlTx}
	txs := &Store{db: s.db, box: s.box, w: sqlTx, r: sqlTx, tx: st, now: s.now}
	if err := fn(txs); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	for _, f := range st.afterCommit {
		f()
	}
	return nil
}

// AfterCommit registers f to run after the current transaction commits; outside
// a transaction it runs f at once.
func (s *Store) AfterCommit(f func()) {
	if s.tx == nil {
		f()
		return
	}
	s.tx.afterCommit = append(s.tx.afterCommit, f)
}

// Tx returns the SQL transaction inside WithTx (nil outside), for libraries
// that enlist in it.
func (s *Store) Tx() *sql.Tx {
	if s.tx == nil {
		return nil
	}
	return s.tx.tx
}

func (s *Store) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return s.w.ExecContext(ctx, s.db.Dialect.Rebind(q), args...)
}

func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.r.QueryContext(ctx, s.db.Dialect.Rebind(q), args...)
}

func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.r.QueryRowContext(ctx, s.db.Dialect.Rebind(q), args...)
}

// queryRowW reads through the write connection: used for read-your-write
// inside request flows on SQLite, where the read pool may lag a commit by
// nothing, but a transaction in progress is only visible to its own conn.
func (s *Store) queryRowW(ctx context.Context, q string, args ...any) *sql.Row {
	return s.w.QueryRowContext(ctx, s.db.Dialect.Rebind(q), args...)
}

// mapErr turns driver errors into the store's sentinels.
func (s *Store) mapErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	case s.db.Dialect.IsUniqueViolation(err):
		return fmt.Errorf("%s: %w: %v", op, ErrConflict, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

func mustAffect(res sql.Result, op string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	return nil
}

// Times are stored as unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

func msPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func fromMs(v int64) time.Time { return time.UnixMilli(v).UTC() }

func fromNullMs(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMs(v.Int64)
	return &t
}

func fromNullInt(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	x := v.Int64
	return &x
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Now returns the store's clock (overridable in tests).
func (s *Store) Now() time.Time { return s.now().UTC() }

// SetClock replaces the clock; tests use it to control time.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
