package realtime_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/realtime"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestPGBrokerAcrossNodes(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := realtime.NewPGBroker(d.PgPool, log)
	b := realtime.NewPGBroker(d.PgPool, log)
	onA, cancelA := a.Subscribe("ws:1")
	defer cancelA()
	onB, cancelB := b.Subscribe("ws:1")
	defer cancelB()
	go a.Run(ctx)
	go b.Run(ctx)
	// Wait until both listeners are up: each announces itself with a resync.
	for _, ch := range []<-chan realtime.Event{onA, onB} {
		select {
		case e := <-ch:
			if e.Type != "resync" {
				t.Fatalf("first event %+v, want resync", e)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("listener did not start")
		}
	}
	a.Publish("ws:1", realtime.Event{Type: "conversation", ID: "c1"})
	for name, ch := range map[string]<-chan realtime.Event{"local": onA, "remote": onB} {
		select {
		case e := <-ch:
			if e.ID != "c1" {
				t.Fatalf("%s got %+v", name, e)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s subscriber did not get the event", name)
		}
	}
	// The publishing node does not receive its own event twice.
	select {
	case e := <-onA:
		t.Fatalf("echo on publishing node: %+v", e)
	case <-time.After(300 * time.Millisecond):
	}
}
