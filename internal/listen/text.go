package listen

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// This file turns text (a post, or a term of a rule) into folded tokens.
// Posts and rules go through the very same code, so whatever the folding does
// to a word it does on both sides, and matching stays exact on the result.

// tokKind says what a token is.
type tokKind uint8

const (
	tokWord    tokKind = iota // a run of letters, digits, marks or '_'
	tokMention                // @handle; its key starts with '@'
	tokHashtag                // #tag; its key starts with '#', whole body folded
)

// token is a slice of the folded buffer plus where it stands.
//
// Words and mentions form the positional sequence (pos is their index in
// it), which phrases and NEAR/n count in. A hashtag is not in the sequence:
// its body is also emitted as ordinary words, so a plain term matches inside
// a hashtag, and the hashtag token only serves #tag atoms. Its pos is the
// position of its first body word.
type token struct {
	start, end int32 // in tokenizer.buf
	pos        int32
	kind       tokKind
}

// tokenizer holds the reusable buffers of one goroutine. It is not safe for
// concurrent use; matchers keep one per scratch in a sync.Pool.
type tokenizer struct {
	buf     []byte  // folded text of every token, back to back
	seq     []token // words and mentions, in order
	tags    []token // hashtags
	hasLink bool

	fold transform.Transformer // a cases.Caser: stateful, hence one per tokenizer; boxed once
	iter norm.Iter
	tmpA []byte
	tmpB []byte
}

func newTokenizer() *tokenizer {
	return &tokenizer{fold: cases.Fold()}
}

func (t *tokenizer) reset() {
	t.buf = t.buf[:0]
	t.seq = t.seq[:0]
	t.tags = t.tags[:0]
	t.hasLink = false
}

func (t *tokenizer) text(k token) []byte { return t.buf[k.start:k.end] }

// isWordRune reports whether r can start or continue a word. Marks are
// handled separately: they continue a word but never start one, so a lone
// variation selector after an emoji is not a word.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// asciiWord is an immutable lookup table for the hot ASCII path.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
	}
	return t
}()

// isSplitRune reports scripts written without spaces between words where each
// character is best taken as its own word (as UAX #29 does for ideographs):
// Han and Hiragana. Katakana, Hangul and the rest keep letters together.
func isSplitRune(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r))
}

// decode returns the rune at s[i] and its size, with an ASCII fast path.
func decode(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// wordEnd returns the end of the word run starting at i and whether it was
// all ASCII. With split set, a Han or Hiragana rune ends the run after itself
// (and a run never continues into one).
func wordEnd(s string, i int, split bool) (int, bool) {
	ascii := true
	first := true
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if !asciiWord[c] {
				break
			}
			i++
			first = false
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsMark(r):
			if first {
				return i, ascii
			}
		case isWordRune(r):
			if split && isSplitRune(r) {
				if first {
					return i + n, false
				}
				return i, ascii
			}
		default:
			return i, ascii
		}
		ascii = false
		first = false
		i += n
	}
	return i, ascii
}

// tokenize splits and folds s into t.seq, t.tags and t.hasLink.
//
// Separators are everything but letters, numbers, marks and '_': spaces,
// punctuation, apostrophes ("Apple's" is apple + s), emoji and symbols.
// URLs (http://, https://, www.) set hasLink and yield no words, so random
// link slugs never match a term.
func (t *tokenizer) tokenize(s string) {
	t.reset()
	prevWord := false // was the rune before i part of a word? (for # and @)
	for i := 0; i < len(s); {
		c := s[i]
		if c == '#' || c == '@' {
			if !prevWord && i+1 < len(s) {
				if end, _ := wordEnd(s, i+1, false); end > i+1 {
					if c == '#' {
						// Emit the hashtag, then go on at its body so
						// that its words are ordinary words too.
						t.emit(s[i:end], true, tokHashtag)
						i++
						continue
					}
					t.emit(s[i:end], true, tokMention)
					i = end
					prevWord = true
					continue
				}
			}
			i++
			prevWord = false
			continue
		}
		r, n := decode(s, i)
		if !isWordRune(r) {
			i += n
			prevWord = unicode.IsMark(r) && prevWord
			continue
		}
		if !prevWord && (c == 'h' || c == 'H' || c == 'w' || c == 'W') {
			if end := urlEnd(s, i); end > i {
				t.hasLink = true
				i = end
				continue
			}
		}
		end, ascii := wordEnd(s, i, true)
		t.emit(s[i:end], ascii, tokWord)
		i = end
		prevWord = true
	}
}

