package routing

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Rule is one routing rule: when When holds for a post, Then applies. Rules are evaluated in the
// order given to Compile. A disabled rule is still validated, and Explain still shows whether it
// would have matched, but it never fires.
type Rule struct {
	ID        string
	Name      string
	Enabled   bool
	When      Condition
	Then      []Action
	StopAfter bool // when the rule fires, later rules are not evaluated (as a stop action)
}

type ruleJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name,omitempty"`
	Enabled   bool      `json:"enabled"`
	When      Condition `json:"when"`
	Then      []Action  `json:"then"`
	StopAfter bool      `json:"stop_after,omitempty"`
}

func (r Rule) MarshalJSON() ([]byte, error) {
	j := ruleJSON(r)
	if j.Then == nil {
		j.Then = []Action{}
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes strictly (an unknown key is a *Problem, with its path). A missing
// "enabled" means enabled: a hand-written rule file lists rules to use; the UI always writes it.
func (r *Rule) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil || raw == nil {
		return &Problem{Message: "rule must be an object"}
	}
	out := Rule{Enabled: true}
	for _, key := range sortedKeys(raw) {
		v := raw[key]
		var err error
		switch key {
		case "id":
			err = decodeString(key, v, &out.ID)
		case "name":
			err = decodeString(key, v, &out.Name)
		case "enabled":
			err = decodeBool(key, v, &out.Enabled)
		case "stop_after":
			err = decodeBool(key, v, &out.StopAfter)
		case "when":
			if err = out.When.UnmarshalJSON(v); err != nil {
				err = prefixed(key, err)
			}
		case "then":
			out.Then, err = decodeActions(v)
		default:
			err = &Problem{Message: fmt.Sprintf("unknown key %q (want id, name, enabled, when, then, stop_after)", key)}
		}
		if err != nil {
			return err
		}
	}
	*r = out
	return nil
}

func decodeActions(v json.RawMessage) ([]Action, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(v, &raws); err != nil || raws == nil {
		return nil, &Problem{Path: "then", Message: "must be a list of actions"}
	}
	out := make([]Action, len(raws))
	for i, r := range raws {
		if err := out[i].UnmarshalJSON(r); err != nil {
			return nil, prefixed(fmt.Sprintf("then[%d]", i), err)
		}
	}
	return out, nil
}

// ParseRules decodes a JSON list of rules. Unlike json.Unmarshal, its *ValidationError
// locates each problem from the top ("rules[2].when.all[1]: unknown key \"feild\"") and
// reports one problem per bad rule rather than only the first.
func ParseRules(data []byte) ([]Rule, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		return nil, &ValidationError{Problems: []Problem{{Path: "rules", Message: "must be a JSON list of rules: " + err.Error()}}}
	}
	var ps problems
	rules := make([]Rule, len(raws))
	for i, r := range raws {
		if err := rules[i].UnmarshalJSON(r); err != nil {
			ps.addErr(fmt.Sprintf("rules[%d]", i), err)
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return rules, nil
}

// CompileJSON is ParseRules followed by Compile.
func CompileJSON(data []byte) (*RuleSet, error) {
	rules, err := ParseRules(data)
	if err != nil {
		return nil, err
	}
	return Compile(rules)
}

// RuleSet is a compiled, immutable list of rules. It is safe for concurrent use; to change the
// rules, compile a new set and swap it in.
type RuleSet struct {
	rules []compiledRule
}

type compiledRule struct {
	id, name string
	enabled  bool
	when     node
	then     []Action // validated copies, tags trimmed
	stop     bool     // StopAfter or a stop action
}

// Compile validates rules and prepares them for evaluation: regexes compiled, text folded,
// values converted. It reports every problem, with its path, in a *ValidationError. Rule IDs
// must be present and unique, since Outcome and the audit trail name rules by ID.
func Compile(rules []Rule) (*RuleSet, error) {
	var ps problems
	rs := &RuleSet{rules: make([]compiledRule, len(rules))}
	seen := make(map[string]int, len(rules))
	for i := range rules {
		r := &rules[i]
		base := fmt.Sprintf("rules[%d]", i)
		switch prev, dup := seen[r.ID]; {
		case strings.TrimSpace(r.ID) == "":
			ps.add(base+".id", "a rule needs an id")
		case dup:
			ps.add(base+".id", fmt.Sprintf("duplicate id %q (also rules[%d])", r.ID, prev))
		default:
			seen[r.ID] = i
		}
		cc := condCompiler{base: base, ps: &ps}
		c := compiledRule{
			id: r.ID, name: r.Name, enabled: r.Enabled,
			when: cc.compile(&r.When, "when", 0),
			stop: r.StopAfter,
		}
		if len(r.Then) == 0 && !r.StopAfter {
			ps.add(base+".then", "a rule needs at least one action")
		}
		c.then = make([]Action, len(r.Then))
		for j, a := range r.Then {
			if msg := a.validate(); msg != "" {
				ps.add(fmt.Sprintf("%s.then[%d]", base, j), msg)
			}
			a.Tag = strings.TrimSpace(a.Tag)
			c.then[j] = a
			c.stop = c.stop || a.Type == ActionStop
		}
		rs.rules[i] = c
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return rs, nil
}

// Len returns the number of rules, enabled or not.
func (rs *RuleSet) Len() int {
	if rs == nil {
		return 0
	}
	return len(rs.rules)
}
