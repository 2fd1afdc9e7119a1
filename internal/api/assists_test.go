package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/dbtest"
)

func TestKnowledgeBaseAndWordsAPI(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			w := newWorld(t, engine)
			r := w.c.postJSON("/api/v1/kb/articles", map[string]any{"title": "Refund policy", "url": "https://help.acme.com/refunds", "tags": []string{"Refund", "money", "refund"}})
			if r.Status != http.StatusCreated {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
			a := r.JSON(t)
			id := a["id"].(string)
			if a["link"] != "Refund policy: https://help.acme.com/refunds" || len(a["tags"].([]any)) != 2 {
				t.Fatalf("created: %v", a)
			}
			for _, bad := range []struct {
				body  map[string]any
				field string
			}{
				{map[string]any{"title": "x", "url": "javascript:alert(1)"}, "url"},
				{map[string]any{"url": "https://a.example"}, "title"},
				{map[string]any{"title": "dup", "url": "https://help.acme.com/refunds"}, "url"},
			} {
				r := w.c.postJSON("/api/v1/kb/articles", bad.body)
				if code, field := r.errorOf(t); r.Status != http.StatusBadRequest || code != "invalid" || field != bad.field {
					t.Errorf("%v: %d %s", bad.body, r.Status, r.Body)
				}
			}
			r = w.c.do("PUT", "/api/v1/kb/articles/"+id, []byte(`{"title":"Refunds","url":"https://help.acme.com/refunds","tags":[]}`), nil)
			if r.Status != http.StatusOK || r.JSON(t)["title"] != "Refunds" {
				t.Fatalf("update: %d %s", r.Status, r.Body)
			}
			r = w.c.do("GET", "/api/v1/kb/articles", nil, nil)
			if list := r.JSON(t)["articles"].([]any); len(list) != 1 {
				t.Fatalf("list: %s", r.Body)
			}

			// Words: added in any casing once, removed whatever the casing.
			for _, word := range []string{"Acmepay", "AcmePay"} {
				if r := w.c.postJSON("/api/v1/settings/words", map[string]string{"word": word}); r.Status != http.StatusCreated {
					t.Fatalf("add word: %d %s", r.Status, r.Body)
				}
			}
			if r := w.c.postJSON("/api/v1/settings/words", map[string]string{"word": "   "}); r.Status != http.StatusBadRequest {
				t.Fatalf("blank word: %d", r.Status)
			}
			r = w.c.do("GET", "/api/v1/settings/words", nil, nil)
			words := r.JSON(t)["words"].([]any)
			if len(words) != 1 || words[0].(map[string]any)["word"] != "AcmePay" {
				t.Fatalf("words: %s", r.Body)
			}
			if r := w.c.do("DELETE", "/api/v1/settings/words/acmepay", nil, nil); r.Status != http.StatusNoContent {
				t.Fatalf("delete word: %d %s", r.Status, r.Body)
			}
			if r := w.c.do("DELETE", "/api/v1/settings/words/acmepay", nil, nil); r.Status != http.StatusNotFound {
				t.Fatalf("delete again: %d", r.Status)
			}
			if r := w.c.do("DELETE", "/api/v1/kb/articles/"+id, nil, nil); r.Status != http.StatusNoContent {
				t.Fatalf("delete article: %d", r.Status)
			}
			if r := w.c.do("GET", "/api/v1/kb/articles/"+id, nil, nil); r.Status != http.StatusNotFound {
				t.Fatalf("deleted article: %d", r.Status)
			}
		})
	}
}

