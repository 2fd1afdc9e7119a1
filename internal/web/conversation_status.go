package web

import "net/http"

// statusConversation moves a conversation to new, acknowledged, waiting or
// resolved.
func (h *Handler) statusConversation(w http.ResponseWriter, r *http.Request) error {
	err := h.Inbox.SetStatus(r.Context(), me(r), r.PathValue("id"), r.PostFormValue("status"))
	return h.afterAction(w, r, err, noKeep)
}
