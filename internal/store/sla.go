package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/model"
)

// SLAPolicy is a stored policy; Targets is the JSON of its three targets.
type SLAPolicy struct {
	ID                string
	WorkspaceID       string
	Name              string
	ChannelTypes      []string
	Targets           json.RawMessage
	BusinessHoursOnly bool
	Position          int
	CreatedAt         time.Time
}

// CreateSLAPolicy inserts a policy unless one of that name exists (created false).
func (s *Store) CreateSLAPolicy(ctx context.Context, p SLAPolicy) (SLAPolicy, bool, error) {
	p.ID, p.CreatedAt = NewID(), s.Now()
	types, _ := json.Marshal(p.ChannelTypes)
	res, err := s.exec(ctx, `INSERT INTO sla_policies (id, workspace_id, name, channel_types, targets, business_hours_only, position, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, name) DO NOTHING`,
		p.ID, p.WorkspaceID, p.Name, string(types), string(p.Targets), p.BusinessHoursOnly, p.Position, ms(p.CreatedAt))
	if err != nil {
		return p, false, s.mapErr("create sla policy", err)
	}
	n, _ := res.RowsAffected()
	return p, n == 1, nil
}

// UpdateSLAPolicy changes a policy's targets, channels and mode.
func (s *Store) UpdateSLAPolicy(ctx context.Context, p SLAPolicy) error {
	types, _ := json.Marshal(p.ChannelTypes)
	res, err := s.exec(ctx, `UPDATE sla_policies SET channel_types = ?, targets = ?, business_hours_only = ? WHERE id = ? AND workspace_id = ?`,
		string(types), string(p.Targets), p.BusinessHoursOnly, p.ID, p.WorkspaceID)
	if err != nil {
		return s.mapErr("update sla policy", err)
	}
	return mustAffect(res, "update sla policy")
}

// ListSLAPolicies returns a workspace's policies in order.
func (s *Store) ListSLAPolicies(ctx context.Context, workspaceID string) ([]SLAPolicy, error) {
	rows, err := s.query(ctx, `SELECT id, workspace_id, name, channel_types, targets, business_hours_only, position, created_at
		FROM sla_policies WHERE workspace_id = ? ORDER BY position, name`, workspaceID)
	if err != nil {
		return nil, s.mapErr("list sla policies", err)
	}
	defer rows.Close()
	var out []SLAPolicy
	for rows.Next() {
		var p SLAPolicy
		var types, targets string
		var created int64
		if err := rows.Scan(&p.ID, &p.WorkspaceID, &p.Name, &types, &targets, &p.BusinessHoursOnly, &p.Position, &created); err != nil {
			return nil, s.mapErr("list sla policies", err)
		}
		json.Unmarshal([]byte(types), &p.ChannelTypes)
		p.Targets, p.CreatedAt = json.RawMessage(targets), fromMs(created)
		out = append(out, p)
	}
	return out, s.mapErr("list sla policies", rows.Err())
}

// SLAState is what the SLA engine records on a conversation.
type SLAState struct {
	PolicyID            string
	FirstResponseWarnAt *time.Time
	FirstResponseDueAt  *time.Time
	NextResponseWarnAt  *time.Time
	NextResponseDueAt   *time.Time
	ResolutionWarnAt    *time.Time
	ResolutionDueAt     *time.Time
	NextCheckAt         *time.Time
	Breached            bool
}

// SetConversationSLA stores a conversation's SLA state.
func (s *Store) SetConversationSLA(ctx context.Context, id string, st SLAState) error {
	_, err := s.exec(ctx, `UPDATE conversations SET sla_policy_id = ?, first_response_warn_at = ?, first_response_due_at = ?,
		next_response_warn_at = ?, next_response_due_at = ?, resolution_warn_at = ?, resolution_due_at = ?, sla_next_check_at = ?, sla_breached = ?
		WHERE id = ?`, nullStr(st.PolicyID), msPtr(st.FirstResponseWarnAt), msPtr(st.FirstResponseDueAt), msPtr(st.NextResponseWarnAt),
		msPtr(st.NextResponseDueAt), msPtr(st.ResolutionWarnAt), msPtr(st.ResolutionDueAt), msPtr(st.NextCheckAt), st.Breached, id)
	return s.mapErr("set conversation sla", err)
}

// ClaimSLAChecks returns up to limit conversations whose SLA must be looked at
// by now, soonest first. Call it inside WithTx: on PostgreSQL the rows stay
// locked (and skipped by other nodes) until the transaction ends.
func (s *Store) ClaimSLAChecks(ctx context.Context, now time.Time, limit int) ([]string, error) {
	rows, err := s.query(ctx, `SELECT id FROM conversations WHERE sla_next_check_at <= ? ORDER BY sla_next_check_at LIMIT ?`+s.db.Dialect.SkipLocked(), ms(now), limit)
	if err != nil {
		return nil, s.mapErr("claim sla checks", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.mapErr("claim sla checks", err)
		}
		ids = append(ids, id)
	}
	return ids, s.mapErr("claim sla checks", rows.Err())
}

