package slaclock_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/slaclock"
	"github.com/heed-dev/heed/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// clock is a controllable time source shared by the store.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

type world struct {
	t      *testing.T
	ctx    context.Context
	s      *store.Store
	clk    *clock
	hub    *realtime.Hub
	ws     model.Workspace
	agent  model.Agent
	sup    model.Agent
	ch     model.Channel
	engine *slaclock.Engine
}

// A Monday in 2026, 09:00 UTC.
var monday9 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newWorld(t *testing.T, d *db.DB) *world {
	box, _ := secret.New([]byte("0123456789abcdef0123"))
	s := store.New(d, box)
	clk := &clock{now: monday9}
	s.SetClock(clk.Now)
	ctx := context.Background()
	ws, err := s.CreateWorkspace(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	agent, err := s.CreateAgent(ctx, model.Agent{WorkspaceID: ws.ID, Email: "ag@" + ws.ID + ".test", Name: "Ag", Role: model.RoleAgent, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	sup, err := s.CreateAgent(ctx, model.Agent{WorkspaceID: ws.ID, Email: "sup@" + ws.ID + ".test", Name: "Sup", Role: model.RoleSupervisor, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	// An X account: the X connector is another issue's work, the channel
	// type is all the SLA engine looks at.
	ch, err := s.CreateChannel(ctx, model.Channel{WorkspaceID: ws.ID, Type: "x", Name: "@AskAcme", Secret: "k"})
	if err != nil {
		t.Fatal(err)
	}
	hub := realtime.NewHub()
	w := &world{t: t, ctx: ctx, s: s, clk: clk, hub: hub, ws: ws, agent: agent, sup: sup, ch: ch}
	w.engine = w.newEngine()
	return w
}

func (w *world) newEngine() *slaclock.Engine {
	return &slaclock.Engine{Store: w.s, Broker: w.hub, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// post stores a customer post at the current time and evaluates, as the
// ingest pipeline does.
func (w *world) post(thread, text string) model.Conversation {
	w.t.Helper()
	var conv model.Conversation
	err := w.s.WithTx(w.ctx, func(tx *store.Store) error {
		id, err := tx.ResolveIdentity(w.ctx, model.Identity{WorkspaceID: w.ws.ID, Network: "x", ExternalID: "u-" + thread, Name: "Cleo"})
		if err != nil {
			return err
		}
		now := tx.Now()
		c, created, err := tx.ThreadConversation(w.ctx, model.Conversation{WorkspaceID: w.ws.ID, ChannelID: w.ch.ID, CustomerID: id.CustomerID,
			IdentityID: id.ID, ThreadID: thread, Public: true, CreatedAt: now, LastMessageAt: now})
		if err != nil {
			return err
		}
		if _, _, err := tx.InsertMessage(w.ctx, model.Message{WorkspaceID: w.ws.ID, ConversationID: c.ID, ChannelID: w.ch.ID,
			Direction: model.DirectionIn, ExternalID: thread + "-" + now.Format(time.RFC3339Nano), Text: text, Public: true, CreatedAt: now}); err != nil {
			return err
		}
		if !created {
			if err := tx.TouchConversationInbound(w.ctx, c.ID, now, text); err != nil {
				return err
			}
		}
		if err := tx.AssignConversation(w.ctx, w.ws.ID, c.ID, w.agent.ID, ""); err != nil {
			return err
		}
		conv = c
		return w.engine.Reevaluate(w.ctx, tx, c.ID)
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return w.get(conv.ID)
}

// reply stores an agent reply at the current time and evaluates.
func (w *world) reply(c model.Conversation, holding bool) {
	w.t.Helper()
	err := w.s.WithTx(w.ctx, func(tx *store.Store) error {
		now := tx.Now()
		if _, _, err := tx.InsertMessage(w.ctx, model.Message{WorkspaceID: w.ws.ID, ConversationID: c.ID, ChannelID: w.ch.ID,
			Direction: model.DirectionOut, AuthorAgentID: w.agent.ID, Text: "hi", Public: true, CreatedAt: now, DeliveryStatus: model.DeliveryQueued, Holding: holding}); err != nil {
			return err
		}
		if err := tx.RecordReply(w.ctx, c.ID, now, "hi", holding); err != nil {
			return err
		}
		return w.engine.Reevaluate(w.ctx, tx, c.ID)
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) get(id string) model.Conversation {
	w.t.Helper()
	c, err := w.s.GetConversation(w.ctx, w.ws.ID, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) at(d time.Duration) { w.clk.Set(monday9.Add(d)) }

func (w *world) tick(e *slaclock.Engine) {
	w.t.Helper()
	if _, err := e.Tick(w.ctx, 100); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) firings(c model.Conversation) []string {
	w.t.Helper()
	fs, err := w.s.ListSLAFirings(w.ctx, c.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	var keys []string
	for _, f := range fs {
		keys = append(keys, f.Key)
	}
	return keys
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestXPostScenarios(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		cases := []struct {
			name  string
			reply time.Duration // 0: none
			hold  bool
			want  []string // firings by 09:40
		}{
			{"unanswered warns at 09:15 and breaches at 09:30", 0, false, []string{"first_response:warn", "first_response:breach"}},
			{"answered at 09:20 warns but does not breach", 20 * time.Minute, false, []string{"first_response:warn"}},
			{"answered at 09:10 fires nothing", 10 * time.Minute, false, nil},
			{"a holding reply at 09:10 still breaches", 10 * time.Minute, true, []string{"first_response:warn", "first_response:breach"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				w := newWorld(t, d)
				w.at(0)
				conv := w.post("t", "my order never arrived")
				if conv.FirstResponseWarnAt == nil || !conv.FirstResponseWarnAt.Equal(monday9.Add(15*time.Minute)) ||
					conv.FirstResponseDueAt == nil || !conv.FirstResponseDueAt.Equal(monday9.Add(30*time.Minute)) {
					t.Fatalf("first response warn %v due %v, want 09:15 and 09:30", conv.FirstResponseWarnAt, conv.FirstResponseDueAt)
				}
				events, cancel := w.hub.Subscribe(realtime.WorkspaceTopic(w.ws.ID))
				defer cancel()
				for m := time.Duration(0); m <= 40*time.Minute; m += time.Minute {
					w.at(m)
					if c.reply != 0 && m == c.reply {
						w.reply(conv, c.hold)
					}
					w.tick(w.engine)
					if m == 14*time.Minute && len(w.firings(conv)) != 0 {
						t.Fatalf("fired before 09:15: %v", w.firings(conv))
					}
				}
				if got := w.firings(conv); !equal(got, c.want) {
					t.Fatalf("firings %v, want %v", got, c.want)
				}
				got := w.get(conv.ID)
				wantBreach := len(c.want) == 2
				if got.SLABreached != wantBreach {
					t.Fatalf("breached = %v, want %v", got.SLABreached, wantBreach)
				}
				if c.hold && (got.AcknowledgedSeconds == nil || *got.AcknowledgedSeconds != 600 || got.FirstResponseSeconds != nil) {
					t.Fatalf("holding reply: acknowledged %v first response %v; want 600 and none", got.AcknowledgedSeconds, got.FirstResponseSeconds)
				}
				// Each firing notified the assignee and the supervisor once,
				// and was announced live.
				for _, a := range []model.Agent{w.agent, w.sup} {
					ns, err := w.s.ListNotifications(w.ctx, a.ID, 10)
					if err != nil || len(ns) != len(c.want) {
						t.Fatalf("%s has %d notifications, want %d (%v)", a.Name, len(ns), len(c.want), err)
					}
				}
				live := 0
				for len(events) > 0 {
					if e := <-events; e.Type == "notification" {
						live++
					}
				}
				if live != len(c.want) {
					t.Fatalf("%d live notifications, want %d", live, len(c.want))
				}
			})
		}
	})
}

func TestWaitingPausesAndNextResponse(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		conv := w.post("t", "is the sale still on?")
		w.at(5 * time.Minute)
		w.reply(conv, false)
		if got := w.get(conv.ID); got.FirstResponseDueAt != nil || got.NextResponseDueAt != nil {
			t.Fatalf("answered: response clocks should be closed: %+v %+v", got.FirstResponseDueAt, got.NextResponseDueAt)
		}
		w.at(60 * time.Minute)
		again := w.post("t", "and does it apply online?")
		if again.NextResponseDueAt == nil || !again.NextResponseDueAt.Equal(monday9.Add(90*time.Minute)) {
			t.Fatalf("next response due %v, want 10:30", again.NextResponseDueAt)
		}
		w.at(80 * time.Minute)
		w.tick(w.engine)
		if got := w.firings(conv); !equal(got, []string{"next_response:warn"}) {
			t.Fatalf("firings %v", got)
		}
	})
}

func TestRestartFiresOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		conv := w.post("t", "hello?")
		w.at(5 * time.Minute)
		w.tick(w.engine)
		// "Restart": a fresh engine (no memory) on the same database, long after.
		w.at(2 * time.Hour)
		restarted := w.newEngine()
		w.tick(restarted)
		w.tick(restarted)
		if got := w.firings(conv); !equal(got, []string{"first_response:warn", "first_response:breach"}) {
			t.Fatalf("after restart: %v", got)
		}
		ns, _ := w.s.ListNotifications(w.ctx, w.sup.ID, 10)
		if len(ns) != 2 {
			t.Fatalf("%d notifications after restart, want 2", len(ns))
		}
	})
}

func TestTwoNodesFireOnce(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	w := newWorld(t, d)
	var convs []model.Conversation
	for i := range 40 {
		convs = append(convs, w.post(string(rune('a'+i%26))+time.Duration(i).String(), "help"))
	}
	w.at(31 * time.Minute)
	// Two nodes: separate engines over separate connection pools.
	d2, err := db.Open(w.ctx, d.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	box, _ := secret.New([]byte("0123456789abcdef0123"))
	s2 := store.New(d2, box)
	s2.SetClock(w.clk.Now)
	other := &slaclock.Engine{Store: s2, Broker: realtime.NewHub(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	var wg sync.WaitGroup
	for _, e := range []*slaclock.Engine{w.engine, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				if _, err := e.Tick(w.ctx, 7); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	n, err := w.s.CountSLAFirings(w.ctx, w.ws.ID)
	if err != nil || n != 2*len(convs) {
		t.Fatalf("%d firings, want %d (%v)", n, 2*len(convs), err)
	}
	ns, _ := w.s.ListNotifications(w.ctx, w.sup.ID, 1000)
	if len(ns) != 2*len(convs) {
		t.Fatalf("supervisor got %d notifications, want %d", len(ns), 2*len(convs))
	}
}
