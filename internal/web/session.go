package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/auth"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
)

// Cookie names. The session cookie holds a random token; the database holds
// only its hash. The form cookie protects the login and setup forms, which
// are posted before there is a session (double-submit token).
const (
	sessionCookie = "heed_session"
	formCookie    = "heed_form"
)

// loadSession returns the signed-in agent of the request, or nil when there
// is none (no cookie, unknown or expired session, disabled agent).
func (h *Handler) loadSession(r *http.Request) (*requestState, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	ctx := r.Context()
	sess, err := h.Store.GetSession(ctx, secret.Hash(c.Value))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a, err := h.Store.GetAgent(ctx, sess.AgentID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if a.Disabled {
		return nil, nil
	}
	ws, err := h.Store.GetWorkspace(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	return &requestState{agent: a, session: sess, wsName: ws.Name}, nil
}

// startSession logs agent in: a fresh token (never one the browser brought,
// so a planted cookie is useless), its hash stored with a CSRF token.
func (h *Handler) startSession(ctx context.Context, w http.ResponseWriter, r *http.Request, agent model.Agent) error {
	if old, err := r.Cookie(sessionCookie); err == nil && old.Value != "" {
		if err := h.Store.DeleteSession(ctx, secret.Hash(old.Value)); err != nil {
			return err
		}
	}
	token := secret.RandomToken(32)
	now := h.Store.Now()
	err := h.Store.CreateSession(ctx, model.Session{TokenHash: secret.Hash(token), AgentID: agent.ID,
		CSRFToken: secret.RandomToken(24), CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)})
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: int(SessionLifetime / time.Second),
		HttpOnly: true, Secure: h.SecureCookie, SameSite: http.SameSiteLaxMode})
	return nil
}

// endSession logs the request's session out.
func (h *Handler) endSession(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := h.Store.DeleteSession(ctx, secret.Hash(c.Value)); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.SecureCookie,
		SameSite: http.SameSiteLaxMode})
	return nil
}

// formToken returns the pre-session CSRF token for the login and setup
// forms, setting its cookie when the browser has none yet.
func (h *Handler) formToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(formCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	v := secret.RandomToken(24)
	http.SetCookie(w, &http.Cookie{Name: formCookie, Value: v, Path: "/", HttpOnly: true, Secure: h.SecureCookie,
		SameSite: http.SameSiteStrictMode})
	return v
}

// checkFormToken verifies a pre-session form post (the form was parsed).
func checkFormToken(r *http.Request) error {
	c, err := r.Cookie(formCookie)
	got := r.PostFormValue("csrf")
	if err != nil || c.Value == "" || got == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(got)) != 1 {
		return errBadCSRF
	}
	return nil
}

// checkPassword verifies email and password. Unknown emails cost the same
// hash as known ones, so timing does not reveal who has an account.
func (h *Handler) checkPassword(ctx context.Context, email, password string) (model.Agent, bool, error) {
	a, err := h.Store.GetAgentByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		h.dummyOnce.Do(func() { h.dummy, _ = auth.HashPassword(secret.RandomToken(16)) })
		auth.CheckPassword(h.dummy, password)
		return model.Agent{}, false, nil
	}
	if err != nil {
		return model.Agent{}, false, err
	}
	ok := auth.CheckPassword(a.PasswordHash, password)
	return a, ok && !a.Disabled, nil
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") {
		return "/inbox"
	}
	return next
}
