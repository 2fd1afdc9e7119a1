package web

import "net/http"

// revokeToken deletes an API token of the workspace.
func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := h.Store.DeleteAPIToken(r.Context(), me(r).WorkspaceID, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/tokens?done=revoked", http.StatusSeeOther)
	return nil
}
