package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/inbox"
)

// movePrivate sends the draft privately and links the public conversation
// to the private one (POST /conversations/{id}/private-move): the one-click
// move where the platform can message the customer privately. Elsewhere the
// composer offers the channel's private-message link instead. The form's
// optional "reason" (inbox.RedirectReasons) says why.
func (h *Handler) movePrivate(w http.ResponseWriter, r *http.Request) error {
	text, reason := r.PostFormValue("text"), r.PostFormValue("reason")
	in := inbox.ReplyInput{Text: text}
	collabInput(r, &in) // collision check, as for any reply
	_, err := h.Inbox.MovePrivate(r.Context(), h.Registry, me(r), r.PathValue("id"), in, reason)
	if done, err := h.afterCollab(w, r, err, text); done {
		return err // held by a collision, an approval or a blocking check
	}
	return h.afterAction(w, r, err, func(c *convData) { c.Draft, c.MoveReason = text, reason })
}
