package api

import "net/http"

// checkDraft runs the composer's pre-send checks on a draft reply.
func (h *Handler) checkDraft(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ConversationID string `json:"conversation_id"`
		Text           string `json:"text"`
		Public         *bool  `json:"public"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.ConversationID == "" {
		writeError(w, http.StatusBadRequest, "invalid", "is required", "conversation_id")
		return
	}
	if h.Composer == nil {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "the composer checks are not configured", "")
		return
	}
	public := in.Public == nil || *in.Public
	res, err := h.Inbox.CheckDraft(r.Context(), h.Composer, h.Registry, agentFrom(r.Context()), in.ConversationID, in.Text, public)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
