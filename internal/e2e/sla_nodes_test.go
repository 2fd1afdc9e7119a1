package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
)

// TestTwoNodesFireEachBreachOnce runs two heed processes on one PostgreSQL
// database, posts customer messages to both, lets every first-response clock
// warn and breach, and checks that each threshold fired exactly once across
// the two nodes: one webhook delivery per (conversation, threshold).
func TestTwoNodesFireEachBreachOnce(t *testing.T) {
	t.Parallel()
	in := newInstance(t, db.Postgres)
	token := in.createAdmin(t)
	rcv := newReceiver(t)
	a := in.start(t)
	b := in.start(t)
	api := a.client(token)
	ch := api.createChannel(t, rcv.URL())

	// Tighten the API channel's first-response targets to seconds.
	var policies struct {
		Policies []struct {
			ID           string   `json:"id"`
			ChannelTypes []string `json:"channel_types"`
		} `json:"policies"`
	}
	api.must(t, "GET", "/api/v1/sla/policies", nil, &policies, http.StatusOK)
	for _, p := range policies.Policies {
		for _, ct := range p.ChannelTypes {
			if ct == "api" {
				api.must(t, "PUT", "/api/v1/sla/policies/"+p.ID, map[string]any{
					"first_response": map[string]int{"warn": 2, "max": 4}, "next_response": map[string]int{"warn": 2, "max": 4},
					"resolution": map[string]int{"warn": 3600, "max": 7200}}, nil, http.StatusOK)
			}
		}
	}

	var mu sync.Mutex
	seen := map[string]int{} // conversation|key → deliveries
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var d struct {
			Event string `json:"event"`
			Data  struct {
				ConversationID string `json:"conversation_id"`
				Key            string `json:"key"`
			} `json:"data"`
		}
		body, _ := io.ReadAll(r.Body)
		if json.Unmarshal(body, &d) == nil {
			mu.Lock()
			seen[d.Data.ConversationID+"|"+d.Data.Key]++
			mu.Unlock()
		}
	}))
	t.Cleanup(hooks.Close)
	api.must(t, "POST", "/api/v1/webhooks", map[string]any{"url": hooks.URL, "events": []string{"sla.warning", "sla.breach"}}, nil, http.StatusCreated)

	// The policy is cached for a few seconds per node; wait that out so both
	// nodes use the tightened targets.
	time.Sleep(6 * time.Second)

	const posts = 12
	hc := &http.Client{Timeout: 30 * time.Second}
	for i := range posts {
		node := a
		if i%2 == 1 {
			node = b
		}
		p := inboundPayload{ExternalID: fmt.Sprint("n-", i), ThreadID: fmt.Sprint("nt-", i), Author: author{ID: fmt.Sprint("c-", i), Name: "Cust"},
			Text: "Hello, is anyone there?", Public: true, CreatedAt: time.Now().UTC().Format(time.RFC3339)}
		if status, err := postInbound(hc, node.base, ch, p); err != nil || status != http.StatusAccepted {
			t.Fatalf("post %d to %s: %d %v", i, node.name, status, err)
		}
	}
	a.waitFor(t, 90*time.Second, "a warning and a breach per conversation", func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) >= 2*posts, fmt.Sprintf("%d distinct thresholds delivered", len(seen))
	})
	time.Sleep(3 * time.Second) // any second firing would surface now
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2*posts {
		t.Fatalf("%d distinct thresholds, want %d", len(seen), 2*posts)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s delivered %d times, want once", k, n)
		}
	}
}
