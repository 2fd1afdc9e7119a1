package store

import (
	"context"

	"github.com/heed-dev/heed/internal/model"
)

// CreateTeam inserts a team with its members.
func (s *Store) CreateTeam(ctx context.Context, t model.Team) (model.Team, error) {
	t.ID = NewID()
	t.CreatedAt = s.Now()
	err := s.WithTx(ctx, func(tx *Store) error {
		if _, err := tx.exec(ctx, `INSERT INTO teams (id, workspace_id, name, created_at) VALUES (?, ?, ?, ?)`, t.ID, t.WorkspaceID, t.Name, ms(t.CreatedAt)); err != nil {
			return tx.mapErr("create team", err)
		}
		return tx.setTeamMembers(ctx, t.ID, t.MemberIDs)
	})
	return t, err
}

// SetTeamMembers replaces a team's members.
func (s *Store) SetTeamMembers(ctx context.Context, teamID string, agentIDs []string) error {
	return s.WithTx(ctx, func(tx *Store) error { return tx.setTeamMembers(ctx, teamID, agentIDs) })
}

func (s *Store) setTeamMembers(ctx context.Context, teamID string, agentIDs []string) error {
	if _, err := s.exec(ctx, `DELETE FROM team_members WHERE team_id = ?`, teamID); err != nil {
		return s.mapErr("set team members", err)
	}
	for _, a := range agentIDs {
		if _, err := s.exec(ctx, `INSERT INTO team_members (team_id, agent_id) VALUES (?, ?)`, teamID, a); err != nil {
			return s.mapErr("add team member", err)
		}
	}
	return nil
}

// GetTeam returns a team with its member ids.
func (s *Store) GetTeam(ctx context.Context, id string) (model.Team, error) {
	var t model.Team
	var created int64
	err := s.queryRow(ctx, `SELECT id, workspace_id, name, created_at FROM teams WHERE id = ?`, id).Scan(&t.ID, &t.WorkspaceID, &t.Name, &created)
	if err != nil {
		return t, s.mapErr("get team", err)
	}
	t.CreatedAt = fromMs(created)
	t.MemberIDs, err = s.teamMembers(ctx, id)
	return t, err
}

func (s *Store) teamMembers(ctx context.Context, teamID string) ([]string, error) {
	rows, err := s.query(ctx, `SELECT agent_id FROM team_members WHERE team_id = ? ORDER BY agent_id`, teamID)
	if err != nil {
		return nil, s.mapErr("team members", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.mapErr("team members", err)
		}
		ids = append(ids, id)
	}
	return ids, s.mapErr("team members", rows.Err())
}

// ListTeams returns a workspace's teams with their members.
func (s *Store) ListTeams(ctx context.Context, workspaceID string) ([]model.Team, error) {
	rows, err := s.query(ctx, `SELECT id, workspace_id, name, created_at FROM teams WHERE workspace_id = ? ORDER BY name`, workspaceID)
	if err != nil {
		return nil, s.mapErr("list teams", err)
	}
	var out []model.Team
	for rows.Next() {
		var t model.Team
		var created int64
		if err := rows.Scan(&t.ID, &t.WorkspaceID, &t.Name, &created); err != nil {
			rows.Close()
			return nil, s.mapErr("list teams", err)
		}
		t.CreatedAt = fromMs(created)
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.mapErr("list teams", err)
	}
	for i := range out {
		if out[i].MemberIDs, err = s.teamMembers(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
