package compose

import (
	"encoding/csv"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/datadir"

	"github.com/heed-dev/heed/internal/analyze/sentiment"
)

var (
	leadingMentions = regexp.MustCompile(`^(?:@\w+\s+)+`)
	trailingLinks   = regexp.MustCompile(`(?:\s+https://t\.co/\w+)+\s*$`)
)

type twcsPair struct{ customer, reply, brand string }

// twcsPairs returns the brand replies of the TWCS development threads with the customer
// tweet they answer.
func twcsPairs(tb testing.TB) []twcsPair {
	f, err := os.Open(filepath.Join(dataDir(tb), "twcs_threads_dev.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	byID := map[string][]string{}
	for _, r := range recs[1:] {
		byID[r[0]] = r
	}
	var out []twcsPair
	for _, r := range recs[1:] {
		if r[2] != "False" {
			continue
		}
		parent, ok := byID[r[6]]
		if !ok || parent[2] != "True" {
			continue
		}
		out = append(out, twcsPair{customer: html.UnescapeString(parent[4]), reply: html.UnescapeString(r[4]), brand: r[1]})
	}
	return out
}

// TestTWCSWarningRates runs every check on real brand replies from Customer Support on
// Twitter and reports how often each check fires: a regression guard against checks that
// flag most good replies, and the figures in NOTES.md.
func TestTWCSWarningRates(t *testing.T) {
	pairs := twcsPairs(t)
	c := needDict(t, "en")
	if raceEnabled {
		pairs = pairs[:len(pairs)/5]
	}
	sc := sentiment.New(sentiment.Options{})
	counts := map[string]int{}
	examples := map[string][]string{}
	start := time.Now()
	for _, p := range pairs {
		handle := strings.TrimPrefix(strings.Fields(p.reply + " x")[0], "@")
		// The leading @mentions and trailing attachment links of a tweet are not part of
		// what the agent types (and do not count on X).
		text := leadingMentions.ReplaceAllString(p.reply, "")
		text = trailingLinks.ReplaceAllString(text, "")
		in := Input{
			Text: text, Public: true, ChannelType: "x", MaxLength: 280, Language: "en",
			Customer:         Customer{Handle: handle},
			CustomerNegative: sc.Score(p.customer).Label == "negative",
			WorkspaceWords:   []string{p.brand},
		}
		seen := map[string]bool{}
		for _, w := range c.Check(in) {
			if !seen[w.Check] {
				seen[w.Check] = true
				counts[w.Check]++
			}
			if len(examples[w.Check]) < 400 {
				examples[w.Check] = append(examples[w.Check], text[w.Start:w.End]+" → "+w.Fix+" | "+text)
			}
		}
	}
	el := time.Since(start)
	var names []string
	for k := range counts {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		t.Logf("%-22s %4d/%d replies (%.1f%%)", k, counts[k], len(pairs), 100*float64(counts[k])/float64(len(pairs)))
	}
	t.Logf("%d replies in %v (%v each)", len(pairs), el, el/time.Duration(max(1, len(pairs))))
	if os.Getenv("HEED_TEST_VERBOSE") != "" {
		for _, k := range names {
			for _, e := range examples[k] {
				t.Logf("%s: %q", k, e)
			}
		}
	}
}

// dataDir is the TWCS sample folder, or a skip when shared/data is absent.
func dataDir(tb testing.TB) string { return datadir.Require(tb, "twcs") }
