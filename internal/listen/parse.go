package listen

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Query is a parsed listening rule. Parse is the place to validate a rule an
// admin typed; Matcher.Update parses again, so nothing needs to be kept.
type Query struct {
	root *node
}

// String renders the parsed query as an s-expression with folded terms,
// which shows exactly what will be matched: (and apple (not ~samsung)).
func (q *Query) String() string {
	var b strings.Builder
	q.root.write(&b)
	return b.String()
}

type op uint8

const (
	opAtom op = iota
	opAnd
	opOr
	opNot
	opNear
)

// atomKind is what one leaf of a query tests.
type atomKind uint8

const (
	atomWord    atomKind = iota // a whole folded word (or @mention)
	atomPhrase                  // consecutive words
	atomPrefix                  // word starting with key (refund*)
	atomFuzzy                   // word within one edit of key (~brand)
	atomHashtag                 // #tag, key with the '#'
	atomFrom                    // author handle
	atomLang                    // primary language subtag
	atomLink                    // has:link
)

// positional atoms have places in the text, so NEAR can measure them.
func (k atomKind) positional() bool { return k <= atomHashtag }

type atom struct {
	kind  atomKind
	key   string   // folded; for phrases the words joined by one space
	words []string // phrases only
}

// id is the deduplication key of an atom across all rules.
func (a atom) id() string { return string(rune('0'+a.kind)) + a.key }

type node struct {
	op   op
	atom atom
	kids []*node
	dist int // NEAR/n
}

func (n *node) write(b *strings.Builder) {
	switch n.op {
	case opAtom:
		b.WriteString(n.atom.String())
		return
	case opAnd:
		b.WriteString("(and")
	case opOr:
		b.WriteString("(or")
	case opNot:
		b.WriteString("(not")
	case opNear:
		b.WriteString("(near/" + strconv.Itoa(n.dist))
	}
	for _, k := range n.kids {
		b.WriteByte(' ')
		k.write(b)
	}
	b.WriteByte(')')
}

func (a atom) String() string {
	switch a.kind {
	case atomPhrase:
		return strconv.Quote(a.key)
	case atomPrefix:
		return a.key + "*"
	case atomFuzzy:
		return "~" + a.key
	case atomFrom:
		return "from:" + a.key
	case atomLang:
		return "lang:" + a.key
	case atomLink:
		return "has:link"
	}
	return a.key
}

// Parse parses one listening rule. See the package documentation for the
// language. Errors are *SyntaxError with the column of the problem.
func Parse(query string) (*Query, error) {
	return parse(query, newTokenizer())
}

// parse is Parse with a caller's tokenizer, reused across a whole rule set.
func parse(query string, tok *tokenizer) (*Query, error) {
	lexemes, err := lex(query)
	if err != nil {
		return nil, err
	}
	p := &parser{lx: lexemes, tok: tok}
	if p.peek().kind == lexEOF {
		return nil, errAt(1, "empty query")
	}
	root, err := p.or()
	if err != nil {
		return nil, err
	}
	if l := p.peek(); l.kind != lexEOF {
		if l.kind == lexRParen {
			return nil, errAt(l.col, "unexpected ) without a matching (")
		}
		return nil, errAt(l.col, "unexpected %s", l.describe())
	}
	return &Query{root: root}, nil
}

// parser is a recursive-descent parser. Precedence, loosest first:
// OR, AND (explicit or implicit between adjacent operands), NEAR/n, NOT and -.
// This is the order of Twitter's search API ("AND before OR").
type parser struct {
	lx  []lexeme
	i   int
	tok *tokenizer
}

func (p *parser) peek() lexeme { return p.lx[p.i] }
func (p *parser) next() lexeme { l := p.lx[p.i]; p.i++; return l }

func startsOperand(k lexKind) bool {
	return k == lexLParen || k == lexPhrase || k == lexTerm || k == lexNot || k == lexMinus
}

// operand is what each binary operator needs after it.
func (p *parser) needOperand(after lexeme) error {
	if l := p.peek(); !startsOperand(l.kind) {
		return errAt(after.col, "%s needs a term after it, found %s", after.describe(), l.describe())
	}
	return nil
}

