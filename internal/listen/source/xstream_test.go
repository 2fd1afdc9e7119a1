package source_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/listen/source"
	"github.com/heed-dev/heed/internal/listen/source/jetstreamtest"
	"github.com/heed-dev/heed/internal/listen/source/mastodontest"
	"github.com/heed-dev/heed/internal/listen/source/xstreamtest"
)

func newX(srv *xstreamtest.Server, token string, backfill int, b source.Backoff) *source.XStream {
	return source.NewXStream(source.XStreamConfig{BaseURL: srv.URL, BearerToken: token, BackfillMinutes: backfill,
		Options: source.Options{Backoff: b}})
}

// TestXStreamResumesWithBackfill: connections break mid-stream several
// times; each reconnect asks for backfill, and the posts X sends again are
// dropped by id, so every matching post arrives exactly once, in order.
func TestXStreamResumesWithBackfill(t *testing.T) {
	srv := xstreamtest.New(t, "app-token")
	x := newX(srv, "app-token", 2, fastBackoff())
	ctx := context.Background()
	if added, deleted, err := x.SyncRules(ctx, []source.XRule{{Value: "acme", Tag: "brand"}}); err != nil || added != 1 || deleted != 0 {
		t.Fatalf("SyncRules = %d, %d, %v; want 1 added", added, deleted, err)
	}
	drops := []int{7, 1, 30, 0, 2, 55}
	srv.DropAfter(drops...)
	c := newCollector()
	runSource(t, x, "", c.Handle)
	waitConnections(t, srv.Connections, 1)

	var want []string
	for i := range 150 {
		id := srv.Publish(xstreamtest.Tweet{Text: fmt.Sprintf("@AcmeHelp order %d is late <script>alert(1)</script>", i),
			AuthorID: "2244994945", Username: "customer_" + fmt.Sprint(i%3), Lang: "en"})
		want = append(want, id)
		if i%4 == 0 {
			srv.Publish(xstreamtest.Tweet{Text: "nothing to see", AuthorID: "1", Username: "other"})
		}
	}
	sentinel := srv.Publish(xstreamtest.Tweet{Text: "acme end", AuthorID: "1", Username: "last"})
	want = append(want, sentinel)
	c.waitFor(t, sentinel)
	assertExactlyOnce(t, c.IDs(), want)

	queries := srv.StreamQueries()
	if len(queries) < len(drops)+1 {
		t.Fatalf("only %d stream requests, want at least %d", len(queries), len(drops)+1)
	}
	if strings.Contains(queries[0], "backfill_minutes") {
		t.Errorf("first connection (no cursor) asked for backfill: %s", queries[0])
	}
	for _, q := range queries[1:] {
		if !strings.Contains(q, "backfill_minutes=2") {
			t.Errorf("reconnect without backfill: %s", q)
		}
	}
	for _, f := range []string{"tweet.fields=created_at%2Clang%2Cauthor_id", "expansions=author_id", "user.fields=username"} {
		if !strings.Contains(queries[0], f) {
			t.Errorf("stream query %s lacks %s", queries[0], f)
		}
	}
	p := c.Posts()[1]
	if p.Network != "x" || p.Author != "customer_1" || p.AuthorID != "2244994945" || p.Lang != "en" ||
		p.URL != "https://x.com/customer_1/status/"+p.ID || p.Cursor != p.ID || p.CreatedAt.IsZero() ||
		p.Text != "@AcmeHelp order 1 is late <script>alert(1)</script>" {
		t.Errorf("post = %+v", p)
	}
}

// TestXStreamCursorSkipsOlderPosts: a cursor from a previous run makes the
// backfilled posts up to it repeats, dropped.
func TestXStreamCursorSkipsOlderPosts(t *testing.T) {
	srv := xstreamtest.New(t, "tok")
	srv.AddRule("acme", "")
	var ids []string
	for i := range 5 {
		ids = append(ids, srv.Publish(xstreamtest.Tweet{Text: fmt.Sprint("acme ", i), AuthorID: "7", Username: "u"}))
	}
	c := newCollector()
	runSource(t, newX(srv, "tok", 5, fastBackoff()), ids[2], c.Handle)
	c.waitFor(t, ids[4])
	assertExactlyOnce(t, c.IDs(), ids[3:])
}

