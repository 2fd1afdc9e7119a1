package store

import (
	"context"
	"database/sql"
	"strings"
)

// ReportMessage is one customer message or reply of a reported conversation,
// as the report pages' detail figures (volume out, next response, sentiment
// change, the reply scorecard) need it. Times are unix ms.
type ReportMessage struct {
	ConversationID string
	ChannelType    string
	CustomerName   string
	Direction      string // in or out (internal notes are never streamed)
	Holding        bool
	Public         bool
	Text           string // substantive replies only ("" for the others)
	AuthorAgent    string // the agent's name, "" for customers and imported replies
	Analysis       string // the analysis JSON of a customer message, "" when not analysed and for replies
	CreatedAt      int64
	// ChecksPassed: a reply had no warning from the composer's checks when
	// sent; NULL when it was not checked (customer messages, imported or
	// older replies, no composer configured; internal/inbox/NOTES.md).
	ChecksPassed sql.NullBool
}

// StreamReportMessages calls fn for each inbound and outbound message of the
// conversations the filter selects, grouped by conversation (conversations
// oldest first, as StreamReportRows) and oldest first within one. An error
// from fn stops the stream and is returned.
func (s *Store) StreamReportMessages(ctx context.Context, f ReportFilter, fn func(*ReportMessage) error) error {
	conds, args := s.reportFilterWhere(f)
	where := strings.Join(conds, " AND ")
	// Only substantive replies' text and customer messages' analysis are
	// read by reports: the rest is not sent over.
	rows, err := s.query(ctx, `SELECT m.conversation_id, ch.type, COALESCE(cu.name, ''), m.direction, m.holding, m.public,
		CASE WHEN m.direction = 'out' AND NOT m.holding THEN m.text ELSE '' END,
		COALESCE(a.name, ''), CASE WHEN m.direction = 'in' THEN m.analysis ELSE '' END, m.created_at, m.checks_passed
		FROM conversations c
		JOIN channels ch ON ch.id = c.channel_id
		JOIN messages m ON m.conversation_id = c.id AND m.direction IN ('in', 'out')
		LEFT JOIN customers cu ON cu.id = c.customer_id
		LEFT JOIN agents a ON a.id = m.author_agent_id
		WHERE `+where+` ORDER BY c.created_at, c.id, m.created_at, m.id`, args...)
	if err != nil {
		return s.mapErr("report messages", err)
	}
	defer rows.Close()
	var m ReportMessage
	for rows.Next() {
		if err := rows.Scan(&m.ConversationID, &m.ChannelType, &m.CustomerName, &m.Direction, &m.Holding, &m.Public, &m.Text,
			&m.AuthorAgent, &m.Analysis, &m.CreatedAt, &m.ChecksPassed); err != nil {
			return s.mapErr("report messages", err)
		}
		if err := fn(&m); err != nil {
			return err
		}
	}
	return s.mapErr("report messages", rows.Err())
}
