package x_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/x"
	"github.com/heed-dev/heed/internal/channel/x/xtest"
	"github.com/heed-dev/heed/internal/model"
)

func readProblem(t *testing.T, resp *http.Response) x.Problem {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return x.ParseProblem(b)
}

func TestSendPublicThreading(t *testing.T) {
	s, c, ch := emulated(t)
	ctx := context.Background()
	root := s.PostMention(ana, "@heedbrand my parcel", "")
	r1, err := c.SendReply(ctx, ch, channel.Outbound{MessageID: "m1", Public: true, ThreadID: root.ID, InReplyTo: root.ID, Text: "Sorry! Which order?"})
	if err != nil {
		t.Fatal(err)
	}
	follow := s.PostMention(ana, "4411", r1.ExternalID)
	r2, err := c.SendReply(ctx, ch, channel.Outbound{MessageID: "m2", Public: true, ThreadID: root.ID, InReplyTo: follow.ID, Text: "Found it, arriving today"})
	if err != nil {
		t.Fatal(err)
	}
	// Without InReplyTo the reply answers the thread's root.
	r3, err := c.SendReply(ctx, ch, channel.Outbound{MessageID: "m3", Public: true, ThreadID: root.ID, Text: "Anything else?"})
	if err != nil {
		t.Fatal(err)
	}
	posted := s.Tweets()
	if len(posted) != 3 {
		t.Fatalf("posted %+v", posted)
	}
	for i, want := range []struct{ id, inReplyTo string }{{r1.ExternalID, root.ID}, {r2.ExternalID, follow.ID}, {r3.ExternalID, root.ID}} {
		if p := posted[i]; p.ID != want.id || p.InReplyTo != want.inReplyTo || p.ConversationID != root.ID || p.InReplyToUserID != ana.ID {
			t.Errorf("tweet %d = %+v, want id %s in reply to %s in conversation %s", i, p, want.id, want.inReplyTo, root.ID)
		}
	}
	if posted[0].Text != "Sorry! Which order?" {
		t.Errorf("text %q", posted[0].Text)
	}
	// Send (the plain Connector method) delivers the same way.
	if err := c.Send(ctx, ch, channel.Outbound{Public: true, ThreadID: root.ID, InReplyTo: root.ID, Text: "Bye!"}); err != nil || len(s.Tweets()) != 4 {
		t.Fatalf("Send: %v", err)
	}
	if _, err := c.SendReply(ctx, ch, channel.Outbound{Public: true, Text: "no target"}); classOf(err) != "permanent" {
		t.Errorf("no target: %v", err)
	}
	if _, err := c.SendReply(ctx, ch, channel.Outbound{Public: true, InReplyTo: root.ID, Text: "  "}); classOf(err) != "permanent" {
		t.Errorf("empty text: %v", err)
	}
}

func TestSendPrivate(t *testing.T) {
	s, c, ch := emulated(t)
	ctx := context.Background()
	dm := s.SendDM(bruno, "hi, private question")
	res, err := c.SendReply(ctx, ch, channel.Outbound{ThreadID: "dm:" + bruno.ID, InReplyTo: dm.ID, Text: "Sure, go ahead"})
	if err != nil {
		t.Fatal(err)
	}
	// A private answer in a public thread goes to the author of the post.
	root := s.PostMention(ana, "@heedbrand charged twice!", "")
	res2, err := c.SendReply(ctx, ch, channel.Outbound{ThreadID: root.ID, InReplyTo: root.ID, Text: "Let's sort it out here"})
	if err != nil {
		t.Fatal(err)
	}
	sent := s.DMs()
	if len(sent) != 2 {
		t.Fatalf("DMs %+v", sent)
	}
	if sent[0].ID != res.ExternalID || sent[0].RecipientID != bruno.ID || sent[0].Text != "Sure, go ahead" || sent[0].ConversationID != s.Brand.ID+"-"+bruno.ID {
		t.Errorf("DM 1 = %+v (id %s)", sent[0], res.ExternalID)
	}
	if sent[1].ID != res2.ExternalID || sent[1].RecipientID != ana.ID {
		t.Errorf("DM 2 = %+v", sent[1])
	}
	if len(s.Tweets()) != 0 {
		t.Error("a private reply was posted publicly")
	}
	// A customer who does not accept messages: permanent, not "reconnect".
	s.CloseDMs(bruno.ID)
	_, err = c.SendReply(ctx, ch, channel.Outbound{ThreadID: "dm:" + bruno.ID, Text: "hello?"})
	if classOf(err) != "permanent" || !strings.Contains(err.Error(), "You cannot send messages to this user.") {
		t.Errorf("closed DMs: %v (%s)", err, classOf(err))
	}
	for _, bad := range []string{"dm:", "dm:abc", "dm:" + s.Brand.ID} {
		if _, err := c.SendReply(ctx, ch, channel.Outbound{ThreadID: bad, Text: "x"}); classOf(err) != "permanent" {
			t.Errorf("thread %q: %v", bad, err)
		}
	}
}

