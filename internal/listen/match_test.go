package listen

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func post(text string) Post { return Post{ID: "p", Text: text, Lang: "en", Author: "someone"} }

func TestMatchOperators(t *testing.T) {
	for _, tc := range []struct {
		rule string
		post Post
		want bool
	}{
		// Words: whole words only, case and accent folded.
		{`apple`, post("I love Apple products"), true},
		{`apple`, post("APPLE!!!"), true},
		{`apple`, post("pineapple juice"), false},
		{`apple`, post("apples"), false},
		{`apple`, post("Apple's store"), true},
		{`café`, post("best cafe in town"), true},
		{`cafe`, post("best CAFÉ in town"), true},
		{`cafe`, post("best cafe\u0301 in town"), true}, // combining accent
		{`strasse`, post("Hauptstraße? no, Straße"), true},
		{`abc`, post("ＡＢＣ full width"), true},
		{`crème brûlée`, post("CREME BRULEE please"), true},
		{`zürich`, post("flying to zurich"), true},
		{`αθήνα`, post("ΑΘΗΝΑ"), true},
		{`москва`, post("МОСКВА"), true},
		// Emoji next to words, and emoji-only text.
		{`delay`, post("delay😡😡"), true},
		{`delay`, post("😡delay"), true},
		{`delay`, post("👩‍👩‍👧 delay👍🏽"), true},
		{`delay`, post("😡😡😡"), false},
		{`keycap`, post("keycap1️⃣"), false},
		// CJK: each ideograph is a word; kana runs stay together.
		{`東京`, post("東京駅で会いましょう"), true},
		{`京駅`, post("東京駅"), true},
		{`ソニー`, post("ソニーのテレビ"), true},
		{`ソニ`, post("ソニーのテレビ"), false},
		{`서울`, post("서울 날씨"), true},
		// Phrases: consecutive words, punctuation between them ignored.
		{`"customer service"`, post("Your customer service is awful"), true},
		{`"customer service"`, post("Customer-service, again"), true},
		{`"customer service"`, post("customer, service"), true},
		{`"customer service"`, post("customer, then service"), false},
		{`"customer service"`, post("customer bad service"), false},
		{`"customer service"`, post("service customer"), false},
		{`t-mobile`, post("T-Mobile has no signal"), true},
		{`t-mobile`, post("t mobile"), true},
		{`"@delta flight"`, post("@Delta flight 123 delayed"), true},
		// AND, OR, NOT, implicit AND, grouping.
		{`apple iphone`, post("apple iphone"), true},
		{`apple iphone`, post("apple ipad"), false},
		{`apple AND iphone`, post("iphone by apple"), true},
		{`apple OR samsung`, post("my samsung"), true},
		{`apple OR samsung`, post("my nokia"), false},
		{`apple -pie`, post("apple pie"), false},
		{`apple -pie`, post("apple store"), true},
		{`apple NOT pie`, post("apple store"), true},
		{`apple -"apple pie"`, post("apple pie recipe"), false},
		{`apple -"apple pie"`, post("apple store pie"), true},
		{`(apple OR samsung) (broken OR cracked)`, post("Samsung screen cracked"), true},
		{`(apple OR samsung) (broken OR cracked)`, post("Samsung screen fine"), false},
		{`a b OR c`, post("c"), true},
		{`a b OR c`, post("a"), false},
		// Pure negations: always candidates.
		{`-spam`, post("hello"), true},
		{`-spam`, post("spam"), false},
		{`NOT lang:fr`, post("hello"), true},
		{`NOT (spam OR scam)`, post("a scam"), false},
		// Hashtags, mentions, authors.
		{`#ios11`, post("Why! #iOS11 @AppleSupport"), true},
		{`#ios11`, post("Why! iOS11"), false},
		{`ios11`, post("Why! #iOS11"), true}, // plain words match inside hashtags
		{`#ios`, post("#iOS11"), false},
		{`#東京`, post("#東京 旅行"), true},
		{`#東京`, post("#東京都"), false},
		{`@applesupport`, post("@AppleSupport help"), true},
		{`@applesupport`, post("AppleSupport help"), false},
		{`applesupport`, post("@AppleSupport help"), false}, // mentions are not words
		{`@jane`, post("mail jane@example.com"), false},
		{`example`, post("mail jane@example.com"), true},
		{`from:jane`, Post{ID: "1", Text: "hi", Author: "Jane"}, true},
		{`from:jane`, Post{ID: "1", Text: "hi", Author: "@jane"}, true},
		{`from:jane`, Post{ID: "1", Text: "hi @jane", Author: "bob"}, false},
		{`apple -from:apple`, Post{ID: "1", Text: "Apple news", Author: "Apple"}, false},
		// Languages and links.
		{`lang:en`, Post{ID: "1", Text: "x", Lang: "en"}, true},
		{`lang:en`, Post{ID: "1", Text: "x", Lang: "en-GB"}, true},
		{`lang:en`, Post{ID: "1", Text: "x", Lang: "EN_us"}, true},
		{`lang:en`, Post{ID: "1", Text: "x", Lang: "fr"}, false},
		{`lang:en`, Post{ID: "1", Text: "x"}, false},
		{`apple lang:es`, Post{ID: "1", Text: "apple", Lang: "es"}, true},
		{`has:link`, post("see https://t.co/abc"), true},
		{`has:link`, post("see HTTP://example.com/x"), true},
		{`has:link`, post("see www.example.com"), true},
		{`has:link`, post("no link here, just example.com"), false},
		{`refund`, post("https://t.co/refund"), false}, // link slugs are not words
		{`apple has:link`, post("apple https://t.co/x"), true},
		{`apple -has:link`, post("apple https://t.co/x"), false},
		// Prefix wildcards.
		{`refund*`, post("REFUNDS please"), true},
		{`refund*`, post("refund"), true},
		{`refund*`, post("refun"), false},
		{`refund*`, post("nonrefundable"), false},
		{`refund*`, post("#refundnow"), true},
		{`café*`, post("cafeteria"), true},
		// Misspellings: Damerau distance 1, for terms of 5+ letters.
		{`~amazon`, post("amazon"), true},
		{`~amazon`, post("amazn prime"), true},   // deletion
		{`~amazon`, post("amazoon prime"), true}, // insertion
		{`~amazon`, post("amazom prime"), true},  // substitution
		{`~amazon`, post("amzaon prime"), true},  // transposition
		{`~amazon`, post("Amazón prime"), true},  // accents fold first
		{`~amazon`, post("amzon prime"), true},
		{`~amazon`, post("amzn prime"), false}, // two deletions
		{`~amazon`, post("amazonas"), false},   // two insertions
		{`~amazon`, post("mazno"), false},
		{`~amazon`, post("#amazn"), true},
		{`~amazon`, post("@amazn"), false},
		{`~starbucks`, post("starbuck's coffee"), true},
		{`~starbucks`, post("strabucks coffee"), true},
		{`~müller`, post("muller"), true},
		{`~müller`, post("mueller"), true},
		// NEAR/n: either order, n counted from one end to the other start.
		{`delay NEAR/3 refund`, post("delay on my refund"), true},
		{`delay NEAR/3 refund`, post("refund after the delay"), true},
		{`delay NEAR/3 refund`, post("delay on all my refund"), false},
		{`delay NEAR/3 refund`, post("delay"), false},
		{`delay NEAR/1 refund`, post("delay refund"), true},
		{`delay NEAR/1 refund`, post("delay, then refund"), false},
		{`"flight delay" NEAR/2 refund`, post("flight delay and refund"), true},
		{`"flight delay" NEAR/2 refund`, post("refund for flight delay"), true},
		{`"flight delay" NEAR/2 refund`, post("refund for my flight delay"), false},
		{`delay* NEAR/2 (refund OR "money back")`, post("delayed, want my money back"), false},
		{`delay* NEAR/3 (refund OR "money back")`, post("delayed, want my money back"), true},
		{`~amazon NEAR/3 #fail`, post("amzon is a #fail"), true},
		{`~amazon NEAR/2 #fail`, post("amzon is a #fail"), false},
		{`(delay OR late) NEAR/3 delay`, post("delay"), false},
		{`refund* NEAR/1 refund`, post("refund"), true}, // two atoms, one word
		{`@delta NEAR/2 lost`, post("@Delta you lost my bag"), true},
		{`delay NEAR/3 delay`, post("delay"), false},
		{`delay NEAR/3 delay`, post("delay delay"), true},
		{`delay NEAR/3 refund`, post("delay x x x refund delay"), true},
		// Operators in lower case are words.
		{`and`, post("you and me"), true},
		{`near`, post("near me"), true},
		{`"AND"`, post("this and that"), true},
		// Invalid UTF-8 does not break words around it.
		{`apple`, post("apple\xff\xfe store"), true},
	} {
		m, err := NewMatcher([]Rule{{ID: "r", Query: tc.rule}})
		if err != nil {
			t.Fatalf("rule %q: %v", tc.rule, err)
		}
		got := len(m.Match(tc.post)) == 1
		if got != tc.want {
			t.Errorf("rule %q on %q (lang %q, author %q): got %v, want %v",
				tc.rule, tc.post.Text, tc.post.Lang, tc.post.Author, got, tc.want)
		}
		if ref := refMatch(t, tc.rule, tc.post); ref != tc.want {
			t.Errorf("reference matcher disagrees with the table on rule %q, post %q", tc.rule, tc.post.Text)
		}
	}
}

