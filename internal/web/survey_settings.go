package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
	"github.com/heed-dev/heed/internal/survey"
)

// surveyPage edits the workspace's CSAT/NPS survey settings.
type surveyPage struct {
	base
	Settings     store.SurveySettings
	DelayMinutes int
	Channels     []model.Channel
	Selected     map[string]bool
	Preview      string // the message customers get
	Error        string
	Field        string
	Saved        bool
}

func (h *Handler) surveyPage(r *http.Request, set store.SurveySettings) (surveyPage, error) {
	chs, err := h.Store.ListChannels(r.Context(), me(r).WorkspaceID)
	if err != nil {
		return surveyPage{}, err
	}
	sel := map[string]bool{}
	for _, id := range set.ChannelIDs {
		sel[id] = true
	}
	return surveyPage{base: h.base(r, "Surveys", "survey"), Settings: set, DelayMinutes: int(set.Delay / time.Minute),
		Channels: chs, Selected: sel, Preview: survey.Text(set)}, nil
}

// showSurveySettings shows the survey settings form.
func (h *Handler) showSurveySettings(w http.ResponseWriter, r *http.Request) error {
	set, err := h.Store.GetSurveySettings(r.Context(), me(r).WorkspaceID)
	if err != nil {
		return err
	}
	p, err := h.surveyPage(r, set)
	if err != nil {
		return err
	}
	p.Saved = r.URL.Query().Get("saved") == "1"
	return h.render(w, r, http.StatusOK, "admin_survey", p)
}

// saveSurveySettings validates and stores the settings; a mistake shows the
// form again with what was typed.
func (h *Handler) saveSurveySettings(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	num := func(name string) (int, bool) {
		v := strings.TrimSpace(r.PostFormValue(name))
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	set := store.SurveySettings{WorkspaceID: me(r).WorkspaceID, Enabled: r.PostFormValue("enabled") != "",
		Kind: r.PostFormValue("kind"), Question: r.PostFormValue("question"), ChannelIDs: r.PostForm["channel_id"]}
	var verr *survey.ValidationError
	delay, ok := num("delay_minutes")
	set.Delay = time.Duration(delay) * time.Minute
	if !ok {
		verr = &survey.ValidationError{Field: "delay_minutes", Message: "must be a whole number of minutes"}
	}
	if set.AnswerDays, ok = num("answer_days"); !ok && verr == nil {
		verr = &survey.ValidationError{Field: "answer_days", Message: "must be a whole number of days"}
	}
	if set.CooldownDays, ok = num("cooldown_days"); !ok && verr == nil {
		verr = &survey.ValidationError{Field: "cooldown_days", Message: "must be a whole number of days"}
	}
	if verr == nil {
		if err := survey.Validate(r.Context(), h.Store, &set); err != nil && !errors.As(err, &verr) {
			return err
		}
	}
	if verr != nil {
		p, err := h.surveyPage(r, set)
		if err != nil {
			return err
		}
		p.DelayMinutes = delay
		p.Error, p.Field = strings.ReplaceAll(verr.Field, "_", " ")+": "+verr.Message, verr.Field
		return h.render(w, r, http.StatusUnprocessableEntity, "admin_survey", p)
	}
	if err := h.Store.SaveSurveySettings(r.Context(), set); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/survey?saved=1", http.StatusSeeOther)
	return nil
}
