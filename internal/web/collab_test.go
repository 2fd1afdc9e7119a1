package web_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/channel/webchat"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
	"github.com/heed-dev/heed/internal/web"
)

// newCollabEnv is newEnv whose inbox service enforces the composer's
// blocking checks on the send path, as app.New wires it.
func newCollabEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := newEnv(t, d)
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	ib := inbox.New(e.store, e.hub, e.outbox, log)
	ib.Composer, ib.Registry = sharedComposer(t), channel.NewRegistry(apichannel.New(nil), webchat.Connector{})
	h, err := web.New(web.Deps{Store: e.store, Inbox: ib, Accounts: e.acc, Broker: e.hub,
		Limiter: e.limiter, BaseURL: "http://heed.test", Log: log, Analyzer: sharedAnalyzer(t), Composer: sharedComposer(t)})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	e.srv.Close()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

var seenField = regexp.MustCompile(`name="seen" value="(\d+)"`)

// seen loads the conversation as the agent's browser would and returns the
// form's "seen" value.
func (c *client) seen(t *testing.T, convID string) string {
	t.Helper()
	res := c.get("/conversations/"+convID).mustStatus(t, 200, "open conversation")
	m := seenField.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("no seen field in the reply form:\n%s", res.body)
	}
	return m[1]
}

func (e *env) outMessages(convID string) []model.Message {
	e.t.Helper()
	ms, err := e.store.ListMessages(e.ctx, convID)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []model.Message
	for _, m := range ms {
		if m.Direction == model.DirectionOut {
			out = append(out, m)
		}
	}
	return out
}

