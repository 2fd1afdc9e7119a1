package web

import (
	"errors"
	"net/http"

	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/store"
)

// saveArticle creates an article (POST /admin/kb) or updates one
// (POST /admin/kb/{id}).
func (h *Handler) saveArticle(w http.ResponseWriter, r *http.Request) error {
	f := kbForm{ID: r.PathValue("id"), Title: r.PostFormValue("title"), URL: r.PostFormValue("url"), Tags: r.PostFormValue("tags")}
	_, err := h.Inbox.SaveArticle(r.Context(), me(r), store.KBArticle{ID: f.ID, Title: f.Title, URL: f.URL, Tags: inbox.ParseTags(f.Tags)})
	var ve *inbox.ValidationError
	if errors.As(err, &ve) {
		p, perr := h.kbPage(r)
		if perr != nil {
			return perr
		}
		p.Form, p.Error = f, fieldMessage(ve.Field, ve.Message)
		return h.render(w, r, http.StatusUnprocessableEntity, "admin_kb", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/kb?done=article", http.StatusSeeOther)
	return nil
}

// deleteArticle removes an article (POST /admin/kb/{id}/delete).
func (h *Handler) deleteArticle(w http.ResponseWriter, r *http.Request) error {
	if err := h.Store.DeleteKBArticle(r.Context(), me(r).WorkspaceID, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/kb?done=deleted", http.StatusSeeOther)
	return nil
}
