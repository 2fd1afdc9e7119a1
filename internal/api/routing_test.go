package api_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
)

func inboundFrom(ext, thread, text string, followers int64) []byte {
	b, _ := json.Marshal(map[string]any{"external_id": ext, "thread_id": thread,
		"author": map[string]any{"id": "u-" + thread, "name": "Cust " + thread, "followers": followers}, "text": text, "public": true})
	return b
}

func TestRoutingRulesInThePipeline(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			w := newWorld(t, engine)
			team := w.c.postJSON("/api/v1/teams", map[string]any{"name": "Billing"}).JSON(t)
			sup, supTok := w.node.NewAgent(t, "sup@example.com", model.RoleSupervisor)
			_ = sup
			rules := fmt.Sprintf(`[
			 {"id":"spam","when":{"field":"text","op":"contains","value":"crypto giveaway"},"then":[{"type":"mark_spam"},{"type":"stop"}]},
			 {"id":"vip","when":{"field":"author_followers","op":"gte","value":10000},"then":[{"type":"set_priority","priority":2},{"type":"add_tag","tag":"vip"},{"type":"notify","role":"supervisor","message":"VIP post"}]},
			 {"id":"billing","when":{"field":"text","op":"contains","value":"invoice"},"then":[{"type":"assign_team","team_id":%q},{"type":"add_tag","tag":"billing"}]},
			 {"id":"angry","when":{"all":[{"field":"sentiment_label","op":"eq","value":"negative"},{"field":"public","op":"is","value":true}]},"then":[{"type":"escalate","reason":"angry in public"}]},
			 {"id":"mine","when":{"field":"text","op":"contains","value":"for ada"},"then":[{"type":"assign_agent","agent_id":%q}]}
			]`, team["id"], w.node.Admin.ID)
			if r := w.c.do("PUT", "/api/v1/routing/rules", []byte(`{"rules":`+rules+`}`), nil); r.Status != 200 {
				t.Fatalf("save rules: %d %s", r.Status, r.Body)
			}
			bad := w.c.do("PUT", "/api/v1/routing/rules", []byte(`{"rules":[{"id":"x","when":{"field":"folowers","op":"gt","value":1},"then":[]}]}`), nil)
			if bad.Status != 400 || !strings.Contains(string(bad.Body), "folowers") {
				t.Fatalf("invalid rules: %d %s", bad.Status, bad.Body)
			}
			posts := []struct {
				thread, text string
				followers    int64
			}{
				{"p-spam", "Join our crypto giveaway now", 0},
				{"p-vip", "Thinking about your new phone", 50000},
				{"p-bill", "Question about my invoice number", 0},
				{"p-angry", "This is terrible, worst service ever, I am furious", 0},
				{"p-mine", "a message for ada please", 0},
			}
			for i, p := range posts {
				b := inboundFrom(fmt.Sprint("r-", i), p.thread, p.text, p.followers)
				if r := w.postInbound(b, apichannel.Sign(w.secret, b)); r.Status != 202 {
					t.Fatalf("inbound: %d %s", r.Status, r.Body)
				}
			}
			get := func(thread string) map[string]any {
				var found map[string]any
				apptest.Eventually(t, 10*time.Second, thread, func() bool {
					for _, c := range w.c.do("GET", "/api/v1/conversations?limit=50", nil, nil).JSON(t)["conversations"].([]any) {
						if cm := c.(map[string]any); cm["thread_id"] == thread {
							found = cm
							return true
						}
					}
					return false
				})
				return found
			}
			if c := get("p-spam"); c["analysis"].(map[string]any)["spam"] != true {
				t.Errorf("mark_spam: %+v", c["analysis"])
			}
			vip := get("p-vip")
			if vip["priority"].(float64) != 2 || !strings.Contains(fmt.Sprint(vip["tags"]), "vip") {
				t.Errorf("vip: priority %v tags %v", vip["priority"], vip["tags"])
			}
			if c := get("p-bill"); c["team_id"] != team["id"] || !strings.Contains(fmt.Sprint(c["tags"]), "billing") {
				t.Errorf("billing: team %v tags %v", c["team_id"], c["tags"])
			}
			if c := get("p-angry"); c["escalated"] != true || c["priority"].(float64) != 3 {
				t.Errorf("escalate: escalated %v priority %v", c["escalated"], c["priority"])
			}
			if c := get("p-mine"); c["assignee_id"] != w.node.Admin.ID {
				t.Errorf("assign_agent: %v", c["assignee_id"])
			}
			supClient := client{t: t, base: w.node.URL, token: supTok}
			var msgs []string
			for _, n := range supClient.do("GET", "/api/v1/notifications", nil, nil).JSON(t)["notifications"].([]any) {
				msgs = append(msgs, n.(map[string]any)["message"].(string))
			}
			if !strings.Contains(strings.Join(msgs, "|"), "VIP post") || !strings.Contains(strings.Join(msgs, "|"), "angry in public") {
				t.Errorf("supervisor notifications %v", msgs)
			}
			// The queue: unassigned open work, most urgent first.
			q := w.c.do("GET", "/api/v1/conversations?view=queue", nil, nil).JSON(t)["conversations"].([]any)
			if len(q) < 2 || q[0].(map[string]any)["thread_id"] != "p-angry" {
				t.Errorf("queue head %v", q)
			}
			// Which rules would fire for a sample?
			tr := w.c.postJSON("/api/v1/routing/test", map[string]any{"sample": map[string]any{"text": "My invoice is wrong and I am furious, terrible", "channel_type": "api"}})
			if tr.Status != 200 {
				t.Fatalf("test rules: %d %s", tr.Status, tr.Body)
			}
			fired := fmt.Sprint(tr.JSON(t)["outcome"].(map[string]any)["Fired"], tr.JSON(t)["outcome"].(map[string]any)["fired"])
			if !strings.Contains(fired, "billing") || !strings.Contains(fired, "angry") || strings.Contains(fired, "vip") {
				t.Errorf("test fired %s", fired)
			}
		})
	}
}

