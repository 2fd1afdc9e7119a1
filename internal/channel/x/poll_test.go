package x_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/x"
	"github.com/heed-dev/heed/internal/channel/x/xtest"
)

func postMentions(s *xtest.Server, n int, prefix string) []xtest.Tweet {
	var out []xtest.Tweet
	for i := range n {
		out = append(out, s.PostMention(ana, fmt.Sprintf("%s %d @heedbrand", prefix, i), ""))
	}
	return out
}

func keys(raws []channel.RawEvent) []string {
	var out []string
	for _, r := range raws {
		out = append(out, r.ExternalID)
	}
	return out
}

func ids(ts []xtest.Tweet) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

func requestsMatching(s *xtest.Server, sub string) []string {
	var out []string
	for _, r := range s.Requests() {
		if strings.Contains(r, sub) {
			out = append(out, r)
		}
	}
	return out
}

func TestPollSinceIDAndPagination(t *testing.T) {
	s, c, ch := emulated(t)
	ctx := context.Background()

	// First poll: the most recent page only.
	old := postMentions(s, 120, "old")
	raws, cursor, err := c.Poll(ctx, ch, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := keys(raws), ids(old[20:]); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("first poll returned %d events (want the newest 100, oldest first)", len(got))
	}
	if cursor != old[119].ID {
		t.Fatalf("cursor %q, want newest id %s", cursor, old[119].ID)
	}

	// Nothing new: no events, same cursor.
	raws, next, err := c.Poll(ctx, ch, cursor)
	if err != nil || len(raws) != 0 || next != cursor {
		t.Fatalf("empty poll: %d events, %q, %v", len(raws), next, err)
	}

	// 230 new mentions: three pages, all of them, oldest first, no repeats.
	fresh := postMentions(s, 230, "new")
	raws, next, err = c.Poll(ctx, ch, cursor)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := keys(raws), ids(fresh); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("poll returned %d events, want the 230 new ones in order", len(got))
	}
	if next != fresh[229].ID {
		t.Fatalf("cursor %q, want %s", next, fresh[229].ID)
	}
	reqs := requestsMatching(s, "since_id="+cursor)
	if len(reqs) != 4 { // the empty poll and three pages
		t.Fatalf("requests with since_id: %v", reqs)
	}
	if !strings.Contains(reqs[2], "pagination_token=") || !strings.Contains(reqs[3], "pagination_token=") {
		t.Errorf("pages 2 and 3 did not follow next_token: %v", reqs[1:])
	}

	// Every polled event normalises, threaded by conversation.
	for _, k := range normalizeAll(t, c, raws[:3]) {
		if k.Error != "" || k.Event.ThreadID != k.Key || k.Event.Author.Handle != "@anasouza" || k.Event.Author.Followers != 1520 {
			t.Errorf("polled event %+v", k)
		}
	}
}

func TestPollThreadsReplies(t *testing.T) {
	s, c, ch := emulated(t)
	ctx := context.Background()
	root := s.PostMention(ana, "@heedbrand help", "")
	res, err := c.SendReply(ctx, ch, channel.Outbound{Public: true, ThreadID: root.ID, InReplyTo: root.ID, Text: "What happened?"})
	if err != nil {
		t.Fatal(err)
	}
	reply := s.PostMention(ana, "it broke", res.ExternalID) // no @ in the text: on the timeline as a reply to the brand
	raws, _, err := c.Poll(ctx, ch, "")
	if err != nil {
		t.Fatal(err)
	}
	got := normalizeAll(t, c, raws)
	if len(got) != 2 || got[1].Key != reply.ID || got[1].Event.ThreadID != root.ID {
		t.Fatalf("polled %+v, want the reply in thread %s (our own reply left out)", got, root.ID)
	}
	if !strings.HasPrefix(got[1].Event.Text, "@heedbrand ") {
		t.Errorf("reply text %q", got[1].Event.Text)
	}
}

func TestPollRateLimited(t *testing.T) {
	s, c, ch := emulated(t)
	ctx := context.Background()
	clock := &fixedClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s.SetClock(clock.Now)
	first := postMentions(s, 5, "a")
	_, cursor, err := c.Poll(ctx, ch, "")
	if err != nil {
		t.Fatal(err)
	}

	// Window spent: 429 with the reset of x-rate-limit-reset.
	reset := clock.Now().Add(7*time.Minute + 300*time.Millisecond)
	s.RateLimit(xtest.EndpointMentions, 0, reset)
	postMentions(s, 3, "b")
	raws, next, err := c.Poll(ctx, ch, cursor)
	rl, ok := channel.IsRateLimited(err)
	if !ok || !rl.Reset.Equal(reset.Truncate(time.Second)) {
		t.Fatalf("err %v, want rate limit until %s", err, reset.Truncate(time.Second))
	}
	if len(raws) != 0 || next != cursor {
		t.Fatalf("rate-limited poll returned %d events, cursor %q", len(raws), next)
	}
	if rl2, ok := err.(*channel.RateLimitError); !ok || rl2 != rl {
		t.Error("the error is not a bare *channel.RateLimitError")
	}

	// After the reset the poll resumes.
	clock.Add(8 * time.Minute)
	raws, next, err = c.Poll(ctx, ch, cursor)
	if err != nil || len(raws) != 3 {
		t.Fatalf("after reset: %d events, %v", len(raws), err)
	}
	if next == cursor || next == first[4].ID {
		t.Fatal("cursor did not advance")
	}
}

