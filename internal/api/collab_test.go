package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
)

func TestComposeSettingsAPI(t *testing.T) {
	w := newWorld(t, db.SQLite)
	r := w.c.do("GET", "/api/v1/settings/compose", nil, nil)
	if r.Status != 200 {
		t.Fatalf("get: %d %s", r.Status, r.Body)
	}
	checks := r.JSON(t)["checks"].(map[string]any)
	if len(checks) != 10 || checks["personal_data"] != "block" || checks["spelling"] != "warn" || r.JSON(t)["updated_at"] != nil {
		t.Fatalf("defaults = %s", r.Body)
	}
	_, agentTok := w.node.NewAgent(t, "bo@acme.test", model.RoleAgent)
	agent := client{t: t, base: w.c.base, token: agentTok}
	if r := agent.do("PUT", "/api/v1/settings/compose", []byte(`{"checks":{"spelling":"off"}}`), nil); r.Status != 403 {
		t.Fatalf("agent PUT: %d %s", r.Status, r.Body)
	}
	for body, field := range map[string]string{
		`{"checks":{"speling":"off"}}`:    "checks",
		`{"checks":{"spelling":"maybe"}}`: "checks.spelling",
		`{"checks":{},"blocking":true}`:   "blocking",
		`{"checks":{"spelling":["off"]}}`: "checks",
	} {
		r := w.c.do("PUT", "/api/v1/settings/compose", []byte(body), nil)
		if r.Status != 400 {
			t.Fatalf("PUT %s: %d %s", body, r.Status, r.Body)
		}
		if _, f := r.errorOf(t); f != field {
			t.Errorf("PUT %s: field %q, want %q", body, f, field)
		}
	}
	r = w.c.do("PUT", "/api/v1/settings/compose", []byte(`{"checks":{"spelling":"off","arguing":"block","personal_data":"warn"},"blocking_needs_approval":true}`), nil)
	if r.Status != 200 {
		t.Fatalf("put: %d %s", r.Status, r.Body)
	}
	got := agent.do("GET", "/api/v1/settings/compose", nil, nil).JSON(t)
	checks = got["checks"].(map[string]any)
	if checks["spelling"] != "off" || checks["arguing"] != "block" || checks["personal_data"] != "warn" || checks["empathy"] != "warn" || got["blocking_needs_approval"] != true || got["updated_at"] == nil {
		t.Fatalf("after PUT = %v", got)
	}
}

