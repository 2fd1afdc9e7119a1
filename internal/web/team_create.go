package web

import (
	"errors"
	"net/http"

	"github.com/heed-dev/heed/internal/accounts"
)

// createTeam adds a team with members chosen among the workspace's agents.
func (h *Handler) createTeam(w http.ResponseWriter, r *http.Request) error {
	p, err := h.teamsPage(r)
	if err != nil {
		return err
	}
	ours := agentNames(p.Agents)
	var members []string
	for _, id := range r.PostForm["member"] {
		if _, ok := ours[id]; ok {
			members = append(members, id)
		}
	}
	_, err = h.Accounts.CreateTeam(r.Context(), me(r).WorkspaceID, r.PostFormValue("name"), members)
	var ve *accounts.ValidationError
	if errors.As(err, &ve) {
		p.Error, p.Name = fieldMessage(ve.Field, ve.Message), r.PostFormValue("name")
		return h.render(w, r, http.StatusUnprocessableEntity, "admin_teams", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/teams?done=team", http.StatusSeeOther)
	return nil
}
