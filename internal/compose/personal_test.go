package compose

import (
	"fmt"
	"testing"
)

func TestPersonalData(t *testing.T) {
	c, err := New(Options{FS: emptyFS})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		text     string
		public   bool
		contacts []string
		want     []string // flagged text→fix
	}{
		{name: "card", text: "Your card 4111 1111 1111 1111 was charged.", public: true, want: []string{"4111 1111 1111 1111→**** **** **** 1111"}},
		{name: "e-mail", text: "We sent it to ana.diaz@example.com.", public: true, want: []string{"ana.diaz@example.com→a*******@example.com"}},
		{name: "phone", text: "We'll call you on +1 415 555 0132 today.", public: true, want: []string{"+1 415 555 0132→+* *** *** 0132"}},
		{name: "IBAN", text: "Refunded to DE89 3704 0044 0532 0130 00.", public: true, want: []string{"DE89 3704 0044 0532 0130 00→**** **** **** **** **30 00"}},
		{name: "street address", text: "The courier will come to 221B Baker Street tomorrow.", public: true, want: []string{"221B Baker Street"}},
		{name: "French address", text: "Livraison au 12 rue de la Paix demain.", public: true, want: []string{"12 rue de la Paix"}},
		{name: "French address with apostrophe", text: "Au 3 avenue de l'Opéra.", public: true, want: []string{"3 avenue de l'Opéra"}},
		{name: "German address", text: "Lieferung an Hauptstraße 12 morgen.", public: true, want: []string{"Hauptstraße 12"}},
		{name: "Spanish address", text: "Enviado a Calle Mayor 5 hoy.", public: true, want: []string{"Calle Mayor 5"}},
		{name: "private reply may hold it", text: "Your card 4111 1111 1111 1111 was charged.", public: false},
		{name: "brand e-mail domain", text: "Write to help@acme.com any time.", public: true, contacts: []string{"acme.com"}},
		{name: "brand address", text: "Write to help@acme.com any time.", public: true, contacts: []string{"help@acme.com"}},
		{name: "brand phone", text: "Call us on (415) 555-0100.", public: true, contacts: []string{"+1 415 555 0100"}},
		{name: "store address", text: "Our store at 5 Main Street opens at nine.", public: true, contacts: []string{"5 Main Street, Springfield"}},
		{name: "toll-free number", text: "Call 1-800-433-7300 for help.", public: true},
		{name: "UK freephone", text: "Call 0800 123 4567 for help.", public: true},
		{name: "order number is not personal", text: "Your order AB-12345 shipped.", public: true},
		{name: "time and date are not phones", text: "See you on 12/05/2026 at 10:30.", public: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws := run1(c, Input{Text: tc.text, Public: tc.public, PublicContacts: tc.contacts}, CheckPersonalData)
			var got []string
			for _, w := range ws {
				s := tc.text[w.Start:w.End]
				if w.Fix != "" {
					s += "→" + w.Fix
				}
				got = append(got, s)
				if !w.Blocking {
					t.Errorf("personal data must block by default: %+v", w)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%q: got %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestBusinessNumber(t *testing.T) {
	for d, want := range map[string]bool{
		"18004337300": true, "8884337300": true, "4155550132": false, "08001234567": true,
		"448001234567": true, "0180512345": true, "900123456": true, "34912345678": false, "": false,
	} {
		if got := businessNumber(d); got != want {
			t.Errorf("businessNumber(%q) = %v, want %v", d, got, want)
		}
	}
}
