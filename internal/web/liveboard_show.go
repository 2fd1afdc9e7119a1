package web

import (
	"net/http"
	"time"

	"github.com/heed-dev/heed/internal/store"
)

// breachingSoon is how far ahead the live board looks for response
// deadlines about to pass.
const breachingSoon = 15 * time.Minute

// liveBoardPage is /live: open work now, per queue (team) and agent, with
// the agents' availability. reports.js re-fetches the board fragment on
// every live event and once a minute (deadlines come closer without events).
type liveBoardPage struct {
	base
	Board   store.Board
	Teams   []liveQueue
	Agents  []liveAgent
	Soon    string
	Updated string
}

// liveQueue is a team's row; a last row collects the open conversations
// without a team, when there are any.
type liveQueue struct {
	Name             string
	Open, Unassigned int
	SLA              store.BoardSLA
}

type liveAgent struct {
	store.BoardAgent
	SLA store.BoardSLA
}

// showLiveBoard renders the board, or only its fragment for reports.js.
func (h *Handler) showLiveBoard(w http.ResponseWriter, r *http.Request) error {
	now := time.Now()
	b, err := h.Store.LiveBoard(r.Context(), me(r).WorkspaceID, now, breachingSoon)
	if err != nil {
		return err
	}
	teams, agents, err := h.Store.LiveBoardSLA(r.Context(), me(r).WorkspaceID, now, breachingSoon)
	if err != nil {
		return err
	}
	p := liveBoardPage{base: h.base(r, "Live board", "live"), Board: b, Soon: "15 min", Updated: now.UTC().Format("15:04:05 UTC")}
	// Every open conversation has at most one team, so what the teams do not
	// hold of the board's totals has none.
	none := liveQueue{Name: "No team", Open: b.Open, Unassigned: b.Unassigned, SLA: teams[""]}
	for _, t := range b.Teams {
		p.Teams = append(p.Teams, liveQueue{Name: t.Name, Open: t.Open, Unassigned: t.Unassigned, SLA: teams[t.ID]})
		none.Open, none.Unassigned = none.Open-t.Open, none.Unassigned-t.Unassigned
	}
	if none.Open > 0 {
		p.Teams = append(p.Teams, none)
	}
	for _, a := range b.Agents {
		p.Agents = append(p.Agents, liveAgent{BoardAgent: a, SLA: agents[a.ID]})
	}
	if isFragment(r) {
		return h.renderFragment(w, http.StatusOK, "live_board", "board", p)
	}
	return h.render(w, r, http.StatusOK, "live_board", p)
}
