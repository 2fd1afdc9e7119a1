package inbound

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/routing"
	"github.com/heed-dev/heed/internal/sla"
	"github.com/heed-dev/heed/internal/store"
)

// RouteStage applies the workspace's routing rules to each inbound post:
// team, assignee (including balanced auto-assignment), priority, tags, SLA
// policy, spam, notifications and escalation.
type RouteStage struct {
	Broker realtime.Broker
	Log    *slog.Logger

	mu    sync.Mutex
	cache map[string]*workspaceRules
}

type workspaceRules struct {
	checked time.Time
	version int64
	rules   *routing.RuleSet
	hours   *sla.BusinessHours
	hoursOf string
}

// rulesTTL bounds how stale a node's copy of the rules may be after an edit
// on another node.
const rulesTTL = 2 * time.Second

func (*RouteStage) Name() string { return "route" }

// Forget drops a workspace's cached rules (after an edit on this node).
func (s *RouteStage) Forget(workspaceID string) {
	s.mu.Lock()
	delete(s.cache, workspaceID)
	s.mu.Unlock()
}

func (s *RouteStage) rules(ctx context.Context, tx *store.Store, wsID string) (*workspaceRules, error) {
	s.mu.Lock()
	if s.cache == nil {
		s.cache = map[string]*workspaceRules{}
	}
	wr := s.cache[wsID]
	s.mu.Unlock()
	now := time.Now()
	if wr != nil && now.Sub(wr.checked) < rulesTTL {
		return wr, nil
	}
	version, err := tx.RoutingRulesVersion(ctx, wsID)
	if err != nil {
		return nil, err
	}
	ws, err := tx.GetWorkspace(ctx, wsID)
	if err != nil {
		return nil, err
	}
	next := &workspaceRules{checked: now, version: version, hoursOf: ws.BusinessHours}
	if wr != nil && wr.version == version {
		next.rules = wr.rules
	} else if version > 0 {
		raw, _, err := tx.GetRoutingRules(ctx, wsID)
		if err != nil {
			return nil, err
		}
		// Rules are validated when saved; if a stored set no longer
		// compiles, route nothing rather than stall the inbox.
		if next.rules, err = routing.CompileJSON(raw); err != nil {
			s.Log.Error("routing rules do not compile; routing nothing", "workspace_id", wsID, "error", err)
		}
	}
	if wr != nil && wr.hoursOf == ws.BusinessHours {
		next.hours = wr.hours
	} else if ws.BusinessHours != "" {
		var sched sla.Schedule
		if json.Unmarshal([]byte(ws.BusinessHours), &sched) == nil {
			next.hours, _ = sla.NewBusinessHours(sched)
		}
	}
	s.mu.Lock()
	s.cache[wsID] = next
	s.mu.Unlock()
	return next, nil
}

// FactsOf builds the routing facts of an inbound item.
func FactsOf(it *Item, inBusinessHours bool) routing.Facts {
	f := routing.Facts{ChannelType: it.Channel.Type, ChannelID: it.Channel.ID, Public: it.Msg.Public, Text: it.Msg.Text,
		AuthorFollowers: it.Msg.Author.Followers, AuthorVerified: it.Msg.Author.Verified, InBusinessHours: inBusinessHours,
		NeedsResponse: true, CustomerTags: it.Conversation.Tags, Virality: it.Conversation.Virality}
	if r := it.Result; r != nil {
		f.Language, f.SentimentLabel, f.SentimentScore = r.Language, r.Sentiment.Label, r.Sentiment.Compound
		f.Intent, f.NeedsResponse, f.Spam, f.PersonalData = r.Intent, r.NeedsResponse, r.Spam.Label, len(r.PersonalData) > 0
		for _, p := range r.PersonalData {
			f.PersonalDataTypes = append(f.PersonalDataTypes, p.Type)
		}
	}
	return f
}

