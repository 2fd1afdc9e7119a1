package connectortest

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/channel/meta/metatest"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
)

func TestMetaEndToEnd(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) { metaEndToEnd(t, engine) })
	}
}

func metaEndToEnd(t *testing.T, engine db.Engine) {
	emu := metatest.New()
	t.Cleanup(emu.Close)
	n := apptest.Start(t, engine)
	c := api{t: t, base: n.URL, token: n.Token}
	creds := emu.Credentials()
	settings := map[string]any{"api_base": emu.APIBase(), "no_poll": true}
	_, fb := c.do("POST", "/api/v1/channels", map[string]any{"type": "facebook", "name": "Acme Page", "settings": settings, "credentials": creds})
	_, ms := c.do("POST", "/api/v1/channels", map[string]any{"type": "messenger", "name": "Acme Messenger", "settings": settings, "credentials": creds})
	if fb["id"] == nil || ms["id"] == nil {
		t.Fatalf("channels: %v %v", fb, ms)
	}
	hook := n.URL + "/hooks/" + fb["id"].(string)

	// Webhook verification: the right token is echoed, a wrong one refused.
	if err := emu.Subscribe(hook, creds["verify_token"]); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	res, err := c.raw("GET", "/hooks/"+fb["id"].(string)+"?"+url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"wrong"}, "hub.challenge": {"42"}}.Encode())
	if err != nil || res == 200 {
		t.Fatalf("wrong verify token answered %d (%v)", res, err)
	}

	post := emu.Post("Service update: some orders are delayed this week.")
	cust := metatest.User{ID: "7001", Name: "Ana Diaz"}
	comment := emu.Comment(post.ID, cust, "My order is late again, this is terrible")
	dmUser := metatest.User{ID: "psid-7002", Name: "Tom Hughes"}
	emu.Message(dmUser, "Hi, I need help with my account")

	if status, _ := emu.DeliverWebhookWrongSignature(hook); status != 401 {
		t.Fatalf("wrong signature answered %d, want 401", status)
	}
	if status, err := emu.DeliverWebhook(hook, creds["app_secret"]); err != nil || status != 200 {
		t.Fatalf("deliver: %d %v", status, err)
	}
	pub := c.conversationByThread("comment:" + comment.ID)
	priv := c.conversationByThread("psid:" + dmUser.ID)
	if pub["channel_type"] != "facebook" || pub["public"] != true || priv["channel_type"] != "messenger" || priv["public"] != false {
		t.Fatalf("kinds: %v/%v %v/%v", pub["channel_type"], pub["public"], priv["channel_type"], priv["public"])
	}

	// Public reply under the comment, a private reply to it, and a Messenger answer.
	_, r1 := c.do("POST", "/api/v1/conversations/"+pub["id"].(string)+"/messages", map[string]any{"text": "Sorry Ana, we're on it"})
	_, r2 := c.do("POST", "/api/v1/conversations/"+pub["id"].(string)+"/messages", map[string]any{"text": "Could you send us your order number?", "private": true})
	_, r3 := c.do("POST", "/api/v1/conversations/"+priv["id"].(string)+"/messages", map[string]any{"text": "Happy to help, Tom"})
	apptest.Eventually(t, 20*time.Second, "three replies sent", func() bool {
		a, _ := c.delivery(pub["id"].(string), r1["id"].(string))
		b, _ := c.delivery(pub["id"].(string), r2["id"].(string))
		d, _ := c.delivery(priv["id"].(string), r3["id"].(string))
		return a == "sent" && b == "sent" && d == "sent"
	})
	if rs := emu.Replies(); len(rs) != 1 || rs[0].Parent != comment.ID || !strings.Contains(rs[0].Text, "on it") {
		t.Fatalf("public replies %+v", rs)
	}
	if ps := emu.PrivateReplies(); len(ps) != 1 || ps[0].CommentID != comment.ID {
		t.Fatalf("private replies %+v", ps)
	}
	found := false
	for _, m := range emu.Messages() {
		found = found || (strings.Contains(fmt.Sprint(m), dmUser.ID) && strings.Contains(fmt.Sprint(m), "Happy to help"))
	}
	if !found {
		t.Fatalf("messenger messages %+v", emu.Messages())
	}

	// Hide the comment on the Page.
	in := c.messages(pub["id"].(string))[0]
	if status, out := c.do("POST", "/api/v1/messages/"+in["id"].(string)+"/hide", nil); status != 200 || out["hidden"] != true {
		t.Fatalf("hide: %d %v", status, out)
	}
	if h := emu.Hidden(); len(h) != 1 || h[0] != comment.ID {
		t.Fatalf("hidden %v", h)
	}

	// Edits and removals upstream show in the thread.
	emu.EditComment(comment.ID, "My order is late again (edited)")
	emu.DeliverWebhook(hook, creds["app_secret"])
	apptest.Eventually(t, 15*time.Second, "the edit", func() bool {
		m := c.messages(pub["id"].(string))[0]
		return m["edited_at"] != nil && strings.Contains(m["text"].(string), "(edited)")
	})
	emu.RemoveComment(comment.ID)
	emu.DeliverWebhook(hook, creds["app_secret"])
	apptest.Eventually(t, 15*time.Second, "the removal", func() bool { return c.messages(pub["id"].(string))[0]["deleted_at"] != nil })

	// Outside the 24-hour window a Messenger message fails with Meta's reason.
	emu.SetWindowClosed(dmUser.ID)
	_, late := c.do("POST", "/api/v1/conversations/"+priv["id"].(string)+"/messages", map[string]any{"text": "Following up"})
	apptest.Eventually(t, 20*time.Second, "the refused message", func() bool {
		s, _ := c.delivery(priv["id"].(string), late["id"].(string))
		return s == "failed"
	})
	if _, reason := c.delivery(priv["id"].(string), late["id"].(string)); !strings.Contains(reason, "window") {
		t.Fatalf("reason %q does not explain the window", reason)
	}
}

