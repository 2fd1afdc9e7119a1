package web

import (
	"net/http"
	"strings"
)

// submitLogin checks email and password. Failures are rate limited per
// email and per client address; a success starts a session.
func (h *Handler) submitLogin(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if err := checkFormToken(r); err != nil {
		return err
	}
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	next := r.PostFormValue("next")
	page := loginPage{base: base{Title: "Sign in"}, FormToken: h.formToken(w, r), Email: email, Next: next}
	keys := []string{"login-email:" + email, "login-ip:" + h.ClientIP.IP(r)}
	for _, k := range keys {
		if !h.Limiter.Allowed(k) {
			page.Error = "Too many failed sign-in attempts. Wait a few minutes, then try again."
			return h.render(w, r, http.StatusTooManyRequests, "login", page)
		}
	}
	agent, ok, err := h.checkPassword(r.Context(), email, r.PostFormValue("password"))
	if err != nil {
		return err
	}
	if !ok {
		for _, k := range keys {
			h.Limiter.Fail(k)
		}
		page.Error = "That email and password do not match an account."
		return h.render(w, r, http.StatusUnauthorized, "login", page)
	}
	h.Limiter.Reset(keys[0])
	if err := h.startSession(r.Context(), w, r, agent); err != nil {
		return err
	}
	// Logins are rare enough to sweep expired sessions on.
	if _, err := h.Store.DeleteExpiredSessions(r.Context(), h.Store.Now()); err != nil {
		h.Log.Warn("delete expired sessions", "error", err)
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	return nil
}