func (p *parser) or() (*node, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == lexOr {
		o := p.next()
		if err := p.needOperand(o); err != nil {
			return nil, err
		}
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		left = join(opOr, left, right)
	}
	return left, nil
}

func (p *parser) and() (*node, error) {
	left, err := p.near()
	if err != nil {
		return nil, err
	}
	for {
		l := p.peek()
		if l.kind == lexAnd {
			p.next()
			if err := p.needOperand(l); err != nil {
				return nil, err
			}
		} else if !startsOperand(l.kind) {
			return left, nil
		}
		right, err := p.near()
		if err != nil {
			return nil, err
		}
		left = join(opAnd, left, right)
	}
}

func (p *parser) near() (*node, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == lexNear {
		o := p.next()
		if left.op == opNear {
			return nil, errAt(o.col, "NEAR cannot be chained; join NEAR pairs with AND")
		}
		if err := p.needOperand(o); err != nil {
			return nil, err
		}
		rcol := p.peek().col
		right, err := p.unary()
		if err != nil {
			return nil, err
		}
		for _, side := range []struct {
			n   *node
			col int
		}{{left, o.col}, {right, rcol}} {
			if !nearOperand(side.n) {
				return nil, errAt(side.col, "NEAR works on words, phrases, wildcards, ~terms, #tags and @handles, or an OR of them")
			}
		}
		left = &node{op: opNear, kids: []*node{left, right}, dist: o.n}
	}
	return left, nil
}

// nearOperand reports whether n has positions: a positional atom or an OR
// of them.
func nearOperand(n *node) bool {
	switch n.op {
	case opAtom:
		return n.atom.kind.positional()
	case opOr:
		for _, k := range n.kids {
			if !nearOperand(k) {
				return false
			}
		}
		return true
	}
	return false
}

func (p *parser) unary() (*node, error) {
	l := p.peek()
	if l.kind != lexNot && l.kind != lexMinus {
		return p.primary()
	}
	p.next()
	if err := p.needOperand(l); err != nil {
		return nil, err
	}
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	if x.op == opNot { // NOT NOT x is x
		return x.kids[0], nil
	}
	return &node{op: opNot, kids: []*node{x}}, nil
}

func (p *parser) primary() (*node, error) {
	l := p.next()
	switch l.kind {
	case lexLParen:
		if p.peek().kind == lexRParen {
			return nil, errAt(l.col, "empty parentheses")
		}
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next().kind != lexRParen {
			return nil, errAt(l.col, "unclosed parenthesis")
		}
		return x, nil
	case lexPhrase:
		return p.textAtom(l.text, l.col+1, true)
	case lexTerm:
		return p.term(l)
	case lexRParen:
		return nil, errAt(l.col, "unexpected ) without a matching (")
	case lexEOF:
		return nil, errAt(l.col, "query ends where a term is expected")
	}
	return nil, errAt(l.col, "%s needs a term before it", l.describe())
}

// join builds an n-ary and/or, flattening (a AND b) AND c into one node.
func join(o op, left, right *node) *node {
	if left.op == o {
		left.kids = append(left.kids, right)
		return left
	}
	return &node{op: o, kids: []*node{left, right}}
}

func leaf(kind atomKind, key string) *node {
	return &node{op: opAtom, atom: atom{kind: kind, key: key}}
}

const (
	minFuzzyRunes  = 5 // shorter words are too close to other words
	minPrefixRunes = 3 // "re*" would match a good part of the language
)

