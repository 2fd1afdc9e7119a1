// Package slaclock keeps every conversation's SLA clocks: it replays the
// conversation's timeline through the sla library whenever something
// happens, stores the thresholds on the conversation, and a scheduler fires
// each warning and breach exactly once (notification, live event, webhook),
// on one node or many.
package slaclock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/sla"
	"github.com/heed-dev/heed/internal/store"
)

// Firing is a threshold that has just fired, handed to the Notifier.
type Firing struct {
	WorkspaceID    string
	ConversationID string
	AssigneeID     string
	Key            string
	Metric         string
	Level          string // "warn" or "breach"
	CrossedAt      time.Time
}

// Webhooks delivers workspace webhook events (durably).
type Webhooks interface {
	Enqueue(ctx context.Context, tx *store.Store, workspaceID, event string, payload any) error
}

// Engine evaluates and fires SLA clocks.
type Engine struct {
	Store    *store.Store
	Broker   realtime.Broker
	Webhooks Webhooks // optional
	Log      *slog.Logger

	mu       sync.Mutex
	policies map[string]cachedPolicies
}

type cachedPolicies struct {
	at       time.Time
	policies []policyRow
	hours    *sla.BusinessHours
}

type policyRow struct {
	id     string
	policy sla.Policy
}

// policyTTL bounds how long an edited policy takes to reach other nodes.
const policyTTL = 5 * time.Second

// EnsureDefaultPolicies seeds the design's per-channel targets into a
// workspace that has none.
func EnsureDefaultPolicies(ctx context.Context, s *store.Store, workspaceID string) error {
	existing, err := s.ListSLAPolicies(ctx, workspaceID)
	if err != nil || len(existing) > 0 {
		return err
	}
	for i, p := range sla.DefaultPolicies() {
		targets, err := json.Marshal(map[string]sla.Target{"first_response": p.FirstResponse, "next_response": p.NextResponse, "resolution": p.Resolution})
		if err != nil {
			return err
		}
		if _, _, err := s.CreateSLAPolicy(ctx, store.SLAPolicy{WorkspaceID: workspaceID, Name: p.Name, ChannelTypes: p.ChannelTypes,
			Targets: targets, BusinessHoursOnly: p.BusinessHoursOnly, Position: i}); err != nil {
			return err
		}
	}
	return nil
}

// ToPolicy decodes a stored policy.
func ToPolicy(p store.SLAPolicy) (sla.Policy, error) {
	var t struct {
		FirstResponse sla.Target `json:"first_response"`
		NextResponse  sla.Target `json:"next_response"`
		Resolution    sla.Target `json:"resolution"`
	}
	if err := json.Unmarshal(p.Targets, &t); err != nil {
		return sla.Policy{}, fmt.Errorf("policy %s: %w", p.Name, err)
	}
	return sla.Policy{Name: p.Name, ChannelTypes: p.ChannelTypes, FirstResponse: t.FirstResponse, NextResponse: t.NextResponse,
		Resolution: t.Resolution, BusinessHoursOnly: p.BusinessHoursOnly}, nil
}

// Forget drops a workspace's cached policies (after an edit on this node).
func (e *Engine) Forget(workspaceID string) {
	e.mu.Lock()
	delete(e.policies, workspaceID)
	e.mu.Unlock()
}

func (e *Engine) load(ctx context.Context, tx *store.Store, workspaceID string) (cachedPolicies, error) {
	e.mu.Lock()
	c, ok := e.policies[workspaceID]
	e.mu.Unlock()
	if ok && time.Since(c.at) < policyTTL {
		return c, nil
	}
	if err := EnsureDefaultPolicies(ctx, tx, workspaceID); err != nil {
		return c, err
	}
	rows, err := tx.ListSLAPolicies(ctx, workspaceID)
	if err != nil {
		return c, err
	}
	c = cachedPolicies{at: time.Now()}
	for _, r := range rows {
		p, err := ToPolicy(r)
		if err != nil {
			e.Log.Warn("skipping unreadable SLA policy", "policy_id", r.ID, "error", err)
			continue
		}
		c.policies = append(c.policies, policyRow{id: r.ID, policy: p})
	}
	ws, err := tx.GetWorkspace(ctx, workspaceID)
	if err != nil {
		return c, err
	}
	if ws.BusinessHours != "" {
		var sched sla.Schedule
		if err := json.Unmarshal([]byte(ws.BusinessHours), &sched); err == nil {
			c.hours, err = sla.NewBusinessHours(sched)
			if err != nil {
				e.Log.Warn("ignoring invalid business hours", "workspace_id", workspaceID, "error", err)
			}
		}
	}
	e.mu.Lock()
	if e.policies == nil {
		e.policies = map[string]cachedPolicies{}
	}
	e.policies[workspaceID] = c
	e.mu.Unlock()
	return c, nil
}

