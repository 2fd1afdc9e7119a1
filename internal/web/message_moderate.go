package web

import "net/http"

// moderateMessage hides, unhides, deletes or likes a customer post on its
// platform (only what the channel supports is offered).
func (h *Handler) moderateMessage(w http.ResponseWriter, r *http.Request) error {
	m, err := h.Store.GetMessage(r.Context(), r.PathValue("id"))
	if err != nil || m.WorkspaceID != me(r).WorkspaceID {
		return errNotFound
	}
	err = h.Inbox.Moderate(r.Context(), h.Registry, me(r), m.ID, r.PathValue("verb"))
	r.SetPathValue("id", m.ConversationID)
	return h.afterAction(w, r, err, noKeep)
}
