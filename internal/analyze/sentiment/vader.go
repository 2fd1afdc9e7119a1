// Package sentiment scores customer posts with VADER (Hutto & Gilbert, ICWSM 2014), extended for
// customer-service text.
//
// The lexicon, emoji descriptions, booster words and negations come from
// github.com/jonreiter/govader, so the lexicon is not retyped here. The scoring loop is our own
// port of the reference vaderSentiment.py algorithm rather than a call to govader's
// PolarityScores, for two reasons, both measured (see internal/analyze/NOTES.md):
//   - it gives us hooks for the customer-care additions (phrases, emoji valences, contrast words,
//     sarcasm) inside the algorithm instead of post-hoc patching of a single number;
//   - it is about three times faster: govader builds a string per rune and runs regular
//     expressions per word, which alone would take a fifth of our per-post budget.
//
// With Options.Plain the scorer is plain VADER, and the tests check that it agrees with govader.
package sentiment

import (
	"html"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jonreiter/govader"
)

// Constants of the reference implementation (vaderSentiment.py).
const (
	bIncr        = 0.293
	cIncr        = 0.733
	nScalar      = -0.74
	alpha        = 15
	epScale      = 0.292
	qmScale      = 0.18
	maxEP        = 4
	maxQM        = 0.96
	butBefore    = 0.5
	butAfter     = 1.5
	neverSoScale = 1.25
)

// Positive and Negative are the label thresholds on the compound score used by the VADER paper.
const (
	Positive = 0.05
	Negative = -0.05
)

// Score is the outcome for one text.
type Score struct {
	// Compound is the normalised sum of valences in [-1, 1].
	Compound float64 `json:"compound"`
	// Label is "positive", "neutral" or "negative".
	Label string `json:"label"`
	// Sarcasm is set when a sarcasm marker flipped a positive reading.
	Sarcasm bool `json:"sarcasm,omitempty"`
}

// LabelOf maps a compound score to its label with the paper's thresholds.
func LabelOf(compound float64) string {
	switch {
	case compound >= Positive:
		return "positive"
	case compound <= Negative:
		return "negative"
	default:
		return "neutral"
	}
}

// Options configures a Scorer.
type Options struct {
	// Plain disables every customer-care addition: the result is reference VADER.
	Plain bool
}

// Scorer is immutable after New and safe for concurrent use.
type Scorer struct {
	plain    bool
	lexicon  map[string]float64
	emoji    map[rune]string // single-code-point emoji → description, as the reference does
	emojiTok map[rune]string // our lexicon tokens for emoji whose descriptions carry no valence
	booster  map[string]float64
	negate   map[string]bool
	special  map[string]float64
	phrases  map[string][]phrase // first word → phrases starting with it
}

// New builds a Scorer. Loading the embedded lexicon takes a few milliseconds, so build one per
// process and share it.
func New(opts Options) *Scorer {
	sia := govader.NewSentimentIntensityAnalyzer()
	s := &Scorer{
		plain:   opts.Plain,
		lexicon: make(map[string]float64, len(sia.Lexicon)+len(domainLexicon)),
		emoji:   make(map[rune]string, len(sia.EmojiDict)),
		booster: make(map[string]float64, len(sia.Constants.BoosterDict)),
		negate:  make(map[string]bool, len(sia.Constants.NegateList)),
		special: make(map[string]float64),
	}
	for k, v := range sia.Lexicon {
		s.lexicon[k] = v
	}
	for k, v := range sia.EmojiDict {
		if r, size := utf8.DecodeRuneInString(k); size == len(k) && r != utf8.RuneError {
			s.emoji[r] = v
		}
	}
	for k, v := range sia.Constants.BoosterDict {
		s.booster[k] = v
	}
	for _, w := range sia.Constants.NegateList {
		s.negate[w] = true
	}
	for k, v := range sia.Constants.SpecialCaseIdioms {
		s.special[k] = v
	}
	// Present in vaderSentiment 3.3.2 but missing from govader's table.
	s.special["bus stop"] = 0
	s.special["beating heart"] = 3.1
	s.special["broken heart"] = -2.9
	if !s.plain {
		s.addDomain()
	}
	return s
}

