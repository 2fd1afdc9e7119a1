package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func newStore(t *testing.T, d *db.DB) *store.Store {
	box, err := secret.New([]byte("test-key-test-key-test-key"))
	if err != nil {
		t.Fatal(err)
	}
	return store.New(d, box)
}

type fixture struct {
	s       *store.Store
	ws      model.Workspace
	agent   model.Agent
	channel model.Channel
}

func setup(t *testing.T, d *db.DB) fixture {
	t.Helper()
	ctx := context.Background()
	s := newStore(t, d)
	ws, err := s.CreateWorkspace(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.CreateAgent(ctx, model.Agent{WorkspaceID: ws.ID, Email: "Ana@Example.com ", Name: "Ana", Role: model.RoleAdmin, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.CreateChannel(ctx, model.Channel{WorkspaceID: ws.ID, Type: model.ChannelAPI, Name: "API", Secret: "s3cret", CallbackURL: "http://localhost/cb"})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{s: s, ws: ws, agent: a, channel: ch}
}

func TestMigrationVersionsMatch(t *testing.T) {
	sq, err := db.Migrations(db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := db.Migrations(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(sq) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(sq), len(pg))
	}
	for i := range sq {
		if sq[i].Version != pg[i].Version || sq[i].Name != pg[i].Name {
			t.Errorf("migration %d: sqlite %s, postgres %s", i, sq[i].Name, pg[i].Name)
		}
	}
}

func TestAgentsAndConflicts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		got, err := f.s.GetAgentByEmail(ctx, "ana@example.com")
		if err != nil || got.ID != f.agent.ID || got.Email != "ana@example.com" {
			t.Fatalf("GetAgentByEmail = %+v, %v", got, err)
		}
		_, err = f.s.CreateAgent(ctx, model.Agent{WorkspaceID: f.ws.ID, Email: "ana@example.com", Name: "Dup", Role: model.RoleAgent, PasswordHash: "x"})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate email: want ErrConflict, got %v", err)
		}
		if _, err := f.s.GetAgent(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing agent: want ErrNotFound, got %v", err)
		}
		team, err := f.s.CreateTeam(ctx, model.Team{WorkspaceID: f.ws.ID, Name: "Care", MemberIDs: []string{f.agent.ID}})
		if err != nil {
			t.Fatal(err)
		}
		teams, err := f.s.ListTeams(ctx, f.ws.ID)
		if err != nil || len(teams) != 1 || teams[0].ID != team.ID || len(teams[0].MemberIDs) != 1 {
			t.Fatalf("ListTeams = %+v, %v", teams, err)
		}
	})
}

func TestChannelSecretSealedAtRest(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		var raw string
		if err := d.Read.QueryRowContext(ctx, d.Dialect.Rebind(`SELECT secret FROM channels WHERE id = ?`), f.channel.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if raw == "s3cret" {
			t.Fatal("channel secret stored in clear")
		}
		got, err := f.s.GetChannel(ctx, f.channel.ID)
		if err != nil || got.Secret != "s3cret" {
			t.Fatalf("GetChannel secret = %q, %v", got.Secret, err)
		}
	})
}

func TestInboundEventIdempotent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		ev := model.InboundEvent{ChannelID: f.channel.ID, ExternalID: "m-1", Payload: []byte(`{}`)}
		if _, created, err := f.s.InsertInboundEvent(ctx, ev); err != nil || !created {
			t.Fatalf("first insert: created=%v err=%v", created, err)
		}
		if _, created, err := f.s.InsertInboundEvent(ctx, ev); err != nil || created {
			t.Fatalf("repeat insert: created=%v err=%v", created, err)
		}
		var claimed []model.InboundEvent
		err := f.s.WithTx(ctx, func(tx *store.Store) error {
			var err error
			claimed, err = tx.ClaimPendingEvents(ctx, 10)
			if err != nil {
				return err
			}
			for _, e := range claimed {
				if err := tx.MarkEventProcessed(ctx, e.ID, ""); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim: %d events, %v", len(claimed), err)
		}
		n, err := f.s.CountPendingEvents(ctx)
		if err != nil || n != 0 {
			t.Fatalf("pending after processing = %d, %v", n, err)
		}
	})
}

