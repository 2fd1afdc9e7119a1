package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
)

func TestRoutingRulesPage(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		agent := e.agent(ws, "bo@acme.test", "Bo", model.RoleAgent)
		c := e.as(admin)
		c.get("/admin/routing").mustStatus(t, http.StatusOK, "routing page").mustContain(t, "routing page", `id="routing-form"`, "author_followers")
		e.as(agent).get("/admin/routing").mustStatus(t, http.StatusForbidden, "agent on routing page")

		bad := `[{"id":"x","when":{"field":"folowers","op":"gt","value":1},"then":[]}]`
		c.post("/admin/routing", url.Values{"rules": {bad}}).mustStatus(t, http.StatusUnprocessableEntity, "invalid rules").
			mustContain(t, "invalid rules", "rules[0].when", "folowers")

		good := `[{"id":"angry","when":{"field":"sentiment_label","op":"eq","value":"negative"},"then":[{"type":"set_priority","priority":3}]},
		          {"id":"vip","when":{"field":"author_followers","op":"gte","value":10000},"then":[{"type":"add_tag","tag":"vip"}]}]`
		c.post("/admin/routing", url.Values{"rules": {good}}).mustStatus(t, http.StatusSeeOther, "save rules")
		c.get("/admin/routing").mustContain(t, "saved rules", "angry", "vip")

		res := c.post("/admin/routing/test", url.Values{"rules": {good}, "text": {"This is terrible, I hate it"}, "channel_type": {"x"}, "public": {"1"}, "followers": {"10"}})
		res.mustStatus(t, http.StatusOK, "test rules").mustContain(t, "test rules", `id="routing-result"`, "<strong>angry</strong>").mustNotContain(t, "test rules", "<strong>vip</strong>")

		e.as(agent).post("/availability", url.Values{"availability": {"away"}}).mustStatus(t, http.StatusSeeOther, "availability")
		if got, _ := e.store.GetAgent(e.ctx, agent.ID); got.Availability != "away" {
			t.Fatalf("availability %q, want away", got.Availability)
		}
		e.as(agent).post("/availability", url.Values{"availability": {"asleep"}}).mustStatus(t, http.StatusBadRequest, "bad availability")
	})
}
