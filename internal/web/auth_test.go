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

func TestSetupRunsOnce(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client()

		res := c.get("/")
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/setup" {
			t.Fatalf("fresh install /: %d %q, want 303 /setup", res.status, res.header.Get("Location"))
		}
		if loc := c.get("/login").header.Get("Location"); loc != "/setup" {
			t.Fatalf("fresh install /login redirects to %q, want /setup", loc)
		}
		token := c.formToken("/setup")
		form := url.Values{"workspace": {"Acme"}, "name": {"Ada"}, "email": {"ada@acme.test"}, "password": {"long enough pw"}}

		noToken := url.Values{"workspace": {"Acme"}, "name": {"Ada"}, "email": {"ada@acme.test"}, "password": {"long enough pw"}}
		c.post("/setup", noToken).mustStatus(t, http.StatusForbidden, "setup without csrf")

		short := url.Values{"csrf": {token}, "workspace": {"Acme"}, "name": {"Ada"}, "email": {"ada@acme.test"}, "password": {"short"}}
		c.post("/setup", short).mustStatus(t, http.StatusUnprocessableEntity, "short password").
			mustContain(t, "short password", "at least 8 characters", `value="ada@acme.test"`)

		form.Set("csrf", token)
		res = c.post("/setup", form).mustStatus(t, http.StatusSeeOther, "setup")
		if loc := res.header.Get("Location"); loc != "/inbox" {
			t.Fatalf("setup redirects to %q, want /inbox", loc)
		}
		c.get("/inbox").mustStatus(t, http.StatusOK, "inbox after setup").mustContain(t, "inbox", "Acme", "Ada", "(admin)")

		// Done: the page and the action are gone for everyone.
		other := e.client()
		other.get("/setup").mustStatus(t, http.StatusNotFound, "setup page after setup")
		token2 := other.formToken("/login")
		again := url.Values{"csrf": {token2}, "workspace": {"Evil"}, "name": {"Eve"}, "email": {"eve@evil.test"}, "password": {"long enough pw"}}
		other.post("/setup", again).mustStatus(t, http.StatusNotFound, "second setup")
		if n, err := e.store.CountAgents(e.ctx); err != nil || n != 1 {
			t.Fatalf("agents after second setup: %d, %v; want 1", n, err)
		}
		if loc := other.get("/").header.Get("Location"); loc != "/login" {
			t.Fatalf("/ after setup, signed out: %q, want /login", loc)
		}
	})
}

func TestLogin(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d) // the limiter allows 2 failures per key
		_, admin := e.workspace("Acme")
		c := e.client()

		c.get("/inbox").mustStatus(t, http.StatusSeeOther, "inbox signed out")
		token := c.formToken("/login?next=/admin/agents")

		c.post("/login", url.Values{"email": {admin.Email}, "password": {testPassword}}).
			mustStatus(t, http.StatusForbidden, "login without csrf")

		res := c.post("/login", url.Values{"csrf": {token}, "email": {admin.Email}, "password": {"wrong password"}}).
			mustStatus(t, http.StatusUnauthorized, "wrong password").mustContain(t, "wrong password", "do not match")
		if strings.Contains(strings.Join(res.header.Values("Set-Cookie"), "\n"), "heed_session=") {
			t.Fatal("failed login set a session cookie")
		}

		res = c.post("/login", url.Values{"csrf": {token}, "email": {" ADMIN@acme.test "}, "password": {testPassword}, "next": {"/admin/agents"}}).
			mustStatus(t, http.StatusSeeOther, "login")
		if loc := res.header.Get("Location"); loc != "/admin/agents" {
			t.Fatalf("login redirects to %q, want next=/admin/agents", loc)
		}
		var cookie string
		for _, v := range res.header.Values("Set-Cookie") {
			if strings.HasPrefix(v, "heed_session=") {
				cookie = v
			}
		}
		for _, want := range []string{"heed_session=", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(cookie, want) {
				t.Fatalf("session cookie %q lacks %s", cookie, want)
			}
		}
		c.get("/admin/agents").mustStatus(t, http.StatusOK, "admin page after login")

		page := c.get("/inbox").mustStatus(t, http.StatusOK, "inbox")
		csrf := csrfField.FindStringSubmatch(page.body)[1]
		c.post("/logout", url.Values{"csrf": {""}}).mustStatus(t, http.StatusForbidden, "logout without csrf")
		c.post("/logout", url.Values{"csrf": {csrf}}).mustStatus(t, http.StatusSeeOther, "logout")
		if loc := c.get("/inbox").header.Get("Location"); loc != "/login?next=%2Finbox" {
			t.Fatalf("inbox after logout redirects to %q", loc)
		}

		// An off-site next is ignored.
		token = c.formToken("/login")
		res = c.post("/login", url.Values{"csrf": {token}, "email": {admin.Email}, "password": {testPassword}, "next": {"//evil.test/x"}})
		if loc := res.header.Get("Location"); loc != "/inbox" {
			t.Fatalf("off-site next: redirect to %q, want /inbox", loc)
		}

		// One more failure from this address reaches the limit (2): even the
		// right password, even for another account, now gets 429.
		c.post("/login", url.Values{"csrf": {token}, "email": {"nobody@acme.test"}, "password": {"whatever1"}}).
			mustStatus(t, http.StatusUnauthorized, "unknown email")
		c.post("/login", url.Values{"csrf": {token}, "email": {admin.Email}, "password": {testPassword}}).
			mustStatus(t, http.StatusTooManyRequests, "rate limited").mustContain(t, "rate limited", "Too many failed sign-in attempts")
	})
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		conv := e.inbound(e.channel(ws, "Support"), msg{thread: "t1", author: "u1", name: "Cleo", text: "hello"})
		c := e.as(admin)
		path := "/conversations/" + conv.ID + "/status"

		c.post(path, url.Values{"csrf": {""}, "status": {"waiting"}}).mustStatus(t, http.StatusForbidden, "no token")
		c.post(path, url.Values{"csrf": {"forged"}, "status": {"waiting"}}).mustStatus(t, http.StatusForbidden, "wrong token")
		c.post(path, url.Values{"status": {"waiting"}}, "Sec-Fetch-Site", "cross-site").mustStatus(t, http.StatusForbidden, "cross-site")
		if got := e.reload(conv).Status; got != model.StatusNew {
			t.Fatalf("status changed by rejected posts: %s", got)
		}
		// htmx sends the token as a header.
		c.post(path, url.Values{"csrf": {""}, "status": {"waiting"}}, "X-CSRF-Token", c.csrf, "HX-Request", "true").
			mustStatus(t, http.StatusOK, "header token")
		if got := e.reload(conv).Status; got != model.StatusWaiting {
			t.Fatalf("status %s, want waiting", got)
		}
		// Another agent's token does not work with this session.
		other := e.as(e.agent(ws, "bo@acme.test", "Bo", model.RoleAgent))
		c.post(path, url.Values{"csrf": {other.csrf}, "status": {"resolved"}}).mustStatus(t, http.StatusForbidden, "someone else's token")
	})
}

