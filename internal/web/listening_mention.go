package web

import (
	"context"
	"net/http"
	"time"
)

// openMentionConversation opens an inbox conversation for a mention through
// the inbound pipeline, then sends the browser to wait for it.
func (h *Handler) openMentionConversation(w http.ResponseWriter, r *http.Request) error {
	if h.Listening == nil {
		return errNotFound
	}
	m, err := h.Listening.OpenConversation(r.Context(), me(r).WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/listening/mentions/"+m.ID+"/conversation", http.StatusSeeOther)
	return nil
}

// showMentionConversation goes to the conversation of a mention once the
// pipeline has made it. It waits a moment for it; if it is still not there
// the page says so and reloads itself (a meta refresh: no script needed).
func (h *Handler) showMentionConversation(w http.ResponseWriter, r *http.Request) error {
	if h.Listening == nil {
		return errNotFound
	}
	ws := me(r).WorkspaceID
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	for {
		m, err := h.Store.GetMention(r.Context(), ws, r.PathValue("id"))
		if err != nil {
			return err
		}
		cid, err := h.Listening.ConversationOf(r.Context(), m)
		if err != nil {
			return err
		}
		if cid != "" {
			http.Redirect(w, r, "/conversations/"+cid, http.StatusSeeOther)
			return nil
		}
		select {
		case <-ctx.Done():
			if r.Context().Err() != nil {
				return r.Context().Err()
			}
			w.Header().Set("Refresh", "2")
			w.Header().Set("Cache-Control", "no-store")
			return httpError(http.StatusAccepted, "The conversation is being opened; this page reloads until it is ready.")
		case <-time.After(100 * time.Millisecond):
		}
	}
}
