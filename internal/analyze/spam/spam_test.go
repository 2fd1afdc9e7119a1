package spam

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"sync"
	"testing"
)

func classifier(tb testing.TB) *Classifier {
	tb.Helper()
	c, err := NewClassifier(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestScoreExamples(t *testing.T) {
	c := classifier(t)
	tests := []struct {
		text string
		spam bool
	}{
		{"WINNER!! You have won a £1000 prize. Call 09061701461 now to claim. T&C apply", true},
		{"FREE entry to win a brand new iPhone, txt WIN to 87121 now", true},
		{"check out my channel and subscribe!! http://www.youtube.com/watch?v=abc", true},
		{"Earn real money from home, sign up here http://example.biz/?ref=123", true},
		{"@AcmeHelp my order hasn't arrived yet, can you check?", false},
		{"@AcmeAir flight 123 delayed 3 hours, no info at the gate", false},
		{"@AcmeHelp https://t.co/abc123", false},
		{"thanks, all sorted now!", false},
		{"", false},
	}
	for _, tt := range tests {
		got := c.Score(tt.text, nil)
		if got.Label != tt.spam {
			t.Errorf("Score(%q) = %.3f, want spam=%v", tt.text, got.Probability, tt.spam)
		}
	}
}

// A workspace's corrections flip the verdict on the same text within a few examples, in both
// directions, and survive a JSON round trip.
func TestDeltaFlipsLabel(t *testing.T) {
	c := classifier(t)
	tests := []struct {
		text    string
		learnAs bool
	}{
		// The brand runs a real promotion its customers quote back: not spam for this workspace.
		{"FREE entry to win a brand new iPhone, txt WIN to 87121 now", false},
		// A reseller that keeps posting under the brand's posts: spam for this workspace.
		{"@AcmeHelp great deals on refurbished phones at our shop, DM for prices", true},
	}
	for _, tt := range tests {
		d := NewDelta()
		before := c.Score(tt.text, d)
		if before.Label == tt.learnAs {
			t.Fatalf("%q already labelled %v (p=%.3f)", tt.text, tt.learnAs, before.Probability)
		}
		n := 0
		for ; n < 10 && c.Score(tt.text, d).Label != tt.learnAs; n++ {
			d.Learn(tt.text, tt.learnAs)
		}
		after := c.Score(tt.text, d)
		if after.Label != tt.learnAs {
			t.Fatalf("%q: still %v after %d corrections (p=%.3f)", tt.text, after.Label, n, after.Probability)
		}
		if n > 3 {
			t.Errorf("%q: took %d corrections to flip, want at most 3", tt.text, n)
		}
		t.Logf("%q flipped after %d corrections: p %.3f -> %.3f", tt.text, n, before.Probability, after.Probability)

		raw, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back Delta
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatal(err)
		}
		if got := c.Score(tt.text, &back); math.Abs(got.Probability-after.Probability) > 1e-12 {
			t.Errorf("round trip changed the score: %v vs %v", got.Probability, after.Probability)
		}
		// An unrelated post moves much less.
		other := "@AcmeHelp my parcel tracking hasn't updated since Monday"
		if a, b := c.Score(other, nil), c.Score(other, d); a.Label != b.Label {
			t.Errorf("unrelated post flipped: %.3f -> %.3f", a.Probability, b.Probability)
		}
	}
}

func TestDeltaJSON(t *testing.T) {
	d := NewDelta()
	d.Learn("buy cheap followers now", true)
	d.Learn("where is my order", false)
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(`"version":1`)) {
		t.Errorf("no version in %s", raw)
	}
	var back Delta
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if s, h := back.Corrections(); s != 1 || h != 1 {
		t.Errorf("corrections %d/%d", s, h)
	}
	for _, bad := range []string{`{"version":99,"counts":{}}`, `not json`, `{"version":1,"counts":[1]}`} {
		var x Delta
		if err := json.Unmarshal([]byte(bad), &x); err == nil {
			t.Errorf("Unmarshal(%s) succeeded", bad)
		}
	}
	var empty Delta // the zero value is usable
	empty.Learn("hello", true)
	if _, err := json.Marshal(&empty); err != nil {
		t.Fatal(err)
	}
}

