package routing

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// A regex costs a microsecond or more per post, far more than any other test, and most posts
// cannot match a given pattern. So each regex carries the literals that every match must
// contain ("order" and "#" in `(?i)\border\s*#\d{5}\b`), and runs only on posts that contain
// them all: a substring search costs nanoseconds.

// maxLiterals bounds the searches per regex; the longest literals filter best.
const maxLiterals = 3

// literal is one required literal. A case-sensitive literal is sought in the text as written.
// A case-insensitive one (under (?i)) is ASCII and sought, lower-cased, in the folded text:
// folding maps every character that (?i) matches to an ASCII letter to that letter (K, the
// Kelvin sign, to k; ſ to s) and only removes marks, so the search never misses a match.
type literal struct {
	s    string
	fold bool
}

// prefilter lists a regex's required literals; an empty one passes every text.
type prefilter []literal

// pass reports whether the regex can match e's text.
func (p prefilter) pass(e *env) bool {
	for _, l := range p {
		text := e.f.Text
		if l.fold {
			text = e.foldedText()
		}
		if !strings.Contains(text, l.s) {
			return false
		}
	}
	return true
}

// newPrefilter finds pattern's required literals.
func newPrefilter(pattern string) prefilter {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	p := required(re.Simplify(), nil)
	slices.SortStableFunc(p, func(a, b literal) int { return len(b.s) - len(a.s) })
	return p[:min(len(p), maxLiterals)]
}

// required appends to dst the literals every match of re contains.
func required(re *syntax.Regexp, dst prefilter) prefilter {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&syntax.FoldCase == 0 {
			return append(dst, literal{s: s})
		}
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return dst // folding non-ASCII letters is not one to one
			}
		}
		return append(dst, literal{s: strings.ToLower(s), fold: true})
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0], dst)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0], dst)
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			dst = required(sub, dst)
		}
	}
	// Alternations, optional parts, classes: nothing in particular is required.
	return dst
}
