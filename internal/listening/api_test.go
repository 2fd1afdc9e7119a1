package listening_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/listen/source"
	"github.com/heed-dev/heed/internal/model"
)

// TestListeningAPI covers the rule endpoints' lifecycle and roles, the feed
// filters, opening a conversation from a feed-only mention, and alerts.
func TestListeningAPI(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			n := apptest.Start(t, engine)
			ctx := context.Background()
			_, agentTok := n.NewAgent(t, "agent@example.com", model.RoleAgent)
			asAgent := &apptest.Node{App: n.App, URL: n.URL, Admin: n.Admin, Token: agentTok}

			if code := apiCall(t, asAgent, "POST", "/api/v1/listening/rules", map[string]any{"name": "A", "query": "acme"}, nil); code != http.StatusForbidden {
				t.Fatalf("an agent created a rule: %d", code)
			}
			var rule struct {
				ID, Name, Query, Action, Kind string
				Enabled                       bool
			}
			if code := apiCall(t, n, "POST", "/api/v1/listening/rules", map[string]any{"name": "Acme", "query": "acme", "kind": "brand"}, &rule); code != 201 || !rule.Enabled || rule.Action != "feed" {
				t.Fatalf("create: %d %+v", code, rule)
			}
			var rival struct{ ID string }
			apiCall(t, n, "POST", "/api/v1/listening/rules", map[string]any{"name": "Globex", "query": "globex", "kind": "competitor"}, &rival)
			if code := apiCall(t, n, "POST", "/api/v1/listening/rules", map[string]any{"name": "Acme", "query": "acme"}, nil); code != 400 {
				t.Fatalf("duplicate name: %d", code)
			}
			if code := apiCall(t, n, "POST", "/api/v1/listening/rules", map[string]any{"name": "Bad", "query": "acme", "action": "shout"}, nil); code != 400 {
				t.Fatalf("bad action: %d", code)
			}

			post := func(id, text string) {
				if _, err := n.App.Listening.HandlePost(ctx, source.Post{Network: "bluesky", ID: id, Text: text, Lang: "en", Author: "cleo", CreatedAt: time.Now()}); err != nil {
					t.Fatal(err)
				}
			}
			post("p1", "I love my acme kettle, thank you!")
			post("p2", "globex broke again, terrible service")
			if got := mentions(t, asAgent, ""); len(got) != 2 {
				t.Fatalf("agent sees %d mentions", len(got))
			}
			if got := mentions(t, n, "&rule="+rule.ID); len(got) != 1 || got[0].PostID != "p1" {
				t.Fatalf("by rule: %+v", got)
			}
			if got := mentions(t, n, "&sentiment=negative"); len(got) != 1 || got[0].PostID != "p2" {
				t.Fatalf("by sentiment: %+v", got)
			}
			if got := mentions(t, n, "&network=x"); len(got) != 0 {
				t.Fatalf("by network: %+v", got)
			}
			if code := apiCall(t, n, "GET", "/api/v1/listening/mentions?sentiment=angry", nil, nil); code != 400 {
				t.Fatalf("bad sentiment filter: %d", code)
			}

			// Editing the query applies at once; disabling stops the rule.
			if code := apiCall(t, n, "PUT", "/api/v1/listening/rules/"+rule.ID, map[string]any{"name": "Acme", "query": "acme OR initech"}, &rule); code != 200 || rule.Query != "acme OR initech" || !rule.Enabled {
				t.Fatalf("update: %d %+v", code, rule)
			}
			post("p3", "initech too")
			if code := apiCall(t, n, "PUT", "/api/v1/listening/rules/"+rule.ID, map[string]any{"name": "Acme", "query": "acme OR initech", "enabled": false}, &rule); code != 200 || rule.Enabled {
				t.Fatalf("disable: %d %+v", code, rule)
			}
			post("p4", "acme while disabled")
			if got := mentions(t, n, "&rule="+rule.ID); len(got) != 2 {
				t.Fatalf("after edit and disable: %+v", got)
			}

			// One click: a feed-only mention becomes an inbox conversation.
			m := mentions(t, n, "&rule="+rule.ID)[1]
			if code := apiCall(t, asAgent, "POST", "/api/v1/listening/mentions/"+m.ID+"/conversation", nil, nil); code != 202 {
				t.Fatalf("open conversation: %d", code)
			}
			var cid string
			apptest.Eventually(t, 10*time.Second, "the conversation", func() bool {
				for _, x := range mentions(t, n, "&rule="+rule.ID) {
					if x.ID == m.ID {
						cid = x.ConversationID
					}
				}
				return cid != ""
			})
			apiCall(t, asAgent, "POST", "/api/v1/listening/mentions/"+m.ID+"/conversation", nil, nil) // a second click
			time.Sleep(200 * time.Millisecond)
			var convs struct{ Conversations []struct{ ID string } }
			apiCall(t, n, "GET", "/api/v1/conversations", nil, &convs)
			if len(convs.Conversations) != 1 || convs.Conversations[0].ID != cid {
				t.Fatalf("conversations after two clicks: %+v, want just %s", convs.Conversations, cid)
			}

			if code := apiCall(t, n, "DELETE", "/api/v1/listening/rules/"+rival.ID, nil, nil); code != 204 {
				t.Fatalf("delete: %d", code)
			}
			if code := apiCall(t, n, "DELETE", "/api/v1/listening/rules/"+rival.ID, nil, nil); code != 404 {
				t.Fatalf("delete again: %d", code)
			}
			var rules struct{ Rules []struct{ ID string } }
			apiCall(t, asAgent, "GET", "/api/v1/listening/rules", nil, &rules)
			if len(rules.Rules) != 1 {
				t.Fatalf("rules after delete: %+v", rules)
			}
			var alerts struct{ Alerts []any }
			if code := apiCall(t, n, "GET", "/api/v1/listening/alerts", nil, &alerts); code != 200 || alerts.Alerts == nil || len(alerts.Alerts) != 0 {
				t.Fatalf("alerts: %d %+v", code, alerts)
			}
		})
	}
}
