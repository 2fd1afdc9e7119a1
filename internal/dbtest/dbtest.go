// Package dbtest gives tests a fresh, migrated database on SQLite and on
// PostgreSQL. PostgreSQL comes from HEED_TEST_DATABASE_URL, else the local
// server at 127.0.0.1:5432 (trust auth); when neither answers the PostgreSQL
// pass is skipped loudly, or fails when HEED_TEST_REQUIRE_POSTGRES=1 (CI).
package dbtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/jobs"
)

// DefaultPostgresURL is the server our machines and CI run.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Engines lists the engines every store test runs on: both, unless
// HEED_TEST_ENGINES names a subset ("postgres" for `make test-pg`).
var Engines = enginesFromEnv(os.Getenv("HEED_TEST_ENGINES"))

func enginesFromEnv(v string) []db.Engine {
	if strings.TrimSpace(v) == "" {
		return []db.Engine{db.SQLite, db.Postgres}
	}
	var out []db.Engine
	for _, e := range strings.Split(v, ",") {
		out = append(out, db.Engine(strings.TrimSpace(e)))
	}
	return out
}

// AdminURL returns the PostgreSQL URL tests connect to for creating databases.
func AdminURL() string {
	if u := os.Getenv("HEED_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

var (
	pgOnce     sync.Once
	pgErr      error
	pgTemplate string
)

// postgresTemplate creates, once per test binary, a migrated template
// database; each test then clones it, which is much faster than migrating.
func postgresTemplate() (string, error) {
	pgOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			pgErr = fmt.Errorf("connect %s: %w", redact(AdminURL()), err)
			return
		}
		defer conn.Close(ctx)
		name := fmt.Sprintf("heed_tmpl_%d_%d", os.Getpid(), rand.Uint32())
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			pgErr = fmt.Errorf("create template: %w", err)
			return
		}
		d, err := db.Open(ctx, withDB(AdminURL(), name))
		if err != nil {
			pgErr = err
			return
		}
		err = d.Migrate(ctx)
		if err == nil {
			err = jobs.Migrate(ctx, d)
		}
		d.Close()
		if err != nil {
			pgErr = fmt.Errorf("migrate template: %w", err)
			return
		}
		pgTemplate = name
	})
	return pgTemplate, pgErr
}

func withDB(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres"
	}
	return u.Redacted()
}

// SkipOrFailNoPostgres skips (loudly) or fails the test when PostgreSQL is missing.
func SkipOrFailNoPostgres(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("HEED_TEST_REQUIRE_POSTGRES") == "1" {
		t.Fatalf("PostgreSQL is required (HEED_TEST_REQUIRE_POSTGRES=1) but unavailable: %v", err)
	}
	t.Skipf("!!! SKIPPING PostgreSQL pass: %v (set HEED_TEST_DATABASE_URL or start PostgreSQL on 127.0.0.1:5432)", err)
}

// URL returns a connection URL to a fresh, migrated database of the engine,
// dropped when the test ends.
func URL(t testing.TB, engine db.Engine) string {
	t.Helper()
	if engine == db.SQLite {
		return filepath.Join(t.TempDir(), "heed.db")
	}
	tmpl, err := postgresTemplate()
	if err != nil {
		SkipOrFailNoPostgres(t, err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		SkipOrFailNoPostgres(t, err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("heed_t_%d_%d", os.Getpid(), rand.Uint32())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+tmpl); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			return
		}
		defer c.Close(ctx)
		c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return withDB(AdminURL(), name)
}

// Open returns a fresh migrated database of the engine, closed at test end.
func Open(t testing.TB, engine db.Engine) *db.DB {
	t.Helper()
	u := URL(t, engine)
	ctx := context.Background()
	d, err := db.Open(ctx, u)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { d.Close() })
	if engine == db.SQLite {
		if err := d.Migrate(ctx); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		if err := jobs.Migrate(ctx, d); err != nil {
			t.Fatalf("migrate jobs: %v", err)
		}
	}
	return d
}

// Run runs fn as a subtest on each engine.
func Run(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	for _, e := range Engines {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Name of an engine for logs.
func Name(e db.Engine) string { return strings.ToUpper(string(e)) }

// Main runs a package's tests and then drops the PostgreSQL template
// database; call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	Cleanup()
	os.Exit(code)
}

// Cleanup drops the PostgreSQL template database made by this test binary;
// a TestMain with its own cleanup calls it after m.Run.
func Cleanup() {
	if pgTemplate != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if c, err := pgx.Connect(ctx, AdminURL()); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgTemplate+" WITH (FORCE)")
			c.Close(ctx)
		}
		cancel()
	}
}
