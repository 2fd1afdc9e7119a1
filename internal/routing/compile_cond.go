package routing

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

// MaxPatternLen caps a regex op's pattern in bytes. RE2 runs in linear time whatever the
// pattern, but its compiled size grows with the pattern; routing patterns are short.
const MaxPatternLen = 512

// MaxDepth caps the nesting of condition groups. The editor builds two or three levels; the cap
// keeps a hostile rule file from costing deep recursion on every post.
const MaxDepth = 32

type opID uint8

const (
	opEq opID = iota + 1
	opNeq
	opIn
	opNotIn
	opContains
	opNotContains
	opStartsWith
	opRegex
	opGt
	opGte
	opLt
	opLte
	opIs
	opHas
	opHasAny
	opHasNone
)

// kindOps lists the ops of each field kind, in the order error messages and the editor show.
var kindOps = map[kind][]string{
	kindString: {"eq", "neq", "in", "not_in"},
	kindText:   {"contains", "not_contains", "starts_with", "regex"},
	kindNumber: {"gt", "gte", "lt", "lte", "eq"},
	kindBool:   {"is"},
	kindList:   {"has", "has_any", "has_none"},
}

var opByName = map[string]opID{
	"eq": opEq, "neq": opNeq, "in": opIn, "not_in": opNotIn,
	"contains": opContains, "not_contains": opNotContains, "starts_with": opStartsWith, "regex": opRegex,
	"gt": opGt, "gte": opGte, "lt": opLt, "lte": opLte,
	"is":  opIs,
	"has": opHas, "has_any": opHasAny, "has_none": opHasNone,
}

// opNames maps an opID back to its name, for explanations.
var opNames = func() (names [opHasNone + 1]string) {
	for name, id := range opByName {
		names[id] = name
	}
	return names
}()

// Ops returns the ops a field accepts, for the rule editor; nil for an unknown field.
func Ops(field string) []string {
	id, ok := fieldByName[field]
	if !ok {
		return nil
	}
	return slices.Clone(kindOps[fields[id].kind])
}

type nodeOp uint8

const (
	nTrue nodeOp = iota // the empty condition, or an empty all
	nAll
	nAny
	nNot
	nLeaf
)

// node is a compiled condition. Evaluation walks it with a switch: no interface calls, no
// allocation.
type node struct {
	op   nodeOp
	kids []node // as written, for explanations
	// fast holds the kids of all and any cheapest first: tests are pure, so their order cannot
	// change a result, and a cheap false (all) or true (any) spares a regex.
	fast []node
	cost int
	leaf *leaf
}

// Relative costs of tests on a typical post, measured roughly; only their order matters.
const (
	costField    = 1   // a boolean, number or string comparison
	costList     = 3   // a scan of a short list
	costText     = 10  // a substring search (folding the text is done once, shared)
	costRegex    = 60  // a regex behind its literal prefilter, which usually rejects the post
	costRegexAll = 400 // a regex without literals, run on every post
)

func groupNode(op nodeOp, kids []node) node {
	n := node{op: op, kids: kids, fast: slices.Clone(kids)}
	slices.SortStableFunc(n.fast, func(a, b node) int { return a.cost - b.cost })
	for _, k := range kids {
		n.cost += k.cost
	}
	return n
}

func leafCost(l *leaf) int {
	switch {
	case l.op == opRegex && len(l.pre) > 0:
		return costText + costRegex
	case l.op == opRegex:
		return costRegexAll
	case l.kind == kindText:
		return costText
	case l.op == opIn || l.op == opNotIn || l.kind == kindList:
		return costList
	}
	return costField
}

// leaf is a compiled field test. Only the members its op uses are set.
type leaf struct {
	field fieldID
	kind  kind
	op    opID
	s     string   // eq, neq, has; contains and starts_with folded
	list  []string // in, not_in, has_any, has_none
	n     float64
	b     bool
	re    *regexp.Regexp
	pre   prefilter // for re

	// For explanations.
	path  string // relative to the rule: "when.all[1]"
	value any    // the value, normalised: string, float64, bool or []string
}

