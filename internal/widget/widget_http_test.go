package widget_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/widget"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is a started node with a webchat channel and an API channel.
type fixture struct {
	n       *apptest.Node
	chat    model.Channel
	apiChan model.Channel
}

func newFixture(t *testing.T, n *apptest.Node) fixture {
	t.Helper()
	ctx := context.Background()
	chat, err := n.App.Accounts.CreateChannel(ctx, accounts.NewChannel{WorkspaceID: n.Admin.WorkspaceID, Type: model.ChannelWebchat, Name: "Website chat"})
	if err != nil {
		t.Fatal(err)
	}
	apiChan, err := n.App.Accounts.CreateChannel(ctx, accounts.NewChannel{WorkspaceID: n.Admin.WorkspaceID, Type: model.ChannelAPI, Name: "Integration"})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{n: n, chat: chat, apiChan: apiChan}
}

type session struct {
	VisitorID string `json:"visitor_id"`
	Token     string `json:"token"`
}

type visitorMessage struct {
	ID         string `json:"id"`
	Direction  string `json:"direction"`
	Text       string `json:"text"`
	CreatedAt  string `json:"created_at"`
	AuthorName string `json:"author_name"`
	ExternalID string `json:"external_id"`
}

// do sends one request and returns the status, headers and body.
func do(t *testing.T, method, url string, header map[string]string, body string) (int, http.Header, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func (f fixture) newSession(t *testing.T) session {
	t.Helper()
	status, _, body := do(t, "POST", f.n.URL+"/widget/"+f.chat.ID+"/session", nil, "")
	if status != http.StatusOK {
		t.Fatalf("session: %d %s", status, body)
	}
	var s session
	if err := json.Unmarshal([]byte(body), &s); err != nil || s.VisitorID == "" || !strings.HasPrefix(s.Token, s.VisitorID+".") {
		t.Fatalf("session body %s: %v", body, err)
	}
	return s
}

func (f fixture) messages(t *testing.T, s session) []visitorMessage {
	t.Helper()
	status, _, body := do(t, "GET", f.n.URL+"/widget/"+f.chat.ID+"/messages", map[string]string{"X-Heed-Visitor": s.Token}, "")
	if status != http.StatusOK {
		t.Fatalf("messages: %d %s", status, body)
	}
	var out struct {
		Messages []visitorMessage `json:"messages"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.Messages == nil {
		t.Fatalf("messages body %s: %v (want a list, even empty)", body, err)
	}
	return out.Messages
}

func (f fixture) post(t *testing.T, s session, externalID, text string) int {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"external_id": externalID, "text": text, "name": "Maria Lopez"})
	status, _, body := do(t, "POST", f.n.URL+"/widget/"+f.chat.ID+"/messages", map[string]string{"X-Heed-Visitor": s.Token, "Content-Type": "application/json"}, string(b))
	if status != http.StatusAccepted && status != http.StatusOK {
		t.Fatalf("post message: %d %s", status, body)
	}
	return status
}

// conversation waits until the visitor's conversation exists and returns it.
func (f fixture) conversation(t *testing.T, visitorID string) model.Conversation {
	t.Helper()
	var conv model.Conversation
	apptest.Eventually(t, 10*time.Second, "the visitor's conversation", func() bool {
		var err error
		conv, err = f.n.App.Store.GetConversationByThread(context.Background(), f.chat.ID, visitorID)
		return err == nil
	})
	return conv
}

// scenario is one request and what its answer must (not) hold.
type scenario struct {
	name, method, url string
	header            map[string]string
	body              string
	want              want
}

type want struct {
	status  int
	has     []string
	hasNot  []string
	headers map[string]string
}

func TestWidgetHTTP(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, apptest.Start(t, engine))
			ctx := context.Background()
			base := f.n.URL + "/widget/" + f.chat.ID

			// A visitor with a conversation holding a reply and an internal note.
			maria := f.newSession(t)
			if got := f.messages(t, maria); len(got) != 0 {
				t.Fatalf("messages before any = %+v, want none", got)
			}
			if st := f.post(t, maria, "m-1", "Where is my order?"); st != http.StatusAccepted {
				t.Fatalf("first post: %d, want 202", st)
			}
			conv := f.conversation(t, maria.VisitorID)
			if conv.ChannelID != f.chat.ID || conv.CustomerName != "Maria Lopez" {
				t.Fatalf("conversation = %+v", conv)
			}
			if _, err := f.n.App.Inbox.Reply(ctx, f.n.Admin, conv.ID, inbox.ReplyInput{Text: "INTERNAL: refund fraud risk", Note: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.n.App.Inbox.Reply(ctx, f.n.Admin, conv.ID, inbox.ReplyInput{Text: "It ships today."}); err != nil {
				t.Fatal(err)
			}
			other := f.newSession(t)
			forged := other.VisitorID + "." + strings.SplitN(maria.Token, ".", 2)[1]
			auth := map[string]string{"X-Heed-Visitor": maria.Token, "Content-Type": "application/json"}
			big := `{"external_id":"big","text":"` + strings.Repeat("a", 17<<10) + `"}`

			cors := map[string]string{"Access-Control-Allow-Origin": "*"}
			scenarios := []scenario{
				{"session", "POST", base + "/session", nil, "", want{200, []string{`"visitor_id":"v`, `"token":"v`}, nil, cors}},
				{"messages without token", "GET", base + "/messages", nil, "", want{401, []string{`"code":"unauthorized"`}, nil, cors}},
				{"messages with a forged token", "GET", base + "/messages", map[string]string{"X-Heed-Visitor": forged}, "", want{401, nil, nil, nil}},
				{"token in the query is for the event stream only", "GET", base + "/messages?token=" + maria.Token, nil, "", want{401, nil, nil, nil}},
				{"post with a bad token", "POST", base + "/messages", map[string]string{"X-Heed-Visitor": maria.Token + "x"}, `{"external_id":"x","text":"hi"}`, want{401, nil, nil, nil}},
				{"events with a bad token", "GET", base + "/events?visitor_id=" + maria.VisitorID + "&token=" + forged, nil, "", want{401, nil, nil, nil}},
				{"events with another visitor_id", "GET", base + "/events?visitor_id=" + other.VisitorID + "&token=" + maria.Token, nil, "", want{401, nil, nil, nil}},
				{"accepted", "POST", base + "/messages", auth, `{"external_id":"m-2","text":"Any news?","name":"Maria"}`, want{202, []string{`"status":"accepted"`, `"external_id":"m-2"`}, nil, cors}},
				{"duplicate", "POST", base + "/messages", auth, `{"external_id":"m-2","text":"Any news?","name":"Maria"}`, want{200, []string{`"status":"duplicate"`}, nil, nil}},
				{"too large", "POST", base + "/messages", auth, big, want{413, []string{`"code":"too_large"`, `"field":"body"`}, nil, nil}},
				{"malformed JSON", "POST", base + "/messages", auth, `{"text":`, want{400, []string{`"field":"body"`}, nil, nil}},
				{"missing text", "POST", base + "/messages", auth, `{"external_id":"m-3"}`, want{400, []string{`"field":"text"`}, nil, nil}},
				{"text of the wrong type", "POST", base + "/messages", auth, `{"external_id":"m-3","text":42}`, want{400, []string{`"field":"text"`}, nil, nil}},
				{"missing external_id", "POST", base + "/messages", auth, `{"text":"hi"}`, want{400, []string{`"field":"external_id"`}, nil, nil}},
				{"history: no notes, agent's first name", "GET", base + "/messages", auth, "", want{200,
					[]string{`"text":"Where is my order?"`, `"text":"It ships today."`, `"author_name":"Ada"`, `"external_id":"m-1"`, `"direction":"out"`},
					[]string{"INTERNAL", "note", "Admin", maria.VisitorID + ":"}, cors}},
				{"other visitor sees nothing", "GET", base + "/messages", map[string]string{"X-Heed-Visitor": other.Token}, "", want{200, []string{`{"messages":[]}`}, nil, nil}},
				{"preflight", "OPTIONS", base + "/messages", map[string]string{"Origin": "https://brand.example", "Access-Control-Request-Method": "POST",
					"Access-Control-Request-Headers": "content-type,x-heed-visitor"}, "", want{204, nil, nil, map[string]string{
					"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS", "Access-Control-Allow-Headers": "Content-Type, X-Heed-Visitor"}}},
				{"script", "GET", f.n.URL + "/widget/" + f.chat.ID + ".js", nil, "", want{200, []string{`{"channel":"` + f.chat.ID + `","base":"`, "attachShadow", "textContent"},
					[]string{"HEED_CONFIG", "innerHTML"}, map[string]string{"Content-Type": "text/javascript; charset=utf-8"}}},
				{"demo page", "GET", base + "/demo", nil, "", want{200, []string{`<script src="/widget/` + f.chat.ID + `.js" async>`, "Website chat",
					"&lt;script src=&#34;"}, nil, map[string]string{"Content-Type": "text/html; charset=utf-8"}}},
				{"script path without .js", "GET", f.n.URL + "/widget/" + f.chat.ID, nil, "", want{404, nil, nil, nil}},
				{"unknown channel", "POST", f.n.URL + "/widget/01NOSUCHCHANNEL0000000000/session", nil, "", want{404, []string{`"code":"not_found"`}, nil, nil}},
			}
			// A non-webchat channel serves none of it.
			for _, path := range []string{"POST /session", "GET /messages", "POST /messages", "GET /events", "GET /demo", "OPTIONS /messages"} {
				method, suffix, _ := strings.Cut(path, " ")
				scenarios = append(scenarios, scenario{"api channel " + path, method, f.n.URL + "/widget/" + f.apiChan.ID + suffix, nil, "", want{404, nil, nil, nil}})
			}
			scenarios = append(scenarios, scenario{"api channel script", "GET", f.n.URL + "/widget/" + f.apiChan.ID + ".js", nil, "", want{404, nil, nil, nil}})

			for _, sc := range scenarios {
				status, hdr, body := do(t, sc.method, sc.url, sc.header, sc.body)
				if status != sc.want.status {
					t.Errorf("%s: status %d, want %d; body %s", sc.name, status, sc.want.status, body)
					continue
				}
				for _, s := range sc.want.has {
					if !strings.Contains(body, s) {
						t.Errorf("%s: body lacks %q: %s", sc.name, s, body)
					}
				}
				for _, s := range sc.want.hasNot {
					if strings.Contains(body, s) {
						t.Errorf("%s: body contains %q: %s", sc.name, s, body)
					}
				}
				for k, v := range sc.want.headers {
					if got := hdr.Get(k); got != v {
						t.Errorf("%s: header %s = %q, want %q", sc.name, k, got, v)
					}
				}
			}

			// The visitor id in a body is ignored: the token decides.
			do(t, "POST", base+"/messages", map[string]string{"X-Heed-Visitor": other.Token},
				`{"external_id":"o-1","text":"I am Maria","visitor_id":"`+maria.VisitorID+`"}`)
			otherConv := f.conversation(t, other.VisitorID)
			if otherConv.ID == conv.ID {
				t.Fatal("a body's visitor_id reached another visitor's conversation")
			}
			apptest.Eventually(t, 10*time.Second, "maria's second message", func() bool { return len(f.messages(t, maria)) == 3 })
			for _, m := range f.messages(t, maria) {
				if m.Text == "I am Maria" || m.Direction == "note" {
					t.Fatalf("maria's history holds %+v", m)
				}
			}
			// The store query itself: newest first by limit, oldest first out, no notes.
			last2, err := f.n.App.Store.ListCustomerMessages(ctx, conv.ID, 2)
			if err != nil || len(last2) != 2 || last2[0].Text != "It ships today." || last2[1].Text != "Any news?" {
				t.Fatalf("ListCustomerMessages(limit 2) = %+v, %v; want the reply then the second message", last2, err)
			}
			all, err := f.n.App.Store.ListCustomerMessages(ctx, conv.ID, 100)
			if err != nil || len(all) != 3 {
				t.Fatalf("ListCustomerMessages = %+v, %v; want 3 messages and no note", all, err)
			}
			// The same client id from two visitors is two messages.
			if st := f.post(t, other, "m-1", "same client id as maria's"); st != http.StatusAccepted {
				t.Fatalf("other visitor's m-1: %d, want 202 (ids are per visitor)", st)
			}
		})
	}
}

