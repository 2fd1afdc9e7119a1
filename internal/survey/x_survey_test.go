package survey_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/channel/x/xtest"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/store"
)

// TestXSurveyByDirectMessage: a public mention on X is resolved; the survey
// goes to the customer as a direct message (never as a public reply), and
// the customer's star-only DM answers it without opening a DM conversation.
func TestXSurveyByDirectMessage(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		emu := xtest.New()
		t.Cleanup(emu.Close)
		n := apptest.Start(t, d.Engine)
		c := apiClient{t: t, base: n.URL, token: n.Token}
		ref := emu.Channel()
		var ch struct {
			ID         string `json:"id"`
			WebhookURL string `json:"webhook_url"`
		}
		c.json("POST", "/api/v1/channels", map[string]any{"type": "x", "name": "@" + emu.Brand.Username,
			"settings": map[string]any{"api_base": emu.URL(), "no_poll": true}, "credentials": ref.Credentials}, http.StatusCreated, &ch)
		hook := n.URL + ch.WebhookURL[strings.Index(ch.WebhookURL, "/hooks/"):]
		c.json("PUT", "/api/v1/settings/survey", map[string]any{"enabled": true, "kind": "csat"}, http.StatusOK, nil)

		cust := xtest.User{ID: "9001", Username: "ana_d", Name: "Ana Diaz", Followers: 10}
		mention := emu.PostMention(cust, "@"+emu.Brand.Username+" my parcel is two weeks late", "")
		if err := emu.DeliverWebhook(hook, emu.ConsumerSecret); err != nil {
			t.Fatal(err)
		}
		w := &apiWorld{node: n, c: c}
		convID := w.waitThread(t, mention.ConversationID)
		c.json("POST", "/api/v1/conversations/"+convID+"/messages", map[string]any{"text": "Sorry Ana, it arrives tomorrow."}, http.StatusCreated, nil)
		w.resolve(t, convID)

		apptest.Eventually(t, 20*time.Second, "the survey DM", func() bool {
			for _, dm := range emu.DMs() {
				if dm.SenderID == emu.Brand.ID && dm.RecipientID == cust.ID && strings.Contains(dm.Text, "Reply with a number from 1") {
					return true
				}
			}
			return false
		})
		for _, tw := range emu.Tweets() {
			if strings.Contains(tw.Text, "Reply with a number") {
				t.Fatalf("the survey was posted publicly: %+v", tw)
			}
		}
		apptest.Eventually(t, 10*time.Second, "survey marked sent", func() bool {
			got := w.surveysOf(t, convID)
			return len(got) == 1 && got[0].Status == store.SurveySent
		})

		emu.SendDM(cust, "⭐⭐⭐⭐")
		if err := emu.DeliverWebhook(hook, emu.ConsumerSecret); err != nil {
			t.Fatal(err)
		}
		apptest.Eventually(t, 10*time.Second, "the DM answer", func() bool {
			got := w.surveysOf(t, convID)
			return len(got) == 1 && got[0].Status == store.SurveyAnswered
		})
		if got := w.surveysOf(t, convID)[0]; got.Score == nil || *got.Score != 4 || got.AnswerText != "⭐⭐⭐⭐" {
			t.Fatalf("answer = %+v", got)
		}
		var list struct {
			Conversations []conversationJSON `json:"conversations"`
		}
		c.json("GET", "/api/v1/conversations?limit=200", nil, http.StatusOK, &list)
		for _, cv := range list.Conversations {
			if cv.ThreadID == "dm:"+cust.ID {
				t.Fatalf("the answer opened a DM conversation: %+v", cv)
			}
		}
		// A real message afterwards is a conversation as usual.
		emu.SendDM(cust, "also, can I change the address?")
		if err := emu.DeliverWebhook(hook, emu.ConsumerSecret); err != nil {
			t.Fatal(err)
		}
		w.waitThread(t, "dm:"+cust.ID)
	})
}
