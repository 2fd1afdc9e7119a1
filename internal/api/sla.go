package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/sla"
	"github.com/heed-dev/heed/internal/slaclock"
	"github.com/heed-dev/heed/internal/store"
)

type policyJSON struct {
	ID                string     `json:"id"`
	Name              string     `json:"name"`
	ChannelTypes      []string   `json:"channel_types"`
	FirstResponse     targetJSON `json:"first_response"`
	NextResponse      targetJSON `json:"next_response"`
	Resolution        targetJSON `json:"resolution"`
	BusinessHoursOnly bool       `json:"business_hours_only"`
}

// targetJSON: warn is the target (by when a reply should be out), max the
// maximum; seconds.
type targetJSON struct {
	Warn            int64 `json:"warn"`
	Max             int64 `json:"max"`
	SameBusinessDay bool  `json:"same_business_day,omitempty"`
}

func (h *Handler) listSLAPolicies(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	if err := slaclock.EnsureDefaultPolicies(r.Context(), h.Store, a.WorkspaceID); err != nil {
		h.fail(w, r, err)
		return
	}
	rows, err := h.Store.ListSLAPolicies(r.Context(), a.WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]policyJSON, 0, len(rows))
	for _, row := range rows {
		p, err := slaclock.ToPolicy(row)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		out = append(out, policyJSON{ID: row.ID, Name: p.Name, ChannelTypes: append([]string{}, p.ChannelTypes...),
			FirstResponse:     targetJSON{int64(p.FirstResponse.Warn.Seconds()), int64(p.FirstResponse.Max.Seconds()), p.FirstResponse.SameBusinessDay},
			NextResponse:      targetJSON{int64(p.NextResponse.Warn.Seconds()), int64(p.NextResponse.Max.Seconds()), p.NextResponse.SameBusinessDay},
			Resolution:        targetJSON{int64(p.Resolution.Warn.Seconds()), int64(p.Resolution.Max.Seconds()), p.Resolution.SameBusinessDay},
			BusinessHoursOnly: p.BusinessHoursOnly})
	}
	writeJSON(w, http.StatusOK, map[string]any{"policies": out})
}