func (s *RouteStage) Run(ctx context.Context, tx *store.Store, it *Item) error {
	if err := s.serviceHandle(ctx, tx, it); err != nil {
		return err
	}
	wr, err := s.rules(ctx, tx, it.Channel.WorkspaceID)
	if err != nil || wr.rules == nil || wr.rules.Len() == 0 {
		return err
	}
	open := true
	if wr.hours != nil {
		open = wr.hours.IsOpen(tx.Now())
	}
	facts := FactsOf(it, open)
	out := wr.rules.Evaluate(facts)
	if len(out.Fired) == 0 {
		return nil
	}
	conv := it.Conversation
	r := store.Routing{TeamID: out.TeamID, Priority: out.Priority, Tags: out.Tags, SLAPolicyID: out.SLAPolicyID, Spam: out.Spam,
		Escalated: out.Escalated()}
	if conv.AssigneeID == "" {
		r.AgentID = out.AgentID
		if r.AgentID == "" && out.AutoAssign {
			team := out.TeamID
			if team == "" {
				team = conv.TeamID
			}
			if r.AgentID, err = pickAgent(ctx, tx, conv.WorkspaceID, team, routing.NeedFor(facts)); err != nil {
				return err
			}
		}
		if r.AgentID != "" {
			if err := tx.TouchAgentAssigned(ctx, r.AgentID, tx.Now()); err != nil {
				return err
			}
		}
	}
	if err := tx.ApplyRouting(ctx, conv, r); err != nil {
		return err
	}
	data, _ := json.Marshal(map[string]any{"rules": out.Fired, "agent_id": r.AgentID, "team_id": r.TeamID, "priority": r.Priority, "tags": r.Tags})
	if err := tx.InsertEvent(ctx, model.Event{WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, Kind: "routed", Data: data}); err != nil {
		return err
	}
	for _, e := range out.Escalations {
		d, _ := json.Marshal(map[string]string{"rule_id": e.RuleID, "reason": e.Reason})
		if err := tx.InsertEvent(ctx, model.Event{WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, Kind: "escalated", Data: d}); err != nil {
			return err
		}
	}
	notified := false
	for _, n := range out.Notifications {
		var to []model.Agent
		if n.AgentID != "" {
			a, err := tx.GetAgent(ctx, n.AgentID)
			if err == nil && a.WorkspaceID == conv.WorkspaceID {
				to = append(to, a)
			}
		} else {
			min := model.RoleSupervisor
			if n.Role == routing.RoleAdmin {
				min = model.RoleAdmin
			}
			if to, err = tx.ListAgentsByRole(ctx, conv.WorkspaceID, min); err != nil {
				return err
			}
		}
		msg := n.Message
		if msg == "" {
			msg = fmt.Sprintf("Rule %s: %s", n.RuleID, Preview(it.Msg.Text))
		}
		for _, a := range to {
			if _, err := tx.CreateNotification(ctx, store.Notification{WorkspaceID: conv.WorkspaceID, AgentID: a.ID, ConversationID: conv.ID, Kind: "routing", Message: msg}); err != nil {
				return err
			}
			notified = true
		}
	}
	if notified && s.Broker != nil {
		tx.AfterCommit(func() {
			s.Broker.Publish(realtime.WorkspaceTopic(conv.WorkspaceID), realtime.Event{Type: "notification", ID: conv.ID, ConversationID: conv.ID})
		})
	}
	// Later stages (commit, clocks) see the routed conversation.
	it.Conversation, err = tx.GetConversation(ctx, conv.WorkspaceID, conv.ID)
	return err
}

// pickAgent chooses the least-loaded available agent (of a team, if given)
// who has room, honouring skills and location.
func pickAgent(ctx context.Context, tx *store.Store, wsID, teamID string, need routing.Need) (string, error) {
	agents, err := tx.ListAgents(ctx, wsID)
	if err != nil {
		return "", err
	}
	var members map[string]bool
	if teamID != "" {
		t, err := tx.GetTeam(ctx, teamID)
		if err != nil {
			return "", err
		}
		members = map[string]bool{}
		for _, id := range t.MemberIDs {
			members[id] = true
		}
	}
	loads, err := tx.AgentLoads(ctx, wsID)
	if err != nil {
		return "", err
	}
	var cands []routing.Candidate
	for _, a := range agents {
		if a.Disabled || (members != nil && !members[a.ID]) {
			continue
		}
		c := routing.Candidate{AgentID: a.ID, Availability: a.Availability, Capacity: a.Capacity, Load: loads[a.ID],
			Languages: a.Languages, ChannelTypes: a.ChannelTypes, Locations: a.Locations}
		if a.LastAssignedAt != nil {
			c.LastAssignedAt = *a.LastAssignedAt
		}
		cands = append(cands, c)
	}
	id, _ := routing.Pick(cands, need)
	return id, nil
}

// channelSettings are the routing-related settings of a channel.
type channelSettings struct {
	ServiceHandle bool   `json:"service_handle"`
	ServiceTeamID string `json:"service_team_id"`
}

// serviceHandle routes a service post that arrived on a brand's main account
// to its service handle: replies go out from the handle, the conversation is
// tagged "service" and given to the service team, if one is set.
func (s *RouteStage) serviceHandle(ctx context.Context, tx *store.Store, it *Item) error {
	if !it.NewThread || it.Result == nil {
		return nil
	}
	var own channelSettings
	json.Unmarshal(it.Channel.Settings, &own)
	r := it.Result
	service := r.NeedsResponse && !r.Spam.Label && r.Intent != "praise" && r.Intent != "chatter"
	if own.ServiceHandle || !service {
		return nil
	}
	chs, err := tx.ListChannels(ctx, it.Channel.WorkspaceID)
	if err != nil {
		return err
	}
	for _, ch := range chs {
		var set channelSettings
		json.Unmarshal(ch.Settings, &set)
		if ch.ID == it.Channel.ID || ch.Type != it.Channel.Type || !set.ServiceHandle {
			continue
		}
		if err := tx.SetReplyChannel(ctx, it.Conversation.ID, ch.ID); err != nil {
			return err
		}
		if err := tx.ApplyRouting(ctx, it.Conversation, store.Routing{TeamID: set.ServiceTeamID, Tags: []string{"service"}}); err != nil {
			return err
		}
		it.Conversation, err = tx.GetConversation(ctx, it.Conversation.WorkspaceID, it.Conversation.ID)
		return err
	}
	return nil
}