func TestInstagramEndToEnd(t *testing.T) {
	emu := metatest.New()
	t.Cleanup(emu.Close)
	n := apptest.Start(t, db.SQLite)
	c := api{t: t, base: n.URL, token: n.Token}
	creds := emu.Credentials()
	_, ig := c.do("POST", "/api/v1/channels", map[string]any{"type": "instagram", "name": "@acme", "settings": map[string]any{"api_base": emu.APIBase(), "no_poll": true}, "credentials": creds})
	hook := n.URL + "/hooks/" + ig["id"].(string)
	media := emu.IGMedia("New collection out now")
	cust := metatest.User{ID: "ig-301", Name: "Mia Wong", Username: "mia.w"}
	comment := emu.IGComment(media.ID, cust, "Is this available in blue?")
	emu.IGMessage(metatest.User{ID: "igsid-302", Name: "Leo", Username: "leo_m"}, "Where is my order?")
	if status, err := emu.DeliverWebhook(hook, creds["app_secret"]); err != nil || status != 200 {
		t.Fatalf("deliver: %d %v", status, err)
	}
	pub := c.conversationByThread("igcomment:" + comment.ID)
	dm := c.conversationByThread("igsid:igsid-302")
	if pub["channel_type"] != "instagram" || pub["public"] != true || dm["public"] != false {
		t.Fatalf("kinds %v/%v %v", pub["channel_type"], pub["public"], dm["public"])
	}
	_, r1 := c.do("POST", "/api/v1/conversations/"+pub["id"].(string)+"/messages", map[string]any{"text": "Yes, in blue from Friday!"})
	_, r2 := c.do("POST", "/api/v1/conversations/"+dm["id"].(string)+"/messages", map[string]any{"text": "Checking your order now, Leo"})
	apptest.Eventually(t, 20*time.Second, "IG replies sent", func() bool {
		a, _ := c.delivery(pub["id"].(string), r1["id"].(string))
		b, _ := c.delivery(dm["id"].(string), r2["id"].(string))
		return a == "sent" && b == "sent"
	})
	okReply := false
	for _, r := range emu.Replies() {
		okReply = okReply || (r.Platform == "instagram" && r.Parent == comment.ID)
	}
	okDM := false
	for _, m := range emu.Messages() {
		okDM = okDM || (m.Platform == "instagram" && m.Recipient == "igsid-302")
	}
	if !okReply || !okDM {
		t.Fatalf("replies %+v messages %+v", emu.Replies(), emu.Messages())
	}
}

// After Messenger's 24-hour window, the composer says why a message cannot
// be sent.
func TestMessengerWindowShownInComposer(t *testing.T) {
	emu := metatest.New()
	t.Cleanup(emu.Close)
	n := apptest.Start(t, db.SQLite)
	c := api{t: t, base: n.URL, token: n.Token}
	creds := emu.Credentials()
	_, ms := c.do("POST", "/api/v1/channels", map[string]any{"type": "messenger", "name": "Acme Messenger", "settings": map[string]any{"api_base": emu.APIBase(), "no_poll": true}, "credentials": creds})
	emu.SetNow(time.Now().Add(-30 * time.Hour))
	emu.Message(metatest.User{ID: "psid-9", Name: "Old Timer"}, "Anyone there?")
	if status, err := emu.DeliverWebhook(n.URL+"/hooks/"+ms["id"].(string), creds["app_secret"]); err != nil || status != 200 {
		t.Fatalf("deliver: %d %v", status, err)
	}
	conv := c.conversationByThread("psid:psid-9")
	res, err := n.BrowserSession(t, n.Admin).Get(n.URL + "/conversations/" + conv["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(page), `id="window-closed"`) || !strings.Contains(string(page), "reply window closed") {
		t.Fatalf("no window notice on the conversation page (%d)", res.StatusCode)
	}
}
