package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type client struct {
	t     *testing.T
	base  string
	token string
}

type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not JSON (%d): %s", r.Status, r.Body)
	}
	return m
}

// errorField returns error.code and error.field of an error body.
func (r resp) errorOf(t *testing.T) (code, field string) {
	t.Helper()
	e, ok := r.JSON(t)["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object in %s", r.Body)
	}
	if e["message"] == nil || e["message"] == "" {
		t.Fatalf("error without message: %s", r.Body)
	}
	code, _ = e["code"].(string)
	field, _ = e["field"].(string)
	return
}

func (c client) do(method, path string, body []byte, hdr map[string]string) resp {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

func (c client) postJSON(path string, v any) resp {
	b, _ := json.Marshal(v)
	return c.do("POST", path, b, map[string]string{"Content-Type": "application/json"})
}

// receiver is a callback endpoint that records signed deliveries.
type receiver struct {
	mu         sync.Mutex
	secret     string
	deliveries []delivery
	fail       bool
}

type delivery struct {
	ID       string
	SigOK    bool
	Body     apichannel.Reply
	Attempts int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var rep apichannel.Reply
	json.Unmarshal(body, &rep)
	r.deliveries = append(r.deliveries, delivery{ID: req.Header.Get(apichannel.DeliveryHeader),
		SigOK: apichannel.VerifySignature(r.secret, body, req.Header.Get(apichannel.SignatureHeader)), Body: rep})
	w.WriteHeader(http.StatusOK)
}

func (r *receiver) all() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.deliveries...)
}

type world struct {
	node   *apptest.Node
	c      client
	anon   client
	recv   *receiver
	chID   string
	secret string
}

func newWorld(t *testing.T, engine db.Engine) *world {
	n := apptest.Start(t, engine)
	recv := &receiver{}
	rs := httptest.NewServer(recv)
	t.Cleanup(rs.Close)
	c := client{t: t, base: n.URL, token: n.Token}
	r := c.postJSON("/api/v1/channels", map[string]string{"type": "api", "name": "Shop", "callback_url": rs.URL + "/cb"})
	if r.Status != http.StatusCreated {
		t.Fatalf("create channel: %d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	recv.secret = m["secret"].(string)
	return &world{node: n, c: c, anon: client{t: t, base: n.URL}, recv: recv, chID: m["id"].(string), secret: recv.secret}
}

func inboundBody(ext, thread, text string) []byte {
	b, _ := json.Marshal(map[string]any{"external_id": ext, "thread_id": thread,
		"author": map[string]string{"id": "u-" + thread, "handle": "@ana", "name": "Ana Diaz"}, "text": text, "public": true,
		"created_at": time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)})
	return b
}

func (w *world) postInbound(body []byte, sig string) resp {
	return w.anon.do("POST", "/api/v1/channels/"+w.chID+"/inbound", body, map[string]string{apichannel.SignatureHeader: sig})
}

func (w *world) waitConversation(t *testing.T, thread string) map[string]any {
	t.Helper()
	var found map[string]any
	apptest.Eventually(t, 10*time.Second, "conversation "+thread, func() bool {
		r := w.c.do("GET", "/api/v1/conversations?status=open", nil, nil)
		for _, c := range r.JSON(t)["conversations"].([]any) {
			cm := c.(map[string]any)
			if cm["thread_id"] == thread {
				found = cm
				return true
			}
		}
		return false
	})
	return found
}

func TestHealthAndOpenAPI(t *testing.T) {
	w := newWorld(t, db.SQLite)
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := w.anon.do("GET", p, nil, nil); r.Status != 200 {
			t.Errorf("%s = %d", p, r.Status)
		}
	}
	r := w.anon.do("GET", "/api/v1/openapi.json", nil, nil)
	if r.Status != 200 {
		t.Fatalf("openapi: %d", r.Status)
	}
	paths := r.JSON(t)["paths"].(map[string]any)
	for _, p := range []string{"/api/v1/channels", "/api/v1/channels/{id}/inbound", "/api/v1/conversations", "/api/v1/conversations/{id}",
		"/api/v1/conversations/{id}/messages", "/api/v1/conversations/{id}/status", "/api/v1/conversations/{id}/assign", "/healthz", "/readyz"} {
		if paths[p] == nil {
			t.Errorf("openapi.json lacks %s", p)
		}
	}
	if r := w.anon.do("GET", "/api/v1/nope", nil, nil); r.Status != 404 {
		t.Errorf("unknown endpoint = %d", r.Status)
	} else if code, _ := r.errorOf(t); code != "not_found" {
		t.Errorf("unknown endpoint code %q", code)
	}
}

