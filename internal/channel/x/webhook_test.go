package x_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/x"
	"github.com/heed-dev/heed/internal/channel/x/xtest"
	"github.com/heed-dev/heed/internal/model"
)

func TestVerify(t *testing.T) {
	c := x.New(x.Options{})
	ch := docChannel()
	body := fixture(t, "aaa_mention.json")
	good := x.Sign("doc-secret", body)
	if xtest.Sign("doc-secret", body) != good {
		t.Fatal("connector and emulator sign differently")
	}
	cases := []struct {
		name, header string
		body         []byte
		ok           bool
	}{
		{"good", good, body, true},
		{"good, spaces around", "  " + good + " ", body, true},
		{"missing", "", body, false},
		{"other secret", x.Sign("other", body), body, false},
		{"other body", good, append(bytes.Clone(body), ' '), false},
		{"no prefix", strings.TrimPrefix(good, "sha256="), body, false},
		{"hex instead of base64", "sha256=" + strings.Repeat("ab", 32), body, false},
		{"truncated digest", good[:len(good)-8], body, false},
		{"sha1 prefix", "sha1=" + strings.TrimPrefix(good, "sha256="), body, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/hooks/ch", bytes.NewReader(tc.body))
			if tc.header != "" {
				r.Header.Set("x-twitter-webhooks-signature", tc.header)
			}
			err := c.Verify(ch, r, tc.body)
			if tc.ok && err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if !tc.ok && !errors.Is(err, channel.ErrBadSignature) {
				t.Fatalf("accepted or wrong error: %v", err)
			}
		})
	}
	t.Run("channel without consumer secret", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/hooks/ch", bytes.NewReader(body))
		r.Header.Set(x.SignatureHeader, x.Sign("", body))
		if err := c.Verify(model.Channel{ID: "c"}, r, body); !errors.Is(err, channel.ErrBadSignature) {
			t.Fatalf("Verify without secret = %v", err)
		}
	})
}

func TestHandshake(t *testing.T) {
	s, c, ch := emulated(t)
	h := newHooks(t, c, ch)
	if err := s.CRC(h.URL(), s.ConsumerSecret); err != nil {
		t.Fatalf("right secret: %v", err)
	}
	// A channel whose consumer secret is not the app's fails X's check.
	wrong := ch
	wrong.Credentials = map[string]string{x.CredConsumerSecret: "not-the-app-secret"}
	if err := s.CRC(newHooks(t, c, wrong).URL(), s.ConsumerSecret); err == nil {
		t.Fatal("CRC passed with the wrong consumer secret")
	}
	// No crc_token: 400; no secret: 500.
	status, _, _ := c.Handshake(ch, httptest.NewRequest(http.MethodGet, "/hooks/ch", nil))
	if status != http.StatusBadRequest {
		t.Errorf("no crc_token: %d", status)
	}
	status, _, _ = c.Handshake(model.Channel{}, httptest.NewRequest(http.MethodGet, "/hooks/ch?crc_token=abc", nil))
	if status != http.StatusInternalServerError {
		t.Errorf("no secret: %d", status)
	}
}

