package routing

import "strings"

// env is the per-post state of one evaluation: the text is folded at most once, and only when a
// text op asks for it.
type env struct {
	f      *Facts
	folded string
	done   bool
}

func (e *env) foldedText() string {
	if !e.done {
		e.folded, e.done = fold(e.f.Text), true
	}
	return e.folded
}

// eval short-circuits, cheapest test first: all stops at the first false child, any at the
// first true one.
func (n *node) eval(e *env) bool {
	switch n.op {
	case nAll:
		for i := range n.fast {
			if !n.fast[i].eval(e) {
				return false
			}
		}
		return true
	case nAny:
		for i := range n.fast {
			if n.fast[i].eval(e) {
				return true
			}
		}
		return false
	case nNot:
		return !n.kids[0].eval(e)
	case nLeaf:
		return n.leaf.eval(e)
	}
	return true
}

func (l *leaf) eval(e *env) bool {
	f := e.f
	switch l.kind {
	case kindString:
		v := f.str(l.field)
		switch l.op {
		case opEq:
			return strings.EqualFold(v, l.s)
		case opNeq:
			return !strings.EqualFold(v, l.s)
		case opIn:
			return containsFold(l.list, v)
		case opNotIn:
			return !containsFold(l.list, v)
		}
	case kindText:
		switch l.op {
		case opContains:
			return strings.Contains(e.foldedText(), l.s)
		case opNotContains:
			return !strings.Contains(e.foldedText(), l.s)
		case opStartsWith:
			return strings.HasPrefix(e.foldedText(), l.s)
		case opRegex:
			return l.pre.pass(e) && l.re.MatchString(f.Text)
		}
	case kindNumber:
		v := f.num(l.field)
		switch l.op {
		case opGt:
			return v > l.n
		case opGte:
			return v >= l.n
		case opLt:
			return v < l.n
		case opLte:
			return v <= l.n
		case opEq:
			return v == l.n
		}
	case kindBool:
		return f.boolean(l.field) == l.b
	case kindList:
		v := f.list(l.field)
		switch l.op {
		case opHas:
			return containsFold(v, l.s)
		case opHasAny:
			return overlapFold(v, l.list)
		case opHasNone:
			return !overlapFold(v, l.list)
		}
	}
	return false
}

// containsFold compares case-insensitively: channel types, languages, tags and ids are
// identifiers that people type in either case.
func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// overlapFold reports whether a and b share an element, case-insensitively.
func overlapFold(a, b []string) bool {
	for _, s := range b {
		if containsFold(a, s) {
			return true
		}
	}
	return false
}
