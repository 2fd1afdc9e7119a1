package source_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/listen/source"
	"github.com/heed-dev/heed/internal/listen/source/jetstreamtest"
)

const testDID = "did:plc:eygmaihciaxprqvxpfvl6flk"

func bskyID(did, rkey string) string { return "at://" + did + "/app.bsky.feed.post/" + rkey }

// TestJetstreamResumesWithoutGapsOrDuplicates streams posts mixed with
// events that are not posts, drops every client several times (once in the
// middle of a group of events sharing one time_us, which Jetstream replays
// on reconnect), and checks every post arrives exactly once, in order.
func TestJetstreamResumesWithoutGapsOrDuplicates(t *testing.T) {
	srv := jetstreamtest.New(t)
	start := srv.PublishIdentity(testDID, "alice.bsky.social")
	srv.PublishAccount(testDID, true)

	const n = 300
	var want []string
	var groupTime int64
	for i := range n {
		rkey := fmt.Sprintf("3l3qo2vuowo%03d", i)
		p := jetstreamtest.Post{DID: testDID, RKey: rkey, Text: fmt.Sprintf("post %d about <b>Acme</b>", i), Langs: []string{"en"}}
		if i%10 >= 8 {
			p.TimeUS = groupTime
		}
		us := srv.PublishPost(p)
		if i%10 == 7 {
			groupTime = us
		}
		want = append(want, bskyID(testDID, rkey))
		switch i % 10 {
		case 2:
			srv.PublishLike("did:plc:other", fmt.Sprintf("like%d", i), want[len(want)-1])
		case 4:
			srv.PublishDelete(testDID, "gone"+strconv.Itoa(i))
		case 6:
			srv.PublishRaw([]byte(`{"kind":`)) // malformed: skipped
		}
	}
	// Posts 8 and 9 of each ten share post 7's time_us. Connections break
	// after these many frames (posts and the other events); some cuts fall
	// inside such groups, so the server replays delivered posts from the
	// inclusive cursor and the source must skip exactly those.
	drops := []int{7, 1, 8, 50, 23, 24, 2, 100, 3}
	srv.DropAfter(drops...)
	c := newCollector()
	js := source.NewJetstream(source.JetstreamConfig{URL: srv.URL, Options: source.Options{Backoff: fastBackoff()}})
	runSource(t, js, strconv.FormatInt(start-1, 10), c.Handle)

	// A sentinel after everything: once it arrived, any duplicate of an
	// earlier post would have arrived before it.
	srv.PublishPost(jetstreamtest.Post{DID: testDID, RKey: "sentinel", Text: "end"})
	want = append(want, bskyID(testDID, "sentinel"))
	c.waitFor(t, bskyID(testDID, "sentinel"))
	assertExactlyOnce(t, c.IDs(), want)

	if got := srv.Connections(); got < len(drops)+1 {
		t.Errorf("connections = %d, want at least %d", got, len(drops)+1)
	}
	// Every reconnect resumed from the time_us of the last delivered post
	// (or, before any, the cursor Run was given).
	posts := c.Posts()
	cursorOf := map[string]bool{strconv.FormatInt(start-1, 10): true}
	for _, p := range posts {
		cursorOf[p.Cursor] = true
	}
	for i, cur := range srv.Cursors() {
		if !cursorOf[cur] {
			t.Errorf("connection %d asked cursor %q, which is no delivered post's", i, cur)
		}
	}
	var replayed bool
	for _, cur := range srv.Cursors()[1:] {
		replayed = replayed || sameTimeCount(posts, cur) > 1
	}
	if !replayed {
		t.Error("no reconnect resumed inside a group of posts sharing a time_us; the test lost its point")
	}

	p := posts[0]
	if p.Network != "bluesky" || p.Author != "alice.bsky.social" || p.AuthorID != testDID || p.Lang != "en" ||
		p.URL != "https://bsky.app/profile/"+testDID+"/post/3l3qo2vuowo000" || p.Text != "post 0 about <b>Acme</b>" || p.CreatedAt.IsZero() {
		t.Errorf("first post = %+v", p)
	}
}

func sameTimeCount(posts []source.Post, cursor string) int {
	n := 0
	for _, p := range posts {
		if p.Cursor == cursor {
			n++
		}
	}
	return n
}