// TestPollRemainingZeroMidway: the window runs out between pages; Poll
// stops, says until when, and the cursor resumes at the next page.
func TestPollRemainingZeroMidway(t *testing.T) {
	s, c, ch := emulated(t)
	ctx := context.Background()
	clock := &fixedClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s.SetClock(clock.Now)
	postMentions(s, 1, "seed")
	_, cursor, err := c.Poll(ctx, ch, "")
	if err != nil {
		t.Fatal(err)
	}
	fresh := postMentions(s, 250, "burst")
	reset := clock.Now().Add(15 * time.Minute)
	s.RateLimit(xtest.EndpointMentions, 2, reset)

	raws, mid, err := c.Poll(ctx, ch, cursor)
	rl, ok := channel.IsRateLimited(err)
	if !ok || !rl.Reset.Equal(reset) {
		t.Fatalf("err %v, want rate limit until %s", err, reset)
	}
	if len(raws) != 200 || !strings.Contains(mid, "pagination_token=") {
		t.Fatalf("got %d events and cursor %q, want the first two pages and a resumable cursor", len(raws), mid)
	}
	// The next call before the reset is refused outright (429) and keeps
	// the cursor.
	if _, again, err := c.Poll(ctx, ch, mid); classOf(err) != "rate_limited" || again != mid {
		t.Fatalf("before reset: %q %v", again, err)
	}
	clock.Add(16 * time.Minute)
	rest, next, err := c.Poll(ctx, ch, mid)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]bool{}
	for _, k := range append(keys(raws), keys(rest)...) {
		if all[k] {
			t.Fatalf("event %s fetched twice", k)
		}
		all[k] = true
	}
	for _, tw := range fresh {
		if !all[tw.ID] {
			t.Fatalf("mention %s never fetched", tw.ID)
		}
	}
	if next != fresh[249].ID {
		t.Fatalf("final cursor %q, want %s", next, fresh[249].ID)
	}
}

func TestPollErrors(t *testing.T) {
	s, c, ch := emulated(t)
	ctx := context.Background()
	postMentions(s, 2, "x")
	_, cursor, _ := c.Poll(ctx, ch, "")

	s.FailNext(xtest.EndpointMentions, http.StatusServiceUnavailable, "Service Unavailable")
	if _, next, err := c.Poll(ctx, ch, cursor); classOf(err) != "retry" || next != cursor {
		t.Errorf("503: %v (%s), cursor %q", err, classOf(err), next)
	}
	s.FailNext(xtest.EndpointMentions, http.StatusTooManyRequests, "Too Many Requests")
	if _, _, err := c.Poll(ctx, ch, cursor); classOf(err) != "rate_limited" {
		t.Errorf("429: %v", err)
	}
	s.RevokeToken(s.AccessToken)
	if _, _, err := c.Poll(ctx, ch, cursor); classOf(err) != "unauthorized" {
		t.Errorf("revoked token: %v", err)
	}
	if _, _, err := c.Poll(ctx, ch, "not a cursor%%"); classOf(err) != "permanent" {
		t.Errorf("bad cursor: %v", err)
	}
	noUser := s.Channel()
	delete(noUser.Credentials, x.CredUserID)
	if _, _, err := c.Poll(ctx, noUser, ""); classOf(err) != "permanent" {
		t.Errorf("no user id: %v", err)
	}
}

// TestEmulatorMentionsParameters checks the emulator's own validation as X
// documents it (max_results 5–100, ids of digits).
func TestEmulatorMentionsParameters(t *testing.T) {
	s := xtest.New()
	defer s.Close()
	for _, q := range []string{"max_results=1", "max_results=101", "since_id=abc", "pagination_token=zzz"} {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/2/users/"+s.Brand.ID+"/mentions?"+q, nil)
		req.Header.Set("Authorization", "Bearer "+s.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		p := readProblem(t, resp)
		if resp.StatusCode != 400 || p.Type != "https://api.twitter.com/2/problems/invalid-request" || p.Reason() == "" {
			t.Errorf("%s: %d %+v", q, resp.StatusCode, p)
		}
		if resp.Header.Get("x-rate-limit-remaining") == "" {
			t.Errorf("%s: no rate-limit headers", q)
		}
	}
}
