package db

import (
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect holds everything that differs between SQLite and PostgreSQL. Query
// code is written once in the shared subset with ? placeholders; only these
// methods branch on the engine.
type Dialect interface {
	Name() Engine
	// Rebind rewrites ? placeholders for the engine ($1, $2… on PostgreSQL).
	Rebind(query string) string
	// SkipLocked is appended to a SELECT that claims rows for processing so
	// that several nodes never claim the same row (empty on SQLite, where the
	// single writer already serialises claims).
	SkipLocked() string
	// ContainsFold returns a boolean SQL expression: column contains the
	// (already %-wrapped) ? argument, case-insensitively.
	ContainsFold(column string) string
	// IsUniqueViolation reports whether err is a unique-constraint failure.
	IsUniqueViolation(err error) bool
}

type sqliteDialect struct{}

func (sqliteDialect) Name() Engine                 { return SQLite }
func (sqliteDialect) Rebind(q string) string       { return q }
func (sqliteDialect) SkipLocked() string           { return "" }
func (sqliteDialect) ContainsFold(c string) string { return c + " LIKE ? ESCAPE '\\'" }
func (sqliteDialect) IsUniqueViolation(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		code := e.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

type postgresDialect struct{}

func (postgresDialect) Name() Engine                 { return Postgres }
func (postgresDialect) SkipLocked() string           { return " FOR UPDATE SKIP LOCKED" }
func (postgresDialect) ContainsFold(c string) string { return c + " ILIKE ? ESCAPE '\\'" }
func (postgresDialect) IsUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// Rebind turns ? into $n, leaving ? inside single-quoted literals alone.
func (postgresDialect) Rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// EscapeLike escapes LIKE wildcards in user input so that it matches literally.
func EscapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// IsRetryable reports whether err is a concurrency failure that says nothing
// about the data (a deadlock or serialization failure between nodes or
// workers, a busy SQLite): the work should simply be tried again.
func IsRetryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40P01", "40001", "55P03": // deadlock, serialization failure, lock not available
			return true
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
	}
	return false
}
