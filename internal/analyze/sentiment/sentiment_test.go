package sentiment

import (
	"math"
	"strings"
	"testing"

	"github.com/jonreiter/govader"
)

var scorer = New(Options{})

func TestScoreHardCases(t *testing.T) {
	tests := []struct {
		text string
		want string
	}{
		{"not bad at all", "positive"},
		{"Not bad at all, thanks!", "positive"},
		{"thanks for nothing", "negative"},
		{"Thanks for nothing @AcmeHelp", "negative"},
		{"thank you for nothing.", "negative"},
		{"I love this brand!", "positive"},
		{"love this brand!", "positive"},
		{"never again", "negative"},
		{"Never again. Worst service ever", "negative"},
		{"still waiting for my refund", "negative"},
		{"I want a refund", "negative"},
		{"my flight was cancelled", "negative"},
		{"app not working since the update", "negative"},
		{"haven't received my order yet", "negative"},
		{"nobody replied to my email", "negative"},
		{"the agent was helpful but the wait was awful", "negative"},
		{"the wait was awful but the agent was really helpful", "positive"},
		{"love how my package is still not here", "negative"},
		{"love how fast you fixed it", "positive"},
		{"great, another delay #sarcasm", "negative"},
		{"Great. Another delay.", "negative"},
		{"thanks for ruining my holiday", "negative"},
		{"🙄", "negative"},
		{"on hold for 2 hours 😡", "negative"},
		{"👍", "positive"},
		{"thanks! all sorted now", "positive"},
		{"Nope, still broken.", "negative"},
		{"no worries, thanks", "positive"},
		{"what time do you open?", "neutral"},
		{"", "neutral"},
		{"THIS IS THE WORST", "negative"},
		{"the new update is soooo goood", "positive"},
		{"you guys are the coolest", "positive"},
		{"Oh no!", "negative"},
		{"I heart you &lt;3", "positive"},
	}
	for _, tt := range tests {
		got := scorer.Score(tt.text)
		if got.Label != tt.want {
			t.Errorf("Score(%q) = %+.3f %s, want %s", tt.text, got.Compound, got.Label, tt.want)
		}
		if got.Compound < -1 || got.Compound > 1 || math.IsNaN(got.Compound) {
			t.Errorf("Score(%q) compound %v out of range", tt.text, got.Compound)
		}
	}
}

// The Plain scorer is reference VADER: it must agree with govader to the four decimals Score
// keeps.
func TestPlainMatchesGovader(t *testing.T) {
	plain := New(Options{Plain: true})
	gv := govader.NewSentimentIntensityAnalyzer()
	texts := []string{
		"VADER is smart, handsome, and funny.",
		"VADER is VERY SMART, handsome, and FUNNY!!!",
		"The book was good, but the movie was kind of bad.",
		"At least it isn't a horrible book.",
		"Today SUX!",
		"Not bad at all",
		"Make sure you :) or :D today!",
		"Catch utf-8 emoji such as 💘 and 💋 and 😁",
		"no no no",
		"I am never so happy",
	}
	for _, txt := range texts {
		a, b := plain.Score(txt).Compound, gv.PolarityScores(txt).Compound
		if math.Abs(a-b) > 0.5e-4+1e-12 {
			t.Errorf("%q: plain %v, govader %v", txt, a, b)
		}
	}
}

func TestLabelOf(t *testing.T) {
	for _, tt := range []struct {
		c    float64
		want string
	}{{0.05, "positive"}, {0.049, "neutral"}, {-0.05, "negative"}, {-0.049, "neutral"}, {0, "neutral"}} {
		if got := LabelOf(tt.c); got != tt.want {
			t.Errorf("LabelOf(%v) = %s, want %s", tt.c, got, tt.want)
		}
	}
}

func TestTrend(t *testing.T) {
	tests := []struct {
		in         []float64
		avg, slope float64
	}{
		{nil, 0, 0},
		{[]float64{0.5}, 0.5, 0},
		{[]float64{-0.8, -0.4, 0, 0.4}, -0.2, 0.4},
		{[]float64{0.6, 0.6, 0.6}, 0.6, 0},
		{[]float64{0.9, 0.1, -0.7}, 0.1, -0.8},
	}
	for _, tt := range tests {
		avg, slope := Trend(tt.in)
		if math.Abs(avg-tt.avg) > 1e-9 || math.Abs(slope-tt.slope) > 1e-9 {
			t.Errorf("Trend(%v) = %v, %v; want %v, %v", tt.in, avg, slope, tt.avg, tt.slope)
		}
	}
}

func FuzzScore(f *testing.F) {
	for _, s := range []string{"not bad at all", "thanks for nothing", "😡😡😡", "no no no no",
		"\xff\xfe invalid", strings.Repeat("🙄", 100), "#", "&lt;3 &amp;", "a" + strings.Repeat("a", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := scorer.Score(s)
		if got.Compound < -1 || got.Compound > 1 || math.IsNaN(got.Compound) {
			t.Fatalf("compound %v out of range", got.Compound)
		}
		if got.Label != LabelOf(got.Compound) {
			t.Fatalf("label %s does not match %v", got.Label, got.Compound)
		}
	})
}

func BenchmarkScore(b *testing.B) {
	texts := []string{
		"@AcmeHelp my order still hasn't arrived, it's been 2 weeks and nobody replies 😡",
		"Thanks so much, the agent was really helpful and sorted it in minutes!",
		"why is the app crashing every time I open it?? not happy",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		scorer.Score(texts[i%len(texts)])
	}
}

// BenchmarkVaderTweets and BenchmarkGovaderVaderTweets compare our scorer with govader's on the
// 4,200 VADER tweets.
func BenchmarkVaderTweets(b *testing.B) {
	tweets := loadVaderTweets(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		scorer.Score(tweets[i%len(tweets)].text)
	}
}

func BenchmarkGovaderVaderTweets(b *testing.B) {
	tweets := loadVaderTweets(b)
	gv := govader.NewSentimentIntensityAnalyzer()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		gv.PolarityScores(tweets[i%len(tweets)].text)
	}
}