type webhookJSON struct {
	ID     string   `json:"id"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
	Secret string   `json:"secret,omitempty"`
}

func (h *Handler) createWebhook(w http.ResponseWriter, r *http.Request) {
	var in struct {
		URL    string   `json:"url"`
		Events []string `json:"events"`
	}
	if !decode(w, r, &in) {
		return
	}
	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		writeError(w, http.StatusBadRequest, "invalid", "must be an http(s) URL", "url")
		return
	}
	for _, e := range in.Events {
		if !strings.Contains(e, ".") {
			writeError(w, http.StatusBadRequest, "invalid", "events look like sla.warning, sla.breach", "events")
			return
		}
	}
	a := agentFrom(r.Context())
	hook, err := h.Store.CreateWebhook(r.Context(), store.Webhook{WorkspaceID: a.WorkspaceID, URL: in.URL, Secret: secret.RandomToken(32), Events: in.Events})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, webhookJSON{ID: hook.ID, URL: hook.URL, Events: append([]string{}, hook.Events...), Secret: hook.Secret})
}

func (h *Handler) listWebhooks(w http.ResponseWriter, r *http.Request) {
	hooks, err := h.Store.ListWebhooks(r.Context(), agentFrom(r.Context()).WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]webhookJSON, 0, len(hooks))
	for _, hk := range hooks {
		out = append(out, webhookJSON{ID: hk.ID, URL: hk.URL, Events: append([]string{}, hk.Events...)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": out})
}

func (h *Handler) listNotifications(w http.ResponseWriter, r *http.Request) {
	ns, err := h.Store.ListNotifications(r.Context(), agentFrom(r.Context()).ID, 50)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	type nJSON struct {
		ID             string  `json:"id"`
		Kind           string  `json:"kind"`
		Message        string  `json:"message"`
		ConversationID string  `json:"conversation_id,omitempty"`
		CreatedAt      string  `json:"created_at"`
		ReadAt         *string `json:"read_at"`
	}
	out := make([]nJSON, 0, len(ns))
	for _, n := range ns {
		out = append(out, nJSON{ID: n.ID, Kind: n.Kind, Message: n.Message, ConversationID: n.ConversationID, CreatedAt: rfc(n.CreatedAt), ReadAt: rfcPtr(n.ReadAt)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"notifications": out})
}

// showBusinessHours returns the workspace's business hours (null if none).
func (h *Handler) showBusinessHours(w http.ResponseWriter, r *http.Request) {
	ws, err := h.Store.GetWorkspace(r.Context(), agentFrom(r.Context()).WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var sched any
	if ws.BusinessHours != "" {
		sched = json.RawMessage(ws.BusinessHours)
	}
	writeJSON(w, http.StatusOK, map[string]any{"business_hours": sched})
}

// saveBusinessHours validates and stores the workspace's business hours:
// {"time_zone","week":{"monday":[{"start","end"}]…},"holidays":[…],"special_days":[…]},
// with optional "ical": an iCalendar feed whose all-day events become holidays.
func (h *Handler) saveBusinessHours(w http.ResponseWriter, r *http.Request) {
	var in struct {
		sla.Schedule
		ICal string `json:"ical"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.ICal != "" {
		hs, err := sla.ParseICal(strings.NewReader(in.ICal))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid", err.Error(), "ical")
			return
		}
		in.Holidays = append(in.Holidays, hs...)
	}
	if _, err := sla.NewBusinessHours(in.Schedule); err != nil {
		writeError(w, http.StatusBadRequest, "invalid", err.Error(), "business_hours")
		return
	}
	data, err := json.Marshal(in.Schedule)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a := agentFrom(r.Context())
	if err := h.Store.SetBusinessHours(r.Context(), a.WorkspaceID, string(data)); err != nil {
		h.fail(w, r, err)
		return
	}
	if h.Clocks != nil {
		h.Clocks.Forget(a.WorkspaceID)
	}
	h.showBusinessHours(w, r)
}

// updateSLAPolicy changes a policy's targets (seconds), channel types and
// mode (admin).
func (h *Handler) updateSLAPolicy(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ChannelTypes      []string   `json:"channel_types"`
		FirstResponse     sla.Target `json:"first_response"`
		NextResponse      sla.Target `json:"next_response"`
		Resolution        sla.Target `json:"resolution"`
		BusinessHoursOnly bool       `json:"business_hours_only"`
	}
	if !decode(w, r, &in) {
		return
	}
	a := agentFrom(r.Context())
	rows, err := h.Store.ListSLAPolicies(r.Context(), a.WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, row := range rows {
		if row.ID != r.PathValue("id") {
			continue
		}
		p := sla.Policy{Name: row.Name, ChannelTypes: in.ChannelTypes, FirstResponse: in.FirstResponse, NextResponse: in.NextResponse,
			Resolution: in.Resolution, BusinessHoursOnly: in.BusinessHoursOnly}
		if p.ChannelTypes == nil {
			p.ChannelTypes = row.ChannelTypes
		}
		if err := p.Validate(); err != nil {
			writeError(w, http.StatusBadRequest, "invalid", err.Error(), "policy")
			return
		}
		targets, _ := json.Marshal(map[string]sla.Target{"first_response": p.FirstResponse, "next_response": p.NextResponse, "resolution": p.Resolution})
		row.ChannelTypes, row.Targets, row.BusinessHoursOnly = p.ChannelTypes, targets, p.BusinessHoursOnly
		if err := h.Store.UpdateSLAPolicy(r.Context(), row); err != nil {
			h.fail(w, r, err)
			return
		}
		if h.Clocks != nil {
			h.Clocks.Forget(a.WorkspaceID)
		}
		h.listSLAPolicies(w, r)
		return
	}
	writeError(w, http.StatusNotFound, "not_found", "no such policy", "")
}