func TestConversationLifecycleAndTimes(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		f.s.SetClock(func() time.Time { return t0 })
		id, err := f.s.ResolveIdentity(ctx, model.Identity{WorkspaceID: f.ws.ID, Network: "api", ExternalID: "u-1", Handle: "@ana", Name: "Ana Diaz"})
		if err != nil {
			t.Fatal(err)
		}
		again, err := f.s.ResolveIdentity(ctx, model.Identity{WorkspaceID: f.ws.ID, Network: "api", ExternalID: "u-1", Handle: "@ana2"})
		if err != nil || again.ID != id.ID || again.Handle != "@ana2" || again.Name != "Ana Diaz" {
			t.Fatalf("second resolve = %+v, %v", again, err)
		}
		conv, created, err := f.s.ThreadConversation(ctx, model.Conversation{WorkspaceID: f.ws.ID, ChannelID: f.channel.ID, CustomerID: id.CustomerID, IdentityID: id.ID, ThreadID: "t-1", Public: true, CreatedAt: t0})
		if err != nil || !created {
			t.Fatalf("thread: %v created=%v", err, created)
		}
		if again, created, err := f.s.ThreadConversation(ctx, model.Conversation{WorkspaceID: f.ws.ID, ChannelID: f.channel.ID, CustomerID: id.CustomerID, IdentityID: id.ID, ThreadID: "t-1"}); err != nil || created || again.ID != conv.ID {
			t.Fatalf("re-thread: %v created=%v", err, created)
		}
		m := model.Message{WorkspaceID: f.ws.ID, ConversationID: conv.ID, ChannelID: f.channel.ID, Direction: model.DirectionIn, ExternalID: "m-1", Text: "hi", Public: true, CreatedAt: t0}
		if _, created, err := f.s.InsertMessage(ctx, m); err != nil || !created {
			t.Fatalf("insert message: %v", err)
		}
		if _, created, err := f.s.InsertMessage(ctx, m); err != nil || created {
			t.Fatalf("duplicate message inserted: created=%v err=%v", created, err)
		}
		if err := f.s.RecordReply(ctx, conv.ID, t0.Add(95*time.Second), "hello", false); err != nil {
			t.Fatal(err)
		}
		if err := f.s.RecordReply(ctx, conv.ID, t0.Add(500*time.Second), "again", false); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetConversationStatus(ctx, f.ws.ID, conv.ID, model.StatusResolved, t0.Add(600*time.Second)); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.GetConversation(ctx, f.ws.ID, conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FirstResponseSeconds == nil || *got.FirstResponseSeconds != 95 {
			t.Errorf("first_response_seconds = %v, want 95", got.FirstResponseSeconds)
		}
		if got.ResolutionSeconds == nil || *got.ResolutionSeconds != 600 || got.Status != model.StatusResolved {
			t.Errorf("resolution = %v status %s, want 600 resolved", got.ResolutionSeconds, got.Status)
		}
		if got.CustomerHandle != "@ana2" || got.CustomerName != "Ana Diaz" || got.ChannelType != "api" {
			t.Errorf("joined fields = %q %q %q", got.CustomerHandle, got.CustomerName, got.ChannelType)
		}
		// A new customer message reopens it and clears the resolution.
		if err := f.s.TouchConversationInbound(ctx, conv.ID, t0.Add(700*time.Second), "back"); err != nil {
			t.Fatal(err)
		}
		got, _ = f.s.GetConversation(ctx, f.ws.ID, conv.ID)
		if got.Status != model.StatusNew || got.ResolutionSeconds != nil {
			t.Errorf("after reopen: status %s resolution %v", got.Status, got.ResolutionSeconds)
		}
		if err := f.s.SetConversationStatus(ctx, f.ws.ID, conv.ID, "bogus", t0); err == nil {
			t.Error("invalid status accepted")
		}
	})
}