func TestJetstreamLiveTailWithoutCursor(t *testing.T) {
	srv := jetstreamtest.New(t)
	srv.PublishPost(jetstreamtest.Post{DID: testDID, RKey: "before", Text: "old"})
	c := newCollector()
	js := source.NewJetstream(source.JetstreamConfig{URL: srv.URL, Options: source.Options{Backoff: fastBackoff()}})
	runSource(t, js, "", c.Handle)
	waitConnections(t, srv.Connections, 1)
	srv.PublishPost(jetstreamtest.Post{DID: testDID, RKey: "after", Text: "new"})
	c.waitFor(t, bskyID(testDID, "after"))
	// A server restart: posts published meanwhile come after the reconnect.
	if n := srv.DisconnectAll(); n != 1 {
		t.Fatalf("DisconnectAll dropped %d clients, want 1", n)
	}
	srv.PublishPost(jetstreamtest.Post{DID: testDID, RKey: "during", Text: "while away"})
	c.waitFor(t, bskyID(testDID, "during"))
	if ids := c.IDs(); !slices.Equal(ids, []string{bskyID(testDID, "after"), bskyID(testDID, "during")}) {
		t.Errorf("live tail delivered %v, want only the posts published after connecting", ids)
	}
	if got := srv.Cursors()[0]; got != "" {
		t.Errorf("first connection sent cursor %q, want none", got)
	}
	if c.Posts()[0].Author != testDID {
		t.Errorf("author without a known handle = %q, want the DID", c.Posts()[0].Author)
	}
}

