package api

import "net/http"

// moderateMessage hides, unhides, deletes or likes a customer post on its
// platform, where the channel supports it.
func (h *Handler) moderateMessage(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	if err := h.Inbox.Moderate(r.Context(), h.Registry, a, r.PathValue("id"), r.PathValue("verb")); err != nil {
		h.fail(w, r, err)
		return
	}
	m, err := h.Store.GetMessage(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMessageJSON(m, a))
}
