package pii

// E-mail addresses: a local part and a dotted domain around an '@' whose top-level label is
// alphabetic. A social handle ("@AcmeHelp") has no local part and is not matched. Each byte is
// looked at a bounded number of times: the scan around one '@' stops at the previous or next
// '@'.

func isLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isDomain(c byte) bool { return isAlnum(c) || c == '.' || c == '-' }

func findEmails(text string, spans []Span) []Span {
	last := 0 // the previous match's end: local parts do not reach back into it
	for at := 0; at < len(text); at++ {
		if text[at] != '@' {
			continue
		}
		s := at
		for s > last && isLocal(text[s-1]) && at-s < 64 {
			s--
		}
		for s < at && (text[s] == '.' || text[s] == '-') {
			s++ // a local part does not start with a dot
		}
		if s == at || text[at-1] == '.' {
			continue
		}
		e := at + 1
		for e < len(text) && isDomain(text[e]) && e-at < 255 {
			e++
		}
		for e > at+1 && (text[e-1] == '.' || text[e-1] == '-') {
			e-- // trailing sentence punctuation
		}
		dom := text[at+1 : e]
		dot := lastDot(dom)
		if dot <= 0 || !validTLD(dom[dot+1:]) || containsDoubleDot(dom) {
			continue
		}
		spans = append(spans, Span{Type: Email, Start: s, End: e, Confidence: 0.95})
		last = e
		at = e - 1
	}
	return spans
}

func lastDot(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}

func validTLD(t string) bool {
	if len(t) < 2 || len(t) > 24 {
		return false
	}
	for i := 0; i < len(t); i++ {
		if !isLetter(t[i]) {
			return false
		}
	}
	return true
}

func containsDoubleDot(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] == '.' && s[i-1] == '.' {
			return true
		}
	}
	return false
}
