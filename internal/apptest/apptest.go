// Package apptest starts a real in-process Heed node on a fresh database for
// scenario tests: real store, real HTTP handlers, real job runner.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/app"
	"github.com/heed-dev/heed/internal/config"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/secret"
)

// Node is a started app with an HTTP test server and a first admin.
type Node struct {
	App   *app.App
	URL   string
	Admin model.Agent
	Token string // bearer token of Admin
}

// Start builds and starts a node on a fresh database of the engine.
func Start(t testing.TB, engine db.Engine) *Node {
	t.Helper()
	return StartWith(t, engine, nil)
}

// StartWith is Start with a chance to adjust the configuration first.
func StartWith(t testing.TB, engine db.Engine, configure func(*config.Config)) *Node {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	cfg := config.Default()
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	cfg.DataDir = t.TempDir()
	cfg.DatabaseURL = dbtest.URL(t, engine)
	cfg.SecretKey = "test-secret-key-0123456789"
	cfg.PollInterval = 100 * time.Millisecond
	if configure != nil {
		configure(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var w io.Writer = io.Discard
	if os.Getenv("HEED_TEST_LOG") != "" {
		w = os.Stderr
	}
	log := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatalf("app.Start: %v", err)
	}
	srv.Config.Handler = a.Handler
	srv.Start()
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		a.Close(ctx)
	})
	admin, err := a.Accounts.Setup(ctx, "Acme", "Ada Admin", "admin@example.com", "password123")
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	token, _, err := a.Accounts.CreateToken(ctx, admin, "test")
	if err != nil {
		t.Fatal(err)
	}
	return &Node{App: a, URL: srv.URL, Admin: admin, Token: token}
}

// Eventually polls cond every 20 ms until it holds or the deadline passes.
func Eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// NewAgent creates another agent and returns it with a token.
func (n *Node) NewAgent(t testing.TB, email string, role model.Role) (model.Agent, string) {
	t.Helper()
	ctx := context.Background()
	a, err := n.App.Accounts.CreateUser(ctx, accounts.NewUser{WorkspaceID: n.Admin.WorkspaceID, Email: email, Password: "password123", Role: role})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := n.App.Accounts.CreateToken(ctx, a, "test")
	if err != nil {
		t.Fatal(err)
	}
	return a, tok
}

// BrowserSession signs agent in as a browser would (a session in the
// database, its token in the cookie jar of the returned client).
func (n *Node) BrowserSession(t testing.TB, agent model.Agent) *http.Client {
	t.Helper()
	token := secret.RandomToken(32)
	now := time.Now()
	if err := n.App.Store.CreateSession(context.Background(), model.Session{TokenHash: secret.Hash(token), AgentID: agent.ID,
		CSRFToken: secret.RandomToken(16), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(n.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "heed_session", Value: token, Path: "/"}})
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}
