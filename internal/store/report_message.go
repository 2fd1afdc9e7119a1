package store

import (
	"context"
	"database/sql"
)

// ReportMessage is one customer message or reply of a reported conversation,
// as the report pages' detail figures (volume out, next response, sentiment
// change, the reply scorecard) need it. Times are unix ms.
type ReportMessage struct {
	ConversationID string
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

// reportMessageChunk is how many conversations one messages query names.
const reportMessageChunk = 1000

// StreamReportMessages calls fn for each inbound and outbound message of the
// conversations named, grouped by conversation and oldest first within one.
// An error from fn stops the stream and is returned.
//
// The conversations are named by id (from StreamReportRows) rather than
// selected again by range in a join: PostgreSQL planned that join with a scan
// of every message when the statistics of a freshly imported messages table
// were missing (130 ms for one hour of conversations at 300k, 400 ms at 1M),
// while an id lookup uses messages_conversation whatever the statistics.
func (s *Store) StreamReportMessages(ctx context.Context, conversationIDs []string, fn func(*ReportMessage) error) error {
	for len(conversationIDs) > 0 {
		part := conversationIDs[:min(reportMessageChunk, len(conversationIDs))]
		conversationIDs = conversationIDs[len(part):]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		// Only substantive replies' text and customer messages' analysis are
		// read by reports: the rest is not sent over.
		if err := s.streamReportMessages(ctx, `SELECT m.conversation_id, m.direction, m.holding, m.public,
			CASE WHEN m.direction = 'out' AND NOT m.holding THEN m.text ELSE '' END,
			COALESCE(a.name, ''), CASE WHEN m.direction = 'in' THEN m.analysis ELSE '' END, m.created_at, m.checks_passed
			FROM messages m
			LEFT JOIN agents a ON a.id = m.author_agent_id
			WHERE m.conversation_id IN (`+placeholders(len(part))+`) AND m.direction IN ('in', 'out')
			ORDER BY m.conversation_id, m.created_at, m.id`, args, fn); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) streamReportMessages(ctx context.Context, q string, args []any, fn func(*ReportMessage) error) error {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return s.mapErr("report messages", err)
	}
	defer rows.Close()
	var m ReportMessage
	for rows.Next() {
		if err := rows.Scan(&m.ConversationID, &m.Direction, &m.Holding, &m.Public, &m.Text,
			&m.AuthorAgent, &m.Analysis, &m.CreatedAt, &m.ChecksPassed); err != nil {
			return s.mapErr("report messages", err)
		}
		if err := fn(&m); err != nil {
			return err
		}
	}
	return s.mapErr("report messages", rows.Err())
}