// A contributor sees only what is assigned to them; their reply waits for a
// supervisor, is not sent, and reaches the customer only as approved
// (edited) text; a rejection shows its reason to the contributor.
func TestContributorReplyWaitsForApproval(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newCollabEnv(t, d)
		ws, admin := e.workspace("Acme")
		sup := e.agent(ws, "sue@acme.test", "Sue Super", model.RoleSupervisor)
		agent := e.agent(ws, "bo@acme.test", "Bo Agent", model.RoleAgent)
		cleo := e.agent(ws, "cleo@acme.test", "Cleo Store", model.RoleContributor)
		ch := e.channel(ws, "Shop")
		mine := e.inbound(ch, msg{thread: "t-mine", author: "u1", name: "Maria Lopez", text: "Is the Lyon store open on Sunday?"})
		other := e.inbound(ch, msg{thread: "t-other", author: "u2", name: "Zed Quinn", text: "Secret other conversation"})
		if err := e.store.AssignConversation(e.ctx, ws.ID, mine.ID, cleo.ID, ""); err != nil {
			t.Fatal(err)
		}
		c := e.as(cleo)
		c.get("/inbox").mustStatus(t, 200, "contributor inbox").mustContain(t, "contributor inbox", "Maria Lopez").mustNotContain(t, "contributor inbox", "Zed Quinn")
		c.get("/conversations/"+other.ID).mustStatus(t, 404, "unassigned conversation")
		c.post("/conversations/"+other.ID+"/reply", url.Values{"text": {"hello"}}).mustStatus(t, 404, "reply to an unassigned conversation")
		c.post("/conversations/"+other.ID+"/check", url.Values{"text": {"hello"}}).mustStatus(t, 404, "checks on an unassigned conversation")
		c.post("/conversations/"+other.ID+"/presence", url.Values{"state": {"view"}}).mustStatus(t, 404, "presence in an unassigned conversation")
		c.post("/conversations/"+mine.ID+"/note", url.Values{"text": {"note"}}).mustStatus(t, 403, "contributor note")
		c.get("/approvals").mustStatus(t, 403, "contributor approvals")
		bo := e.as(agent)
		bo.post("/conversations/"+other.ID+"/presence", url.Values{"state": {"typing"}}).mustStatus(t, 204, "Bo in the other conversation")
		c.get("/presence").mustStatus(t, 200, "contributor presence").mustNotContain(t, "contributor presence", other.ID, "Bo Agent")
		bo.post("/conversations/"+mine.ID+"/presence", url.Values{"state": {"view"}}).mustStatus(t, 204, "Bo in Cleo's conversation")
		c.get("/presence").mustContain(t, "contributor presence", mine.ID, "Bo Agent").mustNotContain(t, "contributor presence", other.ID)
		bo.post("/conversations/"+mine.ID+"/presence", url.Values{"state": {"leave"}}).mustStatus(t, 204, "Bo leaves")
		e.as(agent).get("/approvals").mustStatus(t, 403, "agent approvals")

		res := c.post("/conversations/"+mine.ID+"/reply", url.Values{"text": {"Hi Maria, yes we are open 10 to 6 on Sunday."}}, "HX-Request", "true").
			mustStatus(t, 200, "contributor reply")
		res.mustContain(t, "pane after the reply", "waits for a supervisor", "awaiting approval", "Hi Maria, yes we are open 10 to 6 on Sunday.")
		if n := len(e.outbox.sent()); n != 0 || len(e.outMessages(mine.ID)) != 0 {
			t.Fatalf("a contributor's reply was queued for sending (%d jobs)", n)
		}
		if conv := e.reload(mine); conv.FirstResponseAt != nil {
			t.Fatal("a pending reply stopped the response clock")
		}
		ns, _ := e.store.ListNotifications(e.ctx, sup.ID, 5)
		if len(ns) != 1 || ns[0].Kind != "approval" || !strings.Contains(ns[0].Message, "Cleo Store") {
			t.Fatalf("supervisor notifications = %+v", ns)
		}
		if ns, _ := e.store.ListNotifications(e.ctx, agent.ID, 5); len(ns) != 0 {
			t.Fatalf("an agent was asked to approve: %+v", ns)
		}
		s := e.as(sup)
		page := s.get("/approvals").mustStatus(t, 200, "approvals").mustContain(t, "approvals", "Cleo Store", "Maria Lopez", "open 10 to 6")
		pending, _ := e.store.ListApprovals(e.ctx, ws.ID, store.ApprovalPending, 10)
		if len(pending) != 1 {
			t.Fatalf("pending = %+v", pending)
		}
		_ = page
		s.post("/approvals/"+pending[0].ID+"/reject", url.Values{"reason": {"  "}}).mustStatus(t, 422, "reject without a reason")
		s.post("/approvals/"+pending[0].ID+"/approve", url.Values{"text": {"Hi Maria, yes: we are open 10:00 to 18:00 on Sunday."}}).
			mustStatus(t, 303, "approve with an edit")
		outs := e.outMessages(mine.ID)
		if len(outs) != 1 || !strings.HasPrefix(outs[0].Text, "Hi Maria, yes: we are open 10:00 to 18:00") || outs[0].AuthorAgentID != cleo.ID {
			t.Fatalf("sent after approval = %+v", outs)
		}
		if sent := e.outbox.sent(); len(sent) != 1 || sent[0] != outs[0].ID {
			t.Fatalf("outbox = %v, want the approved reply", sent)
		}
		s.post("/approvals/"+pending[0].ID+"/approve", url.Values{}).mustStatus(t, 409, "approve twice")
		if len(e.outbox.sent()) != 1 {
			t.Fatal("a second approval sent the reply again")
		}
		c.get("/conversations/"+mine.ID).mustNotContain(t, "after approval", "awaiting approval")

		// A rejected reply: the contributor sees why.
		c.post("/conversations/"+mine.ID+"/reply", url.Values{"text": {"whatever lol"}}).mustStatus(t, 303, "second contributor reply")
		pending, _ = e.store.ListApprovals(e.ctx, ws.ID, store.ApprovalPending, 10)
		s.post("/approvals/"+pending[0].ID+"/reject", url.Values{"reason": {"Too casual <b>please</b> rewrite"}}).mustStatus(t, 303, "reject")
		c.get("/conversations/"+mine.ID).mustContain(t, "rejected reply", "rejected by Sue Super", "Too casual &lt;b&gt;please&lt;/b&gt; rewrite")
		if len(e.outbox.sent()) != 1 {
			t.Fatal("a rejected reply was sent")
		}
		_ = admin
	})
}

