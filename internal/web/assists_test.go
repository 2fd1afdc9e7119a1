package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
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
