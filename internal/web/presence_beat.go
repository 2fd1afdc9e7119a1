package web

import (
	"net/http"
)

// beatPresence records the page's heartbeat in a conversation: state "view"
// (open), "typing" (the draft changed), "idle" (the draft was emptied) or
// "leave" (the page closed; sent with navigator.sendBeacon). collab.js
// debounces typing beats.
func (h *Handler) beatPresence(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var err error
	switch r.PostFormValue("state") {
	case "view", "":
		err = h.Inbox.PresenceBeat(r.Context(), me(r), id, false)
	case "typing":
		err = h.Inbox.PresenceBeat(r.Context(), me(r), id, true)
	case "idle":
		err = h.Inbox.PresenceLeave(r.Context(), me(r), id, true)
	case "leave":
		err = h.Inbox.PresenceLeave(r.Context(), me(r), id, false)
	default:
		return httpError(http.StatusBadRequest, "state must be view, typing, idle or leave")
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
