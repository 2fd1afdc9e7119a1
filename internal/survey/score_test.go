package survey

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/store"
)

func TestParseScore(t *testing.T) {
	cases := []struct {
		text string
		kind string
		want int
		ok   bool
	}{
		{"5", store.SurveyCSAT, 5, true},
		{" 4 ", store.SurveyCSAT, 4, true},
		{"5/5", store.SurveyCSAT, 5, true},
		{"3 / 5", store.SurveyCSAT, 3, true},
		{"4 out of 5", store.SurveyCSAT, 4, true},
		{"4 of 5", store.SurveyCSAT, 4, true},
		{"5!", store.SurveyCSAT, 5, true},
		{"5!!!", store.SurveyCSAT, 5, true},
		{"2.", store.SurveyCSAT, 2, true},
		{"4 stars", store.SurveyCSAT, 4, true},
		{"1 Star", store.SurveyCSAT, 1, true},
		{"⭐⭐⭐⭐", store.SurveyCSAT, 4, true},
		{"⭐️⭐️⭐️", store.SurveyCSAT, 3, true}, // with emoji presentation selectors
		{"★★★☆☆", store.SurveyCSAT, 3, true},
		{"★ ★ ★ ★ ★", store.SurveyCSAT, 5, true},
		{"5️⃣", store.SurveyCSAT, 5, true},
		{"10!", store.SurveyNPS, 10, true},
		{"0", store.SurveyNPS, 0, true},
		{"9/10", store.SurveyNPS, 9, true},
		{"🔟", store.SurveyNPS, 10, true},
		{"7 points", store.SurveyNPS, 7, true},

		// Off the scale, or the wrong scale.
		{"0", store.SurveyCSAT, 0, false},
		{"6", store.SurveyCSAT, 0, false},
		{"10", store.SurveyCSAT, 0, false},
		{"4/10", store.SurveyCSAT, 0, false},
		{"5/5", store.SurveyNPS, 0, false},
		{"11", store.SurveyNPS, 0, false},
		{"★★★☆☆☆☆☆☆☆", store.SurveyCSAT, 0, false},
		{"⭐⭐⭐⭐⭐⭐", store.SurveyCSAT, 0, false},
		// Words make it a message.
		{"5 days and still no refund!", store.SurveyCSAT, 0, false},
		{"I'd give it a 5", store.SurveyCSAT, 0, false},
		{"5/5 thanks", store.SurveyCSAT, 0, false},
		{"order 12345", store.SurveyCSAT, 0, false},
		{"123", store.SurveyNPS, 0, false},
		{"4.5", store.SurveyCSAT, 0, false},
		{"4,5", store.SurveyCSAT, 0, false},
		{"-3", store.SurveyCSAT, 0, false},
		{"", store.SurveyCSAT, 0, false},
		{"!!!", store.SurveyCSAT, 0, false},
		{"☆☆☆", store.SurveyCSAT, 0, false},
		{"5/0", store.SurveyCSAT, 0, false},
		{"<script>5</script>", store.SurveyCSAT, 0, false},
		{strings.Repeat(" ", 100) + "5", store.SurveyCSAT, 0, false},
	}
	for _, c := range cases {
		got, ok := ParseScore(c.text, c.kind)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseScore(%q, %s) = %d, %v; want %d, %v", c.text, c.kind, got, ok, c.want, c.ok)
		}
	}
}

// FuzzParseScore checks the parser on any customer text: it never panics,
// an accepted score is on the kind's scale, only short valid text is
// accepted, and the canonical forms of an accepted score parse to the same
// score.
func FuzzParseScore(f *testing.F) {
	for _, s := range []string{"5", "5/5", "10!", "⭐⭐⭐⭐", "★★★☆☆", "4 out of 5", "5️⃣", "🔟", "hello 5", "4.5", "99", "\xff5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, kind := range []string{store.SurveyCSAT, store.SurveyNPS} {
			n, ok := ParseScore(text, kind)
			if !ok {
				if n != 0 {
					t.Fatalf("rejected %q but returned %d", text, n)
				}
				continue
			}
			lo, hi := Scale(kind)
			if n < lo || n > hi {
				t.Fatalf("ParseScore(%q, %s) = %d, off the %d–%d scale", text, kind, n, lo, hi)
			}
			if len(text) > maxAnswerBytes || !utf8.ValidString(text) {
				t.Fatalf("accepted long or invalid text %q", text)
			}
			if !strings.ContainsAny(text, "0123456789⭐★🌟🔟") {
				t.Fatalf("accepted %q without a digit or star", text)
			}
			for _, canon := range []string{itoa(n), itoa(n) + "/" + itoa(hi)} {
				if m, ok := ParseScore(canon, kind); !ok || m != n {
					t.Fatalf("canonical %q = %d, %v; want %d", canon, m, ok, n)
				}
			}
		}
	})
}

func itoa(n int) string {
	if n >= 10 {
		return string(rune('0'+n/10)) + string(rune('0'+n%10))
	}
	return string(rune('0' + n))
}

// BenchmarkParseScore: the shape check every inbound message goes through
// before the survey stage considers a query.
func BenchmarkParseScore(b *testing.B) {
	texts := []string{"5", "⭐⭐⭐⭐", "4 out of 5", "My parcel arrived broken and nobody answers my emails, this is the third time I write.", "10!"}
	for b.Loop() {
		for _, s := range texts {
			ParseScore(s, store.SurveyCSAT)
		}
	}
}
