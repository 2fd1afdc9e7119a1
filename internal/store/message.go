package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/heed-dev/heed/internal/model"
)

const msgSelect = `SELECT m.id, m.workspace_id, m.conversation_id, m.channel_id, m.direction, COALESCE(m.author_agent_id, ''), COALESCE(m.external_id, ''),
	m.in_reply_to, m.text, m.public, m.analysis, m.created_at, m.delivery_status, m.delivery_attempts, m.delivery_error, m.delivered_at,
	m.spam_verdict, m.holding, m.edited_at, m.deleted_at, m.hidden, COALESCE(a.name, ''), m.checks_passed
FROM messages m LEFT JOIN agents a ON a.id = m.author_agent_id`

func scanMessage(sc interface{ Scan(...any) error }) (model.Message, error) {
	var m model.Message
	var analysis string
	var created int64
	var delivered, edited, deleted sql.NullInt64
	var checks sql.NullBool
	err := sc.Scan(&m.ID, &m.WorkspaceID, &m.ConversationID, &m.ChannelID, &m.Direction, &m.AuthorAgentID, &m.ExternalID,
		&m.InReplyTo, &m.Text, &m.Public, &analysis, &created, &m.DeliveryStatus, &m.DeliveryAttempts, &m.DeliveryError, &delivered,
		&m.SpamVerdict, &m.Holding, &edited, &deleted, &m.Hidden, &m.AuthorName, &checks)
	if checks.Valid {
		m.ChecksPassed = &checks.Bool
	}
	m.EditedAt, m.DeletedAt = fromNullMs(edited), fromNullMs(deleted)
	if analysis != "" {
		m.Analysis = json.RawMessage(analysis)
	}
	m.CreatedAt, m.DeliveredAt = fromMs(created), fromNullMs(delivered)
	return m, err
}

// InsertMessage stores a message. A message whose external id is already
// stored on the channel is not inserted again: created is false.
func (s *Store) InsertMessage(ctx context.Context, m model.Message) (model.Message, bool, error) {
	m.ID = NewID()
	if m.CreatedAt.IsZero() {
		m.CreatedAt = s.Now()
	}
	res, err := s.exec(ctx, `INSERT INTO messages (id, workspace_id, conversation_id, channel_id, direction, author_agent_id, external_id, in_reply_to, text, public, analysis, created_at, delivery_status, holding, checks_passed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		m.ID, m.WorkspaceID, m.ConversationID, m.ChannelID, m.Direction, nullStr(m.AuthorAgentID), nullStr(m.ExternalID), m.InReplyTo,
		m.Text, m.Public, string(m.Analysis), ms(m.CreatedAt), m.DeliveryStatus, m.Holding, nullBool(m.ChecksPassed))
	if err != nil {
		return m, false, s.mapErr("insert message", err)
	}
	n, err := res.RowsAffected()
	return m, n == 1, s.mapErr("insert message", err)
}

// MessageExists reports whether a message with this external id is stored on the channel.
func (s *Store) MessageExists(ctx context.Context, channelID, externalID string) (bool, error) {
	var one int
	err := s.queryRow(ctx, `SELECT 1 FROM messages WHERE channel_id = ? AND external_id = ?`, channelID, externalID).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, s.mapErr("message exists", err)
}

// GetMessage returns a message by id.
func (s *Store) GetMessage(ctx context.Context, id string) (model.Message, error) {
	m, err := scanMessage(s.queryRow(ctx, msgSelect+` WHERE m.id = ?`, id))
	return m, s.mapErr("get message", err)
}

// ListMessages returns a conversation's messages, oldest first.
func (s *Store) ListMessages(ctx context.Context, conversationID string) ([]model.Message, error) {
	rows, err := s.query(ctx, msgSelect+` WHERE m.conversation_id = ? ORDER BY m.created_at, m.id`, conversationID)
	if err != nil {
		return nil, s.mapErr("list messages", err)
	}
	defer rows.Close()
	var out []model.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, s.mapErr("list messages", err)
		}
		out = append(out, m)
	}
	return out, s.mapErr("list messages", rows.Err())
}

// LastInboundExternalID returns the external id of the customer's latest
// message in a conversation, which replies point at ("" if none).
func (s *Store) LastInboundExternalID(ctx context.Context, conversationID string) (string, error) {
	var id sql.NullString
	err := s.queryRow(ctx, `SELECT external_id FROM messages WHERE conversation_id = ? AND direction = 'in' ORDER BY created_at DESC, id DESC LIMIT 1`, conversationID).Scan(&id)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return id.String, s.mapErr("last inbound", err)
}

// SetDelivery records the outcome of a delivery attempt.
func (s *Store) SetDelivery(ctx context.Context, id, status, errText string, attempts int, at *time.Time) error {
	_, err := s.exec(ctx, `UPDATE messages SET delivery_status = ?, delivery_error = ?, delivery_attempts = ?, delivered_at = ? WHERE id = ?`,
		status, errText, attempts, msPtr(at), id)
	return s.mapErr("set delivery", err)
}

// ListQueuedMessageIDs returns outbound messages still waiting for delivery
// that were created before the given time; the outbox reconciler re-enqueues them.
func (s *Store) ListQueuedMessageIDs(ctx context.Context, before time.Time, limit int) ([]string, error) {
	rows, err := s.query(ctx, `SELECT id FROM messages WHERE delivery_status = 'queued' AND created_at < ? ORDER BY id LIMIT ?`, ms(before), limit)
	if err != nil {
		return nil, s.mapErr("list queued messages", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.mapErr("list queued messages", err)
		}
		ids = append(ids, id)
	}
	return ids, s.mapErr("list queued messages", rows.Err())
}

// CountMessages counts a workspace's messages of one direction.
func (s *Store) CountMessages(ctx context.Context, workspaceID, direction string) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM messages WHERE workspace_id = ? AND direction = ?`, workspaceID, direction).Scan(&n)
	return n, s.mapErr("count messages", err)
}