func TestMatchManyRulesInOrder(t *testing.T) {
	rules := []Rule{
		{ID: "z-last-id", Query: "apple"},
		{ID: "a", Query: "iphone OR ipad"},
		{ID: "neg", Query: "-samsung"},
		{ID: "b", Query: `"apple store"`},
		{ID: "c", Query: "samsung"},
		{ID: "d", Query: "apple lang:en"},
		{ID: "e", Query: "apple lang:fr"},
	}
	m, err := NewMatcher(rules)
	if err != nil {
		t.Fatal(err)
	}
	got := m.Match(post("Apple Store line for the iPhone"))
	want := []string{"z-last-id", "a", "neg", "b", "d"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v (rule order)", got, want)
	}
	if got := m.Match(post("nothing here")); !reflect.DeepEqual(got, []string{"neg"}) {
		t.Fatalf("got %v, want [neg]", got)
	}
	if st := m.Stats(); st.Rules != 7 || st.Always != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestMatcherZeroAndUpdateErrors(t *testing.T) {
	var m Matcher
	if got := m.Match(post("apple")); got != nil {
		t.Fatalf("zero Matcher matched %v", got)
	}
	if err := m.Update([]Rule{{ID: "a", Query: "apple"}}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]Rule{
		{{ID: "a", Query: "apple"}, {ID: "b", Query: `"oops`}},
		{{ID: "a", Query: "apple"}, {ID: "a", Query: "pear"}},
		{{ID: "", Query: "apple"}},
	} {
		err := m.Update(bad)
		var re *RuleError
		if !errors.As(err, &re) {
			t.Fatalf("Update(%v) = %v, want *RuleError", bad, err)
		}
	}
	// The failed updates left the previous rules in force.
	if got := m.Match(post("apple")); !reflect.DeepEqual(got, []string{"a"}) {
		t.Fatalf("after failed updates got %v", got)
	}
	err := m.Update([]Rule{{ID: "a", Query: "apple"}, {ID: "b", Query: `x "oops`}})
	var se *SyntaxError
	if !errors.As(err, &se) || se.Col != 3 || err.Error() != `rule "b": col 3: unclosed quote` {
		t.Fatalf("got %v", err)
	}
}

// TestMatcherUpdateWhileMatching swaps rule sets while goroutines match;
// run with -race. Every result must come from one whole rule set.
func TestMatcherUpdateWhileMatching(t *testing.T) {
	setA := []Rule{{ID: "a1", Query: "apple"}, {ID: "a2", Query: "store"}}
	setB := []Rule{{ID: "b1", Query: "apple"}, {ID: "b2", Query: "store"}, {ID: "b3", Query: "-nothing"}}
	m, err := NewMatcher(setA)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var dst []string
			for {
				select {
				case <-stop:
					return
				default:
				}
				dst = m.AppendMatch(dst[:0], post("apple store"))
				got := strings.Join(dst, ",")
				if got != "a1,a2" && got != "b1,b2,b3" {
					errs <- got
					return
				}
			}
		}()
	}
	for i := range 200 {
		set := setA
		if i%2 == 1 {
			set = setB
		}
		if err := m.Update(set); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("mixed result from two rule sets: %s", e)
	}
}

