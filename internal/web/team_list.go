package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/model"
)

type teamRow struct {
	model.Team
	Members []string
}

type teamsPage struct {
	base
	Teams  []teamRow
	Agents []model.Agent
	Error  string
	Name   string
}

func (h *Handler) teamsPage(r *http.Request) (teamsPage, error) {
	ws := me(r).WorkspaceID
	teams, err := h.Store.ListTeams(r.Context(), ws)
	if err != nil {
		return teamsPage{}, err
	}
	agents, err := h.Store.ListAgents(r.Context(), ws)
	if err != nil {
		return teamsPage{}, err
	}
	names := agentNames(agents)
	p := teamsPage{base: h.base(r, "Teams", "teams"), Agents: agents}
	for _, t := range teams {
		row := teamRow{Team: t}
		for _, id := range t.MemberIDs {
			row.Members = append(row.Members, names[id])
		}
		p.Teams = append(p.Teams, row)
	}
	return p, nil
}

// listTeams lists teams and their members beside the form that adds one.
func (h *Handler) listTeams(w http.ResponseWriter, r *http.Request) error {
	p, err := h.teamsPage(r)
	if err != nil {
		return err
	}
	p.Flash = adminFlash(r)
	return h.render(w, r, http.StatusOK, "admin_teams", p)
}
