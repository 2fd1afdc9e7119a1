package listen

import (
	"slices"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Post is one item of a listening stream, as it arrives in JSON.
type Post struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Lang   string `json:"lang"`   // BCP 47 tag or bare code; only the primary subtag is compared
	Author string `json:"author"` // handle without @
}

// Matcher matches posts against the rules of all workspaces at once. Match
// may be called from any number of goroutines while Update replaces the
// rules: each Match sees either the old or the new set, whole, and is never
// paused by a rebuild. The zero value has no rules and matches nothing.
type Matcher struct {
	cur atomic.Pointer[compiled]
	mu  sync.Mutex // serialises Updates
}

// NewMatcher returns a Matcher with the given rules.
func NewMatcher(rules []Rule) (*Matcher, error) {
	m := &Matcher{}
	return m, m.Update(rules)
}

// Update compiles rules and swaps them in atomically. On error (a
// *RuleError) the previous rules stay in force.
func (m *Matcher) Update(rules []Rule) error {
	// Compiling under the lock orders concurrent Updates: the last one to
	// take the lock wins. Match never takes it.
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := compile(rules)
	if err != nil {
		return err
	}
	m.cur.Store(c)
	return nil
}

// Match returns the IDs of the rules that p matches, in rule order, or nil.
func (m *Matcher) Match(p Post) []string {
	return m.AppendMatch(nil, p)
}

// AppendMatch appends the IDs of the rules that p matches to dst, in rule
// order. Reusing dst makes matching allocation-free.
func (m *Matcher) AppendMatch(dst []string, p Post) []string {
	c := m.cur.Load()
	if c == nil || len(c.ids) == 0 {
		return dst
	}
	s := c.pool.Get().(*scratch)
	s.match(p)
	for _, r := range s.matched {
		dst = append(dst, c.ids[r])
	}
	if cap(s.tok.buf) <= maxPooledText {
		c.pool.Put(s)
	} // else: one huge post must not pin its buffers for good
	return dst
}

// Stats describes the rule set in force.
type Stats struct {
	Rules  int // rules compiled
	Atoms  int // distinct terms, phrases and filters across all rules
	Always int // rules with no positive term, evaluated for every post
}

// Stats returns figures about the current rule set.
func (m *Matcher) Stats() Stats {
	c := m.cur.Load()
	if c == nil {
		return Stats{}
	}
	return Stats{Rules: len(c.ids), Atoms: c.natoms, Always: len(c.always)}
}

// maxPooledText bounds the folded text a pooled scratch keeps a buffer for.
const maxPooledText = 64 << 10

// scratch is the per-goroutine working memory of one generation. Generation
// stamps (gen) replace clearing: an atom or rule is "hit in this post" when
// its stamp equals gen, so a post costs what it touches, not the rule count.
type scratch struct {
	c        *compiled
	gen      uint32
	atomGen  []uint32
	ruleGen  []uint32
	cands    []int32
	matched  []int32
	hits     []hit // places of positional atoms used by NEAR
	ids      []int32
	tok      *tokenizer
	fh       fuzzyHasher
	seen     []int32
	runes    []rune
	key      []byte
	onAtom   func(int32) // s.mark bound once: no closure per word
	curStart int32
}

type hit struct {
	atom       int32
	start, end int32 // word positions, inclusive
}

func newScratch(c *compiled) any {
	s := &scratch{
		c:       c,
		atomGen: make([]uint32, c.natoms),
		ruleGen: make([]uint32, len(c.ids)),
		tok:     newTokenizer(),
	}
	s.onAtom = func(a int32) { s.mark(a, s.curStart, s.curStart) }
	return s
}

// mark records that atom a occurs at words start..end and wakes the rules it
// triggers.
func (s *scratch) mark(a, start, end int32) {
	c := s.c
	if s.atomGen[a] != s.gen {
		s.atomGen[a] = s.gen
		for _, r := range c.trigRules[c.trigOff[a]:c.trigOff[a+1]] {
			if s.ruleGen[r] != s.gen {
				s.ruleGen[r] = s.gen
				s.cands = append(s.cands, r)
			}
		}
	}
	if c.positions[a] {
		s.hits = append(s.hits, hit{atom: a, start: start, end: end})
	}
}