// InsertSLAFiring records that a threshold fired; false when it already had
// (on this node or another), so each threshold fires exactly once.
func (s *Store) InsertSLAFiring(ctx context.Context, conversationID, key, metric, level string, crossedAt time.Time) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO sla_firings (conversation_id, fire_key, metric, level, crossed_at, fired_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (conversation_id, fire_key) DO NOTHING`, conversationID, key, metric, level, ms(crossedAt), ms(s.Now()))
	if err != nil {
		return false, s.mapErr("insert sla firing", err)
	}
	n, err := res.RowsAffected()
	return n == 1, s.mapErr("insert sla firing", err)
}

// SLAFiring is a threshold that fired.
type SLAFiring struct {
	Key       string
	Metric    string
	Level     string
	CrossedAt time.Time
	FiredAt   time.Time
}

// ListSLAFirings returns a conversation's fired thresholds, oldest first.
func (s *Store) ListSLAFirings(ctx context.Context, conversationID string) ([]SLAFiring, error) {
	rows, err := s.query(ctx, `SELECT fire_key, metric, level, crossed_at, fired_at FROM sla_firings WHERE conversation_id = ? ORDER BY crossed_at, fire_key`, conversationID)
	if err != nil {
		return nil, s.mapErr("list sla firings", err)
	}
	defer rows.Close()
	var out []SLAFiring
	for rows.Next() {
		var f SLAFiring
		var crossed, fired int64
		if err := rows.Scan(&f.Key, &f.Metric, &f.Level, &crossed, &fired); err != nil {
			return nil, s.mapErr("list sla firings", err)
		}
		f.CrossedAt, f.FiredAt = fromMs(crossed), fromMs(fired)
		out = append(out, f)
	}
	return out, s.mapErr("list sla firings", rows.Err())
}

// CountSLAFirings counts fired thresholds of a workspace (tests, benchmarks).
func (s *Store) CountSLAFirings(ctx context.Context, workspaceID string) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM sla_firings f JOIN conversations c ON c.id = f.conversation_id WHERE c.workspace_id = ?`, workspaceID).Scan(&n)
	return n, s.mapErr("count sla firings", err)
}

// TimelineEntry is one event of a conversation's SLA timeline.
type TimelineEntry struct {
	Kind string // "in", "out", "holding", or "status:<status>"
	At   time.Time
}

// ListTimeline returns the messages (notes excluded) and status changes of a
// conversation in time order: what the SLA clocks replay.
func (s *Store) ListTimeline(ctx context.Context, conversationID string) ([]TimelineEntry, error) {
	rows, err := s.query(ctx, `SELECT kind, at FROM (
		SELECT CASE WHEN direction = 'in' THEN 'in' WHEN holding THEN 'holding' ELSE 'out' END AS kind, created_at AS at, id
			FROM messages WHERE conversation_id = ? AND direction <> 'note'
		UNION ALL
		SELECT 'status:' || data, created_at AS at, id FROM events WHERE conversation_id = ? AND kind = 'status'
	) t ORDER BY at, id`, conversationID, conversationID)
	if err != nil {
		return nil, s.mapErr("list timeline", err)
	}
	defer rows.Close()
	var out []TimelineEntry
	for rows.Next() {
		var e TimelineEntry
		var at int64
		if err := rows.Scan(&e.Kind, &at); err != nil {
			return nil, s.mapErr("list timeline", err)
		}
		e.At = fromMs(at)
		out = append(out, e)
	}
	return out, s.mapErr("list timeline", rows.Err())
}

// Notification is an in-app message to an agent.
type Notification struct {
	ID             string
	WorkspaceID    string
	AgentID        string
	ConversationID string
	Kind           string
	Message        string
	CreatedAt      time.Time
	ReadAt         *time.Time
}

