package web

import "net/http"

type setupPage struct {
	base
	FormToken string
	Error     string
	Workspace string
	Name      string
	Email     string
}

// showSetup is the first-run form that creates the first admin. It exists
// only until an agent does.
func (h *Handler) showSetup(w http.ResponseWriter, r *http.Request) error {
	needs, err := h.needsSetup(r)
	if err != nil {
		return err
	}
	if !needs {
		return errNotFound
	}
	return h.render(w, r, http.StatusOK, "setup", setupPage{base: base{Title: "Set up Heed"}, FormToken: h.formToken(w, r)})
}
