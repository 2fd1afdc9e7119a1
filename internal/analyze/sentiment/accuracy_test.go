package sentiment

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jonreiter/govader"

	"github.com/heed-dev/heed/internal/datadir"
)

type gtTweet struct {
	mean float64
	text string
}

func loadVaderTweets(tb testing.TB) []gtTweet {
	tb.Helper()
	dir := datadir.Require(tb, "vader_icwsm2014")
	f, err := os.Open(filepath.Join(dir, "tweets_GroundTruth.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []gtTweet
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(strings.TrimRight(sc.Text(), "\r"), "\t", 3)
		if len(parts) != 3 {
			tb.Fatalf("bad ground-truth line %q", sc.Text())
		}
		m, err := strconv.ParseFloat(parts[1], 64)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, gtTweet{m, parts[2]})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// polarMetrics is how the VADER paper scores the tweet corpus: ground truth is positive when
// the human mean is > 0.05 and negative when < -0.05 (the brief's rule; the mean is on -4..4),
// and the prediction uses the same thresholds on compound. F1 is the support-weighted mean of
// the positive-class and negative-class F1, a neutral prediction counting as a miss.
type polarMetrics struct {
	f1, f1Pos, f1Neg, acc3, precision, recall float64
}

func (m polarMetrics) String() string {
	return fmt.Sprintf("F1 %.4f (pos %.4f, neg %.4f; micro P %.4f R %.4f), 3-class accuracy %.4f",
		m.f1, m.f1Pos, m.f1Neg, m.precision, m.recall, m.acc3)
}

func classOf(x float64) int {
	switch {
	case x > 0.05:
		return 0
	case x < -0.05:
		return 1
	}
	return 2
}

func evaluate(tweets []gtTweet, score func(string) float64) polarMetrics {
	var tp, fp, fn [2]int
	correct := 0
	for _, t := range tweets {
		g, p := classOf(t.mean), classOf(score(t.text))
		if g == p {
			correct++
		}
		for k := 0; k < 2; k++ {
			switch {
			case p == k && g == k:
				tp[k]++
			case p == k:
				fp[k]++
			case g == k:
				fn[k]++
			}
		}
	}
	f1 := func(k int) float64 {
		p := float64(tp[k]) / float64(tp[k]+fp[k])
		r := float64(tp[k]) / float64(tp[k]+fn[k])
		return 2 * p * r / (p + r)
	}
	nPos, nNeg := float64(tp[0]+fn[0]), float64(tp[1]+fn[1])
	m := polarMetrics{f1Pos: f1(0), f1Neg: f1(1), acc3: float64(correct) / float64(len(tweets))}
	m.f1 = (m.f1Pos*nPos + m.f1Neg*nNeg) / (nPos + nNeg)
	m.precision = float64(tp[0]+tp[1]) / float64(tp[0]+tp[1]+fp[0]+fp[1])
	m.recall = float64(tp[0]+tp[1]) / (nPos + nNeg)
	return m
}

func TestAccuracyVaderTweets(t *testing.T) {
	tweets := loadVaderTweets(t)
	gv := govader.NewSentimentIntensityAnalyzer()
	base := evaluate(tweets, func(s string) float64 { return gv.PolarityScores(s).Compound })
	plain := New(Options{Plain: true})
	mine := evaluate(tweets, func(s string) float64 { return plain.Score(s).Compound })
	full := New(Options{})
	ext := evaluate(tweets, func(s string) float64 { return full.Score(s).Compound })
	t.Logf("vader tweets (n=%d)", len(tweets))
	t.Logf("  govader PolarityScores:   %v", base)
	t.Logf("  our VADER port (Plain):   %v", mine)
	t.Logf("  with customer-care rules: %v", ext)
	if ext.f1 < 0.95 {
		t.Errorf("F1 %.4f below the 0.95 floor", ext.f1)
	}
	if ext.f1 < base.f1 {
		t.Errorf("customer-care rules lower F1 below plain govader: %.4f < %.4f", ext.f1, base.f1)
	}
	if os.Getenv("HEED_SENTIMENT_DIFF") != "" {
		for _, tw := range tweets {
			a, b := plain.Score(tw.text).Compound, full.Score(tw.text).Compound
			if classOf(a) != classOf(b) {
				t.Logf("gt %+.2f plain %+.3f ext %+.3f %s", tw.mean, a, b, tw.text)
			}
		}
	}
	if os.Getenv("HEED_SENTIMENT_ERRORS") != "" {
		for _, tw := range tweets {
			b := full.Score(tw.text).Compound
			if g := classOf(tw.mean); g != 2 && g != classOf(b) {
				t.Logf("gt %+.2f ext %+.3f %s", tw.mean, b, tw.text)
			}
		}
	}
}