func (c cachedPolicies) pick(channelType string) (string, sla.Policy) {
	for _, r := range c.policies {
		if r.policy.AppliesTo(channelType) {
			return r.id, r.policy
		}
	}
	for _, r := range c.policies {
		if r.policy.AppliesTo(sla.AnyChannel) {
			return r.id, r.policy
		}
	}
	return "", sla.PolicyFor(nil, channelType)
}

// timeline turns stored entries into clock events.
func timeline(entries []store.TimelineEntry) []sla.Event {
	var evs []sla.Event
	waiting := false
	for _, e := range entries {
		switch {
		case e.Kind == "in":
			evs = append(evs, sla.Event{Kind: sla.EventCustomerMessage, At: e.At})
			waiting = false
		case e.Kind == "out":
			evs = append(evs, sla.Event{Kind: sla.EventReply, At: e.At})
		case e.Kind == "holding":
			evs = append(evs, sla.Event{Kind: sla.EventHoldingReply, At: e.At})
		case strings.HasPrefix(e.Kind, "status:"):
			var d struct {
				Status string `json:"status"`
			}
			json.Unmarshal([]byte(strings.TrimPrefix(e.Kind, "status:")), &d)
			switch d.Status {
			case model.StatusWaiting:
				evs = append(evs, sla.Event{Kind: sla.EventWaitingOnCustomer, At: e.At})
				waiting = true
			case model.StatusResolved:
				evs = append(evs, sla.Event{Kind: sla.EventResolved, At: e.At})
				waiting = false
			default:
				if waiting {
					evs = append(evs, sla.Event{Kind: sla.EventResumed, At: e.At})
					waiting = false
				}
			}
		}
	}
	return evs
}

func tptr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Reevaluate replays a conversation's clocks at the store's now inside tx,
// stores the thresholds and fires what has been crossed. Conversations that
// need no response (spam, plain praise) carry no clock.
func (e *Engine) Reevaluate(ctx context.Context, tx *store.Store, conversationID string) error {
	conv, err := tx.GetConversationByID(ctx, conversationID)
	if err != nil {
		return err
	}
	if conv.Spam || !conv.NeedsResponse {
		if conv.SLANextCheckAt == nil && conv.FirstResponseDueAt == nil && conv.NextResponseDueAt == nil && conv.ResolutionDueAt == nil {
			return nil
		}
		return tx.SetConversationSLA(ctx, conv.ID, store.SLAState{PolicyID: conv.SLAPolicyID, Breached: conv.SLABreached})
	}
	ps, err := e.load(ctx, tx, conv.WorkspaceID)
	if err != nil {
		return err
	}
	policyID, policy := ps.pick(conv.ChannelType)
	if conv.SLAPolicyOverride != "" {
		// A routing rule chose the policy.
		for _, r := range ps.policies {
			if r.id == conv.SLAPolicyOverride {
				policyID, policy = r.id, r.policy
			}
		}
	}
	entries, err := tx.ListTimeline(ctx, conv.ID)
	if err != nil {
		return err
	}
	now := tx.Now()
	st := sla.Clock{Policy: policy, Hours: ps.hours}.Evaluate(timeline(entries), now)
	state := store.SLAState{PolicyID: policyID,
		FirstResponseWarnAt: tptr(st.FirstResponseDueAt.Warn), FirstResponseDueAt: tptr(st.FirstResponseDueAt.Max),
		NextResponseWarnAt: tptr(st.NextResponseDueAt.Warn), NextResponseDueAt: tptr(st.NextResponseDueAt.Max),
		ResolutionWarnAt: tptr(st.ResolutionDueAt.Warn), ResolutionDueAt: tptr(st.ResolutionDueAt.Max),
		NextCheckAt: tptr(st.NextCheckAt)}
	var fired []Firing
	for _, c := range st.Crossed {
		if c.Level == sla.LevelBreach && c.Metric != sla.MetricResolution {
			state.Breached = true
		}
		ok, err := tx.InsertSLAFiring(ctx, conv.ID, c.Key, string(c.Metric), string(c.Level), c.At)
		if err != nil {
			return err
		}
		if ok {
			fired = append(fired, Firing{WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, AssigneeID: conv.AssigneeID,
				Key: c.Key, Metric: string(c.Metric), Level: string(c.Level), CrossedAt: c.At})
		}
	}
	if err := tx.SetConversationSLA(ctx, conv.ID, state); err != nil {
		return err
	}
	for _, f := range fired {
		if err := e.fire(ctx, tx, conv, f); err != nil {
			return err
		}
	}
	return nil
}