// A public reply with a card number is refused on the server whatever the
// browser does; privately it goes. The admin's settings change that: warn
// only, or send blocked replies to approval.
func TestBlockingChecksEnforcedOnSend(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newCollabEnv(t, d)
		ws, admin := e.workspace("Acme")
		ch := e.channel(ws, "Shop")
		conv := e.inbound(ch, msg{thread: "t-1", author: "u1", name: "Maria Lopez", text: "I was charged twice"})
		a := e.as(admin)
		card := "Hi Maria, we refunded the card 4111 1111 1111 1111 today."
		a.post("/conversations/"+conv.ID+"/reply", url.Values{"text": {card}}, "HX-Request", "true").
			mustStatus(t, 422, "public reply with a card number").mustContain(t, "blocked", "personal_data", "4111 1111 1111 1111")
		if len(e.outbox.sent()) != 0 || len(e.outMessages(conv.ID)) != 0 {
			t.Fatal("a blocked reply was stored or queued")
		}
		a.post("/conversations/"+conv.ID+"/reply", url.Values{"text": {card}, "private": {"1"}}).mustStatus(t, 303, "private reply with a card number")
		if len(e.outbox.sent()) != 1 {
			t.Fatal("the private reply was not sent")
		}

		a.get("/admin/compose").mustStatus(t, 200, "settings page").mustContain(t, "settings page", `name="check.personal_data"`)
		e.as(e.agent(ws, "bo@acme.test", "Bo", model.RoleAgent)).get("/admin/compose").mustStatus(t, 403, "agent settings page")
		a.post("/admin/compose", url.Values{"check.personal_data": {"sometimes"}}).mustStatus(t, 422, "bad mode")
		a.post("/admin/compose", url.Values{"check.personal_data": {"block"}, "check.arguing": {"block"}, "blocking_needs_approval": {"1"}}).mustStatus(t, 303, "save settings")
		a.post("/conversations/"+conv.ID+"/reply", url.Values{"text": {"You are wrong, calm down."}}, "HX-Request", "true").
			mustStatus(t, 200, "blocked reply to approval").mustContain(t, "pane", "awaiting approval")
		pending, _ := e.store.ListApprovals(e.ctx, ws.ID, store.ApprovalPending, 10)
		if len(pending) != 1 || pending[0].Reason != store.ApprovalByBlockingCheck || !strings.Contains(string(pending[0].Checks), "arguing") {
			t.Fatalf("pending = %+v", pending)
		}
		a.post("/admin/compose", url.Values{"check.personal_data": {"warn"}, "check.spelling": {"off"}}).mustStatus(t, 303, "warn only")
		a.post("/conversations/"+conv.ID+"/check", url.Values{"text": {card + " Thx, teh team"}}, "HX-Request", "true").
			mustStatus(t, 200, "live check").mustContain(t, "live check", `data-check="personal_data"`).mustNotContain(t, "live check", "blocking", `data-check="spelling"`)
		a.post("/conversations/"+conv.ID+"/reply", url.Values{"text": {card}}).mustStatus(t, 303, "warned reply")
		if len(e.outbox.sent()) != 2 {
			t.Fatal("a reply with a warning only was not sent")
		}
	})
}

