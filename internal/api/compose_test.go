package api_test

import (
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/db"
)

func TestComposeCheckContract(t *testing.T) {
	w := newWorld(t, db.SQLite)
	b := inboundBody("cc-1", "cc-t", "Still waiting for my refund, this is ridiculous")
	w.postInbound(b, apichannel.Sign(w.secret, b))
	conv := w.waitConversation(t, "cc-t")
	r := w.c.postJSON("/api/v1/compose/check", map[string]any{"conversation_id": conv["id"], "text": "Hi Maria, call us at 0800 123 for a refund of your card 4111 1111 1111 1111", "public": true})
	if r.Status != 200 {
		t.Fatalf("check: %d %s", r.Status, r.Body)
	}
	checks := map[string]bool{}
	for _, x := range r.JSON(t)["warnings"].([]any) {
		wm := x.(map[string]any)
		for _, k := range []string{"check", "message", "start", "end", "blocking"} {
			if _, ok := wm[k]; !ok {
				t.Fatalf("warning lacks %q: %v", k, wm)
			}
		}
		checks[wm["check"].(string)] = true
	}
	for _, want := range []string{"wrong_name", "personal_data", "empathy"} {
		if !checks[want] {
			t.Errorf("no %s warning in %s", want, r.Body)
		}
	}
	clean := w.c.postJSON("/api/v1/compose/check", map[string]any{"conversation_id": conv["id"], "text": "Hi Ana, I'm so sorry about the wait. Your refund was issued today and will show within 3 days.", "public": true})
	if ws := clean.JSON(t)["warnings"].([]any); len(ws) != 0 {
		t.Errorf("a good reply got warnings: %s", clean.Body)
	}
	if r := w.c.postJSON("/api/v1/compose/check", map[string]any{"text": "x"}); r.Status != 400 || !strings.Contains(string(r.Body), "conversation_id") {
		t.Fatalf("missing conversation: %d %s", r.Status, r.Body)
	}
}

func TestSavedReplies(t *testing.T) {
	w := newWorld(t, db.SQLite)
	for _, body := range []map[string]string{
		{"name": "Delay", "body": "Hi {{customer.first_name}}, sorry for the delay! ^{{agent.first_name}} ({{unknown.var}})"},
		{"name": "Delay", "body": "Hey {{customer.first_name}} — API variant", "channel_type": "api"},
	} {
		if r := w.c.postJSON("/api/v1/saved-replies", body); r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
	}
	if r := w.c.postJSON("/api/v1/saved-replies", map[string]string{"name": "Delay", "body": "again"}); r.Status != 400 {
		t.Fatalf("duplicate name: %d", r.Status)
	}
	b := inboundBody("sr-1", "sr-t", "where is it")
	w.postInbound(b, apichannel.Sign(w.secret, b))
	conv := w.waitConversation(t, "sr-t")
	rs := w.c.do("GET", "/api/v1/conversations/"+conv["id"].(string)+"/saved-replies", nil, nil).JSON(t)["saved_replies"].([]any)
	if len(rs) != 1 || rs[0].(map[string]any)["body"] != "Hey Ana — API variant" {
		t.Fatalf("expanded saved replies for an API conversation: %v", rs)
	}
	all := w.c.do("GET", "/api/v1/saved-replies", nil, nil).JSON(t)["saved_replies"].([]any)
	if len(all) != 2 || !strings.Contains(all[0].(map[string]any)["body"].(string)+all[1].(map[string]any)["body"].(string), "{{customer.first_name}}") {
		t.Fatalf("stored saved replies keep their variables: %v", all)
	}
}

func TestSignatureAppendedPerChannelType(t *testing.T) {
	w := newWorld(t, db.SQLite)
	if r := w.c.do("PUT", "/api/v1/settings/signatures", []byte(`{"signatures":{"api":"^{{agent.initials}}","x":"– {{agent.first_name}}"}}`), nil); r.Status != 200 {
		t.Fatalf("signatures: %d %s", r.Status, r.Body)
	}
	b := inboundBody("sig-1", "sig-t", "hello")
	w.postInbound(b, apichannel.Sign(w.secret, b))
	conv := w.waitConversation(t, "sig-t")
	rep := w.c.postJSON("/api/v1/conversations/"+conv["id"].(string)+"/messages", map[string]string{"text": "Happy to help!"}).JSON(t)
	if rep["text"] != "Happy to help! ^AA" {
		t.Fatalf("reply text %q, want the API channel's signature (Ada Admin → ^AA)", rep["text"])
	}
	note := w.c.postJSON("/api/v1/conversations/"+conv["id"].(string)+"/messages", map[string]any{"text": "internal", "note": true}).JSON(t)
	if note["text"] != "internal" {
		t.Fatalf("a note got a signature: %q", note["text"])
	}
}