// TestMatchSynthRulesOnTWCS runs the synthetic rule set over real posts and
// compares the Matcher with the reference for a slice of the rules: on
// realistic data, trigger choice and shared indexes must not change results.
func TestMatchSynthRulesOnTWCS(t *testing.T) {
	lines := twcsPosts(t)
	rules := synthRules(1000)
	m, err := NewMatcher(rules)
	if err != nil {
		t.Fatal(err)
	}
	const nRules, nPosts = 200, 200
	queries := make([]*Query, nRules)
	for i := range queries {
		if queries[i], err = Parse(rules[i].Query); err != nil {
			t.Fatal(err)
		}
	}
	hits := 0
	for i := 0; i < nPosts; i++ {
		var p Post
		if err := DecodePost(lines[i*len(lines)/nPosts], &p); err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, id := range m.Match(p) {
			got[id] = true
		}
		for r, q := range queries {
			want := refEval(q, p)
			if got[rules[r].ID] != want {
				t.Errorf("rule %s %q on %q: matcher %v, reference %v", rules[r].ID, rules[r].Query, p.Text, !want, want)
			}
			if want {
				hits++
			}
		}
	}
	if hits < 20 {
		t.Fatalf("only %d rule hits: the sample does not exercise the matcher", hits)
	}
}

