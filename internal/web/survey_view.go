package web

import (
	"context"
	"fmt"
	"time"

	"github.com/heed-dev/heed/internal/store"
	"github.com/heed-dev/heed/internal/survey"
)

// surveyView is one survey in a conversation's timeline: "Survey sent",
// "Customer rated 4/5".
type surveyView struct {
	ID     string
	Status string
	Label  string
	Text   string
	At     time.Time
}

func newSurveyView(v store.Survey) surveyView {
	kind := "CSAT"
	if v.Kind == store.SurveyNPS {
		kind = "NPS"
	}
	_, hi := survey.Scale(v.Kind)
	sv := surveyView{ID: v.ID, Status: v.Status, Text: v.Question, At: v.CreatedAt}
	switch v.Status {
	case store.SurveyScheduled:
		sv.Label, sv.At = kind+" survey scheduled", v.DueAt
	case store.SurveySent:
		sv.Label = kind + " survey sent, waiting for the customer"
		if v.SentAt != nil {
			sv.At = *v.SentAt
		}
	case store.SurveyAnswered:
		sv.Label = fmt.Sprintf("Customer rated %d/%d", *v.Score, hi)
		if v.AnsweredAt != nil {
			sv.At = *v.AnsweredAt
		}
	case store.SurveyCancelled:
		sv.Label = kind + " survey not sent: " + v.Error
	case store.SurveyFailed:
		sv.Label = kind + " survey failed: " + v.Error
	}
	return sv
}

func (h *Handler) surveyViews(ctx context.Context, conversationID string) ([]surveyView, error) {
	all, err := h.Store.ListSurveys(ctx, conversationID)
	if err != nil {
		return nil, err
	}
	out := make([]surveyView, 0, len(all))
	for _, v := range all {
		out = append(out, newSurveyView(v))
	}
	return out, nil
}
