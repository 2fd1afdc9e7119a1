package pii

import (
	"slices"
	"strings"
)

// Mask returns text with the spans masked by '*', byte for byte, so offsets stay valid and the
// text keeps its shape. What stays readable lets the customer and agent recognise the item:
// the last four digits of a card, IBAN, SSN, order or phone number (the last two only when the
// number is shorter than eight characters) and, for an e-mail address, the first character and
// the domain. Spans out of range are ignored; overlapping spans are masked together.
func Mask(text string, spans []Span) string {
	if len(spans) == 0 {
		return text
	}
	b := []byte(text)
	sorted := slices.Clone(spans)
	slices.SortFunc(sorted, func(a, b Span) int { return a.Start - b.Start })
	for _, s := range sorted {
		if s.Start < 0 || s.End > len(b) || s.Start >= s.End {
			continue
		}
		if s.Type == Email {
			maskEmail(b[s.Start:s.End])
			continue
		}
		maskKeepLast(b[s.Start:s.End])
	}
	return string(b)
}

// maskKeepLast masks alphanumerics except the last four (two in short items), keeping
// separators and the characters of a multi-byte rune intact.
func maskKeepLast(p []byte) {
	alnum := 0
	for _, c := range p {
		if isAlnum(c) {
			alnum++
		}
	}
	keep := 4
	if alnum < 8 {
		keep = 2
	}
	seen := 0
	for i, c := range p {
		if !isAlnum(c) {
			continue
		}
		seen++
		if seen <= alnum-keep {
			p[i] = '*'
		}
	}
}

func maskEmail(p []byte) {
	at := strings.LastIndexByte(string(p), '@')
	if at < 0 {
		maskKeepLast(p)
		return
	}
	for i := 1; i < at; i++ {
		p[i] = '*'
	}
}
