package survey_test

import (
	"bytes"
	"encoding/json"
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

// callback is the integrator's endpoint of an API channel: it records the
// signed replies Heed posts to it.
type callback struct {
	mu      sync.Mutex
	secret  string
	replies []apichannel.Reply
	badSig  int
}

func (c *callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !apichannel.VerifySignature(c.secret, body, r.Header.Get(apichannel.SignatureHeader)) {
		c.badSig++
	}
	var rep apichannel.Reply
	if err := json.Unmarshal(body, &rep); err == nil {
		c.replies = append(c.replies, rep)
	}
	w.WriteHeader(http.StatusOK)
}

func (c *callback) surveys() []apichannel.Reply {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []apichannel.Reply
	for _, r := range c.replies {
		if r.Survey != nil {
			out = append(out, r)
		}
	}
	return out
}

type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (c apiClient) do(method, path string, body any, hdr map[string]string) (int, []byte) {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func (c apiClient) json(method, path string, body any, want int, into any) {
	c.t.Helper()
	status, b := c.do(method, path, body, nil)
	if status != want {
		c.t.Fatalf("%s %s: %d %s (want %d)", method, path, status, b, want)
	}
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
}

// apiWorld is a node with an API channel whose callback records replies.
type apiWorld struct {
	node   *apptest.Node
	c      apiClient
	cb     *callback
	chID   string
	secret string
}

func newAPIWorld(t *testing.T, engine db.Engine) *apiWorld {
	n := apptest.Start(t, engine)
	cb := &callback{}
	srv := httptest.NewServer(cb)
	t.Cleanup(srv.Close)
	c := apiClient{t: t, base: n.URL, token: n.Token}
	var ch struct{ ID, Secret string }
	c.json("POST", "/api/v1/channels", map[string]string{"type": "api", "name": "Shop", "callback_url": srv.URL + "/cb"}, http.StatusCreated, &ch)
	cb.secret = ch.Secret
	return &apiWorld{node: n, c: c, cb: cb, chID: ch.ID, secret: ch.Secret}
}

// customerSays posts a customer message into the API channel, signed.
func (w *apiWorld) customerSays(t *testing.T, externalID, thread, text string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"external_id": externalID, "thread_id": thread,
		"author": map[string]string{"id": "cust-" + thread, "name": "Ana Diaz"}, "text": text, "public": false})
	status, b := w.c.do("POST", "/api/v1/channels/"+w.chID+"/inbound", body, map[string]string{apichannel.SignatureHeader: apichannel.Sign(w.secret, body)})
	if status != http.StatusAccepted {
		t.Fatalf("inbound %q: %d %s", text, status, b)
	}
}

type conversationJSON struct {
	ID       string `json:"id"`
	ThreadID string `json:"thread_id"`
	Status   string `json:"status"`
	Messages []struct {
		Direction string `json:"direction"`
		Text      string `json:"text"`
	} `json:"messages"`
	Surveys []struct {
		ID         string `json:"id"`
		Kind       string `json:"kind"`
		Status     string `json:"status"`
		Score      *int   `json:"score"`
		Max        int    `json:"max"`
		AnswerText string `json:"answer_text"`
	} `json:"surveys"`
}

func (w *apiWorld) conversation(t *testing.T, id string) conversationJSON {
	t.Helper()
	var c conversationJSON
	w.c.json("GET", "/api/v1/conversations/"+id, nil, http.StatusOK, &c)
	return c
}

func (w *apiWorld) waitThread(t *testing.T, thread string) string {
	t.Helper()
	var id string
	apptest.Eventually(t, 10*time.Second, "conversation "+thread, func() bool {
		var list struct{ Conversations []conversationJSON }
		w.c.json("GET", "/api/v1/conversations?status=open", nil, http.StatusOK, &list)
		for _, c := range list.Conversations {
			if c.ThreadID == thread {
				id = c.ID
				return true
			}
		}
		return false
	})
	return id
}

type summaryJSON struct {
	Groups []struct {
		Key           string `json:"key"`
		Conversations int    `json:"conversations"`
		CSAT          struct {
			Responses int      `json:"responses"`
			Score     *float64 `json:"score"`
			Average   *float64 `json:"average"`
		} `json:"csat"`
		NPS struct {
			Responses int      `json:"responses"`
			Score     *float64 `json:"score"`
		} `json:"nps"`
	} `json:"groups"`
}

