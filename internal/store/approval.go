package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Approval states.
const (
	ApprovalPending  = "pending"
	ApprovalApproved = "approved"
	ApprovalRejected = "rejected"
)

// Why a reply waits for approval.
const (
	ApprovalByContributor   = "contributor"    // every contributor reply does
	ApprovalByBlockingCheck = "blocking_check" // a blocking check fired and the workspace routes those to approval
)

// Approval is a reply that waits for a supervisor: not sent, not visible to
// the customer. Approving it sends it (MessageID) as its author's reply.
type Approval struct {
	ID             string
	WorkspaceID    string
	ConversationID string
	AuthorAgentID  string
	Text           string
	Public         bool
	Holding        bool
	Reason         string
	Checks         json.RawMessage // the composer's warnings when it was written
	Status         string
	DecidedBy      string
	DecidedAt      *time.Time
	RejectReason   string
	MessageID      string
	CreatedAt      time.Time

	// Joined for display.
	AuthorName   string
	DeciderName  string
	CustomerName string
	ChannelName  string
}

const approvalSelect = `SELECT r.id, r.workspace_id, r.conversation_id, r.author_agent_id, r.text, r.public, r.holding, r.reason,
	r.checks, r.status, COALESCE(r.decided_by, ''), r.decided_at, r.reject_reason, COALESCE(r.message_id, ''), r.created_at,
	a.name, COALESCE(d.name, ''), COALESCE(cu.name, ''), COALESCE(ch.name, '')
	FROM reply_approvals r
	JOIN agents a ON a.id = r.author_agent_id
	LEFT JOIN agents d ON d.id = r.decided_by
	JOIN conversations c ON c.id = r.conversation_id
	LEFT JOIN customers cu ON cu.id = c.customer_id
	LEFT JOIN channels ch ON ch.id = c.channel_id`

func scanApproval(sc interface{ Scan(...any) error }) (Approval, error) {
	var a Approval
	var checks string
	var created int64
	var decided sql.NullInt64
	err := sc.Scan(&a.ID, &a.WorkspaceID, &a.ConversationID, &a.AuthorAgentID, &a.Text, &a.Public, &a.Holding, &a.Reason,
		&checks, &a.Status, &a.DecidedBy, &decided, &a.RejectReason, &a.MessageID, &created,
		&a.AuthorName, &a.DeciderName, &a.CustomerName, &a.ChannelName)
	a.Checks = json.RawMessage(checks)
	a.CreatedAt, a.DecidedAt = fromMs(created), fromNullMs(decided)
	return a, err
}

// CreateApproval stores a pending reply.
func (s *Store) CreateApproval(ctx context.Context, a Approval) (Approval, error) {
	a.ID, a.CreatedAt, a.Status = NewID(), s.Now(), ApprovalPending
	if len(a.Checks) == 0 {
		a.Checks = json.RawMessage("[]")
	}
	_, err := s.exec(ctx, `INSERT INTO reply_approvals (id, workspace_id, conversation_id, author_agent_id, text, public, holding, reason, checks, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.WorkspaceID, a.ConversationID, a.AuthorAgentID, a.Text, a.Public, a.Holding, a.Reason, string(a.Checks), a.Status, ms(a.CreatedAt))
	return a, s.mapErr("create approval", err)
}

// GetApproval returns one approval of a workspace.
func (s *Store) GetApproval(ctx context.Context, workspaceID, id string) (Approval, error) {
	a, err := scanApproval(s.queryRow(ctx, approvalSelect+` WHERE r.workspace_id = ? AND r.id = ?`, workspaceID, id))
	return a, s.mapErr("get approval", err)
}

// ListApprovals returns a workspace's approvals in one state ("" for all),
// oldest first: the queue is worked in order.
func (s *Store) ListApprovals(ctx context.Context, workspaceID, status string, limit int) ([]Approval, error) {
	q, args := approvalSelect+` WHERE r.workspace_id = ?`, []any{workspaceID}
	if status != "" {
		q, args = q+` AND r.status = ?`, append(args, status)
	}
	return s.listApprovals(ctx, q+` ORDER BY r.created_at, r.id LIMIT ?`, append(args, limit)...)
}

// ListConversationApprovals returns a conversation's approvals, oldest first.
func (s *Store) ListConversationApprovals(ctx context.Context, conversationID string) ([]Approval, error) {
	return s.listApprovals(ctx, approvalSelect+` WHERE r.conversation_id = ? ORDER BY r.created_at, r.id`, conversationID)
}

// CountPendingApprovals counts a workspace's pending approvals.
func (s *Store) CountPendingApprovals(ctx context.Context, workspaceID string) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM reply_approvals WHERE workspace_id = ? AND status = 'pending'`, workspaceID).Scan(&n)
	return n, s.mapErr("count approvals", err)
}

func (s *Store) listApprovals(ctx context.Context, q string, args ...any) ([]Approval, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, s.mapErr("list approvals", err)
	}
	defer rows.Close()
	var out []Approval
	for rows.Next() {
		a, err := scanApproval(rows)
		if err != nil {
			return nil, s.mapErr("list approvals", err)
		}
		out = append(out, a)
	}
	return out, s.mapErr("list approvals", rows.Err())
}

// DecideApproval records a supervisor's decision on a pending approval:
// approved (with the text that was sent and its message) or rejected with a
// reason. Deciding one that is no longer pending is ErrConflict, so two
// supervisors never both send it.
func (s *Store) DecideApproval(ctx context.Context, workspaceID, id, status, deciderID, text, rejectReason, messageID string) error {
	if status != ApprovalApproved && status != ApprovalRejected {
		return fmt.Errorf("decide approval: bad status %q", status)
	}
	res, err := s.exec(ctx, `UPDATE reply_approvals SET status = ?, decided_by = ?, decided_at = ?, text = ?, reject_reason = ?, message_id = ?
		WHERE workspace_id = ? AND id = ? AND status = 'pending'`,
		status, deciderID, ms(s.Now()), text, rejectReason, nullStr(messageID), workspaceID, id)
	if err != nil {
		return s.mapErr("decide approval", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.GetApproval(ctx, workspaceID, id); err != nil {
			return err
		}
		return fmt.Errorf("decide approval: already decided: %w", ErrConflict)
	}
	return nil
}

// ReopenApproval puts an approved reply that could not be sent back in the
// queue.
func (s *Store) ReopenApproval(ctx context.Context, workspaceID, id string) error {
	_, err := s.exec(ctx, `UPDATE reply_approvals SET status = 'pending', decided_by = NULL, decided_at = NULL
		WHERE workspace_id = ? AND id = ? AND status = 'approved' AND message_id IS NULL`, workspaceID, id)
	return s.mapErr("reopen approval", err)
}

// SetApprovalMessage records the reply an approval was sent as.
func (s *Store) SetApprovalMessage(ctx context.Context, id, messageID string) error {
	res, err := s.exec(ctx, `UPDATE reply_approvals SET message_id = ? WHERE id = ?`, messageID, id)
	if err != nil {
		return s.mapErr("set approval message", err)
	}
	return mustAffect(res, "set approval message")
}
