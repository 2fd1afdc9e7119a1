package web_test

import (
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

// newAssistEnv is newEnv whose UI also knows the platforms' capabilities
// (the private move depends on them).
func newAssistEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := newEnv(t, d)
	log := slog.New(slog.DiscardHandler)
	reg := channel.NewRegistry(apichannel.New(nil), webchat.Connector{})
	ib := inbox.New(e.store, e.hub, e.outbox, log)
	h, err := web.New(web.Deps{Store: e.store, Inbox: ib, Accounts: e.acc, Broker: e.hub, Limiter: e.limiter,
		BaseURL: "http://heed.test", Log: log, Registry: reg, Composer: sharedComposer(t)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e.srv = srv
	return e
}

func TestKnowledgeBasePage(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newAssistEnv(t, d)
		ws, admin := e.workspace("Acme")
		agent := e.agent(ws, "bo@acme.test", "Bo", model.RoleAgent)
		c := e.as(admin)

		c.get("/admin/kb").mustStatus(t, http.StatusOK, "kb page").mustContain(t, "kb page", "No articles yet.", `id="kb-form"`, `href="/admin/kb"`)
		e.as(agent).get("/admin/kb").mustStatus(t, http.StatusForbidden, "agent on the admin page")

		c.post("/admin/kb", url.Values{"title": {"Refund <b>policy</b>"}, "url": {"https://help.acme.com/refunds"}, "tags": {"Refund, money"}}).
			mustStatus(t, http.StatusSeeOther, "add article")
		c.post("/admin/kb", url.Values{"title": {"Trap"}, "url": {"javascript:alert(1)"}}).
			mustStatus(t, http.StatusUnprocessableEntity, "bad URL").mustContain(t, "bad URL", "The address must be a web address", `value="Trap"`)
		c.post("/admin/kb", url.Values{"title": {"Again"}, "url": {"https://help.acme.com/refunds"}}).
			mustStatus(t, http.StatusUnprocessableEntity, "duplicate URL").mustContain(t, "duplicate URL", "Another article has this address.")

		page := c.get("/admin/kb?done=article").mustStatus(t, http.StatusOK, "list")
		page.mustContain(t, "list", "Article saved.", "Refund &lt;b&gt;policy&lt;/b&gt;", "https://help.acme.com/refunds", "refund, money").
			mustNotContain(t, "list", "<b>policy</b>")
		arts, _ := e.store.ListKBArticles(e.ctx, ws.ID)
		if len(arts) != 1 {
			t.Fatalf("articles: %+v", arts)
		}
		id := arts[0].ID
		c.get("/admin/kb?edit="+id).mustContain(t, "edit form", `action="/admin/kb/`+id+`"`, `value="refund, money"`)
		c.post("/admin/kb/"+id, url.Values{"title": {"Refunds"}, "url": {"https://help.acme.com/refunds"}, "tags": {"returns"}}).
			mustStatus(t, http.StatusSeeOther, "update")
		if a, _ := e.store.GetKBArticle(e.ctx, ws.ID, id); a.Title != "Refunds" || len(a.Tags) != 1 || a.Tags[0] != "returns" {
			t.Fatalf("after update: %+v", a)
		}

		_, otherAdmin := e.workspace("Other")
		e.as(otherAdmin).post("/admin/kb/"+id+"/delete", nil).mustStatus(t, http.StatusNotFound, "another workspace deletes")
		c.post("/admin/kb/"+id+"/delete", nil).mustStatus(t, http.StatusSeeOther, "delete")
		if arts, _ := e.store.ListKBArticles(e.ctx, ws.ID); len(arts) != 0 {
			t.Fatalf("after delete: %+v", arts)
		}

		// The dictionary: an admin adds and removes words on the same page.
		c.post("/words", url.Values{"word": {"AcmePay"}}).mustStatus(t, http.StatusSeeOther, "add word")
		c.post("/words", url.Values{"word": {"1234"}}).mustStatus(t, http.StatusUnprocessableEntity, "bad word").mustContain(t, "bad word", "The word needs at least one letter")
		c.get("/admin/kb").mustContain(t, "words", "AcmePay")
		c.post("/admin/words/delete", url.Values{"word": {"acmepay"}}).mustStatus(t, http.StatusSeeOther, "remove word")
		c.get("/admin/kb").mustContain(t, "words", "No words yet.")
	})
}

