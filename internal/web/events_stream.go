package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/realtime"
)

// streamEvents is the live stream of the agent's workspace: small "X
// changed" events, on which app.js re-fetches the list and the open
// conversation through the normal, authorised pages.
func (h *Handler) streamEvents(w http.ResponseWriter, r *http.Request) error {
	events, cancel := h.Broker.Subscribe(realtime.WorkspaceTopic(me(r).WorkspaceID))
	defer cancel()
	realtime.ServeSSE(w, r, events, realtime.SSEOptions{})
	return nil
}
