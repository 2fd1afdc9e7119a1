package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
)

func TestAnalysisBadgesFiltersAndMasking(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		agent := e.agent(ws, "bo@acme.test", "Bo", model.RoleAgent)
		ch := e.channel(ws, "Support")
		angry := e.inbound(ch, msg{thread: "t1", author: "u1", name: "Cleo", text: "You charged my card 4111 1111 1111 1111 twice. Terrible service, I want a refund!"})
		happy := e.inbound(ch, msg{thread: "t2", author: "u2", name: "Dan", text: "Love the new app, thank you so much!"})
		if !angry.PersonalData || angry.SentimentLabel != "negative" || happy.SentimentLabel != "positive" {
			t.Fatalf("analysis not summarised: angry pii=%v %q, happy %q", angry.PersonalData, angry.SentimentLabel, happy.SentimentLabel)
		}
		a := e.as(agent)
		list := a.get("/inbox").mustStatus(t, http.StatusOK, "inbox")
		list.mustContain(t, "badges", "b-sent-negative", "b-sent-positive", "personal data")
		list.mustNotContain(t, "masked preview", "4111 1111 1111 1111")

		a.get("/inbox?sentiment=negative").mustContain(t, "negative filter", "Cleo").mustNotContain(t, "negative filter", ">Dan<")
		a.get("/inbox?sentiment=positive").mustContain(t, "positive filter", "Dan").mustNotContain(t, "positive filter", ">Cleo<")
		a.get("/inbox?pii=true").mustContain(t, "pii filter", "Cleo").mustNotContain(t, "pii filter", ">Dan<")

		// Agents see personal data in public posts masked; admins see it.
		a.get("/conversations/"+angry.ID).mustNotContain(t, "agent view", "4111 1111 1111 1111").
			mustContain(t, "agent view", "1111", "move to private", "personal data: card")
		e.as(admin).get("/conversations/"+angry.ID).mustContain(t, "admin view", "4111 1111 1111 1111")
	})
}

func TestSpamCorrectionsTrainTheWorkspaceModel(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		ch := e.channel(ws, "Support")
		// A reseller's offer that the baseline takes for spam; this brand
		// works with resellers, so its agents say otherwise.
		const text = "WIN a FREE gift card!!! Click http://bit.ly/deal now to claim your prize, limited offer"
		c := e.as(admin)
		first := e.inbound(ch, msg{thread: "s0", author: "r0", name: "Reseller", text: text})
		if !first.Spam {
			t.Fatal("baseline does not flag the text as spam; pick another text")
		}
		// It is not in the working views, but in the spam view.
		c.get("/inbox").mustNotContain(t, "open view", ">Reseller<")
		c.get("/inbox?view=spam").mustContain(t, "spam view", "Reseller")

		flipped := 0
		conv := first
		for i := 1; i <= 8; i++ {
			c.post("/conversations/"+conv.ID+"/spam", url.Values{"spam": {"false"}}).mustStatus(t, http.StatusSeeOther, "mark not spam")
			if e.reload(conv).Spam {
				t.Fatal("conversation still flagged after the agent's verdict")
			}
			conv = e.inbound(ch, msg{thread: fmt.Sprint("s", i), author: fmt.Sprint("r", i), name: "Reseller", text: text})
			if !conv.Spam {
				flipped = i
				break
			}
		}
		if flipped == 0 {
			t.Fatal("8 corrections did not teach the workspace model")
		}
		t.Logf("the same text stopped being spam after %d corrections", flipped)

		// Another workspace's model is untouched.
		ws2, _ := e.workspace("Other")
		other := e.inbound(e.channel(ws2, "Support"), msg{thread: "x", author: "r", name: "Reseller", text: text})
		if !other.Spam {
			t.Fatal("one workspace's corrections leaked into another's model")
		}
	})
}

func TestComposerChecksWhileTyping(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		conv := e.inbound(e.channel(ws, "Support"), msg{thread: "t1", author: "u1", name: "Cleo Ray", text: "My parcel never arrived, this is awful"})
		c := e.as(admin)
		res := c.post("/conversations/"+conv.ID+"/check", url.Values{"text": {"Hi Maria, we're looking into it"}})
		res.mustStatus(t, http.StatusOK, "check").mustContain(t, "check", `data-check="wrong_name"`, `data-check="empathy"`)
		c.post("/conversations/"+conv.ID+"/check", url.Values{"text": {"Hi Cleo, so sorry! Your parcel was re-sent today, tracking: https://acme.test/t/123"}}).
			mustStatus(t, http.StatusOK, "clean check").mustNotContain(t, "clean check", "data-check=")
		c.post("/conversations/"+conv.ID+"/check", url.Values{"text": {"x"}, "csrf": {""}}).mustStatus(t, http.StatusForbidden, "check without CSRF")
	})
}
