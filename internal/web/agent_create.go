package web

import (
	"errors"
	"net/http"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/model"
)

// createAgent adds an agent, supervisor or admin with a password.
func (h *Handler) createAgent(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	_, err := h.Accounts.CreateUser(r.Context(), accounts.NewUser{WorkspaceID: me(r).WorkspaceID, Email: f.Get("email"),
		Name: f.Get("name"), Password: f.Get("password"), Role: model.Role(f.Get("role"))})
	var ve *accounts.ValidationError
	if errors.As(err, &ve) {
		p, perr := h.agentsPage(r)
		if perr != nil {
			return perr
		}
		p.Error = fieldMessage(ve.Field, ve.Message)
		p.Form.Name, p.Form.Email, p.Form.Role = f.Get("name"), f.Get("email"), f.Get("role")
		return h.render(w, r, http.StatusUnprocessableEntity, "admin_agents", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/agents?done=agent", http.StatusSeeOther)
	return nil
}
