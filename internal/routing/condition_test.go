package routing

import (
	"fmt"
	"testing"
)

// sample is a post every condition test starts from: a French complaint on X from a verified VIP
// with some reach, about store-42, out of hours.
func sample() Facts {
	return Facts{
		ChannelType: "x", ChannelID: "acc1", Public: true,
		Text:           "Ma commande n'est pas arrivée! Order #123, REFUND please",
		Language:       "fr",
		SentimentLabel: "negative", SentimentScore: -0.6,
		Intent: "complaint", NeedsResponse: true, Spam: false,
		PersonalData: true, PersonalDataTypes: []string{"order", "email"},
		AuthorFollowers: 12000, AuthorVerified: true,
		CustomerTags: []string{"VIP", "returning"}, CustomerVIP: true,
		InBusinessHours: false, Virality: 0.7, Location: "store-42",
	}
}

// leafCase is one field test against sample(), optionally changed by edit first.
type leafCase struct {
	field, op string
	value     any
	want      bool
	edit      func(*Facts)
}

var leafCases = []leafCase{
	// string fields: eq, neq, in, not_in, case-insensitive.
	{"channel_type", "eq", "x", true, nil},
	{"channel_type", "eq", "X", true, nil},
	{"channel_type", "eq", "facebook", false, nil},
	{"channel_type", "neq", "facebook", true, nil},
	{"channel_type", "neq", "x", false, nil},
	{"channel_type", "in", []any{"facebook", "x"}, true, nil},
	{"channel_type", "in", []string{"facebook", "webchat"}, false, nil},
	{"channel_type", "not_in", []string{"facebook"}, true, nil},
	{"channel_type", "not_in", []string{"api", "x"}, false, nil},
	{"channel_id", "eq", "acc1", true, nil},
	{"channel_id", "eq", "acc2", false, nil},
	{"channel_id", "neq", "acc2", true, nil},
	{"channel_id", "neq", "ACC1", false, nil},
	{"channel_id", "in", []string{"acc1", "acc2"}, true, nil},
	{"channel_id", "in", []string{"acc2"}, false, nil},
	{"channel_id", "not_in", []string{"acc2"}, true, nil},
	{"channel_id", "not_in", []string{"acc1"}, false, nil},
	{"language", "eq", "fr", true, nil},
	{"language", "eq", "en", false, nil},
	{"language", "neq", "en", true, nil},
	{"language", "neq", "fr", false, nil},
	{"language", "in", []string{"fr", "de"}, true, nil},
	{"language", "in", []string{"en"}, false, nil},
	{"language", "not_in", []string{"en"}, true, nil},
	{"language", "not_in", []string{"fr"}, false, nil},
	{"language", "eq", "", true, func(f *Facts) { f.Language = "" }},
	{"sentiment_label", "eq", "negative", true, nil},
	{"sentiment_label", "eq", "positive", false, nil},
	{"sentiment_label", "neq", "positive", true, nil},
	{"sentiment_label", "neq", "negative", false, nil},
	{"sentiment_label", "in", []string{"neutral", "negative"}, true, nil},
	{"sentiment_label", "in", []string{"neutral", "positive"}, false, nil},
	{"sentiment_label", "not_in", []string{"positive"}, true, nil},
	{"sentiment_label", "not_in", []string{"negative"}, false, nil},
	{"intent", "eq", "complaint", true, nil},
	{"intent", "eq", "question", false, nil},
	{"intent", "neq", "question", true, nil},
	{"intent", "neq", "complaint", false, nil},
	{"intent", "in", []string{"complaint", "request_order"}, true, nil},
	{"intent", "in", []string{"praise", "chatter"}, false, nil},
	{"intent", "not_in", []string{"praise", "chatter"}, true, nil},
	{"intent", "not_in", []string{"complaint"}, false, nil},
	{"location", "eq", "store-42", true, nil},
	{"location", "eq", "store-7", false, nil},
	{"location", "neq", "store-7", true, nil},
	{"location", "neq", "store-42", false, nil},
	{"location", "in", []string{"store-7", "store-42"}, true, nil},
	{"location", "in", []string{"store-7"}, false, nil},
	{"location", "not_in", []string{"store-7"}, true, nil},
	{"location", "not_in", []string{"store-42"}, false, nil},
	{"location", "eq", "", true, func(f *Facts) { f.Location = "" }},

	// text: folded contains, not_contains, starts_with; regex on the raw text.
	{"text", "contains", "arrivee", true, nil}, // accent-folded
	{"text", "contains", "ARRIVÉE", true, nil}, // case-folded, both sides
	{"text", "contains", "refund", true, nil},  // text is upper case
	{"text", "contains", "refunds", false, nil},
	{"text", "contains", "straße", true, func(f *Facts) { f.Text = "Die STRASSE" }},
	{"text", "contains", "ＡＢＣ", true, func(f *Facts) { f.Text = "abc" }}, // full-width
	{"text", "not_contains", "refunds", true, nil},
	{"text", "not_contains", "Commande", false, nil},
	{"text", "starts_with", "ma commande", true, nil},
	{"text", "starts_with", "order", false, nil},
	{"text", "regex", `#\d+`, true, nil},
	{"text", "regex", `^Order`, false, nil},
	{"text", "regex", `refund`, false, nil}, // regex sees the text as written
	{"text", "regex", `(?i)refund`, true, nil},

	// numbers: gt, gte, lt, lte, eq; Go integers work as values too.
	{"sentiment_score", "gt", -0.7, true, nil},
	{"sentiment_score", "gt", -0.6, false, nil},
	{"sentiment_score", "gte", -0.6, true, nil},
	{"sentiment_score", "gte", -0.5, false, nil},
	{"sentiment_score", "lt", -0.5, true, nil},
	{"sentiment_score", "lt", -0.6, false, nil},
	{"sentiment_score", "lte", -0.6, true, nil},
	{"sentiment_score", "lte", -0.7, false, nil},
	{"sentiment_score", "eq", -0.6, true, nil},
	{"sentiment_score", "eq", 0, false, nil},
	{"author_followers", "gt", 10000, true, nil},
	{"author_followers", "gt", int64(12000), false, nil},
	{"author_followers", "gte", 12000.0, true, nil},
	{"author_followers", "gte", 12001, false, nil},
	{"author_followers", "lt", 12001, true, nil},
	{"author_followers", "lt", 12000, false, nil},
	{"author_followers", "lte", 12000, true, nil},
	{"author_followers", "lte", 11999, false, nil},
	{"author_followers", "eq", 12000, true, nil},
	{"author_followers", "eq", 1, false, nil},
	{"virality", "gt", 0.5, true, nil},
	{"virality", "gt", 0.7, false, nil},
	{"virality", "gte", 0.7, true, nil},
	{"virality", "gte", 0.71, false, nil},
	{"virality", "lt", 0.8, true, nil},
	{"virality", "lt", 0.7, false, nil},
	{"virality", "lte", 0.7, true, nil},
	{"virality", "lte", 0.69, false, nil},
	{"virality", "eq", 0.7, true, nil},
	{"virality", "eq", 1, false, nil},

	// booleans: is.
	{"public", "is", true, true, nil},
	{"public", "is", false, false, nil},
	{"needs_response", "is", true, true, nil},
	{"needs_response", "is", false, false, nil},
	{"spam", "is", false, true, nil},
	{"spam", "is", true, false, nil},
	{"personal_data", "is", true, true, nil},
	{"personal_data", "is", false, false, nil},
	{"author_verified", "is", true, true, nil},
	{"author_verified", "is", false, false, nil},
	{"customer_vip", "is", true, true, nil},
	{"customer_vip", "is", false, false, nil},
	{"in_business_hours", "is", false, true, nil},
	{"in_business_hours", "is", true, false, nil},

	// lists: has, has_any, has_none, case-insensitive; a missing list has nothing.
	{"customer_tags", "has", "vip", true, nil},
	{"customer_tags", "has", "new", false, nil},
	{"customer_tags", "has_any", []string{"new", "returning"}, true, nil},
	{"customer_tags", "has_any", []string{"new"}, false, nil},
	{"customer_tags", "has_none", []string{"new", "troll"}, true, nil},
	{"customer_tags", "has_none", []string{"new", "Vip"}, false, nil},
	{"customer_tags", "has_none", []string{"vip"}, true, func(f *Facts) { f.CustomerTags = nil }},
	{"customer_tags", "has", "vip", false, func(f *Facts) { f.CustomerTags = nil }},
	{"personal_data_types", "has", "email", true, nil},
	{"personal_data_types", "has", "card", false, nil},
	{"personal_data_types", "has_any", []any{"card", "order"}, true, nil},
	{"personal_data_types", "has_any", []string{"card", "iban"}, false, nil},
	{"personal_data_types", "has_none", []string{"card", "iban"}, true, nil},
	{"personal_data_types", "has_none", []string{"card", "email"}, false, nil},
}