func TestRoles(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		clients := map[string]*client{
			"anonymous":  e.client(),
			"agent":      e.as(e.agent(ws, "ag@acme.test", "Agnes", model.RoleAgent)),
			"supervisor": e.as(e.agent(ws, "su@acme.test", "Sue", model.RoleSupervisor)),
			"admin":      e.as(admin),
		}
		admin403 := map[string]int{"anonymous": http.StatusSeeOther, "agent": http.StatusForbidden, "supervisor": http.StatusForbidden, "admin": http.StatusOK}
		inbox200 := map[string]int{"anonymous": http.StatusSeeOther, "agent": http.StatusOK, "supervisor": http.StatusOK, "admin": http.StatusOK}
		adminPost := map[string]int{"anonymous": http.StatusUnauthorized, "agent": http.StatusForbidden, "supervisor": http.StatusForbidden, "admin": http.StatusSeeOther}
		scenarios := []struct {
			method, path string
			form         url.Values
			want         map[string]int
		}{
			{"GET", "/inbox", nil, inbox200},
			{"GET", "/inbox?view=mine", nil, inbox200},
			{"GET", "/admin/agents", nil, admin403},
			{"GET", "/admin/teams", nil, admin403},
			{"GET", "/admin/channels", nil, admin403},
			{"GET", "/admin/tokens", nil, admin403},
			{"POST", "/admin/teams", url.Values{"name": {"Night shift"}}, adminPost},
		}
		for _, who := range []string{"anonymous", "agent", "supervisor", "admin"} {
			for _, sc := range scenarios {
				c := clients[who]
				var res response
				if sc.method == "GET" {
					res = c.get(sc.path)
				} else {
					form := url.Values{}
					for k, v := range sc.form {
						form[k] = append([]string(nil), v...)
					}
					form.Set("name", form.Get("name")+" "+who) // a fresh name per try
					res = c.post(sc.path, form)
				}
				if res.status != sc.want[who] {
					t.Errorf("%s %s as %s: %d, want %d", sc.method, sc.path, who, res.status, sc.want[who])
				}
				if who == "agent" && res.status == http.StatusForbidden && !strings.Contains(res.body, "do not have access") {
					t.Errorf("%s %s as agent: 403 page without its message", sc.method, sc.path)
				}
			}
		}
		// Admin links show for admins only.
		clients["agent"].get("/inbox").mustNotContain(t, "agent inbox", `href="/admin/agents"`)
		clients["admin"].get("/inbox").mustContain(t, "admin inbox", `href="/admin/agents"`)
	})
}
