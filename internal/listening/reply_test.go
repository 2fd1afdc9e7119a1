package listening_test

import (
	"context"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/channel/x/xtest"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/listen/source"
)

// TestReplyToListenedPost: a listened X post opened as a conversation is
// answered in the inbox, and the reply goes out from the workspace's own X
// account as a reply to that post (the X emulator records it). A listened
// Bluesky post, with no Bluesky account connected, fails with the reason.
func TestReplyToListenedPost(t *testing.T) {
	emu := xtest.New()
	t.Cleanup(emu.Close)
	n := apptest.Start(t, db.SQLite)
	ref := emu.Channel()
	if code := apiCall(t, n, "POST", "/api/v1/channels", map[string]any{"type": "x", "name": "@" + emu.Brand.Username,
		"settings": map[string]any{"api_base": emu.URL(), "no_poll": true}, "credentials": ref.Credentials}, nil); code != 201 {
		t.Fatalf("create X channel: %d", code)
	}
	if code := apiCall(t, n, "POST", "/api/v1/listening/rules", map[string]any{"name": "Acme", "query": "acme", "action": "conversation"}, nil); code != 201 {
		t.Fatalf("create rule: %d", code)
	}
	// The customer's post on X (the emulator needs it to accept a reply to it).
	tw := emu.PostMention(xtest.User{ID: "9001", Username: "ana_d", Name: "Ana Diaz"}, "acme support never answers", "")
	ctx := context.Background()
	for _, p := range []source.Post{
		{Network: "x", ID: tw.ID, Text: "acme support never answers", Author: "ana_d", AuthorID: "9001", CreatedAt: time.Now()},
		{Network: "bluesky", ID: "at://did:plc:abc/app.bsky.feed.post/3k1", Text: "acme on bluesky", Author: "ana.bsky.social", AuthorID: "did:plc:abc", CreatedAt: time.Now()},
	} {
		if _, err := n.App.Listening.HandlePost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	convOf := func(postID string) string {
		var id string
		apptest.Eventually(t, 10*time.Second, "the conversation of "+postID, func() bool {
			for _, m := range mentions(t, n, "") {
				if m.PostID == postID {
					id = m.ConversationID
				}
			}
			return id != ""
		})
		return id
	}
	type message struct {
		Direction      string `json:"direction"`
		Text           string `json:"text"`
		DeliveryStatus string `json:"delivery_status"`
		DeliveryError  string `json:"delivery_error"`
	}
	reply := func(conv, text string) message {
		if code := apiCall(t, n, "POST", "/api/v1/conversations/"+conv+"/messages", map[string]any{"text": text}, nil); code != 201 && code != 202 {
			t.Fatalf("reply: %d", code)
		}
		var out message
		apptest.Eventually(t, 20*time.Second, "the reply's delivery", func() bool {
			var c struct{ Messages []message }
			apiCall(t, n, "GET", "/api/v1/conversations/"+conv, nil, &c)
			for _, m := range c.Messages {
				if m.Text == text && m.DeliveryStatus != "queued" && m.DeliveryStatus != "" {
					out = m
					return true
				}
			}
			return false
		})
		return out
	}
	xConv := convOf(tw.ID)
	if m := reply(xConv, "Sorry Ana, we are on it: what is your order number?"); m.DeliveryStatus != "sent" {
		t.Fatalf("X reply: %+v", m)
	}
	var answered bool
	for _, bt := range emu.Tweets() {
		if bt.InReplyTo == tw.ID && bt.Text == "Sorry Ana, we are on it: what is your order number?" {
			answered = true
		}
	}
	if !answered {
		t.Fatalf("the emulator has no reply to %s: %+v", tw.ID, emu.Tweets())
	}
	bsConv := convOf("at://did:plc:abc/app.bsky.feed.post/3k1")
	if m := reply(bsConv, "Hello from the brand"); m.DeliveryStatus != "failed" || m.DeliveryError == "" {
		t.Fatalf("Bluesky reply without an account: %+v", m)
	}
}
