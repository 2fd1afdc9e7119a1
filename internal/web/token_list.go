package web

import (
	"net/http"
	"time"

	"github.com/heed-dev/heed/internal/model"
)

type tokenRow struct {
	ID         string
	Name       string
	AgentName  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

type tokensPage struct {
	base
	Tokens  []tokenRow
	Agents  []model.Agent
	Created string // the new token's value, shown once
	Error   string
}

func (h *Handler) tokensPage(r *http.Request) (tokensPage, error) {
	ws := me(r).WorkspaceID
	tokens, err := h.Store.ListAPITokens(r.Context(), ws)
	if err != nil {
		return tokensPage{}, err
	}
	agents, err := h.Store.ListAgents(r.Context(), ws)
	if err != nil {
		return tokensPage{}, err
	}
	names := agentNames(agents)
	p := tokensPage{base: h.base(r, "API tokens", "tokens"), Agents: agents}
	for _, t := range tokens {
		p.Tokens = append(p.Tokens, tokenRow{ID: t.ID, Name: t.Name, AgentName: names[t.AgentID], CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt})
	}
	return p, nil
}

// listTokens lists API tokens (never their values) and the form for a new one.
func (h *Handler) listTokens(w http.ResponseWriter, r *http.Request) error {
	p, err := h.tokensPage(r)
	if err != nil {
		return err
	}
	p.Flash = adminFlash(r)
	return h.render(w, r, http.StatusOK, "admin_tokens", p)
}