func TestInboundContract(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			w := newWorld(t, engine)
			good := inboundBody("m-1", "t-1", "where is my parcel?")
			big := bytes.Repeat([]byte("x"), 1<<20+10)
			cases := []struct {
				name        string
				body        []byte
				sig         string
				status      int
				code, field string
			}{
				{"stored", good, apichannel.Sign(w.secret, good), 202, "", ""},
				{"duplicate", good, apichannel.Sign(w.secret, good), 200, "", ""},
				{"bad signature", good, apichannel.Sign("wrong", good), 401, "bad_signature", ""},
				{"missing signature", good, "", 401, "bad_signature", ""},
				{"malformed json", []byte(`{"external_id":`), apichannel.Sign(w.secret, []byte(`{"external_id":`)), 400, "invalid", "body"},
				{"missing text", []byte(`{"external_id":"m-2","thread_id":"t","author":{"id":"u"}}`), apichannel.Sign(w.secret, []byte(`{"external_id":"m-2","thread_id":"t","author":{"id":"u"}}`)), 400, "invalid", "text"},
				{"missing author", []byte(`{"external_id":"m-3","thread_id":"t","text":"x"}`), apichannel.Sign(w.secret, []byte(`{"external_id":"m-3","thread_id":"t","text":"x"}`)), 400, "invalid", "author.id"},
				{"too large", big, apichannel.Sign(w.secret, big), 413, "too_large", "body"},
			}
			for _, c := range cases {
				r := w.postInbound(c.body, c.sig)
				if r.Status != c.status {
					t.Errorf("%s: status %d, want %d (%s)", c.name, r.Status, c.status, r.Body)
					continue
				}
				if c.code != "" {
					code, field := r.errorOf(t)
					if code != c.code || field != c.field {
						t.Errorf("%s: error %q field %q, want %q %q", c.name, code, field, c.code, c.field)
					}
				}
			}
			if r := w.anon.do("POST", "/api/v1/channels/nope/inbound", good, map[string]string{apichannel.SignatureHeader: apichannel.Sign(w.secret, good)}); r.Status != 404 {
				t.Errorf("unknown channel: %d", r.Status)
			}
			conv := w.waitConversation(t, "t-1")
			// Only the one good message was stored, exactly once.
			r := w.c.do("GET", "/api/v1/conversations/"+conv["id"].(string), nil, nil)
			msgs := r.JSON(t)["messages"].([]any)
			if len(msgs) != 1 {
				t.Fatalf("conversation has %d messages, want 1: %s", len(msgs), r.Body)
			}
			n, err := w.node.App.Store.CountMessages(t.Context(), w.node.Admin.WorkspaceID, model.DirectionIn)
			if err != nil || n != 1 {
				t.Fatalf("inbound messages stored = %d (%v), want 1", n, err)
			}
			ev, err := w.node.App.Store.GetInboundEvent(t.Context(), w.chID, "m-2")
			if err == nil {
				t.Fatalf("rejected message was stored: %+v", ev)
			}
		})
	}
}