func (s *scratch) match(p Post) {
	c := s.c
	s.gen++
	if s.gen == 0 { // wrapped: old stamps could collide, so clear once
		clear(s.atomGen)
		clear(s.ruleGen)
		s.gen = 1
	}
	s.cands = s.cands[:0]
	s.matched = s.matched[:0]
	s.hits = s.hits[:0]

	t := s.tok
	t.tokenize(p.Text)
	s.scanWords()
	for _, k := range t.tags {
		if e, ok := c.vocab[string(t.text(k))]; ok && c.entries[e].atom >= 0 {
			s.mark(c.entries[e].atom, k.pos, k.pos)
		}
	}
	if t.hasLink && c.link >= 0 {
		s.mark(c.link, -1, -1)
	}
	if p.Lang != "" && len(c.lang) > 0 {
		s.key = t.foldPlain(s.key[:0], primaryLang(p.Lang))
		if a, ok := c.lang[string(s.key)]; ok {
			s.mark(a, -1, -1)
		}
	}
	if p.Author != "" && len(c.from) > 0 {
		s.key = t.foldPlain(s.key[:0], p.Author)
		if a, ok := c.from[string(s.key)]; ok {
			s.mark(a, -1, -1)
		}
	}

	for _, r := range s.cands {
		if s.eval(c.roots[r]) {
			s.matched = append(s.matched, r)
		}
	}
	for _, r := range c.always {
		if s.eval(c.roots[r]) {
			s.matched = append(s.matched, r)
		}
	}
	slices.Sort(s.matched)
}

// scanWords looks every word and mention up once in the vocabulary, then
// checks the phrases anchored on them, the wildcards and the ~terms.
func (s *scratch) scanWords() {
	c, t := s.c, s.tok
	s.ids = s.ids[:0]
	phrases := false
	for j, k := range t.seq {
		w := t.text(k)
		e, ok := c.vocab[string(w)]
		if !ok {
			e = -1
		} else {
			ent := &c.entries[e]
			if ent.atom >= 0 {
				s.mark(ent.atom, int32(j), int32(j))
			}
			phrases = phrases || ent.hasPhrases
		}
		s.ids = append(s.ids, e)
		if k.kind != tokWord {
			continue
		}
		s.curStart = int32(j)
		if c.prefix != nil {
			c.prefix.walk(w, s.onAtom)
		}
		if f := c.fuzzy; f != nil && len(w) >= f.minLen-1 {
			s.runes = appendRunes(s.runes[:0], w)
			f.lookup(s.runes, &s.fh, &s.seen, s.onAtom)
		}
	}
	if !phrases {
		return
	}
	for j, e := range s.ids {
		if e < 0 || !c.entries[e].hasPhrases {
			continue
		}
		ent := c.entries[e]
	phrase:
		for _, p := range c.phrases[ent.phrOff : ent.phrOff+ent.phrN] {
			if j+int(p.n) >= len(s.ids) {
				continue
			}
			for k, want := range c.phrIDs[p.off : p.off+p.n] {
				if s.ids[j+1+k] != want {
					continue phrase
				}
			}
			s.mark(p.atom, int32(j), int32(j)+p.n)
		}
	}
}

func appendRunes(dst []rune, b []byte) []rune {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			dst = append(dst, rune(b[i]))
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		dst = append(dst, r)
		i += n
	}
	return dst
}

// primaryLang returns the language subtag of a tag: "en" for "en-GB".
func primaryLang(tag string) string {
	for i := 0; i < len(tag); i++ {
		if tag[i] == '-' || tag[i] == '_' {
			return tag[:i]
		}
	}
	return tag
}

func (s *scratch) eval(i int32) bool {
	c := s.c
	n := &c.nodes[i]
	switch n.op {
	case opAtom:
		return s.atomGen[n.atom] == s.gen
	case opNot:
		return !s.eval(c.kids[n.off])
	case opAnd:
		for _, k := range c.kids[n.off : n.off+n.n] {
			if !s.eval(k) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range c.kids[n.off : n.off+n.n] {
			if s.eval(k) {
				return true
			}
		}
		return false
	case opNear:
		atoms := c.kids[n.off : n.off+n.n]
		return s.near(atoms[:n.atom], atoms[n.atom:], n.dist)
	}
	return false
}

// near reports whether some occurrence of a left atom and some occurrence
// of a right atom are at most dist words apart, in either order: the gap is
// counted from the end of the first to the start of the second, so
// "delay NEAR/3 refund" holds for "delay on my refund" but not for
// "delay on all my refund".
func (s *scratch) near(left, right []int32, dist int32) bool {
	if !s.anyHit(left) || !s.anyHit(right) {
		return false
	}
	for i, a := range s.hits {
		if !slices.Contains(left, a.atom) {
			continue
		}
		for j, b := range s.hits {
			if i == j || !slices.Contains(right, b.atom) {
				continue // one occurrence cannot be near itself
			}
			switch {
			case a.end < b.start:
				if b.start-a.end <= dist {
					return true
				}
			case b.end < a.start:
				if a.start-b.end <= dist {
					return true
				}
			default: // distinct but overlapping, as "late refund" and refund*
				return true
			}
		}
	}
	return false
}

func (s *scratch) anyHit(atoms []int32) bool {
	for _, a := range atoms {
		if s.atomGen[a] == s.gen {
			return true
		}
	}
	return false
}
