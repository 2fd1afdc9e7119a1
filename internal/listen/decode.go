package listen

import (
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"
)

// DecodePost decodes one JSON post. It gives exactly what json.Unmarshal
// into a zeroed Post gives (same fields, same errors), at several times the
// speed: encoding/json alone costs about as much as matching against 10,000
// rules. A fast path handles the flat objects that streams carry (string,
// number, boolean and null values); anything else, including every error,
// is handed to encoding/json, which stays the authority.
func DecodePost(line []byte, p *Post) error {
	*p = Post{}
	if decodeFlat(line, p) {
		return nil
	}
	*p = Post{}
	return json.Unmarshal(line, p)
}

// decodeFlat is the fast path. It returns false, with *p in any state, as
// soon as the input is anything but a plain flat object.
func decodeFlat(b []byte, p *Post) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipSpace(b, i+1) == len(b)
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return false
		}
		key, j, ok := scanString(b, i)
		if !ok || !plainKey(key) {
			return false
		}
		i = skipSpace(b, j)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return false
		}
		field := p.field(key)
		switch c := b[i]; {
		case c == '"':
			raw, j, ok := scanString(b, i)
			if !ok {
				return false
			}
			if field != nil {
				s, ok := unquote(raw)
				if !ok {
					return false
				}
				*field = s
			}
			i = j
		case field != nil:
			// A known field with a non-string value: null leaves it
			// alone, anything else is a type error that encoding/json
			// must report.
			if !hasLiteral(b, i, "null") {
				return false
			}
			i += len("null")
		default:
			j, ok := skipScalar(b, i)
			if !ok {
				return false
			}
			i = j
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return false
		}
		if b[i] == '}' {
			return skipSpace(b, i+1) == len(b)
		}
		if b[i] != ',' {
			return false
		}
		i = skipSpace(b, i+1)
	}
}

// plainKey accepts keys of ASCII without escapes. Any other key could spell
// a field name in a way only encoding/json decodes and folds correctly
// ("\u0069d", or the Kelvin sign folding to k), so decodeFlat gives up.
func plainKey(key []byte) bool {
	for _, c := range key {
		if c == '\\' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// field returns the Post field for a key. Like encoding/json, keys match
// case-insensitively.
func (p *Post) field(key []byte) *string {
	switch len(key) {
	case 2:
		if lowerEq(key, "id") {
			return &p.ID
		}
	case 4:
		if lowerEq(key, "text") {
			return &p.Text
		}
		if lowerEq(key, "lang") {
			return &p.Lang
		}
	case 6:
		if lowerEq(key, "author") {
			return &p.Author
		}
	}
	return nil
}

func lowerEq(b []byte, s string) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func hasLiteral(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}

// scanString returns the contents of the string starting at b[i] (the
// quote), still escaped, and the index after its closing quote. It refuses
// control characters, bad escapes and invalid UTF-8.
func scanString(b []byte, i int) (raw []byte, next int, ok bool) {
	start := i + 1
	for j := start; j < len(b); {
		c := b[j]
		switch {
		case c == '"':
			return b[start:j], j + 1, true
		case c < 0x20:
			return nil, 0, false
		case c == '\\':
			if j+1 >= len(b) {
				return nil, 0, false
			}
			switch b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(b) {
					return nil, 0, false
				}
				if hex4(b[j+2:j+6]) < 0 {
					return nil, 0, false
				}
				j += 6
			default:
				return nil, 0, false
			}
		case c < utf8.RuneSelf:
			j++
		default:
			r, n := utf8.DecodeRune(b[j:])
			if r == utf8.RuneError && n == 1 {
				return nil, 0, false // encoding/json would substitute U+FFFD; let it
			}
			j += n
		}
	}
	return nil, 0, false
}

// unquote decodes the escapes of a scanned string. Lone surrogates are left
// to encoding/json, which turns them into U+FFFD.
func unquote(raw []byte) (string, bool) {
	esc := false
	for _, c := range raw {
		if c == '\\' {
			esc = true
			break
		}
	}
	if !esc {
		return string(raw), true
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		switch raw[i+1] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(raw[i+2 : i+6])
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
					return "", false
				}
				r = utf16.DecodeRune(r, hex4(raw[i+2:i+6]))
				if r == utf8.RuneError {
					return "", false
				}
				i += 6
			}
			out = utf8.AppendRune(out, r)
			continue
		default: // '"', '\\', '/'
			out = append(out, raw[i+1])
		}
		i += 2
	}
	return string(out), true
}

// hex4 decodes four hex digits, or returns -1.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// skipScalar skips a number, true, false or null; objects and arrays (and
// anything malformed) return false.
func skipScalar(b []byte, i int) (int, bool) {
	switch b[i] {
	case 't':
		return i + 4, hasLiteral(b, i, "true")
	case 'f':
		return i + 5, hasLiteral(b, i, "false")
	case 'n':
		return i + 4, hasLiteral(b, i, "null")
	}
	j := i
	for j < len(b) && (b[j] >= '0' && b[j] <= '9' || b[j] == '-' || b[j] == '+' || b[j] == '.' || b[j] == 'e' || b[j] == 'E') {
		j++
	}
	if j == i || !json.Valid(b[i:j]) {
		return 0, false
	}
	return j, true
}