func TestConversationFlowAndCallback(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			w := newWorld(t, engine)
			body := inboundBody("m-10", "t-10", "my order #123 never came")
			if r := w.postInbound(body, apichannel.Sign(w.secret, body)); r.Status != 202 {
				t.Fatalf("inbound: %d %s", r.Status, r.Body)
			}
			conv := w.waitConversation(t, "t-10")
			id := conv["id"].(string)
			cust := conv["customer"].(map[string]any)
			if cust["name"] != "Ana Diaz" || cust["handle"] != "@ana" || conv["status"] != "new" || conv["last_message_at"] == nil {
				t.Fatalf("listed conversation %+v", conv)
			}
			if conv["first_response_seconds"] != nil || conv["resolution_seconds"] != nil {
				t.Fatalf("times set before any reply: %+v", conv)
			}
			// Internal note: stored, never sent.
			r := w.c.postJSON("/api/v1/conversations/"+id+"/messages", map[string]any{"text": "VIP, be nice", "note": true})
			if r.Status != 201 || r.JSON(t)["direction"] != "note" {
				t.Fatalf("note: %d %s", r.Status, r.Body)
			}
			r = w.c.postJSON("/api/v1/conversations/"+id+"/messages", map[string]any{"text": "Sorry Ana, on it!", "private": false})
			if r.Status != 201 {
				t.Fatalf("reply: %d %s", r.Status, r.Body)
			}
			replyID := r.JSON(t)["id"].(string)
			apptest.Eventually(t, 15*time.Second, "callback delivery", func() bool { return len(w.recv.all()) >= 1 })
			d := w.recv.all()[0]
			if !d.SigOK || d.ID != replyID || d.Body.InReplyTo != "m-10" || d.Body.Text != "Sorry Ana, on it!" || d.Body.ConversationID != id || d.Body.ThreadID != "t-10" {
				t.Fatalf("delivery %+v (reply id %s)", d, replyID)
			}
			apptest.Eventually(t, 5*time.Second, "delivery recorded", func() bool {
				full := w.c.do("GET", "/api/v1/conversations/"+id, nil, nil).JSON(t)
				for _, m := range full["messages"].([]any) {
					mm := m.(map[string]any)
					if mm["id"] == replyID {
						return mm["delivery_status"] == "sent"
					}
				}
				return false
			})
			full := w.c.do("GET", "/api/v1/conversations/"+id, nil, nil).JSON(t)
			if frs, ok := full["first_response_seconds"].(float64); !ok || frs < 59 {
				t.Fatalf("first_response_seconds = %v, want ≥ 60 (customer wrote a minute ago)", full["first_response_seconds"])
			}
			if n := len(full["messages"].([]any)); n != 3 {
				t.Fatalf("%d messages, want 3", n)
			}
			// Status and assignment.
			if r := w.c.postJSON("/api/v1/conversations/"+id+"/assign", map[string]string{"agent_id": "me"}); r.Status != 200 || r.JSON(t)["assignee_id"] != w.node.Admin.ID {
				t.Fatalf("assign: %d %s", r.Status, r.Body)
			}
			if r := w.c.postJSON("/api/v1/conversations/"+id+"/assign", map[string]string{"agent_id": "01NOPE"}); r.Status != 400 {
				t.Fatalf("assign to unknown agent: %d %s", r.Status, r.Body)
			}
			r = w.c.postJSON("/api/v1/conversations/"+id+"/status", map[string]string{"status": "resolved"})
			if r.Status != 200 || r.JSON(t)["status"] != "resolved" || r.JSON(t)["resolution_seconds"] == nil {
				t.Fatalf("resolve: %d %s", r.Status, r.Body)
			}
			if r := w.c.postJSON("/api/v1/conversations/"+id+"/status", map[string]string{"status": "done"}); r.Status != 400 {
				t.Fatalf("bad status: %d", r.Status)
			} else if _, field := r.errorOf(t); field != "status" {
				t.Fatalf("bad status field %q", field)
			}
			if r := w.c.postJSON("/api/v1/conversations/"+id+"/messages", map[string]any{"text": "x", "bogus": 1}); r.Status != 400 {
				t.Fatalf("unknown field: %d", r.Status)
			} else if _, field := r.errorOf(t); field != "bogus" {
				t.Fatalf("unknown field named %q", field)
			}
			if r := w.c.postJSON("/api/v1/conversations/"+id+"/messages", map[string]any{"text": "  "}); r.Status != 400 {
				t.Fatalf("empty reply: %d", r.Status)
			}
			if r := w.c.do("GET", "/api/v1/conversations/nope", nil, nil); r.Status != 404 {
				t.Fatalf("missing conversation: %d", r.Status)
			}
			// Resolved view, open view.
			open := w.c.do("GET", "/api/v1/conversations?status=open", nil, nil).JSON(t)["conversations"].([]any)
			resolved := w.c.do("GET", "/api/v1/conversations?status=resolved", nil, nil).JSON(t)["conversations"].([]any)
			if len(open) != 0 || len(resolved) != 1 {
				t.Fatalf("open %d resolved %d", len(open), len(resolved))
			}
			// The note never reached the callback.
			time.Sleep(300 * time.Millisecond)
			for _, d := range w.recv.all() {
				if strings.Contains(d.Body.Text, "VIP") {
					t.Fatal("internal note was sent to the customer")
				}
			}
		})
	}
}