// SetSpamVerdict records an agent's spam correction on a message.
func (s *Store) SetSpamVerdict(ctx context.Context, id, verdict string) error {
	res, err := s.exec(ctx, `UPDATE messages SET spam_verdict = ? WHERE id = ?`, verdict, id)
	if err != nil {
		return s.mapErr("set spam verdict", err)
	}
	return mustAffect(res, "set spam verdict")
}

// SetMessageAnalysis replaces a message's analysis JSON.
func (s *Store) SetMessageAnalysis(ctx context.Context, id string, analysis []byte) error {
	_, err := s.exec(ctx, `UPDATE messages SET analysis = ? WHERE id = ?`, string(analysis), id)
	return s.mapErr("set message analysis", err)
}

// SetMessageExternalID records the platform's id of a sent reply.
func (s *Store) SetMessageExternalID(ctx context.Context, id, externalID string) error {
	_, err := s.exec(ctx, `UPDATE messages SET external_id = ? WHERE id = ?`, externalID, id)
	return s.mapErr("set message external id", err)
}

// EditMessageUpstream replaces a message's text after an upstream edit.
func (s *Store) EditMessageUpstream(ctx context.Context, id, text string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE messages SET text = ?, edited_at = ? WHERE id = ?`, text, ms(at), id)
	return s.mapErr("edit message", err)
}

// DeleteMessageUpstream marks a message deleted upstream; the text is kept
// for the audit trail.
func (s *Store) DeleteMessageUpstream(ctx context.Context, id string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE messages SET deleted_at = ? WHERE id = ?`, ms(at), id)
	return s.mapErr("delete message", err)
}

// SetMessageHidden records that the brand hid (or unhid) a customer post.
func (s *Store) SetMessageHidden(ctx context.Context, id string, hidden bool) error {
	_, err := s.exec(ctx, `UPDATE messages SET hidden = ? WHERE id = ?`, hidden, id)
	return s.mapErr("set message hidden", err)
}

// LastInboundAt returns when the customer last wrote in a conversation.
func (s *Store) LastInboundAt(ctx context.Context, conversationID string) (time.Time, error) {
	var v sql.NullInt64
	err := s.queryRow(ctx, `SELECT MAX(created_at) FROM messages WHERE conversation_id = ? AND direction = 'in'`, conversationID).Scan(&v)
	if err != nil || !v.Valid {
		return time.Time{}, s.mapErr("last inbound", err)
	}
	return fromMs(v.Int64), nil
}

// RecentReply is an agent reply, for the composer's boilerplate check.
type RecentReply struct {
	Text, ConversationID, CustomerName string
}

// ListRecentReplies returns a workspace's latest public and private replies.
func (s *Store) ListRecentReplies(ctx context.Context, workspaceID string, limit int) ([]RecentReply, error) {
	rows, err := s.query(ctx, `SELECT m.text, m.conversation_id, cu.name FROM messages m
		JOIN conversations c ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id
		WHERE m.workspace_id = ? AND m.direction = 'out' ORDER BY m.created_at DESC LIMIT ?`, workspaceID, limit)
	if err != nil {
		return nil, s.mapErr("list recent replies", err)
	}
	defer rows.Close()
	var out []RecentReply
	for rows.Next() {
		var r RecentReply
		if err := rows.Scan(&r.Text, &r.ConversationID, &r.CustomerName); err != nil {
			return nil, s.mapErr("list recent replies", err)
		}
		out = append(out, r)
	}
	return out, s.mapErr("list recent replies", rows.Err())
}

// nullBool stores a *bool: nil as NULL.
func nullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
