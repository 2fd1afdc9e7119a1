package compose

import (
	"fmt"
	"strings"
	"testing"
)

func TestConsistency(t *testing.T) {
	c, _ := New(Options{FS: emptyFS})
	precedents := []Precedent{
		{Amount: 10, Currency: "USD", Kind: KindRefund, ConversationID: "01JA"},
		{Amount: 15, Currency: "USD", Kind: KindRefund, ConversationID: "01JB"},
		{Amount: 10, Currency: "%", Kind: KindDiscount, ConversationID: "01JC"},
	}
	policy := CompensationPolicy{Limits: []CompensationLimit{
		{Kind: KindRefund, Currency: "USD", Max: 100},
		{Kind: KindCredit, Currency: "EUR", Max: 25},
		{Kind: KindDiscount, Currency: "%", Max: 20},
	}}
	cases := []struct {
		name       string
		text       string
		precedents []Precedent
		policy     CompensationPolicy
		want       []string // flagged text→fix|message fragment
	}{
		{name: "over the precedents", text: "We'd like to offer you a $50 refund for the trouble.", precedents: precedents, policy: policy,
			want: []string{"$50→$15|where similar conversations got $10–$15 (conversation 01JB)"}},
		{name: "within the precedents", text: "We've issued a $15 refund today.", precedents: precedents, policy: policy},
		{name: "slightly over is fine", text: "We've issued a $18 refund today.", precedents: precedents},
		{name: "far under the precedents", text: "Here's a $2 refund.", precedents: precedents,
			want: []string{"$2→$10|where similar conversations got $10–$15 (conversation 01JA)"}},
		{name: "over the policy", text: "I can refund you $120.", precedents: precedents, policy: policy,
			want: []string{"$120→$100|over the workspace policy limit of $100"}},
		{name: "euro credit over the policy", text: "Nous vous offrons un avoir de 30 € en bon d'achat.", policy: policy,
			want: []string{"30 €→25 €|over the workspace policy limit of 25 €"}},
		{name: "euro written first", text: "Here's a voucher worth €30.", policy: policy,
			want: []string{"€30→€25|over the workspace policy limit of €25"}},
		{name: "decimal comma", text: "Wir erstatten Ihnen 30,50 EUR als Gutschein.", policy: policy,
			want: []string{"30,50 EUR→25 EUR|over the workspace policy limit of 25 EUR"}},
		{name: "percentage discount", text: "Here's 25% off your next order.", precedents: precedents, policy: policy,
			want: []string{"25%→20%|over the workspace policy limit of 20%"}},
		{name: "percentage within policy but over precedents", text: "Use code SORRY for 18% off.", precedents: precedents, policy: policy,
			want: []string{"18%→10%|where similar conversations got 10% (conversation 01JC)"}},
		{name: "kind not used before", text: "We'll send you a replacement right away.", precedents: precedents,
			want: []string{"replacement|resolved with a refund (conversation 01JA)"}},
		{name: "kind used before", text: "We'll refund the order today.", precedents: precedents},
		{name: "a price is no offer", text: "The upgrade costs $50 a month.", precedents: precedents, policy: policy},
		{name: "refund information is no offer", text: "Refunds take 5 to 7 days to show.", precedents: []Precedent{{Kind: KindReplacement, ConversationID: "x"}}},
		{name: "other currency has no precedent", text: "We've refunded £40.", precedents: precedents},
		{name: "nothing to compare", text: "We'd like to offer you a $50 refund."},
		{name: "workspace dollar", text: "Here's a $30 credit.", policy: CompensationPolicy{Currency: "CAD", Limits: []CompensationLimit{{Kind: KindCredit, Currency: "CAD", Max: 20}}},
			want: []string{"$30→$20|over the workspace policy limit of $20"}},
		{name: "thousands", text: "We refunded $1,250.00.", policy: policy,
			want: []string{"$1,250.00→$100|over the workspace policy limit of $100"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws := run1(c, Input{Text: tc.text, Compensations: tc.precedents, Policy: tc.policy}, CheckConsistency)
			if len(ws) != len(tc.want) {
				t.Fatalf("%q: got %+v, want %d warnings %q", tc.text, ws, len(tc.want), tc.want)
			}
			for i, w := range ws {
				s := tc.text[w.Start:w.End]
				if w.Fix != "" {
					s += "→" + w.Fix
				}
				wantSpan, wantMsg, _ := strings.Cut(tc.want[i], "|")
				if s != wantSpan || !strings.Contains(w.Message, wantMsg) {
					t.Errorf("%q: got %q %q, want %q with %q", tc.text, s, w.Message, wantSpan, wantMsg)
				}
			}
		})
	}
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]float64{
		"20": 20, "20.5": 20.5, "20,50": 20.5, "1,250": 1250, "1.250": 1250, "1,250.75": 1250.75,
		"1.250,75": 1250.75, "1'250": 1250, "0": 0,
	} {
		got, _, ok := parseAmount(in)
		if !ok || got != want {
			t.Errorf("parseAmount(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if got := fmt.Sprint(offer{prefix: "$"}.format(15)); got != "$15" {
		t.Errorf("format = %q", got)
	}
	if got := (offer{suffix: " €", comma: true}).format(12.5); got != "12,50 €" {
		t.Errorf("format = %q", got)
	}
}
