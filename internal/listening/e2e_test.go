package listening_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/listen/source"
	"github.com/heed-dev/heed/internal/listen/source/jetstreamtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// apiCall sends a JSON request with the node's admin token and decodes the answer.
func apiCall(t *testing.T, n *apptest.Node, method, path string, in, out any) int {
	t.Helper()
	var body bytes.Buffer
	if in != nil {
		json.NewEncoder(&body).Encode(in)
	}
	req, _ := http.NewRequest(method, n.URL+path, &body)
	req.Header.Set("Authorization", "Bearer "+n.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

type mentionOut struct {
	ID             string   `json:"id"`
	PostID         string   `json:"post_id"`
	Text           string   `json:"text"`
	RuleIDs        []string `json:"rule_ids"`
	ConversationID string   `json:"conversation_id"`
}

func mentions(t *testing.T, n *apptest.Node, query string) []mentionOut {
	t.Helper()
	var out struct{ Mentions []mentionOut }
	if code := apiCall(t, n, "GET", "/api/v1/listening/mentions?limit=500"+query, nil, &out); code != 200 {
		t.Fatalf("GET mentions: %d", code)
	}
	return out.Mentions
}

// runListening runs the node's listening service on a fresh Jetstream
// source pointed at the emulator; the returned stop waits for it to end.
func runListening(n *apptest.Node, url string) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	js := source.NewJetstream(source.JetstreamConfig{URL: url, Options: source.Options{
		Backoff: source.Backoff{Initial: 10 * time.Millisecond, Max: 50 * time.Millisecond, Jitter: -1}}})
	done := make(chan struct{})
	go func() { defer close(done); n.App.Listening.Run(ctx, []source.Source{js}) }()
	return func() { cancel(); <-done }
}

// TestJetstreamToFeedAndInbox is the acceptance path: the Jetstream
// emulator streams posts, rules match some, the mentions appear in the API
// feed, the "conversation" rule opens inbox conversations, and after a
// dropped connection and after a restart the stream resumes from its
// cursor with no gap and no duplicate.
func TestJetstreamToFeedAndInbox(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) { testJetstreamToFeedAndInbox(t, engine) })
	}
}

func testJetstreamToFeedAndInbox(t *testing.T, engine db.Engine) {
	n := apptest.Start(t, engine)
	var feed, convo struct{ ID string }
	if code := apiCall(t, n, "POST", "/api/v1/listening/rules", map[string]any{"name": "Acme", "query": "acme OR #acme"}, &feed); code != 201 {
		t.Fatalf("create rule: %d", code)
	}
	if code := apiCall(t, n, "POST", "/api/v1/listening/rules", map[string]any{"name": "Acme outage", "query": `acme NEAR/3 (down OR outage)`, "action": "conversation"}, &convo); code != 201 {
		t.Fatalf("create rule: %d", code)
	}
	var bad struct {
		Error struct {
			Field  string
			Column int
		}
	}
	if code := apiCall(t, n, "POST", "/api/v1/listening/rules", map[string]any{"name": "Broken", "query": "acme AND (down"}, &bad); code != 400 || bad.Error.Field != "query" || bad.Error.Column == 0 {
		t.Fatalf("a broken query: %d %+v", code, bad)
	}

	em := jetstreamtest.New(t)
	em.DropAfter(7) // the first connection breaks after 7 frames, mid-burst
	stop := runListening(n, em.URL)
	apptest.Eventually(t, 10*time.Second, "the source to connect", func() bool { return em.Connections() >= 1 })

	wantFeed, wantConvo := map[string]bool{}, map[string]bool{}
	post := func(i int) {
		var text string
		switch i % 4 {
		case 0:
			text = fmt.Sprintf("loving my new acme kettle #%d", i)
		case 1:
			text = fmt.Sprintf("acme is down again, outage number %d <script>alert(1)</script>", i)
		default:
			text = fmt.Sprintf("nothing to see here %d", i)
		}
		rkey := fmt.Sprintf("3k%010d", i)
		em.PublishPost(jetstreamtest.Post{DID: "did:plc:ewvi7nxzyoun6zhxrhs64oiz", RKey: rkey, Text: text, Langs: []string{"en"}})
		id := "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/" + rkey
		if i%4 < 2 {
			wantFeed[id] = true
		}
		if i%4 == 1 {
			wantConvo[id] = true
		}
	}
	for i := range 20 {
		post(i)
	}
	apptest.Eventually(t, 20*time.Second, "the first burst in the feed", func() bool { return len(mentions(t, n, "")) == len(wantFeed) })
	if em.Connections() < 2 {
		t.Fatalf("the dropped connection was not re-established (%d connections)", em.Connections())
	}

	// A restart: the service stops, posts keep coming, a new run resumes
	// from the cursor saved in the database.
	stop()
	for i := 20; i < 40; i++ {
		post(i)
	}
	stop = runListening(n, em.URL)
	defer stop()
	apptest.Eventually(t, 20*time.Second, "the posts published while stopped", func() bool { return len(mentions(t, n, "")) >= len(wantFeed) })
	curs := em.Cursors()
	if last := curs[len(curs)-1]; last == "" {
		t.Fatalf("the restarted source did not resume from a cursor: %v", curs)
	}
	time.Sleep(300 * time.Millisecond) // let any duplicate the stream could still hand over arrive
	got := mentions(t, n, "")
	if len(got) != len(wantFeed) {
		t.Fatalf("feed has %d mentions, want exactly %d", len(got), len(wantFeed))
	}
	seen := map[string]bool{}
	for _, m := range got {
		if !wantFeed[m.PostID] || seen[m.PostID] {
			t.Fatalf("unexpected or repeated mention %s: %q", m.PostID, m.Text)
		}
		seen[m.PostID] = true
	}
	if n := len(mentions(t, n, "&rule="+convo.ID)); n != len(wantConvo) {
		t.Fatalf("outage rule has %d mentions, want %d", n, len(wantConvo))
	}

	// Every outage mention became its own inbox conversation.
	convs := map[string]bool{}
	apptest.Eventually(t, 20*time.Second, "inbox conversations for the outage mentions", func() bool {
		clear(convs)
		for _, m := range mentions(t, n, "&rule="+convo.ID) {
			if m.ConversationID != "" {
				convs[m.ConversationID] = true
			}
		}
		return len(convs) == len(wantConvo)
	})
	for id := range convs {
		var c struct {
			ChannelType string `json:"channel_type"`
			Public      bool   `json:"public"`
			Messages    []struct{ Text string }
		}
		if code := apiCall(t, n, "GET", "/api/v1/conversations/"+id, nil, &c); code != 200 || c.ChannelType != "listening" || !c.Public {
			t.Fatalf("conversation %s: %d %+v", id, code, c)
		}
	}
	for _, m := range mentions(t, n, "&rule="+feed.ID) {
		if !strings.Contains(m.Text, "acme") {
			t.Fatalf("mention without the brand: %q", m.Text)
		}
		if m.ConversationID != "" && !wantConvo[m.PostID] {
			t.Fatalf("a feed-only mention opened a conversation: %q", m.Text)
		}
	}
}