func TestXStreamUnauthorizedStops(t *testing.T) {
	srv := xstreamtest.New(t, "right")
	err := newX(srv, "wrong", 0, fastBackoff()).Run(context.Background(), "", newCollector().Handle)
	if !errors.Is(err, source.ErrUnauthorized) || !strings.Contains(err.Error(), "401") {
		t.Errorf("Run with a refused token = %v, want ErrUnauthorized naming the 401", err)
	}
	err = newX(srv, "", 0, fastBackoff()).Run(context.Background(), "", newCollector().Handle)
	if !errors.Is(err, source.ErrUnauthorized) {
		t.Errorf("Run without a token = %v, want ErrUnauthorized", err)
	}
	if _, _, err := newX(srv, "wrong", 0, fastBackoff()).SyncRules(context.Background(), nil); !errors.Is(err, source.ErrUnauthorized) {
		t.Errorf("SyncRules with a refused token = %v, want ErrUnauthorized", err)
	}
}

// TestXStreamRateLimitWaitsForReset: a 429 waits until x-rate-limit-reset,
// not just the (shorter) backoff; 503s back off growing, and a delivering
// connection resets the backoff.
func TestXStreamRateLimitWaitsForReset(t *testing.T) {
	srv := xstreamtest.New(t, "tok")
	srv.AddRule("acme", "")
	now := time.Unix(1767225600, 0)
	srv.FailNext(http.StatusServiceUnavailable, time.Time{})
	srv.FailNext(http.StatusServiceUnavailable, time.Time{})
	srv.FailNext(http.StatusTooManyRequests, now.Add(90*time.Second))
	rec := &sleepRecorder{}
	x := source.NewXStream(source.XStreamConfig{BaseURL: srv.URL, BearerToken: "tok", Now: func() time.Time { return now },
		Options: source.Options{Backoff: source.Backoff{Initial: 10 * time.Millisecond, Max: time.Second, Jitter: -1, Sleep: rec.Sleep}}})
	c := newCollector()
	c.onPost = func(n int, p source.Post) {
		if n == 1 {
			srv.FailNext(http.StatusServiceUnavailable, time.Time{})
			srv.DisconnectAll()
		}
	}
	runSource(t, x, "", c.Handle)
	waitConnections(t, srv.Connections, 1)
	first := srv.Publish(xstreamtest.Tweet{Text: "acme one", AuthorID: "7", Username: "u"})
	c.waitFor(t, first)
	waitConnections(t, srv.Connections, 2)
	ms := time.Millisecond
	want := []time.Duration{10 * ms, 20 * ms, 90 * time.Second, 10 * ms, 20 * ms}
	if got := rec.Waits(); !slices.Equal(got[:min(len(got), len(want))], want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
}

func TestXStreamHandlerErrorAndCancel(t *testing.T) {
	srv := xstreamtest.New(t, "tok")
	srv.AddRule("acme", "")
	c := newCollector()
	stop := runSource(t, newX(srv, "tok", 0, fastBackoff()), "", c.Handle)
	waitConnections(t, srv.Connections, 1)
	a := srv.Publish(xstreamtest.Tweet{Text: "acme a", AuthorID: "7", Username: "u"})
	c.mu.Lock()
	b := srv.Publish(xstreamtest.Tweet{Text: "acme b", AuthorID: "7", Username: "u"})
	c.failFirst[b] = 2
	c.mu.Unlock()
	c.waitFor(t, b)
	assertExactlyOnce(t, c.IDs(), []string{a, b})
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("Run after cancel = %v, want context.Canceled", err)
	}
}

func TestXStreamSyncRules(t *testing.T) {
	srv := xstreamtest.New(t, "tok")
	srv.RulesPageSize = 2 // the three rules come in two pages
	srv.AddRule("old brand", "legacy")
	srv.AddRule("acme", "brand")
	srv.AddRule("acme", "brand") // a duplicate left by hand
	x := newX(srv, "tok", 0, fastBackoff())
	ctx := context.Background()
	added, deleted, err := x.SyncRules(ctx, []source.XRule{{Value: "acme", Tag: "brand"}, {Value: "acme outage", Tag: "incident"}})
	if err != nil || added != 1 || deleted != 2 {
		t.Fatalf("SyncRules = %d added, %d deleted, %v; want 1, 2", added, deleted, err)
	}
	if got := srv.Rules(); !slices.Equal(got, []string{"acme", "acme outage"}) {
		t.Errorf("rules = %v", got)
	}
	if added, deleted, err := x.SyncRules(ctx, []source.XRule{{Value: "acme", Tag: "brand"}, {Value: "acme outage", Tag: "incident"}}); err != nil || added+deleted != 0 {
		t.Errorf("second SyncRules = %d, %d, %v; want no change", added, deleted, err)
	}
	_, _, err = x.SyncRules(ctx, []source.XRule{{Value: "acme", Tag: "brand"}, {Value: " "}})
	if err == nil || !strings.Contains(err.Error(), "not created") {
		t.Errorf("SyncRules with an invalid rule = %v, want an error", err)
	}
	rules, err := x.Rules(ctx)
	if err != nil || len(rules) != 1 || rules[0].ID == "" || rules[0].Tag != "brand" {
		t.Errorf("Rules = %+v, %v", rules, err)
	}
}