func TestListConversationsViewsAndPaging(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		var ids []string
		for i := range 7 {
			id, err := f.s.ResolveIdentity(ctx, model.Identity{WorkspaceID: f.ws.ID, Network: "api", ExternalID: fmt.Sprintf("u-%d", i), Name: fmt.Sprintf("Cust %d", i)})
			if err != nil {
				t.Fatal(err)
			}
			at := t0.Add(time.Duration(i%3) * time.Minute) // ties on purpose
			c, _, err := f.s.ThreadConversation(ctx, model.Conversation{WorkspaceID: f.ws.ID, ChannelID: f.channel.ID, CustomerID: id.CustomerID, IdentityID: id.ID, ThreadID: fmt.Sprint("t-", i), CreatedAt: at, LastMessageAt: at, Preview: fmt.Sprint("text number ", i)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		if err := f.s.AssignConversation(ctx, f.ws.ID, ids[0], f.agent.ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetConversationStatus(ctx, f.ws.ID, ids[1], model.StatusResolved, t0); err != nil {
			t.Fatal(err)
		}
		var all []string
		cursor := ""
		for pages := 0; ; pages++ {
			page, next, err := f.s.ListConversations(ctx, store.ConversationFilter{WorkspaceID: f.ws.ID, Limit: 3, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range page {
				all = append(all, c.ID)
				if i > 0 && (page[i-1].LastMessageAt.Before(c.LastMessageAt)) {
					t.Fatal("not newest first")
				}
			}
			if next == "" {
				break
			}
			cursor = next
			if pages > 5 {
				t.Fatal("paging does not end")
			}
		}
		if len(all) != 7 {
			t.Fatalf("paged through %d conversations, want 7: %v", len(all), all)
		}
		seen := map[string]bool{}
		for _, id := range all {
			if seen[id] {
				t.Fatalf("conversation %s on two pages", id)
			}
			seen[id] = true
		}
		count := func(f2 store.ConversationFilter) int {
			f2.WorkspaceID = f.ws.ID
			page, _, err := f.s.ListConversations(ctx, f2)
			if err != nil {
				t.Fatal(err)
			}
			return len(page)
		}
		cases := []struct {
			name string
			f    store.ConversationFilter
			want int
		}{
			{"mine", store.ConversationFilter{View: store.ViewMine, AgentID: f.agent.ID}, 1},
			{"unassigned", store.ConversationFilter{View: store.ViewUnassigned}, 5},
			{"open", store.ConversationFilter{View: store.ViewOpen}, 6},
			{"resolved", store.ConversationFilter{View: store.ViewResolved}, 1},
			{"status new", store.ConversationFilter{Status: "new"}, 6},
			{"channel", store.ConversationFilter{ChannelID: f.channel.ID}, 7},
			{"search name", store.ConversationFilter{Query: "cust 3"}, 1},
			{"search wildcard literal", store.ConversationFilter{Query: "%"}, 0},
		}
		for _, c := range cases {
			if got := count(c.f); got != c.want {
				t.Errorf("%s: %d conversations, want %d", c.name, got, c.want)
			}
		}
		if _, _, err := f.s.ListConversations(ctx, store.ConversationFilter{WorkspaceID: f.ws.ID, Cursor: "!!"}); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("bad cursor: %v", err)
		}
	})
}

func TestAfterCommitOnlyOnCommit(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		fired := 0
		_ = f.s.WithTx(ctx, func(tx *store.Store) error {
			tx.AfterCommit(func() { fired++ })
			return errors.New("boom")
		})
		if fired != 0 {
			t.Fatal("after-commit hook ran on rollback")
		}
		err := f.s.WithTx(ctx, func(tx *store.Store) error {
			return tx.WithTx(ctx, func(inner *store.Store) error {
				inner.AfterCommit(func() { fired++ })
				_, err := inner.CreateWorkspace(ctx, "Nested")
				return err
			})
		})
		if err != nil || fired != 1 {
			t.Fatalf("nested commit: err=%v fired=%d", err, fired)
		}
	})
}