// word is one whitespace-separated token after the reference punctuation stripping.
type word struct {
	raw   string
	lower string
	key   string // lower with all surrounding punctuation trimmed, for phrase matching
	// clauseEnd is set when the original token ended a clause ("no," "late."): negation does
	// not reach past it.
	clauseEnd bool
	fullStop  bool // the original token ended with a single '.'
	tag       bool // the original token was a hashtag
	// fixed is a valence set by a customer-care phrase; skip marks the later words of a phrase.
	fixed    float64
	hasFixed bool
	skip     bool
}

// Score returns the compound score of text. Work is linear in len(text).
func (s *Scorer) Score(text string) Score {
	if !s.plain && strings.IndexByte(text, '&') >= 0 {
		// Platforms deliver HTML-escaped text ("&lt;3"); the emoticons must be seen unescaped.
		text = html.UnescapeString(text)
	}
	text = s.replaceEmoji(text)
	words := s.tokenize(text)
	if len(words) == 0 {
		return Score{Label: "neutral"}
	}
	if !s.plain {
		s.markPhrases(words)
	}
	isCapDiff := allCapDifferential(words)
	sentiments := make([]float64, len(words))
	for i := range words {
		w := &words[i]
		if w.skip {
			continue
		}
		if _, ok := s.booster[w.lower]; ok {
			continue
		}
		if i < len(words)-1 && w.lower == "kind" && words[i+1].lower == "of" {
			continue
		}
		sentiments[i] = s.valence(words, i, isCapDiff)
	}
	if s.plain {
		butCheck(words, sentiments)
	} else {
		s.contrastCheck(words, sentiments)
	}
	sum := 0.0
	for _, v := range sentiments {
		sum += v
	}
	sarcasm := false
	if !s.plain {
		sum, sarcasm = s.sarcasm(words, sentiments, sum)
	}
	if sum != 0 {
		amp := punctuationEmphasis(text)
		if sum > 0 {
			sum += amp
		} else {
			sum -= amp
		}
	}
	// Four decimals are plenty, and labelling the rounded value keeps label and number
	// consistent for whoever reads the JSON.
	c := math.Round(normalize(sum)*1e4) / 1e4
	return Score{Compound: c, Label: LabelOf(c), Sarcasm: sarcasm}
}

// valence is sentiment_valence of the reference implementation for word i.
func (s *Scorer) valence(words []word, i int, isCapDiff bool) float64 {
	w := words[i]
	var v float64
	fixed := w.hasFixed // phrases and negated outcomes carry their own negation
	if w.hasFixed {
		v = w.fixed
	} else if lv, ok := s.lookup(w); !ok {
		if s.plain {
			return 0
		}
		if v, fixed = s.outcomeValence(words, i); !fixed {
			return 0
		}
	} else {
		v = lv
		// "no" as a negation of the next lexicon word rather than a word of its own.
		if w.lower == "no" && i != len(words)-1 {
			if _, ok := s.lexicon[words[i+1].lower]; ok {
				v = 0
			}
		}
		if s.noBefore(words, i) {
			v = lv * nScalar
		}
	}
	if !s.plain && !negatable(w) {
		fixed = true // emoticons, emoji and laughter are not negated: "Nope :-)", "no idea lol"
	}
	if isCapDiff && isUpper(w.raw) {
		if v > 0 {
			v += cIncr
		} else {
			v -= cIncr
		}
	}
	negated := false
	for start := 0; start < 3; start++ {
		j := i - (start + 1)
		if j < 0 {
			break
		}
		if _, inLex := s.lexicon[words[j].lower]; inLex {
			continue
		}
		sc := s.scalarIncDec(words[j], v, isCapDiff)
		if start == 1 && sc != 0 {
			sc *= 0.95
		}
		if start == 2 && sc != 0 {
			sc *= 0.9
		}
		v += sc
		if !fixed {
			v, negated = s.negationCheck(v, words, start, i, negated)
		}
		if start == 2 {
			v = s.specialIdioms(v, words, i)
		}
	}
	return s.leastCheck(v, words, i)
}

