package routing

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func TestExplain(t *testing.T) {
	rs := mustCompile(t,
		Rule{ID: "viral", Name: "Viral complaints", Enabled: true,
			When: All(Leaf("virality", "gte", 0.5), Any(Leaf("intent", "eq", "praise"), Not(Leaf("spam", "is", true)))),
			Then: []Action{Escalate("viral")}},
		Rule{ID: "draft", Enabled: false, When: Leaf("channel_type", "eq", "x"), Then: []Action{AddTag("x")}},
		Rule{ID: "fb", Enabled: true, When: Leaf("channel_type", "eq", "facebook"), Then: []Action{AddTag("fb")}},
		Rule{ID: "gate", Enabled: true, When: Leaf("customer_tags", "has", "vip"), Then: []Action{AssignTeam("vip")}, StopAfter: true},
		Rule{ID: "late", Enabled: true, Then: []Action{AddTag("late")}},
	)
	got := rs.Explain(sample())
	want := []RuleTrace{
		{RuleID: "viral", Name: "Viral complaints", Enabled: true, Matched: true, Fired: true, Leaves: []LeafTrace{
			{Path: "when.all[0]", Field: "virality", Op: "gte", Value: 0.5, Actual: 0.7, Matched: true},
			// Evaluate stops at the first true child of any; Explain shows them all.
			{Path: "when.all[1].any[0]", Field: "intent", Op: "eq", Value: "praise", Actual: "complaint", Matched: false},
			{Path: "when.all[1].any[1].not", Field: "spam", Op: "is", Value: true, Actual: false, Matched: false},
		}},
		{RuleID: "draft", Enabled: false, Matched: true, Fired: false, Leaves: []LeafTrace{
			{Path: "when", Field: "channel_type", Op: "eq", Value: "x", Actual: "x", Matched: true},
		}},
		{RuleID: "fb", Enabled: true, Matched: false, Leaves: []LeafTrace{
			{Path: "when", Field: "channel_type", Op: "eq", Value: "facebook", Actual: "x", Matched: false},
		}},
		{RuleID: "gate", Enabled: true, Matched: true, Fired: true, Stopped: true, Leaves: []LeafTrace{
			{Path: "when", Field: "customer_tags", Op: "has", Value: "vip", Actual: []string{"VIP", "returning"}, Matched: true},
		}},
		{RuleID: "late", Enabled: true, Matched: true, Skipped: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestExplainActualValues(t *testing.T) {
	rs := mustCompile(t, Rule{ID: "r", Enabled: true, When: All(
		Leaf("author_followers", "gt", 1), Leaf("text", "contains", "x"), Leaf("personal_data_types", "has", "card")),
		Then: []Action{AddTag("t")}})
	f := sample()
	f.PersonalDataTypes = nil
	leaves := rs.Explain(f)[0].Leaves
	if leaves[0].Actual != int64(12000) || leaves[1].Actual != f.Text || !reflect.DeepEqual(leaves[2].Actual, []string{}) {
		t.Errorf("actuals: %#v %#v %#v", leaves[0].Actual, leaves[1].Actual, leaves[2].Actual)
	}
}

// TestExplainAgreesWithEvaluate: on random posts and random rules, Explain fires exactly the
// rules Evaluate fires; the short-circuit and the full walk must not disagree.
func TestExplainAgreesWithEvaluate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		var rules []Rule
		for i := range 20 {
			r := Rule{ID: string(rune('a' + i)), Enabled: rng.IntN(5) > 0, When: randomCond(rng, 3), Then: []Action{AddTag("t")}}
			r.StopAfter = rng.IntN(15) == 0
			rules = append(rules, r)
		}
		rs := mustCompile(t, rules...)
		for range 20 {
			f := randomFacts(rng)
			var fired []string
			for _, tr := range rs.Explain(f) {
				if tr.Fired {
					fired = append(fired, tr.RuleID)
				}
			}
			if got := rs.Evaluate(f).Fired; !slices.Equal(got, fired) {
				t.Fatalf("Evaluate fired %v, Explain %v", got, fired)
			}
		}
	}
}

// randomLeaves are valid tests whose results vary over randomFacts.
var randomLeaves = []Condition{
	Leaf("channel_type", "in", []string{"x", "facebook"}),
	Leaf("language", "eq", "en"),
	Leaf("intent", "eq", "complaint"),
	Leaf("sentiment_label", "neq", "positive"),
	Leaf("sentiment_score", "lt", -0.3),
	Leaf("virality", "gte", 0.5),
	Leaf("author_followers", "gt", 5000),
	Leaf("spam", "is", true),
	Leaf("public", "is", true),
	Leaf("customer_tags", "has", "vip"),
	Leaf("personal_data_types", "has_any", []string{"card", "iban"}),
	Leaf("text", "contains", "refund"),
	Leaf("text", "regex", `\border\b`),
	Leaf("location", "eq", "store-1"),
}

func randomCond(rng *rand.Rand, depth int) Condition {
	if depth == 0 || rng.IntN(3) == 0 {
		return randomLeaves[rng.IntN(len(randomLeaves))]
	}
	kids := make([]Condition, 1+rng.IntN(3))
	for i := range kids {
		kids[i] = randomCond(rng, depth-1)
	}
	switch rng.IntN(3) {
	case 0:
		return All(kids...)
	case 1:
		return Any(kids...)
	}
	return Not(kids[0])
}

func randomFacts(rng *rand.Rand) Facts {
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	texts := []string{"where is my order", "REFUND now", "love it", "Réfund? order #1", ""}
	var tags []string
	if rng.IntN(2) == 0 {
		tags = append(tags, "VIP")
	}
	return Facts{
		ChannelType:       pick("x", "facebook", "webchat", "api"),
		Public:            rng.IntN(2) == 0,
		Text:              texts[rng.IntN(len(texts))],
		Language:          pick("en", "fr", ""),
		SentimentLabel:    pick("positive", "neutral", "negative"),
		SentimentScore:    rng.Float64()*2 - 1,
		Intent:            pick(Intents()...),
		Spam:              rng.IntN(5) == 0,
		PersonalDataTypes: []string{pick("card", "email", "order")},
		AuthorFollowers:   rng.Int64N(10000),
		CustomerTags:      tags,
		Virality:          rng.Float64(),
		Location:          pick("", "store-1", "store-2"),
	}
}