func TestAssistsAndPrivateMoveAPI(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			w := newWorld(t, engine)
			body := inboundBody("m-1", "t-1", "my card was charged twice")
			if r := w.postInbound(body, apichannel.Sign(w.secret, body)); r.Status != http.StatusAccepted {
				t.Fatalf("inbound: %d", r.Status)
			}
			conv := w.waitConversation(t, "t-1")
			id := conv["id"].(string)
			sr := w.c.postJSON("/api/v1/saved-replies", map[string]string{"name": "Refund sent", "body": "Hi {{customer.first_name}}, refunded."}).JSON(t)
			if r := w.c.do("PUT", "/api/v1/saved-replies/"+sr["id"].(string)+"/tags", []byte(`{"tags":["Billing","billing","money"]}`), nil); r.Status != http.StatusOK || len(r.JSON(t)["tags"].([]any)) != 2 {
				t.Fatalf("tags: %d %s", r.Status, r.Body)
			}
			if r := w.c.do("PUT", "/api/v1/saved-replies/nope/tags", []byte(`{"tags":[]}`), nil); r.Status != http.StatusNotFound {
				t.Fatalf("tags of an unknown reply: %d", r.Status)
			}
			if r := w.c.do("GET", "/api/v1/conversations/"+id+"/assists?q=bill", nil, nil); len(r.JSON(t)["results"].([]any)) != 1 {
				t.Fatalf("search by tag: %s", r.Body)
			}
			w.c.postJSON("/api/v1/kb/articles", map[string]any{"title": "Refund policy", "url": "https://help.acme.com/refunds"})

			r := w.c.do("GET", "/api/v1/conversations/"+id+"/assists?q=ref", nil, nil)
			res := r.JSON(t)["results"].([]any)
			if len(res) != 2 || res[0].(map[string]any)["insert"] == res[1].(map[string]any)["insert"] {
				t.Fatalf("search: %s", r.Body)
			}
			inserts := map[string]bool{}
			for _, x := range res {
				inserts[x.(map[string]any)["insert"].(string)] = true
			}
			if !inserts["Hi Ana, refunded."] || !inserts["Refund policy: https://help.acme.com/refunds"] {
				t.Fatalf("inserts: %v", inserts)
			}

			// An unknown reason is refused before anything is sent.
			before := len(w.c.do("GET", "/api/v1/conversations/"+id, nil, nil).JSON(t)["messages"].([]any))
			r = w.c.postJSON("/api/v1/conversations/"+id+"/private-move", map[string]string{"text": "Please DM us.", "reason": "bored"})
			if code, field := r.errorOf(t); r.Status != http.StatusBadRequest || code != "invalid" || field != "reason" {
				t.Fatalf("move with an unknown reason: %d %s", r.Status, r.Body)
			}
			if after := len(w.c.do("GET", "/api/v1/conversations/"+id, nil, nil).JSON(t)["messages"].([]any)); after != before {
				t.Fatalf("a refused move stored messages: %d → %d", before, after)
			}
			r = w.c.postJSON("/api/v1/conversations/"+id+"/private-move", map[string]string{"text": "Please DM us your order number.", "reason": "order"})
			if r.Status != http.StatusCreated {
				t.Fatalf("move: %d %s", r.Status, r.Body)
			}
			mv := r.JSON(t)
			privID := mv["private_conversation_id"].(string)
			if privID == "" || privID == id || mv["public_conversation_id"] != id || mv["redirect_reason"] != "order" {
				t.Fatalf("move: %v", mv)
			}
			// A second move keeps the first move's reason.
			r = w.c.postJSON("/api/v1/conversations/"+id+"/private-move", map[string]string{"text": "Any news on the order?", "reason": "complaint"})
			if mv2 := r.JSON(t); r.Status != http.StatusCreated || mv2["private_conversation_id"] != privID || mv2["redirect_reason"] != "order" {
				t.Fatalf("second move: %d %s", r.Status, r.Body)
			}
			// The customer gets it privately, through the channel's webhook.
			apptest.Eventually(t, 10*time.Second, "private delivery", func() bool {
				for _, d := range w.recv.all() {
					if d.Body.Text != "" && !d.Body.Public && d.SigOK {
						return true
					}
				}
				return false
			})
			priv := w.c.do("GET", "/api/v1/conversations/"+privID, nil, nil).JSON(t)
			if priv["public"] != false || len(priv["messages"].([]any)) != 2 {
				t.Fatalf("private side (public false, the two moves' notes): %v", priv)
			}
			r = w.c.postJSON("/api/v1/conversations/"+privID+"/private-move", map[string]string{"text": "x"})
			if code, field := r.errorOf(t); r.Status != http.StatusBadRequest || code != "invalid" || field != "conversation" {
				t.Fatalf("move a private conversation: %d %s", r.Status, r.Body)
			}
		})
	}
}
