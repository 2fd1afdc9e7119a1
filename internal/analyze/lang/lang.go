// Package lang detects the language of short social posts (ISO 639-1 codes).
//
// It wraps github.com/abadojack/whatlanggo (trigram profiles, MIT, ~1 MB of code and data)
// with what short customer posts need: links, handles, hashtags, digits and emoji are removed
// first, frequent function words of the configured languages vote alongside the trigrams, and a
// caller's hint breaks close calls. We measured the alternatives on 140 short customer-care
// posts in 7 languages (testdata/short_social.tsv) and on 555 TWCS customer tweets; details are
// in internal/analyze/NOTES.md:
//
//	detector                     short posts  TWCS en-rate  time/post (TWCS)  binary    heap
//	lingua-go (7 languages)      97.1%        94.4%         262 µs            +133 MB   124 MB
//	lingua-go low accuracy       92.9%        92.4%         149 µs            +133 MB   124 MB
//	whatlanggo, 7 languages      80.7%        88.3%          82 µs            ~1 MB     ~0
//	this package                 94.3%        92.3%           8 µs            ~1 MB     ~0
//
// (TWCS en-rate is bounded by the share of tweets that really are English, about 96%.)
//
// lingua-go is the most accurate but would add 133 MB to the binary and hold 124 MB of memory
// per process for 7 languages, which a one-binary self-hosted product cannot afford by
// default. The function-word vote closes most of the accuracy gap on short posts and settles
// most posts without the trigram scan, which is also what makes detection fast.
package lang

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// DefaultLanguages is the language set when Options.Languages is empty.
var DefaultLanguages = []string{"en", "es", "fr", "de", "pt", "it", "nl"}

// minTrigramLetters is the fewest letters the trigram scan is trusted with.
const minTrigramLetters = 8

// wordWeight is the score of one function word against at most 1.5 for the trigram verdict.
const wordWeight = 1.5

// maxLetters caps how much of a text is examined: a few hundred letters settle the language,
// and the trigram scan's cost grows with the text.
const maxLetters = 1000

// Options configures a Detector.
type Options struct {
	// Languages are the candidate ISO 639-1 codes for texts in Latin, Cyrillic, Arabic,
	// Devanagari, Hebrew and Ethiopic scripts. Scripts that identify their language on their
	// own (Hangul, Kana, Thai, Greek...) are reported even outside this set.
	Languages []string
}

// Detector is immutable after New and safe for concurrent use.
type Detector struct {
	codes     []string       // index → ISO 639-1
	index     map[string]int // ISO 639-1 → index
	wl        map[whatlanggo.Lang]bool
	toCode    map[whatlanggo.Lang]string
	words     map[string]uint64 // function word → bit set of language indexes
	fastVotes bool              // every language has a word list: word votes may decide alone
}

// New returns a Detector for the configured languages; an unknown code is an error.
func New(opts Options) (*Detector, error) {
	codes := opts.Languages
	if len(codes) == 0 {
		codes = DefaultLanguages
	}
	if len(codes) > 64 {
		return nil, fmt.Errorf("lang: %d languages, at most 64", len(codes))
	}
	byISO1 := make(map[string]whatlanggo.Lang, len(whatlanggo.Langs))
	for l := range whatlanggo.Langs {
		if c := l.Iso6391(); c != "" {
			byISO1[c] = l
		}
	}
	d := &Detector{
		index:     make(map[string]int, len(codes)),
		wl:        make(map[whatlanggo.Lang]bool, len(codes)),
		toCode:    make(map[whatlanggo.Lang]string, len(byISO1)),
		words:     make(map[string]uint64),
		fastVotes: true,
	}
	for l := range whatlanggo.Langs {
		if c := l.Iso6391(); c != "" {
			d.toCode[l] = c
		}
	}
	for _, c := range codes {
		c = strings.ToLower(strings.TrimSpace(c))
		l, ok := byISO1[c]
		if !ok {
			return nil, fmt.Errorf("lang: unsupported language %q", c)
		}
		if _, dup := d.index[c]; dup {
			continue
		}
		i := len(d.codes)
		d.codes = append(d.codes, c)
		d.index[c] = i
		d.wl[l] = true
		list, ok := functionWords[c]
		if !ok {
			d.fastVotes = false
		}
		for _, w := range strings.Fields(list) {
			d.words[w] |= 1 << i
		}
	}
	return d, nil
}

// Languages returns the configured codes.
func (d *Detector) Languages() []string { return append([]string(nil), d.codes...) }

// Result is a detected language and how sure the detector is, in [0, 1].
type Result struct {
	Code       string
	Confidence float64
}

