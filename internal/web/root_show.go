package web

import "net/http"

// showRoot sends a visitor where they belong: setup on a fresh install, the
// inbox when signed in, else the login page.
func (h *Handler) showRoot(w http.ResponseWriter, r *http.Request) error {
	needs, err := h.needsSetup(r)
	if err != nil {
		return err
	}
	switch {
	case needs:
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
	case stateOf(r) != nil:
		http.Redirect(w, r, "/inbox", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	}
	return nil
}

// needsSetup reports whether the install has no agent yet; once it has one
// the answer is remembered.
func (h *Handler) needsSetup(r *http.Request) (bool, error) {
	if h.setupDone.Load() {
		return false, nil
	}
	needs, err := h.Accounts.NeedsSetup(r.Context())
	if err != nil {
		return false, err
	}
	if !needs {
		h.setupDone.Store(true)
	}
	return needs, nil
}