// emit folds w onto the buffer as a token of the given kind. A #tag or
// @handle keeps its sigil, so its key never collides with a word's.
func (t *tokenizer) emit(w string, ascii bool, kind tokKind) {
	start := int32(len(t.buf))
	if kind != tokWord {
		t.buf = append(t.buf, w[0])
		w = w[1:]
		ascii = isASCII(w)
	}
	if ascii {
		for i := 0; i < len(w); i++ {
			c := w[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			t.buf = append(t.buf, c)
		}
	} else {
		t.buf = t.foldUnicode(t.buf, w)
	}
	k := token{start: start, end: int32(len(t.buf)), kind: kind}
	if kind == tokHashtag {
		k.pos = int32(len(t.seq))
		t.tags = append(t.tags, k)
		return
	}
	k.pos = int32(len(t.seq))
	t.seq = append(t.seq, k)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldUnicode appends the folded form of w to dst: full case folding
// ("Straße" → "strasse"), compatibility decomposition (full-width and
// ligatures become plain letters), removal of the accents that sit on Latin,
// Greek and Cyrillic letters ("café" → "cafe"), then NFC so that scripts
// whose letters decompose (Hangul) come back whole. Marks on other scripts
// (Devanagari viramas, Arabic harakat) carry meaning and are kept.
func (t *tokenizer) foldUnicode(dst []byte, w string) []byte {
	if out, ok := foldFast(dst, w); ok {
		return out
	}
	return t.foldSlow(dst, w)
}

// foldSlow is foldUnicode through golang.org/x/text, with the tokenizer's
// reusable buffers and norm.Iter values (norm.Form.Append allocates).
func (t *tokenizer) foldSlow(dst []byte, w string) []byte {
	var err error
	t.tmpB = append(t.tmpB[:0], w...)
	t.tmpA, _, err = transform.Append(t.fold, t.tmpA[:0], t.tmpB)
	if err != nil { // not expected from case folding, but never lose the word
		t.tmpA = append(t.tmpA[:0], w...)
	}
	t.tmpB = t.tmpB[:0]
	stripMarks := false
	t.iter.Init(norm.NFKD, t.tmpA)
	for !t.iter.Done() {
		seg := t.iter.Next()
		for i := 0; i < len(seg); {
			r, n := utf8.DecodeRune(seg[i:])
			if unicode.In(r, unicode.Mn, unicode.Me) {
				if !stripMarks {
					t.tmpB = append(t.tmpB, seg[i:i+n]...)
				}
			} else {
				stripMarks = r < 0x0530 // Latin, Greek, Cyrillic and below
				t.tmpB = append(t.tmpB, seg[i:i+n]...)
			}
			i += n
		}
	}
	t.iter.Init(norm.NFC, t.tmpB)
	for !t.iter.Done() {
		dst = append(dst, t.iter.Next()...)
	}
	return dst
}

// foldTable is an immutable table of the folded form of each rune from
// U+0080 to U+052F (Latin, Greek, Cyrillic), computed once with the slow
// path. In these scripts folding works rune by rune, as long as no combining
// mark follows (the table holds none, and foldFast refuses them), so words
// fold without touching x/text.
var foldTable = func() (tab [0x530 - 0x80]string) {
	t := newTokenizer()
	for r := rune(0x80); r < 0x530; r++ {
		if !unicode.IsMark(r) { // "" sends marks to the slow path
			tab[r-0x80] = string(t.foldSlow(nil, string(r)))
		}
	}
	return tab
}()

// foldsToItself reports runes that case folding and normalization leave
// alone, by Unicode's stability policy: CJK unified ideographs, Hangul
// syllables (NFKD splits them, NFC rejoins them) and kana, except the two
// combining sound marks, which NFC would merge into the kana before them.
func foldsToItself(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0xAC00 && r <= 0xD7A3 ||
		r >= 0x3041 && r <= 0x30FF && r != 0x3099 && r != 0x309A
}

// foldFast folds w with foldTable, or reports false if w has a rune that
// needs the slow path.
func foldFast(dst []byte, w string) ([]byte, bool) {
	start := len(dst)
	for i := 0; i < len(w); {
		c := w[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(w[i:])
		switch {
		case r < 0x530 && foldTable[r-0x80] != "":
			dst = append(dst, foldTable[r-0x80]...)
		case foldsToItself(r):
			dst = append(dst, w[i:i+n]...)
		default:
			return dst[:start], false
		}
		i += n
	}
	return dst, true
}

// urlEnd returns the end of a URL starting at i (at the next space), or i if
// there is none. Recognised: http://, https:// and www. (any case).
func urlEnd(s string, i int) int {
	rest := s[i:]
	if !hasPrefixFold(rest, "http://") && !hasPrefixFold(rest, "https://") && !hasPrefixFold(rest, "www.") {
		return i
	}
	j := i
	for j < len(s) {
		r, n := decode(s, j)
		if unicode.IsSpace(r) {
			break
		}
		j += n
	}
	return j
}

func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// foldPlain folds an identifier (author handle, language code) for exact
// comparison: ASCII lower case, a leading '@' dropped. Non-ASCII handles go
// through the same Unicode folding as words.
func (t *tokenizer) foldPlain(dst []byte, s string) []byte {
	if len(s) > 0 && s[0] == '@' {
		s = s[1:]
	}
	if !isASCII(s) {
		return t.foldUnicode(dst, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
