package survey

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/store"
)

// maxAnswerBytes bounds what can be a score-only reply; anything longer is a
// normal message without being looked at further.
const maxAnswerBytes = 64

// Scale returns the lowest and highest score of a survey kind.
func Scale(kind string) (lo, hi int) {
	if kind == store.SurveyNPS {
		return 0, 10
	}
	return 1, 5
}

// ParseScore reads a customer's reply that is nothing but a score on the
// kind's scale: "5", "5/5", "5 out of 5", "10!", "4 stars", "⭐⭐⭐⭐",
// "★★★☆☆", "5️⃣". A reply with any other words ("5 days late!") is not an
// answer: it stays a normal message. A stated scale must be the survey's
// ("4/10" does not answer a 1–5 CSAT question).
func ParseScore(text, kind string) (int, bool) {
	n, outOf, ok := parseAnswer(text)
	if !ok {
		return 0, false
	}
	lo, hi := Scale(kind)
	if outOf != 0 && outOf != hi {
		return 0, false
	}
	if n < lo || n > hi {
		return 0, false
	}
	return n, true
}

// parseAnswer recognises the shape of a score-only reply, on no scale yet:
// the number and the scale the customer stated (0 when none).
func parseAnswer(text string) (n, outOf int, ok bool) {
	if len(text) > maxAnswerBytes || !utf8.ValidString(text) {
		return 0, 0, false
	}
	// Emoji presentation selectors and keycap marks ("5️⃣") carry no meaning.
	s := strings.Map(func(r rune) rune {
		if r == '\uFE0F' || r == '\uFE0E' || r == '\u20E3' {
			return -1
		}
		return r
	}, text)
	s = strings.TrimSpace(strings.ToLower(s))
	s = strings.TrimRight(s, "!.? ")
	if s == "🔟" {
		return 10, 0, true
	}
	if n, outOf, ok := stars(s); ok {
		return n, outOf, true
	}
	n, rest, ok := leadingNumber(s)
	if !ok {
		return 0, 0, false
	}
	rest = strings.TrimSpace(rest)
	// An optional scale: "/5", "out of 5", "of 5".
	for _, sep := range []string{"/", "out of", "of"} {
		if after, found := strings.CutPrefix(rest, sep); found {
			m, tail, ok := leadingNumber(strings.TrimSpace(after))
			if !ok || m == 0 {
				return 0, 0, false
			}
			outOf, rest = m, strings.TrimSpace(tail)
			break
		}
	}
	switch rest {
	case "", "star", "stars", "point", "points", "pts":
		return n, outOf, true
	}
	return 0, 0, false
}

// leadingNumber reads one or two ASCII digits at the start of s; three or
// more digits are not a score.
func leadingNumber(s string) (int, string, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 2 {
		return 0, s, false
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil {
		return 0, s, false
	}
	// "4.5" or "4,5" is not a whole score.
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		return 0, s, false
	}
	return n, s[i:], true
}

// stars reads a reply made only of star characters: filled stars (⭐ ★ 🌟)
// count, empty ones (☆) only state the scale.
func stars(s string) (n, outOf int, ok bool) {
	if s == "" {
		return 0, 0, false
	}
	empty := 0
	for _, r := range s {
		switch {
		case r == '⭐' || r == '★' || r == '🌟':
			n++
		case r == '☆':
			empty++
		case unicode.IsSpace(r):
		default:
			return 0, 0, false
		}
	}
	if n == 0 {
		return 0, 0, false
	}
	if empty > 0 {
		outOf = n + empty
	}
	return n, outOf, true
}
