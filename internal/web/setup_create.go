package web

import (
	"errors"
	"net/http"

	"github.com/heed-dev/heed/internal/accounts"
)

// createSetup creates the workspace and its first admin, then signs them in.
// Once any agent exists it answers 404, whatever the form says.
func (h *Handler) createSetup(w http.ResponseWriter, r *http.Request) error {
	needs, err := h.needsSetup(r)
	if err != nil {
		return err
	}
	if !needs {
		return errNotFound
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := checkFormToken(r); err != nil {
		return err
	}
	f := r.PostForm
	agent, err := h.Accounts.Setup(r.Context(), f.Get("workspace"), f.Get("name"), f.Get("email"), f.Get("password"))
	var ve *accounts.ValidationError
	switch {
	case errors.Is(err, accounts.ErrSetupDone):
		h.setupDone.Store(true)
		return errNotFound
	case errors.As(err, &ve):
		return h.render(w, r, http.StatusUnprocessableEntity, "setup", setupPage{base: base{Title: "Set up Heed"},
			FormToken: h.formToken(w, r), Error: fieldMessage(ve.Field, ve.Message),
			Workspace: f.Get("workspace"), Name: f.Get("name"), Email: f.Get("email")})
	case err != nil:
		return err
	}
	h.setupDone.Store(true)
	h.Log.Info("first admin created", "agent_id", agent.ID)
	if err := h.startSession(r.Context(), w, r, agent); err != nil {
		return err
	}
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
	return nil
}
