package demo

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/config"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// The demo prints where it runs and who can log in, and customers start
// writing at once.
func TestDemoPlaysCustomers(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.SecretKey = addr, t.TempDir(), "demo-test-secret-0123456789"
	cfg.PollInterval = 100 * time.Millisecond
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Rate: 200 * time.Millisecond, Password: "demo-password"}, out)
	}()
	defer func() {
		cancel()
		<-done
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "demo-password") {
		if time.Now().After(deadline) {
			t.Fatalf("no credentials printed: %q", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "http://"+addr) || !strings.Contains(out.String(), AdminEmail) {
		t.Fatalf("output lacks URL or admin: %q", out.String())
	}
	// Read the demo's database from outside, as `heed token create --data` does.
	d, err := db.Open(context.Background(), db.SQLitePath(cfg.DataDir))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	box, _ := secret.New([]byte(cfg.SecretKey))
	s := store.New(d, box)
	ws, err := s.FirstWorkspace(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for {
		n, _ := s.CountConversations(context.Background(), ws.ID)
		if n >= 12 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d conversations after the demo started", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Customers write on the emulated social networks too (two posts in
	// three; all twelve elsewhere has odds of about one in half a million).
	convs, _, err := s.ListConversations(context.Background(), store.ConversationFilter{WorkspaceID: ws.ID, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for _, c := range convs {
		types[c.ChannelType]++
	}
	if types["x"]+types["facebook"]+types["messenger"] == 0 {
		t.Fatalf("no social conversations: %v", types)
	}
}
