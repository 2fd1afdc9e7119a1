package source_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/listen/source"
)

// TestReplayResumesFromCursor: a replay stopped mid-way (the replay's
// equivalent of a dropped connection) and resumed from the last delivered
// post's cursor delivers every post exactly once, in order, then ends.
func TestReplayResumesFromCursor(t *testing.T) {
	var b strings.Builder
	var want []string
	for i := range 100 {
		fmt.Fprintf(&b, `{"id":"p%d","text":"post %d <img src=x onerror=alert(1)>","lang":"en","author":"user%d","created_at":"2026-11-23T10:00:%02dZ"}`+"\n", i, i, i%7, i%60)
		want = append(want, fmt.Sprint("p", i))
		if i%9 == 0 {
			b.WriteString("\n   \n") // blank lines count as lines, carry nothing
		}
	}
	path := filepath.Join(t.TempDir(), "posts.jsonl")
	if err := os.WriteFile(path, []byte(strings.TrimSuffix(b.String(), "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	r := source.ReplayFile(path, source.Options{Backoff: fastBackoff()})

	var got []source.Post
	cursor := ""
	for _, stopAfter := range []int{1, 17, 30, 2, 1000} {
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		err := r.Run(ctx, cursor, func(ctx context.Context, p source.Post) error {
			got = append(got, p)
			cursor = p.Cursor
			if n++; n == stopAfter {
				cancel()
			}
			return nil
		})
		cancel()
		if stopAfter < 1000 && !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped run = %v, want context.Canceled", err)
		}
		if stopAfter == 1000 && !errors.Is(err, source.ErrEnded) {
			t.Fatalf("last run = %v, want ErrEnded", err)
		}
	}
	var ids []string
	for _, p := range got {
		ids = append(ids, p.ID)
	}
	assertExactlyOnce(t, ids, want)
	p := got[3]
	if p.Network != "replay" || p.Author != "user3" || p.Lang != "en" || p.Text != "post 3 <img src=x onerror=alert(1)>" ||
		!p.CreatedAt.Equal(time.Date(2026, 11, 23, 10, 0, 3, 0, time.UTC)) {
		t.Errorf("post = %+v", p)
	}
}

func TestReplayBadLineNamesIt(t *testing.T) {
	in := `{"id":"a","text":"fine"}` + "\n" + `{"id":"b","text":` + "\n"
	err := source.ReplayReader(strings.NewReader(in), source.Options{}).Run(context.Background(), "", newCollector().Handle)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("Run = %v, want an error naming line 2", err)
	}
	for _, bad := range []string{`{"text":"no id"}`, `{"id":"x","created_at":"yesterday"}`, `[1,2]`} {
		err := source.ReplayReader(strings.NewReader(bad), source.Options{}).Run(context.Background(), "", newCollector().Handle)
		if err == nil || errors.Is(err, source.ErrEnded) {
			t.Errorf("Run(%s) = %v, want an error", bad, err)
		}
	}
	if err := source.ReplayReader(strings.NewReader(""), source.Options{}).Run(context.Background(), "x", newCollector().Handle); err == nil {
		t.Error("a non-numeric cursor was accepted")
	}
}

func TestReplayHandlerErrorRetriesThePost(t *testing.T) {
	in := `{"id":"a"}` + "\n" + `{"id":"b"}` + "\n" + `{"id":"c"}` + "\n"
	c := newCollector()
	c.failFirst["b"] = 2
	err := source.ReplayReader(strings.NewReader(in), source.Options{Backoff: fastBackoff()}).Run(context.Background(), "", c.Handle)
	if !errors.Is(err, source.ErrEnded) {
		t.Fatalf("Run = %v, want ErrEnded", err)
	}
	assertExactlyOnce(t, c.IDs(), []string{"a", "b", "c"})
	if c.Attempts("b") != 3 {
		t.Errorf("b offered %d times, want 3", c.Attempts("b"))
	}
}