// TestWebhookConversation drives a whole public conversation and a DM
// through the emulator's signed deliveries.
func TestWebhookConversation(t *testing.T) {
	s, c, ch := emulated(t)
	h := newHooks(t, c, ch)
	ctx := context.Background()

	// A mention, Heed's reply, the customer's follow-up to the reply, and a
	// second customer joining the thread.
	root := s.PostMention(ana, "@heedbrand my parcel is lost", "")
	res, err := c.SendReply(ctx, ch, channel.Outbound{Public: true, ThreadID: root.ID, InReplyTo: root.ID, Text: "Sorry Ana! Which order?"})
	if err != nil {
		t.Fatal(err)
	}
	follow := s.PostMention(ana, "order 4411", res.ExternalID)
	other := s.PostMention(bruno, "same here!", follow.ID)
	dm := s.SendDM(bruno, "here is my address: …")
	if err := s.DeliverWebhook(h.URL(), s.ConsumerSecret); err != nil {
		t.Fatal(err)
	}
	got := h.events()
	type row struct{ key, thread, author string }
	var rows []row
	for _, g := range got {
		if g.Error != "" {
			t.Fatalf("%s: %s", g.Key, g.Error)
		}
		rows = append(rows, row{g.Key, g.Event.ThreadID, g.Event.Author.Handle})
	}
	want := []row{
		{root.ID, root.ID, "@anasouza"},
		{follow.ID, root.ID, "@anasouza"}, // reply to our reply: same conversation
		{other.ID, root.ID, "@bruno"},     // reply to a reply: same conversation
		{dm.ID, "dm:" + bruno.ID, "@bruno"},
	}
	if len(rows) != len(want) {
		t.Fatalf("stored %v, want %v (our own reply must be left out)", rows, want)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("event %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
	if ev := got[2].Event; !ev.Author.Verified || ev.Author.Followers != 250000 || !ev.Public {
		t.Errorf("author/public of %+v", ev)
	}
	if ev := got[3].Event; ev.Public || ev.Text != "here is my address: …" {
		t.Errorf("DM event %+v", ev)
	}
	if s.Pending() != 0 {
		t.Errorf("%d deliveries pending", s.Pending())
	}

	// Heed's DM reply is echoed by X and left out too.
	if _, err := c.SendReply(ctx, ch, channel.Outbound{ThreadID: "dm:" + bruno.ID, Text: "Thanks, on it"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeliverWebhook(h.URL(), s.ConsumerSecret); err != nil {
		t.Fatal(err)
	}
	if n := len(h.events()); n != 4 {
		t.Errorf("our DM echo was stored: %d events", n)
	}
}

// TestWebhookLookupResolvesConversation: a reply whose parent Heed never saw
// (the brand answered on x.com) is placed by looking its conversation_id up.
func TestWebhookLookupResolvesConversation(t *testing.T) {
	s, _, ch := emulated(t)
	root := s.PostMention(ana, "hello @heedbrand", "")
	// Another connector (another node) posted the reply: this one has no
	// memory of it.
	res, err := x.New(x.Options{}).SendReply(context.Background(), ch, channel.Outbound{Public: true, InReplyTo: root.ID, Text: "Hi!"})
	if err != nil {
		t.Fatal(err)
	}
	reply := s.PostMention(ana, "thanks", res.ExternalID)
	c := x.New(x.Options{})
	h := newHooks(t, c, ch)
	if err := s.DeliverWebhook(h.URL(), s.ConsumerSecret); err != nil {
		t.Fatal(err)
	}
	got := h.events()
	if len(got) != 2 || got[1].Key != reply.ID || got[1].Event.ThreadID != root.ID {
		t.Fatalf("events %+v, want the reply in thread %s", got, root.ID)
	}
	var lookups int
	for _, r := range s.Requests() {
		if strings.HasPrefix(r, "GET /2/tweets?") {
			lookups++
		}
	}
	if lookups != 1 {
		t.Errorf("%d conversation lookups, want 1", lookups)
	}
}

func TestWebhookSignatureRefused(t *testing.T) {
	s, c, ch := emulated(t)
	h := newHooks(t, c, ch)
	s.PostMention(ana, "@heedbrand hi", "")
	if err := s.DeliverWebhook(h.URL(), "wrong-secret"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("wrong signature delivered: %v", err)
	}
	if err := s.DeliverWebhookUnsigned(h.URL()); err == nil {
		t.Fatal("unsigned delivery accepted")
	}
	if s.Pending() != 1 || len(h.events()) != 0 {
		t.Fatalf("pending %d, stored %d", s.Pending(), len(h.events()))
	}
	if err := s.DeliverWebhook(h.URL(), s.ConsumerSecret); err != nil || len(h.events()) != 1 {
		t.Fatalf("redelivery: %v, %d stored", err, len(h.events()))
	}
}

func TestWebhookDeleteAndFavorite(t *testing.T) {
	s, c, ch := emulated(t)
	h := newHooks(t, c, ch)
	ctx := context.Background()
	m := s.PostMention(ana, "@heedbrand you rock", "")
	if err := c.Like(ctx, ch, m.ID); err != nil {
		t.Fatal(err)
	}
	s.DeleteTweet(m.ID)
	if err := s.DeliverWebhook(h.URL(), s.ConsumerSecret); err != nil {
		t.Fatal(err)
	}
	got := h.events()
	if len(got) != 3 {
		t.Fatalf("events %+v", got)
	}
	if e := got[1].Event; e.Kind != channel.KindEngagement || e.TargetExternalID != m.ID || e.Likes != 1 {
		t.Errorf("favorite → %+v", e)
	}
	if e := got[2]; e.Key != "delete:"+m.ID || e.Event.Kind != channel.KindDelete || e.Event.TargetExternalID != m.ID {
		t.Errorf("delete → %+v", e)
	}
	// Normalize (messages only) refuses the non-message events.
	if _, err := c.Normalize(h.raw[got[2].Key]); err == nil {
		t.Error("Normalize accepted a deletion")
	}
	if msg, err := c.Normalize(h.raw[m.ID]); err != nil || msg.Text != "@heedbrand you rock" {
		t.Errorf("Normalize(mention) = %+v, %v", msg, err)
	}
}

func TestSplitEdgeCases(t *testing.T) {
	c := x.New(x.Options{})
	ch := docChannel()
	for _, tc := range []struct {
		name, body string
		n          int
		err        bool
	}{
		{"malformed", `{"for_user_id":`, 0, true},
		{"not an object", `[]`, 0, true},
		{"nothing for heed", `{"for_user_id":"2244994945","follow_events":[{"type":"follow"}]}`, 0, false},
		{"typing indicator", `{"for_user_id":"2244994945","direct_message_indicate_typing_events":[{}]}`, 0, false},
		{"another account", `{"for_user_id":"1","tweet_create_events":[{"id_str":"5","text":"x","user":{"id_str":"7"}}]}`, 0, false},
		{"no for_user_id uses the channel's", `{"tweet_create_events":[{"id_str":"5","text":"x","user":{"id_str":"7"}}]}`, 1, false},
		{"tweet without id", `{"for_user_id":"2244994945","tweet_create_events":[{"text":"x","user":{"id_str":"7"}}]}`, 0, false},
		{"non-numeric id", `{"for_user_id":"2244994945","tweet_create_events":[{"id_str":"abc","text":"x","user":{"id_str":"7"}}]}`, 0, false},
		{"own tweet", `{"for_user_id":"2244994945","tweet_create_events":[{"id_str":"5","text":"x","user":{"id_str":"2244994945"}}]}`, 0, false},
		{"own DM", `{"for_user_id":"2244994945","direct_message_events":[{"type":"message_create","id":"9","message_create":{"sender_id":"2244994945","target":{"recipient_id":"7"},"message_data":{"text":"x"}}}]}`, 0, false},
		{"malformed tweet", `{"for_user_id":"2244994945","tweet_create_events":[7]}`, 0, true},
		{"numeric ids", `{"for_user_id":"2244994945","direct_message_events":[{"type":"message_create","id":9,"message_create":{"sender_id":7,"target":{"recipient_id":2244994945},"message_data":{"text":"x"}}}]}`, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raws, err := c.Split(ch, []byte(tc.body))
			if (err != nil) != tc.err || len(raws) != tc.n {
				t.Fatalf("Split = %d events, %v", len(raws), err)
			}
			for _, r := range raws {
				if _, err := c.NormalizeEvent(r.Payload); err != nil {
					t.Errorf("kept an event NormalizeEvent refuses: %v", err)
				}
			}
		})
	}
	if _, err := c.Split(model.Channel{}, []byte(`{"tweet_create_events":[]}`)); err == nil {
		t.Error("no for_user_id and no channel user_id accepted")
	}
}

func TestNormalizeEventErrors(t *testing.T) {
	c := x.New(x.Options{})
	for _, tc := range []struct {
		name, body, field string
	}{
		{"two events", `{"for_user_id":"1","tweet_create_events":[{"id_str":"5","user":{"id_str":"7"}},{"id_str":"6","user":{"id_str":"7"}}]}`, "body"},
		{"no event", `{"for_user_id":"1"}`, "body"},
		{"no author", `{"tweet_create_events":[{"id_str":"5","text":"x"}]}`, "tweet_create_events.user.id_str"},
		{"dm not message_create", `{"direct_message_events":[{"type":"other","id":"1"}]}`, "direct_message_events.type"},
		{"v2 without author", `{"data":{"id":"5","text":"x"}}`, "data.author_id"},
		{"retweet", `{"data":{"id":"5","text":"RT","author_id":"7","referenced_tweets":[{"type":"retweeted","id":"4"}]}}`, "data.referenced_tweets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.NormalizeEvent([]byte(tc.body))
			var fe *channel.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("error %v, want field %s", err, tc.field)
			}
		})
	}
	// Invalid UTF-8 is replaced by the JSON decoder, never passed on.
	ev, err := c.NormalizeEvent([]byte("{\"tweet_create_events\":[{\"id_str\":\"5\",\"text\":\"a\xffb\",\"user\":{\"id_str\":\"7\"}}]}"))
	if err != nil || ev.Text != "a\uFFFDb" {
		t.Errorf("invalid UTF-8: %q, %v", ev.Text, err)
	}
	_, err = c.NormalizeEvent([]byte(`{"for_user_id":"7","tweet_create_events":[{"id_str":"5","text":"x","user":{"id_str":"7"}}]}`))
	if !errors.Is(err, x.ErrOwnEvent) {
		t.Errorf("own tweet: %v", err)
	}
}
