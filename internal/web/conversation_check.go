package web

import (
	"net/http"
)

// checkDraft runs the composer's pre-send checks on the draft as the agent
// types (app.js debounces) and answers the warnings fragment.
func (h *Handler) checkDraft(w http.ResponseWriter, r *http.Request) error {
	if h.Composer == nil {
		return errNotFound
	}
	res, err := h.Inbox.CheckDraft(r.Context(), h.Composer, h.Registry, me(r), r.PathValue("id"), r.PostFormValue("text"), r.PostFormValue("private") == "")
	if err != nil {
		return err
	}
	return h.renderFragment(w, http.StatusOK, "inbox", "compose_warnings", warningsData(r.PostFormValue("text"), res.Warnings))
}
