package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/inbox"
)

// noteConversation adds an internal note: stored, shown to agents, never sent.
func (h *Handler) noteConversation(w http.ResponseWriter, r *http.Request) error {
	text := r.PostFormValue("text")
	_, err := h.Inbox.Reply(r.Context(), me(r), r.PathValue("id"), inbox.ReplyInput{Text: text, Note: true})
	return h.afterAction(w, r, err, func(c *convData) { c.Note = text })
}
