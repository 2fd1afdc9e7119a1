package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/model"
)

const convSelect = `SELECT c.id, c.workspace_id, c.channel_id, c.customer_id, c.identity_id, c.thread_id, c.public, c.status, c.priority,
	COALESCE(c.assignee_id, ''), COALESCE(c.team_id, ''), c.preview, c.created_at, c.last_message_at, c.waiting_since,
	c.first_response_at, c.first_response_seconds, c.resolved_at, c.resolution_seconds,
	COALESCE(c.sla_policy_id, ''), c.first_response_warn_at, c.first_response_due_at, c.next_response_warn_at, c.next_response_due_at,
	c.resolution_warn_at, c.resolution_due_at, c.acknowledged_at, c.acknowledged_seconds, c.sla_next_check_at, c.sla_breached,
	COALESCE(c.sla_policy_override, ''), c.tags, c.escalated, c.virality, COALESCE(c.reply_channel_id, ''),
	c.language, c.sentiment_score, c.sentiment_label, c.intent, c.spam, c.personal_data, c.needs_response, c.redirect_reason,
	cu.name, i.handle, ch.name, ch.type, COALESCE(a.name, ''), COALESCE(t.name, '')
FROM conversations c
JOIN customers cu ON cu.id = c.customer_id
JOIN identities i ON i.id = c.identity_id
JOIN channels ch ON ch.id = c.channel_id
LEFT JOIN agents a ON a.id = c.assignee_id
LEFT JOIN teams t ON t.id = c.team_id`

func scanConversation(sc interface{ Scan(...any) error }) (model.Conversation, error) {
	var c model.Conversation
	var created, last int64
	var waiting, frAt, frSec, resAt, resSec sql.NullInt64
	var score sql.NullFloat64
	var frWarn, frDue, nrWarn, nrDue, resWarn, resDue, ackAt, ackSec, nextCheck sql.NullInt64
	var tags string
	err := sc.Scan(&c.ID, &c.WorkspaceID, &c.ChannelID, &c.CustomerID, &c.IdentityID, &c.ThreadID, &c.Public, &c.Status, &c.Priority,
		&c.AssigneeID, &c.TeamID, &c.Preview, &created, &last, &waiting, &frAt, &frSec, &resAt, &resSec,
		&c.SLAPolicyID, &frWarn, &frDue, &nrWarn, &nrDue, &resWarn, &resDue, &ackAt, &ackSec, &nextCheck, &c.SLABreached,
		&c.SLAPolicyOverride, &tags, &c.Escalated, &c.Virality, &c.ReplyChannelID,
		&c.Language, &score, &c.SentimentLabel, &c.Intent, &c.Spam, &c.PersonalData, &c.NeedsResponse, &c.RedirectReason,
		&c.CustomerName, &c.CustomerHandle, &c.ChannelName, &c.ChannelType, &c.AssigneeName, &c.TeamName)
	c.CreatedAt, c.LastMessageAt, c.WaitingSince = fromMs(created), fromMs(last), fromNullMs(waiting)
	c.FirstResponseAt, c.FirstResponseSeconds = fromNullMs(frAt), fromNullInt(frSec)
	c.ResolvedAt, c.ResolutionSeconds = fromNullMs(resAt), fromNullInt(resSec)
	c.FirstResponseWarnAt, c.FirstResponseDueAt = fromNullMs(frWarn), fromNullMs(frDue)
	c.NextResponseWarnAt, c.NextResponseDueAt = fromNullMs(nrWarn), fromNullMs(nrDue)
	c.ResolutionWarnAt, c.ResolutionDueAt = fromNullMs(resWarn), fromNullMs(resDue)
	c.AcknowledgedAt, c.AcknowledgedSeconds, c.SLANextCheckAt = fromNullMs(ackAt), fromNullInt(ackSec), fromNullMs(nextCheck)
	json.Unmarshal([]byte(tags), &c.Tags)
	if score.Valid {
		v := score.Float64
		c.SentimentScore = &v
	}
	return c, err
}

// ThreadConversation finds the conversation of a thread on a channel or starts
// it. created tells which. Safe against concurrent creation on several nodes.
func (s *Store) ThreadConversation(ctx context.Context, c model.Conversation) (conv model.Conversation, created bool, err error) {
	if existing, err := s.conversationByThread(ctx, c.ChannelID, c.ThreadID); err == nil {
		return existing, false, nil
	}
	c.ID = NewID()
	if c.Status == "" {
		c.Status = model.StatusNew
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.Now()
	}
	if c.LastMessageAt.IsZero() {
		c.LastMessageAt = c.CreatedAt
	}
	res, err := s.exec(ctx, `INSERT INTO conversations (id, workspace_id, channel_id, customer_id, identity_id, thread_id, public, status, priority, preview, created_at, last_message_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id, thread_id) DO NOTHING`,
		c.ID, c.WorkspaceID, c.ChannelID, c.CustomerID, c.IdentityID, c.ThreadID, c.Public, c.Status, c.Priority, c.Preview, ms(c.CreatedAt), ms(c.LastMessageAt))
	if err != nil {
		return c, false, s.mapErr("create conversation", err)
	}
	n, _ := res.RowsAffected()
	conv, err = s.conversationByThread(ctx, c.ChannelID, c.ThreadID)
	return conv, n == 1, err
}

