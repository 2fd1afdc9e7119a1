package web

import (
	"errors"
	"net/http"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// createToken issues an API token acting as a chosen agent of the
// workspace (by default the admin); its value is shown once, in this answer.
func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	agentID := r.PostFormValue("agent_id")
	if agentID == "" {
		agentID = me(r).ID
	}
	agent, err := h.Store.GetAgent(r.Context(), agentID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err != nil || agent.WorkspaceID != me(r).WorkspaceID {
		p, perr := h.tokensPage(r)
		if perr != nil {
			return perr
		}
		p.Error = "Choose an agent of this workspace."
		return h.render(w, r, http.StatusUnprocessableEntity, "admin_tokens", p)
	}
	value, _, err := h.Accounts.CreateToken(r.Context(), model.Agent{ID: agent.ID, WorkspaceID: agent.WorkspaceID}, r.PostFormValue("name"))
	if err != nil {
		return err
	}
	p, err := h.tokensPage(r)
	if err != nil {
		return err
	}
	p.Created = value
	p.Flash = "Token created. Copy it now: it is not shown again."
	return h.render(w, r, http.StatusCreated, "admin_tokens", p)
}
