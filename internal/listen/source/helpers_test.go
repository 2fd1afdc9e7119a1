package source_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/listen/source"
)

// hangGuard bounds how long a test waits for something that must happen;
// it is a deadlock guard, not a speed assertion.
const hangGuard = 30 * time.Second

// fastBackoff keeps reconnects quick in tests.
func fastBackoff() source.Backoff {
	return source.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond}
}

// sleepRecorder is a Backoff.Sleep that records the waits asked for and
// does not wait, so tests can check the backoff policy without clocks.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *sleepRecorder) Sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

func (r *sleepRecorder) Waits() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.waits)
}

// collector is a Handler that records what it took. onPost, when set, runs
// after the n-th post (1-based) was taken, in the source's goroutine, so a
// test can disconnect at an exact point of the stream. failFirst makes the
// handler refuse a post id that many times before taking it.
type collector struct {
	mu        sync.Mutex
	posts     []source.Post
	attempts  map[string]int
	failFirst map[string]int
	onPost    func(n int, p source.Post)
	changed   chan struct{}
}

func newCollector() *collector {
	return &collector{attempts: map[string]int{}, failFirst: map[string]int{}, changed: make(chan struct{}, 1)}
}

func (c *collector) Handle(ctx context.Context, p source.Post) error {
	c.mu.Lock()
	c.attempts[p.ID]++
	if c.attempts[p.ID] <= c.failFirst[p.ID] {
		c.mu.Unlock()
		return errors.New("storage unavailable")
	}
	c.posts = append(c.posts, p)
	n := len(c.posts)
	hook := c.onPost
	c.mu.Unlock()
	select {
	case c.changed <- struct{}{}:
	default:
	}
	if hook != nil {
		hook(n, p)
	}
	return nil
}

// Attempts is how many times the post was offered.
func (c *collector) Attempts(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.attempts[id]
}

func (c *collector) Posts() []source.Post {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.posts)
}

func (c *collector) IDs() []string {
	var ids []string
	for _, p := range c.Posts() {
		ids = append(ids, p.ID)
	}
	return ids
}

// waitFor waits until the collector holds a post with the given id.
func (c *collector) waitFor(t *testing.T, id string) {
	t.Helper()
	deadline := time.After(hangGuard)
	for {
		for _, p := range c.Posts() {
			if p.ID == id {
				return
			}
		}
		select {
		case <-c.changed:
		case <-deadline:
			t.Fatalf("post %s never arrived; got %d posts", id, len(c.Posts()))
		}
	}
}

// runSource runs s in the background and returns a stop function that
// cancels it and returns Run's error.
func runSource(t *testing.T, s source.Source, cursor string, h source.Handler) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, cursor, h) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(hangGuard):
				t.Fatal("Run did not return after its context was cancelled")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

// assertExactlyOnce checks that got holds want, in order, each once.
func assertExactlyOnce(t *testing.T, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Errorf("post %s delivered %d times", id, seen[id])
		}
	}
	t.Fatalf("delivered %d posts, want %d in order; first difference at %d", len(got), len(want), firstDiff(got, want))
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