// TestSilentConnectionsAreDropped: a stream that sends nothing, not even
// a keep-alive, for the idle timeout is dropped and reopened.
func TestSilentConnectionsAreDropped(t *testing.T) {
	t.Run("x", func(t *testing.T) {
		srv := xstreamtest.New(t, "tok")
		srv.KeepAlive = time.Hour
		x := source.NewXStream(source.XStreamConfig{BaseURL: srv.URL, BearerToken: "tok",
			Options: source.Options{Backoff: fastBackoff(), IdleTimeout: 20 * time.Millisecond}})
		runSource(t, x, "", newCollector().Handle)
		waitConnections(t, srv.Connections, 3)
	})
	t.Run("jetstream", func(t *testing.T) {
		srv := jetstreamtest.New(t)
		js := source.NewJetstream(source.JetstreamConfig{URL: srv.URL,
			Options: source.Options{Backoff: fastBackoff(), IdleTimeout: 20 * time.Millisecond}})
		runSource(t, js, "", newCollector().Handle)
		waitConnections(t, srv.Connections, 3)
	})
	t.Run("mastodon", func(t *testing.T) {
		srv := mastodontest.New(t, "tok")
		srv.Heartbeat = time.Hour
		m := source.NewMastodon(source.MastodonConfig{BaseURL: srv.URL, AccessToken: "tok",
			Options: source.Options{Backoff: fastBackoff(), IdleTimeout: 20 * time.Millisecond}})
		runSource(t, m, "", newCollector().Handle)
		waitConnections(t, srv.Connections, 3)
	})
}

// TestLongConnectionResetsBackoff: a connection that stayed up a while
// counts as a success even without posts (a quiet stream), one dropped at
// once does not.
func TestLongConnectionResetsBackoff(t *testing.T) {
	for _, tc := range []struct {
		name string
		step time.Duration // how far the clock moves per reading
		want []time.Duration
	}{
		{"dropped at once", 0, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond}},
		{"up for minutes", 2 * time.Minute, []time.Duration{10 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := xstreamtest.New(t, "tok")
			srv.DropAfter(0, 0, 0)
			var mu sync.Mutex
			clock := time.Unix(1767225600, 0)
			now := func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				clock = clock.Add(tc.step)
				return clock
			}
			rec := &sleepRecorder{}
			x := source.NewXStream(source.XStreamConfig{BaseURL: srv.URL, BearerToken: "tok", Now: now,
				Options: source.Options{Backoff: source.Backoff{Initial: 10 * time.Millisecond, Max: time.Second, Jitter: -1, Sleep: rec.Sleep}}})
			runSource(t, x, "", newCollector().Handle)
			waitConnections(t, srv.Connections, 4)
			if got := rec.Waits(); !slices.Equal(got[:min(len(got), 3)], tc.want) {
				t.Errorf("waits = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestHungHandshakesTimeOut: a server that accepts requests but never
// answers them is given up after the connect timeout, and retried.
func TestHungHandshakesTimeOut(t *testing.T) {
	var mu sync.Mutex
	requests := 0
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(hung.Close)
	t.Cleanup(func() { close(release) })
	count := func() int { mu.Lock(); defer mu.Unlock(); return requests }
	o := source.Options{Backoff: fastBackoff(), ConnectTimeout: 20 * time.Millisecond}
	for _, s := range []source.Source{
		source.NewXStream(source.XStreamConfig{BaseURL: hung.URL, BearerToken: "tok", Options: o}),
		source.NewMastodon(source.MastodonConfig{BaseURL: hung.URL, Options: o}),
		source.NewJetstream(source.JetstreamConfig{URL: "ws" + strings.TrimPrefix(hung.URL, "http"), Options: o}),
	} {
		before := count()
		stop := runSource(t, s, "", newCollector().Handle)
		waitConnections(t, func() int { return count() - before }, 3)
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: Run = %v, want context.Canceled", s.Name(), err)
		}
	}
}