func (s *Store) conversationByThread(ctx context.Context, channelID, threadID string) (model.Conversation, error) {
	c, err := scanConversation(s.queryRow(ctx, convSelect+` WHERE c.channel_id = ? AND c.thread_id = ?`, channelID, threadID))
	return c, s.mapErr("get conversation by thread", err)
}

// GetConversation returns a conversation of a workspace by id.
func (s *Store) GetConversation(ctx context.Context, workspaceID, id string) (model.Conversation, error) {
	c, err := scanConversation(s.queryRow(ctx, convSelect+` WHERE c.id = ? AND c.workspace_id = ?`, id, workspaceID))
	return c, s.mapErr("get conversation", err)
}

// Inbox views.
const (
	ViewAll        = "all"
	ViewOpen       = "open"
	ViewMine       = "mine"
	ViewUnassigned = "unassigned"
	ViewResolved   = "resolved"
	ViewSpam       = "spam"
	ViewQueue      = "queue" // open, unassigned, most urgent first, then oldest
)

// ConversationFilter selects conversations for an inbox view, newest activity
// first, with keyset paging.
type ConversationFilter struct {
	WorkspaceID   string
	View          string // one of the View constants; "" means all
	AgentID       string // the viewer, for ViewMine
	Status        string // one status, or "open" for every status but resolved
	ChannelID     string
	AssigneeID    string
	TeamID        string
	Query         string // text contained in customer name, handle or any message
	Sentiment     string // positive, neutral or negative
	Intent        string // an intent, or "request" for every request_* intent
	Spam          string // "true" or "false"; open views hide spam unless asked
	PersonalData  string // "true" or "false"
	NeedsResponse string // "true" or "false"
	Cursor        string
	Limit         int
}

// ErrBadCursor is returned for a cursor this store did not make.
var ErrBadCursor = fmt.Errorf("bad cursor")

func encodeCursor(c model.Conversation) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(ms(c.LastMessageAt), 10) + ":" + c.ID))
}

func decodeCursor(s string) (int64, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, "", ErrBadCursor
	}
	ts, id, ok := strings.Cut(string(raw), ":")
	if !ok {
		return 0, "", ErrBadCursor
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return 0, "", ErrBadCursor
	}
	return n, id, nil
}

// ListConversations returns one page of conversations and the cursor of the
// next page ("" when this is the last).
func (s *Store) ListConversations(ctx context.Context, f ConversationFilter) ([]model.Conversation, string, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var where []string
	args := []any{}
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	add("c.workspace_id = ?", f.WorkspaceID)
	switch f.View {
	case ViewOpen:
		add("c.status <> 'resolved'")
	case ViewMine:
		add("c.status <> 'resolved'")
		add("c.assignee_id = ?", f.AgentID)
	case ViewUnassigned:
		add("c.status <> 'resolved'")
		add("c.assignee_id IS NULL")
		add("c.team_id IS NULL")
	case ViewResolved:
		add("c.status = 'resolved'")
	case ViewSpam:
		add("c.spam = ?", true)
	case ViewQueue:
		add("c.status <> 'resolved'")
		add("c.assignee_id IS NULL")
	}
	// Spam stays out of the working views unless asked for.
	if f.Spam == "" && (f.View == ViewOpen || f.View == ViewMine || f.View == ViewUnassigned || f.View == ViewQueue) {
		add("c.spam = ?", false)
	}
	boolFilter := func(col, v string) {
		switch v {
		case "true":
			add(col+" = ?", true)
		case "false":
			add(col+" = ?", false)
		}
	}
	boolFilter("c.spam", f.Spam)
	boolFilter("c.personal_data", f.PersonalData)
	boolFilter("c.needs_response", f.NeedsResponse)
	if f.Sentiment != "" {
		add("c.sentiment_label = ?", f.Sentiment)
	}
	switch {
	case f.Intent == "request":
		add("c.intent LIKE 'request%'")
	case f.Intent != "":
		add("c.intent = ?", f.Intent)
	}
	switch {
	case f.Status == "open":
		add("c.status <> 'resolved'")
	case f.Status != "":
		add("c.status = ?", f.Status)
	}
	if f.ChannelID != "" {
		add("c.channel_id = ?", f.ChannelID)
	}
	if f.AssigneeID != "" {
		add("c.assignee_id = ?", f.AssigneeID)
	}
	if f.TeamID != "" {
		add("c.team_id = ?", f.TeamID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + db.EscapeLike(q) + "%"
		d := s.db.Dialect
		add("("+d.ContainsFold("cu.name")+" OR "+d.ContainsFold("i.handle")+" OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND "+d.ContainsFold("m.text")+"))",
			like, like, like)
	}
	order := " ORDER BY c.last_message_at DESC, c.id DESC LIMIT ?"
	if f.View == ViewQueue {
		// The queue is worked from the top; it is one page, not paged.
		f.Cursor = ""
		order = " ORDER BY c.priority DESC, c.created_at, c.id LIMIT ?"
	}
	if f.Cursor != "" {
		ts, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		add("(c.last_message_at < ? OR (c.last_message_at = ? AND c.id < ?))", ts, ts, id)
	}
	q := convSelect + " WHERE " + strings.Join(where, " AND ") + order
	args = append(args, f.Limit+1)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, "", s.mapErr("list conversations", err)
	}
	defer rows.Close()
	var out []model.Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, "", s.mapErr("list conversations", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.mapErr("list conversations", err)
	}
	next := ""
	if len(out) > f.Limit && f.View == ViewQueue {
		out = out[:f.Limit]
	} else if len(out) > f.Limit {
		out = out[:f.Limit]
		next = encodeCursor(out[len(out)-1])
	}
	return out, next, nil
}

