package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
)

func TestConversationPage(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		ch := e.channel(ws, "Support")
		conv := e.inbound(ch,
			msg{thread: "t1", author: "u1", name: "Cleo", handle: "cleo", text: "first message"},
			msg{thread: "t1", author: "u1", name: "Cleo", handle: "cleo", text: "second message"})
		c := e.as(admin)

		page := c.get("/conversations/"+conv.ID+"?view=unassigned").mustStatus(t, http.StatusOK, "conversation")
		page.mustContain(t, "conversation", "Cleo", "@cleo", "first message", "second message", "Support", "public",
			`id="reply-form"`, `id="note-form"`, `id="assign-form"`, `id="status-form"`, `id="resolve-form"`,
			`name="private"`, // the conversation is public: a private reply is possible
			`data-conv="`+conv.ID+`"`,
			`class="conv-row open" href="/conversations/`+conv.ID+`?view=unassigned"`, // the list beside it keeps its view
			`<input type="hidden" name="list" value="view=unassigned">`)
		frag := c.get("/conversations/"+conv.ID, "HX-Request", "true").mustStatus(t, http.StatusOK, "fragment")
		frag.mustNotContain(t, "fragment", "<html", `id="conv-list"`).mustContain(t, "fragment", `id="conv"`, "second message")
		if strings.Index(frag.body, "first message") > strings.Index(frag.body, "second message") {
			t.Fatal("history is not oldest first")
		}

		c.get("/conversations/01JUNKJUNKJUNKJUNKJUNKJUNK").mustStatus(t, http.StatusNotFound, "unknown conversation")
		ws2, admin2 := e.workspace("Other")
		_ = ws2
		e.as(admin2).get("/conversations/"+conv.ID).mustStatus(t, http.StatusNotFound, "another workspace's conversation")
	})
}

func TestConversationActions(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		bo := e.agent(ws, "bo@acme.test", "Bo", model.RoleAgent)
		team, err := e.acc.CreateTeam(e.ctx, ws.ID, "Night shift", []string{bo.ID})
		if err != nil {
			t.Fatal(err)
		}
		conv := e.inbound(e.channel(ws, "Support"), msg{thread: "t1", author: "u1", name: "Cleo", text: "where is my parcel?"})
		c := e.as(bo)
		base := "/conversations/" + conv.ID

		// Reply with a plain form: 303 back to the conversation and its list.
		res := c.post(base+"/reply", url.Values{"text": {"Checking now, Cleo."}, "list": {"view=mine&bogus=1"}}).
			mustStatus(t, http.StatusSeeOther, "reply")
		if loc := res.header.Get("Location"); loc != base+"?view=mine" {
			t.Fatalf("reply redirects to %q", loc)
		}
		got := e.reload(conv)
		if got.Status != model.StatusAcknowledged || got.FirstResponseSeconds == nil {
			t.Fatalf("after reply: status %s, first response %v", got.Status, got.FirstResponseSeconds)
		}
		if n := len(e.outbox.sent()); n != 1 {
			t.Fatalf("%d sends queued, want 1", n)
		}
		page := c.get(base).mustContain(t, "after reply", "Checking now, Cleo.", `class="msg msg-out"`, "queued", "public")

		// Private reply, through htmx: the pane comes back, not a redirect.
		res = c.post(base+"/reply", url.Values{"text": {"Sending you a DM."}, "private": {"1"}}, "HX-Request", "true").
			mustStatus(t, http.StatusOK, "htmx reply")
		res.mustContain(t, "htmx reply", `id="conv"`, "Sending you a DM.").mustNotContain(t, "htmx reply", "<html")
		msgs, err := e.store.ListMessages(e.ctx, conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if last := msgs[len(msgs)-1]; last.Public || last.Direction != model.DirectionOut {
			t.Fatalf("private reply stored as %+v", last)
		}

		// Empty reply: the pane again, with the message, status 422.
		c.post(base+"/reply", url.Values{"text": {"   "}}, "HX-Request", "true").
			mustStatus(t, http.StatusUnprocessableEntity, "empty reply").mustContain(t, "empty reply", "The message is required.")
		long := strings.Repeat("x", 70*1024)
		c.post(base+"/reply", url.Values{"text": {long}}).mustStatus(t, http.StatusUnprocessableEntity, "long reply").
			mustContain(t, "long reply", "longer than")

		// A note is stored, shown as a note, and never sent.
		c.post(base+"/note", url.Values{"text": {"VIP customer, be kind"}}).mustStatus(t, http.StatusSeeOther, "note")
		c.get(base).mustContain(t, "note", `class="msg msg-note"`, "Internal note", "VIP customer, be kind")
		if n := len(e.outbox.sent()); n != 2 {
			t.Fatalf("%d sends queued after a note, want 2", n)
		}

		// Assign: to me, to a team, to another agent, then nobody.
		c.post(base+"/assign", url.Values{"self": {"1"}}).mustStatus(t, http.StatusSeeOther, "assign self")
		if got := e.reload(conv); got.AssigneeID != bo.ID || got.TeamID != "" {
			t.Fatalf("after assign self: %q/%q", got.AssigneeID, got.TeamID)
		}
		c.post(base+"/assign", url.Values{"agent_id": {admin.ID}, "team_id": {team.ID}}).mustStatus(t, http.StatusSeeOther, "assign other")
		if got := e.reload(conv); got.AssigneeID != admin.ID || got.TeamID != team.ID {
			t.Fatalf("after assign: %q/%q", got.AssigneeID, got.TeamID)
		}
		c.get(base).mustContain(t, "assigned", "Ada Admin · team Night shift")
		c.post(base+"/assign", url.Values{"clear": {"1"}, "agent_id": {admin.ID}}).mustStatus(t, http.StatusSeeOther, "unassign")
		if got := e.reload(conv); got.AssigneeID != "" || got.TeamID != "" {
			t.Fatalf("after unassign: %q/%q", got.AssigneeID, got.TeamID)
		}
		_, stranger := e.workspace("Other")
		c.post(base+"/assign", url.Values{"agent_id": {stranger.ID}}).mustStatus(t, http.StatusUnprocessableEntity, "foreign agent").
			mustContain(t, "foreign agent", "No such agent.")

		// Status: waiting, then resolved (which records the resolution time).
		c.post(base+"/status", url.Values{"status": {"waiting"}}).mustStatus(t, http.StatusSeeOther, "waiting")
		if got := e.reload(conv).Status; got != model.StatusWaiting {
			t.Fatalf("status %s", got)
		}
		c.post(base+"/status", url.Values{"status": {"resolved"}}, "HX-Request", "true").mustStatus(t, http.StatusOK, "resolve").
			mustContain(t, "resolve", `badge st-resolved`, "Reopen")
		if got := e.reload(conv); got.Status != model.StatusResolved || got.ResolutionSeconds == nil {
			t.Fatalf("after resolve: %s %v", got.Status, got.ResolutionSeconds)
		}
		c.post(base+"/status", url.Values{"status": {"closed"}}).mustStatus(t, http.StatusUnprocessableEntity, "bad status")
		c.post("/conversations/01JUNKJUNKJUNKJUNKJUNKJUNK/status", url.Values{"status": {"new"}}).mustStatus(t, http.StatusNotFound, "unknown conversation")
		_ = page
	})
}
