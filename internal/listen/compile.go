package listen

import (
	"errors"
	"fmt"
	"sync"
)

// Rule is one listening rule. IDs must be unique across all workspaces in one
// Matcher; mapping a rule to its workspace is the caller's business.
type Rule struct {
	ID    string
	Query string
}

// RuleError says which rule of an Update failed and why. Err is usually a
// *SyntaxError.
type RuleError struct {
	Index int // position in the slice given to Update
	ID    string
	Err   error
}

func (e *RuleError) Error() string { return fmt.Sprintf("rule %q: %v", e.ID, e.Err) }
func (e *RuleError) Unwrap() error { return e.Err }

// compiled is one immutable generation of the rule set: every rule of every
// workspace in one index. Matchers swap whole generations, never edit one.
type compiled struct {
	ids   []string // rule IDs in rule order; matches are reported in this order
	roots []int32  // per rule, its root in nodes
	nodes []cnode
	kids  []int32 // child node indices (and/or/not) or atom ids (near)

	natoms    int
	positions []bool  // per atom: used by NEAR, so its hit places are recorded
	trigOff   []int32 // per atom, rules it triggers: trigRules[trigOff[a]:trigOff[a+1]]
	trigRules []int32
	always    []int32 // rules with no required positive atom: evaluated for every post

	vocab   map[string]int32 // folded word, "@handle" or "#tag" → entries index
	entries []ventry
	phrases []cphrase
	phrIDs  []int32 // words of phrases, as entries indices
	prefix  *prefixTrie
	fuzzy   *fuzzyIndex
	from    map[string]int32 // author → atom
	lang    map[string]int32 // language → atom
	link    int32            // has:link atom, or -1

	pool sync.Pool // *scratch sized for this generation
}

// cnode is a rule's expression node in a flat array: fewer pointers for the
// collector to chase across 100k rules, and better locality in evaluation.
type cnode struct {
	op   op
	atom int32 // opAtom: the atom; opNear: how many of the kids are the left side
	off  int32 // kids[off : off+n]
	n    int32
	dist int32 // opNear: n of NEAR/n
}

// ventry is what one vocabulary word does: its own atom (or -1) and the
// phrases that start with it.
type ventry struct {
	atom       int32
	phrOff     int32
	phrN       int32
	hasPhrases bool
}

type cphrase struct {
	atom int32
	off  int32 // phrIDs[off : off+n] are the words after the first
	n    int32
}

// builder collects atoms while rules are compiled.
type builder struct {
	c       *compiled
	atomIDs map[string]int32
	atoms   []atom
	byWord  map[string][]int32 // first word → phrase atoms (phrases only)

	df        []int32 // per atom, how many rules use it
	ruleAtoms []int32 // scratch for collect
}

// collect gathers the distinct atoms of one rule into b.ruleAtoms.
func (b *builder) collect(n *node) {
	if n.op == opAtom {
		b.ruleAtoms = appendUnique(b.ruleAtoms, []int32{b.atomIDs[n.atom.id()]})
		return
	}
	for _, k := range n.kids {
		b.collect(k)
	}
}

func compile(rules []Rule) (*compiled, error) {
	c := &compiled{
		vocab: make(map[string]int32),
		from:  make(map[string]int32),
		lang:  make(map[string]int32),
		link:  -1,
	}
	b := &builder{c: c, atomIDs: make(map[string]int32), byWord: make(map[string][]int32)}
	seen := make(map[string]bool, len(rules))
	parsed := make([]*node, len(rules))
	tok := newTokenizer()
	for i, r := range rules {
		if r.ID == "" {
			return nil, &RuleError{Index: i, Err: errors.New("empty rule id")}
		}
		if seen[r.ID] {
			return nil, &RuleError{Index: i, ID: r.ID, Err: errors.New("duplicate rule id")}
		}
		seen[r.ID] = true
		q, err := parse(r.Query, tok)
		if err != nil {
			return nil, &RuleError{Index: i, ID: r.ID, Err: err}
		}
		parsed[i] = q.root
		c.ids = append(c.ids, r.ID)
		c.roots = append(c.roots, b.node(q.root))
		// Document frequency: in how many rules each atom occurs.
		b.ruleAtoms = b.ruleAtoms[:0]
		b.collect(q.root)
		for _, a := range b.ruleAtoms {
			b.df[a]++
		}
	}
	trig := make([][]int32, len(b.atoms))
	for i, root := range parsed {
		atoms, bounded := b.triggers(root)
		if !bounded {
			c.always = append(c.always, int32(i))
			continue
		}
		for _, a := range atoms {
			trig[a] = append(trig[a], int32(i))
		}
	}
	c.natoms = len(b.atoms)
	c.trigOff = make([]int32, 1, c.natoms+1)
	for _, rs := range trig {
		c.trigRules = append(c.trigRules, rs...)
		c.trigOff = append(c.trigOff, int32(len(c.trigRules)))
	}
	b.index()
	c.pool.New = func() any { return newScratch(c) }
	return c, nil
}

