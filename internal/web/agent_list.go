package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/model"
)

type agentsPage struct {
	base
	Agents []model.Agent
	Error  string
	Form   struct{ Name, Email, Role string }
}

func (h *Handler) agentsPage(r *http.Request) (agentsPage, error) {
	agents, err := h.Store.ListAgents(r.Context(), me(r).WorkspaceID)
	if err != nil {
		return agentsPage{}, err
	}
	p := agentsPage{base: h.base(r, "Agents", "agents"), Agents: agents}
	p.Form.Role = string(model.RoleAgent)
	return p, nil
}

// listAgents lists the workspace's agents beside the form that adds one.
func (h *Handler) listAgents(w http.ResponseWriter, r *http.Request) error {
	p, err := h.agentsPage(r)
	if err != nil {
		return err
	}
	p.Flash = adminFlash(r)
	return h.render(w, r, http.StatusOK, "admin_agents", p)
}
