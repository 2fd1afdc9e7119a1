package survey_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
	"github.com/heed-dev/heed/internal/survey"
)

func (w *apiWorld) settings(t *testing.T, body map[string]any) {
	t.Helper()
	w.c.json("PUT", "/api/v1/settings/survey", body, http.StatusOK, nil)
}

func (w *apiWorld) resolve(t *testing.T, convID string) {
	t.Helper()
	w.c.json("POST", "/api/v1/conversations/"+convID+"/status", map[string]string{"status": "resolved"}, http.StatusOK, nil)
}

func (w *apiWorld) surveysOf(t *testing.T, convID string) []store.Survey {
	t.Helper()
	all, err := w.node.App.Store.ListSurveys(context.Background(), convID)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// TestSurveyRules: who gets asked, when, and how often.
func TestSurveyRules(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		w := newAPIWorld(t, d.Engine)

		// Off (the default): resolving asks nothing.
		w.customerSays(t, "a-1", "off", "hello")
		off := w.waitThread(t, "off")
		w.resolve(t, off)
		if got := w.surveysOf(t, off); len(got) != 0 {
			t.Fatalf("survey while disabled: %+v", got)
		}

		// Another channel selected: this one is not asked.
		var other struct{ ID string }
		w.c.json("POST", "/api/v1/channels", map[string]string{"type": "api", "name": "Other", "callback_url": "http://127.0.0.1:1/cb"}, http.StatusCreated, &other)
		w.settings(t, map[string]any{"enabled": true, "kind": "nps", "channel_ids": []string{other.ID}})
		w.customerSays(t, "b-1", "elsewhere", "hello")
		elsewhere := w.waitThread(t, "elsewhere")
		w.resolve(t, elsewhere)
		if got := w.surveysOf(t, elsewhere); len(got) != 0 {
			t.Fatalf("survey on an unselected channel: %+v", got)
		}

		// Spam is never asked.
		w.settings(t, map[string]any{"enabled": true, "kind": "nps", "cooldown_days": 7})
		w.customerSays(t, "c-1", "spammy", "buy followers now")
		spammy := w.waitThread(t, "spammy")
		w.c.json("POST", "/api/v1/conversations/"+spammy+"/spam", map[string]bool{"spam": true}, http.StatusOK, nil)
		w.resolve(t, spammy)
		if got := w.surveysOf(t, spammy); len(got) != 0 {
			t.Fatalf("survey on spam: %+v", got)
		}

		// NPS: asked once; "10!" answers it.
		w.customerSays(t, "d-1", "nps", "thanks for the help")
		nps := w.waitThread(t, "nps")
		w.resolve(t, nps)
		apptest.Eventually(t, 15*time.Second, "nps survey sent", func() bool {
			got := w.surveysOf(t, nps)
			return len(got) == 1 && got[0].Status == store.SurveySent
		})
		if sv := w.cb.surveys(); len(sv) != 1 || sv[0].Survey.Kind != "nps" || sv[0].Survey.Min != 0 || sv[0].Survey.Max != 10 {
			t.Fatalf("nps deliveries = %+v", sv)
		}
		// "5/5" is on another scale: a normal message (it reopens).
		w.customerSays(t, "d-2", "nps", "5/5")
		apptest.Eventually(t, 10*time.Second, "wrong-scale answer reopens", func() bool {
			var c conversationJSON
			w.c.json("GET", "/api/v1/conversations/"+nps, nil, http.StatusOK, &c)
			return c.Status == model.StatusNew
		})
		w.customerSays(t, "d-3", "nps", "10!")
		apptest.Eventually(t, 10*time.Second, "nps answer", func() bool {
			got := w.surveysOf(t, nps)
			return len(got) == 1 && got[0].Score != nil && *got[0].Score == 10
		})
		// Resolved again within the cool-down: not asked again.
		w.resolve(t, nps)
		if got := w.surveysOf(t, nps); len(got) != 1 {
			t.Fatalf("asked again within the cool-down: %+v", got)
		}
		var sum summaryJSON
		w.c.json("GET", "/api/v1/reports/summary", nil, http.StatusOK, &sum)
		if len(sum.Groups) != 1 || sum.Groups[0].NPS.Responses != 1 || sum.Groups[0].NPS.Score == nil || *sum.Groups[0].NPS.Score != 100 {
			t.Fatalf("summary nps = %+v", sum.Groups)
		}

		// With a delay, a conversation reopened before the survey is due
		// gets no stale question.
		w.settings(t, map[string]any{"enabled": true, "kind": "csat", "delay_minutes": 30, "cooldown_days": 0})
		w.customerSays(t, "e-1", "delayed", "my parcel is damaged")
		delayed := w.waitThread(t, "delayed")
		w.resolve(t, delayed)
		got := w.surveysOf(t, delayed)
		if len(got) != 1 || got[0].Status != store.SurveyScheduled || got[0].DueAt.Sub(got[0].CreatedAt) != 30*time.Minute {
			t.Fatalf("delayed survey = %+v", got)
		}
		w.customerSays(t, "e-2", "delayed", "actually, one more thing")
		apptest.Eventually(t, 10*time.Second, "reopened", func() bool {
			var c conversationJSON
			w.c.json("GET", "/api/v1/conversations/"+delayed, nil, http.StatusOK, &c)
			return c.Status == model.StatusNew
		})
		worker := laterWorker(t, w, 31*time.Minute)
		if err := worker.Work(context.Background(), sendJob(got[0].ID)); err != nil {
			t.Fatal(err)
		}
		if got := w.surveysOf(t, delayed); got[0].Status != store.SurveyCancelled || got[0].SentAt != nil {
			t.Fatalf("survey of a reopened conversation = %+v", got[0])
		}
		// Resolved again with no cool-down: a new survey for the new
		// resolution, sent when due.
		w.resolve(t, delayed)
		got = w.surveysOf(t, delayed)
		if len(got) != 2 || got[1].Status != store.SurveyScheduled {
			t.Fatalf("second resolution = %+v", got)
		}
		if err := worker.Work(context.Background(), sendJob(got[1].ID)); err != nil {
			t.Fatal(err)
		}
		if got := w.surveysOf(t, delayed); got[1].Status != store.SurveySent {
			t.Fatalf("due survey after the worker ran = %+v", got[1])
		}
		// A repeated job never sends twice.
		before := len(w.cb.surveys())
		if err := worker.Work(context.Background(), sendJob(got[1].ID)); err != nil {
			t.Fatal(err)
		}
		if after := len(w.cb.surveys()); after != before {
			t.Fatalf("repeated job sent again: %d → %d", before, after)
		}
	})
}

// laterWorker is a survey worker whose clock runs ahead, so a delayed survey
// is due without waiting; it shares the node's database and connectors.
func laterWorker(t *testing.T, w *apiWorld, ahead time.Duration) *survey.Worker {
	t.Helper()
	box, err := secret.New([]byte("test-secret-key-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(w.node.App.DB, box)
	st.SetClock(func() time.Time { return time.Now().Add(ahead) })
	svc := &survey.Service{Store: st, Jobs: w.node.App.Jobs, Log: w.node.App.Log}
	return &survey.Worker{Service: svc, Registry: w.node.App.Registry}
}

func sendJob(id string) *river.Job[survey.SendArgs] {
	return &river.Job[survey.SendArgs]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 10}, Args: survey.SendArgs{SurveyID: id}}
}