// TestAPIChannelSurveyScenario: an agent resolves an API-channel
// conversation, the CSAT question goes to the callback like a reply, the
// customer's "5/5" is recorded as the answer without reopening, and the
// summary and CSV reports show it.
func TestAPIChannelSurveyScenario(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		w := newAPIWorld(t, d.Engine)

		// Settings: validation, roles, then on.
		status, b := w.c.do("PUT", "/api/v1/settings/survey", map[string]any{"enabled": true, "kind": "stars"}, nil)
		if status != http.StatusBadRequest || !strings.Contains(string(b), `"field":"kind"`) {
			t.Fatalf("bad kind: %d %s", status, b)
		}
		status, b = w.c.do("PUT", "/api/v1/settings/survey", map[string]any{"enabled": true, "kind": "csat", "channel_ids": []string{"nope"}}, nil)
		if status != http.StatusBadRequest || !strings.Contains(string(b), `"field":"channel_ids"`) {
			t.Fatalf("unknown channel: %d %s", status, b)
		}
		_, agentToken := w.node.NewAgent(t, "agent@example.com", model.RoleAgent)
		if status, _ := (apiClient{t: t, base: w.node.URL, token: agentToken}).do("PUT", "/api/v1/settings/survey", map[string]any{"enabled": false}, nil); status != http.StatusForbidden {
			t.Fatalf("agent changed survey settings: %d", status)
		}
		var set struct {
			Enabled    bool     `json:"enabled"`
			Kind       string   `json:"kind"`
			ChannelIDs []string `json:"channel_ids"`
			Text       string   `json:"text"`
		}
		w.c.json("PUT", "/api/v1/settings/survey", map[string]any{"enabled": true, "kind": "csat", "question": "How did we do today?",
			"channel_ids": []string{w.chID}}, http.StatusOK, &set)
		if !set.Enabled || set.Kind != "csat" || len(set.ChannelIDs) != 1 || !strings.HasPrefix(set.Text, "How did we do today?\n") {
			t.Fatalf("saved settings = %+v", set)
		}

		w.customerSays(t, "m-1", "order-42", "Where is my order?")
		convID := w.waitThread(t, "order-42")
		w.c.json("POST", "/api/v1/conversations/"+convID+"/messages", map[string]any{"text": "It ships today, sorry for the wait."}, http.StatusCreated, nil)
		w.c.json("POST", "/api/v1/conversations/"+convID+"/status", map[string]string{"status": "resolved"}, http.StatusOK, nil)
		// Resolving an already resolved conversation is the same resolution.
		w.c.json("POST", "/api/v1/conversations/"+convID+"/status", map[string]string{"status": "resolved"}, http.StatusOK, nil)

		apptest.Eventually(t, 15*time.Second, "the survey at the callback", func() bool { return len(w.cb.surveys()) > 0 })
		sv := w.cb.surveys()[0]
		if sv.ConversationID != convID || sv.Public || sv.Survey.Kind != "csat" || sv.Survey.Min != 1 || sv.Survey.Max != 5 ||
			!strings.Contains(sv.Text, "How did we do today?") || !strings.Contains(sv.Text, "1") || sv.ID != sv.Survey.ID {
			t.Fatalf("survey delivery = %+v (survey %+v)", sv, sv.Survey)
		}
		apptest.Eventually(t, 10*time.Second, "survey marked sent", func() bool {
			c := w.conversation(t, convID)
			return len(c.Surveys) == 1 && c.Surveys[0].Status == "sent"
		})

		// The customer answers with a score-only message.
		w.customerSays(t, "m-2", "order-42", "5/5")
		apptest.Eventually(t, 10*time.Second, "answer recorded", func() bool {
			c := w.conversation(t, convID)
			return len(c.Surveys) == 1 && c.Surveys[0].Status == "answered"
		})
		c := w.conversation(t, convID)
		if s := c.Surveys[0]; s.Score == nil || *s.Score != 5 || s.Max != 5 || s.AnswerText != "5/5" {
			t.Fatalf("answered survey = %+v", s)
		}
		if c.Status != model.StatusResolved {
			t.Fatalf("the answer reopened the conversation: %s", c.Status)
		}
		for _, m := range c.Messages {
			if m.Text == "5/5" {
				t.Fatalf("the answer became a message: %+v", c.Messages)
			}
		}
		if n := len(w.cb.surveys()); n != 1 {
			t.Fatalf("%d surveys sent for one resolution", n)
		}

		// Another score-only message has no survey waiting: it is a normal
		// message and reopens the conversation.
		w.customerSays(t, "m-3", "order-42", "4")
		apptest.Eventually(t, 10*time.Second, "the second message reopens", func() bool {
			return w.conversation(t, convID).Status == model.StatusNew
		})
		if c := w.conversation(t, convID); c.Surveys[0].Score == nil || *c.Surveys[0].Score != 5 {
			t.Fatalf("the later message changed the answer: %+v", c.Surveys[0])
		}

		var sum summaryJSON
		w.c.json("GET", "/api/v1/reports/summary", nil, http.StatusOK, &sum)
		if len(sum.Groups) != 1 {
			t.Fatalf("summary groups = %+v", sum.Groups)
		}
		g := sum.Groups[0]
		if g.CSAT.Responses != 1 || g.CSAT.Score == nil || *g.CSAT.Score != 1 || g.CSAT.Average == nil || *g.CSAT.Average != 5 ||
			g.NPS.Responses != 0 || g.NPS.Score != nil {
			t.Fatalf("summary survey figures = %+v", g)
		}
		status, csvBody := w.c.do("GET", "/api/v1/reports/conversations.csv", nil, nil)
		lines := strings.Split(strings.TrimSpace(string(csvBody)), "\n")
		if status != http.StatusOK || len(lines) != 2 || !strings.Contains(lines[0], "survey_kind,survey_score") || !strings.Contains(lines[1], ",csat,5,") {
			t.Fatalf("csv: %d\n%s", status, csvBody)
		}
		if w.cb.badSig != 0 {
			t.Fatalf("%d callbacks with a bad signature", w.cb.badSig)
		}
	})
}
