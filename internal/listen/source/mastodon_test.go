package source_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/listen/source"
	"github.com/heed-dev/heed/internal/listen/source/mastodontest"
)

func newMastodon(srv *mastodontest.Server, token, tag string) *source.Mastodon {
	return source.NewMastodon(source.MastodonConfig{BaseURL: srv.URL, AccessToken: token, Hashtag: tag, PageLimit: 4,
		Options: source.Options{Backoff: fastBackoff()}})
}

func statusURI(srv *mastodontest.Server, user, id string) string {
	return srv.URL + "/users/" + user + "/statuses/" + id
}

// TestMastodonCatchUpAndResume: a run from a cursor first pages through
// the timeline (several pages), then streams; streams break mid-way and
// are dropped whole, and every public status arrives exactly once, in
// order.
func TestMastodonCatchUpAndResume(t *testing.T) {
	srv := mastodontest.New(t, "tok")
	var ids []string
	for i := range 23 {
		ids = append(ids, srv.Publish(mastodontest.Status{Acct: "alice", Content: fmt.Sprintf("<p>old %d</p>", i), Language: "en"}))
	}
	srv.Publish(mastodontest.Status{Acct: "alice", Content: "<p>unlisted</p>", Visibility: "unlisted"})
	srv.DropAfter(3, 0, 5, 1, 7)
	var want []string
	for _, id := range ids[5:] {
		want = append(want, statusURI(srv, "alice", id))
	}
	c := newCollector()
	runSource(t, newMastodon(srv, "tok", ""), ids[4], c.Handle)
	c.waitFor(t, want[len(want)-1])

	for i := range 60 {
		acct := "bob@remote.example"
		id := srv.Publish(mastodontest.Status{Acct: acct, Content: fmt.Sprintf("<p>live %d</p>", i)})
		want = append(want, statusURI(srv, "bob", id))
		if i%3 != 0 {
			// Pace most posts so that they travel through the stream
			// (and meet its DropAfter cuts) rather than the catch-up.
			c.waitFor(t, want[len(want)-1])
		}
		if i == 30 {
			srv.DisconnectAll()
		}
	}
	sentinel := srv.Publish(mastodontest.Status{Acct: "carol", Content: "<p>end</p>"})
	want = append(want, statusURI(srv, "carol", sentinel))
	c.waitFor(t, want[len(want)-1])
	assertExactlyOnce(t, c.IDs(), want)

	var catchUps int
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r, "GET /api/v1/timelines/public") {
			catchUps++
			if !strings.Contains(r, "min_id=") || strings.Contains(r, "since_id") || !strings.Contains(r, "limit=4") {
				t.Errorf("catch-up request %s, want min_id paging with limit=4", r)
			}
		}
	}
	if catchUps < 5 {
		t.Errorf("%d catch-up requests, want at least 5 (18 statuses, pages of 4)", catchUps)
	}
	if srv.Connections() < 6 {
		t.Errorf("%d stream connections, want at least 6", srv.Connections())
	}
	p := c.Posts()[0]
	if p.Network != "mastodon" || p.Author != "alice" || p.AuthorID == "" || p.Lang != "en" || p.Text != "old 5" ||
		p.URL != srv.URL+"/@alice/"+ids[5] || p.Cursor != ids[5] || p.CreatedAt.IsZero() {
		t.Errorf("first post = %+v", p)
	}
	if got := c.Posts()[len(ids)-5].Author; got != "bob@remote.example" {
		t.Errorf("remote author = %q, want acct bob@remote.example", got)
	}
}

