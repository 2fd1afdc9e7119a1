package pii

import (
	"github.com/nyaruka/phonenumbers"
)

// Phone numbers: a candidate is a run of 7 to 15 digits with the separators people type
// (space, dash, dot, slash, parentheses) and an optional leading '+'. libphonenumber decides:
// a number valid in one of the configured regions (or internationally, with '+') is a phone; a
// merely possible one counts only after a phone word. Bare digit runs after an order or
// tracking word are left to the order detector.

// phoneContext words make a merely possible number a phone and overrule notPhoneContext.
var phoneContext = []string{"phone", "call", "tel", "mobile", "cell", "whatsapp", "text me",
	"sms", "contact", "reach me", "registered", "fax", "ring me"}

// notPhoneContext words say the number is some other identifier.
var notPhoneContext = []string{"order", "tracking", "ticket", "ref", "invoice", "case",
	"confirmation", "account", "booking", "reservation", "serial", "license", "licence",
	"passport", "id ", "id:", "#", "ip ", "address"}

// maxPhoneCandidates bounds libphonenumber calls per text; each costs microseconds.
const maxPhoneCandidates = 16

func isPhoneSep(c byte) bool {
	return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')'
}

func (d *Detector) findPhones(text string, spans []Span) []Span {
	tried := 0
	for i := 0; i < len(text) && tried < maxPhoneCandidates; i++ {
		c := text[i]
		if !(isDigit(c) || ((c == '+' || c == '(') && i+1 < len(text) && isDigit(text[i+1]))) {
			continue
		}
		if i > 0 && (isAlnum(text[i-1]) || text[i-1] == '+' || text[i-1] == '-' || text[i-1] == '.' || text[i-1] == '@') {
			// Inside a word, a handle, a decimal or a longer number: skip to the end of this run.
			for i+1 < len(text) && isDigit(text[i+1]) {
				i++
			}
			continue
		}
		end, digits, seps, ok := phoneCandidate(text, i)
		if !ok {
			for i+1 < len(text) && (isDigit(text[i+1]) || isPhoneSep(text[i+1])) {
				i++
			}
			continue
		}
		tried++
		if s, ok := d.phoneSpan(text, i, end, digits, seps); ok {
			spans = append(spans, s)
		}
		i = end - 1
	}
	return spans
}

// phoneCandidate extends a candidate from start: digits and single separators (a parenthesis
// may sit next to a space). It fails when the digit count is outside 7..15 or the run is glued
// to letters.
func phoneCandidate(text string, start int) (end, digits, seps int, ok bool) {
	j := start
	if text[j] == '+' {
		j++
	}
	lastDigit := -1
	prevSep := false
	for j < len(text) {
		c := text[j]
		if isDigit(c) {
			digits++
			lastDigit = j
			prevSep = false
			if digits > 17 {
				return 0, 0, 0, false
			}
		} else if isPhoneSep(c) {
			if prevSep && !(c == '(' || text[j-1] == ')') {
				break
			}
			seps++
			prevSep = true
		} else {
			break
		}
		j++
	}
	if lastDigit < 0 {
		return 0, 0, 0, false
	}
	end = lastDigit + 1
	if end < len(text) && text[end] == ')' {
		end++ // never true for a valid number, but keeps "(555)" whole
	}
	if lastDigit+1 < len(text) && isLetter(text[lastDigit+1]) {
		return 0, 0, 0, false
	}
	if digits < 7 || digits > 15 {
		return 0, 0, 0, false
	}
	return lastDigit + 1, digits, seps, true
}

func (d *Detector) phoneSpan(text string, start, end, digits, seps int) (Span, bool) {
	cand := text[start:end]
	if looksLikeDate(cand) || looksLikeIP(cand) {
		return Span{}, false
	}
	// The nearer of a phone word and another identifier's word decides: "no call, tracking
	// 5180735251790" is a tracking number.
	pd := contextDistance(text, start, 40, phoneContext)
	nd := contextDistance(text, start, 30, notPhoneContext)
	if nd >= 0 && (pd < 0 || nd < pd) {
		return Span{}, false
	}
	ctx := pd >= 0
	intl := cand[0] == '+'
	ctx = ctx || hasContext(text, start, 24, []string{"number", "no."})
	valid, possible := false, false
	regions := d.regions
	if intl {
		regions = regions[:1] // the region is ignored for +CC numbers
	}
	for _, r := range regions {
		num, err := phonenumbers.Parse(cand, r)
		if err != nil {
			continue
		}
		if phonenumbers.IsValidNumber(num) {
			valid = true
			break
		}
		if phonenumbers.IsPossibleNumber(num) {
			possible = true
		}
	}
	switch {
	case valid && (ctx || seps > 0 || intl):
		return Span{Type: Phone, Start: start, End: end, Confidence: 0.9}, true
	case valid:
		// Bare digits that happen to be a valid number: likely, not certain.
		return Span{Type: Phone, Start: start, End: end, Confidence: 0.6}, true
	case (possible || digits >= 7) && ctx && (seps > 0 || intl || digits >= 10):
		return Span{Type: Phone, Start: start, End: end, Confidence: 0.5}, true
	}
	return Span{}, false
}

// looksLikeDate rejects 2017-10-31, 31.10.2017 and 10/31/2017 shapes.
func looksLikeDate(s string) bool {
	var groups []int
	n := 0
	var sep byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isDigit(c) {
			n++
			continue
		}
		if sep == 0 {
			sep = c
		} else if c != sep {
			return false
		}
		groups = append(groups, n)
		n = 0
	}
	groups = append(groups, n)
	if len(groups) != 3 || (sep != '-' && sep != '.' && sep != '/') {
		return false
	}
	a, b, c := groups[0], groups[1], groups[2]
	return (a == 4 && b <= 2 && c <= 2) || (a <= 2 && b <= 2 && (c == 2 || c == 4))
}

// looksLikeIP rejects dotted quads such as 172.61.42.192.
func looksLikeIP(s string) bool {
	groups, n := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case isDigit(s[i]):
			n++
			if n > 3 {
				return false
			}
		case s[i] == '.':
			if n == 0 {
				return false
			}
			groups++
			n = 0
		default:
			return false
		}
	}
	return groups == 3 && n > 0
}