// refMatch is a brute-force reference: it evaluates the parsed rule
// directly on the post's tokens, with none of the Matcher's indexes,
// triggers or stamps. Tests and the fuzzer compare the two.
func refMatch(t testing.TB, rule string, p Post) bool {
	q, err := Parse(rule)
	if err != nil {
		t.Fatalf("reference: %q: %v", rule, err)
	}
	return refEval(q, p)
}

func refEval(q *Query, p Post) bool {
	tk := newTokenizer()
	tk.tokenize(p.Text)
	var words, tags []string
	for _, k := range tk.seq {
		words = append(words, string(tk.text(k)))
	}
	kinds := make([]tokKind, len(tk.seq))
	for i, k := range tk.seq {
		kinds[i] = k.kind
	}
	tagPos := map[string][]int{}
	for _, k := range tk.tags {
		tags = append(tags, string(tk.text(k)))
		tagPos[string(tk.text(k))] = append(tagPos[string(tk.text(k))], int(k.pos))
	}
	lang := strings.ToLower(primaryLang(p.Lang))
	author := string(tk.foldPlain(nil, p.Author))

	// places returns the [start,end] word spans where a positional atom occurs.
	places := func(a atom) [][2]int {
		var out [][2]int
		switch a.kind {
		case atomWord:
			for i, w := range words {
				if w == a.key {
					out = append(out, [2]int{i, i})
				}
			}
		case atomPhrase:
			for i := 0; i+len(a.words) <= len(words); i++ {
				if reflect.DeepEqual(words[i:i+len(a.words)], a.words) {
					out = append(out, [2]int{i, i + len(a.words) - 1})
				}
			}
		case atomPrefix:
			for i, w := range words {
				if kinds[i] == tokWord && strings.HasPrefix(w, a.key) {
					out = append(out, [2]int{i, i})
				}
			}
		case atomFuzzy:
			for i, w := range words {
				if kinds[i] == tokWord && within1([]rune(w), []rune(a.key)) {
					out = append(out, [2]int{i, i})
				}
			}
		case atomHashtag:
			for _, pos := range tagPos[a.key] {
				out = append(out, [2]int{pos, pos})
			}
		}
		return out
	}
	var eval func(n *node) bool
	eval = func(n *node) bool {
		switch n.op {
		case opAtom:
			switch n.atom.kind {
			case atomFrom:
				return p.Author != "" && author == n.atom.key
			case atomLang:
				return lang == n.atom.key
			case atomLink:
				return tk.hasLink
			}
			return len(places(n.atom)) > 0
		case opNot:
			return !eval(n.kids[0])
		case opAnd:
			for _, k := range n.kids {
				if !eval(k) {
					return false
				}
			}
			return true
		case opOr:
			for _, k := range n.kids {
				if eval(k) {
					return true
				}
			}
			return false
		case opNear:
			type occ struct {
				atom string
				span [2]int
			}
			var side func(n *node) []occ
			side = func(n *node) []occ {
				if n.op == opAtom {
					var out []occ
					for _, sp := range places(n.atom) {
						out = append(out, occ{n.atom.id(), sp})
					}
					return out
				}
				var out []occ
				for _, k := range n.kids {
					out = append(out, side(k)...)
				}
				return out
			}
			for _, oa := range side(n.kids[0]) {
				for _, ob := range side(n.kids[1]) {
					if oa == ob {
						continue // one occurrence is not near itself
					}
					a, b := oa.span, ob.span
					gap := 0
					switch {
					case a[1] < b[0]:
						gap = b[0] - a[1]
					case b[1] < a[0]:
						gap = a[0] - b[1]
					}
					if gap <= n.dist {
						return true
					}
				}
			}
			return false
		}
		panic(fmt.Sprint("unknown op ", n.op))
	}
	return eval(q.root)
}
