package routing

import (
	"fmt"
	"sync"
	"testing"
)

// workspaceRules builds n rules shaped like a real workspace's: channel and intent routing,
// keyword and regex tagging, VIP and influencer handling, store routing. Most rules miss any
// one post, as in life.
func workspaceRules(n int) []Rule {
	intents := Intents()
	channels := []string{"x", "facebook", "instagram", "webchat", "api", "whatsapp"}
	var rules []Rule
	for i := range n {
		id := fmt.Sprintf("r%03d", i)
		var r Rule
		switch i % 8 {
		case 0:
			r = Rule{When: All(Leaf("channel_type", "in", []string{channels[i%6], channels[(i+1)%6]}), Leaf("intent", "eq", intents[i%9])),
				Then: []Action{AssignTeam(fmt.Sprintf("team-%d", i%7))}}
		case 1:
			r = Rule{When: All(Any(Leaf("text", "contains", fmt.Sprintf("kw%d", i)), Leaf("text", "contains", "refund")), Leaf("sentiment_label", "eq", "negative")),
				Then: []Action{SetPriority(2), AddTag("refund")}}
		case 2:
			r = Rule{When: Leaf("customer_tags", "has_any", []string{"vip", fmt.Sprintf("tier-%d", i)}),
				Then: []Action{ApplySLAPolicy("vip")}}
		case 3:
			r = Rule{When: All(Leaf("author_followers", "gt", 50000+i), Leaf("virality", "gte", 0.8), Not(Leaf("spam", "is", true))),
				Then: []Action{Escalate("viral")}}
		case 4:
			r = Rule{When: All(Leaf("public", "is", true), Leaf("personal_data_types", "has_any", []string{"card", "iban"})),
				Then: []Action{NotifyRole(RoleSupervisor, "card number posted in public"), AddTag("pii")}}
		case 5:
			r = Rule{When: Leaf("text", "regex", fmt.Sprintf(`(?i)\border\s*#?%d\d{4}\b`, i%10)),
				Then: []Action{AddTag("order")}}
		case 6:
			r = Rule{When: All(Leaf("location", "eq", fmt.Sprintf("store-%d", i)), Leaf("in_business_hours", "is", true)),
				Then: []Action{AutoAssign(fmt.Sprintf("store-%d", i))}}
		case 7:
			r = Rule{When: Any(Leaf("language", "in", []string{"fr", "de"}), Leaf("sentiment_score", "lt", -0.9)),
				Then: []Action{AddTag(fmt.Sprintf("t%d", i))}}
		}
		r.ID, r.Enabled = id, true
		rules = append(rules, r)
	}
	return rules
}

func benchFacts() Facts {
	return Facts{
		ChannelType: "x", ChannelID: "acc1", Public: true,
		Text:     "@AskBrand my order 12345 still hasn't arrived after two weeks, this is ridiculous. I want a refund",
		Language: "en", SentimentLabel: "negative", SentimentScore: -0.7, Intent: "complaint",
		NeedsResponse: true, AuthorFollowers: 850, CustomerTags: []string{"returning"},
		InBusinessHours: true, Virality: 0.1,
	}
}

// benchPosts is a day's mix of inbound posts; the first one hits every kind of rule,
// including the order-number regexes.
func benchPosts() []Facts {
	f := benchFacts()
	posts := []Facts{f}
	add := func(edit func(*Facts)) {
		p := benchFacts()
		p.Intent, p.SentimentLabel, p.SentimentScore = "question", "neutral", 0
		edit(&p)
		posts = append(posts, p)
	}
	add(func(p *Facts) {
		p.Text, p.Intent, p.SentimentLabel, p.SentimentScore = "Love the new app ❤️ thanks @AskBrand!", "praise", "positive", 0.8
	})
	add(func(p *Facts) { p.Text = "@AskBrand do you ship to Canada? Couldn’t find it on the site" })
	add(func(p *Facts) {
		p.Text, p.Language, p.Intent = "Ma commande n’est toujours pas arrivée, c’est inadmissible. Je veux être remboursé", "fr", "complaint"
		p.SentimentLabel, p.SentimentScore = "negative", -0.8
	})
	add(func(p *Facts) {
		p.ChannelType, p.Public, p.Intent = "webchat", false, "request_billing"
		p.Text = "I was charged twice this month, please help"
		p.PersonalDataTypes = []string{"card"}
	})
	add(func(p *Facts) {
		p.ChannelType, p.CustomerTags, p.CustomerVIP = "facebook", []string{"vip"}, true
		p.Text = "Is the Berlin store open on Sunday?"
		p.Location = "store-6"
	})
	add(func(p *Facts) { p.Text, p.Spam, p.Intent = "Follow me for FREE crypto giveaways!!!", true, "chatter" })
	add(func(p *Facts) {
		p.ChannelType, p.Intent = "api", "request_technical"
		p.Text, p.AuthorFollowers, p.Virality = "The app crashes every time I log in since the update. Fix it", 120000, 0.85
	})
	return posts
}

func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{50, 500} {
		rs := mustCompile(b, workspaceRules(n)...)
		posts := benchPosts()
		// typical: the mix of posts in turn; regex-hit: the post that contains what every
		// order-number regex needs, so that the regexes run.
		b.Run(fmt.Sprintf("%d/typical", n), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				rs.Evaluate(posts[i%len(posts)])
				i++
			}
		})
		b.Run(fmt.Sprintf("%d/regex-hit", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rs.Evaluate(posts[0])
			}
		})
	}
}

func BenchmarkExplain50(b *testing.B) {
	rs := mustCompile(b, workspaceRules(50)...)
	f := benchFacts()
	b.ReportAllocs()
	for b.Loop() {
		rs.Explain(f)
	}
}

func BenchmarkCompile50(b *testing.B) {
	rules := workspaceRules(50)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(rules); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPick(b *testing.B) {
	cands := make([]Candidate, 50)
	for i := range cands {
		cands[i] = Candidate{AgentID: fmt.Sprintf("a%02d", i), Availability: Online, Capacity: 5 + i%10, Load: i % 7,
			Languages: []string{"en", "fr"}[:1+i%2], Locations: []string{fmt.Sprintf("store-%d", i%5)}}
	}
	need := Need{Language: "fr", ChannelType: "x", Location: "store-3"}
	b.ReportAllocs()
	for b.Loop() {
		Pick(cands, need)
	}
}

// TestConcurrentEvaluate: one RuleSet shared by many goroutines (run with -race).
func TestConcurrentEvaluate(t *testing.T) {
	rs := mustCompile(t, workspaceRules(100)...)
	f := benchFacts()
	want := rs.Evaluate(f)
	if len(want.Fired) == 0 {
		t.Fatal("benchmark post fires nothing")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if got := rs.Evaluate(f); len(got.Fired) != len(want.Fired) {
					t.Errorf("fired %v, want %v", got.Fired, want.Fired)
					return
				}
				rs.Explain(f)
			}
		})
	}
	wg.Wait()
}
