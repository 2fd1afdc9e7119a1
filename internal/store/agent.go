package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/model"
)

const agentCols = `id, workspace_id, email, name, role, password_hash, availability, disabled, created_at`

const agentSelect = `SELECT ` + agentCols + `, capacity, languages, channel_types, locations, last_assigned_at FROM agents`

func scanAgent(sc interface{ Scan(...any) error }) (model.Agent, error) {
	var a model.Agent
	var role, langs, types, locs string
	var created int64
	var last sql.NullInt64
	err := sc.Scan(&a.ID, &a.WorkspaceID, &a.Email, &a.Name, &role, &a.PasswordHash, &a.Availability, &a.Disabled, &created,
		&a.Capacity, &langs, &types, &locs, &last)
	a.Role = model.Role(role)
	a.CreatedAt = fromMs(created)
	json.Unmarshal([]byte(langs), &a.Languages)
	json.Unmarshal([]byte(types), &a.ChannelTypes)
	json.Unmarshal([]byte(locs), &a.Locations)
	a.LastAssignedAt = fromNullMs(last)
	return a, err
}

// CreateAgent inserts an agent; the email must be unique (ErrConflict).
func (s *Store) CreateAgent(ctx context.Context, a model.Agent) (model.Agent, error) {
	a.ID = NewID()
	a.Email = strings.ToLower(strings.TrimSpace(a.Email))
	a.CreatedAt = s.Now()
	if a.Availability == "" {
		a.Availability = "online"
	}
	if a.Capacity <= 0 {
		a.Capacity = 10
	}
	_, err := s.exec(ctx, `INSERT INTO agents (`+agentCols+`, capacity, languages, channel_types, locations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.WorkspaceID, a.Email, a.Name, string(a.Role), a.PasswordHash, a.Availability, a.Disabled, ms(a.CreatedAt),
		a.Capacity, jsonList(a.Languages), jsonList(a.ChannelTypes), jsonList(a.Locations))
	return a, s.mapErr("create agent", err)
}

// GetAgent returns an agent by id.
func (s *Store) GetAgent(ctx context.Context, id string) (model.Agent, error) {
	a, err := scanAgent(s.queryRow(ctx, agentSelect+` WHERE id = ?`, id))
	return a, s.mapErr("get agent", err)
}

// GetAgentByEmail returns an agent by (case-insensitive) email.
func (s *Store) GetAgentByEmail(ctx context.Context, email string) (model.Agent, error) {
	a, err := scanAgent(s.queryRow(ctx, agentSelect+` WHERE email = ?`, strings.ToLower(strings.TrimSpace(email))))
	return a, s.mapErr("get agent by email", err)
}

// ListAgents returns a workspace's agents by name.
func (s *Store) ListAgents(ctx context.Context, workspaceID string) ([]model.Agent, error) {
	rows, err := s.query(ctx, agentSelect+` WHERE workspace_id = ? ORDER BY name, email`, workspaceID)
	if err != nil {
		return nil, s.mapErr("list agents", err)
	}
	defer rows.Close()
	var out []model.Agent
	for rows.Next() {
		a, err := scanAgent(rows)
		if err != nil {
			return nil, s.mapErr("list agents", err)
		}
		out = append(out, a)
	}
	return out, s.mapErr("list agents", rows.Err())
}

// CountAgents counts all agents of the install (0 means first run).
func (s *Store) CountAgents(ctx context.Context) (int, error) {
	var n int
	err := s.queryRowW(ctx, `SELECT COUNT(*) FROM agents`).Scan(&n)
	return n, s.mapErr("count agents", err)
}

// UpdateAgent changes an agent's name, role, availability and disabled flag.
func (s *Store) UpdateAgent(ctx context.Context, a model.Agent) error {
	res, err := s.exec(ctx, `UPDATE agents SET name = ?, role = ?, availability = ?, disabled = ? WHERE id = ? AND workspace_id = ?`,
		a.Name, string(a.Role), a.Availability, a.Disabled, a.ID, a.WorkspaceID)
	if err != nil {
		return s.mapErr("update agent", err)
	}
	return mustAffect(res, "update agent")
}

// SetAgentPassword replaces an agent's password hash.
func (s *Store) SetAgentPassword(ctx context.Context, id, hash string) error {
	res, err := s.exec(ctx, `UPDATE agents SET password_hash = ? WHERE id = ?`, hash, id)
	if err != nil {
		return s.mapErr("set password", err)
	}
	return mustAffect(res, "set password")
}

func jsonList(v []string) string {
	if len(v) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// SetAvailability sets an agent's availability: online, away or offline.
func (s *Store) SetAvailability(ctx context.Context, agentID, availability string) error {
	res, err := s.exec(ctx, `UPDATE agents SET availability = ? WHERE id = ?`, availability, agentID)
	if err != nil {
		return s.mapErr("set availability", err)
	}
	return mustAffect(res, "set availability")
}

// SetAgentRouting sets an agent's capacity and skills.
func (s *Store) SetAgentRouting(ctx context.Context, a model.Agent) error {
	res, err := s.exec(ctx, `UPDATE agents SET capacity = ?, languages = ?, channel_types = ?, locations = ? WHERE id = ? AND workspace_id = ?`,
		a.Capacity, jsonList(a.Languages), jsonList(a.ChannelTypes), jsonList(a.Locations), a.ID, a.WorkspaceID)
	if err != nil {
		return s.mapErr("set agent routing", err)
	}
	return mustAffect(res, "set agent routing")
}

// TouchAgentAssigned records when an agent was last given a conversation.
func (s *Store) TouchAgentAssigned(ctx context.Context, agentID string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE agents SET last_assigned_at = ? WHERE id = ?`, ms(at), agentID)
	return s.mapErr("touch agent assigned", err)
}

// AgentLoads counts each agent's open conversations in a workspace.
func (s *Store) AgentLoads(ctx context.Context, workspaceID string) (map[string]int, error) {
	rows, err := s.query(ctx, `SELECT assignee_id, COUNT(*) FROM conversations WHERE workspace_id = ? AND status <> 'resolved' AND assignee_id IS NOT NULL GROUP BY assignee_id`, workspaceID)
	if err != nil {
		return nil, s.mapErr("agent loads", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, s.mapErr("agent loads", err)
		}
		out[id] = n
	}
	return out, s.mapErr("agent loads", rows.Err())
}
