package routing

import "strings"

// Outcome is the merged result of the rules that fired for one post. See the package
// documentation for how actions merge; in short, the first rule decides the team, the assignee
// and the SLA policy, the highest priority wins, and the rest accumulates.
type Outcome struct {
	// Fired lists the IDs of the rules that fired, in rule order.
	Fired []string

	// TeamID is the team to route to (assign_team, or auto_assign with a team_id).
	TeamID string
	// AgentID is the agent to assign (assign_agent). Empty when AutoAssign is set.
	AgentID string
	// AutoAssign asks the caller to Pick an agent among TeamID's members (among all agents when
	// TeamID is empty).
	AutoAssign bool

	// Priority is the highest priority any fired rule set; meaningful when PrioritySet, so
	// that a caller can tell "no rule spoke" from "a rule said normal".
	Priority    int
	PrioritySet bool

	Tags        []string // in the order first added, without case-insensitive duplicates
	SLAPolicyID string
	Spam        bool

	Notifications []Notification
	Escalations   []Escalation

	// StoppedBy is the ID of the rule that stopped the evaluation, if any.
	StoppedBy string
}

// Notification is one notify action to deliver, or the supervisor alert of an escalate.
type Notification struct {
	RuleID  string
	Role    string // RoleSupervisor or RoleAdmin; empty when AgentID is set
	AgentID string
	Message string
}

// Escalation records an escalate action, for the conversation's audit trail.
type Escalation struct {
	RuleID string
	Reason string
}

// Escalated reports whether any fired rule escalated the post.
func (o *Outcome) Escalated() bool { return len(o.Escalations) > 0 }

// Evaluate runs the enabled rules in order against f and merges the actions of those that
// fire. A nil RuleSet fires nothing.
func (rs *RuleSet) Evaluate(f Facts) Outcome {
	var o Outcome
	if rs == nil {
		return o
	}
	e := env{f: &f}
	for i := range rs.rules {
		r := &rs.rules[i]
		if !r.enabled || !r.when.eval(&e) {
			continue
		}
		o.apply(r)
		if r.stop {
			o.StoppedBy = r.id
			break
		}
	}
	return o
}

// apply merges the actions of a fired rule into o.
func (o *Outcome) apply(r *compiledRule) {
	o.Fired = append(o.Fired, r.id)
	for i := range r.then {
		a := &r.then[i]
		switch a.Type {
		case ActionAssignTeam:
			o.setTeam(a.TeamID)
		case ActionAssignAgent:
			if o.AgentID == "" && !o.AutoAssign {
				o.AgentID = a.AgentID
			}
		case ActionAutoAssign:
			if o.AgentID == "" && !o.AutoAssign {
				o.AutoAssign = true
			}
			// The team is its own decision: an earlier rule's team stands, and the pick then
			// happens among that team.
			o.setTeam(a.TeamID)
		case ActionSetPriority:
			o.raisePriority(a.Priority)
		case ActionAddTag:
			if !containsFold(o.Tags, a.Tag) {
				o.Tags = append(o.Tags, a.Tag)
			}
		case ActionApplySLAPolicy:
			if o.SLAPolicyID == "" {
				o.SLAPolicyID = a.PolicyID
			}
		case ActionMarkSpam:
			o.Spam = true
		case ActionNotify:
			o.Notifications = append(o.Notifications,
				Notification{RuleID: r.id, Role: a.Role, AgentID: a.AgentID, Message: a.Message})
		case ActionEscalate:
			o.raisePriority(PriorityUrgent)
			o.Notifications = append(o.Notifications,
				Notification{RuleID: r.id, Role: RoleSupervisor, Message: a.Reason})
			o.Escalations = append(o.Escalations, Escalation{RuleID: r.id, Reason: a.Reason})
		}
	}
}

func (o *Outcome) setTeam(id string) {
	if o.TeamID == "" {
		o.TeamID = id
	}
}

func (o *Outcome) raisePriority(p int) {
	if !o.PrioritySet || p > o.Priority {
		o.Priority, o.PrioritySet = p, true
	}
}

// ShouldEscalate is the virality escalation check: a post at or above threshold virality (0..1)
// escalates, when requireNegative only if its sentiment is negative (a loud complaint, not a
// loud compliment). Spam never escalates, however loud, and a threshold outside (0, 1] turns
// the check off rather than escalating every post.
func ShouldEscalate(f Facts, threshold float64, requireNegative bool) bool {
	if !(threshold > 0 && threshold <= 1) || f.Spam {
		return false
	}
	if requireNegative && !strings.EqualFold(f.SentimentLabel, "negative") {
		return false
	}
	return f.Virality >= threshold
}
