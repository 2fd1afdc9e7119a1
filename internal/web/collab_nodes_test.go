package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/app"
	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/config"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
)

// Presence works across nodes: Bo types on node A; node B's live stream
// hears it (PostgreSQL LISTEN/NOTIFY), node B's /presence shows him typing,
// and Ana's reply sent through node B is held by the collision.
func TestPresenceAcrossNodes(t *testing.T) {
	if !slices.Contains(dbtest.Engines, db.Postgres) {
		t.Skip("needs PostgreSQL (HEED_TEST_ENGINES leaves it out)")
	}
	var dbURL string
	a := apptest.StartWith(t, db.Postgres, func(c *config.Config) { dbURL = c.DatabaseURL })
	ctx := context.Background()

	srv := httptest.NewUnstartedServer(nil)
	cfg := config.Default()
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	cfg.DataDir, cfg.DatabaseURL = t.TempDir(), dbURL
	cfg.SecretKey = "test-secret-key-0123456789"
	cfg.PollInterval = 100 * time.Millisecond
	b, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = b.Handler
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		b.Close(cctx)
	})

	ws := a.Admin.WorkspaceID
	bo, _ := a.NewAgent(t, "bo@example.com", model.RoleAgent)
	ch, err := a.App.Accounts.CreateChannel(ctx, accounts.NewChannel{WorkspaceID: ws, Type: model.ChannelAPI, Name: "Shop"})
	if err != nil {
		t.Fatal(err)
	}
	id, err := a.App.Store.ResolveIdentity(ctx, model.Identity{WorkspaceID: ws, Network: "api", ExternalID: "u1", Name: "Maria Lopez"})
	if err != nil {
		t.Fatal(err)
	}
	conv, _, err := a.App.Store.ThreadConversation(ctx, model.Conversation{WorkspaceID: ws, ChannelID: ch.ID, CustomerID: id.CustomerID, IdentityID: id.ID, ThreadID: "x-1", Public: true})
	if err != nil {
		t.Fatal(err)
	}

	events, cancel := b.Broker.Subscribe(realtime.WorkspaceTopic(ws))
	defer cancel()
	seen := time.Now()
	if err := a.App.Inbox.PresenceBeat(ctx, bo, conv.ID, true); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for got := false; !got; {
		select {
		case e := <-events:
			got = e.Type == "presence" && e.ConversationID == conv.ID
		case <-deadline:
			t.Fatal("node B never heard of Bo's presence on node A")
		}
	}

	res, err := a.BrowserSession(t, a.Admin).Get(srv.URL + "/presence")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var pres struct {
		Entries []struct {
			Name   string `json:"name"`
			Typing bool   `json:"typing"`
		} `json:"entries"`
	}
	if err := json.NewDecoder(res.Body).Decode(&pres); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /presence on node B: %d, %v", res.StatusCode, err)
	}
	if len(pres.Entries) != 1 || pres.Entries[0].Name != bo.Name || !pres.Entries[0].Typing {
		t.Fatalf("node B shows %+v, want Bo typing", pres.Entries)
	}

	_, err = b.Inbox.Reply(ctx, a.Admin, conv.ID, inbox.ReplyInput{Text: "Hi Maria, on it.", Seen: seen})
	var ce *inbox.CollisionError
	if !errors.As(err, &ce) || len(ce.Collisions) != 1 || ce.Collisions[0].Key != "typing:"+bo.ID {
		t.Fatalf("reply through node B: %v, want held by Bo typing", err)
	}
	if msgs, _ := b.Store.ListMessages(ctx, conv.ID); len(msgs) != 0 {
		t.Fatalf("held reply stored: %+v", msgs)
	}
}
