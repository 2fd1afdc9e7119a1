package routing

// RuleTrace explains one rule's result for a sample post, for the admin UI's "test against a
// sample" feature.
type RuleTrace struct {
	RuleID  string
	Name    string
	Enabled bool
	// Matched: the condition holds for the post (whether or not the rule is enabled).
	Matched bool
	// Fired: enabled, matched and reached; its actions are in Evaluate's Outcome.
	Fired bool
	// Skipped: an earlier rule stopped the evaluation before this one.
	Skipped bool
	// Stopped: this rule fired and stopped the evaluation.
	Stopped bool
	// Leaves holds every test of the condition, in tree order, each evaluated even where
	// Evaluate would have short-circuited, so the admin sees every result at once.
	Leaves []LeafTrace
}

// LeafTrace is the result of one field test.
type LeafTrace struct {
	Path    string // within the rule: "when", "when.all[1]", "when.any[0].not"
	Field   string
	Op      string
	Value   any // what the rule compares with: string, float64, bool or []string
	Actual  any // the post's fact
	Matched bool
}

// Explain evaluates every rule against f and reports, per rule and per test, what held. Its
// Fired rules are exactly Evaluate's.
func (rs *RuleSet) Explain(f Facts) []RuleTrace {
	if rs == nil {
		return nil
	}
	e := env{f: &f}
	out := make([]RuleTrace, len(rs.rules))
	stopped := false
	for i := range rs.rules {
		r := &rs.rules[i]
		t := RuleTrace{RuleID: r.id, Name: r.name, Enabled: r.enabled, Skipped: stopped}
		t.Matched = r.when.trace(&e, &t.Leaves)
		t.Fired = t.Matched && r.enabled && !stopped
		if t.Fired && r.stop {
			t.Stopped, stopped = true, true
		}
		out[i] = t
	}
	return out
}

// trace is eval without short-circuits, recording each leaf.
func (n *node) trace(e *env, leaves *[]LeafTrace) bool {
	switch n.op {
	case nAll:
		ok := true
		for i := range n.kids {
			ok = n.kids[i].trace(e, leaves) && ok
		}
		return ok
	case nAny:
		ok := false
		for i := range n.kids {
			ok = n.kids[i].trace(e, leaves) || ok
		}
		return ok
	case nNot:
		return !n.kids[0].trace(e, leaves)
	case nLeaf:
		l := n.leaf
		ok := l.eval(e)
		*leaves = append(*leaves, LeafTrace{
			Path: l.path, Field: fields[l.field].name, Op: opNames[l.op],
			Value: l.value, Actual: e.f.value(l.field), Matched: ok,
		})
		return ok
	}
	return true
}
