package routing

import (
	"reflect"
	"strings"
	"testing"
)

func TestActionValidation(t *testing.T) {
	long := strings.Repeat("x", MaxMessageLen+1)
	cases := []struct {
		a    Action
		want string // "" = valid
	}{
		{AssignTeam("billing"), ""},
		{AssignTeam(""), "assign_team needs team_id"},
		{Action{Type: ActionAssignTeam, TeamID: "t", AgentID: "a"}, "assign_team takes no agent_id"},
		{AssignAgent("alice"), ""},
		{AssignAgent(""), "assign_agent needs agent_id"},
		{Action{Type: ActionAssignAgent, AgentID: "a", Priority: 2}, "assign_agent takes no priority"},
		{AutoAssign(""), ""},
		{AutoAssign("care"), ""},
		{Action{Type: ActionAutoAssign, Tag: "x"}, "auto_assign takes no tag"},
		{SetPriority(0), ""},
		{SetPriority(3), ""},
		{SetPriority(4), "priority 4 is outside 0..3 (3 is urgent)"},
		{SetPriority(-1), "priority -1 is outside 0..3 (3 is urgent)"},
		{AddTag("refund"), ""},
		{AddTag(""), "add_tag needs tag"},
		{AddTag("   "), "add_tag needs tag"},
		{AddTag(strings.Repeat("é", MaxTagLen)), ""},
		{AddTag(strings.Repeat("é", MaxTagLen+1)), "tag is longer than 64 characters"},
		{ApplySLAPolicy("vip"), ""},
		{ApplySLAPolicy(""), "apply_sla_policy needs policy_id"},
		{MarkSpam(), ""},
		{Action{Type: ActionMarkSpam, Reason: "x"}, "mark_spam takes no reason"},
		{NotifyRole(RoleSupervisor, "look"), ""},
		{NotifyRole(RoleAdmin, "look"), ""},
		{NotifyAgent("alice", "look"), ""},
		{NotifyRole("boss", "look"), `unknown role "boss" (want supervisor or admin)`},
		{NotifyRole(RoleSupervisor, ""), "notify needs message"},
		{Action{Type: ActionNotify, Message: "m"}, "notify needs either role or agent_id"},
		{Action{Type: ActionNotify, Role: RoleAdmin, AgentID: "a", Message: "m"}, "notify needs either role or agent_id"},
		{NotifyRole(RoleAdmin, long), "notify text is longer than 1000 bytes"},
		{Escalate("viral complaint"), ""},
		{Escalate(""), "escalate needs reason"},
		{Escalate(long), "escalate text is longer than 1000 bytes"},
		{Stop(), ""},
		{Action{Type: ActionStop, TeamID: "t"}, "stop takes no team_id"},
		{Action{}, "an action needs a type (assign_team, assign_agent, auto_assign, set_priority, add_tag, apply_sla_policy, mark_spam, notify, escalate, stop)"},
	}
	for _, c := range cases {
		t.Run(c.a.Type+" "+c.want, func(t *testing.T) {
			_, err := Compile([]Rule{{ID: "r", Enabled: true, Then: []Action{AddTag("ok"), c.a}}})
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.want != "" && err == nil:
				t.Fatalf("compiled, want %q", c.want)
			case c.want != "" && err.Error() != "routing: rules[0].then[1]: "+c.want:
				t.Errorf("got  %v\nwant rules[0].then[1]: %s", err, c.want)
			}
		})
	}
}

