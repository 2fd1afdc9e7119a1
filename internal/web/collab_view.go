package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// collabView is what the conversation pane shows about other people:
// replies waiting for approval (or rejected), the collision warning of a
// held reply, and when the page was loaded (the reply form sends it back so
// the server can tell what the agent had not seen).
type collabView struct {
	Seen      int64 // unix ms of this render
	Approvals []approvalView
	Collision *inbox.CollisionError // the last send was held
	AckAction string                // where "Send anyway" posts when not the reply form's action (a held private move)
	Notice    string                // "your reply waits for approval"
}

// AckValue is what the "Send anyway" button sends back.
func (c collabView) AckValue() string {
	if c.Collision == nil {
		return ""
	}
	return strings.Join(c.Collision.Keys(), " ")
}

// approvalView is a pending or rejected reply with the composer's findings.
type approvalView struct {
	store.Approval
	Warnings []compose.Warning
}

func newApprovalView(a store.Approval) approvalView {
	v := approvalView{Approval: a}
	json.Unmarshal(a.Checks, &v.Warnings)
	return v
}

// loadCollab gathers the pane's collaboration parts. Approved replies are
// messages of the thread already, so only pending and rejected ones show.
func (h *Handler) loadCollab(ctx context.Context, a model.Agent, conv model.Conversation) (collabView, error) {
	v := collabView{Seen: h.Store.Now().UnixMilli()}
	as, err := h.Store.ListConversationApprovals(ctx, conv.ID)
	if err != nil {
		return v, err
	}
	for _, ap := range as {
		if ap.Status != store.ApprovalApproved {
			v.Approvals = append(v.Approvals, newApprovalView(ap))
		}
	}
	return v, nil
}

// collabInput reads the collision fields of the reply form: when the page
// was loaded ("seen", unix ms) and the collisions acknowledged by "Send
// anyway" ("ack", space separated keys).
func collabInput(r *http.Request, in *inbox.ReplyInput) {
	if v, err := strconv.ParseInt(r.PostFormValue("seen"), 10, 64); err == nil && v > 0 {
		in.Seen = time.UnixMilli(v)
	}
	in.Acknowledged = strings.Fields(r.PostFormValue("ack"))
}

// afterCollab answers a reply that was held by a collision (422, the pane
// with the warning and "Send anyway"), stored for approval (the pane with a
// notice), or refused by a blocking check (422 with the reasons). done is
// false for anything else, which afterAction answers.
func (h *Handler) afterCollab(w http.ResponseWriter, r *http.Request, err error, text string) (bool, error) {
	var ce *inbox.CollisionError
	var ae *inbox.AwaitingApprovalError
	var be *inbox.BlockedError
	id := r.PathValue("id")
	q := parseListQuery(listValues(r))
	switch {
	case errors.As(err, &ce):
		seen, _ := strconv.ParseInt(r.PostFormValue("seen"), 10, 64)
		return true, h.respondConv(w, r, http.StatusUnprocessableEntity, id, q, func(c *convData) {
			c.Draft, c.Collab.Collision = text, ce
			if strings.HasSuffix(r.URL.Path, "/private-move") {
				// "Send anyway" must move it again, not post a plain
				// (possibly public) reply with what was meant to be private.
				c.Collab.AckAction, c.MoveReason = r.URL.Path, r.PostFormValue("reason")
			}
			if seen > 0 {
				c.Collab.Seen = seen // still what the agent had seen: only "Send anyway" sends
			}
		})
	case errors.As(err, &ae):
		_ = h.Inbox.PresenceLeave(r.Context(), me(r), id, true)
		if !isFragment(r) {
			http.Redirect(w, r, withQuery("/conversations/"+url.PathEscape(id), q.Encode()), http.StatusSeeOther)
			return true, nil
		}
		return true, h.respondConv(w, r, http.StatusOK, id, q, func(c *convData) {
			c.Collab.Notice = "Your reply waits for a supervisor's approval; the customer gets it once it is approved."
		})
	case errors.As(err, &be):
		return true, h.respondConv(w, r, http.StatusUnprocessableEntity, id, q, func(c *convData) {
			c.Draft, c.Error = text, be.Error()
		})
	case err == nil:
		// Sent: the agent no longer types in this conversation.
		_ = h.Inbox.PresenceLeave(r.Context(), me(r), id, true)
	}
	return false, nil
}