func TestAutoAssignmentBalancesLoad(t *testing.T) {
	w := newWorld(t, db.SQLite)
	caps := []int{3, 5, 8, 10, 20}
	var ids []string
	for i, c := range caps {
		a, _ := w.node.NewAgent(t, fmt.Sprintf("a%d@example.com", i), model.RoleAgent)
		if r := w.c.do("PUT", "/api/v1/agents/"+a.ID+"/routing", []byte(fmt.Sprintf(`{"capacity":%d}`, c)), nil); r.Status != 200 {
			t.Fatalf("routing settings: %d %s", r.Status, r.Body)
		}
		ids = append(ids, a.ID)
	}
	// The admin takes no work in this test.
	w.c.postJSON("/api/v1/me/availability", map[string]string{"availability": "offline"})
	if r := w.c.do("PUT", "/api/v1/routing/rules", []byte(`{"rules":[{"id":"auto","when":{},"then":[{"type":"auto_assign"}]}]}`), nil); r.Status != 200 {
		t.Fatalf("rules: %d %s", r.Status, r.Body)
	}
	const posts = 200
	for i := range posts {
		b := inboundFrom(fmt.Sprint("aa-", i), fmt.Sprint("aa-t-", i), "Hello, I have a question about my order", 0)
		if r := w.postInbound(b, apichannel.Sign(w.secret, b)); r.Status != 202 {
			t.Fatal(r.Status)
		}
	}
	apptest.Eventually(t, 60*time.Second, "all processed", func() bool {
		n, _ := w.node.App.Store.CountPendingEvents(t.Context())
		c, _ := w.node.App.Store.CountConversations(t.Context(), w.node.Admin.WorkspaceID)
		return n == 0 && c == posts
	})
	loads, err := w.node.App.Store.AgentLoads(t.Context(), w.node.Admin.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for i, id := range ids {
		if loads[id] > caps[i] {
			t.Errorf("agent %d has %d conversations, capacity %d", i, loads[id], caps[i])
		}
		total += loads[id]
	}
	if total != 46 {
		t.Errorf("%d assigned, want 46 (all capacity used; the rest stay queued)", total)
	}
	if loads[w.node.Admin.ID] != 0 {
		t.Errorf("offline admin got %d", loads[w.node.Admin.ID])
	}
	queue := w.c.do("GET", "/api/v1/conversations?view=queue&limit=200", nil, nil).JSON(t)["conversations"].([]any)
	if len(queue) != posts-46 {
		t.Errorf("queue holds %d, want %d", len(queue), posts-46)
	}
}

func TestBalancedWhileFilling(t *testing.T) {
	w := newWorld(t, db.SQLite)
	caps := []int{2, 4}
	var ids []string
	for i, c := range caps {
		a, _ := w.node.NewAgent(t, fmt.Sprintf("b%d@example.com", i), model.RoleAgent)
		w.c.do("PUT", "/api/v1/agents/"+a.ID+"/routing", []byte(fmt.Sprintf(`{"capacity":%d}`, c)), nil)
		ids = append(ids, a.ID)
	}
	w.c.postJSON("/api/v1/me/availability", map[string]string{"availability": "away"})
	w.c.do("PUT", "/api/v1/routing/rules", []byte(`{"rules":[{"id":"auto","when":{},"then":[{"type":"auto_assign"}]}]}`), nil)
	// Three posts, one at a time: loads by share of capacity stay level
	// (1 of 2 and 2 of 4 after three: both half full).
	for i := range 3 {
		b := inboundFrom(fmt.Sprint("bf-", i), fmt.Sprint("bf-t-", i), "Need help", 0)
		w.postInbound(b, apichannel.Sign(w.secret, b))
		apptest.Eventually(t, 10*time.Second, "processed", func() bool {
			n, _ := w.node.App.Store.CountPendingEvents(t.Context())
			return n == 0
		})
	}
	loads, _ := w.node.App.Store.AgentLoads(t.Context(), w.node.Admin.WorkspaceID)
	if loads[ids[0]] != 1 || loads[ids[1]] != 2 {
		t.Fatalf("loads %d/%d, want 1/2 (balanced by capacity)", loads[ids[0]], loads[ids[1]])
	}
}

func TestBusinessHoursAPI(t *testing.T) {
	w := newWorld(t, db.SQLite)
	ical := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261225\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	body, _ := json.Marshal(map[string]any{"time_zone": "Europe/Berlin",
		"week": map[string]any{"monday": []map[string]string{{"start": "09:00", "end": "12:30"}, {"start": "13:30", "end": "18:00"}}},
		"ical": ical})
	r := w.c.do("PUT", "/api/v1/sla/business-hours", body, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "2026-12-25") || !strings.Contains(string(r.Body), "Europe/Berlin") {
		t.Fatalf("save business hours: %d %s", r.Status, r.Body)
	}
	bad, _ := json.Marshal(map[string]any{"time_zone": "Mars/Olympus", "week": map[string]any{}})
	if r := w.c.do("PUT", "/api/v1/sla/business-hours", bad, nil); r.Status != 400 {
		t.Fatalf("bad zone: %d %s", r.Status, r.Body)
	}
}

func TestViralityEscalation(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			w := newWorld(t, engine)
			_, supTok := w.node.NewAgent(t, "sup@example.com", model.RoleSupervisor)
			posted := time.Now().UTC().Add(-10 * time.Minute)
			post := func(ext, thread, text string) {
				b, _ := json.Marshal(map[string]any{"external_id": ext, "thread_id": thread, "author": map[string]any{"id": "u-" + thread, "name": "Cust"},
					"text": text, "public": true, "created_at": posted.Format(time.RFC3339)})
				if r := w.postInbound(b, apichannel.Sign(w.secret, b)); r.Status != 202 {
					t.Fatal(r.Status)
				}
			}
			post("v-calm", "calm", "Hello, what are your opening hours?")
			post("v-angry", "angry", "This is a disgrace, your company is the worst, never again!")
			w.waitConversation(t, "calm")
			angry := w.waitConversation(t, "angry")
			engage := func(ext string, likes, reposts int64, at time.Time) map[string]any {
				b, _ := json.Marshal(map[string]any{"external_id": ext, "likes": likes, "reposts": reposts, "replies": reposts / 2, "observed_at": at.Format(time.RFC3339)})
				r := w.anon.do("POST", "/api/v1/channels/"+w.chID+"/engagement", b, map[string]string{apichannel.SignatureHeader: apichannel.Sign(w.secret, b)})
				if r.Status != 202 {
					t.Fatalf("engagement: %d %s", r.Status, r.Body)
				}
				return r.JSON(t)
			}
			// A few likes over ten minutes: nothing.
			if got := engage("v-angry", 3, 0, posted.Add(10*time.Minute)); got["escalated"] != false {
				t.Fatalf("small engagement escalated: %v", got)
			}
			// Then thousands of reposts within minutes: escalate, once.
			now := posted.Add(14 * time.Minute)
			if got := engage("v-angry", 4000, 2500, now); got["escalated"] != true {
				t.Fatalf("viral post not escalated: %v", got)
			}
			if got := engage("v-angry", 9000, 6000, now.Add(time.Minute)); got["escalated"] != false {
				t.Fatalf("escalated twice: %v", got)
			}
			// The same surge on a calm customer does not escalate (negative only by default).
			if got := engage("v-calm", 4000, 2500, now); got["escalated"] != false || got["virality"].(float64) < 0.7 {
				t.Fatalf("calm post: %v", got)
			}
			c := w.c.do("GET", "/api/v1/conversations/"+angry["id"].(string), nil, nil).JSON(t)
			if c["escalated"] != true || c["priority"].(float64) != 3 || c["virality"].(float64) < 0.7 {
				t.Fatalf("escalated conversation %v %v %v", c["escalated"], c["priority"], c["virality"])
			}
			q := w.c.do("GET", "/api/v1/conversations?view=queue", nil, nil).JSON(t)["conversations"].([]any)
			if q[0].(map[string]any)["thread_id"] != "angry" {
				t.Fatalf("escalated conversation is not at the top of the queue")
			}
			ns := client{t: t, base: w.node.URL, token: supTok}.do("GET", "/api/v1/notifications", nil, nil).JSON(t)["notifications"].([]any)
			if len(ns) != 1 || !strings.Contains(ns[0].(map[string]any)["message"].(string), "viral") {
				t.Fatalf("supervisor notifications %v", ns)
			}
			b := []byte(`{"external_id":"nope","likes":1}`)
			if r := w.anon.do("POST", "/api/v1/channels/"+w.chID+"/engagement", b, map[string]string{apichannel.SignatureHeader: apichannel.Sign(w.secret, b)}); r.Status != 404 {
				t.Fatalf("unknown message: %d", r.Status)
			}
			if r := w.anon.do("POST", "/api/v1/channels/"+w.chID+"/engagement", b, map[string]string{apichannel.SignatureHeader: "sha256=00"}); r.Status != 401 {
				t.Fatalf("bad signature: %d", r.Status)
			}
		})
	}
}

