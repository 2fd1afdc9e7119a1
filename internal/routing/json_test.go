package routing

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// allRules uses every node form and every action type.
func allRules() []Rule {
	return []Rule{
		{ID: "viral", Name: "Viral complaints", Enabled: true,
			When: All(
				Leaf("virality", "gte", 0.8),
				Any(Leaf("sentiment_label", "eq", "negative"), Leaf("intent", "in", []string{"complaint"})),
				Not(Leaf("spam", "is", true)),
			),
			Then: []Action{Escalate("viral complaint"), NotifyRole(RoleAdmin, "heads up"), NotifyAgent("a1", "yours")},
		},
		{ID: "vip", Enabled: false, When: Leaf("customer_tags", "has_any", []string{"vip"}),
			Then:      []Action{AssignTeam("vip"), AssignAgent("a2"), SetPriority(0), AddTag("vip"), ApplySLAPolicy("p1")},
			StopAfter: true},
		{ID: "store", When: Leaf("location", "neq", ""), Then: []Action{AutoAssign("stores"), AutoAssign("")}},
		{ID: "spam", Enabled: true, When: All(), Then: []Action{MarkSpam(), Stop()}},
		{ID: "empty", Enabled: true, Then: []Action{SetPriority(2)}},
	}
}

func TestRuleJSONRoundTrip(t *testing.T) {
	rules := allRules()
	b, err := json.Marshal(rules)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseRules(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	b2, _ := json.Marshal(back)
	if string(b) != string(b2) {
		t.Errorf("round trip changed the JSON:\n%s\n%s", b, b2)
	}
	// Values come back as JSON types ([]any, float64) but mean the same.
	a, b3 := mustCompile(t, rules...), mustCompile(t, back...)
	for _, f := range []Facts{sample(), {}, {Virality: 0.9, SentimentLabel: "negative"}} {
		if x, y := a.Evaluate(f), b3.Evaluate(f); !reflect.DeepEqual(x, y) {
			t.Errorf("outcomes differ:\n%+v\n%+v", x, y)
		}
	}
	if !back[0].Enabled || back[1].Enabled || !back[1].StopAfter || back[2].Enabled {
		t.Error("enabled or stop_after lost")
	}
}

// TestRuleJSONWire pins the format the store and the API keep.
func TestRuleJSONWire(t *testing.T) {
	r := Rule{ID: "r1", Name: "Billing", Enabled: true,
		When: All(Leaf("intent", "eq", "request_billing"), Not(Leaf("public", "is", false)), Any()),
		Then: []Action{AssignTeam("billing"), SetPriority(0), Stop()}}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"r1","name":"Billing","enabled":true,"when":{"all":[{"field":"intent","op":"eq","value":"request_billing"},{"not":{"field":"public","op":"is","value":false}},{"any":[]}]},"then":[{"type":"assign_team","team_id":"billing"},{"type":"set_priority","priority":0},{"type":"stop"}]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	b, _ = json.Marshal(Rule{ID: "r2"})
	if want := `{"id":"r2","enabled":false,"when":{},"then":[]}`; string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestParseRulesDefaultsEnabled(t *testing.T) {
	rules, err := ParseRules([]byte(`[{"id":"a","then":[{"type":"mark_spam"}]},{"id":"b","enabled":false,"when":{},"then":[{"type":"stop"}]}]`))
	if err != nil {
		t.Fatal(err)
	}
	if !rules[0].Enabled || rules[1].Enabled {
		t.Errorf("enabled = %v, %v; want true, false", rules[0].Enabled, rules[1].Enabled)
	}
}

func TestParseRulesErrors(t *testing.T) {
	cases := []struct {
		json, want string
	}{
		{`{}`, `rules: must be a JSON list of rules: …`}, // then encoding/json's own message
		{`[1]`, `rules[0]: rule must be an object`},
		{`[{"id":"a","then":[],"when":{"feild":"x"}}]`,
			`rules[0].when: unknown key "feild" (want all, any, not, or field, op, value)`},
		{`[{"id":"a","when":{"all":[{"field":"spam","op":"is","value":true},{"any":[{"fild":1}]}]}}]`,
			`rules[0].when.all[1].any[0]: unknown key "fild" (want all, any, not, or field, op, value)`},
		{`[{"id":"a","when":{"all":{}}}]`, `rules[0].when.all: must be a list of conditions`},
		{`[{"id":"a","when":{"any":null}}]`, `rules[0].when.any: must be a list of conditions`},
		{`[{"id":"a","when":{"not":null}}]`, `rules[0].when.not: condition must be an object`},
		{`[{"id":"a","when":{"not":[]}}]`, `rules[0].when.not: condition must be an object`},
		{`[{"id":"a","when":{"field":3}}]`, `rules[0].when.field: must be a string`},
		{`[{"id":"a","when":{"op":null}}]`, `rules[0].when.op: must be a string`},
		{`[{"id":"a","when":"spam"}]`, `rules[0].when: condition must be an object`},
		{`[{"id":7}]`, `rules[0].id: must be a string`},
		{`[{"id":"a","enabled":"yes"}]`, `rules[0].enabled: must be true or false`},
		{`[{"id":"a","stop_after":1}]`, `rules[0].stop_after: must be true or false`},
		{`[{"id":"a","than":[]}]`, `rules[0]: unknown key "than" (want id, name, enabled, when, then, stop_after)`},
		{`[{"id":"a","then":{}}]`, `rules[0].then: must be a list of actions`},
		{`[{"id":"a","then":[{"type":"add_tag","tag":"x"},"stop"]}]`, `rules[0].then[1]: action must be an object`},
		{`[{"id":"a","then":[{"type":"assign_team","team":"x"}]}]`, `rules[0].then[0]: unknown key "team"`},
		{`[{"id":"a","then":[{"type":"set_priority"}]}]`, `rules[0].then[0]: set_priority needs priority`},
		{`[{"id":"a","then":[{"type":"set_priority","priority":"3"}]}]`, `rules[0].then[0].priority: must be an integer`},
		{`[{"id":"a","then":[{"type":"set_priority","priority":2.5}]}]`, `rules[0].then[0].priority: must be an integer`},
		{`[{"id":"a","then":[{"type":"add_tag","tag":"x","priority":0}]}]`, `rules[0].then[0]: add_tag takes no priority`},
		{`[{"id":"a","then":[{"type":"notify","role":["admin"]}]}]`, `rules[0].then[0].role: must be a string`},
		// One problem per bad rule, every bad rule.
		{`[{"id":1},{"id":"ok"},{"x":1}]`, `rules[0].id: must be a string; rules[2]: unknown key "x" (want id, name, enabled, when, then, stop_after)`},
	}
	for _, c := range cases {
		_, err := ParseRules([]byte(c.json))
		if err == nil {
			t.Errorf("%s: parsed", c.json)
			continue
		}
		got := strings.TrimPrefix(err.Error(), "routing: ")
		if want, ok := strings.CutSuffix(c.want, "…"); ok && strings.HasPrefix(got, want) {
			continue
		}
		if got != c.want {
			t.Errorf("%s:\ngot  %s\nwant %s", c.json, got, c.want)
		}
	}
}

// Standalone decoding, as the store does for a rule's columns, gives relative paths.
func TestConditionUnmarshalStandalone(t *testing.T) {
	var c Condition
	err := json.Unmarshal([]byte(`{"any":[{"field":"spam","op":"is","value":true},{"nope":1}]}`), &c)
	if err == nil || err.Error() != `any[1]: unknown key "nope" (want all, any, not, or field, op, value)` {
		t.Errorf("err = %v", err)
	}
	var as []Action
	err = json.Unmarshal([]byte(`[{"type":"stop","why":1}]`), &as)
	if err == nil || err.Error() != `unknown key "why"` {
		t.Errorf("err = %v", err)
	}
}

func TestCompileJSON(t *testing.T) {
	rs, err := CompileJSON([]byte(`[
		{"id":"x","when":{"all":[{"field":"channel_type","op":"in","value":["x","facebook"]},
		                          {"field":"author_followers","op":"gte","value":10000}]},
		 "then":[{"type":"set_priority","priority":2},{"type":"add_tag","tag":"influencer"}]}]`))
	if err != nil {
		t.Fatal(err)
	}
	if o := rs.Evaluate(sample()); o.Priority != 2 || !slices.Equal(o.Tags, []string{"influencer"}) {
		t.Errorf("outcome %+v", o)
	}
	if _, err := CompileJSON([]byte(`[{"id":"x","when":{"field":"folowers","op":"gt","value":1},"then":[{"type":"stop"}]}]`)); err == nil ||
		err.Error() != `routing: rules[0].when: unknown field "folowers"` {
		t.Errorf("err = %v", err)
	}
}

// TestFactsFieldsAreConditionFields: every Facts field can be used in a condition, under its
// JSON name, with the kind its Go type implies, so adding a fact without a field fails here.
func TestFactsFieldsAreConditionFields(t *testing.T) {
	typ := reflect.TypeFor[Facts]()
	if typ.NumField() != int(numFields) {
		t.Fatalf("Facts has %d fields, conditions know %d", typ.NumField(), numFields)
	}
	for i := range typ.NumField() {
		sf := typ.Field(i)
		name := strings.Split(sf.Tag.Get("json"), ",")[0]
		id, ok := fieldByName[name]
		if !ok {
			t.Errorf("Facts.%s (%s) is no condition field", sf.Name, name)
			continue
		}
		var want []kind
		switch sf.Type.Kind() {
		case reflect.String:
			want = []kind{kindString, kindText}
		case reflect.Bool:
			want = []kind{kindBool}
		case reflect.Float64, reflect.Int64:
			want = []kind{kindNumber}
		case reflect.Slice:
			want = []kind{kindList}
		}
		if !slices.Contains(want, fields[id].kind) {
			t.Errorf("%s: kind %v for Go type %v", name, fields[id].kind, sf.Type)
		}
		// The accessor reads the right struct field.
		var f Facts
		v := reflect.ValueOf(&f).Elem().Field(i)
		switch v.Kind() {
		case reflect.String:
			v.SetString("probe")
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Float64:
			v.SetFloat(0.5)
		case reflect.Int64:
			v.SetInt(5)
		case reflect.Slice:
			v.Set(reflect.ValueOf([]string{"probe"}))
		}
		if got := f.value(id); !reflect.DeepEqual(got, v.Interface()) {
			t.Errorf("%s: accessor read %#v, want %#v", name, got, v.Interface())
		}
	}
}
