package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// Migration is one numbered schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the embedded migrations of one engine in version order.
func Migrations(engine Engine) ([]Migration, error) {
	dir := "migrations/" + string(engine)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("db: read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		if !ok || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("db: migration %s: name must be NNNN_name.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("db: migration %s: %w", name, err)
		}
		body, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("db: read migration %s: %w", name, err)
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies every embedded migration that the database lacks, each in
// its own transaction. It refuses to run against a schema newer than this
// binary knows, so an old binary never writes to a newer schema.
func (d *DB) Migrate(ctx context.Context) error {
	ms, err := Migrations(d.Engine)
	if err != nil {
		return err
	}
	if _, err := d.Write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("db: create schema_migrations: %w", err)
	}
	conn, err := d.Write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("db: migrate conn: %w", err)
	}
	defer conn.Close()
	if d.Engine == Postgres {
		// Several nodes may start at once; one migrates, the others wait.
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7411001)`); err != nil {
			return fmt.Errorf("db: migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7411001)`)
	}
	applied := map[int]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("db: read schema versions: %w", err)
	}
	current := 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("db: read schema versions: %w", err)
		}
		applied[v] = true
		current = max(current, v)
	}
	rows.Close()
	if latest := ms[len(ms)-1].Version; current > latest {
		return fmt.Errorf("db: database schema version %d is newer than this binary's %d; upgrade heed", current, latest)
	}
	// Every missing version is applied, in order, even one numbered below
	// the highest applied: branches that land out of order lose nothing.
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		// A SQLite migration that rebuilds a referenced table runs with
		// foreign keys off (the pragma is a no-op inside a transaction) and
		// checks them before committing (lang_altertable.html, 12 steps).
		fkOff := d.Engine == SQLite && strings.HasPrefix(m.SQL, "-- heed:foreign-keys-off")
		if fkOff {
			if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
				return fmt.Errorf("db: migration %s: foreign keys off: %w", m.Name, err)
			}
			// Back on even when the migration fails: the connection returns to the write pool.
			defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("db: begin migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			tx.Rollback()
			return fmt.Errorf("db: migration %s: %w", m.Name, err)
		}
		if fkOff {
			if err := foreignKeyCheck(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("db: migration %s: %w", m.Name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, d.Dialect.Rebind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), m.Version, time.Now().UnixMilli()); err != nil {
			tx.Rollback()
			return fmt.Errorf("db: record migration %s: %w", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("db: commit migration %s: %w", m.Name, err)
		}
		if fkOff {
			if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`); err != nil {
				return fmt.Errorf("db: migration %s: foreign keys on: %w", m.Name, err)
			}
		}
	}
	if d.Engine == SQLite {
		if _, err := conn.ExecContext(ctx, `ANALYZE`); err != nil {
			return fmt.Errorf("db: analyze: %w", err)
		}
	}
	return nil
}

// SchemaVersion returns the highest applied migration version.
func (d *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := d.Read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// foreignKeyCheck fails when PRAGMA foreign_key_check reports a row whose
// parent is missing (after a table rebuild with foreign keys off).
func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return fmt.Errorf("foreign key check: %w", err)
		}
		return fmt.Errorf("foreign key check: a row of %s refers to a missing %s", table, parent)
	}
	return rows.Err()
}
