package web

import "net/http"

type loginPage struct {
	base
	FormToken string
	Error     string
	Email     string
	Next      string
}

// showLogin is the sign-in form.
func (h *Handler) showLogin(w http.ResponseWriter, r *http.Request) error {
	if needs, err := h.needsSetup(r); err != nil {
		return err
	} else if needs {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return nil
	}
	next := r.URL.Query().Get("next")
	if stateOf(r) != nil {
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return nil
	}
	return h.render(w, r, http.StatusOK, "login", loginPage{base: base{Title: "Sign in"}, FormToken: h.formToken(w, r), Next: next})
}