func TestModerationNeedsAPlatformVerb(t *testing.T) {
	w := newWorld(t, db.SQLite)
	b := inboundBody("mod-1", "mod-t", "hello")
	w.postInbound(b, apichannel.Sign(w.secret, b))
	conv := w.waitConversation(t, "mod-t")
	msg := w.c.do("GET", "/api/v1/conversations/"+conv["id"].(string), nil, nil).JSON(t)["messages"].([]any)[0].(map[string]any)
	r := w.c.do("POST", "/api/v1/messages/"+msg["id"].(string)+"/hide", nil, nil)
	if r.Status != 400 || !strings.Contains(string(r.Body), "not supported") {
		t.Fatalf("hide on an API channel: %d %s", r.Status, r.Body)
	}
	if r := w.c.do("POST", "/api/v1/messages/nope/hide", nil, nil); r.Status != 404 {
		t.Fatalf("unknown message: %d", r.Status)
	}
}

func TestServiceHandleAnswersServicePosts(t *testing.T) {
	w := newWorld(t, db.SQLite) // w.chID is the brand's main account
	svc := &receiver{}
	ss := httptest.NewServer(svc)
	t.Cleanup(ss.Close)
	team := w.c.postJSON("/api/v1/teams", map[string]any{"name": "Service desk"}).JSON(t)
	handle := w.c.postJSON("/api/v1/channels", map[string]string{"type": "api", "name": "AskBrand", "callback_url": ss.URL}).JSON(t)
	svc.secret = handle["secret"].(string)
	settings, _ := json.Marshal(map[string]any{"settings": map[string]any{"service_handle": true, "service_team_id": team["id"]}})
	if r := w.c.do("PATCH", "/api/v1/channels/"+handle["id"].(string), settings, nil); r.Status != 200 {
		t.Fatalf("mark service handle: %d %s", r.Status, r.Body)
	}
	question := inboundFrom("sh-1", "sh-q", "My order hasn't arrived, can you check the delivery status?", 0)
	praise := inboundFrom("sh-2", "sh-p", "Love the new ad campaign, brilliant!", 0)
	for _, b := range [][]byte{question, praise} {
		if r := w.postInbound(b, apichannel.Sign(w.secret, b)); r.Status != 202 {
			t.Fatal(r.Status)
		}
	}
	q := w.waitConversation(t, "sh-q")
	if q["team_id"] != team["id"] || !strings.Contains(fmt.Sprint(q["tags"]), "service") {
		t.Fatalf("service post: team %v tags %v", q["team_id"], q["tags"])
	}
	if p := w.waitConversation(t, "sh-p"); strings.Contains(fmt.Sprint(p["tags"]), "service") {
		t.Fatalf("praise routed to service: %v", p["tags"])
	}
	w.c.postJSON("/api/v1/conversations/"+q["id"].(string)+"/messages", map[string]string{"text": "Checking it now!"})
	apptest.Eventually(t, 15*time.Second, "reply from the service handle", func() bool { return len(svc.all()) == 1 })
	if d := svc.all()[0]; !d.SigOK || d.Body.InReplyTo != "sh-1" {
		t.Fatalf("service handle delivery %+v", d)
	}
	if n := len(w.recv.all()); n != 0 {
		t.Fatalf("main account sent %d replies; the service handle should answer", n)
	}
}

