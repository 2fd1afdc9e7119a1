package listening_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/listen/source"
	"github.com/heed-dev/heed/internal/listening"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
)

func newStore(t testing.TB, d *db.DB) *store.Store {
	box, err := secret.New([]byte("test-key-test-key-test-key"))
	if err != nil {
		t.Fatal(err)
	}
	return store.New(d, box)
}

// TestSpikeOneAlertPerBurst streams (through Run) three weeks of generated posts for three
// rules (a daily rhythm plus noise) with one two-hour burst for one rule in
// the third week: exactly one alert, for that rule, spanning both hours,
// naming what the burst is about, and a notification for the supervisor.
func TestSpikeOneAlertPerBurst(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newStore(t, d)
		ws, err := s.CreateWorkspace(ctx, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		sup, err := s.CreateAgent(ctx, model.Agent{WorkspaceID: ws.ID, Email: "sue@example.com", Name: "Sue", Role: model.RoleSupervisor, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		svc := listening.New(s, nil, nil, nil, nil, listening.Options{})
		rules := map[string]store.ListenRule{}
		for _, r := range []struct{ name, query string }{{"Acme", "acme"}, {"Globex", "globex"}, {"Initech", "initech"}} {
			rule, err := svc.CreateRule(ctx, store.ListenRule{WorkspaceID: ws.ID, Name: r.name, Query: r.query, Enabled: true})
			if err != nil {
				t.Fatal(err)
			}
			rules[r.query] = rule
		}

		start := time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC) // a Monday
		const hours = 21 * 24
		burst := 19*24 + 14 // week 3, Saturday 14:00
		rng := rand.New(rand.NewPCG(1, 2))
		var stream []source.Post
		emit := func(at time.Time, text string) {
			n := len(stream) + 1
			stream = append(stream, source.Post{Network: "replay", ID: fmt.Sprintf("p%06d", n), Text: text, Author: "someone", CreatedAt: at, Cursor: fmt.Sprint(n)})
		}
		for h := range hours {
			hourStart := start.Add(time.Duration(h) * time.Hour)
			for _, brand := range []string{"acme", "globex", "initech"} {
				n := rng.IntN(2) // night: 0–1 an hour
				if hod := h % 24; hod >= 9 && hod < 18 {
					n += 1 + rng.IntN(3) // office hours: up to 4
				}
				if brand == "acme" && (h == burst || h == burst+1) {
					n += 35 - 10*(h-burst) // the burst: 35 then 25 more
				}
				for i := range n {
					text := fmt.Sprintf("%s is fine I guess %d", brand, i)
					if brand == "acme" && (h == burst || h == burst+1) && i%5 != 0 {
						text = fmt.Sprintf("%s checkout broken, payment failed again %d", brand, i)
					}
					emit(hourStart.Add(time.Duration(i)*time.Minute), text)
				}
			}
		}
		// Through Run, as a stream is: matches are stored in batches.
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); svc.Run(runCtx, []source.Source{&sliceSource{stream}}) }()
		last := fmt.Sprint(len(stream))
		deadline := time.Now().Add(2 * time.Minute)
		for c, _ := s.ListenCursor(ctx, "bench"); c != last; c, _ = s.ListenCursor(ctx, "bench") {
			if time.Now().After(deadline) {
				t.Fatalf("the stream was not stored: cursor %q, want %q", c, last)
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
		alerts, err := s.ListListenAlerts(ctx, ws.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(alerts) != 1 {
			t.Fatalf("%d alerts, want exactly 1: %+v", len(alerts), alerts)
		}
		a := alerts[0]
		burstHour := start.Add(time.Duration(burst)*time.Hour).UnixMilli() / store.HourMs
		if a.RuleID != rules["acme"].ID || a.StartHour != burstHour || a.LastHour != burstHour+1 {
			t.Fatalf("alert = %+v; want rule %s hours %d–%d", a, rules["acme"].ID, burstHour, burstHour+1)
		}
		if !slices.Contains(a.TopTerms, "checkout") || !slices.Contains(a.TopTerms, "payment") || slices.Contains(a.TopTerms, "acme") {
			t.Fatalf("top terms = %v", a.TopTerms)
		}
		if len(a.TopPosts) == 0 {
			t.Fatal("no top posts")
		}
		top, err := s.GetMention(ctx, ws.ID, a.TopPosts[0])
		if err != nil || !slices.Contains(top.RuleIDs, rules["acme"].ID) {
			t.Fatalf("top post = %+v, %v", top, err)
		}
		if a.Baseline > 5 || a.Threshold < 10 {
			t.Fatalf("baseline %.2f threshold %.2f: the same hour of previous weeks is quiet", a.Baseline, a.Threshold)
		}
		ns, err := s.ListNotifications(ctx, sup.ID, 10)
		if err != nil || len(ns) != 1 || ns[0].Kind != "listening_spike" {
			t.Fatalf("notifications = %+v, %v", ns, err)
		}
	})
}
