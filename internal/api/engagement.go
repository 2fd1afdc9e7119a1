package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/inbox"
)

// receiveEngagement takes a platform's current reaction counts for a message
// (signed like inbound messages) and re-scores the conversation's virality.
func (h *Handler) receiveEngagement(w http.ResponseWriter, r *http.Request) {
	body, ch, _, ok := h.signedRequest(w, r)
	if !ok {
		return
	}
	var in struct {
		ExternalID string `json:"external_id"`
		Likes      int64  `json:"likes"`
		Replies    int64  `json:"replies"`
		Reposts    int64  `json:"reposts"`
		ObservedAt string `json:"observed_at"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeError(w, http.StatusBadRequest, "invalid", "malformed JSON", "body")
		return
	}
	if strings.TrimSpace(in.ExternalID) == "" {
		writeError(w, http.StatusBadRequest, "invalid", "is required", "external_id")
		return
	}
	if in.Likes < 0 || in.Replies < 0 || in.Reposts < 0 {
		writeError(w, http.StatusBadRequest, "invalid", "counts must not be negative", "likes")
		return
	}
	at := time.Now().UTC()
	if in.ObservedAt != "" {
		var err error
		if at, err = time.Parse(time.RFC3339, in.ObservedAt); err != nil {
			writeError(w, http.StatusBadRequest, "invalid", "must be RFC 3339", "observed_at")
			return
		}
	}
	score, escalated, err := h.Inbox.RecordEngagement(r.Context(), ch.ID, in.ExternalID, inbox.Engagement{At: at, Likes: in.Likes, Replies: in.Replies, Reposts: in.Reposts})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"virality": score, "escalated": escalated})
}