// node appends n (and its subtree) to the flat node array.
func (b *builder) node(n *node) int32 {
	c := b.c
	i := int32(len(c.nodes))
	c.nodes = append(c.nodes, cnode{op: n.op})
	switch n.op {
	case opAtom:
		c.nodes[i].atom = b.intern(n.atom)
	case opNear:
		left := b.nearAtoms(n.kids[0], nil)
		all := b.nearAtoms(n.kids[1], left)
		for _, a := range all {
			c.positions[a] = true
		}
		c.nodes[i] = cnode{op: opNear, atom: int32(len(left)), off: int32(len(c.kids)), n: int32(len(all)), dist: int32(n.dist)}
		c.kids = append(c.kids, all...)
	default:
		kids := make([]int32, len(n.kids))
		for k, kid := range n.kids {
			kids[k] = b.node(kid)
		}
		c.nodes[i].off = int32(len(c.kids))
		c.nodes[i].n = int32(len(kids))
		c.kids = append(c.kids, kids...)
	}
	return i
}

// nearAtoms appends the atoms of a NEAR operand (an atom or an OR of them).
func (b *builder) nearAtoms(n *node, dst []int32) []int32 {
	if n.op == opAtom {
		return append(dst, b.intern(n.atom))
	}
	for _, k := range n.kids {
		dst = b.nearAtoms(k, dst)
	}
	return dst
}

func (b *builder) intern(a atom) int32 {
	key := a.id()
	if id, ok := b.atomIDs[key]; ok {
		return id
	}
	id := int32(len(b.atoms))
	b.atomIDs[key] = id
	b.atoms = append(b.atoms, a)
	b.df = append(b.df, 0)
	b.c.positions = append(b.c.positions, false)
	return id
}

// triggerCost estimates what choosing atom a as a trigger costs: how often
// it wakes rules. A rule is woken by the atoms of one branch of each AND, so
// the cheapest branch is chosen. How common a term is in the stream is not
// known at compile time, but how many rules use it is, and that is a good
// proxy: a brand name belongs to one workspace's few rules, while "help" or
// "refund" recur across thousands, and every rule they trigger is evaluated
// on every post that contains them. Language and has:link filters hold for a
// large share of any stream, so they weigh extra.
func (b *builder) triggerCost(a int32) int {
	cost := 1 + int(b.df[a])
	switch b.atoms[a].kind {
	case atomLang, atomLink:
		cost *= 1000
	case atomPrefix:
		cost *= 2
	}
	return cost
}

// triggers returns a set of atoms such that the rule can be true only if at
// least one of them occurs in the post, or bounded=false when there is none
// (pure negations such as "-spam" or "NOT lang:en").
func (b *builder) triggers(n *node) (atoms []int32, bounded bool) {
	switch n.op {
	case opAtom:
		return []int32{b.atomIDs[n.atom.id()]}, true
	case opNot:
		return nil, false
	case opOr:
		var all []int32
		for _, k := range n.kids {
			as, ok := b.triggers(k)
			if !ok {
				return nil, false
			}
			all = appendUnique(all, as)
		}
		return all, true
	default: // and, near: every kid must hold, so any one kid's set will do
		best, bestCost := []int32(nil), -1
		for _, k := range n.kids {
			as, ok := b.triggers(k)
			if !ok {
				continue
			}
			cost := 0
			for _, a := range as {
				cost += b.triggerCost(a)
			}
			if bestCost < 0 || cost < bestCost {
				best, bestCost = as, cost
			}
		}
		return best, bestCost >= 0
	}
}

func appendUnique(dst, src []int32) []int32 {
next:
	for _, a := range src {
		for _, d := range dst {
			if d == a {
				continue next
			}
		}
		dst = append(dst, a)
	}
	return dst
}

// index builds the lookup structures from the interned atoms.
func (b *builder) index() {
	c := b.c
	var fuzzyTerms [][]rune
	var fuzzyAtoms []int32
	var prefixes []string
	var prefixAtoms []int32
	for i, a := range b.atoms {
		id := int32(i)
		switch a.kind {
		case atomWord, atomHashtag:
			c.entries[b.entry(a.key)].atom = id
		case atomPhrase:
			for _, w := range a.words {
				b.entry(w)
			}
			b.byWord[a.words[0]] = append(b.byWord[a.words[0]], id)
		case atomPrefix:
			prefixes = append(prefixes, a.key)
			prefixAtoms = append(prefixAtoms, id)
		case atomFuzzy:
			fuzzyTerms = append(fuzzyTerms, []rune(a.key))
			fuzzyAtoms = append(fuzzyAtoms, id)
		case atomFrom:
			c.from[a.key] = id
		case atomLang:
			c.lang[a.key] = id
		case atomLink:
			c.link = id
		}
	}
	for first, atoms := range b.byWord {
		e := &c.entries[c.vocab[first]]
		e.phrOff, e.phrN, e.hasPhrases = int32(len(c.phrases)), int32(len(atoms)), true
		for _, a := range atoms {
			words := b.atoms[a].words[1:]
			p := cphrase{atom: a, off: int32(len(c.phrIDs)), n: int32(len(words))}
			for _, w := range words {
				c.phrIDs = append(c.phrIDs, c.vocab[w])
			}
			c.phrases = append(c.phrases, p)
		}
	}
	c.prefix = buildPrefixTrie(prefixes, prefixAtoms)
	c.fuzzy = buildFuzzy(fuzzyTerms, fuzzyAtoms)
}

// entry returns the vocabulary index of key, adding it if new.
func (b *builder) entry(key string) int32 {
	c := b.c
	if i, ok := c.vocab[key]; ok {
		return i
	}
	i := int32(len(c.entries))
	c.vocab[key] = i
	c.entries = append(c.entries, ventry{atom: -1})
	return i
}
