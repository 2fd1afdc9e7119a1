package listening_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/listen/source"
	"github.com/heed-dev/heed/internal/listening"
	"github.com/heed-dev/heed/internal/store"
)

// benchService has 1,000 rules over 10 workspaces ("brand0" … "brand999").
func benchService(b *testing.B, engine string) (*listening.Service, *store.Store) {
	b.Helper()
	var eng = dbtest.Engines[0]
	for _, e := range dbtest.Engines {
		if string(e) == engine {
			eng = e
		}
	}
	if string(eng) != engine {
		b.Skipf("engine %s not enabled", engine)
	}
	s := newStore(b, dbtest.Open(b, eng))
	ctx := context.Background()
	a, err := analyze.New(analyze.Options{})
	if err != nil {
		b.Fatal(err)
	}
	svc := listening.New(s, a, nil, nil, nil, listening.Options{})
	for w := range 10 {
		ws, err := s.CreateWorkspace(ctx, fmt.Sprint("ws", w))
		if err != nil {
			b.Fatal(err)
		}
		for r := range 100 {
			if _, err := s.CreateListenRule(ctx, store.ListenRule{WorkspaceID: ws.ID, Name: fmt.Sprint("r", r), Query: fmt.Sprintf("brand%d OR #brand%d", w*100+r, w*100+r),
				Action: "feed", Kind: "brand", Enabled: true}); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := svc.Reload(ctx); err != nil {
		b.Fatal(err)
	}
	return svc, s
}

// BenchmarkHandlePostNoMatch is the firehose case: most posts match
// nothing and cost only the matcher and the preview ring.
func BenchmarkHandlePostNoMatch(b *testing.B) {
	svc, _ := benchService(b, "sqlite")
	ctx := context.Background()
	p := source.Post{Network: "bluesky", ID: "x", Text: "just had the best coffee of my life this morning, no regrets at all", CreatedAt: time.Now()}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.HandlePost(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandlePostMatch stores every post: analysis, the mention and its
// rule link in one transaction, then the spike check's hourly count.
func BenchmarkHandlePostMatch(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			svc, _ := benchService(b, engine)
			ctx := context.Background()
			i := 0
			for b.Loop() {
				i++
				p := source.Post{Network: "bluesky", ID: fmt.Sprint("p", i), Text: fmt.Sprintf("brand%d delivery is late again, where is my parcel?", i%1000), CreatedAt: time.Now()}
				if _, err := svc.HandlePost(ctx, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// sliceSource delivers its posts once, then waits for the end.
type sliceSource struct{ posts []source.Post }

func (s *sliceSource) Name() string { return "bench" } // also the spike test's stream
func (s *sliceSource) Run(ctx context.Context, cursor string, h source.Handler) error {
	for _, p := range s.posts {
		if err := h(ctx, p); err != nil {
			return err
		}
	}
	<-ctx.Done()
	return ctx.Err()
}

// BenchmarkStreamAllMatch runs a stream whose every post matches through
// Run: matches are stored in batches (what queued up during the previous
// commit), which is what a busy stream sees.
func BenchmarkStreamAllMatch(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			svc, s := benchService(b, engine)
			posts := make([]source.Post, 0, b.N)
			for i := range b.N {
				posts = append(posts, source.Post{Network: "bluesky", ID: fmt.Sprint("p", i), Text: fmt.Sprintf("brand%d delivery is late again, where is my parcel?", i%1000),
					CreatedAt: time.Now(), Cursor: fmt.Sprint(i)})
			}
			ctx, cancel := context.WithCancel(context.Background())
			b.ResetTimer()
			done := make(chan struct{})
			go func() { defer close(done); svc.Run(ctx, []source.Source{&sliceSource{posts}}) }()
			for {
				if c, err := s.ListenCursor(context.Background(), "bench"); err == nil && c == fmt.Sprint(b.N-1) {
					break
				}
				time.Sleep(time.Millisecond)
			}
			b.StopTimer()
			cancel()
			<-done
		})
	}
}