// lookup finds a word in the lexicon; beyond the reference it also tries the word with letter
// runs squeezed ("soooo goooood" → "good") and flags that as emphasis.
func (s *Scorer) lookup(w word) (float64, bool) {
	raw, lower := w.raw, w.lower
	if v, ok := s.lexicon[lower]; ok {
		return v, true
	}
	if s.plain {
		return 0, false
	}
	// The reference keeps punctuation on words of two letters or fewer ("no!", "ok."), to
	// protect emoticons, and then misses them.
	if w.key != lower && len(w.key) > 0 && isLetters(w.key) {
		if v, ok := s.lexicon[w.key]; ok {
			return v, true
		}
	}
	// Emoticons are case-sensitive (":D", "=-D"); the reference only looks up lower case.
	if v, ok := s.lexicon[raw]; ok {
		return v, true
	}
	// Dropped g: "lovin", "chillin".
	if n := len(lower); n > 4 && lower[n-2:] == "in" {
		if v, ok := s.lexicon[lower+"g"]; ok {
			return v, true
		}
	}
	// Comparative and superlative of a lexicon adjective: "cooler", "coolest", "nicer".
	for _, suf := range [...]string{"est", "er"} {
		if n := len(lower) - len(suf); n >= 3 && lower[n:] == suf {
			for _, base := range [...]string{lower[:n], lower[:n] + "e"} {
				if v, ok := s.lexicon[base]; ok {
					return v, true
				}
			}
		}
	}
	if sq, ok := squeeze(lower); ok {
		for _, cand := range sq {
			if v, ok := s.lexicon[cand]; ok {
				if v > 0 {
					return v + bIncr, true
				}
				return v - bIncr, true
			}
		}
	}
	return 0, false
}

func (s *Scorer) scalarIncDec(w word, v float64, isCapDiff bool) float64 {
	sc, ok := s.booster[w.lower]
	if !ok {
		return 0
	}
	if v < 0 {
		sc = -sc
	}
	if isCapDiff && isUpper(w.raw) {
		if v > 0 {
			sc += cIncr
		} else {
			sc -= cIncr
		}
	}
	return sc
}

func (s *Scorer) isNegation(lower string) bool {
	return s.negate[lower] || strings.Contains(lower, "n't")
}

// noBefore is the reference rule for "no" one or two words before (or three, through "or"/"nor").
// Outside Plain mode it respects clause ends and does not let "no" negate another "no".
func (s *Scorer) noBefore(words []word, i int) bool {
	l := func(k int) string { return words[k].lower }
	hit := (i > 0 && l(i-1) == "no") || (i > 1 && l(i-2) == "no") ||
		(i > 2 && l(i-3) == "no" && (l(i-1) == "or" || l(i-1) == "nor"))
	if !hit || s.plain {
		return hit
	}
	if words[i].key == "no" {
		return false
	}
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		if words[k].clauseEnd {
			return false
		}
		if words[k].key == "no" {
			return true
		}
	}
	return false
}

// negatable is false for tokens that negation does not apply to: emoticons and emoji, and
// laughter ("Nope :-)", "no idea lol").
func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func negatable(w word) bool {
	switch w.key {
	case "lol", "lmao", "lmfao", "rofl", "haha", "hahaha", "hehe", "xd":
		return false
	}
	if strings.HasPrefix(w.lower, "emoji") {
		return false
	}
	for _, r := range w.raw {
		if unicode.IsLetter(r) && !strings.ContainsRune("dDpPoOxX", r) {
			return true // a word, not an emoticon
		}
	}
	return !strings.ContainsAny(w.raw, ":;=<>^")
}

