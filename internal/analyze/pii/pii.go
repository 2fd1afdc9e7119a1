// Package pii finds personal data in customer posts so that a public post holding some can be
// moved to a private channel, and masks it in text shown or sent in public.
//
// Detection is deliberately conservative in what it calls a card or an IBAN (checksums and
// issuer or country tables must agree) and more liberal with phone numbers, where a number that
// only looks possible needs a context word ("call", "phone"...). Every detector scans the text
// once or a bounded number of times, so the work is linear in the input; Find looks at no more
// than MaxInput bytes.
package pii

import (
	"regexp"
	"slices"
)

// Types of personal data.
const (
	Card  = "card"
	IBAN  = "iban"
	Phone = "phone"
	Email = "email"
	SSN   = "ssn"
	Order = "order"
)

// MaxInput is the number of leading bytes of a text that Find examines. Social posts are far
// shorter; the cap bounds the work on hostile input.
const MaxInput = 64 << 10

// maxOrderMatches bounds the spans a workspace's order regexp may produce.
const maxOrderMatches = 64

// Span is one piece of personal data: Start and End are byte offsets into the text (End
// exclusive) and Confidence is in (0, 1].
type Span struct {
	Type       string  `json:"type"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Confidence float64 `json:"confidence"`
}

// Options configures a Detector.
type Options struct {
	// PhoneRegions are the ISO 3166 regions in which numbers without a country code are read,
	// in order of preference (for example the brand's markets). Default: US, GB.
	PhoneRegions []string
	// OrderPattern is the default order-number pattern, used when Find gets none. If the
	// pattern has a capturing group, the first group is the span; otherwise the whole match.
	OrderPattern *regexp.Regexp
}

// Detector is immutable after New and safe for concurrent use.
type Detector struct {
	regions []string
	order   *regexp.Regexp
}

// New returns a Detector.
func New(opts Options) *Detector {
	regions := opts.PhoneRegions
	if len(regions) == 0 {
		regions = []string{"US", "GB"}
	}
	return &Detector{regions: slices.Clone(regions), order: opts.OrderPattern}
}

// priority decides which span survives when two overlap: the checksummed types first, then the
// more specific patterns.
var priority = map[string]int{Card: 0, IBAN: 1, Email: 2, SSN: 3, Order: 4, Phone: 5}

// Find returns the personal data in text ordered by Start, without overlaps. order, when not
// nil, is the workspace's order-number pattern and replaces the default one.
func (d *Detector) Find(text string, order *regexp.Regexp) []Span {
	if len(text) > MaxInput {
		text = text[:MaxInput]
	}
	var spans []Span
	spans = findCards(text, spans)
	spans = findIBANs(text, spans)
	spans = findEmails(text, spans)
	spans = findSSNs(text, spans)
	if order == nil {
		order = d.order
	}
	if order != nil {
		spans = findOrders(text, order, spans)
	}
	spans = d.findPhones(text, spans)
	return resolve(spans)
}

// resolve keeps, among overlapping spans, the one of highest priority (then the longest).
func resolve(spans []Span) []Span {
	if len(spans) < 2 {
		return spans
	}
	slices.SortStableFunc(spans, func(a, b Span) int {
		if pa, pb := priority[a.Type], priority[b.Type]; pa != pb {
			return pa - pb
		}
		return (b.End - b.Start) - (a.End - a.Start)
	})
	kept := spans[:0:0]
	for _, s := range spans {
		overlaps := false
		for _, k := range kept {
			if s.Start < k.End && k.Start < s.End {
				overlaps = true
				break
			}
		}
		if !overlaps {
			kept = append(kept, s)
		}
	}
	slices.SortFunc(kept, func(a, b Span) int { return a.Start - b.Start })
	return kept
}

func findOrders(text string, re *regexp.Regexp, spans []Span) []Span {
	for _, m := range re.FindAllStringSubmatchIndex(text, maxOrderMatches) {
		start, end := m[0], m[1]
		if len(m) >= 4 && m[2] >= 0 {
			start, end = m[2], m[3]
		}
		if end > start {
			spans = append(spans, Span{Type: Order, Start: start, End: end, Confidence: 0.9})
		}
	}
	return spans
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// hasContext reports whether one of words appears (case-insensitively, ASCII) in the window
// bytes before start.
func hasContext(text string, start, window int, words []string) bool {
	from := max(0, start-window)
	seg := text[from:start]
	for _, w := range words {
		if containsFold(seg, w) {
			return true
		}
	}
	return false
}

// contextDistance returns how many bytes before start the nearest of words ends, looking back
// at most window bytes, or -1.
func contextDistance(text string, start, window int, words []string) int {
	from := max(0, start-window)
	seg := text[from:start]
	best := -1
	for _, w := range words {
		if i := lastIndexFold(seg, w); i >= 0 {
			if d := len(seg) - (i + len(w)); best < 0 || d < best {
				best = d
			}
		}
	}
	return best
}

// lastIndexFold is an ASCII case-insensitive strings.LastIndex; needle must be lower case.
func lastIndexFold(s, needle string) int {
	n := len(needle)
outer:
	for i := len(s) - n; i >= 0; i-- {
		for j := 0; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				continue outer
			}
		}
		return i
	}
	return -1
}

// containsFold is an allocation-free ASCII case-insensitive strings.Contains; needle must be
// lower case.
func containsFold(s, needle string) bool {
	n := len(needle)
outer:
	for i := 0; i+n <= len(s); i++ {
		for j := 0; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				continue outer
			}
		}
		return true
	}
	return false
}