// CreateNotification stores a notification.
func (s *Store) CreateNotification(ctx context.Context, n Notification) (Notification, error) {
	n.ID, n.CreatedAt = NewID(), s.Now()
	_, err := s.exec(ctx, `INSERT INTO notifications (id, workspace_id, agent_id, conversation_id, kind, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		n.ID, n.WorkspaceID, n.AgentID, nullStr(n.ConversationID), n.Kind, n.Message, ms(n.CreatedAt))
	return n, s.mapErr("create notification", err)
}

// ListNotifications returns an agent's newest notifications.
func (s *Store) ListNotifications(ctx context.Context, agentID string, limit int) ([]Notification, error) {
	rows, err := s.query(ctx, `SELECT id, workspace_id, agent_id, COALESCE(conversation_id, ''), kind, message, created_at, read_at
		FROM notifications WHERE agent_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, agentID, limit)
	if err != nil {
		return nil, s.mapErr("list notifications", err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var created int64
		var read sql.NullInt64
		if err := rows.Scan(&n.ID, &n.WorkspaceID, &n.AgentID, &n.ConversationID, &n.Kind, &n.Message, &created, &read); err != nil {
			return nil, s.mapErr("list notifications", err)
		}
		n.CreatedAt, n.ReadAt = fromMs(created), fromNullMs(read)
		out = append(out, n)
	}
	return out, s.mapErr("list notifications", rows.Err())
}

// ListAgentsByRole returns a workspace's enabled agents of at least a role.
func (s *Store) ListAgentsByRole(ctx context.Context, workspaceID string, min model.Role) ([]model.Agent, error) {
	all, err := s.ListAgents(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	var out []model.Agent
	for _, a := range all {
		if !a.Disabled && a.Role.AtLeast(min) {
			out = append(out, a)
		}
	}
	return out, nil
}

// Webhook is a workspace's outbound webhook subscription.
type Webhook struct {
	ID          string
	WorkspaceID string
	URL         string
	Secret      string
	Events      []string
	CreatedAt   time.Time
}

// CreateWebhook stores a subscription; its secret is sealed at rest.
func (s *Store) CreateWebhook(ctx context.Context, w Webhook) (Webhook, error) {
	w.ID, w.CreatedAt = NewID(), s.Now()
	ev, _ := json.Marshal(w.Events)
	_, err := s.exec(ctx, `INSERT INTO webhooks (id, workspace_id, url, secret, events, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		w.ID, w.WorkspaceID, w.URL, s.box.Seal(w.Secret), string(ev), ms(w.CreatedAt))
	return w, s.mapErr("create webhook", err)
}

// ListWebhooks returns a workspace's webhooks (secrets opened).
func (s *Store) ListWebhooks(ctx context.Context, workspaceID string) ([]Webhook, error) {
	rows, err := s.query(ctx, `SELECT id, workspace_id, url, secret, events, created_at FROM webhooks WHERE workspace_id = ? ORDER BY created_at`, workspaceID)
	if err != nil {
		return nil, s.mapErr("list webhooks", err)
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		var w Webhook
		var sealed, ev string
		var created int64
		if err := rows.Scan(&w.ID, &w.WorkspaceID, &w.URL, &sealed, &ev, &created); err != nil {
			return nil, s.mapErr("list webhooks", err)
		}
		if w.Secret, err = s.box.Open(sealed); err != nil {
			return nil, s.mapErr("list webhooks", err)
		}
		json.Unmarshal([]byte(ev), &w.Events)
		w.CreatedAt = fromMs(created)
		out = append(out, w)
	}
	return out, s.mapErr("list webhooks", rows.Err())
}

// GetWebhook returns one webhook.
func (s *Store) GetWebhook(ctx context.Context, id string) (Webhook, error) {
	var w Webhook
	var sealed, ev string
	var created int64
	err := s.queryRow(ctx, `SELECT id, workspace_id, url, secret, events, created_at FROM webhooks WHERE id = ?`, id).
		Scan(&w.ID, &w.WorkspaceID, &w.URL, &sealed, &ev, &created)
	if err != nil {
		return w, s.mapErr("get webhook", err)
	}
	if w.Secret, err = s.box.Open(sealed); err != nil {
		return w, s.mapErr("get webhook", err)
	}
	json.Unmarshal([]byte(ev), &w.Events)
	w.CreatedAt = fromMs(created)
	return w, nil
}

// ListBreaches returns the breach firings of several conversations at once,
// keyed by conversation id.
func (s *Store) ListBreaches(ctx context.Context, conversationIDs []string) (map[string][]SLAFiring, error) {
	out := map[string][]SLAFiring{}
	if len(conversationIDs) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(conversationIDs))
	marks := make([]string, 0, len(conversationIDs))
	for _, id := range conversationIDs {
		args = append(args, id)
		marks = append(marks, "?")
	}
	rows, err := s.query(ctx, `SELECT conversation_id, fire_key, metric, level, crossed_at, fired_at FROM sla_firings
		WHERE level = 'breach' AND conversation_id IN (`+strings.Join(marks, ", ")+`) ORDER BY crossed_at, fire_key`, args...)
	if err != nil {
		return nil, s.mapErr("list breaches", err)
	}
	defer rows.Close()
	for rows.Next() {
		var conv string
		var f SLAFiring
		var crossed, fired int64
		if err := rows.Scan(&conv, &f.Key, &f.Metric, &f.Level, &crossed, &fired); err != nil {
			return nil, s.mapErr("list breaches", err)
		}
		f.CrossedAt, f.FiredAt = fromMs(crossed), fromMs(fired)
		out[conv] = append(out[conv], f)
	}
	return out, s.mapErr("list breaches", rows.Err())
}

// NextSLACheckAt returns the earliest pending SLA check (zero time if none).
func (s *Store) NextSLACheckAt(ctx context.Context) (time.Time, error) {
	var v sql.NullInt64
	err := s.queryRow(ctx, `SELECT MIN(sla_next_check_at) FROM conversations WHERE sla_next_check_at IS NOT NULL`).Scan(&v)
	if err != nil || !v.Valid {
		return time.Time{}, s.mapErr("next sla check", err)
	}
	return fromMs(v.Int64), nil
}
