package listen

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SyntaxError is a rule that does not parse. Col counts characters (runes,
// not bytes) from 1, so it points at the right place in accented or CJK text.
type SyntaxError struct {
	Col int
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("col %d: %s", e.Col, e.Msg) }

func errAt(col int, format string, args ...any) error {
	return &SyntaxError{Col: col, Msg: fmt.Sprintf(format, args...)}
}

type lexKind uint8

const (
	lexEOF lexKind = iota
	lexLParen
	lexRParen
	lexPhrase // "..." (text without the quotes)
	lexTerm   // any other run of characters
	lexAnd
	lexOr
	lexNot   // NOT
	lexMinus // '-' glued to the operand after it
	lexNear  // NEAR/n
)

type lexeme struct {
	kind lexKind
	text string
	col  int
	n    int // NEAR distance
}

// maxNear bounds NEAR/n: beyond a tweet's length a bigger n means nothing.
const maxNear = 100

func (l lexeme) describe() string {
	switch l.kind {
	case lexEOF:
		return "end of query"
	case lexPhrase:
		return strconv.Quote(l.text)
	case lexMinus:
		return "-"
	}
	return l.text
}

// lex splits a query into lexemes. Operators are recognised only in upper
// case (AND, OR, NOT, NEAR/n): lower-case "and" or "or" are ordinary words.
func lex(q string) ([]lexeme, error) {
	var out []lexeme
	col := 1
	for i := 0; i < len(q); {
		r, n := utf8.DecodeRuneInString(q[i:])
		switch {
		case unicode.IsSpace(r):
			i += n
			col++
		case r == '(':
			out = append(out, lexeme{kind: lexLParen, text: "(", col: col})
			i++
			col++
		case r == ')':
			out = append(out, lexeme{kind: lexRParen, text: ")", col: col})
			i++
			col++
		case r == '"':
			end := strings.IndexByte(q[i+1:], '"')
			if end < 0 {
				return nil, errAt(col, "unclosed quote")
			}
			text := q[i+1 : i+1+end]
			out = append(out, lexeme{kind: lexPhrase, text: text, col: col})
			i += end + 2
			col += utf8.RuneCountInString(text) + 2
		case r == '-':
			next, _ := utf8.DecodeRuneInString(q[i+1:])
			if i+1 >= len(q) || unicode.IsSpace(next) || next == ')' {
				return nil, errAt(col, "'-' must be followed directly by the term it excludes, as in -jobs")
			}
			out = append(out, lexeme{kind: lexMinus, text: "-", col: col})
			i++
			col++
		default:
			j := i
			for j < len(q) {
				r, n := utf8.DecodeRuneInString(q[j:])
				if unicode.IsSpace(r) || r == '(' || r == ')' || r == '"' {
					break
				}
				j += n
			}
			l, err := keyword(q[i:j], col)
			if err != nil {
				return nil, err
			}
			out = append(out, l)
			col += utf8.RuneCountInString(q[i:j])
			i = j
		}
	}
	return append(out, lexeme{kind: lexEOF, col: col}), nil
}

func keyword(text string, col int) (lexeme, error) {
	l := lexeme{kind: lexTerm, text: text, col: col}
	switch {
	case text == "AND":
		l.kind = lexAnd
	case text == "OR":
		l.kind = lexOr
	case text == "NOT":
		l.kind = lexNot
	case text == "NEAR":
		return l, errAt(col, "NEAR needs a distance in words, as in NEAR/3")
	case strings.HasPrefix(text, "NEAR/"):
		n, err := strconv.Atoi(text[len("NEAR/"):])
		if err != nil || n < 1 || n > maxNear {
			return l, errAt(col, "NEAR/n needs a whole number of words from 1 to %d, got %q", maxNear, text[len("NEAR/"):])
		}
		l.kind, l.n = lexNear, n
	}
	return l, nil
}
