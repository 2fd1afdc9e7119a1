package routing

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func FuzzCompileJSON(f *testing.F) {
	seed, _ := json.Marshal(allRules())
	f.Add(seed)
	f.Add([]byte(`[{"id":"a","when":{"field":"text","op":"regex","value":"(?i)refund|order #\\d+"},"then":[{"type":"add_tag","tag":"x"}]}]`))
	f.Add([]byte(`[{"id":"a","when":{"field":"text","op":"regex","value":"` + strings.Repeat("a*", 300) + `"},"then":[{"type":"stop"}]}]`))
	f.Add([]byte(`[{"id":"a","when":` + strings.Repeat(`{"not":`, 40) + `{}` + strings.Repeat(`}`, 40) + `,"then":[{"type":"stop"}]}]`))
	f.Add([]byte(`[{"id":"a","when":{"any":[{"field":"customer_tags","op":"has_any","value":["VIP"]},{"field":"virality","op":"gte","value":0.5}]},"then":[{"type":"set_priority","priority":3}]}]`))
	f.Add([]byte(`[{"id":"a","when":{"field":"text","op":"contains","value":"Café"},"then":[{"type":"notify","role":"admin","message":"m"}]},{"id":"a"}]`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[null]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := CompileJSON(data)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 || len(ve.Problems) > maxProblems {
				t.Fatalf("error %T %v", err, err)
			}
			for _, p := range ve.Problems {
				if p.Message == "" {
					t.Fatalf("empty message in %v", err)
				}
			}
			return
		}
		for i := range rs.rules {
			checkLimits(t, &rs.rules[i].when, 0)
		}
		facts := []Facts{{}, sample(), {Text: string(data), ChannelType: "x", CustomerTags: []string{"vip"}}}
		for _, fa := range facts {
			o := rs.Evaluate(fa)
			var fired []string
			for _, tr := range rs.Explain(fa) {
				if tr.Fired {
					fired = append(fired, tr.RuleID)
				}
			}
			if !slices.Equal(o.Fired, fired) {
				t.Fatalf("Evaluate fired %v, Explain %v", o.Fired, fired)
			}
		}
		// A valid rule set stays valid, and means the same, after a round trip.
		rules, _ := ParseRules(data)
		out, err := json.Marshal(rules)
		if err != nil {
			t.Fatal(err)
		}
		rs2, err := CompileJSON(out)
		if err != nil {
			t.Fatalf("round trip broke the rules: %v\n%s", err, out)
		}
		for _, fa := range facts {
			if a, b := rs.Evaluate(fa), rs2.Evaluate(fa); !slices.Equal(a.Fired, b.Fired) {
				t.Fatalf("round trip changed what fires: %v, %v", a.Fired, b.Fired)
			}
		}
	})
}

func checkLimits(t *testing.T, n *node, depth int) {
	if depth > MaxDepth+1 {
		t.Fatalf("compiled a condition %d levels deep", depth)
	}
	if n.leaf != nil && n.leaf.re != nil && len(n.leaf.re.String()) > MaxPatternLen {
		t.Fatalf("compiled a %d-byte regex", len(n.leaf.re.String()))
	}
	for i := range n.kids {
		checkLimits(t, &n.kids[i], depth+1)
	}
}