// TouchConversationInbound records a customer message: activity time and
// preview move forward, and a resolved or waiting conversation reopens.
func (s *Store) TouchConversationInbound(ctx context.Context, id string, at time.Time, preview string) error {
	_, err := s.exec(ctx, `UPDATE conversations SET
		last_message_at = CASE WHEN last_message_at > ? THEN last_message_at ELSE ? END,
		preview = ?,
		status = CASE WHEN status IN ('resolved', 'waiting') THEN 'new' ELSE status END,
		waiting_since = NULL,
		resolved_at = CASE WHEN status = 'resolved' THEN NULL ELSE resolved_at END,
		resolution_seconds = CASE WHEN status = 'resolved' THEN NULL ELSE resolution_seconds END
		WHERE id = ?`, ms(at), ms(at), preview, id)
	return s.mapErr("touch conversation", err)
}

// RecordReply records an agent's reply: the first reply of any kind sets the
// acknowledgement time, the first substantive (not holding) one the
// first-response time, both in seconds since the conversation started; a new
// conversation becomes acknowledged.
func (s *Store) RecordReply(ctx context.Context, id string, at time.Time, preview string, holding bool) error {
	_, err := s.exec(ctx, `UPDATE conversations SET
		acknowledged_seconds = CASE WHEN acknowledged_at IS NULL THEN (? - created_at) / 1000 ELSE acknowledged_seconds END,
		acknowledged_at = COALESCE(acknowledged_at, ?),
		first_response_seconds = CASE WHEN first_response_at IS NULL AND NOT ? THEN (? - created_at) / 1000 ELSE first_response_seconds END,
		first_response_at = CASE WHEN NOT ? THEN COALESCE(first_response_at, ?) ELSE first_response_at END,
		last_message_at = CASE WHEN last_message_at > ? THEN last_message_at ELSE ? END,
		preview = ?,
		status = CASE WHEN status = 'new' THEN 'acknowledged' ELSE status END
		WHERE id = ?`, ms(at), ms(at), holding, ms(at), holding, ms(at), ms(at), ms(at), preview, id)
	return s.mapErr("record reply", err)
}

// SetConversationStatus changes the status. Resolving records the resolution
// time in seconds since the conversation started; leaving resolved clears it.
func (s *Store) SetConversationStatus(ctx context.Context, workspaceID, id, status string, at time.Time) error {
	if !model.ValidStatus(status) {
		return fmt.Errorf("set status %q: invalid status", status)
	}
	res, err := s.exec(ctx, `UPDATE conversations SET
		status = ?,
		resolved_at = CASE WHEN CAST(? AS TEXT) = 'resolved' THEN COALESCE(resolved_at, ?) ELSE NULL END,
		resolution_seconds = CASE WHEN CAST(? AS TEXT) = 'resolved' THEN COALESCE(resolution_seconds, (? - created_at) / 1000) ELSE NULL END,
		waiting_since = CASE WHEN CAST(? AS TEXT) = 'waiting' THEN COALESCE(waiting_since, ?) ELSE NULL END
		WHERE id = ? AND workspace_id = ?`, status, status, ms(at), status, ms(at), status, ms(at), id, workspaceID)
	if err != nil {
		return s.mapErr("set status", err)
	}
	return mustAffect(res, "set status")
}