// A public reply with a card number is refused by the API (422) and never
// reaches the callback; with "blocking checks need approval" it waits (202)
// and the callback gets only the supervisor's edited text.
func TestBlockedReplyAndApprovalOverAPI(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			w := newWorld(t, engine)
			body := inboundBody("bl-1", "bl-t", "I was charged twice")
			w.postInbound(body, apichannel.Sign(w.secret, body))
			id := w.waitConversation(t, "bl-t")["id"].(string)
			card := "Hi Ana, we refunded card 4111 1111 1111 1111 today."
			r := w.c.postJSON("/api/v1/conversations/"+id+"/messages", map[string]any{"text": card})
			if r.Status != 422 {
				t.Fatalf("public card reply: %d %s", r.Status, r.Body)
			}
			if code, _ := r.errorOf(t); code != "blocked" || !strings.Contains(string(r.Body), `"check":"personal_data"`) {
				t.Fatalf("blocked body = %s", r.Body)
			}
			if r := w.c.do("PUT", "/api/v1/settings/compose", []byte(`{"blocking_needs_approval":true}`), nil); r.Status != 200 {
				t.Fatalf("settings: %d %s", r.Status, r.Body)
			}
			r = w.c.postJSON("/api/v1/conversations/"+id+"/messages", map[string]any{"text": card})
			if r.Status != 202 || r.JSON(t)["status"] != "awaiting_approval" {
				t.Fatalf("to approval: %d %s", r.Status, r.Body)
			}
			ap := r.JSON(t)["approval"].(map[string]any)
			if ap["reason"] != "blocking_check" || ap["status"] != "pending" || !strings.Contains(string(r.Body), "personal_data") {
				t.Fatalf("approval = %v", ap)
			}
			list := w.c.do("GET", "/api/v1/approvals", nil, nil)
			if as := list.JSON(t)["approvals"].([]any); len(as) != 1 || as[0].(map[string]any)["id"] != ap["id"] {
				t.Fatalf("queue = %s", list.Body)
			}
			_, agentTok := w.node.NewAgent(t, "bo@acme.test", model.RoleAgent)
			agent := client{t: t, base: w.c.base, token: agentTok}
			if r := agent.postJSON("/api/v1/approvals/"+ap["id"].(string)+"/approve", map[string]any{}); r.Status != 403 {
				t.Fatalf("agent approves: %d", r.Status)
			}
			if r := w.c.postJSON("/api/v1/approvals/"+ap["id"].(string)+"/reject", map[string]any{"reason": ""}); r.Status != 400 {
				t.Fatalf("reject without reason: %d %s", r.Status, r.Body)
			}
			time.Sleep(300 * time.Millisecond) // nothing may have been delivered meanwhile
			if n := len(w.recv.all()); n != 0 {
				t.Fatalf("%d deliveries before approval", n)
			}
			edited := "Hi Ana, the duplicate charge was refunded to your card ending 1111 today."
			r = w.c.postJSON("/api/v1/approvals/"+ap["id"].(string)+"/approve", map[string]any{"text": edited})
			if r.Status != 200 {
				t.Fatalf("approve: %d %s", r.Status, r.Body)
			}
			msgID := r.JSON(t)["id"].(string)
			if r := w.c.postJSON("/api/v1/approvals/"+ap["id"].(string)+"/approve", map[string]any{}); r.Status != 409 {
				t.Fatalf("approve twice: %d %s", r.Status, r.Body)
			}
			apptest.Eventually(t, 15*time.Second, "callback delivery", func() bool { return len(w.recv.all()) >= 1 })
			d := w.recv.all()
			if len(d) != 1 || d[0].ID != msgID || d[0].Body.Text != edited || strings.Contains(d[0].Body.Text, "4111") {
				t.Fatalf("deliveries = %+v", d)
			}
			done := w.c.do("GET", "/api/v1/approvals?status=approved", nil, nil).JSON(t)["approvals"].([]any)
			if len(done) != 1 || done[0].(map[string]any)["message_id"] != msgID || done[0].(map[string]any)["text"] != edited {
				t.Fatalf("approved list = %v", done)
			}
			if r := w.c.do("GET", "/api/v1/approvals?status=maybe", nil, nil); r.Status != 400 {
				t.Fatalf("bad status filter: %d", r.Status)
			}
		})
	}
}

// An API client that passes seen_at gets a 409 when another agent replied
// since, and sends with the collision acknowledged.
func TestCollisionOverAPI(t *testing.T) {
	w := newWorld(t, db.SQLite)
	body := inboundBody("co-1", "co-t", "hello?")
	w.postInbound(body, apichannel.Sign(w.secret, body))
	id := w.waitConversation(t, "co-t")["id"].(string)
	seen := time.Now().UTC().Add(-time.Second).Format(time.RFC3339Nano)
	_, boTok := w.node.NewAgent(t, "bo@acme.test", model.RoleAgent)
	bo := client{t: t, base: w.c.base, token: boTok}
	if r := bo.postJSON("/api/v1/conversations/"+id+"/messages", map[string]any{"text": "Hi Ana, how can we help?"}); r.Status != 201 {
		t.Fatalf("Bo's reply: %d %s", r.Status, r.Body)
	}
	r := w.c.postJSON("/api/v1/conversations/"+id+"/messages", map[string]any{"text": "Hello Ana!", "seen_at": seen})
	if r.Status != http.StatusConflict {
		t.Fatalf("collision: %d %s", r.Status, r.Body)
	}
	cs := r.JSON(t)["collisions"].([]any)
	c0 := cs[0].(map[string]any)
	if code, _ := r.errorOf(t); code != "collision" || len(cs) != 1 || !strings.Contains(c0["message"].(string), "Hi Ana, how can we help?") {
		t.Fatalf("collision body = %s", r.Body)
	}
	r = w.c.postJSON("/api/v1/conversations/"+id+"/messages", map[string]any{"text": "Hello Ana!", "seen_at": seen, "acknowledged": []string{c0["key"].(string)}})
	if r.Status != 201 {
		t.Fatalf("acknowledged: %d %s", r.Status, r.Body)
	}
	// Without seen_at (integrations that do not track it) nothing is held.
	if r := w.c.postJSON("/api/v1/conversations/"+id+"/messages", map[string]any{"text": "One more thing, Ana."}); r.Status != 201 {
		t.Fatalf("no seen_at: %d %s", r.Status, r.Body)
	}
}