func TestWidgetRateLimit(t *testing.T) {
	f := newFixture(t, apptest.Start(t, dbtest.Engines[0]))
	s := f.newSession(t)
	url := f.n.URL + "/widget/" + f.chat.ID + "/messages"
	hdr := map[string]string{"X-Heed-Visitor": s.Token}
	start := time.Now()
	post := func(i int) (int, http.Header, string) {
		b, _ := json.Marshal(map[string]string{"external_id": fmt.Sprintf("r-%03d", i), "text": "spam"})
		return do(t, "POST", url, hdr, string(b))
	}
	for i := range 30 {
		if st, _, body := post(i); st != http.StatusAccepted {
			t.Fatalf("message %d: %d %s", i+1, st, body)
		}
	}
	// The bucket refills at one message per 2 s, so on a slow machine a few
	// more may pass; the limit is what the elapsed time allows, no more.
	accepted := 30
	for i := 30; ; i++ {
		st, h, body := post(i)
		if st == http.StatusAccepted {
			accepted++
			if allowed := 30 + int(time.Since(start).Seconds()/2) + 1; accepted > allowed {
				t.Fatalf("%d messages accepted in %v, the limit allows %d", accepted, time.Since(start), allowed)
			}
			continue
		}
		if st != http.StatusTooManyRequests || h.Get("Retry-After") == "" || !strings.Contains(body, `"code":"rate_limited"`) {
			t.Fatalf("message %d over the limit: %d Retry-After=%q %s; want 429 with Retry-After", i+1, st, h.Get("Retry-After"), body)
		}
		break
	}
	// Another visitor is not affected.
	if st := f.post(t, f.newSession(t), "x-1", "hello"); st != http.StatusAccepted {
		t.Fatalf("another visitor: %d", st)
	}
}