// TestActionEffects: each action alone, on a rule that matches.
func TestActionEffects(t *testing.T) {
	cases := []struct {
		a    Action
		want Outcome
	}{
		{AssignTeam("billing"), Outcome{TeamID: "billing"}},
		{AssignAgent("alice"), Outcome{AgentID: "alice"}},
		{AutoAssign(""), Outcome{AutoAssign: true}},
		{AutoAssign("care"), Outcome{AutoAssign: true, TeamID: "care"}},
		{SetPriority(0), Outcome{Priority: 0, PrioritySet: true}},
		{SetPriority(2), Outcome{Priority: 2, PrioritySet: true}},
		{AddTag(" refund "), Outcome{Tags: []string{"refund"}}},
		{ApplySLAPolicy("vip"), Outcome{SLAPolicyID: "vip"}},
		{MarkSpam(), Outcome{Spam: true}},
		{NotifyRole(RoleAdmin, "look"), Outcome{Notifications: []Notification{{RuleID: "r", Role: RoleAdmin, Message: "look"}}}},
		{NotifyAgent("bob", "yours"), Outcome{Notifications: []Notification{{RuleID: "r", AgentID: "bob", Message: "yours"}}}},
		{Escalate("going viral"), Outcome{
			Priority: PriorityUrgent, PrioritySet: true,
			Notifications: []Notification{{RuleID: "r", Role: RoleSupervisor, Message: "going viral"}},
			Escalations:   []Escalation{{RuleID: "r", Reason: "going viral"}},
		}},
		{Stop(), Outcome{StoppedBy: "r"}},
	}
	for _, c := range cases {
		t.Run(c.a.Type, func(t *testing.T) {
			rs := mustCompile(t, Rule{ID: "r", Enabled: true, Then: []Action{c.a}})
			c.want.Fired = []string{"r"}
			if got := rs.Evaluate(sample()); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	r := func(id string, when Condition, then ...Action) Rule {
		return Rule{ID: id, Enabled: true, When: when, Then: then}
	}
	always := Condition{}
	never := Leaf("spam", "is", true) // sample() is not spam
	cases := []struct {
		name  string
		rules []Rule
		want  Outcome
	}{
		{"no rules", nil, Outcome{}},
		{"nothing matches", []Rule{r("a", never, AssignTeam("x"))}, Outcome{}},
		{"first team wins", []Rule{
			r("a", always, AssignTeam("care")),
			r("b", always, AssignTeam("billing")),
		}, Outcome{Fired: []string{"a", "b"}, TeamID: "care"}},
		{"first assignee wins", []Rule{
			r("a", always, AssignAgent("alice")),
			r("b", always, AssignAgent("bob"), AutoAssign("")),
		}, Outcome{Fired: []string{"a", "b"}, AgentID: "alice"}},
		{"auto before agent wins", []Rule{
			r("a", always, AutoAssign("")),
			r("b", always, AssignAgent("bob")),
		}, Outcome{Fired: []string{"a", "b"}, AutoAssign: true}},
		{"auto picks among the earlier team", []Rule{
			r("a", always, AssignTeam("care")),
			r("b", always, AutoAssign("general")),
		}, Outcome{Fired: []string{"a", "b"}, TeamID: "care", AutoAssign: true}},
		{"auto's team stands against a later team", []Rule{
			r("a", always, AutoAssign("general")),
			r("b", always, AssignTeam("care")),
		}, Outcome{Fired: []string{"a", "b"}, TeamID: "general", AutoAssign: true}},
		{"agent and team are separate decisions", []Rule{
			r("a", always, AssignAgent("alice")),
			r("b", always, AssignTeam("care")),
		}, Outcome{Fired: []string{"a", "b"}, AgentID: "alice", TeamID: "care"}},
		{"highest priority wins", []Rule{
			r("a", always, SetPriority(1)),
			r("b", always, SetPriority(3)),
			r("c", always, SetPriority(2)),
		}, Outcome{Fired: []string{"a", "b", "c"}, Priority: 3, PrioritySet: true}},
		{"escalate beats a later lower priority", []Rule{
			r("a", always, Escalate("loud")),
			r("b", always, SetPriority(0)),
		}, Outcome{Fired: []string{"a", "b"}, Priority: 3, PrioritySet: true,
			Notifications: []Notification{{RuleID: "a", Role: RoleSupervisor, Message: "loud"}},
			Escalations:   []Escalation{{RuleID: "a", Reason: "loud"}}}},
		{"tags accumulate without duplicates", []Rule{
			r("a", always, AddTag("refund"), AddTag("vip")),
			r("b", always, AddTag("VIP"), AddTag("delivery")),
		}, Outcome{Fired: []string{"a", "b"}, Tags: []string{"refund", "vip", "delivery"}}},
		{"first policy wins", []Rule{
			r("a", always, ApplySLAPolicy("vip")),
			r("b", always, ApplySLAPolicy("default")),
		}, Outcome{Fired: []string{"a", "b"}, SLAPolicyID: "vip"}},
		{"notifications accumulate in order", []Rule{
			r("a", always, NotifyAgent("alice", "1"), NotifyRole(RoleAdmin, "2")),
			r("b", always, NotifyRole(RoleSupervisor, "3")),
		}, Outcome{Fired: []string{"a", "b"}, Notifications: []Notification{
			{RuleID: "a", AgentID: "alice", Message: "1"},
			{RuleID: "a", Role: RoleAdmin, Message: "2"},
			{RuleID: "b", Role: RoleSupervisor, Message: "3"},
		}}},
		{"spam sticks", []Rule{
			r("a", always, MarkSpam()),
			r("b", always, AddTag("x")),
		}, Outcome{Fired: []string{"a", "b"}, Spam: true, Tags: []string{"x"}}},
		{"stop ends evaluation after its rule's actions", []Rule{
			r("a", always, AddTag("1")),
			r("b", always, Stop(), AddTag("2")),
			r("c", always, AddTag("3")),
		}, Outcome{Fired: []string{"a", "b"}, Tags: []string{"1", "2"}, StoppedBy: "b"}},
		{"stop_after", []Rule{
			{ID: "a", Enabled: true, Then: []Action{AddTag("1")}, StopAfter: true},
			r("b", always, AddTag("2")),
		}, Outcome{Fired: []string{"a"}, Tags: []string{"1"}, StoppedBy: "a"}},
		{"a stop that does not match does not stop", []Rule{
			r("a", never, Stop()),
			r("b", always, AddTag("2")),
		}, Outcome{Fired: []string{"b"}, Tags: []string{"2"}}},
		{"disabled rules neither fire nor stop", []Rule{
			{ID: "a", Enabled: false, Then: []Action{AssignTeam("x"), Stop()}},
			r("b", always, AssignTeam("y")),
		}, Outcome{Fired: []string{"b"}, TeamID: "y"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := mustCompile(t, c.rules...)
			if got := rs.Evaluate(sample()); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestNilRuleSet(t *testing.T) {
	var rs *RuleSet
	if o := rs.Evaluate(sample()); !reflect.DeepEqual(o, Outcome{}) || rs.Explain(sample()) != nil || rs.Len() != 0 {
		t.Error("nil RuleSet should fire nothing")
	}
}

func TestShouldEscalate(t *testing.T) {
	f := sample() // virality 0.7, negative, not spam
	pos := f
	pos.SentimentLabel = "positive"
	spam := f
	spam.Spam = true
	cases := []struct {
		name      string
		f         Facts
		threshold float64
		neg       bool
		want      bool
	}{
		{"above", f, 0.5, false, true},
		{"at", f, 0.7, false, true},
		{"below", f, 0.8, false, false},
		{"negative required and negative", f, 0.5, true, true},
		{"negative required, positive post", pos, 0.5, true, false},
		{"positive post, negative not required", pos, 0.5, false, true},
		{"spam never", spam, 0.5, false, false},
		{"zero threshold is off", f, 0, false, false},
		{"threshold above 1 is off", f, 1.5, false, false},
	}
	for _, c := range cases {
		if got := ShouldEscalate(c.f, c.threshold, c.neg); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
