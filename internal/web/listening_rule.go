package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/heed-dev/heed/internal/listening"
	"github.com/heed-dev/heed/internal/store"
)

// previewLimit bounds the posts a preview shows.
const previewLimit = 20

func ruleFromForm(r *http.Request) ruleForm {
	return ruleForm{ID: r.PostFormValue("id"), Name: r.PostFormValue("name"), Query: r.PostFormValue("query"),
		Action: r.PostFormValue("action"), Kind: r.PostFormValue("kind"), Enabled: r.PostFormValue("enabled") != ""}
}

// saveListenRule creates a rule, or updates the one named by the form's id.
// A query that does not parse comes back with the column of the problem.
func (h *Handler) saveListenRule(w http.ResponseWriter, r *http.Request) error {
	if h.Listening == nil {
		return errNotFound
	}
	f := ruleFromForm(r)
	rule := store.ListenRule{ID: f.ID, WorkspaceID: me(r).WorkspaceID, Name: f.Name, Query: f.Query, Action: f.Action, Kind: f.Kind, Enabled: f.Enabled}
	var err error
	if f.ID == "" {
		_, err = h.Listening.CreateRule(r.Context(), rule)
	} else {
		_, err = h.Listening.UpdateRule(r.Context(), rule)
	}
	var ie *listening.InputError
	if errors.As(err, &ie) {
		p, perr := h.listeningPage(r)
		if perr != nil {
			return perr
		}
		f.Error, f.Field, f.Col = ie.Message, ie.Field, ie.Col
		p.Form = f
		return h.render(w, r, http.StatusUnprocessableEntity, "listening", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/listening?done=saved", http.StatusSeeOther)
	return nil
}

// deleteListenRule removes a rule (its mentions stay in the feed).
func (h *Handler) deleteListenRule(w http.ResponseWriter, r *http.Request) error {
	if h.Listening == nil {
		return errNotFound
	}
	if err := h.Listening.DeleteRule(r.Context(), me(r).WorkspaceID, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/listening?done=deleted", http.StatusSeeOther)
	return nil
}

// previewListenRule tests the editor's query against the last posts of the
// streams: a fragment for listening.js as the user types, or the whole page
// for a plain form post.
func (h *Handler) previewListenRule(w http.ResponseWriter, r *http.Request) error {
	if h.Listening == nil {
		return errNotFound
	}
	f := ruleFromForm(r)
	pv := previewView{Shown: true, Query: f.Query}
	if strings.TrimSpace(f.Query) != "" {
		if err := listening.CheckQuery(f.Query); err != nil {
			var ie *listening.InputError
			if errors.As(err, &ie) {
				pv.Error, pv.Col = ie.Message, ie.Col
			} else {
				pv.Error = err.Error()
			}
		} else {
			matches, tested, err := h.Listening.Preview(f.Query, previewLimit)
			if err != nil {
				return err
			}
			pv.Matches, pv.Tested = matches, tested
		}
	} else {
		pv.Shown = false
	}
	w.Header().Set("Cache-Control", "no-store")
	if isFragment(r) {
		return h.renderFragment(w, http.StatusOK, "listening", "listen-preview", pv)
	}
	p, err := h.listeningPage(r)
	if err != nil {
		return err
	}
	p.Form, p.Preview = f, pv
	return h.render(w, r, http.StatusOK, "listening", p)
}
