package web

import (
	"net/http"
	"strings"

	"github.com/heed-dev/heed/internal/inbox"
)

// assistResults is the `/` menu's fragment.
type assistResults struct {
	Query   string
	Results []inbox.Assist
}

// searchAssists answers the composer's `/` search
// (GET /conversations/{id}/assists?q=…): saved replies expanded for this
// conversation and knowledge-base links, as a listbox fragment that
// assists.js shows under the reply box.
func (h *Handler) searchAssists(w http.ResponseWriter, r *http.Request) error {
	a := me(r)
	conv, err := h.Store.GetConversation(r.Context(), a.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	if len(q) > inbox.MaxAssistQuery {
		q = strings.ToValidUTF8(q[:inbox.MaxAssistQuery], "") // echoed in "no match": keep it short
	}
	res, err := h.Inbox.SearchAssists(r.Context(), a, conv, q)
	if err != nil {
		return err
	}
	w.Header().Set("Vary", "HX-Request")
	return h.renderFragment(w, http.StatusOK, "inbox", "assist_results", assistResults{Query: q, Results: res})
}