var metricNames = map[string]string{"first_response": "first response", "next_response": "next response", "resolution": "resolution"}

// fire records a crossing: audit event, notifications for the assignee and
// supervisors, a webhook; the live events go out after commit.
func (e *Engine) fire(ctx context.Context, tx *store.Store, conv model.Conversation, f Firing) error {
	what := "SLA warning"
	kind := "sla.warning"
	if f.Level == string(sla.LevelBreach) {
		what, kind = "SLA breached", "sla.breach"
	}
	msg := fmt.Sprintf("%s: %s for %s (%s)", what, metricNames[f.Metric], conv.CustomerName, conv.ChannelName)
	data, _ := json.Marshal(map[string]any{"key": f.Key, "metric": f.Metric, "level": f.Level, "crossed_at": f.CrossedAt})
	if err := tx.InsertEvent(ctx, model.Event{WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, Kind: kind, Data: data}); err != nil {
		return err
	}
	recipients := map[string]bool{}
	if conv.AssigneeID != "" {
		recipients[conv.AssigneeID] = true
	}
	sups, err := tx.ListAgentsByRole(ctx, conv.WorkspaceID, model.RoleSupervisor)
	if err != nil {
		return err
	}
	for _, a := range sups {
		recipients[a.ID] = true
	}
	var notified []string
	for id := range recipients {
		n, err := tx.CreateNotification(ctx, store.Notification{WorkspaceID: conv.WorkspaceID, AgentID: id, ConversationID: conv.ID, Kind: kind, Message: msg})
		if err != nil {
			return err
		}
		notified = append(notified, n.ID)
	}
	if e.Webhooks != nil {
		payload := map[string]any{"event": kind, "conversation_id": conv.ID, "metric": f.Metric, "level": f.Level, "key": f.Key,
			"crossed_at": f.CrossedAt.UTC().Format(time.RFC3339), "channel_type": conv.ChannelType}
		if err := e.Webhooks.Enqueue(ctx, tx, conv.WorkspaceID, kind, payload); err != nil {
			return err
		}
	}
	tx.AfterCommit(func() {
		e.Broker.Publish(realtime.WorkspaceTopic(conv.WorkspaceID), realtime.Event{Type: "notification", ID: f.Key, ConversationID: conv.ID})
		e.Broker.Publish(realtime.WorkspaceTopic(conv.WorkspaceID), realtime.Event{Type: "conversation", ID: conv.ID, ConversationID: conv.ID})
	})
	e.Log.Info("sla threshold fired", "conversation_id", conv.ID, "key", f.Key, "notified", len(notified))
	return nil
}

// Tick evaluates every conversation whose next threshold is due, in batches;
// it returns how many conversations it looked at.
func (e *Engine) Tick(ctx context.Context, batch int) (int, error) {
	total := 0
	for {
		n := 0
		err := e.Store.WithTx(ctx, func(tx *store.Store) error {
			ids, err := tx.ClaimSLAChecks(ctx, tx.Now(), batch)
			if err != nil {
				return err
			}
			n = len(ids)
			for _, id := range ids {
				if err := e.Reevaluate(ctx, tx, id); err != nil {
					return fmt.Errorf("sla %s: %w", id, err)
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < batch {
			return total, nil
		}
	}
}

// Run evaluates due clocks until ctx ends. It sleeps until the earliest
// pending threshold (so thresholds fire within milliseconds, not a tick),
// but at most interval, which bounds the delay for clocks armed on other
// nodes or in the meantime.
func (e *Engine) Run(ctx context.Context, interval time.Duration) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		if _, err := e.Tick(ctx, 500); err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled) {
			e.Log.Error("sla tick", "error", err)
		}
		wait := interval
		if next, err := e.Store.NextSLACheckAt(ctx); err == nil && !next.IsZero() {
			wait = min(wait, max(time.Until(next), 5*time.Millisecond))
		}
		timer.Reset(wait)
	}
}
