package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/store"
)

// showNotifications answers the agent's latest notifications (SLA warnings
// and breaches) as a fragment; app.js fetches it when the live stream says
// one arrived.
func (h *Handler) showNotifications(w http.ResponseWriter, r *http.Request) error {
	ns, err := h.Store.ListNotifications(r.Context(), me(r).ID, 5)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.renderFragment(w, http.StatusOK, "inbox", "notices", struct{ Items []store.Notification }{ns})
}
