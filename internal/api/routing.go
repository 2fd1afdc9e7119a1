package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/routing"
)

func (h *Handler) showRoutingRules(w http.ResponseWriter, r *http.Request) {
	raw, version, err := h.Store.GetRoutingRules(r.Context(), agentFrom(r.Context()).WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": raw, "version": version})
}

// writeRuleProblems answers 400 with every validation problem.
func writeRuleProblems(w http.ResponseWriter, err error) {
	var ve *routing.ValidationError
	if errors.As(err, &ve) && len(ve.Problems) > 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": APIError{Code: "invalid", Message: ve.Problems[0].Message, Field: ve.Problems[0].Path},
			"problems": ve.Problems})
		return
	}
	writeError(w, http.StatusBadRequest, "invalid", err.Error(), "rules")
}

func (h *Handler) saveRoutingRules(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Rules json.RawMessage `json:"rules"`
	}
	if !decode(w, r, &in) {
		return
	}
	if len(in.Rules) == 0 {
		writeError(w, http.StatusBadRequest, "invalid", "is required (a JSON array of rules)", "rules")
		return
	}
	if _, err := routing.CompileJSON(in.Rules); err != nil {
		writeRuleProblems(w, err)
		return
	}
	a := agentFrom(r.Context())
	if err := h.Store.SaveRoutingRules(r.Context(), a.WorkspaceID, in.Rules); err != nil {
		h.fail(w, r, err)
		return
	}
	if h.Router != nil {
		h.Router.Forget(a.WorkspaceID)
	}
	h.showRoutingRules(w, r)
}

// testRoutingRules answers "which rules would fire?" for a sample post:
// the sample text is analysed as an inbound post would be, then explained
// against the saved rules (or the rules in the request).
func (h *Handler) testRoutingRules(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Rules  json.RawMessage `json:"rules"`
		Sample struct {
			Text            string  `json:"text"`
			ChannelType     string  `json:"channel_type"`
			Public          *bool   `json:"public"`
			AuthorFollowers int64   `json:"author_followers"`
			AuthorVerified  bool    `json:"author_verified"`
			InBusinessHours *bool   `json:"in_business_hours"`
			Virality        float64 `json:"virality"`
		} `json:"sample"`
	}
	if !decode(w, r, &in) {
		return
	}
	rules := in.Rules
	if len(rules) == 0 {
		var err error
		if rules, _, err = h.Store.GetRoutingRules(r.Context(), agentFrom(r.Context()).WorkspaceID); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	set, err := routing.CompileJSON(rules)
	if err != nil {
		writeRuleProblems(w, err)
		return
	}
	s := in.Sample
	f := routing.Facts{Text: s.Text, ChannelType: s.ChannelType, Public: s.Public == nil || *s.Public, AuthorFollowers: s.AuthorFollowers,
		AuthorVerified: s.AuthorVerified, InBusinessHours: s.InBusinessHours == nil || *s.InBusinessHours, Virality: s.Virality, NeedsResponse: true}
	if h.Analyzer != nil && s.Text != "" {
		res := h.Analyzer.Analyze(r.Context(), analyze.Input{Text: s.Text, Public: f.Public, Followers: s.AuthorFollowers, Verified: s.AuthorVerified})
		f.Language, f.SentimentLabel, f.SentimentScore, f.Intent = res.Language, res.Sentiment.Label, res.Sentiment.Compound, res.Intent
		f.NeedsResponse, f.Spam, f.PersonalData = res.NeedsResponse, res.Spam.Label, len(res.PersonalData) > 0
		for _, p := range res.PersonalData {
			f.PersonalDataTypes = append(f.PersonalDataTypes, p.Type)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"facts": f, "outcome": set.Evaluate(f), "trace": set.Explain(f)})
}

func (h *Handler) setAvailability(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Availability string `json:"availability"`
	}
	if !decode(w, r, &in) {
		return
	}
	switch in.Availability {
	case routing.Online, routing.Away, routing.Offline:
	default:
		writeError(w, http.StatusBadRequest, "invalid", "must be online, away or offline", "availability")
		return
	}
	a := agentFrom(r.Context())
	if err := h.Store.SetAvailability(r.Context(), a.ID, in.Availability); err != nil {
		h.fail(w, r, err)
		return
	}
	a.Availability = in.Availability
	writeJSON(w, http.StatusOK, toAgentJSON(a))
}

func (h *Handler) setAgentRouting(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Capacity     int      `json:"capacity"`
		Languages    []string `json:"languages"`
		ChannelTypes []string `json:"channel_types"`
		Locations    []string `json:"locations"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Capacity < 1 || in.Capacity > 1000 {
		writeError(w, http.StatusBadRequest, "invalid", "must be 1..1000", "capacity")
		return
	}
	a := model.Agent{ID: r.PathValue("id"), WorkspaceID: agentFrom(r.Context()).WorkspaceID, Capacity: in.Capacity,
		Languages: in.Languages, ChannelTypes: in.ChannelTypes, Locations: in.Locations}
	if err := h.Store.SetAgentRouting(r.Context(), a); err != nil {
		h.fail(w, r, err)
		return
	}
	got, err := h.Store.GetAgent(r.Context(), a.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAgentJSON(got))
}