// Detect returns the language of text, or "" when it has too few letters to tell (then the
// hint, if given, with a low confidence). hint is an ISO 639-1 code from the platform or the
// customer's history; it tips close calls.
func (d *Detector) Detect(text, hint string) Result {
	clean, letters := cleanText(text)
	hintIdx, hasHint := d.index[hint]
	if letters < 3 {
		if hint != "" {
			return Result{Code: hint, Confidence: 0.2}
		}
		return Result{}
	}
	votes := make([]float64, len(d.codes))
	for _, w := range strings.Fields(clean) {
		set, ok := d.words[w]
		if !ok {
			continue
		}
		n := popcount(set)
		for i := range d.codes {
			if set&(1<<i) != 0 {
				votes[i] += 1 / float64(n)
			}
		}
	}
	best, second := top2(votes)
	// Fast path: the function words settle it (at least two, and three times any rival's
	// votes), which is the case for most posts of a dozen words or more; the trigram scan
	// costs ten times more than everything else.
	if d.fastVotes && votes[best] >= 2 && votes[best] >= 3*votes[second] {
		conf := 0.8 + 0.05*min(4, votes[best]-2-votes[second])
		return Result{Code: d.codes[best], Confidence: round2(conf)}
	}
	// Trigrams of a single short word are noise ("hello" scores as Dutch): without a function
	// word, fewer than minTrigramLetters letters are not enough.
	if votes[best] == 0 && letters < minTrigramLetters {
		if hint != "" {
			return Result{Code: hint, Confidence: 0.2}
		}
		return Result{}
	}
	// Function words are strong evidence; trigrams count less on short texts, where a few
	// letters decide them.
	// When some configured language has no word list, votes are one-sided ("i" is an English
	// word and a Swedish one): they then only break ties.
	weight := wordWeight
	if !d.fastVotes {
		weight = 0.2
	}
	scores := votes
	for i := range scores {
		scores[i] *= weight
	}
	info := whatlanggo.DetectWithOptions(clean, whatlanggo.Options{Whitelist: d.wl})
	code, inSet := "", false
	if info.Lang >= 0 {
		code = d.toCode[info.Lang]
		if i, ok := d.index[code]; ok {
			inSet = true
			scores[i] += min(1, float64(letters)/30) * (0.5 + info.Confidence)
		}
	}
	if !inSet && code != "" && info.Script != nil && info.Script != unicode.Latin {
		// A script that names its language (Hangul, Kana, Thai...).
		return Result{Code: code, Confidence: info.Confidence}
	}
	if hasHint {
		scores[hintIdx] += 0.75
	}
	best, second = top2(scores)
	if scores[best] == 0 {
		if hint != "" {
			return Result{Code: hint, Confidence: 0.2}
		}
		return Result{}
	}
	conf := (scores[best] - scores[second]) / (scores[best] + 0.5)
	// Very short texts are guesses whatever the margin.
	conf *= min(1, float64(letters)/20)
	return Result{Code: d.codes[best], Confidence: round2(conf)}
}

func round2(x float64) float64 { return float64(int(x*100+0.5)) / 100 }

func top2(s []float64) (best, second int) {
	best, second = 0, -1
	for i := 1; i < len(s); i++ {
		if s[i] > s[best] {
			best = i
		}
	}
	for i := range s {
		if i != best && (second < 0 || s[i] > s[second]) {
			second = i
		}
	}
	if second < 0 {
		second = best
		if len(s) == 1 {
			return best, best
		}
	}
	return best, second
}

func popcount(x uint64) int {
	n := 0
	for x != 0 {
		x &= x - 1
		n++
	}
	return n
}

// cleanText lower-cases text and keeps only words made of letters (and apostrophes), dropping
// links, @handles, #hashtags, digits, emoji and punctuation, up to maxLetters letters. Invalid
// UTF-8 is skipped.
func cleanText(text string) (string, int) {
	var b strings.Builder
	b.Grow(min(len(text), 4*maxLetters))
	letters := 0
	for _, f := range strings.Fields(text) {
		if letters >= maxLetters {
			break
		}
		if f[0] == '@' || f[0] == '#' || strings.Contains(f, "://") || strings.HasPrefix(f, "www.") {
			continue
		}
		wrote := false
		for _, r := range f {
			switch {
			case r == utf8.RuneError:
				continue
			case unicode.IsLetter(r):
				if !wrote && b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteRune(unicode.ToLower(r))
				letters++
				wrote = true
			case (r == '\'' || r == '’') && wrote:
				b.WriteByte('\'')
			default:
				if wrote {
					b.WriteByte(' ')
					wrote = false
				}
			}
		}
	}
	return b.String(), letters
}
