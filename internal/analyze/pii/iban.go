package pii

// IBANs: a country code from the SWIFT registry, two check digits and a BBAN of the length that
// country uses, written together or in groups of four separated by single spaces, passing the
// ISO 7064 mod-97 check.

// ibanLengths is the full IBAN length per country (SWIFT IBAN registry).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
	"BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
	"DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
	"GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
	"IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
	"LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
	"MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
	"PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
	"SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
	"TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

func findIBANs(text string, spans []Span) []Span {
	var buf [34]byte
	for i := 0; i+15 <= len(text); i++ {
		if !isLetter(text[i]) || !isLetter(text[i+1]) || !isDigit(text[i+2]) || !isDigit(text[i+3]) {
			continue
		}
		if i > 0 && isAlnum(text[i-1]) {
			continue
		}
		cc := string([]byte{upper(text[i]), upper(text[i+1])})
		want, ok := ibanLengths[cc]
		if !ok {
			continue
		}
		// Collect want alphanumerics, allowing one space between groups.
		n, j := 0, i
		for j < len(text) && n < want {
			c := text[j]
			switch {
			case isAlnum(c):
				buf[n] = upper(c)
				n++
				j++
			case c == ' ' && n > 0 && j+1 < len(text) && isAlnum(text[j+1]):
				j++
			default:
				goto done
			}
		}
	done:
		if n != want || (j < len(text) && isAlnum(text[j])) {
			continue
		}
		if mod97(buf[:n]) != 1 {
			continue
		}
		spans = append(spans, Span{Type: IBAN, Start: i, End: j, Confidence: 1})
		i = j - 1
	}
	return spans
}

// mod97 computes the IBAN checksum: the first four characters move to the end and letters count
// as 10..35.
func mod97(iban []byte) int {
	r := 0
	add := func(c byte) {
		if isDigit(c) {
			r = (r*10 + int(c-'0')) % 97
			return
		}
		v := int(c-'A') + 10
		r = (r*100 + v) % 97
	}
	for _, c := range iban[4:] {
		add(c)
	}
	for _, c := range iban[:4] {
		add(c)
	}
	return r
}
