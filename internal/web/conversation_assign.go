package web

import "net/http"

// assignConversation sets the assignee and team. "Assign to me" (self)
// takes the conversation; "Unassign" (clear) drops both.
func (h *Handler) assignConversation(w http.ResponseWriter, r *http.Request) error {
	agentID, teamID := r.PostFormValue("agent_id"), r.PostFormValue("team_id")
	switch {
	case r.PostFormValue("clear") != "":
		agentID, teamID = "", ""
	case r.PostFormValue("self") != "":
		agentID = me(r).ID
	}
	err := h.Inbox.Assign(r.Context(), me(r), r.PathValue("id"), agentID, teamID)
	return h.afterAction(w, r, err, noKeep)
}
