package web

import (
	"errors"
	"net/http"

	"github.com/heed-dev/heed/internal/inbox"
)

// addWord adds a word to the workspace's dictionary from a spelling
// warning (POST /words, any agent): app.js posts it and checks the draft
// again, so the warning goes away at once, and for every agent at their
// next check. A plain form post comes back to the dictionary page.
func (h *Handler) addWord(w http.ResponseWriter, r *http.Request) error {
	word := r.PostFormValue("word")
	_, err := h.Inbox.AddWord(r.Context(), me(r), word)
	var ve *inbox.ValidationError
	if errors.As(err, &ve) && !isFragment(r) && r.Header.Get("X-CSRF-Token") == "" {
		p, perr := h.kbPage(r)
		if perr != nil {
			return perr
		}
		p.Word, p.WordError = word, fieldMessage(ve.Field, ve.Message)
		return h.render(w, r, http.StatusUnprocessableEntity, "admin_kb", p)
	}
	if err != nil {
		return err
	}
	if isFragment(r) || r.Header.Get("X-CSRF-Token") != "" {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(w, r, "/admin/kb?done=word#words", http.StatusSeeOther)
	return nil
}

// deleteWord removes a word from the dictionary (POST /admin/words/delete, admins).
func (h *Handler) deleteWord(w http.ResponseWriter, r *http.Request) error {
	if err := h.Store.DeleteWorkspaceWord(r.Context(), me(r).WorkspaceID, r.PostFormValue("word")); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/kb?done=unword#words", http.StatusSeeOther)
	return nil
}