func TestSendErrorClasses(t *testing.T) {
	s, c, ch := emulated(t)
	ctx := context.Background()
	root := s.PostMention(ana, "@heedbrand hello", "")
	out := channel.Outbound{Public: true, ThreadID: root.ID, InReplyTo: root.ID, Text: "Hi Ana"}
	for _, tc := range []struct {
		status int
		detail string
		class  string
	}{
		{500, "Internal Error", "retry"},
		{503, "Service Unavailable", "retry"},
		{400, "One or more parameters to your request was invalid.", "permanent"},
		{404, "Could not find tweet", "permanent"},
		{401, "Unauthorized", "unauthorized"},
		{403, "You are not permitted to perform this action.", "unauthorized"},
		{403, "You are not allowed to create a Tweet with duplicate content.", "permanent"},
	} {
		s.FailNext(xtest.EndpointCreateTweet, tc.status, tc.detail)
		_, err := c.SendReply(ctx, ch, out)
		if classOf(err) != tc.class {
			t.Errorf("%d %q: %v is %s, want %s", tc.status, tc.detail, err, classOf(err), tc.class)
		}
		if err == nil || !strings.Contains(err.Error(), tc.detail) {
			t.Errorf("%d: %v lacks the platform's detail %q", tc.status, err, tc.detail)
		}
		if tc.class == "unauthorized" && !errors.Is(err, channel.ErrPermanent) {
			t.Errorf("ErrUnauthorized must wrap ErrPermanent: %v", err)
		}
	}
	if len(s.Tweets()) != 0 {
		t.Fatal("a failed send posted")
	}
	// The real duplicate: the same reply twice (a retry after a lost answer).
	if _, err := c.SendReply(ctx, ch, out); err != nil {
		t.Fatal(err)
	}
	_, err := c.SendReply(ctx, ch, out)
	if classOf(err) != "permanent" || !strings.Contains(err.Error(), "duplicate content") {
		t.Errorf("duplicate: %v (%s)", err, classOf(err))
	}
	// A reply to a deleted post.
	gone := s.PostMention(bruno, "@heedbrand oops", "")
	s.DeleteTweet(gone.ID)
	if _, err := c.SendReply(ctx, ch, channel.Outbound{Public: true, InReplyTo: gone.ID, Text: "Hi Bruno"}); classOf(err) != "permanent" {
		t.Errorf("reply to deleted: %v", err)
	}
	// A revoked token, and none at all.
	s.RevokeToken(s.AccessToken)
	if _, err := c.SendReply(ctx, ch, channel.Outbound{Public: true, InReplyTo: root.ID, Text: "again"}); classOf(err) != "unauthorized" {
		t.Errorf("revoked: %v", err)
	}
	noToken := s.Channel()
	delete(noToken.Credentials, x.CredAccessToken)
	if _, err := c.SendReply(ctx, noToken, out); classOf(err) != "unauthorized" {
		t.Errorf("no token: %v", err)
	}
	// Unreachable platform: retried.
	down := s.Channel()
	down.Settings = json.RawMessage(`{"api_base":"http://127.0.0.1:1"}`)
	if _, err := c.SendReply(ctx, down, out); classOf(err) != "retry" {
		t.Errorf("unreachable: %v", err)
	}
	bad := s.Channel()
	bad.Settings = json.RawMessage(`{"api_base":"ftp://x"}`)
	if _, err := c.SendReply(ctx, bad, out); classOf(err) != "permanent" {
		t.Errorf("bad api_base: %v", err)
	}
}

func TestSendRateLimited(t *testing.T) {
	s, c, ch := emulated(t)
	ctx := context.Background()
	clock := &fixedClock{t: time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)}
	s.SetClock(clock.Now)
	root := s.PostMention(ana, "@heedbrand hi", "")
	reset := clock.Now().Add(11 * time.Minute)
	s.RateLimit(xtest.EndpointCreateTweet, 0, reset)
	_, err := c.SendReply(ctx, ch, channel.Outbound{Public: true, InReplyTo: root.ID, Text: "Hello"})
	rl, ok := channel.IsRateLimited(err)
	if !ok || !rl.Reset.Equal(reset) {
		t.Fatalf("err %v, want rate limit until %s", err, reset)
	}
	if errors.Is(err, channel.ErrPermanent) {
		t.Error("a rate limit must not be permanent")
	}
	// The window resets: the send goes through.
	clock.Add(12 * time.Minute)
	if _, err := c.SendReply(ctx, ch, channel.Outbound{Public: true, InReplyTo: root.ID, Text: "Hello"}); err != nil {
		t.Fatal(err)
	}
	// A 429 for the DM endpoint through FailNext carries the window's reset.
	s.FailNext(xtest.EndpointSendDM, http.StatusTooManyRequests, "Too Many Requests")
	_, err = c.SendReply(ctx, ch, channel.Outbound{ThreadID: "dm:" + ana.ID, Text: "hi"})
	if rl, ok := channel.IsRateLimited(err); !ok || rl.Reset.Before(clock.Now()) {
		t.Fatalf("DM 429: %v", err)
	}
}