func TestAssistSearch(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newAssistEnv(t, d)
		ws, admin := e.workspace("Acme")
		conv := e.inbound(e.channel(ws, "Support"), msg{thread: "t1", author: "u1", name: "Cleo Park", handle: "cleo", text: "I want my money back"})
		r, err := e.store.CreateSavedReply(e.ctx, store.SavedReply{WorkspaceID: ws.ID, Name: "Refund sent", Body: "Hi {{customer.first_name}}, your refund is on its way. ^{{agent.initials}}"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.SetSavedReplyTags(e.ctx, ws.ID, r.ID, []string{"billing"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.CreateSavedReply(e.ctx, store.SavedReply{WorkspaceID: ws.ID, Name: "Shipping delay", Body: "Parcels are late this week."}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.CreateKBArticle(e.ctx, store.KBArticle{WorkspaceID: ws.ID, Title: "Refund policy <script>x</script>", URL: "https://help.acme.com/refunds", Tags: []string{"money"}}); err != nil {
			t.Fatal(err)
		}
		c := e.as(admin)
		base := "/conversations/" + conv.ID + "/assists?q="

		res := c.get(base+"ref", "HX-Request", "true").mustStatus(t, http.StatusOK, "search ref")
		res.mustContain(t, "search ref", `role="option"`, "Refund sent", `data-insert="Hi Cleo, your refund is on its way. ^AA"`,
			`data-insert="Refund policy &lt;script&gt;x&lt;/script&gt;: https://help.acme.com/refunds"`, `aria-selected="true"`).
			mustNotContain(t, "search ref", "Shipping delay", "<script>")
		c.get(base+"billing").mustContain(t, "by tag", "Refund sent").mustNotContain(t, "by tag", "Refund policy")
		c.get(base+"money").mustContain(t, "article tag", "Refund policy").mustNotContain(t, "article tag", "Refund sent")
		c.get(base+"late").mustContain(t, "by body", "Shipping delay")
		c.get(base+"zzz").mustContain(t, "nothing", "No saved reply or article matches").mustNotContain(t, "nothing", `role="option"`)
		// A long query is cut (on a character boundary) and answers normally.
		c.get(base+url.QueryEscape(strings.Repeat("é", 300))).mustStatus(t, http.StatusOK, "long query").
			mustContain(t, "long query", "No saved reply or article matches").mustNotContain(t, "long query", "\ufffd", "�")
		all := c.get(base)
		if n := strings.Count(all.body, `role="option"`); n != 3 {
			t.Fatalf("empty query lists everything: %d options", n)
		}

		_, other := e.workspace("Other")
		e.as(other).get(base+"ref").mustStatus(t, http.StatusNotFound, "another workspace's conversation")
	})
}

func TestAddWordClearsSpellingWarning(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newAssistEnv(t, d)
		ws, admin := e.workspace("Acme")
		bo := e.agent(ws, "bo@acme.test", "Bo", model.RoleAgent)
		conv := e.inbound(e.channel(ws, "Support"), msg{thread: "t1", author: "u1", name: "Cleo", text: "how do I pay?"})
		check := "/conversations/" + conv.ID + "/check"
		// A fresh form each time: post adds the session's CSRF token to it.
		draft := func() url.Values { return url.Values{"text": {"Hi Cleo, you can pay with zorbix in the app."}} }

		e.as(admin).post(check, draft()).mustStatus(t, http.StatusOK, "check").
			mustContain(t, "check", `data-check="spelling"`, `class="link add-word" data-word="zorbix"`)
		e.as(bo).post("/words", url.Values{"word": {"zorbix"}, "csrf": {""}}, "X-CSRF-Token", e.as(bo).csrf).
			mustStatus(t, http.StatusForbidden, "another session's token")
		cb := e.as(bo)
		cb.post("/words", url.Values{"word": {"zorbix"}, "csrf": {""}}, "X-CSRF-Token", cb.csrf).mustStatus(t, http.StatusNoContent, "add word")
		// Gone for everyone, not only for who added it.
		e.as(admin).post(check, draft()).mustStatus(t, http.StatusOK, "check again").mustNotContain(t, "check again", "zorbix")
	})
}

func TestPrivateMove(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newAssistEnv(t, d)
		ws, _ := e.workspace("Acme")
		bo := e.agent(ws, "bo@acme.test", "Bo", model.RoleAgent)
		pub := e.inbound(e.channel(ws, "Support"), msg{thread: "t1", author: "u1", name: "Cleo", text: "my card 4111 1111 1111 1111 was charged twice"})
		c := e.as(bo)
		base := "/conversations/" + pub.ID
		c.get(base).mustContain(t, "public page", `id="private-move"`, `formaction="`+base+`/private-move"`)

		c.post(base+"/private-move", url.Values{"text": {"  "}}).mustStatus(t, http.StatusUnprocessableEntity, "empty").
			mustContain(t, "empty", "Write the private message first.")
		c.post(base+"/private-move", url.Values{"text": {"Sorry Cleo, please send us the order number here."}}).
			mustStatus(t, http.StatusSeeOther, "move")
		moves, err := e.store.ConversationMoves(e.ctx, ws.ID, pub.ID)
		if err != nil || len(moves) != 1 {
			t.Fatalf("moves: %+v %v", moves, err)
		}
		priv := e.reload(model.Conversation{WorkspaceID: ws.ID, ID: moves[0].PrivateID})
		if priv.Public || priv.AssigneeID != bo.ID || priv.CustomerID != pub.CustomerID || priv.ChannelID != pub.ChannelID {
			t.Fatalf("private conversation: %+v", priv)
		}
		msgs, _ := e.store.ListMessages(e.ctx, pub.ID)
		last := msgs[len(msgs)-1]
		if last.Direction != model.DirectionOut || last.Public || !strings.Contains(last.Text, "order number") {
			t.Fatalf("the private message: %+v", last)
		}
		if sent := e.outbox.sent(); len(sent) != 1 || sent[0] != last.ID {
			t.Fatalf("queued: %v, want %s", sent, last.ID)
		}
		c.get(base).mustContain(t, "public side", "Moved to private:", `href="/conversations/`+priv.ID+`"`)
		c.get("/conversations/"+priv.ID).mustContain(t, "private side", "From public post:", `href="/conversations/`+pub.ID+`"`,
			"Sent privately from the public post: Sorry Cleo").mustNotContain(t, "private side", `id="private-move"`)

		// A second move goes to the same private conversation.
		c.post(base+"/private-move", url.Values{"text": {"Any news?"}}, "HX-Request", "true").mustStatus(t, http.StatusOK, "again")
		if m, _ := e.store.ConversationMoves(e.ctx, ws.ID, priv.ID); len(m) != 1 {
			t.Fatalf("second move: %+v", m)
		}
		c.post("/conversations/"+priv.ID+"/private-move", url.Values{"text": {"x"}}).
			mustStatus(t, http.StatusUnprocessableEntity, "private already").mustContain(t, "private already", "This conversation is already private.")
	})
}