// term turns one unquoted lexeme into an atom.
func (p *parser) term(l lexeme) (*node, error) {
	text, col := l.text, l.col
	lower := strings.ToLower(text)
	switch {
	case strings.HasPrefix(lower, "from:"):
		h := strings.TrimPrefix(text[len("from:"):], "@")
		if h == "" {
			return nil, errAt(col, "from: needs a handle, as in from:jane")
		}
		return leaf(atomFrom, string(p.tok.foldPlain(nil, h))), nil
	case strings.HasPrefix(lower, "lang:"):
		code := lower[len("lang:"):]
		if !isLangCode(code) {
			return nil, errAt(col, "lang: needs a 2- or 3-letter language code, as in lang:en")
		}
		return leaf(atomLang, code), nil
	case strings.HasPrefix(lower, "has:"):
		if lower != "has:link" {
			return nil, errAt(col, "unknown filter %q: only has:link is supported", text)
		}
		return leaf(atomLink, ""), nil
	case text[0] == '#' || text[0] == '@':
		return p.sigil(text, col)
	case text[0] == '~':
		return p.fuzzy(text[1:], col)
	case strings.Contains(text, "*"):
		return p.prefix(text, col)
	}
	return p.textAtom(text, col, false)
}

func isLangCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// sigil parses #tag and @handle: the whole lexeme must be one hashtag or
// mention as the post tokenizer would see it.
func (p *parser) sigil(text string, col int) (*node, error) {
	what := "#tag"
	if text[0] == '@' {
		what = "@handle"
	}
	if end, _ := wordEnd(text, 1, false); end == 1 || end != len(text) {
		return nil, errAt(col, "%s may contain only letters, digits and _, got %q", what, text)
	}
	p.tok.tokenize(text)
	if text[0] == '#' {
		return leaf(atomHashtag, string(p.tok.text(p.tok.tags[0]))), nil
	}
	return leaf(atomWord, string(p.tok.text(p.tok.seq[0]))), nil
}

// singleWord tokenizes text and insists on exactly one plain word.
func (p *parser) singleWord(text string, col int, what string) (string, error) {
	p.tok.tokenize(text)
	if len(p.tok.seq) != 1 || p.tok.seq[0].kind != tokWord || len(p.tok.tags) > 0 {
		return "", errAt(col, "%s works on a single word, got %q", what, text)
	}
	return string(p.tok.text(p.tok.seq[0])), nil
}

func (p *parser) fuzzy(text string, col int) (*node, error) {
	if text == "" {
		return nil, errAt(col, "~ needs a word right after it, as in ~amazon")
	}
	w, err := p.singleWord(text, col, "~")
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(w) < minFuzzyRunes {
		return nil, errAt(col, "~ needs a word of at least %d letters, %q is too short to tolerate typos", minFuzzyRunes, text)
	}
	return leaf(atomFuzzy, w), nil
}

func (p *parser) prefix(text string, col int) (*node, error) {
	star := strings.IndexByte(text, '*')
	if star != len(text)-1 {
		return nil, errAt(col+utf8.RuneCountInString(text[:star]), "the wildcard * is allowed only at the end of a word, as in refund*")
	}
	if star == 0 {
		return nil, errAt(col, "the wildcard * needs at least %d letters before it", minPrefixRunes)
	}
	w, err := p.singleWord(text[:star], col, "the wildcard *")
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(w) < minPrefixRunes {
		return nil, errAt(col, "the wildcard * needs at least %d letters before it", minPrefixRunes)
	}
	return leaf(atomPrefix, w), nil
}

// textAtom is a plain term or a quoted phrase: one folded word is a word
// atom, several (from a phrase, or a term like t-mobile or AT&T that the
// tokenizer splits) are a phrase. Inside quotes, # and @ are separators for
// hashtags (their words still count) and operators are plain words.
func (p *parser) textAtom(text string, col int, quoted bool) (*node, error) {
	p.tok.tokenize(text)
	seq := p.tok.seq
	switch len(seq) {
	case 0:
		if quoted {
			return nil, errAt(col-1, "phrase has no letters or digits to match")
		}
		return nil, errAt(col, "%q has no letters or digits to match", text)
	case 1:
		return leaf(atomWord, string(p.tok.text(seq[0]))), nil
	}
	words := make([]string, len(seq))
	for i, k := range seq {
		words[i] = string(p.tok.text(k))
	}
	n := leaf(atomPhrase, strings.Join(words, " "))
	n.atom.words = words
	return n, nil
}
