package web

import "net/http"

// submitLogout ends the session.
func (h *Handler) submitLogout(w http.ResponseWriter, r *http.Request) error {
	if err := h.endSession(r.Context(), w, r); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