func TestLeaf(t *testing.T) {
	for _, c := range leafCases {
		name := fmt.Sprintf("%s %s %v", c.field, c.op, c.value)
		t.Run(name, func(t *testing.T) {
			f := sample()
			if c.edit != nil {
				c.edit(&f)
			}
			rs := mustCompile(t, Rule{ID: "r", Enabled: true, When: Leaf(c.field, c.op, c.value), Then: []Action{AddTag("hit")}})
			if got := len(rs.Evaluate(f).Fired) == 1; got != c.want {
				t.Errorf("matched = %v, want %v", got, c.want)
			}
			// The negation must give the opposite: no op is accidentally always false.
			rs = mustCompile(t, Rule{ID: "r", Enabled: true, When: Not(Leaf(c.field, c.op, c.value)), Then: []Action{AddTag("hit")}})
			if got := len(rs.Evaluate(f).Fired) == 1; got == c.want {
				t.Errorf("not: matched = %v, want %v", got, !c.want)
			}
		})
	}
}

// TestLeafCasesCoverEveryFieldAndOp keeps leafCases honest: every field, with every op of its
// kind, has a matching and a non-matching case.
func TestLeafCasesCoverEveryFieldAndOp(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range leafCases {
		seen[fmt.Sprintf("%s %s %v", c.field, c.op, c.want)] = true
	}
	for _, field := range Fields() {
		for _, op := range Ops(field) {
			for _, want := range []bool{true, false} {
				if !seen[fmt.Sprintf("%s %s %v", field, op, want)] {
					t.Errorf("no case for %s %s matching=%v", field, op, want)
				}
			}
		}
	}
}

func TestGroups(t *testing.T) {
	yes := Leaf("channel_type", "eq", "x")
	no := Leaf("channel_type", "eq", "facebook")
	cases := []struct {
		name string
		when Condition
		want bool
	}{
		{"zero holds", Condition{}, true},
		{"empty all holds", All(), true},
		{"all true", All(yes, yes), true},
		{"all one false", All(yes, no), false},
		{"any one true", Any(no, yes), true},
		{"any all false", Any(no, no), false},
		{"not true", Not(yes), false},
		{"not false", Not(no), true},
		{"not not", Not(Not(yes)), true},
		{"nested", All(Any(no, yes), Not(no), All(yes, Any(yes))), true},
		{"nested false deep", All(Any(no, yes), Not(All(yes, Any(no, Not(no))))), false},
		{"not of empty all", Not(All()), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := mustCompile(t, Rule{ID: "r", Enabled: true, When: c.when, Then: []Action{AddTag("t")}})
			if got := len(rs.Evaluate(sample()).Fired) == 1; got != c.want {
				t.Errorf("matched = %v, want %v", got, c.want)
			}
		})
	}
}

func mustCompile(t testing.TB, rules ...Rule) *RuleSet {
	t.Helper()
	rs, err := Compile(rules)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}