// The private-move form's reason: listed in the composer, stored on the
// public conversation by the first move that gives one, shown next to the
// link to the private conversation; an unknown one is refused unsent.
func TestPrivateMoveReason(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newAssistEnv(t, d)
		ws, _ := e.workspace("Acme")
		bo := e.agent(ws, "bo@acme.test", "Bo", model.RoleAgent)
		pub := e.inbound(e.channel(ws, "Support"), msg{thread: "t1", author: "u1", name: "Cleo", text: "where is my order 1234?"})
		c := e.as(bo)
		base := "/conversations/" + pub.ID
		reason := func() string { return e.reload(model.Conversation{WorkspaceID: ws.ID, ID: pub.ID}).RedirectReason }

		c.get(base).mustStatus(t, http.StatusOK, "public page").mustContain(t, "public page", `<select name="reason" id="private-move-reason"`,
			`<option value="">— reason (optional) —</option>`, `<option value="order">Order, payment or booking lookup</option>`,
			`<option value="other">Other</option>`).mustNotContain(t, "public page", "Taken private:")

		c.post(base+"/private-move", url.Values{"text": {"Please DM us the order number."}, "reason": {"bored"}}).
			mustStatus(t, http.StatusUnprocessableEntity, "unknown reason").
			mustContain(t, "unknown reason", "The reason must be one of the listed reasons.", "Please DM us the order number.")
		if sent := e.outbox.sent(); len(sent) != 0 {
			t.Fatalf("an unknown reason sent %v", sent)
		}
		if moves, _ := e.store.ConversationMoves(e.ctx, ws.ID, pub.ID); len(moves) != 0 || reason() != "" {
			t.Fatalf("an unknown reason moved %+v, stored %q", moves, reason())
		}
		// Another validation error keeps the picked reason.
		c.post(base+"/private-move", url.Values{"text": {"  "}, "reason": {"complaint"}}).
			mustStatus(t, http.StatusUnprocessableEntity, "empty").mustContain(t, "empty", `<option value="complaint" selected>`)

		c.post(base+"/private-move", url.Values{"text": {"Please DM us the order number."}, "reason": {"order"}}).
			mustStatus(t, http.StatusSeeOther, "move")
		if got := reason(); got != "order" {
			t.Fatalf("stored reason %q, want order", got)
		}
		moves, err := e.store.ConversationMoves(e.ctx, ws.ID, pub.ID)
		if err != nil || len(moves) != 1 {
			t.Fatalf("moves: %+v %v", moves, err)
		}
		c.get(base).mustContain(t, "public side", "Moved to private:", "Taken private: Order, payment or booking lookup")
		c.get("/conversations/"+moves[0].PrivateID).mustNotContain(t, "private side", "Taken private:")

		// The second move keeps the first move's reason.
		c.post(base+"/private-move", url.Values{"text": {"Any news?"}, "reason": {"complaint"}}, "HX-Request", "true").
			mustStatus(t, http.StatusOK, "again").mustContain(t, "again", "Taken private: Order, payment or booking lookup")
		if got := reason(); got != "order" {
			t.Fatalf("after a second move: %q, want the first move's order", got)
		}

		// Without a reason: moved, "Not given".
		pub2 := e.inbound(e.channel(ws, "Support 2"), msg{thread: "t2", author: "u2", name: "Dan", text: "hello?"})
		c.post("/conversations/"+pub2.ID+"/private-move", url.Values{"text": {"Please DM us."}}).mustStatus(t, http.StatusSeeOther, "move without reason")
		c.get("/conversations/"+pub2.ID).mustContain(t, "no reason", "Taken private: Not given")
	})
}