// negatedAt reports whether words[j] negates words[i]. Beyond the reference, a negation that a
// phrase used up ("never again", "not bad") negates nothing, and negation stops at the end of a
// clause ("Nope, still clueless").
func (s *Scorer) negatedAt(words []word, j, i int) bool {
	if !s.plain {
		if words[j].skip || words[j].hasFixed {
			return false
		}
		for k := j; k < i; k++ {
			if words[k].clauseEnd {
				return false
			}
		}
	}
	return s.isNegation(words[j].lower)
}

// negationCheck is the reference _negation_check for the word start+1 places before i. It
// reports whether it negated, so that outside Plain mode a word is negated at most once: the
// reference flips "DON'T CARE DON'T CARE" back to positive on the second pair.
func (s *Scorer) negationCheck(v float64, words []word, start, i int, done bool) (float64, bool) {
	if done && !s.plain {
		return v, true
	}
	l := func(k int) string { return words[k].lower }
	switch start {
	case 0:
		if s.negatedAt(words, i-1, i) {
			return v * nScalar, true
		}
	case 1:
		switch {
		case l(i-2) == "never" && (l(i-1) == "so" || l(i-1) == "this"):
			return v * neverSoScale, done
		case l(i-2) == "without" && l(i-1) == "doubt":
		case s.negatedAt(words, i-2, i):
			return v * nScalar, true
		}
	case 2:
		switch {
		case l(i-3) == "never" && (l(i-2) == "so" || l(i-2) == "this" || l(i-1) == "so" || l(i-1) == "this"):
			return v * neverSoScale, done
		case l(i-3) == "without" && (l(i-2) == "doubt" || l(i-1) == "doubt"):
		case s.negatedAt(words, i-3, i):
			return v * nScalar, true
		}
	}
	return v, done
}

func (s *Scorer) specialIdioms(v float64, words []word, i int) float64 {
	l := func(k int) string { return words[k].lower }
	seqs := [...]string{
		l(i-1) + " " + l(i),
		l(i-2) + " " + l(i-1) + " " + l(i),
		l(i-2) + " " + l(i-1),
		l(i-3) + " " + l(i-2) + " " + l(i-1),
		l(i-3) + " " + l(i-2),
	}
	for _, seq := range seqs {
		if sv, ok := s.special[seq]; ok {
			v = sv
			break
		}
	}
	if len(words)-1 > i {
		if sv, ok := s.special[l(i)+" "+l(i+1)]; ok {
			v = sv
		}
	}
	if len(words)-1 > i+1 {
		if sv, ok := s.special[l(i)+" "+l(i+1)+" "+l(i+2)]; ok {
			v = sv
		}
	}
	for _, ng := range [...]string{seqs[3], seqs[4], seqs[2]} {
		if b, ok := s.booster[ng]; ok {
			v += b
		}
	}
	return v
}

func (s *Scorer) leastCheck(v float64, words []word, i int) float64 {
	if i > 0 && words[i-1].lower == "least" {
		if _, inLex := s.lexicon["least"]; inLex {
			return v
		}
		if i > 1 && (words[i-2].lower == "at" || words[i-2].lower == "very") {
			return v
		}
		return v * nScalar
	}
	return v
}

// butCheck is the reference rule: words before the first "but" count half, words after it
// one and a half.
func butCheck(words []word, sentiments []float64) {
	for bi := range words {
		if words[bi].lower == "but" {
			weightAround(sentiments, bi, butBefore, butAfter)
			return
		}
	}
}

func weightAround(sentiments []float64, pivot int, before, after float64) {
	for i := range sentiments {
		switch {
		case i < pivot:
			sentiments[i] *= before
		case i > pivot:
			sentiments[i] *= after
		}
	}
}

func punctuationEmphasis(text string) float64 {
	ep := strings.Count(text, "!")
	if ep > maxEP {
		ep = maxEP
	}
	amp := float64(ep) * epScale
	if qm := strings.Count(text, "?"); qm > 1 {
		if qm <= 3 {
			amp += float64(qm) * qmScale
		} else {
			amp += maxQM
		}
	}
	return amp
}

