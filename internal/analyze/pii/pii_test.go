package pii

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

var det = New(Options{})

func spanTexts(text string, spans []Span) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Type+":"+text[s.Start:s.End])
	}
	return out
}

func TestFind(t *testing.T) {
	orderRe := regexp.MustCompile(`(?i)\border\s*(?:no\.?|number|#)?\s*:?\s*#?([A-Z]{2}\d{6,10})\b`)
	tests := []struct {
		name  string
		text  string
		order *regexp.Regexp
		want  []string
	}{
		{"visa plain", "my card 4111111111111111 was charged twice", nil, []string{"card:4111111111111111"}},
		{"visa spaced", "card: 4012 8888 8888 1881 thx", nil, []string{"card:4012 8888 8888 1881"}},
		{"visa dashed", "4012-8888-8888-1881", nil, []string{"card:4012-8888-8888-1881"}},
		{"amex 4-6-5", "amex 3714 496353 98431", nil, []string{"card:3714 496353 98431"}},
		{"luhn fails: order number, not a card", "order 4111111111111112 never arrived", nil, nil},
		{"16-digit order number failing luhn", "my order number is 1234567812345678", nil, nil},
		{"luhn-invalid look-alike", "my credit card number is 4012-8888-8888-1882", nil, nil},
		{"13 digits with unknown prefix", "ref 1748503543012", nil, nil},
		{"card after another number", "order 123 4111 1111 1111 1111", nil, []string{"card:4111 1111 1111 1111"}},
		{"digits glued to letters", "serial AB4111111111111111", nil, nil},
		{"too many digits", "41111111111111111111111", nil, nil},
		{"iban grouped", "pay to DE89 3704 0044 0532 0130 00 please", nil, []string{"iban:DE89 3704 0044 0532 0130 00"}},
		{"iban compact", "IBAN GB82WEST12345698765432.", nil, []string{"iban:GB82WEST12345698765432"}},
		{"iban bad checksum", "GB82WEST12345698765433", nil, nil},
		{"email", "write to jane.doe+care@example.co.uk.", nil, []string{"email:jane.doe+care@example.co.uk"}},
		{"handle is not email", "@AcmeHelp please help", nil, nil},
		{"email without tld", "me@localhost", nil, nil},
		{"ssn", "SSN 078-05-1120", nil, []string{"ssn:078-05-1120"}},
		{"ssn invalid area", "000-12-3456", nil, nil},
		{"ssn bare with context", "my social security number is 078051120", nil, []string{"ssn:078051120"}},
		{"bare nine digits, no context", "code 078051120", nil, nil},
		{"phone us dashed", "call me at 415-555-2671", nil, []string{"phone:415-555-2671"}},
		{"phone us parens", "my phone number is (425) 882-9090", nil, []string{"phone:(425) 882-9090"}},
		{"phone intl", "whatsapp +44 7911 123456 pls", nil, []string{"phone:+44 7911 123456"}},
		{"phone local with context", "my registered 668 5702. please check", nil, []string{"phone:668 5702"}},
		{"date is not a phone", "since 2017-10-31 no reply", nil, nil},
		{"ip is not a phone", "address 172.61.42.192 blocked", nil, nil},
		{"tracking is not a phone", "tracking 5180735251790", nil, nil},
		{"handle digits", "@115913 56 min on hold", nil, nil},
		{"price", "paid $1,299.99 for this", nil, nil},
		{"order by workspace pattern", "Order #AB12345678 is late", orderRe, []string{"order:AB12345678"}},
		{"order pattern without group", "ticket TK-99812 open", regexp.MustCompile(`TK-\d{5}`), []string{"order:TK-99812"}},
		{"mixed", "Card 5555 5555 5555 4444, mail bob@example.org, tel +1 415 555 2671",
			nil, []string{"card:5555 5555 5555 4444", "email:bob@example.org", "phone:+1 415 555 2671"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := spanTexts(tt.text, det.Find(tt.text, tt.order))
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Find(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestLuhnAndIssuers(t *testing.T) {
	for _, n := range []string{"4111111111111111", "5555555555554444", "378282246310005", "6011111111111117",
		"3530111333300000", "30569309025904", "122000000000003", "5019717010103742", "6759649826438453"} {
		if ok, _ := isCard("", 0, n); !ok {
			t.Errorf("%s should be a card", n)
		}
	}
	for _, n := range []string{"4111111111111112", "1234567812345678", "0000000000000000", "36168002586008", "1748503543012"} {
		if ok, _ := isCard("", 0, n); ok {
			t.Errorf("%s should not be a card", n)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ text, want string }{
		{"card 4012 8888 8888 1881 ok", "card **** **** **** 1881 ok"},
		{"mail jane.doe@example.com now", "mail j*******@example.com now"},
		{"call 415-555-2671", "call ***-***-2671"},
		{"SSN 078-05-1120", "SSN ***-**-1120"},
		{"IBAN DE89370400440532013000", "IBAN ******************3000"},
		{"nothing here", "nothing here"},
	}
	for _, tt := range tests {
		got := Mask(tt.text, det.Find(tt.text, nil))
		if got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.text, got, tt.want)
		}
		if len(got) != len(tt.text) {
			t.Errorf("Mask changed the length of %q", tt.text)
		}
	}
	// Out-of-range and overlapping spans are tolerated.
	if got := Mask("abc", []Span{{Type: Card, Start: 2, End: 10}, {Type: Phone, Start: -1, End: 1}}); got != "abc" {
		t.Errorf("out-of-range spans changed text: %q", got)
	}
	if got := Mask("0123456789", []Span{{Type: Phone, Start: 0, End: 8}, {Type: Order, Start: 4, End: 10}}); len(got) != 10 {
		t.Errorf("overlap: %q", got)
	}
}

// Hostile inputs must stay linear: each is 100 KB or more and must finish quickly even with -race.
func TestFindAdversarial(t *testing.T) {
	inputs := map[string]string{
		"digits":        strings.Repeat("1", 100<<10),
		"spaced digits": strings.Repeat("4 ", 50<<10),
		"digit triples": strings.Repeat("444 ", 25<<10),
		"dashed digits": strings.Repeat("12-", 35<<10),
		"at signs":      strings.Repeat("a@", 50<<10),
		"dots":          strings.Repeat("a.b@c.", 20<<10),
		"iban-like":     strings.Repeat("GB82 ", 20<<10),
		"emoji":         strings.Repeat("😡", 30<<10),
		"invalid utf8":  strings.Repeat("\xff\xfe1", 40<<10),
		"phones":        strings.Repeat("call 415-555-2671 ", 6<<10),
	}
	for name, in := range inputs {
		start := time.Now()
		spans := det.Find(in, regexp.MustCompile(`\d{3}`))
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("%s: %v", name, el)
		}
		for _, s := range spans {
			if s.Start < 0 || s.End > MaxInput || s.Start >= s.End {
				t.Errorf("%s: bad span %+v", name, s)
			}
		}
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "a@b.co", "078-05-1120",
		"+44 7911 123456", "(425) 882-9090", "\xff@\xfe.com", strings.Repeat("9", 200), "@@..@", "1-2-3-4-5-6-7-8"} {
		f.Add(s)
	}
	re := regexp.MustCompile(`(?i)order\s*#?(\w+)`)
	f.Fuzz(func(t *testing.T, s string) {
		spans := det.Find(s, re)
		prevEnd := 0
		for _, sp := range spans {
			if sp.Start < prevEnd || sp.End > len(s) || sp.Start >= sp.End || sp.Confidence <= 0 || sp.Confidence > 1 {
				t.Fatalf("bad span %+v in %q", sp, s)
			}
			prevEnd = sp.End
		}
		if m := Mask(s, spans); len(m) != len(s) {
			t.Fatalf("mask changed length")
		}
	})
}

func BenchmarkFind(b *testing.B) {
	texts := []string{
		"@AcmeHelp my order still hasn't arrived, it's been 2 weeks and nobody replies",
		"call me on 415-555-2671 or mail jane@example.com, card ending 4111 1111 1111 1111",
		"why is the app crashing every time I open it?? version 10.2.3 on iOS 11.1",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		det.Find(texts[i%len(texts)], nil)
	}
}
