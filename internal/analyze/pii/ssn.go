package pii

// US Social Security numbers: AAA-GG-SSSS (or with spaces) where the area is not 000, 666 or
// 900-999, the group not 00 and the serial not 0000. Nine bare digits count only after an SSN
// word, since they are otherwise any number.

var ssnContext = []string{"ssn", "social security", "social sec"}

func findSSNs(text string, spans []Span) []Span {
	for i := 0; i+9 <= len(text); i++ {
		if !isDigit(text[i]) || (i > 0 && (isAlnum(text[i-1]) || text[i-1] == '-')) {
			continue
		}
		if end, ok := ssnAt(text, i); ok {
			conf := 0.85
			if hasContext(text, i, 40, ssnContext) {
				conf = 1
			}
			spans = append(spans, Span{Type: SSN, Start: i, End: end, Confidence: conf})
			i = end - 1
			continue
		}
		// Bare nine digits after an SSN word.
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		if j-i == 9 && (j == len(text) || !isAlnum(text[j])) && validSSN(text[i:i+3], text[i+3:i+5], text[i+5:i+9]) &&
			hasContext(text, i, 40, ssnContext) {
			spans = append(spans, Span{Type: SSN, Start: i, End: j, Confidence: 0.7})
		}
		i = j - 1
	}
	return spans
}

// ssnAt matches AAA-GG-SSSS or AAA GG SSSS at i, with the same separator twice.
func ssnAt(text string, i int) (int, bool) {
	if i+11 > len(text) {
		return 0, false
	}
	s := text[i : i+11]
	sep := s[3]
	if (sep != '-' && sep != ' ') || s[6] != sep {
		return 0, false
	}
	for _, k := range [...]int{0, 1, 2, 4, 5, 7, 8, 9, 10} {
		if !isDigit(s[k]) {
			return 0, false
		}
	}
	if i+11 < len(text) && (isAlnum(text[i+11]) || text[i+11] == '-') {
		return 0, false
	}
	return i + 11, validSSN(s[0:3], s[4:6], s[7:11])
}

func validSSN(area, group, serial string) bool {
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}
