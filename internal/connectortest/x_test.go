package connectortest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/channel/x/xtest"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// api is a tiny client of the node's JSON API.
type api struct {
	t     *testing.T
	base  string
	token string
}

func (a api) do(method, path string, in any) (int, map[string]any) {
	a.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, a.base+path, body)
	req.Header.Set("Authorization", "Bearer "+a.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func (a api) conversationByThread(thread string) map[string]any {
	a.t.Helper()
	var found map[string]any
	apptest.Eventually(a.t, 15*time.Second, "conversation "+thread, func() bool {
		_, out := a.do("GET", "/api/v1/conversations?limit=200", nil)
		for _, c := range out["conversations"].([]any) {
			if cm := c.(map[string]any); cm["thread_id"] == thread {
				found = cm
				return true
			}
		}
		return false
	})
	return found
}

func (a api) messages(convID string) []map[string]any {
	_, out := a.do("GET", "/api/v1/conversations/"+convID, nil)
	var ms []map[string]any
	for _, m := range out["messages"].([]any) {
		ms = append(ms, m.(map[string]any))
	}
	return ms
}

func (a api) delivery(convID, msgID string) (string, string) {
	for _, m := range a.messages(convID) {
		if m["id"] == msgID {
			status, _ := m["delivery_status"].(string)
			reason, _ := m["delivery_error"].(string)
			return status, reason
		}
	}
	return "", ""
}

func TestXEndToEnd(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) { xEndToEnd(t, engine) })
	}
}