func TestDeltaConcurrent(t *testing.T) {
	c := classifier(t)
	d := NewDelta()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				if (i+j)%2 == 0 {
					d.Learn("cheap followers here", true)
				} else {
					c.Score("cheap followers here", d)
					json.Marshal(d)
				}
			}
		}()
	}
	wg.Wait()
}

func TestBaselineRoundTrip(t *testing.T) {
	b, err := DefaultBaseline()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), baselineTSV) {
		t.Errorf("WriteTo(LoadBaseline(x)) != x")
	}
	if _, err := LoadBaseline(strings.NewReader("feature_version\t2\nbias\t0\n")); err == nil {
		t.Error("wrong feature version accepted")
	}
}

func TestTrainSeparates(t *testing.T) {
	ex := []Example{{"win free prize now", true}, {"free prize call now", true}, {"win a prize txt now", true},
		{"see you at lunch", false}, {"lunch at noon?", false}, {"see you soon", false}}
	b := Train(ex, TrainOptions{MinCount: 1})
	c, _ := NewClassifier(b)
	if !c.Score("free prize", nil).Label || c.Score("see you at noon", nil).Label {
		t.Error("toy model does not separate its training data")
	}
}

func FuzzScore(f *testing.F) {
	c := classifier(f)
	for _, s := range []string{"WIN £1000 call 09061701461", "http://x.com/?ref=1", "@a https://t.co/x",
		"\xff\xfe", strings.Repeat("a ", 1000), strings.Repeat("😡", 100), strings.Repeat("9", 500)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := NewDelta()
		d.Learn(s, true)
		r := c.Score(s, d)
		if math.IsNaN(r.Probability) || r.Probability < 0 || r.Probability > 1 {
			t.Fatalf("probability %v", r.Probability)
		}
		if len(Features(s)) > maxFeatures {
			t.Fatalf("too many features")
		}
	})
}

func BenchmarkScore(b *testing.B) {
	c := classifier(b)
	d := NewDelta()
	d.Learn("cheap followers here", true)
	texts := []string{
		"@AcmeHelp my order still hasn't arrived, it's been 2 weeks and nobody replies",
		"WINNER!! You have won a £1000 prize. Call 09061701461 now to claim. T&C apply",
		"check out my channel and subscribe!! http://www.youtube.com/watch?v=abc",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.Score(texts[i%len(texts)], d)
	}
}

// Every rule pattern must contain one of its anchors, or the prefilter would hide matches.
func TestRuleAnchors(t *testing.T) {
	examples := map[string][]string{
		"promo": {"subscribe to me", "sub me", "sub 4 sub", "if i reach 100 subscribers", "follow 4 follow",
			"like4like", "f4f", "check me out", "check out my stuff", "checked out some of my", "my new channel",
			"our videos", "my mixtape", "go to my page", "visit my profile", "look at my site", "follow my company"},
		"earn": {"earn real money", "make easy money", "get paid for watching", "free gift cards", "promo code",
			"referral", "work from home", "win a free iphone"},
		"refurl": {"http://x.com/?ref=1", "www.y.com/ref/abc", "https://z.io/share/1", "http://b.com/referafriend"},
		"cta":    {"click here", "sign up now", "register here", "join now", "download now", "vote for me", "go here", "please like", "share everyone", "spread my"},
	}
	for _, r := range rules {
		for _, ex := range examples[r.name] {
			if !r.re.MatchString(ex) {
				t.Errorf("%s: %q does not match the pattern", r.name, ex)
			}
			if !hasAnchor(ex, r.anchors) {
				t.Errorf("%s: %q matches but has no anchor", r.name, ex)
			}
		}
	}
}
