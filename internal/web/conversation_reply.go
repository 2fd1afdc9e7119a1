package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/inbox"
)

// replyConversation sends a reply (queued for delivery by the outbox),
// privately when asked and the conversation is public.
func (h *Handler) replyConversation(w http.ResponseWriter, r *http.Request) error {
	text := r.PostFormValue("text")
	in := inbox.ReplyInput{Text: text, Private: r.PostFormValue("private") != "", Holding: r.PostFormValue("holding") != ""}
	collabInput(r, &in) // collision check: when the page was loaded, what the agent acknowledged
	_, err := h.Inbox.Reply(r.Context(), me(r), r.PathValue("id"), in)
	if done, err := h.afterCollab(w, r, err, text); done {
		return err // held (collision), awaiting approval or blocked: collab_view.go
	}
	return h.afterAction(w, r, err, func(c *convData) { c.Draft = text })
}