func normalize(score float64) float64 {
	n := score / math.Sqrt(score*score+alpha)
	return math.Max(-1, math.Min(1, n))
}

// replaceEmoji swaps each known single-code-point emoji for its description, spaced as the
// reference does. It allocates only when the text contains one.
func (s *Scorer) replaceEmoji(text string) string {
	first := -1
	for i, r := range text {
		if r >= 0x80 && s.isEmoji(r) {
			first = i
			break
		}
	}
	if first < 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 32)
	b.WriteString(text[:first])
	prevSpace := first == 0 || text[first-1] == ' '
	for _, r := range text[first:] {
		if s.isEmoji(r) {
			if !prevSpace {
				b.WriteByte(' ')
			}
			if tok, ok := s.emojiTok[r]; ok {
				// The description has no lexicon words ("face with rolling eyes"), so a
				// synthetic lexicon token carries our valence instead.
				b.WriteString(tok)
			} else {
				b.WriteString(s.emoji[r])
			}
			prevSpace = false
			continue
		}
		b.WriteRune(r)
		prevSpace = r == ' '
	}
	return b.String()
}

func (s *Scorer) isEmoji(r rune) bool {
	if _, ok := s.emojiTok[r]; ok {
		return true
	}
	_, ok := s.emoji[r]
	return ok
}

const punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// isPunct is punctuation as a table: strings.Trim with a cutset rebuilds its set on every call.
var isPunct = func() (t [256]bool) {
	for i := 0; i < len(punctuation); i++ {
		t[punctuation[i]] = true
	}
	return t
}()

// trimPunct is strings.Trim(s, punctuation).
func trimPunct(s string) string {
	i, j := 0, len(s)
	for i < j && isPunct[s[i]] {
		i++
	}
	for j > i && isPunct[s[j-1]] {
		j--
	}
	return s[i:j]
}

// tokenize splits on white space like Python's str.split() and strips surrounding ASCII
// punctuation from words that keep at least three bytes (so emoticons such as ":)" survive).
func (s *Scorer) tokenize(text string) []word {
	fields := strings.Fields(text)
	words := make([]word, len(fields))
	for i, f := range fields {
		end := f[len(f)-1]
		w := word{
			clauseEnd: end == ',' || end == '.' || end == '!' || end == '?' || end == ';',
			fullStop:  end == '.' && !strings.HasSuffix(f, ".."),
			tag:       f[0] == '#' && len(f) > 1,
		}
		if st := trimPunct(f); len(st) > 2 {
			f = st
		}
		w.raw, w.lower = f, lower(f)
		w.key = trimPunct(w.lower)
		words[i] = w
	}
	return words
}

// lower avoids an allocation for the common already-lower-case ASCII word.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

// isUpper is Python's str.isupper: at least one cased letter and no lower-case one.
func isUpper(s string) bool {
	cased := false
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) || unicode.IsTitle(r) {
			cased = true
		}
	}
	return cased
}

func allCapDifferential(words []word) bool {
	n := 0
	for _, w := range words {
		if isUpper(w.raw) {
			n++
		}
	}
	d := len(words) - n
	return d > 0 && d < len(words)
}

// squeeze returns candidate spellings of a word with elongated letter runs shortened: runs of
// three or more become two letters, then one. ok is false when the word has no such run.
func squeeze(w string) ([]string, bool) {
	run, long := 1, false
	for i := 1; i < len(w); i++ {
		if w[i] == w[i-1] {
			run++
			if run >= 3 {
				long = true
				break
			}
		} else {
			run = 1
		}
	}
	if !long {
		return nil, false
	}
	two := make([]byte, 0, len(w))
	one := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		c := w[i]
		if i >= 2 && w[i-1] == c && w[i-2] == c {
			continue
		}
		two = append(two, c)
		if i >= 1 && w[i-1] == c {
			continue
		}
		one = append(one, c)
	}
	return []string{string(two), string(one)}, true
}
