package routing

import (
	"fmt"
	"regexp"
	"testing"
)

func TestPrefilterLiterals(t *testing.T) {
	cases := map[string]string{
		`refund`:                   `[{refund false}]`,
		`(?i)Refund`:               `[{refund true}]`,
		`(?i)\border\s*#?5\d{4}\b`: `[{order true} {5 true}]`,
		`#\d+`:                     `[{# false}]`,
		`ab+c{2,}d?`:               `[{a false} {b false} {c false}]`, // each part on its own
		`(?:order|commande) \d+`:   `[{  false}]`,
		`(?i)café`:                 `[]`, // non-ASCII under (?i): no literal
		`café`:                     `[{café false}]`,
		`x*`:                       `[]`,
		`[0-9]{6}`:                 `[]`,
		`(a)(bb)(ccc)(dddd)`:       `[{dddd false} {ccc false} {bb false}]`, // the longest three
		`a.bb.ccc.dddd`:            `[{dddd false} {ccc false} {bb false}]`,
	}
	for pattern, want := range cases {
		if got := fmt.Sprint(newPrefilter(pattern)); got != want {
			t.Errorf("%s: literals %s, want %s", pattern, got, want)
		}
	}
}

// TestPrefilterNeverMisses: the prefilter may let a post through that the regex then rejects,
// never the reverse.
func TestPrefilterNeverMisses(t *testing.T) {
	cases := []struct{ pattern, text string }{
		{`(?i)refund`, "REFUND"},
		{`(?i)ok`, "O\u212a"}, // Kelvin sign matches k under (?i)
		{`(?i)ss`, "ſſ"},      // long s matches s under (?i)
		{`(?i)order`, "Orde\u0301r"},
		{`(?i)cafe`, "CAFE\u0301"},
		{`(?i)a#1`, "A#1"},
		{`(?i)x`, "\xffX\xff"},
		{`(?i)tm`, "TM"},
	}
	for _, c := range cases {
		checkPrefilter(t, c.pattern, c.text)
	}
}

func FuzzPrefilter(f *testing.F) {
	f.Add(`(?i)refund`, "REFUND now")
	f.Add(`(?i)\border\s*#?\d{4}`, "Order #1234")
	f.Add(`(?i)k+s`, "\u212aſ")
	f.Add(`caf(é|e)`, "Café")
	f.Fuzz(checkPrefilter)
}

func checkPrefilter(t *testing.T, pattern, text string) {
	t.Helper()
	if len(pattern) > MaxPatternLen {
		return
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return
	}
	p := newPrefilter(pattern)
	e := env{f: &Facts{Text: text}}
	if re.MatchString(text) && !p.pass(&e) {
		t.Fatalf("regex %q matches %q but its prefilter %v rejects it (folded %q)", pattern, text, p, e.foldedText())
	}
}