// condCompiler compiles one rule's condition. base is the path prefix of its errors
// ("rules[2]"); leaf paths are kept relative to the rule.
type condCompiler struct {
	base string
	ps   *problems
}

func (cc *condCompiler) compile(c *Condition, rel string, depth int) node {
	path := joinPath(cc.base, rel)
	if depth > MaxDepth {
		cc.ps.add(path, fmt.Sprintf("conditions nested deeper than %d levels", MaxDepth))
		return node{}
	}
	var forms []string
	if c.All != nil {
		forms = append(forms, "all")
	}
	if c.Any != nil {
		forms = append(forms, "any")
	}
	if c.Not != nil {
		forms = append(forms, "not")
	}
	if c.Field != "" || c.Op != "" || c.Value != nil {
		forms = append(forms, "field")
	}
	if len(forms) > 1 {
		cc.ps.add(path, "a condition must have only one of all, any, not or field; this one has "+strings.Join(forms, " and "))
		return node{}
	}
	switch {
	case c.All != nil:
		if len(c.All) == 0 {
			return node{op: nTrue}
		}
		return groupNode(nAll, cc.kids("all", c.All, rel, depth))
	case c.Any != nil:
		if len(c.Any) == 0 {
			// An empty any never holds, so its rule could never fire: surely a mistake.
			cc.ps.add(path, "any needs at least one condition")
			return node{}
		}
		return groupNode(nAny, cc.kids("any", c.Any, rel, depth))
	case c.Not != nil:
		kid := cc.compile(c.Not, joinPath(rel, "not"), depth+1)
		return node{op: nNot, kids: []node{kid}, cost: kid.cost}
	case len(forms) == 1:
		if l := cc.leaf(c, rel, path); l != nil {
			return node{op: nLeaf, leaf: l, cost: leafCost(l)}
		}
		return node{}
	}
	return node{op: nTrue}
}

func (cc *condCompiler) kids(key string, cs []Condition, rel string, depth int) []node {
	out := make([]node, len(cs))
	for i := range cs {
		out[i] = cc.compile(&cs[i], fmt.Sprintf("%s.%s[%d]", rel, key, i), depth+1)
	}
	return out
}

func (cc *condCompiler) leaf(c *Condition, rel, path string) *leaf {
	if c.Field == "" {
		cc.ps.add(path, "a test needs a field")
		return nil
	}
	id, ok := fieldByName[c.Field]
	if !ok {
		cc.ps.add(path, fmt.Sprintf("unknown field %q", c.Field))
		return nil
	}
	def := &fields[id]
	if c.Op == "" {
		cc.ps.add(path, fmt.Sprintf("field %q needs an op (%s)", c.Field, strings.Join(kindOps[def.kind], ", ")))
		return nil
	}
	op, ok := opByName[c.Op]
	if !ok || !slices.Contains(kindOps[def.kind], c.Op) {
		cc.ps.add(path, fmt.Sprintf("unknown op %q for %s field %q (want %s)",
			c.Op, def.kind, c.Field, strings.Join(kindOps[def.kind], ", ")))
		return nil
	}
	l := &leaf{field: id, kind: def.kind, op: op, path: rel}
	if msg := l.setValue(def, c.Op, c.Value); msg != "" {
		cc.ps.add(path, msg)
		return nil
	}
	return l
}

