package web

import "net/http"

// spamConversation records an agent's spam verdict; the workspace's spam
// model learns from it.
func (h *Handler) spamConversation(w http.ResponseWriter, r *http.Request) error {
	err := h.Inbox.MarkSpam(r.Context(), me(r), r.PathValue("id"), r.PostFormValue("spam") == "true")
	return h.afterAction(w, r, err, noKeep)
}
