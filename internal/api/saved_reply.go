package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/heed-dev/heed/internal/store"
)

type savedReplyJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Body        string `json:"body"`
	ChannelType string `json:"channel_type,omitempty"`
}

func toSavedJSON(rs []store.SavedReply) []savedReplyJSON {
	out := make([]savedReplyJSON, 0, len(rs))
	for _, r := range rs {
		out = append(out, savedReplyJSON{ID: r.ID, Name: r.Name, Body: r.Body, ChannelType: r.ChannelType})
	}
	return out
}

func (h *Handler) listSavedReplies(w http.ResponseWriter, r *http.Request) {
	rs, err := h.Store.ListSavedReplies(r.Context(), agentFrom(r.Context()).WorkspaceID, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"saved_replies": toSavedJSON(rs)})
}

// createSavedReply stores a saved reply; its body may use {{customer.first_name}},
// {{customer.name}}, {{customer.handle}}, {{agent.name}}, {{agent.first_name}},
// {{conversation.id}} and {{channel.name}}.
func (h *Handler) createSavedReply(w http.ResponseWriter, r *http.Request) {
	var in savedReplyJSON
	if !decode(w, r, &in) {
		return
	}
	in.Name, in.Body = strings.TrimSpace(in.Name), strings.TrimSpace(in.Body)
	if in.Name == "" {
		writeError(w, http.StatusBadRequest, "invalid", "is required", "name")
		return
	}
	if in.Body == "" {
		writeError(w, http.StatusBadRequest, "invalid", "is required", "body")
		return
	}
	rep, err := h.Store.CreateSavedReply(r.Context(), store.SavedReply{WorkspaceID: agentFrom(r.Context()).WorkspaceID, Name: in.Name, Body: in.Body, ChannelType: in.ChannelType})
	if errors.Is(err, store.ErrConflict) {
		writeError(w, http.StatusBadRequest, "invalid", "a saved reply with this name exists for this channel type", "name")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toSavedJSON([]store.SavedReply{rep})[0])
}

func (h *Handler) deleteSavedReply(w http.ResponseWriter, r *http.Request) {
	if err := h.Store.DeleteSavedReply(r.Context(), agentFrom(r.Context()).WorkspaceID, r.PathValue("id")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// conversationSavedReplies returns the saved replies for a conversation with
// their variables filled in (the channel type's variants first).
func (h *Handler) conversationSavedReplies(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	conv, err := h.Store.GetConversation(r.Context(), a.WorkspaceID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rs, err := h.Inbox.SavedRepliesFor(r.Context(), a, conv)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"saved_replies": toSavedJSON(rs)})
}

// showSignatures returns the agent-signature templates by channel type.
func (h *Handler) showSignatures(w http.ResponseWriter, r *http.Request) {
	sigs, err := h.Store.Signatures(r.Context(), agentFrom(r.Context()).WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"signatures": sigs})
}

// saveSignatures sets the signature appended to replies per channel type,
// e.g. {"signatures":{"x":"^{{agent.initials}}","facebook":"– {{agent.first_name}}"}}.
func (h *Handler) saveSignatures(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Signatures map[string]string `json:"signatures"`
	}
	if !decode(w, r, &in) {
		return
	}
	for ct, sig := range in.Signatures {
		if len(sig) > 200 {
			writeError(w, http.StatusBadRequest, "invalid", "a signature is at most 200 bytes", "signatures."+ct)
			return
		}
	}
	if err := h.Store.SetSignatures(r.Context(), agentFrom(r.Context()).WorkspaceID, in.Signatures); err != nil {
		h.fail(w, r, err)
		return
	}
	h.showSignatures(w, r)
}