func xEndToEnd(t *testing.T, engine db.Engine) {
	emu := xtest.New()
	t.Cleanup(emu.Close)
	n := apptest.Start(t, engine)
	c := api{t: t, base: n.URL, token: n.Token}
	ref := emu.Channel()
	settings := map[string]any{"api_base": emu.URL(), "no_poll": true}
	status, ch := c.do("POST", "/api/v1/channels", map[string]any{"type": "x", "name": "@" + emu.Brand.Username, "settings": settings, "credentials": ref.Credentials})
	if status != 201 {
		t.Fatalf("create X channel: %d %v", status, ch)
	}
	hook := ch["webhook_url"].(string)
	hook = n.URL + hook[strings.Index(hook, "/hooks/"):]
	if caps := ch["capabilities"].(map[string]any); caps["max_length"].(float64) != 280 || caps["hide"] != true {
		t.Fatalf("capabilities %v", caps)
	}

	// The platform checks the webhook URL (CRC).
	if err := emu.CRC(hook, emu.ConsumerSecret); err != nil {
		t.Fatalf("CRC: %v", err)
	}
	if err := emu.CRC(hook, "not the secret"); err == nil {
		t.Fatal("CRC answered for a wrong secret")
	}

	cust := xtest.User{ID: "9001", Username: "ana_d", Name: "Ana Diaz", Followers: 1200}
	mention := emu.PostMention(cust, "@"+emu.Brand.Username+" my parcel is two weeks late", "")
	dm := emu.SendDM(cust, "here is my order number 55120")

	// A delivery with a wrong signature is refused and stores nothing …
	if err := emu.DeliverWebhook(hook, "wrong secret"); err == nil {
		t.Fatal("badly signed delivery accepted")
	}
	time.Sleep(200 * time.Millisecond)
	if _, out := c.do("GET", "/api/v1/conversations", nil); len(out["conversations"].([]any)) != 0 {
		t.Fatal("a refused delivery stored something")
	}
	// … the good one is stored, and redelivering it changes nothing.
	if err := emu.DeliverWebhook(hook, emu.ConsumerSecret); err != nil {
		t.Fatalf("deliver: %v", err)
	}
	public := c.conversationByThread(mention.ConversationID)
	private := c.conversationByThread("dm:" + cust.ID)
	if public["channel_type"] != "x" || public["public"] != true || private["channel_type"] != "x" || private["public"] != false {
		t.Fatalf("kinds: public %v/%v private %v/%v", public["channel_type"], public["public"], private["channel_type"], private["public"])
	}
	if cu := public["customer"].(map[string]any); cu["handle"] != "@ana_d" || cu["name"] != "Ana Diaz" {
		t.Fatalf("customer %v", cu)
	}
	_ = dm

	// Polling fetches the same mention the webhook delivered: stored once.
	c.do("PATCH", "/api/v1/channels/"+ch["id"].(string), map[string]any{"settings": map[string]any{"api_base": emu.URL(), "poll_seconds": 1}})
	apptest.Eventually(t, 20*time.Second, "a poll of the mentions", func() bool {
		for _, r := range emu.Requests() {
			if strings.Contains(fmt.Sprint(r), "mentions") {
				return true
			}
		}
		return false
	})
	time.Sleep(500 * time.Millisecond) // let the polled events be processed
	if ms := c.messages(public["id"].(string)); len(ms) != 1 {
		t.Fatalf("after polling, the mention's conversation has %d messages, want 1", len(ms))
	}
	c.do("PATCH", "/api/v1/channels/"+ch["id"].(string), map[string]any{"settings": map[string]any{"api_base": emu.URL(), "no_poll": true}})

	// A public reply threads under the mention; a private one goes to the customer.
	_, rep := c.do("POST", "/api/v1/conversations/"+public["id"].(string)+"/messages", map[string]any{"text": "Sorry Ana, checking now ^AD"})
	_, dmRep := c.do("POST", "/api/v1/conversations/"+private["id"].(string)+"/messages", map[string]any{"text": "Thanks, found it"})
	apptest.Eventually(t, 20*time.Second, "both replies on X", func() bool {
		s1, _ := c.delivery(public["id"].(string), rep["id"].(string))
		s2, _ := c.delivery(private["id"].(string), dmRep["id"].(string))
		return s1 == "sent" && s2 == "sent"
	})
	var reply *xtest.Tweet
	for _, tw := range emu.Tweets() {
		if tw.AuthorID == emu.Brand.ID && strings.Contains(tw.Text, "checking now") {
			tw := tw
			reply = &tw
		}
	}
	if reply == nil || reply.InReplyTo != mention.ID || reply.ConversationID != mention.ConversationID {
		t.Fatalf("reply on X: %+v (mention %s)", reply, mention.ID)
	}
	found := false
	for _, d := range emu.DMs() {
		found = found || (d.SenderID == emu.Brand.ID && d.RecipientID == cust.ID && d.Text == "Thanks, found it")
	}
	if !found {
		t.Fatalf("DM reply not delivered to the customer: %+v", emu.DMs())
	}

	// Rate limited: the send waits for the reset and goes out exactly once.
	emu.RateLimit(xtest.EndpointCreateTweet, 0, time.Now().Add(2*time.Second))
	_, rl := c.do("POST", "/api/v1/conversations/"+public["id"].(string)+"/messages", map[string]any{"text": "Update: it left the depot"})
	apptest.Eventually(t, 30*time.Second, "the rate-limited reply", func() bool {
		s, _ := c.delivery(public["id"].(string), rl["id"].(string))
		return s == "sent"
	})
	count := 0
	for _, tw := range emu.Tweets() {
		if strings.Contains(tw.Text, "left the depot") {
			count++
		}
	}
	if count != 1 {
		t.Fatalf("rate-limited reply posted %d times", count)
	}
	// A 5xx is retried; a permanent 4xx fails with X's reason shown.
	emu.FailNext(xtest.EndpointCreateTweet, 503, "Service Unavailable")
	_, r5 := c.do("POST", "/api/v1/conversations/"+public["id"].(string)+"/messages", map[string]any{"text": "Retry me"})
	apptest.Eventually(t, 30*time.Second, "the retried reply", func() bool {
		s, _ := c.delivery(public["id"].(string), r5["id"].(string))
		return s == "sent"
	})
	emu.FailNext(xtest.EndpointCreateTweet, 400, "The Tweet contains an invalid URL.")
	_, r4 := c.do("POST", "/api/v1/conversations/"+public["id"].(string)+"/messages", map[string]any{"text": "Bad http://x"})
	apptest.Eventually(t, 20*time.Second, "the failed reply", func() bool {
		s, _ := c.delivery(public["id"].(string), r4["id"].(string))
		return s == "failed"
	})
	if _, reason := c.delivery(public["id"].(string), r4["id"].(string)); !strings.Contains(reason, "invalid URL") {
		t.Fatalf("failure reason %q does not carry X's reason", reason)
	}

	// Moderation: like the mention; hide a reply under the brand's own post
	// (X lets an account hide replies only in conversations it started).
	in := c.messages(public["id"].(string))[0]
	if status, out := c.do("POST", fmt.Sprintf("/api/v1/messages/%s/like", in["id"]), nil); status != 200 {
		t.Fatalf("like: %d %v", status, out)
	}
	if l := emu.Likes(); len(l) != 1 || l[0] != mention.ID {
		t.Fatalf("likes on X: %v", l)
	}
	announcement := emu.PostAsBrand("Our winter sale starts today!")
	troll := emu.PostMention(xtest.User{ID: "9002", Username: "troll", Name: "Troll"}, "@"+emu.Brand.Username+" rubbish brand, rubbish sale", announcement.ID)
	if err := emu.DeliverWebhook(hook, emu.ConsumerSecret); err != nil {
		t.Fatal(err)
	}
	thread := c.conversationByThread(announcement.ConversationID)
	var trollMsg map[string]any
	for _, m := range c.messages(thread["id"].(string)) {
		if m["external_id"] == troll.ID {
			trollMsg = m
		}
	}
	if trollMsg == nil {
		t.Fatal("the reply under the brand's post was not stored")
	}
	if status, out := c.do("POST", fmt.Sprintf("/api/v1/messages/%s/hide", trollMsg["id"]), nil); status != 200 || out["hidden"] != true {
		t.Fatalf("hide: %d %v", status, out)
	}
	if h := emu.Hidden(); len(h) != 1 || h[0] != troll.ID {
		t.Fatalf("hidden on X: %v", h)
	}
	if status, _ := c.do("POST", fmt.Sprintf("/api/v1/messages/%s/delete", in["id"]), nil); status != 400 {
		t.Fatalf("deleting a customer's tweet must be refused, got %d", status)
	}
}