// sse reads an event stream and reports each event's name.
func sse(t *testing.T, url string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("events without CORS header")
	}
	out := make(chan string, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				out <- name
			}
		}
	}()
	t.Cleanup(func() { cancel(); resp.Body.Close(); <-done })
	return out
}

func waitEvent(t *testing.T, events <-chan string, what string) {
	t.Helper()
	select {
	case name, ok := <-events:
		if !ok {
			t.Fatalf("stream ended waiting for %s", what)
		}
		if name != "message" {
			t.Fatalf("got event %q waiting for %s, want message", name, what)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no event within 10s: %s", what)
	}
}

// TestWidgetEventsBeforeConversation: a visitor who opens the stream before
// writing anything gets their first reply live, and no event about other
// visitors' conversations.
func TestWidgetEventsBeforeConversation(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, apptest.Start(t, engine))
			ctx := context.Background()
			maria, bob := f.newSession(t), f.newSession(t)
			events := sse(t, f.n.URL+"/widget/"+f.chat.ID+"/events?visitor_id="+maria.VisitorID+"&token="+maria.Token)

			// Someone else's new conversation, and a reply to it, are not Maria's business.
			f.post(t, bob, "b-1", "Hello from Bob")
			bobConv := f.conversation(t, bob.VisitorID)
			if _, err := f.n.App.Inbox.Reply(ctx, f.n.Admin, bobConv.ID, inbox.ReplyInput{Text: "Hi Bob"}); err != nil {
				t.Fatal(err)
			}
			select {
			case name := <-events:
				t.Fatalf("maria's stream got %q for bob's conversation", name)
			case <-time.After(300 * time.Millisecond): // a negative check needs a window
			}

			f.post(t, maria, "m-1", "Hello from Maria")
			waitEvent(t, events, "maria's conversation to appear")
			conv := f.conversation(t, maria.VisitorID)
			if _, err := f.n.App.Inbox.Reply(ctx, f.n.Admin, conv.ID, inbox.ReplyInput{Text: "Hi Maria"}); err != nil {
				t.Fatal(err)
			}
			waitEvent(t, events, "the reply")
			got := f.messages(t, maria)
			if len(got) != 2 || got[1].Text != "Hi Maria" || got[1].Direction != "out" {
				t.Fatalf("messages after the reply = %+v", got)
			}

			// A stream opened once the conversation exists follows it at once.
			later := sse(t, f.n.URL+"/widget/"+f.chat.ID+"/events?token="+maria.Token)
			if _, err := f.n.App.Inbox.Reply(ctx, f.n.Admin, conv.ID, inbox.ReplyInput{Text: "Anything else?"}); err != nil {
				t.Fatal(err)
			}
			waitEvent(t, later, "the second reply on a new stream")
			waitEvent(t, events, "the second reply on the first stream")
		})
	}
}

func TestSnippet(t *testing.T) {
	got := widget.Snippet("https://care.example.com", "01ABC")
	if want := `<script src="https://care.example.com/widget/01ABC.js" async></script>`; got != want {
		t.Fatalf("Snippet = %s, want %s", got, want)
	}
}
