package compose

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// span is a byte range of the draft.
type span struct{ start, end int }

// truncateUTF8 cuts s to at most n bytes without splitting a rune.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// fold lower-cases s and strips accents and apostrophe variants, for comparing names and words.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '’' || r == 'ʼ' || r == '‘':
			b.WriteByte('\'')
		case r == 'ß':
			b.WriteString("ss")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func isLetter(r rune) bool { return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) }

func isWordRune(r rune) bool { return isLetter(r) || unicode.IsDigit(r) || r == '_' }

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// sents splits the draft into sentences (at . ! ? … and line breaks), trimmed of space.
func (r *run) sents() []span {
	if r.sentences != nil {
		return r.sentences
	}
	text := r.text
	out := make([]span, 0, 8)
	start := 0
	flush := func(end int) {
		s, e := start, end
		for s < e && (text[s] == ' ' || text[s] == '\t' || text[s] == '\r' || text[s] == '\n') {
			s++
		}
		for e > s && (text[e-1] == ' ' || text[e-1] == '\t' || text[e-1] == '\r' || text[e-1] == '\n') {
			e--
		}
		if e > s {
			out = append(out, span{s, e})
		}
	}
	for i := 0; i < len(text); {
		c, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case c == '\n':
			flush(i)
			start = i + size
		case c == '.' || c == '!' || c == '?' || c == '…' || c == '。' || c == '！' || c == '？':
			j := i + size
			for j < len(text) && strings.ContainsRune(".!?…", rune(text[j])) {
				j++
			}
			// A period inside a token ("acme.com", "3.5", "e.g.") does not end a sentence.
			if c == '.' && j < len(text) && text[j] != ' ' && text[j] != '\n' && text[j] != '\t' && text[j] != '\r' {
				i = j
				continue
			}
			flush(j)
			start = j
			i = j
			continue
		}
		i += size
	}
	flush(len(text))
	r.sentences = out
	return out
}

// compilePhrases compiles a case-insensitive alternation of regexp fragments that must stand
// as whole words: an apostrophe in a fragment also matches ’, a space matches any run of
// space. Group 1 is the phrase (the boundary characters are outside it).
func compilePhrases(fragments ...string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?i)(?:^|[^\p{L}\p{N}_])(`)
	for i, f := range fragments {
		if i > 0 {
			b.WriteByte('|')
		}
		f = strings.ReplaceAll(f, "'", `['’]`)
		f = strings.ReplaceAll(f, " ", `\s+`)
		b.WriteString(f)
	}
	b.WriteString(`)(?:[^\p{L}\p{N}_]|$)`)
	return regexp.MustCompile(b.String())
}

// phraseSet compiles one phrase list per language.
func phraseSet(byLang map[string][]string) map[string]*regexp.Regexp {
	out := make(map[string]*regexp.Regexp, len(byLang))
	for l, frags := range byLang {
		out[l] = compilePhrases(frags...)
	}
	return out
}

// findPhrase returns the first phrase of any of res in s, or ok=false.
func findPhrase(res []*regexp.Regexp, s string) (sp span, ok bool) {
	best := span{-1, -1}
	for _, re := range res {
		if m := re.FindStringSubmatchIndex(s); m != nil && (best.start < 0 || m[2] < best.start) {
			best = span{m[2], m[3]}
		}
	}
	return best, best.start >= 0
}

