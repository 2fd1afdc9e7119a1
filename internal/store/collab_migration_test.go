package store_test

import (
	"context"
	"testing"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
)

// Migration 0014 rebuilds agents on SQLite (to widen the role CHECK) with
// foreign keys off. Rows that refer to agents must survive it (with
// foreign keys on, DROP TABLE agents would cascade into sessions and team
// members), and foreign keys must be on again afterwards.
func TestAgentsRebuildKeepsReferencingRows(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, dbtest.URL(t, db.SQLite))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ms, err := db.Migrations(db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.Write.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`)
	for _, m := range ms {
		if m.Version >= 14 {
			break
		}
		exec(m.SQL)
		exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)`, m.Version)
	}
	exec(`INSERT INTO workspaces (id, name, created_at) VALUES ('w1', 'Acme', 0)`)
	exec(`INSERT INTO agents (id, workspace_id, email, name, role, password_hash, created_at, capacity, languages) VALUES ('a1', 'w1', 'ana@x.test', 'Ana', 'agent', 'x', 0, 7, '["es"]')`)
	exec(`INSERT INTO sessions (token_hash, agent_id, csrf_token, created_at, expires_at) VALUES ('h1', 'a1', 'c', 0, 1)`)
	exec(`INSERT INTO teams (id, workspace_id, name, created_at) VALUES ('t1', 'w1', 'Care', 0)`)
	exec(`INSERT INTO team_members (team_id, agent_id) VALUES ('t1', 'a1')`)

	if err := d.Migrate(ctx); err != nil {
		t.Fatalf("migrate from 13: %v", err)
	}
	var sessions, members, capacity int
	var langs string
	if err := d.Write.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM sessions), (SELECT COUNT(*) FROM team_members), capacity, languages FROM agents WHERE id = 'a1'`).
		Scan(&sessions, &members, &capacity, &langs); err != nil {
		t.Fatal(err)
	}
	if sessions != 1 || members != 1 || capacity != 7 || langs != `["es"]` {
		t.Fatalf("after the rebuild: %d sessions, %d team members, capacity %d, languages %s", sessions, members, capacity, langs)
	}
	var fk int
	if err := d.Write.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign keys after migrating = %d, %v", fk, err)
	}
	exec(`INSERT INTO agents (id, workspace_id, email, name, role, password_hash, created_at) VALUES ('a2', 'w1', 'cleo@x.test', 'Cleo', 'contributor', 'x', 0)`)
	if _, err := d.Write.ExecContext(ctx, `INSERT INTO sessions (token_hash, agent_id, csrf_token, created_at, expires_at) VALUES ('h2', 'nobody', 'c', 0, 1)`); err == nil {
		t.Fatal("a session of a missing agent was stored: foreign keys are not enforced")
	}
	if _, err := d.Write.ExecContext(ctx, `INSERT INTO agents (id, workspace_id, email, name, role, password_hash, created_at) VALUES ('a3', 'w1', 'x@x.test', 'X', 'owner', 'x', 0)`); err == nil {
		t.Fatal("an unknown role was stored")
	}
}
