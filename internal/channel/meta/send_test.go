package meta_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/meta"
	"github.com/heed-dev/heed/internal/channel/meta/metatest"
	"github.com/heed-dev/heed/internal/model"
)

var (
	ana = metatest.User{ID: "6945000000000001", Name: "Ana Pereira", Username: "ana.pereira"}
	bo  = metatest.User{ID: "6945000000000002", Name: "Bo Lindqvist", Username: "bo_l"}
)

// appHook plays Heed's webhook endpoint for every Meta channel of one app:
// a GET is the verification handshake, a POST is verified with the app
// secret and offered to each channel whose account the delivery names
// (meta.Accounts); raw events are stored once per channel and key.
type appHook struct {
	srv   *httptest.Server
	chans []model.Channel
	conns map[string]channel.Connector

	mu     sync.Mutex
	seen   map[string]bool
	events []hookEvent
}

type hookEvent struct {
	ChannelType string
	Key         string
	channel.Event
}

func newAppHook(t *testing.T, chans ...model.Channel) *appHook {
	h := &appHook{chans: chans, seen: map[string]bool{}, conns: map[string]channel.Connector{}}
	for _, c := range meta.Connectors(nil) {
		h.conns[c.Type()] = c
	}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *appHook) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		status, ctype, body := h.conns[h.chans[0].Type].(channel.Webhook).Handshake(h.chans[0], r)
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if err := h.conns[h.chans[0].Type].Verify(h.chans[0], r, body); err != nil {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	object, ids, err := meta.Accounts(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ch := range h.chans {
		if !meta.Concerns(ch, object, ids) {
			continue
		}
		wh := h.conns[ch.Type].(channel.Webhook)
		raws, err := wh.Split(ch, body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, raw := range raws {
			if h.seen[ch.Type+"/"+raw.ExternalID] {
				continue
			}
			h.seen[ch.Type+"/"+raw.ExternalID] = true
			ev, err := wh.NormalizeEvent(raw.Payload)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			h.events = append(h.events, hookEvent{ChannelType: ch.Type, Key: raw.ExternalID, Event: ev})
		}
	}
	w.WriteHeader(http.StatusOK)
}

// take returns and forgets the events received so far.
func (h *appHook) take() []hookEvent {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.events
	h.events = nil
	return out
}

func deliver(t *testing.T, s *metatest.Server, h *appHook) []hookEvent {
	t.Helper()
	if status, err := s.DeliverWebhook(h.srv.URL, s.AppSecret); err != nil || (status != 0 && status != 200) {
		t.Fatalf("deliver: %d %v", status, err)
	}
	return h.take()
}

func emulator(t *testing.T) *metatest.Server {
	s := metatest.New()
	t.Cleanup(s.Close)
	return s
}

func TestFacebookConversationFlow(t *testing.T) {
	s := emulator(t)
	fbCh := s.Channel(meta.TypeFacebook, nil)
	h := newAppHook(t, fbCh, s.Channel(meta.TypeMessenger, nil))
	if err := s.Subscribe(h.srv.URL, s.VerifyToken); err != nil {
		t.Fatal(err)
	}
	if err := s.Subscribe(h.srv.URL, "wrong"); err == nil {
		t.Fatal("handshake accepted a wrong verify token")
	}

	post := s.Post("Our summer sale starts today!")
	top := s.Comment(post.ID, ana, "My order never arrived")
	reply := s.Comment(top.ID, ana, "It's order #4411")
	other := s.Comment(post.ID, bo, "Love it")
	visitor := s.VisitorPost(bo, "Your Porto store was closed at 3pm")

	evs := deliver(t, s, h)
	if len(evs) != 4 {
		t.Fatalf("want 3 comments + 1 visitor post (the Page's post dropped), got %d: %+v", len(evs), evs)
	}
	byID := map[string]hookEvent{}
	for _, e := range evs {
		if e.ChannelType != meta.TypeFacebook || !e.Public {
			t.Errorf("feed event on %s public=%v", e.ChannelType, e.Public)
		}
		byID[e.ExternalID] = e
	}
	if byID[top.ID].ThreadID != "comment:"+top.ID || byID[reply.ID].ThreadID != "comment:"+top.ID {
		t.Errorf("a comment and its reply share the top-level comment's thread: %+v / %+v", byID[top.ID], byID[reply.ID])
	}
	if byID[other.ID].ThreadID != "comment:"+other.ID {
		t.Errorf("another customer's comment on the same post is its own conversation: %q", byID[other.ID].ThreadID)
	}
	if byID[visitor.ID].ThreadID != "post:"+visitor.ID || byID[visitor.ID].Author.Name != "Bo Lindqvist" {
		t.Errorf("visitor post: %+v", byID[visitor.ID])
	}

	fb := meta.NewFacebook(nil)
	ctx := context.Background()
	// Public reply: a comment on the thread's root, answering the reply.
	res, err := fb.SendReply(ctx, fbCh, channel.Outbound{MessageID: "m1", ThreadID: "comment:" + top.ID, InReplyTo: reply.ID,
		Text: "Sorry Ana, we are checking #4411 now.", Public: true, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	rs := s.Replies()
	if len(rs) != 1 || rs[0].Parent != top.ID || rs[0].ID != res.ExternalID || rs[0].Platform != "facebook" {
		t.Fatalf("replies %+v, result %+v", rs, res)
	}
	// Its echo (a feed comment from the Page) is not a customer message.
	if evs := deliver(t, s, h); len(evs) != 0 {
		t.Errorf("the Page's own reply came back as %+v", evs)
	}

	// Private reply on the public conversation: references the customer's comment.
	res, err = fb.SendReply(ctx, fbCh, channel.Outbound{MessageID: "m2", ThreadID: "comment:" + top.ID, InReplyTo: reply.ID,
		Text: "Could you send us your email so we can look up the order?", Public: false})
	if err != nil {
		t.Fatal(err)
	}
	prs := s.PrivateReplies()
	if len(prs) != 1 || prs[0].CommentID != reply.ID || prs[0].MessageID != res.ExternalID || prs[0].RecipientID != ana.ID {
		t.Fatalf("private replies %+v", prs)
	}
	// Only one private reply per comment: the platform refuses, permanently.
	_, err = fb.SendReply(ctx, fbCh, channel.Outbound{ThreadID: "comment:" + top.ID, InReplyTo: reply.ID, Text: "again"})
	if !errors.Is(err, channel.ErrPermanent) || errors.Is(err, channel.ErrWindowClosed) {
		t.Errorf("second private reply: %v", err)
	}
	// Without InReplyTo the root comment is answered.
	if _, err := fb.SendReply(ctx, fbCh, channel.Outbound{ThreadID: "comment:" + top.ID, Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	if prs := s.PrivateReplies(); prs[1].CommentID != top.ID {
		t.Errorf("root private reply %+v", prs[1])
	}
	// A visitor post: public reply comments on the post, private reply references the post.
	if _, err := fb.SendReply(ctx, fbCh, channel.Outbound{ThreadID: "post:" + visitor.ID, InReplyTo: visitor.ID, Text: "Sorry Bo!", Public: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := fb.SendReply(ctx, fbCh, channel.Outbound{ThreadID: "post:" + visitor.ID, InReplyTo: visitor.ID, Text: "Which day was it?"}); err != nil {
		t.Fatal(err)
	}
	if rs := s.Replies(); rs[len(rs)-1].Parent != visitor.ID {
		t.Errorf("visitor post reply %+v", rs)
	}
	if prs := s.PrivateReplies(); prs[len(prs)-1].PostID != visitor.ID {
		t.Errorf("visitor post private reply %+v", prs)
	}
	// Private replies expire after 7 days, as the platform's window.
	old := s.Comment(post.ID, bo, "old")
	s.Advance(8 * 24 * time.Hour)
	_, err = fb.SendReply(ctx, fbCh, channel.Outbound{ThreadID: "comment:" + old.ID, InReplyTo: old.ID, Text: "late"})
	if !errors.Is(err, channel.ErrWindowClosed) {
		t.Errorf("private reply after 7 days: %v", err)
	}
	// Every call carried the token as a bearer header and the appsecret_proof.
	for _, r := range s.Requests() {
		if r.Token != s.Token || r.Proof == "" {
			t.Fatalf("request without token or proof: %+v", r)
		}
	}
}

func TestFacebookEditsAndRemovals(t *testing.T) {
	s := emulator(t)
	h := newAppHook(t, s.Channel(meta.TypeFacebook, nil))
	post := s.Post("news")
	c := s.Comment(post.ID, ana, "first")
	vp := s.VisitorPost(bo, "hello")
	deliver(t, s, h)
	s.EditComment(c.ID, "first, edited")
	s.RemoveComment(c.ID)
	s.EditPost(vp.ID, "hello again")
	s.RemovePost(vp.ID)
	evs := deliver(t, s, h)
	if len(evs) != 4 {
		t.Fatalf("got %+v", evs)
	}
	kinds := []string{channel.KindEdit, channel.KindDelete, channel.KindEdit, channel.KindDelete}
	targets := []string{c.ID, c.ID, vp.ID, vp.ID}
	for i, e := range evs {
		if e.Kind != kinds[i] || e.TargetExternalID != targets[i] {
			t.Errorf("event %d: %+v", i, e)
		}
	}
	if evs[0].Text != "first, edited" || evs[0].ThreadID != "comment:"+c.ID {
		t.Errorf("edit %+v", evs[0])
	}
	// A second edit is a new event, not a duplicate of the first.
	s.EditComment(c.ID, "first, edited twice")
	if evs := deliver(t, s, h); len(evs) != 1 || evs[0].Kind != channel.KindEdit {
		t.Errorf("second edit: %+v", evs)
	}
}

func TestMessengerDM(t *testing.T) {
	s := emulator(t)
	msCh := s.Channel(meta.TypeMessenger, nil)
	h := newAppHook(t, s.Channel(meta.TypeFacebook, nil), msCh)
	in := s.Message(ana, "Where is my refund?")
	evs := deliver(t, s, h)
	if len(evs) != 1 {
		t.Fatalf("got %+v", evs)
	}
	e := evs[0]
	if e.ChannelType != meta.TypeMessenger || e.ThreadID != "psid:"+ana.ID || e.Public || e.ExternalID != in.Mid ||
		e.Author.ID != ana.ID || e.Author.Name != "Ana Pereira" || !e.CreatedAt.Equal(in.At) {
		t.Fatalf("messenger event %+v (want the profile's name looked up)", e)
	}
	ms := meta.NewMessenger(nil)
	res, err := ms.SendReply(context.Background(), msCh, channel.Outbound{ThreadID: e.ThreadID, InReplyTo: e.ExternalID, Text: "Hi Ana, it left today."})
	if err != nil {
		t.Fatal(err)
	}
	sent := s.Messages()
	if len(sent) != 1 || sent[0].Recipient != ana.ID || sent[0].MessagingType != "RESPONSE" || sent[0].Tag != "" || sent[0].MessageID != res.ExternalID {
		t.Fatalf("sent %+v", sent)
	}
	if evs := deliver(t, s, h); len(evs) != 0 {
		t.Errorf("echo came back as %+v", evs)
	}
	s.EditMessage(ana, in.Mid, "Where is my refund??", 1)
	if evs := deliver(t, s, h); len(evs) != 1 || evs[0].Kind != channel.KindEdit || evs[0].TargetExternalID != in.Mid {
		t.Errorf("edit %+v", evs)
	}
	if err := ms.Send(context.Background(), msCh, channel.Outbound{ThreadID: "psid:" + ana.ID, Text: strings.Repeat("x", 2001)}); !errors.Is(err, channel.ErrPermanent) {
		t.Errorf("2001 characters: %v", err)
	}
	if len(s.Messages()) != 1 {
		t.Error("an over-long message reached the platform")
	}
}

func TestMessengerWindow(t *testing.T) {
	s := emulator(t)
	ms := meta.NewMessenger(nil)
	ctx := context.Background()
	s.Message(ana, "hi")
	s.SetWindowClosed(ana.ID)
	out := channel.Outbound{ThreadID: "psid:" + ana.ID, Text: "Sorry for the delay"}

	_, err := ms.SendReply(ctx, s.Channel(meta.TypeMessenger, nil), out)
	if !errors.Is(err, channel.ErrWindowClosed) || !errors.Is(err, channel.ErrPermanent) {
		t.Fatalf("want ErrWindowClosed, got %v", err)
	}
	if !strings.Contains(err.Error(), "(#10) This message is sent outside of allowed window") || !strings.Contains(err.Error(), "2018278") {
		t.Errorf("the platform's reason is lost: %v", err)
	}
	if e, ok := meta.IsAPIError(err); !ok || e.Code != 10 || e.Subcode != 2018278 || e.FBTraceID == "" {
		t.Errorf("APIError %+v", e)
	}

	// Settings allow HUMAN_AGENT: the reply goes out tagged (7 days).
	human := s.Channel(meta.TypeMessenger, map[string]any{"human_agent": true})
	if _, err := ms.SendReply(ctx, human, out); err != nil {
		t.Fatal(err)
	}
	sent := s.Messages()
	if len(sent) != 1 || sent[0].MessagingType != "MESSAGE_TAG" || sent[0].Tag != "HUMAN_AGENT" {
		t.Fatalf("sent %+v", sent)
	}
	// Beyond 7 days even HUMAN_AGENT is refused.
	s.Advance(7 * 24 * time.Hour)
	if _, err := ms.SendReply(ctx, human, out); !errors.Is(err, channel.ErrWindowClosed) {
		t.Errorf("after 7 days: %v", err)
	}
	// A new customer message reopens the standard window.
	s.Message(ana, "hello?")
	if _, err := ms.SendReply(ctx, human, out); err != nil {
		t.Fatal(err)
	}
	if last := s.Messages()[len(s.Messages())-1]; last.MessagingType != "RESPONSE" {
		t.Errorf("inside the window the standard type is used: %+v", last)
	}
	// Nobody to message.
	if _, err := ms.SendReply(ctx, human, channel.Outbound{ThreadID: "psid:404", Text: "hi"}); !errors.Is(err, channel.ErrPermanent) {
		t.Errorf("unknown PSID: %v", err)
	}
}

func TestRateLimits(t *testing.T) {
	s := emulator(t)
	fixed := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	ms := meta.NewMessenger(nil)
	ms.Now = func() time.Time { return fixed }
	ch := s.Channel(meta.TypeMessenger, nil)
	s.Message(ana, "hi")
	out := channel.Outbound{ThreadID: "psid:" + ana.ID, Text: "hello"}
	ctx := context.Background()

	for _, code := range []int{4, 17, 32, 613, 80006} {
		s.Throttle(1, code, 7*time.Minute)
		_, err := ms.SendReply(ctx, ch, out)
		rl, ok := channel.IsRateLimited(err)
		if !ok {
			t.Fatalf("code %d: want a RateLimitError, got %v", code, err)
		}
		if !rl.Reset.Equal(fixed.Add(7 * time.Minute)) {
			t.Errorf("code %d: reset %v, want estimated_time_to_regain_access (7 min) after now", code, rl.Reset)
		}
		if errors.Is(err, channel.ErrPermanent) {
			t.Errorf("code %d: a rate limit is not permanent", code)
		}
	}
	// Without an estimate in the headers the default wait applies.
	s.Throttle(1, 4, 0)
	_, err := ms.SendReply(ctx, ch, out)
	if rl, ok := channel.IsRateLimited(err); !ok || !rl.Reset.Equal(fixed.Add(meta.DefaultRateLimitWait)) {
		t.Errorf("default wait: %v", err)
	}
	// HTTP 429 without a Graph code is a rate limit too.
	s.FailNext("/"+s.PageID+"/messages", 429, 0, 0, "Too Many Requests")
	if _, err := ms.SendReply(ctx, ch, out); err == nil {
		t.Fatal("429 passed")
	} else if _, ok := channel.IsRateLimited(err); !ok {
		t.Errorf("429: %v", err)
	}
	// After the throttle the call goes through.
	if _, err := ms.SendReply(ctx, ch, out); err != nil {
		t.Fatal(err)
	}
}

func TestErrorClasses(t *testing.T) {
	s := emulator(t)
	fb := meta.NewFacebook(nil)
	ch := s.Channel(meta.TypeFacebook, nil)
	post := s.Post("p")
	c := s.Comment(post.ID, ana, "hi")
	out := channel.Outbound{ThreadID: "comment:" + c.ID, Text: "hello", Public: true}
	ctx := context.Background()

	// 5xx: retryable, not permanent, not a rate limit.
	s.FailNext("/"+c.ID+"/comments", 500, 2, 0, "An unexpected error has occurred. Please retry your request later.")
	_, err := fb.SendReply(ctx, ch, out)
	if err == nil || errors.Is(err, channel.ErrPermanent) {
		t.Fatalf("5xx must be retryable: %v", err)
	}
	if _, ok := channel.IsRateLimited(err); ok {
		t.Error("5xx is not a rate limit")
	}
	if _, err := fb.SendReply(ctx, ch, out); err != nil {
		t.Fatalf("retry after 5xx: %v", err)
	}
	// Other 4xx: permanent, with the platform's message.
	s.FailNext("", 400, 100, 0, "(#100) Invalid parameter")
	_, err = fb.SendReply(ctx, ch, out)
	if !errors.Is(err, channel.ErrPermanent) || !strings.Contains(err.Error(), "(#100) Invalid parameter") {
		t.Errorf("4xx: %v", err)
	}
	// Revoked token: code 190 → ErrUnauthorized with the message.
	s.RevokeToken()
	_, err = fb.SendReply(ctx, ch, out)
	if !errors.Is(err, channel.ErrUnauthorized) || !errors.Is(err, channel.ErrPermanent) || !strings.Contains(err.Error(), "Error validating access token") {
		t.Errorf("revoked token: %v", err)
	}
	// A wrong token is also 190.
	bad := s.Channel(meta.TypeFacebook, nil)
	bad.Credentials[meta.CredPageToken] = "EAAwrong"
	if err := fb.Like(ctx, bad, c.ID); !errors.Is(err, channel.ErrUnauthorized) {
		t.Errorf("wrong token: %v", err)
	}
	// No token at all: unauthorized before any call.
	none := s.Channel(meta.TypeFacebook, nil)
	delete(none.Credentials, meta.CredPageToken)
	if err := fb.Like(ctx, none, c.ID); !errors.Is(err, channel.ErrUnauthorized) {
		t.Errorf("no token: %v", err)
	}
	// Network failure: retryable.
	down := s.Channel(meta.TypeFacebook, map[string]any{"api_base": "http://127.0.0.1:1/v21.0"})
	if _, err := fb.SendReply(ctx, down, out); err == nil || errors.Is(err, channel.ErrPermanent) {
		t.Errorf("connection refused must be retryable: %v", err)
	}
	// Bad settings: permanent.
	broken := s.Channel(meta.TypeFacebook, map[string]any{"api_base": "ftp://x"})
	if _, err := fb.SendReply(ctx, broken, out); !errors.Is(err, channel.ErrPermanent) {
		t.Errorf("bad api_base: %v", err)
	}
	// Threads the connector does not serve, and over-long text: permanent, no call.
	n := len(s.Requests())
	for _, o := range []channel.Outbound{
		{ThreadID: "psid:1", Text: "x", Public: true},
		{ThreadID: "comment:" + c.ID, Text: strings.Repeat("é", 8001), Public: true},
		{ThreadID: "comment:" + c.ID, Text: strings.Repeat("é", 2001), Public: false},
		{ThreadID: "comment:" + c.ID, Text: "   ", Public: true},
	} {
		if _, err := fb.SendReply(ctx, ch, o); !errors.Is(err, channel.ErrPermanent) {
			t.Errorf("%q: %v", o.ThreadID, err)
		}
	}
	if len(s.Requests()) != n {
		t.Error("a refused reply reached the platform")
	}
}

func TestFacebookModeration(t *testing.T) {
	s := emulator(t)
	fb := meta.NewFacebook(nil)
	ch := s.Channel(meta.TypeFacebook, nil)
	ctx := context.Background()
	post := s.Post("p")
	c1 := s.Comment(post.ID, ana, "spam spam")
	c2 := s.Comment(post.ID, bo, "thanks!")
	vp := s.VisitorPost(bo, "hello")

	if err := fb.Hide(ctx, ch, c1.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := fb.Hide(ctx, ch, vp.ID, true); err != nil {
		t.Fatal(err)
	}
	if got := s.Hidden(); len(got) != 2 {
		t.Fatalf("hidden %v", got)
	}
	if err := fb.Hide(ctx, ch, c1.ID, false); err != nil {
		t.Fatal(err)
	}
	if got := s.Hidden(); len(got) != 1 || got[0] != vp.ID {
		t.Errorf("after unhide %v", got)
	}
	if err := fb.Like(ctx, ch, c2.ID); err != nil {
		t.Fatal(err)
	}
	if got := s.Likes(); len(got) != 1 || got[0] != c2.ID {
		t.Errorf("likes %v", got)
	}
	if err := fb.Delete(ctx, ch, c1.ID); err != nil {
		t.Fatal(err)
	}
	if got := s.Deleted(); len(got) != 1 || got[0] != c1.ID {
		t.Errorf("deleted %v", got)
	}
	// Deleting twice, or something unknown, is permanent.
	if err := fb.Delete(ctx, ch, c1.ID); !errors.Is(err, channel.ErrPermanent) {
		t.Errorf("second delete: %v", err)
	}
	if err := fb.Hide(ctx, ch, "1_404", true); !errors.Is(err, channel.ErrPermanent) {
		t.Errorf("unknown id: %v", err)
	}
	// Heed's derived keys are not object ids.
	if err := fb.Hide(ctx, ch, c2.ID+":remove", true); !errors.Is(err, channel.ErrPermanent) {
		t.Errorf("derived key: %v", err)
	}
	// The hide and the deletion come back as feed events: hide is ignored,
	// the removal is a KindDelete of the comment.
	h := newAppHook(t, ch)
	var del []hookEvent
	for _, e := range deliver(t, s, h) {
		if e.Kind == channel.KindDelete {
			del = append(del, e)
		}
	}
	if len(del) != 1 || del[0].TargetExternalID != c1.ID {
		t.Errorf("removal events %+v", del)
	}
}

func TestInstagram(t *testing.T) {
	s := emulator(t)
	igCh := s.Channel(meta.TypeInstagram, nil)
	h := newAppHook(t, s.Channel(meta.TypeFacebook, nil), igCh)
	ig := meta.NewInstagram(nil)
	ctx := context.Background()

	media := s.IGMedia("New drop")
	top := s.IGComment(media.ID, ana, "Does it come in blue?")
	reply := s.IGComment(top.ID, bo, "+1")
	dm := s.IGMessage(ana, "Hi, my package is late")
	mention := s.IGMention(bo, "@heedemulated your app crashed again")
	caption := s.IGCaptionMention(ana, "Loving my order from @heedemulated")

	evs := deliver(t, s, h)
	if len(evs) != 5 {
		t.Fatalf("got %d: %+v", len(evs), evs)
	}
	byID := map[string]hookEvent{}
	for _, e := range evs {
		if e.ChannelType != meta.TypeInstagram {
			t.Errorf("instagram event on %s", e.ChannelType)
		}
		byID[e.ExternalID] = e
	}
	if byID[top.ID].ThreadID != "igcomment:"+top.ID || byID[reply.ID].ThreadID != "igcomment:"+top.ID || byID[top.ID].Author.Handle != "@ana.pereira" {
		t.Errorf("comments %+v %+v", byID[top.ID], byID[reply.ID])
	}
	d := byID[dm.Mid]
	if d.ThreadID != "igsid:"+ana.ID || d.Public || d.Author.Name != "Ana Pereira" || d.Author.Handle != "@ana.pereira" {
		t.Errorf("dm %+v", d)
	}
	m := byID[mention.ID]
	if m.Text != "@heedemulated your app crashed again" || m.Author.Handle != "@bo_l" || m.ThreadID != "igmention:"+mention.PostID+":"+mention.ID {
		t.Errorf("mention (text fetched from the API) %+v", m)
	}
	if c := byID["media:"+caption.ID]; c.Text != "Loving my order from @heedemulated" || c.ThreadID != "igmention:"+caption.ID {
		t.Errorf("caption mention %+v", c)
	}

	// Public reply on the thread's root comment.
	if _, err := ig.SendReply(ctx, igCh, channel.Outbound{ThreadID: "igcomment:" + top.ID, InReplyTo: reply.ID, Text: "Yes, next week!", Public: true}); err != nil {
		t.Fatal(err)
	}
	if rs := s.Replies(); len(rs) != 1 || rs[0].Parent != top.ID || rs[0].Platform != "instagram" {
		t.Fatalf("replies %+v", rs)
	}
	if evs := deliver(t, s, h); len(evs) != 0 {
		t.Errorf("own reply came back as %+v", evs)
	}
	// Private reply to the customer's comment.
	if _, err := ig.SendReply(ctx, igCh, channel.Outbound{ThreadID: "igcomment:" + top.ID, InReplyTo: reply.ID, Text: "DM us your size"}); err != nil {
		t.Fatal(err)
	}
	if prs := s.PrivateReplies(); len(prs) != 1 || prs[0].CommentID != reply.ID || prs[0].Platform != "instagram" {
		t.Fatalf("private replies %+v", prs)
	}
	// DM inside the window; 1,000 characters at most.
	if _, err := ig.SendReply(ctx, igCh, channel.Outbound{ThreadID: d.ThreadID, Text: "Checking now"}); err != nil {
		t.Fatal(err)
	}
	if sent := s.Messages(); len(sent) != 1 || sent[0].Platform != "instagram" || sent[0].Recipient != ana.ID {
		t.Fatalf("sent %+v", sent)
	}
	if _, err := ig.SendReply(ctx, igCh, channel.Outbound{ThreadID: d.ThreadID, Text: strings.Repeat("a", 1001)}); !errors.Is(err, channel.ErrPermanent) {
		t.Errorf("1001-character DM: %v", err)
	}
	// Outside the window: Instagram's own subcode, same classification.
	s.SetWindowClosed(ana.ID)
	if _, err := ig.SendReply(ctx, igCh, channel.Outbound{ThreadID: d.ThreadID, Text: "late"}); !errors.Is(err, channel.ErrWindowClosed) {
		t.Errorf("closed window: %v", err)
	}
	// Mentions: public reply through /mentions; no private reply.
	if _, err := ig.SendReply(ctx, igCh, channel.Outbound{ThreadID: m.ThreadID, Text: "Sorry! Which version?", Public: true}); err != nil {
		t.Fatal(err)
	}
	if rs := s.Replies(); !rs[len(rs)-1].Mention || rs[len(rs)-1].Parent != mention.ID {
		t.Errorf("mention reply %+v", rs[len(rs)-1])
	}
	if _, err := ig.SendReply(ctx, igCh, channel.Outbound{ThreadID: "igmention:" + caption.ID, Text: "Thank you!", Public: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := ig.SendReply(ctx, igCh, channel.Outbound{ThreadID: m.ThreadID, Text: "psst"}); !errors.Is(err, channel.ErrPermanent) {
		t.Errorf("private reply to a mention: %v", err)
	}
	// Moderation: hide, unhide, delete; no like.
	if err := ig.Hide(ctx, igCh, reply.ID, true); err != nil {
		t.Fatal(err)
	}
	if got := s.Hidden(); len(got) != 1 || got[0] != reply.ID {
		t.Errorf("hidden %v", got)
	}
	if err := ig.Hide(ctx, igCh, reply.ID, false); err != nil || len(s.Hidden()) != 0 {
		t.Errorf("unhide: %v %v", err, s.Hidden())
	}
	if err := ig.Delete(ctx, igCh, reply.ID); err != nil || len(s.Deleted()) != 1 {
		t.Errorf("delete: %v %v", err, s.Deleted())
	}
	if err := ig.Like(ctx, igCh, top.ID); !errors.Is(err, channel.ErrPermanent) {
		t.Errorf("like: %v", err)
	}
	// An unsent DM is a deletion.
	s.IGUnsendMessage(ana, dm.Mid)
	if evs := deliver(t, s, h); len(evs) != 1 || evs[0].Kind != channel.KindDelete || evs[0].TargetExternalID != dm.Mid {
		t.Errorf("unsend %+v", evs)
	}
}

func TestInstagramMentionLookupFails(t *testing.T) {
	s := emulator(t)
	igCh := s.Channel(meta.TypeInstagram, nil)
	h := newAppHook(t, igCh)
	s.IGMention(bo, "hello @heedemulated")
	s.Throttle(1, 80002, time.Minute)
	evs := deliver(t, s, h)
	if len(evs) != 1 || !strings.Contains(evs[0].Text, "could not be fetched") || evs[0].Author.ID == "" {
		t.Fatalf("a mention whose text could not be fetched is kept: %+v", evs)
	}
}

func TestWebhookSignatureRejected(t *testing.T) {
	s := emulator(t)
	h := newAppHook(t, s.Channel(meta.TypeMessenger, nil))
	s.Message(ana, "hi")
	if status, _ := s.DeliverWebhookWrongSignature(h.srv.URL); status != http.StatusUnauthorized {
		t.Errorf("wrong signature answered %d", status)
	}
	if status, _ := s.DeliverWebhookUnsigned(h.srv.URL); status != http.StatusUnauthorized {
		t.Errorf("missing signature answered %d", status)
	}
	if len(h.take()) != 0 || s.Pending() != 1 {
		t.Fatal("a rejected delivery must store nothing and stay queued")
	}
	// Meta retries; the same event delivered twice is stored once.
	if evs := deliver(t, s, h); len(evs) != 1 {
		t.Fatalf("got %+v", evs)
	}
}

func TestFacebookPoll(t *testing.T) {
	s := emulator(t)
	fbCh := s.Channel(meta.TypeFacebook, nil)
	fb := meta.NewFacebook(nil)
	ctx := context.Background()
	post := s.Post("news")
	var want []string
	for i := 0; i < 150; i++ { // more than one page of 100
		want = append(want, s.Comment(post.ID, ana, "comment").ID)
	}
	reply := s.Comment(want[0], bo, "a reply")
	s.Comment(want[0], metatest.User{ID: s.PageID, Name: s.PageName}, "the Page's own reply")
	vp := s.VisitorPost(bo, "visitor post")
	want = append(want, reply.ID, vp.ID)

	raws, next, err := fb.Poll(ctx, fbCh, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range raws {
		got[r.ExternalID] = true
		ev, err := fb.NormalizeEvent(r.Payload)
		if err != nil || ev.Kind != channel.KindMessage {
			t.Fatalf("polled event %s: %v %+v", r.ExternalID, err, ev)
		}
		if r.ExternalID == reply.ID && ev.ThreadID != "comment:"+want[0] {
			t.Errorf("polled reply thread %q", ev.ThreadID)
		}
	}
	for _, id := range want {
		if !got[id] {
			t.Fatalf("poll missed %s (got %d events)", id, len(raws))
		}
	}
	if len(got) != len(want) {
		t.Errorf("poll returned %d events, want %d (the Page's own content excluded)", len(got), len(want))
	}
	// The same content through the webhook has the same keys: stored once.
	h := newAppHook(t, fbCh)
	for _, e := range deliver(t, s, h) {
		if !got[e.Key] {
			t.Errorf("webhook key %s unknown to the poll", e.Key)
		}
	}
	// The next poll returns only what is new (boundary repeats dedupe by key).
	s.Advance(2 * time.Second)
	late := s.Comment(post.ID, ana, "late")
	raws, next2, err := fb.Poll(ctx, fbCh, next)
	if err != nil {
		t.Fatal(err)
	}
	fresh := 0
	for _, r := range raws {
		if !got[r.ExternalID] {
			fresh++
			if r.ExternalID != late.ID {
				t.Errorf("unexpected new event %s", r.ExternalID)
			}
		}
	}
	if fresh != 1 || next2 <= next {
		t.Errorf("second poll: %d new, cursor %s → %s", fresh, next, next2)
	}
	// Rate limits surface as RateLimitError, the cursor unchanged.
	s.Throttle(1, 32, 2*time.Minute)
	if _, c, err := fb.Poll(ctx, fbCh, next2); c != next2 {
		t.Errorf("cursor moved on error: %s", c)
	} else if _, ok := channel.IsRateLimited(err); !ok {
		t.Errorf("poll throttled: %v", err)
	}
	if _, _, err := fb.Poll(ctx, fbCh, "yesterday"); !errors.Is(err, channel.ErrPermanent) {
		t.Errorf("bad cursor: %v", err)
	}
}
