package listen

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/datadir"
)

// This file makes test inputs: realistic synthetic rules (deterministic) and
// posts from the TWCS sample in shared/data, which is never copied into the
// repository (its licence is non-commercial).

// realBrands are brands that occur in TWCS, with products and a support
// handle, so that a good share of rules can actually fire on its texts.
var realBrands = [][]string{
	{"apple", "applesupport", "iphone", "ipad", "macbook", "ios"},
	{"amazon", "amazonhelp", "prime", "kindle", "alexa", "echo"},
	{"spotify", "spotifycares", "premium", "playlist", "podcast", "shuffle"},
	{"uber", "uber_support", "driver", "eats", "ride", "surge"},
	{"delta", "delta", "skymiles", "flight", "gate", "boarding"},
	{"american airlines", "americanair", "aadvantage", "flight", "baggage", "seat"},
	{"comcast", "comcastcares", "xfinity", "internet", "cable", "modem"},
	{"verizon", "verizonsupport", "fios", "unlimited", "signal", "bill"},
	{"sprint", "sprintcare", "hotspot", "signal", "plan", "bill"},
	{"t-mobile", "tmobilehelp", "magenta", "signal", "plan", "sim"},
	{"chipotle", "chipotletweets", "burrito", "queso", "guac", "bowl"},
	{"starbucks", "starbucks", "latte", "frappuccino", "rewards", "barista"},
	{"british airways", "british_airways", "avios", "heathrow", "flight", "luggage"},
	{"virgin trains", "virgintrains", "train", "ticket", "seat", "wifi"},
	{"southwest", "southwestair", "flight", "boarding", "rapid rewards", "gate"},
	{"tesco", "tesco", "clubcard", "delivery", "store", "order"},
	{"sainsburys", "sainsburys", "nectar", "delivery", "store", "order"},
	{"xbox", "xboxsupport", "live", "console", "controller", "game pass"},
	{"playstation", "askplaystation", "psn", "ps4", "console", "controller"},
	{"hulu", "hulu_support", "live tv", "stream", "episode", "app"},
	{"dell", "dellcares", "laptop", "xps", "warranty", "battery"},
	{"hp", "hpsupport", "printer", "ink", "laptop", "driver"},
	{"microsoft", "microsofthelps", "windows", "office", "outlook", "update"},
	{"airbnb", "airbnbhelp", "host", "listing", "booking", "refund"},
	{"ups", "ups", "package", "delivery", "tracking", "driver"},
	{"mcdonalds", "mcdonalds", "fries", "big mac", "drive thru", "app"},
	{"nike", "nikesupport", "shoes", "order", "sneakers", "delivery"},
	{"jetblue", "jetblue", "flight", "mint", "trueblue", "gate"},
}

var (
	syllables = []string{"zor", "vi", "a", "kel", "pton", "bri", "vo", "lu", "mex", "tra", "no", "qui",
		"dex", "fa", "ro", "sen", "ta", "gri", "mo", "pel", "ux", "ka", "nor", "di", "sto", "ve", "ly", "xa"}
	productWords = []string{"app", "card", "router", "phone", "account", "subscription", "order", "box",
		"tv", "speaker", "watch", "charger", "plan", "ticket", "booking", "delivery", "store", "points"}
	issueTerms = []string{"refund*", `"customer service"`, "broken", "outage", "cancel*", "delay*",
		"late", `"not working"`, "crash*", "charged", "overcharged", "scam", "worst", "rude",
		"waiting", `"on hold"`, "disconnect*", "lost", "damaged", "missing"}
	noiseTerms = []string{"hiring", "job*", "giveaway", "contest", "#ad", "#sponsored", `"stock price"`,
		"shares", "earnings", "careers"}
)

