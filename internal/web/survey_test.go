package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

func TestSurveySettingsPage(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		ch := e.channel(ws, "Shop")
		c := e.as(admin)
		c.get("/admin/survey").mustStatus(t, http.StatusOK, "survey page").
			mustContain(t, "survey page", `id="survey-form"`, "Shop", "How satisfied are you with the help you received?")

		form := url.Values{"enabled": {"1"}, "kind": {"nps"}, "question": {"<b>Would you recommend us?</b>"}, "delay_minutes": {"15"},
			"answer_days": {"3"}, "cooldown_days": {"0"}, "channel_id": {ch.ID}}
		res := c.post("/admin/survey", form).mustStatus(t, http.StatusSeeOther, "save")
		if loc := res.header.Get("Location"); loc != "/admin/survey?saved=1" {
			t.Fatalf("redirect %q", loc)
		}
		set, err := e.store.GetSurveySettings(e.ctx, ws.ID)
		if err != nil || !set.Enabled || set.Kind != store.SurveyNPS || set.Delay != 15*time.Minute || set.AnswerDays != 3 ||
			set.CooldownDays != 0 || len(set.ChannelIDs) != 1 || set.ChannelIDs[0] != ch.ID {
			t.Fatalf("saved %+v, %v", set, err)
		}
		c.get("/admin/survey?saved=1").mustContain(t, "saved page", "Survey settings saved.", "&lt;b&gt;Would you recommend us?&lt;/b&gt;",
			"from 0 (not at all likely) to 10").mustNotContain(t, "saved page", "<b>Would")

		bad := url.Values{"kind": {"nps"}, "delay_minutes": {"15"}, "answer_days": {"0"}, "cooldown_days": {"7"}}
		c.post("/admin/survey", bad).mustStatus(t, http.StatusUnprocessableEntity, "answer window 0").
			mustContain(t, "error", "answer days: must be between 1 and 30")
		bad.Set("answer_days", "seven")
		c.post("/admin/survey", bad).mustStatus(t, http.StatusUnprocessableEntity, "not a number").
			mustContain(t, "error", "answer days: must be a whole number of days")
		otherWS, _ := e.workspace("Other")
		theirs := e.channel(otherWS, "Theirs")
		bad = url.Values{"kind": {"csat"}, "delay_minutes": {"0"}, "answer_days": {"7"}, "cooldown_days": {"7"}, "channel_id": {theirs.ID}}
		c.post("/admin/survey", bad).mustStatus(t, http.StatusUnprocessableEntity, "another workspace's channel").
			mustContain(t, "error", "channel ids: no such channel")
		if got, _ := e.store.GetSurveySettings(e.ctx, ws.ID); got.AnswerDays != 3 {
			t.Fatalf("a rejected form changed the settings: %+v", got)
		}

		agent := e.agent(ws, "sue@acme.test", "Sue", model.RoleAgent)
		e.as(agent).get("/admin/survey").mustStatus(t, http.StatusForbidden, "agent")
	})
}
