package widget

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/store"
	"github.com/heed-dev/heed/internal/survey"
)

// SurveyAnswerer records a score clicked in the widget (survey.Service).
type SurveyAnswerer interface {
	AnswerInConversation(ctx context.Context, conversationID, surveyID string, score int) error
}

// visitorSurvey is the survey the widget shows under the conversation: the
// question with one button per score while it waits for an answer, the
// score once answered.
type visitorSurvey struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Question string `json:"question"`
	Min      int    `json:"min"`
	Max      int    `json:"max"`
	Status   string `json:"status"` // "sent" (waiting for a click) or "answered"
	Score    *int   `json:"score"`
}

// currentSurvey returns the survey to show for a conversation, or nil: the
// latest one that went out, unless its answer window closed unanswered.
func (h *Handler) currentSurvey(ctx context.Context, conversationID string, now time.Time) (*visitorSurvey, error) {
	v, err := survey.Latest(ctx, h.Store, conversationID)
	if errors.Is(err, survey.ErrNoSurvey) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if v.Status == store.SurveySent && (v.ExpiresAt == nil || !now.Before(*v.ExpiresAt)) {
		return nil, nil
	}
	lo, hi := survey.Scale(v.Kind)
	// The buttons replace the "Reply with a number…" hint of the text message.
	q := strings.TrimSuffix(v.Question, "\n"+survey.Hint(v.Kind))
	return &visitorSurvey{ID: v.ID, Kind: v.Kind, Question: q, Min: lo, Max: hi, Status: v.Status, Score: v.Score}, nil
}

// answerSurvey records the score a visitor clicked:
// POST /widget/{channel_id}/survey {"survey_id":"…","score":5}. Only the
// survey of the visitor's own conversation can be answered, once.
func (h *Handler) answerSurvey(w http.ResponseWriter, r *http.Request) {
	ch, ok := h.channel(w, r)
	if !ok {
		return
	}
	visitorID, ok := h.visitor(w, r, ch, false)
	if !ok {
		return
	}
	if h.Surveys == nil {
		writeError(w, http.StatusNotFound, "not_found", "no survey is waiting for an answer", "")
		return
	}
	var in struct {
		SurveyID string `json:"survey_id"`
		Score    *int   `json:"score"`
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<10))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", "body too large", "body")
		return
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeError(w, http.StatusBadRequest, "invalid", "malformed JSON", "body")
		return
	}
	if in.Score == nil {
		writeError(w, http.StatusBadRequest, "invalid", "is required", "score")
		return
	}
	if in.SurveyID == "" || len(in.SurveyID) > 64 {
		writeError(w, http.StatusBadRequest, "invalid", "is required", "survey_id")
		return
	}
	conv, err := h.Store.GetConversationByThread(r.Context(), ch.ID, visitorID)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "not_found", "no survey is waiting for an answer", "")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	err = h.Surveys.AnswerInConversation(r.Context(), conv.ID, in.SurveyID, *in.Score)
	var ve *survey.ValidationError
	switch {
	case errors.As(err, &ve):
		writeError(w, http.StatusBadRequest, "invalid", ve.Message, ve.Field)
	case errors.Is(err, survey.ErrNoSurvey):
		writeError(w, http.StatusConflict, "conflict", "this survey is not waiting for an answer", "")
	case err != nil:
		h.fail(w, r, err)
	default:
		writeJSON(w, http.StatusOK, map[string]any{"status": "answered", "score": *in.Score})
	}
}
