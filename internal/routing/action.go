package routing

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Action types.
const (
	ActionAssignTeam     = "assign_team"      // team_id
	ActionAssignAgent    = "assign_agent"     // agent_id
	ActionAutoAssign     = "auto_assign"      // team_id (optional)
	ActionSetPriority    = "set_priority"     // priority 0..3
	ActionAddTag         = "add_tag"          // tag
	ActionApplySLAPolicy = "apply_sla_policy" // policy_id
	ActionMarkSpam       = "mark_spam"        // no parameters
	ActionNotify         = "notify"           // role or agent_id, message
	ActionEscalate       = "escalate"         // reason
	ActionStop           = "stop"             // no parameters
)

// Priorities. A conversation starts at PriorityNormal; escalate sets PriorityUrgent.
const (
	PriorityNormal   = 0
	PriorityElevated = 1
	PriorityHigh     = 2
	PriorityUrgent   = 3
)

// Roles a notify action may address.
const (
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// Limits on action text, so a rule cannot bloat every conversation it touches.
const (
	MaxTagLen     = 64   // runes
	MaxMessageLen = 1000 // bytes, for notify messages and escalate reasons
)

// Action is one thing a rule does when it fires. Type says which; only that type's parameters
// may be set. In JSON it is flat: {"type":"assign_team","team_id":"01J…"}.
type Action struct {
	Type     string
	TeamID   string
	AgentID  string
	Priority int
	Tag      string
	PolicyID string
	Role     string
	Message  string
	Reason   string
}

// Constructors for Go callers and tests.

func AssignTeam(teamID string) Action   { return Action{Type: ActionAssignTeam, TeamID: teamID} }
func AssignAgent(agentID string) Action { return Action{Type: ActionAssignAgent, AgentID: agentID} }
func AutoAssign(teamID string) Action   { return Action{Type: ActionAutoAssign, TeamID: teamID} }
func SetPriority(p int) Action          { return Action{Type: ActionSetPriority, Priority: p} }
func AddTag(tag string) Action          { return Action{Type: ActionAddTag, Tag: tag} }
func ApplySLAPolicy(id string) Action   { return Action{Type: ActionApplySLAPolicy, PolicyID: id} }
func MarkSpam() Action                  { return Action{Type: ActionMarkSpam} }
func Escalate(reason string) Action     { return Action{Type: ActionEscalate, Reason: reason} }
func Stop() Action                      { return Action{Type: ActionStop} }

// NotifyRole notifies everyone with a role (RoleSupervisor, RoleAdmin).
func NotifyRole(role, message string) Action {
	return Action{Type: ActionNotify, Role: role, Message: message}
}

// NotifyAgent notifies one agent.
func NotifyAgent(agentID, message string) Action {
	return Action{Type: ActionNotify, AgentID: agentID, Message: message}
}

// actionParams lists the JSON parameters each type takes; the first list is required, the
// second optional. notify's role and agent_id are exclusive alternatives, checked apart.
var actionParams = map[string][2][]string{
	ActionAssignTeam:     {{"team_id"}, nil},
	ActionAssignAgent:    {{"agent_id"}, nil},
	ActionAutoAssign:     {nil, {"team_id"}},
	ActionSetPriority:    {{"priority"}, nil},
	ActionAddTag:         {{"tag"}, nil},
	ActionApplySLAPolicy: {{"policy_id"}, nil},
	ActionMarkSpam:       {nil, nil},
	ActionNotify:         {{"message"}, {"role", "agent_id"}},
	ActionEscalate:       {{"reason"}, nil},
	ActionStop:           {nil, nil},
}

// actionTypes lists the action types in the order the editor and error messages show them.
var actionTypes = []string{
	ActionAssignTeam, ActionAssignAgent, ActionAutoAssign, ActionSetPriority, ActionAddTag,
	ActionApplySLAPolicy, ActionMarkSpam, ActionNotify, ActionEscalate, ActionStop,
}

// ActionTypes returns the action types, for the rule editor.
func ActionTypes() []string { return slices.Clone(actionTypes) }

// params returns the action's parameters by JSON name. Priority counts as set when non-zero
// here; JSON decoding checks its presence separately, since 0 is a valid priority.
func (a *Action) params() map[string]string {
	m := map[string]string{}
	for k, v := range map[string]string{
		"team_id": a.TeamID, "agent_id": a.AgentID, "tag": a.Tag, "policy_id": a.PolicyID,
		"role": a.Role, "message": a.Message, "reason": a.Reason,
	} {
		if v != "" {
			m[k] = v
		}
	}
	if a.Priority != 0 {
		m["priority"] = fmt.Sprint(a.Priority)
	}
	return m
}

// validate returns what is wrong with a, or "".
func (a *Action) validate() string {
	if a.Type == "" {
		return "an action needs a type (" + strings.Join(actionTypes, ", ") + ")"
	}
	spec, ok := actionParams[a.Type]
	if !ok {
		return fmt.Sprintf("unknown action type %q (want %s)", a.Type, strings.Join(actionTypes, ", "))
	}
	set := a.params()
	for _, k := range sortedParamKeys(set) {
		if !slices.Contains(spec[0], k) && !slices.Contains(spec[1], k) {
			return fmt.Sprintf("%s takes no %s", a.Type, k)
		}
	}
	for _, k := range spec[0] {
		if _, ok := set[k]; !ok && k != "priority" {
			return fmt.Sprintf("%s needs %s", a.Type, k)
		}
	}
	switch a.Type {
	case ActionSetPriority:
		if a.Priority < PriorityNormal || a.Priority > PriorityUrgent {
			return fmt.Sprintf("priority %d is outside 0..3 (3 is urgent)", a.Priority)
		}
	case ActionAddTag:
		t := strings.TrimSpace(a.Tag)
		if t == "" {
			return "add_tag needs tag"
		}
		if utf8.RuneCountInString(t) > MaxTagLen {
			return fmt.Sprintf("tag is longer than %d characters", MaxTagLen)
		}
	case ActionNotify:
		if (a.Role == "") == (a.AgentID == "") {
			return "notify needs either role or agent_id"
		}
		if a.Role != "" && a.Role != RoleSupervisor && a.Role != RoleAdmin {
			return fmt.Sprintf("unknown role %q (want supervisor or admin)", a.Role)
		}
	}
	if len(a.Message) > MaxMessageLen || len(a.Reason) > MaxMessageLen {
		return fmt.Sprintf("%s text is longer than %d bytes", a.Type, MaxMessageLen)
	}
	return ""
}

func sortedParamKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// actionJSON is the wire shape. Priority is a pointer so that set_priority 0 is written.
type actionJSON struct {
	Type     string `json:"type"`
	TeamID   string `json:"team_id,omitempty"`
	AgentID  string `json:"agent_id,omitempty"`
	Priority *int   `json:"priority,omitempty"`
	Tag      string `json:"tag,omitempty"`
	PolicyID string `json:"policy_id,omitempty"`
	Role     string `json:"role,omitempty"`
	Message  string `json:"message,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

func (a Action) MarshalJSON() ([]byte, error) {
	j := actionJSON{Type: a.Type, TeamID: a.TeamID, AgentID: a.AgentID, Tag: a.Tag,
		PolicyID: a.PolicyID, Role: a.Role, Message: a.Message, Reason: a.Reason}
	if a.Type == ActionSetPriority || a.Priority != 0 {
		p := a.Priority
		j.Priority = &p
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes strictly, like Condition: an unknown or ill-typed key is a *Problem.
// Whether the parameters suit the type is Compile's business, so that Go-built and decoded
// actions get the same messages.
func (a *Action) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil || raw == nil {
		return &Problem{Message: "action must be an object"}
	}
	var out Action
	for _, key := range sortedKeys(raw) {
		v := raw[key]
		var err error
		switch key {
		case "type":
			err = decodeString(key, v, &out.Type)
		case "team_id":
			err = decodeString(key, v, &out.TeamID)
		case "agent_id":
			err = decodeString(key, v, &out.AgentID)
		case "priority":
			err = decodeInt(key, v, &out.Priority)
		case "tag":
			err = decodeString(key, v, &out.Tag)
		case "policy_id":
			err = decodeString(key, v, &out.PolicyID)
		case "role":
			err = decodeString(key, v, &out.Role)
		case "message":
			err = decodeString(key, v, &out.Message)
		case "reason":
			err = decodeString(key, v, &out.Reason)
		default:
			err = &Problem{Message: fmt.Sprintf("unknown key %q", key)}
		}
		if err != nil {
			return err
		}
	}
	// In Go a zero Priority is both "unset" and a valid priority; in JSON presence tells.
	_, hasPriority := raw["priority"]
	if !hasPriority && out.Type == ActionSetPriority {
		return &Problem{Message: "set_priority needs priority"}
	}
	if _, known := actionParams[out.Type]; hasPriority && known && out.Type != ActionSetPriority {
		return &Problem{Message: out.Type + " takes no priority"}
	}
	*a = out
	return nil
}
