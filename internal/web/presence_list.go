package web

import (
	"encoding/json"
	"net/http"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

type presenceEntry struct {
	ConversationID string `json:"conversation_id"`
	AgentID        string `json:"agent_id"`
	Name           string `json:"name"`
	Typing         bool   `json:"typing"`
}

// listPresence answers who is in which conversation of the workspace right
// now, as JSON for collab.js (which shows names with textContent, never as
// HTML). The viewer is left out: nobody needs to see themselves.
func (h *Handler) listPresence(w http.ResponseWriter, r *http.Request) error {
	a := me(r)
	ps, err := h.Store.ListWorkspacePresence(r.Context(), a.WorkspaceID, h.Store.Now())
	if err != nil {
		return err
	}
	// A contributor learns only about the conversations assigned to them.
	var visible map[string]bool
	if a.Role == model.RoleContributor {
		rows, _, err := h.Store.ListConversations(r.Context(), store.ConversationFilter{WorkspaceID: a.WorkspaceID, AssigneeID: a.ID, Limit: 500})
		if err != nil {
			return err
		}
		visible = make(map[string]bool, len(rows))
		for _, c := range rows {
			visible[c.ID] = true
		}
	}
	out := struct {
		Entries []presenceEntry `json:"entries"`
	}{Entries: []presenceEntry{}}
	for _, p := range ps {
		if p.AgentID != a.ID && (visible == nil || visible[p.ConversationID]) {
			out.Entries = append(out.Entries, presenceEntry{ConversationID: p.ConversationID, AgentID: p.AgentID, Name: p.AgentName, Typing: p.Typing})
		}
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(out)
}