// findPhrases returns the phrases of res in s (at most limit from each), ordered by start,
// the longest first where several start together, without overlaps.
func findPhrases(res []*regexp.Regexp, s string, limit int) []span {
	var all []span
	for _, re := range res {
		for _, m := range re.FindAllStringSubmatchIndex(s, limit) {
			all = append(all, span{m[2], m[3]})
		}
	}
	slices.SortFunc(all, func(a, b span) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	out := all[:0]
	for _, sp := range all {
		if !overlaps(out, sp) {
			out = append(out, sp)
		}
	}
	return out
}

// token is a chunk of the draft between white space, with its kind.
type token struct {
	span
	text string
}

// chunks splits s at white space, keeping byte offsets.
func chunks(s string, limit int) []token {
	var out []token
	start := -1
	for i, c := range s {
		if unicode.IsSpace(c) {
			if start >= 0 {
				out = append(out, token{span{start, i}, s[start:i]})
				start = -1
				if len(out) >= limit {
					return out
				}
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, token{span{start, len(s)}, s[start:]})
	}
	return out
}

var (
	urlRe = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|ly|me|app|dev|info|biz|us|uk|de|fr|es|it|nl|eu|ca|au|in|ai|gl|gle|link|help|support|shop|store)(?:/[^\s<>"]*)?\b`)
	// handleRe is an @mention (X allows 15 word characters; other platforms allow dots).
	handleRe = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_@.])(@[\p{L}\p{N}_](?:[\p{L}\p{N}_.]*[\p{L}\p{N}_])?)`)
)

// urlSpans returns the links in s.
func urlSpans(s string) []span {
	var out []span
	for _, m := range urlRe.FindAllStringIndex(s, -1) {
		end := m[1]
		// Trailing punctuation is not part of a link.
		for end > m[0] && strings.ContainsRune(".,;:!?)]}'\"", rune(s[end-1])) {
			end--
		}
		out = append(out, span{m[0], end})
	}
	return out
}

func overlaps(spans []span, s span) bool {
	for _, o := range spans {
		if s.start < o.end && o.start < s.end {
			return true
		}
	}
	return false
}

// inSpans reports whether i lies in one of spans, which mergeSpans made sorted and disjoint.
func inSpans(spans []span, i int) bool {
	k, _ := slices.BinarySearchFunc(spans, i, func(s span, i int) int {
		if s.end <= i {
			return -1
		}
		if s.start > i {
			return 1
		}
		return 0
	})
	return k < len(spans) && spans[k].start <= i && i < spans[k].end
}

// mergeSpans sorts spans and merges the overlapping ones.
func mergeSpans(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	out := spans[:0]
	for _, s := range spans {
		if n := len(out); n > 0 && s.start < out[n-1].end {
			out[n-1].end = max(out[n-1].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// words returns the maximal runs of word runes in s (letters, digits, '_', and apostrophes or
// hyphens between letters), with byte offsets.
func words(s string) []token {
	var out []token
	start := -1
	prevWord := false
	for i, c := range s {
		w := isWordRune(c)
		if !w && (isApostrophe(c) || c == '-') && prevWord {
			// Joiner: part of the word if a word rune follows.
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(c):])
			if isWordRune(next) {
				continue
			}
		}
		if w {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			out = append(out, token{span{start, i}, s[start:i]})
			start = -1
		}
		prevWord = w
	}
	if start >= 0 {
		out = append(out, token{span{start, len(s)}, s[start:]})
	}
	return out
}

// foldedWords returns the folded words of s.
func foldedWords(s string) []string {
	ws := words(s)
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = fold(w.text)
	}
	return out
}

// hasDigit reports whether s contains a decimal digit.
func hasDigit(s string) bool {
	for _, c := range s {
		if unicode.IsDigit(c) {
			return true
		}
	}
	return false
}

// isUpperWord reports whether w has at least two letters, all upper-case, or is an acronym
// plural ("DMs", "FAQs"). Letters without case (CJK) make it no upper word.
func isUpperWord(w string) bool {
	upper := 0
	for i, c := range w {
		switch {
		case unicode.IsUpper(c):
			upper++
		case c == 's' && i == len(w)-1 && upper >= 2:
			return true
		case unicode.IsLetter(c):
			return false
		}
	}
	return upper >= 2
}

// hasInnerCapital reports whether w has an upper-case letter after its first rune
// ("iPhone", "McFlurry", "macOS"): a product or a name.
func hasInnerCapital(w string) bool {
	for i, c := range w {
		if i > 0 && unicode.IsUpper(c) {
			return true
		}
	}
	return false
}

// isCapitalized reports whether w starts with an upper-case letter.
func isCapitalized(w string) bool {
	c, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(c)
}
