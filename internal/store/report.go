package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/db"
)

// ReportFilter selects the conversations a report covers: those of a
// workspace that started (created_at, the first inbound message) in
// [From, To).
type ReportFilter struct {
	WorkspaceID string
	From, To    time.Time
	ChannelType string // "" for every type
	Account     string // a channel name; "" for every channel
	Public      *bool  // nil for both
	Tag         string // a tag the conversation carries (conversations.tags); "" for any
}

// ReportRow is one conversation as reports see it. Times are unix ms.
type ReportRow struct {
	ID          string
	Account     string // channel name
	ChannelType string
	ThreadID    string
	Public      bool
	Status      string
	CreatedAt   int64
	// The first substantive (not holding) reply, as recorded on the
	// conversation, and that reply's visibility and agent ("" when no agent
	// wrote it, as with imported history).
	FirstResponseAt  sql.NullInt64
	FirstReplyPublic bool
	FirstReplier     string
	AcknowledgedAt   sql.NullInt64
	ResolvedAt       sql.NullInt64
	Assignee         string
	Team             string
	NeedsResponse    bool
	Spam             bool
	HasSLAPolicy     bool
	SLABreached      bool
	Sentiment        sql.NullFloat64
	ChannelID        string
	Customer         string // the customer's name, "" when unknown
	RedirectReason   string // why the conversation was taken private (inbox.RedirectReasons), "" when not given
}

// The first reply's visibility and agent are kept on the conversation
// (first_reply_public, first_replier_id) by triggers of migration 0016, so
// the report reads one row per conversation and no messages.
const reportSelect = `SELECT c.id, ch.name, ch.type, c.thread_id, c.public, c.status, c.created_at,
	c.first_response_at, c.first_reply_public, COALESCE(fa.name, ''), c.acknowledged_at, c.resolved_at,
	COALESCE(a.name, ''), COALESCE(t.name, ''), c.needs_response, c.spam, c.sla_policy_id IS NOT NULL, c.sla_breached, c.sentiment_score, c.channel_id, COALESCE(cu.name, ''), c.redirect_reason
FROM conversations c
JOIN channels ch ON ch.id = c.channel_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN agents a ON a.id = c.assignee_id
LEFT JOIN teams t ON t.id = c.team_id
LEFT JOIN agents fa ON fa.id = c.first_replier_id`

// reportFilterWhere returns the conditions and arguments of a filter, over
// conversations c and channels ch: every report query selects the same
// conversations through it.
func (s *Store) reportFilterWhere(f ReportFilter) ([]string, []any) {
	where := []string{"c.workspace_id = ?", "c.created_at >= ?", "c.created_at < ?"}
	args := []any{f.WorkspaceID, ms(f.From), ms(f.To)}
	if f.ChannelType != "" {
		where, args = append(where, "ch.type = ?"), append(args, f.ChannelType)
	}
	if f.Account != "" {
		where, args = append(where, "ch.name = ?"), append(args, f.Account)
	}
	if f.Public != nil {
		where, args = append(where, "c.public = ?"), append(args, *f.Public)
	}
	if f.Tag != "" {
		// tags is a JSON array of strings: the quoted tag is one whole
		// element, matched case-sensitively on both engines.
		quoted, _ := json.Marshal(f.Tag)
		find := "instr(c.tags, ?) > 0"
		if s.db.Engine == db.Postgres {
			find = "strpos(c.tags, ?) > 0"
		}
		where, args = append(where, find), append(args, string(quoted))
	}
	return where, args
}

// CountReportConversations counts the conversations the filter selects, up
// to limit: a report asks whether a range is small enough to compute exactly
// without counting all of a large one.
func (s *Store) CountReportConversations(ctx context.Context, f ReportFilter, limit int) (int, error) {
	where, args := s.reportFilterWhere(f)
	join := ""
	if f.ChannelType != "" || f.Account != "" {
		join = " JOIN channels ch ON ch.id = c.channel_id"
	}
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM conversations c`+join+` WHERE `+
		strings.Join(where, " AND ")+` LIMIT ?) r`, append(args, limit)...).Scan(&n)
	return n, s.mapErr("count report conversations", err)
}

// StreamReportRowsByID calls fn for each of the conversations named (any
// order), as StreamReportRows sees them: the roll-up summary names the group
// of the few conversations it needs one by one (surveys).
func (s *Store) StreamReportRowsByID(ctx context.Context, workspaceID string, ids []string, fn func(*ReportRow) error) error {
	return chunks(ids, 1, func(part []string) error {
		args := []any{workspaceID}
		for _, id := range part {
			args = append(args, id)
		}
		return s.streamReportRows(ctx, reportSelect+" WHERE c.workspace_id = ? AND c.id IN ("+placeholders(len(part))+")", args, fn)
	})
}

// StreamReportRows calls fn for each conversation the filter selects, oldest
// first, without holding them all in memory. An error from fn stops the
// stream and is returned.
func (s *Store) StreamReportRows(ctx context.Context, f ReportFilter, fn func(*ReportRow) error) error {
	where, args := s.reportFilterWhere(f)
	return s.streamReportRows(ctx, reportSelect+" WHERE "+strings.Join(where, " AND ")+" ORDER BY c.created_at, c.id", args, fn)
}

func (s *Store) streamReportRows(ctx context.Context, q string, args []any, fn func(*ReportRow) error) error {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return s.mapErr("report rows", err)
	}
	defer rows.Close()
	var r ReportRow
	for rows.Next() {
		if err := rows.Scan(&r.ID, &r.Account, &r.ChannelType, &r.ThreadID, &r.Public, &r.Status, &r.CreatedAt,
			&r.FirstResponseAt, &r.FirstReplyPublic, &r.FirstReplier, &r.AcknowledgedAt, &r.ResolvedAt,
			&r.Assignee, &r.Team, &r.NeedsResponse, &r.Spam, &r.HasSLAPolicy, &r.SLABreached, &r.Sentiment, &r.ChannelID, &r.Customer, &r.RedirectReason); err != nil {
			return s.mapErr("report rows", err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return s.mapErr("report rows", rows.Err())
}
