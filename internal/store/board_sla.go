package store

import (
	"context"
	"time"
)

// BoardSLA is the SLA pressure of one queue (team) or agent on the live
// board: open conversations whose response deadline passes within soon, and
// those already breached.
type BoardSLA struct {
	BreachingSoon, Breached int
}

// LiveBoardSLA splits the live board's "breaching soon" and "breached" counts
// per team and per assignee (keys are ids; "" collects the conversations
// without a team or assignee), with the same rules as LiveBoard.
func (s *Store) LiveBoardSLA(ctx context.Context, workspaceID string, now time.Time, soon time.Duration) (teams, agents map[string]BoardSLA, err error) {
	rows, err := s.query(ctx, `SELECT COALESCE(team_id, ''), COALESCE(assignee_id, ''),
		COALESCE(SUM(CASE WHEN NOT sla_breached AND (first_response_due_at <= ? OR next_response_due_at <= ?) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN sla_breached THEN 1 ELSE 0 END), 0)
		FROM conversations WHERE workspace_id = ? AND status <> 'resolved' AND spam = ?
		AND (sla_breached OR first_response_due_at <= ? OR next_response_due_at <= ?)
		GROUP BY team_id, assignee_id`,
		ms(now.Add(soon)), ms(now.Add(soon)), workspaceID, false, ms(now.Add(soon)), ms(now.Add(soon)))
	if err != nil {
		return nil, nil, s.mapErr("live board sla", err)
	}
	defer rows.Close()
	teams, agents = map[string]BoardSLA{}, map[string]BoardSLA{}
	for rows.Next() {
		var team, agent string
		var c BoardSLA
		if err := rows.Scan(&team, &agent, &c.BreachingSoon, &c.Breached); err != nil {
			return nil, nil, s.mapErr("live board sla", err)
		}
		t, a := teams[team], agents[agent]
		t.BreachingSoon, t.Breached = t.BreachingSoon+c.BreachingSoon, t.Breached+c.Breached
		a.BreachingSoon, a.Breached = a.BreachingSoon+c.BreachingSoon, a.Breached+c.Breached
		teams[team], agents[agent] = t, a
	}
	return teams, agents, s.mapErr("live board sla", rows.Err())
}
