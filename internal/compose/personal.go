package compose

import (
	"regexp"
	"strings"

	"github.com/heed-dev/heed/internal/analyze/pii"
)

// addressType is the personal-data type of a street address (the pii package has none).
const addressType = "address"

// addressRe finds street addresses: a house number and a street name with a street word, in
// the English, Spanish, French and German orders ("221B Baker Street", "12 rue de la Paix",
// "Calle Mayor 5", "Hauptstraße 12").
var addressRe = regexp.MustCompile(`\b\d{1,5}[A-Za-z]?,?\s+(?:[\p{Lu}][\p{L}'.-]*\s+){0,3}(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Lane|Ln\.?|Drive|Dr\.?|Court|Ct\.?|Way|Place|Pl\.?|Terrace|Crescent|Close|Square|Sq\.?|Highway|Hwy\.?|Parkway|Pkwy\.?)\b` +
	`|\b\d{1,5}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|boulevard|bd|place|impasse|allée|chemin|quai|route)(?:\s+(?:(?:de|du|des|la|le|les|et)\s+)*(?:[dl]['’])?[\p{Lu}][\p{L}'’-]*){1,4}` +
	`|\b(?:Calle|C/|Avenida|Avda\.?|Av\.|Paseo|Plaza|Carrer|Camino)\s+(?:[\p{L}'’-]+\s+){0,4}?(?:n\.?º\s*)?\d{1,5}\b` +
	`|\b[\p{Lu}][\p{L}-]*(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm)\s+\d{1,5}[a-z]?\b`)

var typeNames = map[string]string{
	pii.Card: "A card number", pii.IBAN: "A bank account number (IBAN)", pii.SSN: "A social security number",
	pii.Phone: "A phone number", pii.Email: "An e-mail address", addressType: "A street address",
}

func (r *run) personalData() {
	if !r.in.Public {
		return
	}
	text := r.text
	spans := r.c.pii.Find(text, nil)
	for _, m := range addressRe.FindAllStringIndex(text, 8) {
		spans = append(spans, pii.Span{Type: addressType, Start: m[0], End: m[1], Confidence: 0.6})
	}
	for _, s := range spans {
		name, ok := typeNames[s.Type]
		if !ok || r.isPublicContact(s.Type, text[s.Start:s.End]) || overlapsEarlier(spans, s) ||
			(s.Type == pii.Phone && businessNumber(digits(text[s.Start:s.End]))) {
			continue
		}
		fix := ""
		if s.Type != addressType {
			fix = pii.Mask(text[s.Start:s.End], []pii.Span{{Type: s.Type, Start: 0, End: s.End - s.Start}})
		}
		r.warn(s.Start, s.End, fix, "%s in a public reply: remove it or send this as a private message.", name)
	}
}

// overlapsEarlier reports whether s overlaps a span listed before it (the pii spans come
// first and win over a street address).
func overlapsEarlier(spans []pii.Span, s pii.Span) bool {
	for _, o := range spans {
		if o == s {
			return false
		}
		if s.Start < o.End && o.Start < s.End {
			return true
		}
	}
	return false
}

// isPublicContact reports whether the item is one of the brand's own published contacts.
func (r *run) isPublicContact(typ, item string) bool {
	if len(r.in.PublicContacts) == 0 {
		return false
	}
	item = strings.TrimSpace(item)
	switch typ {
	case pii.Phone:
		d := digits(item)
		for _, c := range r.in.PublicContacts {
			cd := digits(c)
			if len(cd) >= 6 && (strings.HasSuffix(d, cd) || strings.HasSuffix(cd, d)) {
				return true
			}
		}
	case pii.Email:
		addr := strings.ToLower(item)
		_, domain, _ := strings.Cut(addr, "@")
		for _, c := range r.in.PublicContacts {
			c = strings.ToLower(strings.TrimSpace(c))
			if c == addr || c == domain || c == "@"+domain {
				return true
			}
		}
	case addressType:
		f := fold(item)
		for _, c := range r.in.PublicContacts {
			if cf := fold(strings.TrimSpace(c)); cf != "" && (strings.Contains(cf, f) || strings.Contains(f, cf)) {
				return true
			}
		}
	}
	return false
}

func digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// businessNumber reports whether a phone number's digits are a toll-free or non-geographic
// business number (North American 8xx toll-free, UK 0800/0808/03xx, French 080x, German
// 0800/0180x, Spanish 90x), which is nobody's personal data.
func businessNumber(d string) bool {
	d = strings.TrimPrefix(d, "00")
	switch {
	case len(d) == 11 && d[0] == '1':
		d = d[1:]
		fallthrough
	case len(d) == 10 && d[0] == '8':
		switch d[:3] {
		case "800", "888", "877", "866", "855", "844", "833":
			return true
		}
	}
	for _, p := range []string{"0800", "0808", "0500", "0300", "0330", "0333", "0345", "0370",
		"44800", "44808", "44300", "44330", "44333", "44345", "44370",
		"0801", "0802", "0803", "0804", "0805", "33800", "33801", "33805",
		"0180", "49800", "49180", "34900", "34901", "34902"} {
		if strings.HasPrefix(d, p) {
			return true
		}
	}
	return len(d) == 9 && (strings.HasPrefix(d, "900") || strings.HasPrefix(d, "901") || strings.HasPrefix(d, "902"))
}
