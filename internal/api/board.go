package api

import (
	"net/http"
	"time"
)

// showLiveBoard is the supervisor's live board: open, unassigned, waiting,
// breaching within 15 minutes and breached; per agent and per team.
func (h *Handler) showLiveBoard(w http.ResponseWriter, r *http.Request) {
	b, err := h.Store.LiveBoard(r.Context(), agentFrom(r.Context()).WorkspaceID, time.Now(), 15*time.Minute)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	type agentJSON struct {
		ID           string `json:"id"`
		Name         string `json:"name"`
		Availability string `json:"availability"`
		Open         int    `json:"open"`
		Capacity     int    `json:"capacity"`
	}
	type teamJSON struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		Open       int    `json:"open"`
		Unassigned int    `json:"unassigned"`
	}
	agents := make([]agentJSON, 0, len(b.Agents))
	for _, a := range b.Agents {
		agents = append(agents, agentJSON{a.ID, a.Name, a.Availability, a.Open, a.Capacity})
	}
	teams := make([]teamJSON, 0, len(b.Teams))
	for _, t := range b.Teams {
		teams = append(teams, teamJSON{t.ID, t.Name, t.Open, t.Unassigned})
	}
	writeJSON(w, http.StatusOK, map[string]any{"open": b.Open, "unassigned": b.Unassigned, "waiting": b.Waiting,
		"breaching_within_15m": b.BreachingSoon, "breached": b.Breached, "agents": agents, "teams": teams})
}