// TestMastodonHashtagAndHTML follows one hashtag and checks status HTML
// becomes plain text in which hostile markup is inert text.
func TestMastodonHashtagAndHTML(t *testing.T) {
	srv := mastodontest.New(t, "tok")
	c := newCollector()
	runSource(t, newMastodon(srv, "tok", "#AcmeHelp"), "", c.Handle)
	waitConnections(t, srv.Connections, 1)
	srv.Publish(mastodontest.Status{Acct: "x", Content: "<p>untagged</p>"})
	id := srv.Publish(mastodontest.Status{Acct: "dave", Tags: []string{"acmehelp"}, SpoilerText: "billing",
		Content: `<p>Hi <span class="h-card"><a href="https://m.example/@acme" class="u-url mention">@<span>acme</span></a></span> &amp; co<br>line two</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`})
	c.waitFor(t, statusURI(srv, "dave", id))
	posts := c.Posts()
	if len(posts) != 1 {
		t.Fatalf("got %d posts, want only the tagged one", len(posts))
	}
	if want := "billing\n\nHi @acme & co\nline two\n\n<script>alert(1)</script>"; posts[0].Text != want {
		t.Errorf("text = %q, want %q", posts[0].Text, want)
	}
	if reqs := srv.Requests(); !strings.Contains(reqs[0], "/api/v1/streaming/hashtag?tag=AcmeHelp") {
		t.Errorf("stream request = %s", reqs[0])
	}
}

func TestMastodonCatchUpFollowsHashtagTimeline(t *testing.T) {
	srv := mastodontest.New(t, "tok")
	first := srv.Publish(mastodontest.Status{Acct: "a", Tags: []string{"acme"}, Content: "<p>1</p>"})
	srv.Publish(mastodontest.Status{Acct: "a", Content: "<p>untagged</p>"})
	second := srv.Publish(mastodontest.Status{Acct: "a", Tags: []string{"acme"}, Content: "<p>2</p>"})
	c := newCollector()
	runSource(t, newMastodon(srv, "tok", "acme"), first, c.Handle)
	c.waitFor(t, statusURI(srv, "a", second))
	assertExactlyOnce(t, c.IDs(), []string{statusURI(srv, "a", second)})
	var sawTag bool
	for _, r := range srv.Requests() {
		sawTag = sawTag || strings.HasPrefix(r, "GET /api/v1/timelines/tag/acme?")
	}
	if !sawTag {
		t.Errorf("no hashtag timeline request in %v", srv.Requests())
	}
}

func TestMastodonUnauthorizedStops(t *testing.T) {
	srv := mastodontest.New(t, "right")
	err := newMastodon(srv, "wrong", "").Run(context.Background(), "", newCollector().Handle)
	if !errors.Is(err, source.ErrUnauthorized) || !strings.Contains(err.Error(), "The access token is invalid") {
		t.Errorf("Run = %v, want ErrUnauthorized with Mastodon's reason", err)
	}
}

// TestMastodonHandlerErrorRetriesAndServerErrorsReconnect: a failing
// handler gets the same status again; a 502 on the stream or the
// catch-up only delays.
func TestMastodonHandlerErrorRetriesAndServerErrorsReconnect(t *testing.T) {
	srv := mastodontest.New(t, "tok")
	a := srv.Publish(mastodontest.Status{Acct: "a", Content: "<p>a</p>"})
	b := srv.Publish(mastodontest.Status{Acct: "a", Content: "<p>b</p>"})
	cc := srv.Publish(mastodontest.Status{Acct: "a", Content: "<p>c</p>"})
	srv.FailNext("stream", http.StatusBadGateway)
	srv.FailNext("timeline", http.StatusTooManyRequests)
	c := newCollector()
	c.failFirst[statusURI(srv, "a", b)] = 3
	rec := &sleepRecorder{}
	m := source.NewMastodon(source.MastodonConfig{BaseURL: srv.URL, AccessToken: "tok",
		Options: source.Options{Backoff: source.Backoff{Initial: 1, Max: 1, Sleep: rec.Sleep}}})
	stop := runSource(t, m, a, c.Handle)
	c.waitFor(t, statusURI(srv, "a", cc))
	assertExactlyOnce(t, c.IDs(), []string{statusURI(srv, "a", b), statusURI(srv, "a", cc)})
	if got := c.Attempts(statusURI(srv, "a", b)); got != 4 {
		t.Errorf("b offered %d times, want 4", got)
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("Run after cancel = %v, want context.Canceled", err)
	}
	// The 429 waited for X-RateLimit-Reset (minutes away), not 1 ns.
	var long bool
	for _, w := range rec.Waits() {
		long = long || w.Minutes() > 4
	}
	if !long {
		t.Errorf("waits %v: none honoured the 429's reset", rec.Waits())
	}
}
