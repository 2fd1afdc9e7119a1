package survey_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/channel/meta/metatest"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/store"
)

// TestMetaSurveys: a Messenger conversation gets the survey as a Messenger
// message and "5" answers it; a Facebook comment gets it as a private reply
// to the comment, never as a public comment.
func TestMetaSurveys(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		emu := metatest.New()
		t.Cleanup(emu.Close)
		n := apptest.Start(t, d.Engine)
		c := apiClient{t: t, base: n.URL, token: n.Token}
		creds := emu.Credentials()
		settings := map[string]any{"api_base": emu.APIBase(), "no_poll": true}
		var fb, ms struct{ ID string }
		c.json("POST", "/api/v1/channels", map[string]any{"type": "facebook", "name": "Acme Page", "settings": settings, "credentials": creds}, http.StatusCreated, &fb)
		c.json("POST", "/api/v1/channels", map[string]any{"type": "messenger", "name": "Acme Messenger", "settings": settings, "credentials": creds}, http.StatusCreated, &ms)
		hook := n.URL + "/hooks/" + fb.ID
		deliver := func() {
			t.Helper()
			if status, err := emu.DeliverWebhook(hook, creds["app_secret"]); err != nil || status != http.StatusOK {
				t.Fatalf("deliver: %d %v", status, err)
			}
		}
		c.json("PUT", "/api/v1/settings/survey", map[string]any{"enabled": true, "kind": "csat"}, http.StatusOK, nil)
		w := &apiWorld{node: n, c: c}

		tom := metatest.User{ID: "psid-7002", Name: "Tom Hughes"}
		emu.Message(tom, "Hi, I need help with my account")
		post := emu.Post("Service update: some orders are delayed this week.")
		ana := metatest.User{ID: "7001", Name: "Ana Diaz"}
		comment := emu.Comment(post.ID, ana, "My order is late again")
		deliver()
		priv := w.waitThread(t, "psid:"+tom.ID)
		pub := w.waitThread(t, "comment:"+comment.ID)
		c.json("POST", "/api/v1/conversations/"+priv+"/messages", map[string]any{"text": "Your account is unlocked, Tom."}, http.StatusCreated, nil)
		c.json("POST", "/api/v1/conversations/"+pub+"/messages", map[string]any{"text": "Sorry Ana, it ships today."}, http.StatusCreated, nil)
		w.resolve(t, priv)
		w.resolve(t, pub)

		apptest.Eventually(t, 20*time.Second, "both surveys sent", func() bool {
			a, b := w.surveysOf(t, priv), w.surveysOf(t, pub)
			return len(a) == 1 && a[0].Status == store.SurveySent && len(b) == 1 && b[0].Status == store.SurveySent
		})
		var toTom int
		for _, m := range emu.Messages() {
			if m.Recipient == tom.ID && strings.Contains(m.Text, "Reply with a number from 1") {
				toTom++
			}
		}
		var toComment int
		for _, p := range emu.PrivateReplies() {
			if p.CommentID == comment.ID && strings.Contains(p.Text, "Reply with a number from 1") {
				toComment++
			}
		}
		if toTom != 1 || toComment != 1 {
			t.Fatalf("survey messages: %d to Tom on Messenger, %d private replies to the comment", toTom, toComment)
		}
		for _, r := range emu.Replies() {
			if strings.Contains(r.Text, "Reply with a number") {
				t.Fatalf("the survey was posted as a public comment: %+v", r)
			}
		}

		emu.Message(tom, "5")
		deliver()
		apptest.Eventually(t, 10*time.Second, "Tom's answer", func() bool {
			got := w.surveysOf(t, priv)
			return got[0].Status == store.SurveyAnswered && got[0].Score != nil && *got[0].Score == 5
		})
		var conv conversationJSON
		c.json("GET", "/api/v1/conversations/"+priv, nil, http.StatusOK, &conv)
		if conv.Status != "resolved" {
			t.Fatalf("the answer reopened the Messenger conversation: %s", conv.Status)
		}
	})
}