// AssignConversation sets (or clears, with "") the assignee and team.
func (s *Store) AssignConversation(ctx context.Context, workspaceID, id, agentID, teamID string) error {
	res, err := s.exec(ctx, `UPDATE conversations SET assignee_id = ?, team_id = ? WHERE id = ? AND workspace_id = ?`,
		nullStr(agentID), nullStr(teamID), id, workspaceID)
	if err != nil {
		return s.mapErr("assign conversation", err)
	}
	return mustAffect(res, "assign conversation")
}

// CountConversations counts a workspace's conversations (for tests and benches).
func (s *Store) CountConversations(ctx context.Context, workspaceID string) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM conversations WHERE workspace_id = ?`, workspaceID).Scan(&n)
	return n, s.mapErr("count conversations", err)
}

// ConversationAnalysis is the summary of the latest customer message's analysis.
type ConversationAnalysis struct {
	Language       string
	SentimentScore float64
	SentimentLabel string
	Intent         string
	Spam           bool
	PersonalData   bool
	NeedsResponse  bool
}

// SetConversationAnalysis stores the summary shown and filtered in the inbox.
func (s *Store) SetConversationAnalysis(ctx context.Context, id string, a ConversationAnalysis) error {
	_, err := s.exec(ctx, `UPDATE conversations SET language = ?, sentiment_score = ?, sentiment_label = ?, intent = ?, spam = ?, personal_data = ?, needs_response = ? WHERE id = ?`,
		a.Language, a.SentimentScore, a.SentimentLabel, a.Intent, a.Spam, a.PersonalData, a.NeedsResponse, id)
	return s.mapErr("set conversation analysis", err)
}

// SetConversationSpam overrides the spam flag (an agent's verdict).
func (s *Store) SetConversationSpam(ctx context.Context, workspaceID, id string, spam bool) error {
	res, err := s.exec(ctx, `UPDATE conversations SET spam = ?, needs_response = CASE WHEN ? THEN FALSE ELSE needs_response END WHERE id = ? AND workspace_id = ?`, spam, spam, id, workspaceID)
	if err != nil {
		return s.mapErr("set conversation spam", err)
	}
	return mustAffect(res, "set conversation spam")
}

// GetConversationByID returns a conversation by id alone (internal use by
// background work that already knows the id is trusted).
func (s *Store) GetConversationByID(ctx context.Context, id string) (model.Conversation, error) {
	c, err := scanConversation(s.queryRow(ctx, convSelect+` WHERE c.id = ?`, id))
	return c, s.mapErr("get conversation", err)
}

// Routing is what routing rules decided for a conversation.
type Routing struct {
	TeamID      string   // set only if the conversation has no team
	AgentID     string   // set only if the conversation has no assignee
	Priority    int      // raised to this, never lowered
	Tags        []string // added
	SLAPolicyID string
	Spam        bool
	Escalated   bool
}

// ApplyRouting records a routing outcome on a conversation.
func (s *Store) ApplyRouting(ctx context.Context, c model.Conversation, r Routing) error {
	tags := c.Tags
	for _, t := range r.Tags {
		dup := false
		for _, have := range tags {
			dup = dup || strings.EqualFold(have, t)
		}
		if !dup {
			tags = append(tags, t)
		}
	}
	_, err := s.exec(ctx, `UPDATE conversations SET
		team_id = COALESCE(team_id, ?),
		assignee_id = COALESCE(assignee_id, ?),
		priority = CASE WHEN priority < ? THEN ? ELSE priority END,
		tags = ?,
		sla_policy_override = COALESCE(?, sla_policy_override),
		spam = CASE WHEN ? THEN TRUE ELSE spam END,
		needs_response = CASE WHEN ? THEN FALSE ELSE needs_response END,
		escalated = CASE WHEN ? THEN TRUE ELSE escalated END
		WHERE id = ?`, nullStr(r.TeamID), nullStr(r.AgentID), r.Priority, r.Priority, jsonList(tags), nullStr(r.SLAPolicyID),
		r.Spam, r.Spam, r.Escalated, c.ID)
	return s.mapErr("apply routing", err)
}

// SetReplyChannel makes replies of a conversation go out through another
// channel (the service handle of the network).
func (s *Store) SetReplyChannel(ctx context.Context, conversationID, channelID string) error {
	_, err := s.exec(ctx, `UPDATE conversations SET reply_channel_id = ? WHERE id = ?`, nullStr(channelID), conversationID)
	return s.mapErr("set reply channel", err)
}
