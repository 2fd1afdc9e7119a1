package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/heed-dev/heed/internal/store"
	"github.com/heed-dev/heed/internal/survey"
)

// surveySettingsJSON is the body of GET/PUT /api/v1/settings/survey.
type surveySettingsJSON struct {
	Enabled      bool     `json:"enabled"`
	Kind         string   `json:"kind"`
	Question     string   `json:"question"`
	DelayMinutes int      `json:"delay_minutes"`
	AnswerDays   int      `json:"answer_days"`
	CooldownDays int      `json:"cooldown_days"`
	ChannelIDs   []string `json:"channel_ids"`
	// Text is the message customers receive (question and how to answer);
	// read-only.
	Text string `json:"text,omitempty"`
}

// surveyJSON is one survey on a conversation.
type surveyJSON struct {
	ID         string  `json:"id"`
	Kind       string  `json:"kind"`
	Status     string  `json:"status"`
	Question   string  `json:"question"`
	DueAt      string  `json:"due_at"`
	SentAt     *string `json:"sent_at"`
	ExpiresAt  *string `json:"expires_at"`
	Score      *int    `json:"score"`
	Max        int     `json:"max"`
	AnswerText string  `json:"answer_text,omitempty"`
	AnsweredAt *string `json:"answered_at"`
	Error      string  `json:"error,omitempty"`
}

func toSurveyJSON(v store.Survey) surveyJSON {
	_, hi := survey.Scale(v.Kind)
	return surveyJSON{ID: v.ID, Kind: v.Kind, Status: v.Status, Question: v.Question, DueAt: rfc(v.DueAt), SentAt: rfcPtr(v.SentAt),
		ExpiresAt: rfcPtr(v.ExpiresAt), Score: v.Score, Max: hi, AnswerText: v.AnswerText, AnsweredAt: rfcPtr(v.AnsweredAt), Error: v.Error}
}

// showSurveySettings returns the workspace's survey settings.
func (h *Handler) showSurveySettings(w http.ResponseWriter, r *http.Request) {
	set, err := h.Store.GetSurveySettings(r.Context(), agentFrom(r.Context()).WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids := set.ChannelIDs
	if ids == nil {
		ids = []string{}
	}
	writeJSON(w, http.StatusOK, surveySettingsJSON{Enabled: set.Enabled, Kind: set.Kind, Question: set.Question,
		DelayMinutes: int(set.Delay / time.Minute), AnswerDays: set.AnswerDays, CooldownDays: set.CooldownDays,
		ChannelIDs: ids, Text: survey.Text(set)})
}

// saveSurveySettings replaces the workspace's survey settings, e.g.
// {"enabled":true,"kind":"csat","question":"How did we do?","delay_minutes":0,
// "answer_days":7,"cooldown_days":7,"channel_ids":[]} (no channels: all).
func (h *Handler) saveSurveySettings(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	in := surveySettingsJSON{Kind: store.SurveyCSAT, AnswerDays: 7, CooldownDays: 7}
	if !decode(w, r, &in) {
		return
	}
	set := store.SurveySettings{WorkspaceID: a.WorkspaceID, Enabled: in.Enabled, Kind: in.Kind, Question: in.Question,
		Delay: time.Duration(in.DelayMinutes) * time.Minute, AnswerDays: in.AnswerDays, CooldownDays: in.CooldownDays, ChannelIDs: in.ChannelIDs}
	if err := survey.Validate(r.Context(), h.Store, &set); err != nil {
		var ve *survey.ValidationError
		if errors.As(err, &ve) {
			writeError(w, http.StatusBadRequest, "invalid", ve.Message, ve.Field)
			return
		}
		h.fail(w, r, err)
		return
	}
	if err := h.Store.SaveSurveySettings(r.Context(), set); err != nil {
		h.fail(w, r, err)
		return
	}
	h.showSurveySettings(w, r)
}

// conversationSurveys returns a conversation's surveys as JSON (empty list
// when none).
func (h *Handler) conversationSurveys(r *http.Request, conversationID string) ([]surveyJSON, error) {
	all, err := h.Store.ListSurveys(r.Context(), conversationID)
	if err != nil {
		return nil, err
	}
	out := make([]surveyJSON, 0, len(all))
	for _, v := range all {
		out = append(out, toSurveyJSON(v))
	}
	return out, nil
}
