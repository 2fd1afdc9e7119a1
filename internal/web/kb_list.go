package web

import (
	"net/http"
	"strings"

	"github.com/heed-dev/heed/internal/store"
)

// kbFlashes are the notices a redirect after a knowledge-base or dictionary
// action may ask for (?done=…); nothing from the URL is echoed.
var kbFlashes = map[string]string{
	"article": "Article saved.",
	"deleted": "Article deleted.",
	"word":    "Word added to the dictionary.",
	"unword":  "Word removed from the dictionary.",
}

// kbForm is the article form's values (kept after a validation error).
type kbForm struct {
	ID, Title, URL, Tags string
}

type kbPage struct {
	base
	Articles  []store.KBArticle
	Words     []store.WorkspaceWord
	Form      kbForm // the add form, or the article being edited
	Error     string // the article form's validation message
	Word      string
	WordError string
}

func (h *Handler) kbPage(r *http.Request) (kbPage, error) {
	ws := me(r).WorkspaceID
	arts, err := h.Store.ListKBArticles(r.Context(), ws)
	if err != nil {
		return kbPage{}, err
	}
	words, err := h.Store.ListWorkspaceWords(r.Context(), ws)
	if err != nil {
		return kbPage{}, err
	}
	return kbPage{base: h.base(r, "Knowledge base", "kb"), Articles: arts, Words: words}, nil
}

// showKB lists the knowledge-base articles (a form to add one, or to edit
// the one named by ?edit=) and the workspace's dictionary words.
func (h *Handler) showKB(w http.ResponseWriter, r *http.Request) error {
	p, err := h.kbPage(r)
	if err != nil {
		return err
	}
	p.Flash = kbFlashes[r.URL.Query().Get("done")]
	if id := r.URL.Query().Get("edit"); id != "" {
		a, err := h.Store.GetKBArticle(r.Context(), me(r).WorkspaceID, id)
		if err != nil {
			return err
		}
		p.Form = kbForm{ID: a.ID, Title: a.Title, URL: a.URL, Tags: strings.Join(a.Tags, ", ")}
	}
	return h.render(w, r, http.StatusOK, "admin_kb", p)
}
