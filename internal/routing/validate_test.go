package routing

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func tagRule(id string, when Condition) Rule {
	return Rule{ID: id, Enabled: true, When: when, Then: []Action{AddTag("t")}}
}

func TestCompileConditionErrors(t *testing.T) {
	deep := Leaf("spam", "is", true)
	for range MaxDepth + 1 {
		deep = Not(deep)
	}
	cases := []struct {
		name string
		when Condition
		want string
	}{
		{"unknown field", All(Leaf("spam", "is", false), Leaf("folowers", "gt", 10)),
			`rules[0].when.all[1]: unknown field "folowers"`},
		{"unknown op for string", Leaf("channel_type", "gt", 1),
			`rules[0].when: unknown op "gt" for string field "channel_type" (want eq, neq, in, not_in)`},
		{"string op on text", Leaf("text", "eq", "hi"),
			`rules[0].when: unknown op "eq" for text field "text" (want contains, not_contains, starts_with, regex)`},
		{"no such op", Leaf("virality", "between", 1),
			`rules[0].when: unknown op "between" for number field "virality" (want gt, gte, lt, lte, eq)`},
		{"list op on bool", Leaf("spam", "has", "x"),
			`rules[0].when: unknown op "has" for boolean field "spam" (want is)`},
		{"bool op on list", Leaf("customer_tags", "is", true),
			`rules[0].when: unknown op "is" for list field "customer_tags" (want has, has_any, has_none)`},
		{"missing op", Condition{Field: "spam"},
			`rules[0].when: field "spam" needs an op (is)`},
		{"missing field", Condition{Op: "eq", Value: "x"},
			`rules[0].when: a test needs a field`},
		{"bad regex", Any(Leaf("text", "regex", "(refund")),
			"rules[0].when.any[0]: bad regex: error parsing regexp: missing closing ): `(refund`"},
		{"regex too long", Leaf("text", "regex", strings.Repeat("a", MaxPatternLen+1)),
			`rules[0].when: regex is 513 bytes long; the limit is 512`},
		{"empty regex", Leaf("text", "regex", ""), `rules[0].when: value for "regex" must not be empty`},
		{"in with a string", Leaf("channel_type", "in", "x"),
			`rules[0].when: value for "in" must be a non-empty list of strings, got a string`},
		{"in with empty list", Leaf("channel_type", "in", []string{}),
			`rules[0].when: value for "in" must be a non-empty list of strings, got a list`},
		{"in with numbers", Leaf("channel_type", "not_in", []any{"x", 1.0}),
			`rules[0].when: value for "not_in" must be a non-empty list of strings, got a list`},
		{"eq with a number", Leaf("channel_id", "eq", 7),
			`rules[0].when: value for "eq" must be a string, got a number`},
		{"gt with a string", Leaf("author_followers", "gt", "1000"),
			`rules[0].when: value for "gt" must be a number, got a string`},
		{"number eq with a bool", Leaf("author_followers", "eq", true),
			`rules[0].when: value for "eq" must be a number, got a boolean`},
		{"NaN", Leaf("sentiment_score", "lt", math.NaN()),
			`rules[0].when: value for "lt" must be a finite number`},
		{"is with a string", Leaf("spam", "is", "true"),
			`rules[0].when: value for "is" must be true or false, got a string`},
		{"is with nothing", Leaf("spam", "is", nil),
			`rules[0].when: value for "is" must be true or false, got nothing`},
		{"has with a list", Leaf("customer_tags", "has", []string{"a"}),
			`rules[0].when: value for "has" must be a string, got a list`},
		{"has empty", Leaf("customer_tags", "has", ""),
			`rules[0].when: value for "has" must not be empty`},
		{"has_any with an object", Leaf("customer_tags", "has_any", map[string]any{"a": 1.0}),
			`rules[0].when: value for "has_any" must be a non-empty list of strings, got an object`},
		{"contains empty", Leaf("text", "contains", ""),
			`rules[0].when: value for "contains" must not be empty`},
		{"contains a number", Leaf("text", "starts_with", 3),
			`rules[0].when: value for "starts_with" must be a string, got a number`},
		{"unknown intent", Leaf("intent", "eq", "complain"),
			`rules[0].when: unknown intent "complain" (want question, complaint, praise, chatter, request_order, request_account, request_billing, request_delivery, request_technical)`},
		{"unknown sentiment in list", Leaf("sentiment_label", "in", []string{"negative", "angry"}),
			`rules[0].when: unknown sentiment_label "angry" (want positive, neutral, negative)`},
		{"virality out of range", Leaf("virality", "gte", 5),
			`rules[0].when: value 5 is outside the range of virality (0 to 1)`},
		{"sentiment out of range", Leaf("sentiment_score", "lt", -2),
			`rules[0].when: value -2 is outside the range of sentiment_score (-1 to 1)`},
		{"empty any", All(Any()), `rules[0].when.all[0]: any needs at least one condition`},
		{"two forms", Condition{All: []Condition{}, Field: "spam", Op: "is", Value: true},
			`rules[0].when: a condition must have only one of all, any, not or field; this one has all and field`},
		{"error under not", Not(Any(Leaf("spam", "is", 1))),
			`rules[0].when.not.any[0]: value for "is" must be true or false, got a number`},
		{"too deep", deep,
			`rules[0].when` + strings.Repeat(".not", MaxDepth+1) + `: conditions nested deeper than 32 levels`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compile([]Rule{tagRule("r", c.when)})
			if err == nil {
				t.Fatal("compiled")
			}
			if got := strings.TrimPrefix(err.Error(), "routing: "); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestCompileReportsEveryProblem: an admin fixes all mistakes from one message.
func TestCompileReportsEveryProblem(t *testing.T) {
	rules := []Rule{
		tagRule("a", Leaf("spam", "is", true)),
		{ID: "", Enabled: true, When: Leaf("spam", "is", true), Then: []Action{AddTag("t")}},
		tagRule("a", Leaf("spam", "is", true)),
		{ID: "b", Enabled: false, When: All(Leaf("x", "eq", "y"), Leaf("spam", "is", 1)), Then: []Action{{Type: "assign"}}},
		{ID: "c", Enabled: true},
	}
	_, err := Compile(rules)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *ValidationError", err)
	}
	want := []Problem{
		{"rules[1].id", "a rule needs an id"},
		{"rules[2].id", `duplicate id "a" (also rules[0])`},
		{"rules[3].when.all[0]", `unknown field "x"`},
		{"rules[3].when.all[1]", `value for "is" must be true or false, got a number`},
		{"rules[3].then[0]", `unknown action type "assign" (want assign_team, assign_agent, auto_assign, set_priority, add_tag, apply_sla_policy, mark_spam, notify, escalate, stop)`},
		{"rules[4].then", "a rule needs at least one action"},
	}
	if len(ve.Problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ve.Problems), len(want), err)
	}
	for i := range want {
		if ve.Problems[i] != want[i] {
			t.Errorf("problem %d = %+v, want %+v", i, ve.Problems[i], want[i])
		}
	}
}

func TestCompileCapsProblems(t *testing.T) {
	var rules []Rule
	for range 200 {
		rules = append(rules, Rule{})
	}
	_, err := Compile(rules)
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != maxProblems {
		t.Fatalf("got %v", err)
	}
}

// A rule with only stop_after and no actions is a gate ("spam: stop here") and is valid.
func TestStopAfterWithoutActions(t *testing.T) {
	mustCompile(t, Rule{ID: "gate", Enabled: true, When: Leaf("spam", "is", true), StopAfter: true})
}

// Compile copies values: changing the caller's slices afterwards changes nothing.
func TestCompileCopiesValues(t *testing.T) {
	vals := []string{"x"}
	r := tagRule("r", Leaf("channel_type", "in", vals))
	rs := mustCompile(t, r)
	vals[0] = "facebook"
	r.Then[0].Tag = "changed"
	o := rs.Evaluate(sample())
	if len(o.Fired) != 1 || o.Tags[0] != "t" {
		t.Errorf("outcome changed with the caller's slices: %+v", o)
	}
}
