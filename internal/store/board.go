package store

import (
	"context"
	"time"
)

// Board is the live state of a workspace's work.
type Board struct {
	Open, Unassigned, Waiting, BreachingSoon, Breached int
	Agents                                             []BoardAgent
	Teams                                              []BoardTeam
}

// BoardAgent is an agent's live load.
type BoardAgent struct {
	ID, Name, Availability string
	Open, Capacity         int
}

// BoardTeam is a team's live queue.
type BoardTeam struct {
	ID, Name         string
	Open, Unassigned int
}

// LiveBoard counts open work now: unassigned, waiting on customers, about to
// breach (a response deadline within soon) and breached.
func (s *Store) LiveBoard(ctx context.Context, workspaceID string, now time.Time, soon time.Duration) (Board, error) {
	var b Board
	err := s.queryRow(ctx, `SELECT
		COUNT(*),
		COALESCE(SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'waiting' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN NOT sla_breached AND (first_response_due_at <= ? OR next_response_due_at <= ?) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN sla_breached THEN 1 ELSE 0 END), 0)
		FROM conversations WHERE workspace_id = ? AND status <> 'resolved' AND spam = ?`,
		ms(now.Add(soon)), ms(now.Add(soon)), workspaceID, false).Scan(&b.Open, &b.Unassigned, &b.Waiting, &b.BreachingSoon, &b.Breached)
	if err != nil {
		return b, s.mapErr("live board", err)
	}
	agents, err := s.ListAgents(ctx, workspaceID)
	if err != nil {
		return b, err
	}
	loads, err := s.AgentLoads(ctx, workspaceID)
	if err != nil {
		return b, err
	}
	for _, a := range agents {
		if !a.Disabled {
			b.Agents = append(b.Agents, BoardAgent{ID: a.ID, Name: a.Name, Availability: a.Availability, Open: loads[a.ID], Capacity: a.Capacity})
		}
	}
	rows, err := s.query(ctx, `SELECT t.id, t.name,
		COALESCE(SUM(CASE WHEN c.id IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.id IS NOT NULL AND c.assignee_id IS NULL THEN 1 ELSE 0 END), 0)
		FROM teams t LEFT JOIN conversations c ON c.team_id = t.id AND c.status <> 'resolved' AND c.spam = ?
		WHERE t.workspace_id = ? GROUP BY t.id, t.name ORDER BY t.name`, false, workspaceID)
	if err != nil {
		return b, s.mapErr("live board teams", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t BoardTeam
		if err := rows.Scan(&t.ID, &t.Name, &t.Open, &t.Unassigned); err != nil {
			return b, s.mapErr("live board teams", err)
		}
		b.Teams = append(b.Teams, t)
	}
	return b, s.mapErr("live board teams", rows.Err())
}