func waitConnections(t *testing.T, conns func() int, n int) {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	for conns() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d connections, want %d", conns(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestJetstreamBackoffResetsAfterSuccess: refused handshakes make the wait
// grow; a connection that delivers a post resets it.
func TestJetstreamBackoffResetsAfterSuccess(t *testing.T) {
	srv := jetstreamtest.New(t)
	first := srv.PublishPost(jetstreamtest.Post{DID: testDID, RKey: "a", Text: "one"})
	srv.RefuseNext(3)
	rec := &sleepRecorder{}
	b := source.Backoff{Initial: 10 * time.Millisecond, Max: time.Second, Jitter: -1, Sleep: rec.Sleep}
	c := newCollector()
	c.onPost = func(n int, p source.Post) {
		if n == 1 {
			srv.RefuseNext(2)
			srv.DisconnectAll()
		}
	}
	js := source.NewJetstream(source.JetstreamConfig{URL: srv.URL, Options: source.Options{Backoff: b}})
	runSource(t, js, strconv.FormatInt(first-1, 10), c.Handle)
	c.waitFor(t, bskyID(testDID, "a"))
	waitConnections(t, srv.Connections, 2)
	ms := time.Millisecond
	want := []time.Duration{10 * ms, 20 * ms, 40 * ms, 10 * ms, 20 * ms, 40 * ms}
	if got := rec.Waits(); !slices.Equal(got[:min(len(got), len(want))], want) {
		t.Errorf("waits = %v, want %v (growing, then reset by the delivering connection)", got, want)
	}
}

// TestJetstreamHandlerErrorRetriesThePost: a failing handler gets the same
// post again (after a backoff) until it takes it; order is kept.
func TestJetstreamHandlerErrorRetriesThePost(t *testing.T) {
	srv := jetstreamtest.New(t)
	first := srv.PublishPost(jetstreamtest.Post{DID: testDID, RKey: "p1", Text: "one"})
	srv.PublishPost(jetstreamtest.Post{DID: testDID, RKey: "p2", Text: "two"})
	srv.PublishPost(jetstreamtest.Post{DID: testDID, RKey: "p3", Text: "three"})
	rec := &sleepRecorder{}
	c := newCollector()
	c.failFirst[bskyID(testDID, "p2")] = 3
	b := source.Backoff{Initial: time.Millisecond, Max: time.Second, Jitter: -1, Sleep: rec.Sleep}
	js := source.NewJetstream(source.JetstreamConfig{URL: srv.URL, Options: source.Options{Backoff: b}})
	runSource(t, js, strconv.FormatInt(first-1, 10), c.Handle)
	c.waitFor(t, bskyID(testDID, "p3"))
	assertExactlyOnce(t, c.IDs(), []string{bskyID(testDID, "p1"), bskyID(testDID, "p2"), bskyID(testDID, "p3")})
	if got := c.Attempts(bskyID(testDID, "p2")); got != 4 {
		t.Errorf("p2 offered %d times, want 4", got)
	}
	if got, want := rec.Waits(), []time.Duration{time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond}; !slices.Equal(got, want) {
		t.Errorf("handler retry waits = %v, want %v", got, want)
	}
	if srv.Connections() != 1 {
		t.Errorf("a handler error reconnected (%d connections); it should retry in place", srv.Connections())
	}
}

// TestJetstreamCancelStops: cancelling the context ends Run while
// connected, while waiting to reconnect, and while retrying a handler.
func TestJetstreamCancelStops(t *testing.T) {
	t.Run("connected", func(t *testing.T) {
		srv := jetstreamtest.New(t)
		js := source.NewJetstream(source.JetstreamConfig{URL: srv.URL})
		stop := runSource(t, js, "", newCollector().Handle)
		waitConnections(t, srv.Connections, 1)
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	})
	t.Run("backing off", func(t *testing.T) {
		srv := jetstreamtest.New(t)
		srv.RefuseNext(1)
		js := source.NewJetstream(source.JetstreamConfig{URL: srv.URL, Options: source.Options{Backoff: source.Backoff{Initial: time.Hour}}})
		stop := runSource(t, js, "", newCollector().Handle)
		waitConnections(t, srv.Requests, 1)
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	})
	t.Run("handler failing", func(t *testing.T) {
		srv := jetstreamtest.New(t)
		first := srv.PublishPost(jetstreamtest.Post{DID: testDID, RKey: "p", Text: "x"})
		c := newCollector()
		c.failFirst[bskyID(testDID, "p")] = 1 << 30
		js := source.NewJetstream(source.JetstreamConfig{URL: srv.URL, Options: source.Options{Backoff: source.Backoff{Initial: time.Hour}}})
		stop := runSource(t, js, strconv.FormatInt(first-1, 10), c.Handle)
		waitConnections(t, srv.Connections, 1)
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	})
}

func TestJetstreamBadCursor(t *testing.T) {
	js := source.NewJetstream(source.JetstreamConfig{URL: "ws://127.0.0.1:1/subscribe"})
	err := js.Run(context.Background(), "yesterday", newCollector().Handle)
	if err == nil || !strings.Contains(err.Error(), "time_us") {
		t.Errorf("Run with a bad cursor = %v, want an error naming time_us", err)
	}
}

// TestJetstreamFailsOverToAnotherInstance: when the instance in use
// refuses connections the source moves to the next one, rewinds the
// cursor (time_us differ between instances; here the second is 3 ms
// behind) and drops what it delivered already by id.
func TestJetstreamFailsOverToAnotherInstance(t *testing.T) {
	a := jetstreamtest.New(t)
	b := jetstreamtest.New(t)
	a.SetClock(1725911162329308 + 10_000)
	b.SetClock(1725911162329308 + 7_000)
	var want []string
	var firstA int64
	for i := range 150 {
		p := jetstreamtest.Post{DID: testDID, RKey: fmt.Sprintf("r%03d", i), Text: fmt.Sprint("post ", i)}
		if i < 100 {
			if us := a.PublishPost(p); i == 0 {
				firstA = us
			}
		}
		b.PublishPost(p)
		want = append(want, bskyID(testDID, p.RKey))
	}
	a.DropAfter(50)
	c := newCollector()
	c.onPost = func(n int, p source.Post) {
		if n == 50 {
			a.RefuseNext(1 << 20) // instance a is gone
		}
	}
	js := source.NewJetstream(source.JetstreamConfig{URL: a.URL, Fallbacks: []string{b.URL},
		Options: source.Options{Backoff: fastBackoff()}})
	runSource(t, js, strconv.FormatInt(firstA-1, 10), c.Handle)
	c.waitFor(t, want[len(want)-1])
	b.PublishPost(jetstreamtest.Post{DID: testDID, RKey: "sentinel", Text: "end"})
	want = append(want, bskyID(testDID, "sentinel"))
	c.waitFor(t, want[len(want)-1])
	assertExactlyOnce(t, c.IDs(), want)

	lastA, _ := strconv.ParseInt(c.Posts()[49].Cursor, 10, 64)
	if got, want := b.Cursors()[0], strconv.FormatInt(lastA-5_000_000, 10); got != want {
		t.Errorf("fallback asked cursor %s, want %s (the last time_us rewound 5 s)", got, want)
	}
}
