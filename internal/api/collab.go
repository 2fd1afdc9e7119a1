package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// registerCollab mounts the composer settings and the approvals queue
// (issue 4).
func (h *Handler) registerCollab(mux *http.ServeMux) {
	mux.Handle("GET /api/v1/settings/compose", h.authed(model.RoleAgent, h.showComposeSettings))
	mux.Handle("PUT /api/v1/settings/compose", h.authed(model.RoleAdmin, h.saveComposeSettings))
	mux.Handle("GET /api/v1/approvals", h.authed(model.RoleSupervisor, h.listApprovals))
	mux.Handle("POST /api/v1/approvals/{id}/approve", h.authed(model.RoleSupervisor, h.approveReply))
	mux.Handle("POST /api/v1/approvals/{id}/reject", h.authed(model.RoleSupervisor, h.rejectReply))
}

type composeSettingsJSON struct {
	Checks                map[string]string `json:"checks"`
	BlockingNeedsApproval bool              `json:"blocking_needs_approval"`
	UpdatedAt             *string           `json:"updated_at"`
}

func toComposeSettingsJSON(set store.ComposeSettings) composeSettingsJSON {
	j := composeSettingsJSON{Checks: map[string]string{}, BlockingNeedsApproval: set.BlockingNeedsApproval}
	for _, m := range inbox.CheckModes(set) {
		j.Checks[m.Check] = m.Mode
	}
	if !set.UpdatedAt.IsZero() {
		j.UpdatedAt = rfcPtr(&set.UpdatedAt)
	}
	return j
}

// showComposeSettings answers every check's effective mode (off, warn,
// block) and whether blocking checks go to approval.
func (h *Handler) showComposeSettings(w http.ResponseWriter, r *http.Request) {
	set, err := h.Store.GetComposeSettings(r.Context(), agentFrom(r.Context()).WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toComposeSettingsJSON(set))
}

// saveComposeSettings replaces the workspace's choices; checks left out
// return to their default.
func (h *Handler) saveComposeSettings(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Checks                map[string]string `json:"checks"`
		BlockingNeedsApproval bool              `json:"blocking_needs_approval"`
	}
	if !decode(w, r, &in) {
		return
	}
	set, err := h.Inbox.SaveComposeSettings(r.Context(), agentFrom(r.Context()), in.Checks, in.BlockingNeedsApproval)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toComposeSettingsJSON(set))
}

type approvalJSON struct {
	ID             string            `json:"id"`
	ConversationID string            `json:"conversation_id"`
	AuthorAgentID  string            `json:"author_agent_id"`
	AuthorName     string            `json:"author_name"`
	Text           string            `json:"text"`
	Public         bool              `json:"public"`
	Holding        bool              `json:"holding"`
	Reason         string            `json:"reason"`
	Checks         []compose.Warning `json:"checks"`
	Status         string            `json:"status"`
	DecidedBy      string            `json:"decided_by,omitempty"`
	DecidedAt      *string           `json:"decided_at"`
	RejectReason   string            `json:"reject_reason,omitempty"`
	MessageID      string            `json:"message_id,omitempty"`
	CreatedAt      string            `json:"created_at"`
}

func toApprovalJSON(a store.Approval) approvalJSON {
	j := approvalJSON{ID: a.ID, ConversationID: a.ConversationID, AuthorAgentID: a.AuthorAgentID, AuthorName: a.AuthorName, Text: a.Text,
		Public: a.Public, Holding: a.Holding, Reason: a.Reason, Checks: []compose.Warning{}, Status: a.Status, DecidedBy: a.DecidedBy,
		DecidedAt: rfcPtr(a.DecidedAt), RejectReason: a.RejectReason, MessageID: a.MessageID, CreatedAt: rfc(a.CreatedAt)}
	json.Unmarshal(a.Checks, &j.Checks)
	return j
}

// listApprovals answers the workspace's approvals, oldest first; status
// defaults to pending ("all" for every state).
func (h *Handler) listApprovals(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	switch status {
	case "":
		status = store.ApprovalPending
	case "all":
		status = ""
	case store.ApprovalPending, store.ApprovalApproved, store.ApprovalRejected:
	default:
		writeError(w, http.StatusBadRequest, "invalid", "must be pending, approved, rejected or all", "status")
		return
	}
	as, err := h.Store.ListApprovals(r.Context(), agentFrom(r.Context()).WorkspaceID, status, 500)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]approvalJSON, 0, len(as))
	for _, a := range as {
		out = append(out, toApprovalJSON(a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"approvals": out})
}

// approveReply sends a pending reply as its author's, with "text" replacing
// it when given (edit, then approve).
func (h *Handler) approveReply(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Text string `json:"text"`
	}
	if !decode(w, r, &in) {
		return
	}
	a := agentFrom(r.Context())
	m, err := h.Inbox.Approve(r.Context(), a, r.PathValue("id"), in.Text)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMessageJSON(m, a))
}

// rejectReply turns a pending reply down; "reason" is required.
func (h *Handler) rejectReply(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Reason string `json:"reason"`
	}
	if !decode(w, r, &in) {
		return
	}
	a := agentFrom(r.Context())
	if err := h.Inbox.Reject(r.Context(), a, r.PathValue("id"), in.Reason); err != nil {
		h.fail(w, r, err)
		return
	}
	ap, err := h.Store.GetApproval(r.Context(), a.WorkspaceID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toApprovalJSON(ap))
}

// replyHeld answers a reply that was not sent: 202 with the approval it
// waits for, 409 when held by a collision (send again with "acknowledged"),
// 422 when a blocking check refused it. false for any other error.
func replyHeld(w http.ResponseWriter, err error) bool {
	var ae *inbox.AwaitingApprovalError
	var ce *inbox.CollisionError
	var be *inbox.BlockedError
	switch {
	case errors.As(err, &ae):
		writeJSON(w, http.StatusAccepted, map[string]any{"status": "awaiting_approval", "approval": toApprovalJSON(ae.Approval)})
	case errors.As(err, &ce):
		type collision struct {
			Key     string `json:"key"`
			Agent   string `json:"agent"`
			Message string `json:"message"`
		}
		cs := make([]collision, 0, len(ce.Collisions))
		for _, c := range ce.Collisions {
			cs = append(cs, collision{c.Key, c.Agent, c.Message})
		}
		writeJSON(w, http.StatusConflict, map[string]any{"error": APIError{Code: "collision", Message: ce.Error()}, "collisions": cs})
	case errors.As(err, &be):
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": APIError{Code: "blocked", Message: be.Error(), Field: "text"}, "warnings": be.Warnings})
	default:
		return false
	}
	return true
}
