// Package db opens Heed's database (SQLite by default, PostgreSQL for scale),
// applies its embedded migrations and holds the few places where the two
// engines really differ (the Dialect).
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Sentinel errors the store returns; callers compare with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Engine names the database engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB bundles the pools of one database. On SQLite, Write has exactly one
// connection (SQLite allows one writer; a single pool connection turns lock
// contention into a queue instead of SQLITE_BUSY errors) and Read has several.
// On PostgreSQL both are the same pool.
type DB struct {
	Engine  Engine
	Dialect Dialect
	Write   *sql.DB
	Read    *sql.DB
	// PgPool is the pgx pool behind Write/Read on PostgreSQL (nil on SQLite);
	// the job library drives PostgreSQL through it.
	PgPool *pgxpool.Pool
	// URL is the resolved connection string (a file path URL on SQLite).
	URL string
}

// EngineOf tells which engine a database URL selects.
func EngineOf(url string) Engine {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// SQLitePath returns the default SQLite file inside a data directory.
func SQLitePath(dataDir string) string { return filepath.Join(dataDir, "heed.db") }

// Open connects to the database named by url: a postgres:// URL selects
// PostgreSQL, anything else is a SQLite file path (optionally prefixed file:).
func Open(ctx context.Context, url string) (*DB, error) {
	if EngineOf(url) == Postgres {
		return openPostgres(ctx, url)
	}
	return openSQLite(ctx, url)
}

func sqliteDSN(path string, readOnly bool) string {
	// busy_timeout first so that the following pragmas already wait for locks.
	// A 64 MiB page cache per connection and memory-mapped reads keep hot
	// index and row pages in process: at a million conversations the default
	// 2 MiB cache makes every SLA evaluation wait on reads.
	q := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)" +
		"&_pragma=cache_size(-65536)&_pragma=mmap_size(1073741824)&_pragma=temp_store(MEMORY)&_time_format=sqlite"
	if readOnly {
		q += "&_pragma=query_only(1)"
	} else {
		q += "&_txlock=immediate"
	}
	return "file:" + path + q
}

func openSQLite(ctx context.Context, url string) (*DB, error) {
	path := strings.TrimPrefix(url, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("db: create data dir: %w", err)
		}
	}
	w, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: ping sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open sqlite reader: %w", err)
	}
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &DB{Engine: SQLite, Dialect: sqliteDialect{}, Write: w, Read: r, URL: path}, nil
}

func openPostgres(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("db: parse postgres url: %w", err)
	}
	if cfg.MaxConns < 10 {
		cfg.MaxConns = 20
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("db: connect postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: ping postgres: %w", err)
	}
	sdb := stdlib.OpenDBFromPool(pool)
	return &DB{Engine: Postgres, Dialect: postgresDialect{}, Write: sdb, Read: sdb, PgPool: pool, URL: url}, nil
}

// Ping checks that the database answers (used by /readyz).
func (d *DB) Ping(ctx context.Context) error {
	return d.Read.PingContext(ctx)
}

// Close closes every pool.
func (d *DB) Close() error {
	var errs []error
	errs = append(errs, d.Write.Close())
	if d.Read != d.Write {
		errs = append(errs, d.Read.Close())
	}
	if d.PgPool != nil {
		d.PgPool.Close()
	}
	return errors.Join(errs...)
}