func TestSendRateLimitWithoutHeaders(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	srv := newStatic(t, http.StatusTooManyRequests, `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`, nil)
	ch := docChannel()
	ch.Settings = json.RawMessage(`{"api_base":"` + srv + `"}`)
	ch.Credentials[x.CredAccessToken] = "tok"
	c := x.New(x.Options{Now: func() time.Time { return now }})
	_, err := c.SendReply(context.Background(), ch, channel.Outbound{Public: true, InReplyTo: "1", Text: "x"})
	if rl, ok := channel.IsRateLimited(err); !ok || !rl.Reset.Equal(now.Add(15*time.Minute)) {
		t.Fatalf("no reset header: %v", err)
	}
	// A daily cap: the 24-hour reset wins over the 15-minute one.
	day := now.Add(20 * time.Hour).Unix()
	srv = newStatic(t, http.StatusTooManyRequests, `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`, map[string]string{
		"x-rate-limit-remaining": "99", "x-rate-limit-reset": "1767226500",
		"x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": itoa(day),
	})
	ch.Settings = json.RawMessage(`{"api_base":"` + srv + `"}`)
	_, err = c.SendReply(context.Background(), ch, channel.Outbound{Public: true, InReplyTo: "1", Text: "x"})
	if rl, ok := channel.IsRateLimited(err); !ok || rl.Reset.Unix() != day {
		t.Fatalf("daily cap: %v", err)
	}
}

func TestModeration(t *testing.T) {
	s, c, ch := emulated(t)
	ctx := context.Background()
	announcement := s.PostAsBrand("Our app is down, we're on it")
	complaint := s.PostMention(ana, "still down?!", announcement.ID)
	mention := s.PostMention(bruno, "@heedbrand love you", "")

	if err := c.Like(ctx, ch, mention.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.Like(ctx, ch, mention.ID); err != nil { // liking twice is fine
		t.Fatal(err)
	}
	if got := s.Likes(); len(got) != 1 || got[0] != mention.ID {
		t.Errorf("likes %v", got)
	}

	if err := c.Hide(ctx, ch, complaint.ID, true); err != nil {
		t.Fatal(err)
	}
	if got := s.Hidden(); len(got) != 1 || got[0] != complaint.ID {
		t.Errorf("hidden %v", got)
	}
	if err := c.Hide(ctx, ch, complaint.ID, false); err != nil || len(s.Hidden()) != 0 {
		t.Errorf("unhide: %v %v", err, s.Hidden())
	}
	// X hides only replies in conversations the brand started.
	if err := c.Hide(ctx, ch, mention.ID, true); classOf(err) != "permanent" {
		t.Errorf("hide a top-level mention: %v (%s)", err, classOf(err))
	}

	// Delete: our own reply yes, a customer's post never.
	res, err := c.SendReply(ctx, ch, channel.Outbound{Public: true, InReplyTo: mention.ID, Text: "Thanks Bruno!"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, ch, res.ExternalID); err != nil {
		t.Fatal(err)
	}
	if tw, _ := s.Tweet(res.ExternalID); !tw.Deleted {
		t.Error("own reply not deleted")
	}
	before := len(requestsMatching(s, "DELETE "))
	err = c.Delete(ctx, ch, mention.ID)
	if classOf(err) != "permanent" || !strings.Contains(err.Error(), "customer") {
		t.Errorf("delete a customer's post: %v", err)
	}
	if len(requestsMatching(s, "DELETE ")) != before {
		t.Error("a DELETE was sent for a customer's post")
	}
	if tw, _ := s.Tweet(mention.ID); tw.Deleted {
		t.Error("customer's post deleted")
	}
	if err := c.Delete(ctx, ch, res.ExternalID); classOf(err) != "permanent" {
		t.Errorf("delete twice: %v", err)
	}
	for _, err := range []error{c.Like(ctx, ch, "abc"), c.Hide(ctx, ch, "", true), c.Delete(ctx, ch, "1x")} {
		if classOf(err) != "permanent" {
			t.Errorf("bad id: %v", err)
		}
	}
	s.FailNext(xtest.EndpointLike, 503, "Service Unavailable")
	if err := c.Like(ctx, ch, mention.ID); classOf(err) != "retry" {
		t.Errorf("like 503: %v", err)
	}
}

func TestCapabilities(t *testing.T) {
	c := x.New(x.Options{})
	caps := c.Capabilities()
	if !caps.PublicReply || !caps.PrivateMessage || !caps.Hide || !caps.Like || caps.Delete || caps.MaxLength != 280 {
		t.Fatalf("capabilities %+v", caps)
	}
	if c.Type() != "x" || c.Network() != "x" {
		t.Fatal("type/network")
	}
	if got := caps.DMLink(docChannel()); got != "https://x.com/messages/compose?recipient_id=2244994945" {
		t.Errorf("DMLink = %q", got)
	}
	if got := caps.DMLink(model.Channel{}); got != "" {
		t.Errorf("DMLink without user id = %q", got)
	}
}

// newStatic serves one fixed answer; it returns the base URL.
func newStatic(t *testing.T, status int, body string, headers map[string]string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