// setValue checks v against the op and field and stores it in the form evaluation wants; it
// returns a message for the admin when v does not fit.
func (l *leaf) setValue(def *fieldDef, opName string, v any) string {
	switch l.op {
	case opEq, opNeq, opHas:
		if l.kind == kindNumber {
			return l.setNumber(def, opName, v)
		}
		s, ok := v.(string)
		if !ok {
			return fmt.Sprintf("value for %q must be a string, got %s", opName, typeName(v))
		}
		if msg := checkEnum(def, s); msg != "" {
			return msg
		}
		if l.op == opHas && s == "" {
			return fmt.Sprintf("value for %q must not be empty", opName)
		}
		l.s, l.value = s, s
	case opIn, opNotIn, opHasAny, opHasNone:
		list, ok := stringList(v)
		if !ok || len(list) == 0 {
			return fmt.Sprintf("value for %q must be a non-empty list of strings, got %s", opName, typeName(v))
		}
		for _, s := range list {
			if msg := checkEnum(def, s); msg != "" {
				return msg
			}
		}
		l.list, l.value = list, list
	case opContains, opNotContains, opStartsWith:
		s, ok := v.(string)
		if !ok {
			return fmt.Sprintf("value for %q must be a string, got %s", opName, typeName(v))
		}
		// An empty needle is found in every post: a rule with it is surely unfinished.
		if l.s = fold(s); l.s == "" {
			return fmt.Sprintf("value for %q must not be empty", opName)
		}
		l.value = s
	case opRegex:
		s, ok := v.(string)
		if !ok {
			return fmt.Sprintf("value for %q must be a string, got %s", opName, typeName(v))
		}
		if s == "" {
			return "value for \"regex\" must not be empty"
		}
		if len(s) > MaxPatternLen {
			return fmt.Sprintf("regex is %d bytes long; the limit is %d", len(s), MaxPatternLen)
		}
		re, err := regexp.Compile(s)
		if err != nil {
			return "bad regex: " + err.Error()
		}
		l.re, l.pre, l.value = re, newPrefilter(s), s
	case opGt, opGte, opLt, opLte:
		return l.setNumber(def, opName, v)
	case opIs:
		b, ok := v.(bool)
		if !ok {
			return fmt.Sprintf("value for \"is\" must be true or false, got %s", typeName(v))
		}
		l.b, l.value = b, b
	}
	return ""
}

func (l *leaf) setNumber(def *fieldDef, opName string, v any) string {
	n, ok := number(v)
	if !ok {
		return fmt.Sprintf("value for %q must be a number, got %s", opName, typeName(v))
	}
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return fmt.Sprintf("value for %q must be a finite number", opName)
	}
	if def.bounded && (n < def.min || n > def.max) {
		return fmt.Sprintf("value %v is outside the range of %s (%v to %v)", n, def.name, def.min, def.max)
	}
	l.n, l.value = n, n
	return ""
}

// checkEnum refuses a value a field never takes, such as intent "complain". The empty string
// stays allowed: it is what an unanalysed post has.
func checkEnum(def *fieldDef, s string) string {
	if def.enum == nil || s == "" {
		return ""
	}
	for _, e := range def.enum {
		if strings.EqualFold(e, s) {
			return ""
		}
	}
	return fmt.Sprintf("unknown %s %q (want %s)", def.name, s, strings.Join(def.enum, ", "))
}

// number accepts JSON's float64 and the Go numeric types a caller may write in a Leaf.
func number(v any) (float64, bool) {
	var n float64
	switch x := v.(type) {
	case float64:
		n = x
	case float32:
		n = float64(x)
	case int:
		n = float64(x)
	case int8:
		n = float64(x)
	case int16:
		n = float64(x)
	case int32:
		n = float64(x)
	case int64:
		n = float64(x)
	case uint:
		n = float64(x)
	case uint8:
		n = float64(x)
	case uint16:
		n = float64(x)
	case uint32:
		n = float64(x)
	case uint64:
		n = float64(x)
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return 0, false
		}
		n = f
	default:
		return 0, false
	}
	return n, true
}

// stringList accepts JSON's []any of strings and a Go []string; the result is a copy, so a
// caller changing its slice later cannot change a compiled rule.
func stringList(v any) ([]string, bool) {
	switch x := v.(type) {
	case []string:
		return slices.Clone(x), true
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any, []string:
		return "a list"
	case map[string]any:
		return "an object"
	}
	if _, ok := number(v); ok {
		return "a number"
	}
	return fmt.Sprintf("a %T", v)
}