func TestLiveBoard(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			w := newWorld(t, engine)
			team := w.c.postJSON("/api/v1/teams", map[string]any{"name": "Care"}).JSON(t)
			for i, text := range []string{"help with my order", "my invoice is wrong", "where is my parcel"} {
				b := inboundFrom(fmt.Sprint("lb-", i), fmt.Sprint("lb-t-", i), text, 0)
				w.postInbound(b, apichannel.Sign(w.secret, b))
			}
			c0 := w.waitConversation(t, "lb-t-0")
			c1 := w.waitConversation(t, "lb-t-1")
			w.waitConversation(t, "lb-t-2")
			w.c.postJSON("/api/v1/conversations/"+c0["id"].(string)+"/assign", map[string]string{"agent_id": "me"})
			w.c.postJSON("/api/v1/conversations/"+c1["id"].(string)+"/assign", map[string]string{"team_id": team["id"].(string)})
			w.c.postJSON("/api/v1/conversations/"+c1["id"].(string)+"/status", map[string]string{"status": "waiting"})
			b := w.c.do("GET", "/api/v1/reports/live", nil, nil).JSON(t)
			if b["open"].(float64) != 3 || b["unassigned"].(float64) != 2 || b["waiting"].(float64) != 1 {
				t.Fatalf("board %v", b)
			}
			for _, a := range b["agents"].([]any) {
				if am := a.(map[string]any); am["id"] == w.node.Admin.ID && am["open"].(float64) != 1 {
					t.Fatalf("admin's load %v", am)
				}
			}
			if tm := b["teams"].([]any)[0].(map[string]any); tm["open"].(float64) != 1 || tm["unassigned"].(float64) != 1 {
				t.Fatalf("team %v", tm)
			}
			_, agentTok := w.node.NewAgent(t, "ag@example.com", model.RoleAgent)
			if r := (client{t: t, base: w.node.URL, token: agentTok}).do("GET", "/api/v1/reports/live", nil, nil); r.Status != 403 {
				t.Fatalf("agent on the board: %d", r.Status)
			}
		})
	}
}
