package web

import (
	"errors"
	"net/http"

	"github.com/heed-dev/heed/internal/inbox"
)

// approveReply sends a pending reply, with the supervisor's edit of the text
// when they changed it.
func (h *Handler) approveReply(w http.ResponseWriter, r *http.Request) error {
	_, err := h.Inbox.Approve(r.Context(), me(r), r.PathValue("id"), r.PostFormValue("text"))
	return h.afterDecision(w, r, err, "approved")
}

// rejectReply turns a pending reply down with a reason for its author.
func (h *Handler) rejectReply(w http.ResponseWriter, r *http.Request) error {
	err := h.Inbox.Reject(r.Context(), me(r), r.PathValue("id"), r.PostFormValue("reason"))
	return h.afterDecision(w, r, err, "rejected")
}

func (h *Handler) afterDecision(w http.ResponseWriter, r *http.Request, err error, done string) error {
	var ve *inbox.ValidationError
	if errors.As(err, &ve) {
		p, perr := h.approvalsPage(r)
		if perr != nil {
			return perr
		}
		p.Error = fieldMessage(ve.Field, ve.Message)
		return h.render(w, r, http.StatusUnprocessableEntity, "approvals", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/approvals?done="+done, http.StatusSeeOther)
	return nil
}
