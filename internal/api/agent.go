package api

import (
	"net/http"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/model"
)

type agentJSON struct {
	ID           string   `json:"id"`
	Email        string   `json:"email"`
	Name         string   `json:"name"`
	Role         string   `json:"role"`
	Availability string   `json:"availability"`
	Capacity     int      `json:"capacity"`
	Languages    []string `json:"languages"`
	ChannelTypes []string `json:"channel_types"`
	Locations    []string `json:"locations"`
}

func toAgentJSON(a model.Agent) agentJSON {
	nz := func(v []string) []string { return append([]string{}, v...) }
	return agentJSON{ID: a.ID, Email: a.Email, Name: a.Name, Role: string(a.Role), Availability: a.Availability,
		Capacity: a.Capacity, Languages: nz(a.Languages), ChannelTypes: nz(a.ChannelTypes), Locations: nz(a.Locations)}
}

func (h *Handler) showMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, toAgentJSON(agentFrom(r.Context())))
}

func (h *Handler) listAgents(w http.ResponseWriter, r *http.Request) {
	as, err := h.Store.ListAgents(r.Context(), agentFrom(r.Context()).WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]agentJSON, 0, len(as))
	for _, a := range as {
		out = append(out, toAgentJSON(a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"agents": out})
}

func (h *Handler) createAgent(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Name     string `json:"name"`
		Password string `json:"password"`
		Role     string `json:"role"`
	}
	if !decode(w, r, &in) {
		return
	}
	a, err := h.Accounts.CreateUser(r.Context(), accounts.NewUser{WorkspaceID: agentFrom(r.Context()).WorkspaceID, Email: in.Email,
		Name: in.Name, Password: in.Password, Role: model.Role(in.Role)})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAgentJSON(a))
}

type teamJSON struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	MemberIDs []string `json:"member_ids"`
}

func (h *Handler) listTeams(w http.ResponseWriter, r *http.Request) {
	ts, err := h.Store.ListTeams(r.Context(), agentFrom(r.Context()).WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]teamJSON, 0, len(ts))
	for _, t := range ts {
		out = append(out, teamJSON{ID: t.ID, Name: t.Name, MemberIDs: append([]string{}, t.MemberIDs...)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"teams": out})
}

func (h *Handler) createTeam(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name      string   `json:"name"`
		MemberIDs []string `json:"member_ids"`
	}
	if !decode(w, r, &in) {
		return
	}
	t, err := h.Accounts.CreateTeam(r.Context(), agentFrom(r.Context()).WorkspaceID, in.Name, in.MemberIDs)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, teamJSON{ID: t.ID, Name: t.Name, MemberIDs: append([]string{}, t.MemberIDs...)})
}
