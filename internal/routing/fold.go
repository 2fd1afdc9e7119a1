package routing

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// fold returns s as text ops compare it: Unicode case folding (Straße = strasse),
// compatibility forms (full-width ＡＢＣ = abc) and the accents of Latin, Greek and Cyrillic
// letters removed (café = cafe), as internal/listen folds, so a routing rule and a listening
// rule written alike find the same posts. Marks of other scripts carry meaning and are kept.
//
// Most posts are ASCII; they take a path that allocates only when there is an upper-case letter
// to lower. Most others are accented Latin with emoji and typographic punctuation; they take
// foldFast. Only the rest pays for golang.org/x/text's three passes.
func fold(s string) string {
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			if out, ok := foldFast(s); ok {
				return out
			}
			return foldSlow(s)
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if !upper {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// foldSlow is fold for any text: case folding first (so that İ becomes i plus a combining dot,
// which the next step removes), then compatibility decomposition, dropping marks that follow a
// Latin, Greek or Cyrillic letter, case folding again, and recomposition so that scripts whose
// letters decompose (Hangul) come back whole.
func foldSlow(s string) string {
	s = norm.NFKD.String(cases.Fold().String(s))
	var b strings.Builder
	b.Grow(len(s))
	strip := false
	for _, r := range s {
		if unicode.In(r, unicode.Mn, unicode.Me) {
			if strip {
				continue
			}
		} else {
			strip = stripsMarks(r)
		}
		b.WriteRune(r)
	}
	// Fold again: compatibility forms can decompose into capitals (™ is TM).
	return norm.NFC.String(cases.Fold().String(b.String()))
}

// stripsMarks reports whether the marks after base r are accents to remove: those on Latin,
// Greek and Cyrillic letters (and on the ASCII and Latin-1 symbols below them).
func stripsMarks(r rune) bool { return r < 0x0530 }

// foldEntry is the folded form of one rune; ok is false when the rune needs foldSlow.
type foldEntry struct {
	s  string
	ok bool
}

// Rune ranges foldFast looks up: Latin, Greek and Cyrillic; general punctuation, letterlike and
// other symbols (’ “ … € ™ → ★ ✓ ❤).
const (
	latinLo, latinHi   = 0x80, 0x530
	symbolLo, symbolHi = 0x2000, 0x2C00
)

// foldTables are built on first use (a few milliseconds) by folding each rune alone with
// foldSlow. Folding rune by rune equals folding the whole text as long as no output holds a
// combining mark, since only a mark could then recompose with, or be stripped after, its
// neighbour; such runes are left out (ok false), and foldFast sends marks themselves to
// foldSlow, except the emoji variation selectors and keycap mark, handled alike in both.
var foldTables = sync.OnceValue(func() *struct {
	latin  [latinHi - latinLo]foldEntry
	symbol [symbolHi - symbolLo]foldEntry
} {
	t := new(struct {
		latin  [latinHi - latinLo]foldEntry
		symbol [symbolHi - symbolLo]foldEntry
	})
	entry := func(r rune) foldEntry {
		if unicode.IsMark(r) {
			return foldEntry{}
		}
		out := foldSlow(string(r))
		if out == "" || strings.ContainsFunc(out, unicode.IsMark) {
			return foldEntry{}
		}
		return foldEntry{s: out, ok: true}
	}
	for r := rune(latinLo); r < latinHi; r++ {
		t.latin[r-latinLo] = entry(r)
	}
	for r := rune(symbolLo); r < symbolHi; r++ {
		t.symbol[r-symbolLo] = entry(r)
	}
	return t
})

// foldFast folds s rune by rune, or reports false if s has a rune that needs foldSlow. It
// tracks, as foldSlow does, whether the marks that follow are accents to strip, which for the
// runes it accepts is decided by the rune's own output.
func foldFast(s string) (string, bool) {
	t := foldTables()
	var b strings.Builder
	b.Grow(len(s) + 8)
	strip := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			strip = true
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		var e foldEntry
		switch {
		case r == utf8.RuneError && n == 1:
			return "", false
		case r < latinHi:
			e = t.latin[r-latinLo]
		case r >= symbolLo && r < symbolHi:
			e = t.symbol[r-symbolLo]
		case foldsToItself(r):
			e = foldEntry{s: s[i : i+n], ok: true}
		case r >= 0xFE00 && r <= 0xFE0F || r == 0x20E3:
			// Emoji presentation selectors and the keycap mark: marks that never recompose,
			// kept after emoji and stripped after ASCII (#️⃣), exactly as foldSlow does.
			if !strip {
				b.WriteString(s[i : i+n])
			}
			i += n
			continue
		}
		if !e.ok {
			return "", false
		}
		b.WriteString(e.s)
		last, _ := utf8.DecodeLastRuneInString(e.s)
		strip = stripsMarks(last)
		i += n
	}
	return b.String(), true
}

// foldsToItself reports runes that folding leaves alone: CJK unified ideographs, Hangul
// syllables (NFKD splits them, NFC rejoins them), kana letters (not the sound marks, which
// decompose, nor the ligatures), and the emoji blocks. fold_test checks every
// one against foldSlow.
func foldsToItself(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0xAC00 && r <= 0xD7A3 ||
		r >= 0x3041 && r <= 0x3096 || r >= 0x30A0 && r <= 0x30FE ||
		r >= 0x1F300 && r <= 0x1FAFF
}