func TestPagingAndFilters(t *testing.T) {
	w := newWorld(t, db.SQLite)
	for i := range 5 {
		b := inboundBody(fmt.Sprint("p-", i), fmt.Sprint("pt-", i), fmt.Sprint("hello ", i))
		if r := w.postInbound(b, apichannel.Sign(w.secret, b)); r.Status != 202 {
			t.Fatal(r.Status)
		}
	}
	apptest.Eventually(t, 10*time.Second, "5 conversations", func() bool {
		return len(w.c.do("GET", "/api/v1/conversations", nil, nil).JSON(t)["conversations"].([]any)) == 5
	})
	seen := map[string]bool{}
	cursor := ""
	for range 10 {
		m := w.c.do("GET", "/api/v1/conversations?limit=2&cursor="+cursor, nil, nil).JSON(t)
		for _, c := range m["conversations"].([]any) {
			seen[c.(map[string]any)["id"].(string)] = true
		}
		next, _ := m["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != 5 {
		t.Fatalf("paging saw %d conversations, want 5", len(seen))
	}
	for q, want := range map[string]int{"?channel_id=" + w.chID: 5, "?channel_id=other": 0, "?view=mine": 0, "?view=unassigned": 5, "?q=hello%203": 1} {
		if got := len(w.c.do("GET", "/api/v1/conversations"+q, nil, nil).JSON(t)["conversations"].([]any)); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
	for _, q := range []string{"?limit=0", "?limit=x", "?status=bogus", "?view=bogus", "?cursor=!!"} {
		if r := w.c.do("GET", "/api/v1/conversations"+q, nil, nil); r.Status != 400 {
			t.Errorf("%s: %d, want 400", q, r.Status)
		}
	}
}

func TestAuthAndRoles(t *testing.T) {
	w := newWorld(t, db.SQLite)
	_, agentTok := w.node.NewAgent(t, "agent@example.com", model.RoleAgent)
	agent := client{t: t, base: w.node.URL, token: agentTok}
	cases := []struct {
		name   string
		c      client
		method string
		path   string
		body   string
		status int
	}{
		{"no token", w.anon, "GET", "/api/v1/conversations", "", 401},
		{"bad token", client{t: t, base: w.node.URL, token: "heed_nope"}, "GET", "/api/v1/conversations", "", 401},
		{"agent lists", agent, "GET", "/api/v1/conversations", "", 200},
		{"agent cannot create channels", agent, "POST", "/api/v1/channels", `{"type":"api","name":"x"}`, 403},
		{"agent cannot create agents", agent, "POST", "/api/v1/agents", `{"email":"x@y.z","password":"password123","role":"admin"}`, 403},
		{"admin creates agent", w.c, "POST", "/api/v1/agents", `{"email":"sup@example.com","password":"password123","role":"supervisor"}`, 201},
		{"duplicate agent", w.c, "POST", "/api/v1/agents", `{"email":"sup@example.com","password":"password123","role":"supervisor"}`, 400},
		{"admin creates team", w.c, "POST", "/api/v1/teams", `{"name":"Care"}`, 201},
		{"bad channel type", w.c, "POST", "/api/v1/channels", `{"type":"fax","name":"x"}`, 400},
		{"bad callback", w.c, "POST", "/api/v1/channels", `{"type":"api","name":"x","callback_url":"ftp://x"}`, 400},
	}
	for _, c := range cases {
		r := c.c.do(c.method, c.path, []byte(c.body), nil)
		if r.Status != c.status {
			t.Errorf("%s: %d, want %d (%s)", c.name, r.Status, c.status, r.Body)
		}
	}
	r := w.c.postJSON("/api/v1/channels", map[string]string{"type": "webchat", "name": "Site chat"})
	if r.Status != 201 || !strings.Contains(r.JSON(t)["embed"].(string), "<script") {
		t.Fatalf("webchat channel: %d %s", r.Status, r.Body)
	}
	// Agents see channels without secrets.
	for _, ch := range agent.do("GET", "/api/v1/channels", nil, nil).JSON(t)["channels"].([]any) {
		if s, _ := ch.(map[string]any)["secret"].(string); s != "" {
			t.Fatal("agent can read a channel secret")
		}
	}
}

// flaky fails the first n deliveries, then accepts; it records every attempt's delivery id.
type flaky struct {
	mu    sync.Mutex
	n     int
	ids   []string
	codes []int
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids = append(f.ids, r.Header.Get(apichannel.DeliveryHeader))
	if len(f.ids) <= f.n {
		f.codes = append(f.codes, 503)
		w.WriteHeader(503)
		return
	}
	f.codes = append(f.codes, 200)
}

func TestDeliveryRetriesWithStableID(t *testing.T) {
	n := apptest.Start(t, db.SQLite)
	f := &flaky{n: 2}
	rs := httptest.NewServer(f)
	t.Cleanup(rs.Close)
	c := client{t: t, base: n.URL, token: n.Token}
	ch := c.postJSON("/api/v1/channels", map[string]string{"type": "api", "name": "Flaky", "callback_url": rs.URL}).JSON(t)
	w := &world{node: n, c: c, anon: client{t: t, base: n.URL}, chID: ch["id"].(string), secret: ch["secret"].(string)}
	body := inboundBody("r-1", "rt-1", "hello?")
	if r := w.postInbound(body, apichannel.Sign(w.secret, body)); r.Status != 202 {
		t.Fatal(r.Status)
	}
	conv := w.waitConversation(t, "rt-1")
	reply := c.postJSON("/api/v1/conversations/"+conv["id"].(string)+"/messages", map[string]string{"text": "Hi!"}).JSON(t)
	apptest.Eventually(t, 30*time.Second, "third attempt to succeed", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.codes) >= 3 && f.codes[len(f.codes)-1] == 200
	})
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, id := range f.ids {
		if id != reply["id"] {
			t.Fatalf("attempt %d carried delivery id %q, want %q", i, id, reply["id"])
		}
	}
	if len(f.ids) != 3 {
		t.Fatalf("%d attempts, want exactly 3 (2 failures, 1 success)", len(f.ids))
	}
}

