package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"

	"github.com/heed-dev/heed/internal/model"
)

// handlerFunc is a UI handler: it writes a response or returns an error for
// fail to map.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// maxFormBytes bounds every form post (a reply is at most 64 KiB of text).
const maxFormBytes = 256 << 10

// contentSecurityPolicy allows scripts and styles from our origin only: no
// inline script anywhere, so injected markup could not run even if it got
// past the template escaping.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func setSecurityHeaders(hd http.Header) {
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// requestState is what the auth wrapper learned about the request.
type requestState struct {
	agent   model.Agent
	session model.Session
	wsName  string
}

type stateKey struct{}

func stateOf(r *http.Request) *requestState {
	s, _ := r.Context().Value(stateKey{}).(*requestState)
	return s
}

// me returns the signed-in agent (only inside authed handlers).
func me(r *http.Request) model.Agent { return stateOf(r).agent }

// wrap applies what every UI response shares: security headers, a body
// limit and cross-origin protection on posts, and error mapping.
func (h *Handler) wrap(next handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header())
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if err := h.cop.Check(r); err != nil {
				h.fail(w, r, errBadCSRF)
				return
			}
		}
		if err := next(w, r); err != nil {
			h.fail(w, r, err)
		}
	})
}

// public serves pages that need no login (setup, login). The session, if
// any, is loaded so these pages can send a signed-in agent onwards.
func (h *Handler) public(next handlerFunc) http.Handler {
	return h.wrap(func(w http.ResponseWriter, r *http.Request) error {
		st, err := h.loadSession(r)
		if err != nil {
			return err
		}
		if st != nil {
			r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		}
		return next(w, r)
	})
}

// authed serves pages for signed-in agents of at least min role, and checks
// the session's CSRF token on every post.
func (h *Handler) authed(min model.Role, next handlerFunc) http.Handler {
	return h.wrap(func(w http.ResponseWriter, r *http.Request) error {
		st, err := h.loadSession(r)
		if err != nil {
			return err
		}
		if st == nil {
			return errLogin
		}
		w.Header().Set("Cache-Control", "no-store")
		r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		if r.Method == http.MethodPost {
			if r.Header.Get("X-CSRF-Token") == "" {
				if err := parseForm(r); err != nil {
					return err
				}
			}
			if !validCSRF(r, st.session.CSRFToken) {
				return errBadCSRF
			}
		}
		if !st.agent.Role.AtLeast(min) {
			return errForbidden
		}
		return next(w, r)
	})
}

// validCSRF compares the X-CSRF-Token header (htmx, app.js) or the csrf
// field of the parsed form with the expected token, in constant time.
func validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return want != "" && got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// base fills the layout data for the current request.
func (h *Handler) base(r *http.Request, title, nav string) base {
	b := base{Title: title, Nav: nav}
	if st := stateOf(r); st != nil {
		a := st.agent
		b.Me, b.Admin, b.CSRF, b.Workspace = &a, a.Role == model.RoleAdmin, st.session.CSRFToken, st.wsName
	}
	return b
}

// parseForm reads a posted form within the body limit.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return httpError(http.StatusBadRequest, "The form could not be read.")
	}
	return nil
}
