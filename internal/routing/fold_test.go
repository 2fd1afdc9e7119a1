package routing

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	cases := map[string]string{
		"":               "",
		"plain":          "plain",
		"MiXeD":          "mixed",
		"Café":           "cafe",
		"Straße":         "strasse",
		"ＡＢＣ":            "abc",
		"İstanbul":       "istanbul",
		"ΆΘΗΝΑ":          "αθηνα",
		"Ёлка":           "елка",
		"한국어":            "한국어",
		"नमस्ते":         "नमस्ते", // Devanagari marks carry meaning and stay
		"ﬁle":            "file",
		"naïve résumé":   "naive resume",
		"e\u0301clair":   "eclair",
		"\u0301leading":  "\u0301leading",
		"It’s “great”…":  "it’s “great”...",
		"™ €5 ❤️ #️⃣ 👍🏽": "tm €5 ❤️ # 👍🏽",
		"Kelvin K":       "kelvin k",
	}
	for in, want := range cases {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
		if got := foldSlow(in); got != want && in != "" {
			t.Errorf("foldSlow(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFoldsToItself checks every rune foldFast copies unchanged.
func TestFoldsToItself(t *testing.T) {
	for r := rune(0x80); r <= 0x1FAFF; r++ {
		if foldsToItself(r) && foldSlow(string(r)) != string(r) {
			t.Errorf("U+%04X folds to %q", r, foldSlow(string(r)))
		}
	}
}

// foldAlphabet mixes everything foldFast handles with things it must refuse.
var foldAlphabet = []rune("aZ #1 éÉßİıΣςΆёЁ’“…€™→❤✓\u200d\ufe0f\u20e3\u0301\u0308👍🏽中한ガ\u0915\u094dＡﬁǅ\u00adK")

// TestFoldFastMatchesSlow: wherever foldFast answers, it answers as foldSlow.
func TestFoldFastMatchesSlow(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	fast := 0
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(8) {
			b.WriteRune(foldAlphabet[rng.IntN(len(foldAlphabet))])
		}
		checkFold(t, b.String())
		if _, ok := foldFast(b.String()); ok {
			fast++
		}
	}
	if fast < 1000 {
		t.Errorf("foldFast took only %d strings", fast)
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Café ❤️", "#️⃣", "e\u0301", "İ", "…", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // decoded JSON is always valid UTF-8
		}
		checkFold(t, s)
	})
}

func checkFold(t *testing.T, s string) {
	t.Helper()
	if out, ok := foldFast(s); ok {
		if want := foldSlow(s); out != want {
			t.Fatalf("foldFast(%q) = %q, foldSlow %q", s, out, want)
		}
	}
}
