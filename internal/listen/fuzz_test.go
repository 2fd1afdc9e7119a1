package listen

import (
	"errors"
	"testing"
	"time"
	"unicode/utf8"
)

var fuzzRules = []string{
	`apple`, `"customer service" -jobs`, `(apple OR ~samsung) lang:en`, `delay NEAR/3 (refund OR "money back")`,
	`#ios11 @applesupport from:jane has:link`, `refund* -"stock price"`, `-spam`, `NOT (a OR b)`, `東京 OR ソニー`,
	`"unclosed`, `(a OR b`, `a NEAR/0 b`, `~uber`, `re*`, `café AND -crème`, `a NEAR/2 b NEAR/3 c`, `((((a))))`,
}

var fuzzTexts = []string{
	"I love Apple products", "delay on my refund 😡", "#iOS11 @AppleSupport https://t.co/x", "CAFÉ crème",
	"東京駅で会いましょう", "amzaon prime", "\xff\xfe", "", "a b a b a b", "customer-service, again",
}

// FuzzParse: any input either parses or yields a *SyntaxError with a column
// inside the query, never a panic, and quickly.
func FuzzParse(f *testing.F) {
	for _, r := range fuzzRules {
		f.Add(r)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if len(q) > 4096 {
			return
		}
		start := time.Now()
		_, err := Parse(q)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Parse took %v on %d bytes", d, len(q))
		}
		if err == nil {
			return
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("Parse(%q) = %v, not a *SyntaxError", q, err)
		}
		if se.Col < 1 || se.Col > utf8.RuneCountInString(q)+1 {
			t.Fatalf("Parse(%q): column %d outside the query", q, se.Col)
		}
	})
}

// FuzzMatch compares the Matcher with the brute-force reference evaluator
// on random rules and posts: indexes, triggers and stamps must never change
// the answer.
func FuzzMatch(f *testing.F) {
	for i, r := range fuzzRules {
		f.Add(r, fuzzTexts[i%len(fuzzTexts)], "en", "jane")
	}
	f.Fuzz(func(t *testing.T, rule, text, lang, author string) {
		if len(rule) > 1024 || len(text) > 4096 {
			return
		}
		if _, err := Parse(rule); err != nil {
			return
		}
		m, err := NewMatcher([]Rule{{ID: "r", Query: rule}, {ID: "always", Query: "-zzzz"}})
		if err != nil {
			t.Fatalf("rule %q parses but does not compile: %v", rule, err)
		}
		p := Post{ID: "1", Text: text, Lang: lang, Author: author}
		start := time.Now()
		got := m.Match(p)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Match took %v", d)
		}
		matched := len(got) > 0 && got[0] == "r"
		if want := refMatch(t, rule, p); matched != want {
			t.Fatalf("rule %q on %+v: matcher %v, reference %v", rule, p, matched, want)
		}
	})
}
