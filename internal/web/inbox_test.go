package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
)

var rowID = regexp.MustCompile(`class="conv-row[^"]*" href="[^"]*" data-id="([^"]+)"`)

// rows returns the conversation ids a list shows, in order.
func rows(body string) []string {
	var ids []string
	for _, m := range rowID.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestInboxViewsAndFilters(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		agent := e.agent(ws, "bo@acme.test", "Bo", model.RoleAgent)
		support, sales := e.channel(ws, "Support"), e.channel(ws, "Sales")
		fresh := e.inbound(support, msg{thread: "t1", author: "u1", name: "Cleo Customer", handle: "cleo", text: "my parcel is late"})
		mine := e.inbound(sales, msg{thread: "t2", author: "u2", name: "Dan", handle: "dan", text: "price of the blue one?"})
		done := e.inbound(support, msg{thread: "t3", author: "u3", name: "Erin", text: "thanks, all good"})
		if err := e.store.AssignConversation(e.ctx, ws.ID, mine.ID, agent.ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := e.store.SetConversationStatus(e.ctx, ws.ID, mine.ID, model.StatusWaiting, e.store.Now()); err != nil {
			t.Fatal(err)
		}
		if err := e.store.SetConversationStatus(e.ctx, ws.ID, done.ID, model.StatusResolved, e.store.Now()); err != nil {
			t.Fatal(err)
		}
		// Another workspace's conversation never shows.
		ws2, _ := e.workspace("Other")
		foreign := e.inbound(e.channel(ws2, "Theirs"), msg{thread: "t9", author: "u9", name: "Zed", text: "elsewhere"})

		c := e.as(agent)
		scenarios := []struct {
			query string
			want  []string
		}{
			{"", []string{mine.ID, fresh.ID}}, // all open, newest activity first
			{"view=open", []string{mine.ID, fresh.ID}},
			{"view=mine", []string{mine.ID}},
			{"view=unassigned", []string{fresh.ID}},
			{"view=resolved", []string{done.ID}},
			{"view=open&channel=" + sales.ID, []string{mine.ID}},
			{"view=open&status=new", []string{fresh.ID}},
			{"view=open&status=waiting", []string{mine.ID}},
			{"view=resolved&channel=" + sales.ID, nil},
			{"view=open&q=parcel", []string{fresh.ID}},  // message text
			{"view=open&q=CLEO", []string{fresh.ID}},    // name and handle, any case
			{"view=bogus", []string{mine.ID, fresh.ID}}, // unknown view: the default
		}
		for _, sc := range scenarios {
			res := c.get("/inbox?"+sc.query).mustStatus(t, http.StatusOK, sc.query)
			got := rows(res.body)
			if fmt.Sprint(got) != fmt.Sprint(sc.want) {
				t.Errorf("/inbox?%s: rows %v, want %v", sc.query, got, sc.want)
			}
			if strings.Contains(res.body, foreign.ID) {
				t.Errorf("/inbox?%s shows another workspace's conversation", sc.query)
			}
		}

		page := c.get("/inbox").mustContain(t, "inbox row",
			"Cleo Customer", "@cleo", "my parcel is late", "Support", `badge st-new`, "Unassigned", // fresh
			"Bo", `aria-current="page">All open`) // mine is assigned to Bo
		page.mustContain(t, "search box", `id="q"`, `name="channel"`, `name="status"`)

		// A first response time shows once known.
		if err := e.store.RecordReply(e.ctx, fresh.ID, fresh.CreatedAt.Add(125e9), "on it", false); err != nil {
			t.Fatal(err)
		}
		c.get("/inbox").mustContain(t, "first response", "first reply 2m 05s")

		// The fragment app.js and htmx fetch is the list alone.
		frag := c.get("/inbox?view=mine", "HX-Request", "true").mustStatus(t, http.StatusOK, "fragment")
		frag.mustNotContain(t, "fragment", "<html", "<header")
		if got := rows(frag.body); fmt.Sprint(got) != fmt.Sprint([]string{mine.ID}) {
			t.Fatalf("fragment rows %v", got)
		}
		if v := frag.header.Get("Vary"); v != "HX-Request" {
			t.Fatalf("Vary %q", v)
		}
		_ = admin
	})
}

func TestInboxPaging(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		ch := e.channel(ws, "Support")
		var ms []msg
		for i := 0; i < 53; i++ {
			ms = append(ms, msg{thread: fmt.Sprintf("t%02d", i), author: fmt.Sprintf("u%02d", i), name: fmt.Sprintf("Customer %02d", i), text: "hi"})
		}
		e.inbound(ch, ms...)
		c := e.as(admin)
		first := c.get("/inbox").mustStatus(t, http.StatusOK, "page 1")
		older := regexp.MustCompile(`class="older" href="([^"]+)"`).FindStringSubmatch(first.body)
		if older == nil {
			t.Fatalf("no Older link on a full page")
		}
		seen := map[string]bool{}
		for _, id := range rows(first.body) {
			seen[id] = true
		}
		second := c.get(html.UnescapeString(older[1])).mustStatus(t, http.StatusOK, "page 2")
		second.mustNotContain(t, "last page", `class="older"`)
		for _, id := range rows(second.body) {
			if seen[id] {
				t.Fatalf("conversation %s on both pages", id)
			}
			seen[id] = true
		}
		if len(seen) != 53 {
			t.Fatalf("paged through %d conversations, want 53", len(seen))
		}
		c.get("/inbox?cursor=garbage").mustStatus(t, http.StatusBadRequest, "bad cursor")
	})
}

// Customer text is untrusted: every place it shows, it is escaped.
func TestHostileTextIsEscaped(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		ch := e.channel(ws, `<i>Chan</i>`)
		conv := e.inbound(ch, msg{thread: `"><svg onload=alert(3)>`, author: "x", name: `<b onmouseover=alert(4)>Eve</b>`,
			handle: `"><script>alert(5)</script>`, text: `<script>alert(1)</script><img src=x onerror=alert(2)>`})
		c := e.as(admin)
		for _, path := range []string{"/inbox", "/conversations/" + conv.ID, "/conversations/" + conv.ID + "?q=" + url.QueryEscape(`"><script>`)} {
			res := c.get(path).mustStatus(t, http.StatusOK, path)
			res.mustContain(t, path, `&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;`, `&lt;b onmouseover=alert(4)&gt;Eve&lt;/b&gt;`, `&lt;i&gt;Chan&lt;/i&gt;`)
			res.mustNotContain(t, path, "<script>alert", "<img src=x", "<b onmouseover", "<i>Chan", "<svg")
			for h, want := range map[string]string{
				"Content-Security-Policy": "script-src 'self'", "X-Content-Type-Options": "nosniff",
				"Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
			} {
				if !strings.Contains(res.header.Get(h), want) {
					t.Fatalf("%s: %s = %q, want %q", path, h, res.header.Get(h), want)
				}
			}
			if !strings.Contains(res.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Fatalf("%s: CSP without frame-ancestors", path)
			}
			if strings.Contains(res.body, "<script>") && !strings.Contains(res.body, `<script src="/static/`) {
				t.Fatalf("%s: inline script in page", path)
			}
		}
		// The agent's own text is escaped too (it is shown to other agents).
		c.post("/conversations/"+conv.ID+"/note", url.Values{"text": {`<script>alert(6)</script>`}}).mustStatus(t, http.StatusSeeOther, "note")
		c.get("/conversations/"+conv.ID).mustContain(t, "note", "&lt;script&gt;alert(6)&lt;/script&gt;").mustNotContain(t, "note", "<script>alert(6)")
	})
}
