package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/store"
)

// webError is the HTTP boundary error: a status, a message safe to show, and
// the internal cause (logged, never shown).
type webError struct {
	status int
	msg    string
	err    error
}

func (e *webError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("%d %s: %v", e.status, e.msg, e.err)
	}
	return fmt.Sprintf("%d %s", e.status, e.msg)
}

func (e *webError) Unwrap() error { return e.err }

func httpError(status int, msg string) error { return &webError{status: status, msg: msg} }

var (
	errNotFound  = httpError(http.StatusNotFound, "This page does not exist.")
	errForbidden = httpError(http.StatusForbidden, "You do not have access to this page.")
	errBadCSRF   = httpError(http.StatusForbidden, "This form has expired or did not come from Heed. Reload the page and try again.")
	errTooLarge  = httpError(http.StatusRequestEntityTooLarge, "That is too much text to send at once.")
	// errLogin asks the wrapper to send the browser to the login page.
	errLogin = errors.New("login required")
	// errGone marks a client that left mid-response: nothing to report.
	errGone = errors.New("client gone")
)

// errClientGone classifies a write error.
func errClientGone(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) {
		return errGone
	}
	return err
}

// fail is the one place errors become responses. It logs what the user
// cannot fix, once, and shows only safe messages.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errGone) || errors.Is(r.Context().Err(), context.Canceled) {
		return
	}
	if errors.Is(err, errLogin) {
		h.toLogin(w, r)
		return
	}
	status, msg := http.StatusInternalServerError, "Something went wrong on our side. Try again in a moment."
	var we *webError
	var ive *inbox.ValidationError
	var ave *accounts.ValidationError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &we):
		status, msg = we.status, we.msg
	case errors.As(err, &ive):
		status, msg = http.StatusUnprocessableEntity, fieldMessage(ive.Field, ive.Message)
	case errors.As(err, &ave):
		status, msg = http.StatusUnprocessableEntity, fieldMessage(ave.Field, ave.Message)
	case errors.As(err, &mbe):
		status, msg = errTooLarge.(*webError).status, errTooLarge.(*webError).msg
	case errors.Is(err, store.ErrNotFound):
		status, msg = http.StatusNotFound, "This page does not exist."
	case errors.Is(err, store.ErrBadCursor):
		status, msg = http.StatusBadRequest, "That page link is no longer valid. Go back to the first page."
	case errors.Is(err, store.ErrConflict):
		status, msg = http.StatusConflict, "That conflicts with something that already exists."
	}
	if status >= 500 {
		h.Log.Error("web request failed", "method", r.Method, "path", r.URL.Path, "status", status, "error", err)
	}
	h.showError(w, r, status, msg)
}

// toLogin sends a signed-out browser to the login page: a page load is
// redirected there (and comes back after); htmx, app.js and the event
// stream get 401, with HX-Redirect for htmx to follow.
func (h *Handler) toLogin(w http.ResponseWriter, r *http.Request) {
	navigation := r.Method == http.MethodGet && !isFragment(r) && r.Header.Get("Accept") != "text/event-stream"
	if navigation {
		target := "/login"
		if r.URL.Path != "/" {
			target += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	target := "/login"
	if u, err := url.Parse(r.Header.Get("HX-Current-URL")); err == nil && u.Path != "" && u.Path != "/" {
		target += "?next=" + url.QueryEscape(u.RequestURI())
	}
	w.Header().Set("HX-Redirect", target)
	h.showError(w, r, http.StatusUnauthorized, "Your session has ended. Sign in again.")
}

// showError renders the error page, or a small fragment for htmx (which
// app.js shows as a notice).
func (h *Handler) showError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	data := errorPage{base: h.base(r, "Error", ""), Status: status, Message: msg}
	var err error
	if isFragment(r) {
		err = h.renderFragment(w, status, "error", "error_fragment", data)
	} else {
		err = h.render(w, r, status, "error", data)
	}
	if err != nil && !errors.Is(err, errGone) {
		h.Log.Error("render error page", "error", err)
		http.Error(w, msg, status)
	}
}

type errorPage struct {
	base
	Status  int
	Message string
}

// fieldMessage makes a validation error a sentence.
func fieldMessage(field, msg string) string {
	names := map[string]string{"text": "The message", "email": "The email", "password": "The password", "name": "The name",
		"workspace": "The workspace name", "role": "The role", "callback_url": "The callback URL", "type": "The channel type",
		"agent_id": "The agent", "team_id": "The team", "status": "The status", "reason": "The reason"}
	n, ok := names[field]
	switch {
	case ok && (strings.HasPrefix(msg, "is ") || strings.HasPrefix(msg, "must ")):
		return n + " " + msg + "."
	case ok && strings.HasPrefix(msg, "longer "):
		return n + " is " + msg + "."
	}
	if msg == "" {
		return "Check the form and try again."
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}