// A private move held by a collision is sent by "Move to private anyway",
// which posts the move again: never a plain reply to the public thread
// (the text was meant to be private). The reason picked is kept.
func TestHeldPrivateMoveSendsPrivately(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newAssistEnv(t, d)
		ws, _ := e.workspace("Acme")
		ana := e.agent(ws, "ana@acme.test", "Ana", model.RoleAgent)
		bo := e.agent(ws, "bo@acme.test", "Bo", model.RoleAgent)
		pub := e.inbound(e.channel(ws, "Support"), msg{thread: "t1", author: "u1", name: "Cleo", text: "where is my order 1234?"})
		a, b := e.as(ana), e.as(bo)
		base := "/conversations/" + pub.ID
		seenA := a.seen(t, pub.ID)
		b.post(base+"/reply", url.Values{"text": {"Looking into it, Cleo."}, "seen": {b.seen(t, pub.ID)}}).mustStatus(t, http.StatusSeeOther, "Bo replies")
		before := len(e.outbox.sent())

		held := a.post(base+"/private-move", url.Values{"text": {"Please DM us your address."}, "seen": {seenA}, "reason": {"personal_data"}}, "HX-Request", "true").
			mustStatus(t, http.StatusUnprocessableEntity, "Ana's move after Bo's reply").
			mustContain(t, "held move", "Move to private anyway", `formaction="`+base+`/private-move"`, `hx-post="`+base+`/private-move"`,
				`<option value="personal_data" selected>`)
		if n := len(e.outbox.sent()); n != before {
			t.Fatalf("the held move sent %d messages", n-before)
		}
		ack := regexp.MustCompile(`name="ack" value="([^"]+)"`).FindStringSubmatch(held.body)
		if ack == nil {
			t.Fatal("no acknowledgement in the held form")
		}
		a.post(base+"/private-move", url.Values{"text": {"Please DM us your address."}, "seen": {seenA}, "ack": {ack[1]}, "reason": {"personal_data"}}).
			mustStatus(t, http.StatusSeeOther, "move anyway")
		moves, err := e.store.ConversationMoves(e.ctx, ws.ID, pub.ID)
		if err != nil || len(moves) != 1 {
			t.Fatalf("moves after Move anyway: %+v %v", moves, err)
		}
		if got := e.reload(model.Conversation{WorkspaceID: ws.ID, ID: pub.ID}).RedirectReason; got != "personal_data" {
			t.Fatalf("reason %q, want personal_data", got)
		}
	})
}