// Two agents in one conversation: a reply sent by one since the other
// opened it, or the other typing, holds the send until "Send anyway"
// acknowledges exactly those collisions.
func TestCollisionHoldsSendUntilAcknowledged(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newCollabEnv(t, d)
		ws, _ := e.workspace("Acme")
		ana := e.agent(ws, "ana@acme.test", "Ana Diaz", model.RoleAgent)
		bo := e.agent(ws, "bo@acme.test", "Bo Berg", model.RoleAgent)
		ch := e.channel(ws, "Shop")
		conv := e.inbound(ch, msg{thread: "t-1", author: "u1", name: "Maria Lopez", text: "Where is my parcel?"})
		a, b := e.as(ana), e.as(bo)
		seenA := a.seen(t, conv.ID)
		seenB := b.seen(t, conv.ID)
		b.post("/conversations/"+conv.ID+"/reply", url.Values{"text": {"Hi Maria, it arrives tomorrow."}, "seen": {seenB}}).mustStatus(t, 303, "Bo replies")

		res := a.post("/conversations/"+conv.ID+"/reply", url.Values{"text": {"Hi Maria, checking now!"}, "seen": {seenA}}, "HX-Request", "true").
			mustStatus(t, 422, "Ana's reply after Bo's").mustContain(t, "held", "Bo Berg replied", "Hi Maria, it arrives tomorrow.", "Send anyway", "Hi Maria, checking now!")
		if len(e.outMessages(conv.ID)) != 1 {
			t.Fatal("the held reply was sent")
		}
		// The re-rendered form still carries what Ana had seen: a plain
		// second send is held again, only the acknowledgement sends.
		if m := seenField.FindStringSubmatch(res.body); m == nil || m[1] != seenA {
			t.Fatalf("seen after the hold = %v, want %s", m, seenA)
		}
		a.post("/conversations/"+conv.ID+"/reply", url.Values{"text": {"Hi Maria, checking now!"}, "seen": {seenA}}).mustStatus(t, 422, "send again without acknowledging")
		ack := regexp.MustCompile(`name="ack" value="([^"]+)"`).FindStringSubmatch(res.body)
		if ack == nil {
			t.Fatal("no Send anyway acknowledgement in the form")
		}
		a.post("/conversations/"+conv.ID+"/reply", url.Values{"text": {"Hi Maria, checking now!"}, "seen": {seenA}, "ack": {ack[1]}}).mustStatus(t, 303, "send anyway")
		if len(e.outMessages(conv.ID)) != 2 {
			t.Fatal("Send anyway did not send")
		}

		// Typing: Bo types, Ana (fresh page) is held; Bo's draft emptied, Ana sends.
		b.post("/conversations/"+conv.ID+"/presence", url.Values{"state": {"typing"}}).mustStatus(t, 204, "Bo types")
		seenA = a.seen(t, conv.ID)
		a.post("/conversations/"+conv.ID+"/reply", url.Values{"text": {"One more thing."}, "seen": {seenA}}, "HX-Request", "true").
			mustStatus(t, 422, "Ana while Bo types").mustContain(t, "typing", "Bo Berg is typing a reply")
		var pres struct {
			Entries []struct {
				ConversationID string `json:"conversation_id"`
				Name           string `json:"name"`
				Typing         bool   `json:"typing"`
			} `json:"entries"`
		}
		if err := json.Unmarshal([]byte(a.get("/presence").mustStatus(t, 200, "presence").body), &pres); err != nil {
			t.Fatal(err)
		}
		if len(pres.Entries) != 1 || pres.Entries[0].Name != "Bo Berg" || !pres.Entries[0].Typing || pres.Entries[0].ConversationID != conv.ID {
			t.Fatalf("Ana sees presence %+v, want Bo typing (and not herself)", pres.Entries)
		}
		b.post("/conversations/"+conv.ID+"/presence", url.Values{"state": {"idle"}}).mustStatus(t, 204, "Bo empties his draft")
		a.post("/conversations/"+conv.ID+"/reply", url.Values{"text": {"One more thing."}, "seen": {seenA}}).mustStatus(t, 303, "Ana sends")
		b.post("/conversations/"+conv.ID+"/presence", url.Values{"state": {"leave"}}).mustStatus(t, 204, "Bo leaves")
		a.post("/conversations/"+conv.ID+"/presence", url.Values{"state": {"dance"}}).mustStatus(t, 400, "unknown state")
		json.Unmarshal([]byte(a.get("/presence").body), &pres)
		for _, p := range pres.Entries {
			if p.Name == "Bo Berg" {
				t.Fatalf("Bo is still present after leaving: %+v", pres.Entries)
			}
		}
	})
}