// synthRules returns n rules, about ten per brand: the TWCS brands first,
// then invented ones. The same n always gives the same rules.
func synthRules(n int) []Rule {
	rnd := rand.New(rand.NewPCG(42, uint64(n)))
	pick := func(xs []string) string { return xs[rnd.IntN(len(xs))] }
	anyOf := func(xs []string, k int) string {
		parts := make([]string, k)
		for i := range parts {
			parts[i] = pick(xs)
		}
		return "(" + strings.Join(parts, " OR ") + ")"
	}
	var rules []Rule
	for b := 0; len(rules) < n; b++ {
		var brand, handle, p1, p2 string
		if b < len(realBrands) {
			r := realBrands[b]
			brand, handle, p1, p2 = r[0], r[1], r[2+rnd.IntN(4)], r[2+rnd.IntN(4)]
		} else {
			var sb strings.Builder
			for range 2 + rnd.IntN(2) {
				sb.WriteString(pick(syllables))
			}
			brand = sb.String() + fmt.Sprint(b%7) // digit keeps invented names distinct
			brand = strings.TrimSuffix(brand, "0")
			handle = strings.ReplaceAll(brand, " ", "") + pick([]string{"help", "support", "care", "cares"})
			// Products of invented brands are invented names too, as
			// real ones are (kindle, xfinity); generic product words
			// only appear next to the brand.
			p1 = brand + " " + pick(productWords)
			p2 = pick(syllables) + pick(syllables) + pick([]string{"", "x", " pro", " go", "+"})
		}
		q := quote(brand)
		tag := strings.NewReplacer(" ", "", "-", "").Replace(brand)
		fuzzy := ""
		if len([]rune(tag)) >= minFuzzyRunes && !strings.ContainsAny(brand, " -") {
			fuzzy = " OR ~" + brand
		}
		for t := 0; t < 10 && len(rules) < n; t++ {
			var query string
			switch t {
			case 0:
				query = q + fuzzy + " OR #" + tag
			case 1:
				query = "(" + q + " OR " + quote(p1) + ") " + anyOf(issueTerms, 3) + " -" + pick(noiseTerms)
			case 2:
				query = quote(brand+" "+p2) + " OR " + quote(p1+" "+p2)
			case 3:
				query = q + " NEAR/4 (delay* OR late OR cancelled OR \"no show\")"
			case 4:
				query = "@" + handle + " -from:" + handle + " lang:en"
			case 5:
				query = "#" + tag + "fail OR #" + tag + "help OR (#" + tag + " " + anyOf(issueTerms, 2) + ")"
			case 6:
				query = "(" + q + fuzzy + ") lang:en -" + pick(noiseTerms) + " -" + pick(noiseTerms)
			case 7:
				query = quote(p1) + " " + anyOf([]string{"battery", "screen", "crash*", `"won't work"`, "slow", "error"}, 3)
			case 8:
				query = q + " has:link -from:" + handle
			case 9:
				query = "(" + q + " OR " + quote(p2) + ") NOT " + anyOf(noiseTerms, 3) + " " + pick([]string{"lang:en", "lang:es", "help", "support", "please"})
			}
			rules = append(rules, Rule{ID: fmt.Sprintf("r%d", len(rules)+1), Query: query})
		}
	}
	return rules
}

func quote(s string) string {
	if strings.ContainsAny(s, " -") {
		return `"` + s + `"`
	}
	return s
}

// twcsPosts reads the TWCS sample CSVs (see shared/data/twcs/SOURCE.md:
// tweet_id,author_id,inbound,created_at,text,…) and returns them as JSON
// lines in the listening input format.
func twcsPosts(tb testing.TB) [][]byte {
	tb.Helper()
	dir := dataDir(tb)
	var lines [][]byte
	for _, name := range []string{"twcs_threads_dev.csv", "twcs_random_dev.csv"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		for _, r := range recs[1:] {
			line, err := json.Marshal(Post{ID: r[0], Text: r[4], Lang: "en", Author: r[1]})
			if err != nil {
				tb.Fatal(err)
			}
			lines = append(lines, line)
		}
	}
	return lines
}

// dataDir is the TWCS sample folder, or a skip when shared/data is absent.
func dataDir(tb testing.TB) string { return datadir.Require(tb, "twcs") }
