package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/secret"
)

func TestAdminAgentsAndTeams(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		c := e.as(admin)

		res := c.post("/admin/agents", url.Values{"name": {"Sue"}, "email": {"sue@acme.test"}, "role": {"supervisor"}, "password": {"long enough pw"}}).
			mustStatus(t, http.StatusSeeOther, "create agent")
		if loc := res.header.Get("Location"); loc != "/admin/agents?done=agent" {
			t.Fatalf("redirect %q", loc)
		}
		c.get("/admin/agents?done=agent").mustContain(t, "agents", "Agent created.", "sue@acme.test", "supervisor")
		sue, err := e.store.GetAgentByEmail(e.ctx, "sue@acme.test")
		if err != nil || sue.WorkspaceID != ws.ID || sue.Role != model.RoleSupervisor {
			t.Fatalf("created agent %+v, %v", sue, err)
		}
		c.post("/admin/agents", url.Values{"name": {"Sue 2"}, "email": {"SUE@acme.test"}, "role": {"agent"}, "password": {"long enough pw"}}).
			mustStatus(t, http.StatusUnprocessableEntity, "duplicate email").mustContain(t, "duplicate", "The email is already taken.", `value="Sue 2"`)
		c.post("/admin/agents", url.Values{"email": {"x@acme.test"}, "role": {"owner"}, "password": {"long enough pw"}}).
			mustStatus(t, http.StatusUnprocessableEntity, "bad role")
		c.get("/admin/agents?done=<script>").mustNotContain(t, "flash", "<script>")

		_, stranger := e.workspace("Other")
		c.post("/admin/teams", url.Values{"name": {"Night shift"}, "member": {sue.ID, stranger.ID}}).mustStatus(t, http.StatusSeeOther, "create team")
		teams, err := e.store.ListTeams(e.ctx, ws.ID)
		if err != nil || len(teams) != 1 || len(teams[0].MemberIDs) != 1 || teams[0].MemberIDs[0] != sue.ID {
			t.Fatalf("teams %+v, %v (a member from another workspace must be dropped)", teams, err)
		}
		c.get("/admin/teams").mustContain(t, "teams", "Night shift", "Sue")
		c.post("/admin/teams", url.Values{"name": {"  "}}).mustStatus(t, http.StatusUnprocessableEntity, "team without name")
	})
}

func TestAdminChannelsAndTokens(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		c := e.as(admin)

		res := c.post("/admin/channels", url.Values{"type": {"api"}, "name": {"Shop"}, "callback_url": {"https://shop.test/heed"}}).
			mustStatus(t, http.StatusCreated, "create api channel")
		chans, err := e.store.ListChannels(e.ctx, ws.ID)
		if err != nil || len(chans) != 1 {
			t.Fatalf("channels %v %v", chans, err)
		}
		api := chans[0]
		res.mustContain(t, "api channel", api.ID, "http://heed.test/api/v1/channels/"+api.ID+"/inbound", api.Secret, "shown once")
		if res.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("secret page Cache-Control %q", res.header.Get("Cache-Control"))
		}
		c.get("/admin/channels").mustContain(t, "channel list", "Shop", api.ID).mustNotContain(t, "channel list", api.Secret)

		res = c.post("/admin/channels", url.Values{"type": {"webchat"}, "name": {"Site chat"}}).mustStatus(t, http.StatusCreated, "create webchat")
		chans, _ = e.store.ListChannels(e.ctx, ws.ID)
		var chat model.Channel
		for _, ch := range chans {
			if ch.Type == model.ChannelWebchat {
				chat = ch
			}
		}
		res.mustContain(t, "webchat", `&lt;script src=&#34;http://heed.test/widget/`+chat.ID+`.js&#34; async&gt;&lt;/script&gt;`)
		c.post("/admin/channels", url.Values{"type": {"api"}, "name": {"Bad"}, "callback_url": {"javascript:alert(1)"}}).
			mustStatus(t, http.StatusUnprocessableEntity, "bad callback").mustContain(t, "bad callback", "The callback URL must be an http(s) URL.")
		c.post("/admin/channels", url.Values{"type": {"fax"}, "name": {"Old"}}).mustStatus(t, http.StatusUnprocessableEntity, "unknown type")

		bo := e.agent(ws, "bo@acme.test", "Bo", model.RoleAgent)
		res = c.post("/admin/tokens", url.Values{"name": {"CRM sync"}, "agent_id": {bo.ID}}).mustStatus(t, http.StatusCreated, "create token")
		value := regexp.MustCompile(`<code id="token-value">(heed_[^<]+)</code>`).FindStringSubmatch(res.body)
		if value == nil {
			t.Fatalf("token value not shown:\n%s", res.body)
		}
		tok, err := e.store.GetAPITokenByHash(e.ctx, secret.Hash(value[1]))
		if err != nil || tok.AgentID != bo.ID || tok.Name != "CRM sync" {
			t.Fatalf("token %+v %v", tok, err)
		}
		list := c.get("/admin/tokens").mustContain(t, "tokens", "CRM sync", "Bo").mustNotContain(t, "tokens", value[1])
		if !strings.Contains(list.body, "/admin/tokens/"+tok.ID+"/revoke") {
			t.Fatal("no revoke button")
		}
		_, stranger := e.workspace("Other")
		c.post("/admin/tokens", url.Values{"name": {"x"}, "agent_id": {stranger.ID}}).mustStatus(t, http.StatusUnprocessableEntity, "foreign agent")

		c.post("/admin/tokens/"+tok.ID+"/revoke", nil).mustStatus(t, http.StatusSeeOther, "revoke")
		if _, err := e.store.GetAPITokenByHash(e.ctx, secret.Hash(value[1])); err == nil {
			t.Fatal("token still valid after revoke")
		}
		c.post("/admin/tokens/"+tok.ID+"/revoke", nil).mustStatus(t, http.StatusNotFound, "revoke twice")
	})
}

func TestStaticAssets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dbtest.Open(t, db.SQLite))
	c := e.client()
	page := c.get("/login").body // fresh install: redirected; the setup page has the same layout
	if !strings.Contains(page, "/static/") {
		page = c.get("/setup").body
	}
	m := regexp.MustCompile(`src="(/static/([0-9a-f]+)/app\.js)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no hashed app.js in:\n%s", page)
	}
	res := c.get(m[1]).mustStatus(t, http.StatusOK, "app.js").mustContain(t, "app.js", "EventSource")
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Fatalf("app.js Content-Type %q", ct)
	}
	if cc := res.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Fatalf("hashed asset Cache-Control %q", cc)
	}
	if res.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatal("asset without nosniff")
	}
	if cc := c.get("/static/0000/app.js").header.Get("Cache-Control"); cc != "no-cache" {
		t.Fatalf("stale hash Cache-Control %q", cc)
	}
	c.get("/static/"+m[2]+"/app.js", "If-None-Match", `"`+m[2]+`"`).mustStatus(t, http.StatusNotModified, "revalidate")
	c.get("/static/"+m[2]+"/nope.js").mustStatus(t, http.StatusNotFound, "unknown asset")
	gz := c.get(m[1], "Accept-Encoding", "gzip")
	if gz.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("app.js not served compressed")
	}
}