func TestWebchatRefusesGenericInbound(t *testing.T) {
	w := newWorld(t, db.SQLite)
	ch := w.c.postJSON("/api/v1/channels", map[string]string{"type": "webchat", "name": "Site"}).JSON(t)
	body := []byte(`{"external_id":"x1","visitor_id":"v-1","text":"spoofed"}`)
	r := w.anon.do("POST", "/api/v1/channels/"+ch["id"].(string)+"/inbound", body, map[string]string{apichannel.SignatureHeader: apichannel.Sign(ch["secret"].(string), body)})
	if r.Status != 401 {
		t.Fatalf("webchat inbound through the generic endpoint: %d, want 401", r.Status)
	}
}

func TestAnalysisInAPI(t *testing.T) {
	w := newWorld(t, db.SQLite)
	_, agentTok := w.node.NewAgent(t, "agent@example.com", model.RoleAgent)
	agent := client{t: t, base: w.node.URL, token: agentTok}
	body := inboundBody("a-1", "at-1", "Charged twice on card 4111-1111-1111-1111, awful. Refund me!")
	if r := w.postInbound(body, apichannel.Sign(w.secret, body)); r.Status != 202 {
		t.Fatal(r.Status)
	}
	conv := w.waitConversation(t, "at-1")
	an := conv["analysis"].(map[string]any)
	if an["personal_data"] != true || an["sentiment"].(map[string]any)["label"] != "negative" || an["language"] != "en" {
		t.Fatalf("conversation analysis %+v", an)
	}
	if strings.Contains(conv["preview"].(string), "4111-1111-1111-1111") {
		t.Fatal("preview shows the card number")
	}
	id := conv["id"].(string)
	msgOf := func(c client) map[string]any {
		return c.do("GET", "/api/v1/conversations/"+id, nil, nil).JSON(t)["messages"].([]any)[0].(map[string]any)
	}
	m := msgOf(agent)
	a := m["analysis"].(map[string]any)
	if a["move_private"] != true || len(a["personal_data"].([]any)) != 1 {
		t.Fatalf("message analysis %+v", a)
	}
	if strings.Contains(m["text"].(string), "4111-1111-1111-1111") {
		t.Fatal("agent sees the card number in a public post")
	}
	if !strings.Contains(msgOf(w.c)["text"].(string), "4111-1111-1111-1111") {
		t.Fatal("admin does not see the original text")
	}
	for q, want := range map[string]int{"?sentiment=negative": 1, "?sentiment=positive": 0, "?personal_data=true": 1, "?personal_data=false": 0} {
		if got := len(w.c.do("GET", "/api/v1/conversations"+q, nil, nil).JSON(t)["conversations"].([]any)); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
	if r := w.c.postJSON("/api/v1/conversations/"+id+"/spam", map[string]bool{"spam": true}); r.Status != 200 || r.JSON(t)["analysis"].(map[string]any)["spam"] != true {
		t.Fatalf("mark spam: %d %s", r.Status, r.Body)
	}
	if got := len(w.c.do("GET", "/api/v1/conversations?view=open", nil, nil).JSON(t)["conversations"].([]any)); got != 0 {
		t.Fatalf("spam still in the open view (%d)", got)
	}
	if got := len(w.c.do("GET", "/api/v1/conversations?view=spam", nil, nil).JSON(t)["conversations"].([]any)); got != 1 {
		t.Fatalf("spam view has %d", got)
	}
	if r := w.c.postJSON("/api/v1/conversations/"+id+"/spam", map[string]string{}); r.Status != 400 {
		t.Fatalf("spam without verdict: %d", r.Status)
	}
}

func TestSLAContract(t *testing.T) {
	w := newWorld(t, db.SQLite)
	r := w.c.do("GET", "/api/v1/sla/policies", nil, nil)
	if r.Status != 200 {
		t.Fatalf("policies: %d %s", r.Status, r.Body)
	}
	byType := map[string]map[string]any{}
	var apiPolicyID string
	for _, p := range r.JSON(t)["policies"].([]any) {
		pm := p.(map[string]any)
		for _, ct := range pm["channel_types"].([]any) {
			byType[ct.(string)] = pm
			if ct == "api" {
				apiPolicyID = pm["id"].(string)
			}
		}
	}
	target := func(ct, metric string) (float64, float64) {
		m := byType[ct][metric].(map[string]any)
		return m["warn"].(float64), m["max"].(float64)
	}
	for _, c := range []struct {
		ct        string
		warn, max float64
	}{{"x", 900, 1800}, {"facebook", 1500, 86400}, {"webchat", 300, 3600}, {"messenger", 300, 3600}, {"reddit", 7200, 86400}, {"mastodon", 3600, 86400}, {"api", 3600, 86400}} {
		if warn, max := target(c.ct, "first_response"); warn != c.warn || max != c.max {
			t.Errorf("%s first_response = %v/%v, want %v/%v", c.ct, warn, max, c.warn, c.max)
		}
	}
	// Tighten the API channel's policy so that the clock runs out in the test.
	tight := map[string]any{"first_response": map[string]int{"warn": 1, "max": 2}, "next_response": map[string]int{"warn": 1, "max": 2},
		"resolution": map[string]int{"warn": 3600, "max": 7200}}
	if r := w.c.do("PUT", "/api/v1/sla/policies/"+apiPolicyID, must(json.Marshal(tight)), nil); r.Status != 200 {
		t.Fatalf("update policy: %d %s", r.Status, r.Body)
	}
	if r := w.c.do("PUT", "/api/v1/sla/policies/"+apiPolicyID, []byte(`{"first_response":{"warn":10,"max":5}}`), nil); r.Status != 400 {
		t.Fatalf("warn after max accepted: %d %s", r.Status, r.Body)
	}
	hooks := &receiver{}
	hs := httptest.NewServer(hooks)
	t.Cleanup(hs.Close)
	wh := w.c.postJSON("/api/v1/webhooks", map[string]any{"url": hs.URL, "events": []string{"sla.warning", "sla.breach"}})
	if wh.Status != 201 {
		t.Fatalf("webhook: %d %s", wh.Status, wh.Body)
	}
	hooks.secret = wh.JSON(t)["secret"].(string)

	body := inboundBody("s-1", "st-1", "hello, anyone there?")
	body = bytes.Replace(body, []byte(time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)), []byte(time.Now().UTC().Format(time.RFC3339)), 1)
	if r := w.postInbound(body, apichannel.Sign(w.secret, body)); r.Status != 202 {
		t.Fatal(r.Status)
	}
	conv := w.waitConversation(t, "st-1")
	id := conv["id"].(string)
	// A holding reply acknowledges but does not stop the response clock.
	if r := w.c.postJSON("/api/v1/conversations/"+id+"/messages", map[string]any{"text": "Looking into it!", "holding": true}); r.Status != 201 || r.JSON(t)["holding"] != true {
		t.Fatalf("holding reply: %d %s", r.Status, r.Body)
	}
	var full map[string]any
	apptest.Eventually(t, 20*time.Second, "breach recorded", func() bool {
		full = w.c.do("GET", "/api/v1/conversations/"+id, nil, nil).JSON(t)
		return len(full["sla"].(map[string]any)["breaches"].([]any)) > 0
	})
	s := full["sla"].(map[string]any)
	if s["policy_id"] != apiPolicyID || s["breached"] != true {
		t.Fatalf("sla %+v", s)
	}
	if full["acknowledged_seconds"] == nil || full["first_response_seconds"] != nil {
		t.Fatalf("acknowledged %v, first response %v: a holding reply acknowledges only", full["acknowledged_seconds"], full["first_response_seconds"])
	}
	apptest.Eventually(t, 20*time.Second, "both webhooks", func() bool { return len(hooks.all()) >= 2 })
	time.Sleep(1500 * time.Millisecond) // let any duplicate surface
	seen := map[string]int{}
	for _, d := range hooks.all() {
		if !d.SigOK {
			t.Fatal("webhook signature does not verify")
		}
		seen[d.ID]++
	}
	if len(hooks.all()) != 2 || len(seen) != 2 {
		t.Fatalf("%d webhook deliveries (%d distinct), want exactly 2 (warning and breach)", len(hooks.all()), len(seen))
	}
	ns := w.c.do("GET", "/api/v1/notifications", nil, nil).JSON(t)["notifications"].([]any)
	if len(ns) != 2 {
		t.Fatalf("admin has %d notifications, want 2", len(ns))
	}
	// A substantive reply now closes the response clock.
	w.c.postJSON("/api/v1/conversations/"+id+"/messages", map[string]any{"text": "Fixed: your refund is on its way."})
	after := w.c.do("GET", "/api/v1/conversations/"+id, nil, nil).JSON(t)
	if after["first_response_seconds"] == nil || after["sla"].(map[string]any)["first_response_due_at"] != nil {
		t.Fatalf("after a real answer: %+v", after["sla"])
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
