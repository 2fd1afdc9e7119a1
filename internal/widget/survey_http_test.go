package widget_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

type widgetSurvey struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Question string `json:"question"`
	Min      int    `json:"min"`
	Max      int    `json:"max"`
	Status   string `json:"status"`
	Score    *int   `json:"score"`
}

func (f fixture) survey(t *testing.T, s session) *widgetSurvey {
	t.Helper()
	status, _, body := do(t, "GET", f.n.URL+"/widget/"+f.chat.ID+"/messages", map[string]string{"X-Heed-Visitor": s.Token}, "")
	if status != http.StatusOK {
		t.Fatalf("messages: %d %s", status, body)
	}
	var out struct {
		Survey *widgetSurvey `json:"survey"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	return out.Survey
}

func (f fixture) answer(t *testing.T, s session, body string) (int, string) {
	t.Helper()
	status, hdr, resp := do(t, "POST", f.n.URL+"/widget/"+f.chat.ID+"/survey", map[string]string{"X-Heed-Visitor": s.Token, "Content-Type": "application/json"}, body)
	if hdr.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("survey answer without CORS header")
	}
	return status, resp
}

// TestWidgetSurveyAnswer: after resolution the widget's conversation carries
// the survey; only its own visitor can answer it, once, on its scale, and
// the answer does not reopen the conversation.
func TestWidgetSurveyAnswer(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		n := apptest.Start(t, d.Engine)
		f := newFixture(t, n)
		ctx := context.Background()
		if err := n.App.Store.SaveSurveySettings(ctx, store.SurveySettings{WorkspaceID: n.Admin.WorkspaceID, Enabled: true,
			Kind: store.SurveyCSAT, AnswerDays: 7, CooldownDays: 7}); err != nil {
			t.Fatal(err)
		}
		maria, other := f.newSession(t), f.newSession(t)
		f.post(t, maria, "m-1", "The app crashes on login")
		conv := f.conversation(t, maria.VisitorID)
		f.post(t, other, "o-1", "Hello?")
		f.conversation(t, other.VisitorID)
		if s := f.survey(t, maria); s != nil {
			t.Fatalf("survey before resolution: %+v", s)
		}
		if _, err := n.App.Inbox.Reply(ctx, n.Admin, conv.ID, inbox.ReplyInput{Text: "Fixed in 2.3.1, please update."}); err != nil {
			t.Fatal(err)
		}
		if err := n.App.Inbox.SetStatus(ctx, n.Admin, conv.ID, model.StatusResolved); err != nil {
			t.Fatal(err)
		}
		var s *widgetSurvey
		apptest.Eventually(t, 10*time.Second, "the survey in the widget", func() bool { s = f.survey(t, maria); return s != nil })
		if s.Status != "sent" || s.Kind != "csat" || s.Min != 1 || s.Max != 5 || s.Score != nil || s.Question != "How satisfied are you with the help you received?" {
			t.Fatalf("widget survey = %+v", s)
		}
		if f.survey(t, other) != nil {
			t.Fatal("another visitor sees the survey")
		}

		for _, c := range []struct {
			name    string
			who     session
			body    string
			status  int
			snippet string
		}{
			{"another visitor", other, `{"survey_id":"` + s.ID + `","score":1}`, http.StatusConflict, "not waiting"},
			{"off the scale", maria, `{"survey_id":"` + s.ID + `","score":6}`, http.StatusBadRequest, `"field":"score"`},
			{"no score", maria, `{"survey_id":"` + s.ID + `"}`, http.StatusBadRequest, `"field":"score"`},
			{"no survey id", maria, `{"score":5}`, http.StatusBadRequest, `"field":"survey_id"`},
			{"unknown survey", maria, `{"survey_id":"nope","score":5}`, http.StatusConflict, "not waiting"},
			{"malformed", maria, `{"score":`, http.StatusBadRequest, "malformed"},
			{"answer", maria, `{"survey_id":"` + s.ID + `","score":4}`, http.StatusOK, `"answered"`},
			{"twice", maria, `{"survey_id":"` + s.ID + `","score":1}`, http.StatusConflict, "not waiting"},
		} {
			status, body := f.answer(t, c.who, c.body)
			if status != c.status || !strings.Contains(body, c.snippet) {
				t.Errorf("%s: %d %s, want %d with %q", c.name, status, body, c.status, c.snippet)
			}
		}
		if status, _, _ := do(t, "POST", n.URL+"/widget/"+f.chat.ID+"/survey", nil, `{"survey_id":"`+s.ID+`","score":4}`); status != http.StatusUnauthorized {
			t.Errorf("answer without a visitor token: %d", status)
		}
		s = f.survey(t, maria)
		if s == nil || s.Status != "answered" || s.Score == nil || *s.Score != 4 {
			t.Fatalf("after answering the widget shows %+v", s)
		}
		got, err := n.App.Store.GetConversation(ctx, n.Admin.WorkspaceID, conv.ID)
		if err != nil || got.Status != model.StatusResolved {
			t.Fatalf("conversation after the answer: %s, %v", got.Status, err)
		}
		events, err := n.App.Store.ListEvents(ctx, conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		var answered int
		for _, e := range events {
			if e.Kind == "survey_answered" && strings.Contains(string(e.Data), `"score":4`) && strings.Contains(string(e.Data), `"via":"widget"`) {
				answered++
			}
		}
		if answered != 1 {
			t.Fatalf("survey_answered events = %d in %+v", answered, events)
		}
	})
}