// raw does a request and returns only the status.
func (a api) raw(method, path string) (int, error) {
	req, _ := http.NewRequest(method, a.base+path, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

// A revoked token marks the channel unhealthy with the platform's reason;
// new credentials reconnect it and history stays.
func TestXRevokedTokenAndReconnect(t *testing.T) {
	emu := xtest.New()
	t.Cleanup(emu.Close)
	n := apptest.Start(t, db.SQLite)
	c := api{t: t, base: n.URL, token: n.Token}
	ref := emu.Channel()
	_, ch := c.do("POST", "/api/v1/channels", map[string]any{"type": "x", "name": "@brand", "settings": map[string]any{"api_base": emu.URL(), "no_poll": true}, "credentials": ref.Credentials})
	hook := n.URL + "/hooks/" + ch["id"].(string)
	m := emu.PostMention(xtest.User{ID: "5", Username: "cleo", Name: "Cleo"}, "@"+emu.Brand.Username+" hello?", "")
	emu.DeliverWebhook(hook, emu.ConsumerSecret)
	conv := c.conversationByThread(m.ConversationID)
	emu.RevokeToken(emu.AccessToken)
	_, rep := c.do("POST", "/api/v1/conversations/"+conv["id"].(string)+"/messages", map[string]any{"text": "Hi Cleo"})
	apptest.Eventually(t, 20*time.Second, "the refused reply", func() bool {
		s, _ := c.delivery(conv["id"].(string), rep["id"].(string))
		return s == "failed"
	})
	_, chans := c.do("GET", "/api/v1/channels", nil)
	var got map[string]any
	for _, x := range chans["channels"].([]any) {
		if x.(map[string]any)["id"] == ch["id"] {
			got = x.(map[string]any)
		}
	}
	if got["health"] != "unhealthy" || got["health_reason"] == "" {
		t.Fatalf("channel after revocation: %v %v", got["health"], got["health_reason"])
	}
	creds := ref.Credentials
	creds["access_token"] = "a-new-token"
	emu.IssueToken("a-new-token")
	if status, out := c.do("PATCH", "/api/v1/channels/"+ch["id"].(string), map[string]any{"credentials": creds}); status != 200 || out["health"] != "ok" {
		t.Fatalf("reconnect: %d %v", status, out)
	}
	if msgs := c.messages(conv["id"].(string)); len(msgs) != 2 {
		t.Fatalf("history after reconnect: %d messages", len(msgs))
	}
}
