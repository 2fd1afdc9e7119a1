package inbound_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/inbound"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func payload(ext, thread, text string) []byte {
	return fmt.Appendf(nil, `{"external_id":%q,"thread_id":%q,"author":{"id":"u-%s","name":"Ana"},"text":%q,"created_at":"2026-03-01T09:00:00Z"}`, ext, thread, thread, text)
}

func TestProcessorPipeline(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		box, _ := secret.New([]byte("0123456789abcdef0123"))
		s := store.New(d, box)
		ws, _ := s.CreateWorkspace(ctx, "Acme")
		ch, err := s.CreateChannel(ctx, model.Channel{WorkspaceID: ws.ID, Type: model.ChannelAPI, Name: "API", Secret: "k"})
		if err != nil {
			t.Fatal(err)
		}
		hub := realtime.NewHub()
		events, cancel := hub.Subscribe(realtime.WorkspaceTopic(ws.ID))
		defer cancel()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		p := inbound.NewProcessor(s, channel.NewRegistry(apichannel.New(nil)), hub, inbound.Stages(nil, nil, nil), log)

		accept := func(ext string, body []byte) {
			t.Helper()
			if _, err := p.Accept(ctx, ch, ext, body); err != nil {
				t.Fatal(err)
			}
		}
		accept("m-1", payload("m-1", "t-1", "first"))
		accept("bad", []byte(`{"not":"valid"}`)) // parked, does not block the rest
		accept("m-2", payload("m-2", "t-1", "second in same thread"))
		accept("m-3", payload("m-3", "t-2", "other thread"))
		if created, _ := p.Accept(ctx, ch, "m-1", payload("m-1", "t-1", "first")); created {
			t.Fatal("repeat accepted as new")
		}
		n, err := p.ProcessBatch(ctx)
		if err != nil || n != 4 {
			t.Fatalf("ProcessBatch = %d, %v; want 4 events", n, err)
		}
		if pending, _ := s.CountPendingEvents(ctx); pending != 0 {
			t.Fatalf("%d events pending", pending)
		}
		bad, err := s.GetInboundEvent(ctx, ch.ID, "bad")
		if err != nil || bad.Error == "" || bad.ProcessedAt == nil {
			t.Fatalf("bad event not parked with its error: %+v %v", bad, err)
		}
		convs, _, err := s.ListConversations(ctx, store.ConversationFilter{WorkspaceID: ws.ID})
		if err != nil || len(convs) != 2 {
			t.Fatalf("%d conversations, want 2 (%v)", len(convs), err)
		}
		if in, _ := s.CountMessages(ctx, ws.ID, model.DirectionIn); in != 3 {
			t.Fatalf("%d inbound messages, want 3", in)
		}
		// A live event per touched conversation, published after commit.
		got := map[string]bool{}
		deadline := time.After(2 * time.Second)
		for len(got) < 2 {
			select {
			case e := <-events:
				got[e.ConversationID] = true
			case <-deadline:
				t.Fatalf("live events for %d conversations, want 2", len(got))
			}
		}
		// A resolved conversation reopens on the customer's next message.
		var t1 model.Conversation
		for _, c := range convs {
			if c.ThreadID == "t-1" {
				t1 = c
			}
		}
		if err := s.SetConversationStatus(ctx, ws.ID, t1.ID, model.StatusResolved, time.Now()); err != nil {
			t.Fatal(err)
		}
		accept("m-4", payload("m-4", "t-1", "still broken"))
		if _, err := p.ProcessBatch(ctx); err != nil {
			t.Fatal(err)
		}
		again, _ := s.GetConversation(ctx, ws.ID, t1.ID)
		if again.Status != model.StatusNew || again.Preview != "still broken" {
			t.Fatalf("after new message: status %s preview %q", again.Status, again.Preview)
		}
	})
}

func TestPreview(t *testing.T) {
	long := ""
	for range 200 {
		long += "é"
	}
	if p := []rune(inbound.Preview(long)); len(p) != 140 {
		t.Fatalf("preview has %d runes", len(p))
	}
	if inbound.Preview("short") != "short" {
		t.Fatal("short text changed")
	}
}

// Several workers draining a burst in which customers post in each other's
// public threads must neither deadlock nor lose an event: batches lock the
// identities and threads they touch in one global order.
func TestProcessorConcurrentWorkers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		box, _ := secret.New([]byte("0123456789abcdef0123"))
		s := store.New(d, box)
		ws, _ := s.CreateWorkspace(ctx, "Acme")
		ch, err := s.CreateChannel(ctx, model.Channel{WorkspaceID: ws.ID, Type: model.ChannelAPI, Name: "API", Secret: "k"})
		if err != nil {
			t.Fatal(err)
		}
		analyzer, err := analyze.New(analyze.Options{})
		if err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		p := inbound.NewProcessor(s, channel.NewRegistry(apichannel.New(nil)), realtime.NewHub(), inbound.Stages(&inbound.AnalyzeStage{Analyzer: analyzer}, nil, nil), log)
		p.SetBatchSize(25)
		const authors, threads, total = 12, 9, 600
		for i := range total {
			ext := fmt.Sprintf("m-%d", i)
			// Author a writes in thread (a*7+i)%threads: every batch mixes
			// the same authors and threads in a different order.
			a := i % authors
			body := fmt.Appendf(nil, `{"external_id":%q,"thread_id":"t-%d","author":{"id":"u-%d","name":"User %d"},"text":"post %d","created_at":"2026-03-01T09:00:00Z"}`,
				ext, (a*7+i)%threads, a, a, i)
			if _, err := p.Accept(ctx, ch, ext, body); err != nil {
				t.Fatal(err)
			}
		}
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				var first error
				for range 200 {
					n, err := p.ProcessBatch(ctx)
					if err != nil && first == nil {
						first = err
					}
					if err == nil && n == 0 {
						break
					}
				}
				errs <- first
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Errorf("a worker's batch failed: %v", err)
			}
		}
		if pending, _ := s.CountPendingEvents(ctx); pending != 0 {
			t.Fatalf("%d events still pending", pending)
		}
		if in, _ := s.CountMessages(ctx, ws.ID, model.DirectionIn); in != total {
			t.Fatalf("%d inbound messages, want %d", in, total)
		}
		convs, _, err := s.ListConversations(ctx, store.ConversationFilter{WorkspaceID: ws.ID, Limit: 100})
		if err != nil || len(convs) != threads {
			t.Fatalf("%d conversations, want %d (%v)", len(convs), threads, err)
		}
	})
}
