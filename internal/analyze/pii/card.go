package pii

import "strings"

// Card numbers: 12 to 19 digits, written together or in groups separated by one space or dash,
// that pass the Luhn check and start with a known issuer prefix of a length that issuer uses.
// A 16-digit order number that fails Luhn is therefore not a card.

var cardContext = []string{"card", "visa", "mastercard", "amex", "credit", "debit", "maestro", "cc"}

// issuer is a prefix range [lo, hi] over the first len(lo) digits, and the card lengths it
// issues. strong issuers are the common schemes; a weak match (legacy or rare prefixes whose
// ranges catch many other numbers) gets a lower confidence unless a card word precedes it.
type issuer struct {
	lo, hi  string
	lengths []int
	strong  bool
}

var issuers = []issuer{
	{"4", "4", []int{13, 16, 19}, true},                            // Visa
	{"51", "55", []int{16}, true},                                  // Mastercard
	{"2221", "2720", []int{16}, true},                              // Mastercard 2-series
	{"34", "34", []int{15}, true},                                  // American Express
	{"37", "37", []int{15}, true},                                  // American Express
	{"6011", "6011", []int{16, 17, 18, 19}, true},                  // Discover
	{"644", "649", []int{16, 17, 18, 19}, true},                    // Discover
	{"65", "65", []int{16, 17, 18, 19}, true},                      // Discover, RuPay
	{"622126", "622925", []int{16, 17, 18, 19}, true},              // Discover / UnionPay co-branded
	{"62", "62", []int{16, 17, 18, 19}, true},                      // UnionPay
	{"300", "305", []int{14, 15, 16, 17, 18, 19}, true},            // Diners Club
	{"36", "36", []int{14, 15, 16, 17, 18, 19}, true},              // Diners Club International
	{"38", "39", []int{14, 15, 16, 17, 18, 19}, true},              // Diners Club
	{"3528", "3589", []int{16, 17, 18, 19}, true},                  // JCB
	{"35", "35", []int{16, 17, 18, 19}, false},                     // JCB as test generators (Faker) make it; 3500-3527 and 3590-3599 are unassigned
	{"2200", "2204", []int{16, 17, 18, 19}, true},                  // Mir
	{"1", "1", []int{15}, false},                                   // UATP
	{"1800", "1800", []int{15}, false},                             // JCB (legacy)
	{"2131", "2131", []int{15}, false},                             // JCB (legacy)
	{"50", "50", []int{12, 13, 14, 15, 16, 17, 18, 19}, false},     // Maestro, Dankort, Verve
	{"56", "69", []int{12, 13, 14, 15, 16, 17, 18, 19}, false},     // Maestro and national schemes
	{"0604", "0604", []int{12, 13, 14, 15, 16, 17, 18, 19}, false}, // Maestro (test generators)
	{"81", "82", []int{16}, false},                                 // RuPay
	{"9792", "9792", []int{16}, false},                             // Troy
}

// issuerOf returns whether digits matches an issuer, and whether strongly.
func issuerOf(digits string) (ok, strong bool) {
	n := len(digits)
	for _, is := range issuers {
		k := len(is.lo)
		if n < k {
			continue
		}
		p := digits[:k]
		if p < is.lo || p > is.hi {
			continue
		}
		for _, l := range is.lengths {
			if l == n {
				ok = true
				strong = strong || is.strong
			}
		}
	}
	return ok, strong
}

func luhn(digits string) bool {
	sum, double := 0, false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// group is a run of digits at text[start:end].
type group struct{ start, end int }

// findCards scans digit groups joined by single spaces or dashes and tries every run of
// consecutive groups holding 12 to 19 digits, longest first, so "order 123 4111 1111 1111
// 1111" still yields the card. Each start tries at most 19 groups: linear overall.
func findCards(text string, spans []Span) []Span {
	var groups []group
	flush := func() {
		spans = cardsInGroups(text, groups, spans)
		groups = groups[:0]
	}
	i := 0
	for i < len(text) {
		if !isDigit(text[i]) {
			// One space or dash between two digit groups continues the number.
			sep := (text[i] == ' ' || text[i] == '-') && len(groups) > 0 &&
				groups[len(groups)-1].end == i && i+1 < len(text) && isDigit(text[i+1])
			if !sep {
				flush()
			}
			i++
			continue
		}
		start := i
		for i < len(text) && isDigit(text[i]) {
			i++
		}
		if (start > 0 && isLetter(text[start-1])) || (i < len(text) && isLetter(text[i])) {
			flush() // digits glued to letters ("A1234", "1234abc") are an identifier
			continue
		}
		if i-start < 3 {
			// Card numbers are written in groups of 3 to 6 digits (4-4-4-4, 4-6-5); "1 2 3"
			// is a list, and letting it join makes hostile input quadratic-ish.
			flush()
			continue
		}
		groups = append(groups, group{start, i})
	}
	flush()
	return spans
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

func cardsInGroups(text string, groups []group, spans []Span) []Span {
	var buf [19]byte
	next := 0 // first group not yet inside an accepted card
	for a := 0; a < len(groups); a++ {
		if a < next {
			continue
		}
		// Find the furthest b with at most 19 digits, then try b downwards.
		n, b := 0, a
		for ; b < len(groups); b++ {
			n += groups[b].end - groups[b].start
			if n > 19 {
				n -= groups[b].end - groups[b].start
				break
			}
		}
		for b--; b >= a && n >= 12; b-- {
			digits := buf[:0]
			for g := a; g <= b; g++ {
				digits = append(digits, text[groups[g].start:groups[g].end]...)
			}
			if ok, conf := isCard(text, groups[a].start, string(digits)); ok {
				spans = append(spans, Span{Type: Card, Start: groups[a].start, End: groups[b].end, Confidence: conf})
				next = b + 1
				break
			}
			n -= groups[b].end - groups[b].start
		}
	}
	return spans
}

func isCard(text string, start int, digits string) (bool, float64) {
	if !luhn(digits) || strings.Count(digits, "0") == len(digits) {
		return false, 0
	}
	ok, strong := issuerOf(digits)
	if !ok {
		return false, 0
	}
	ctx := hasContext(text, start, 40, cardContext)
	switch {
	case ctx:
		return true, 1
	case strong:
		return true, 0.9
	default:
		return true, 0.6
	}
}
