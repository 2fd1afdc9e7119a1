package analyze

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func newAnalyzer(tb testing.TB) *Analyzer {
	tb.Helper()
	a, err := New(Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

var sharedAnalyzer struct {
	once sync.Once
	a    *Analyzer
	err  error
}

// analyzer shares one Analyzer across tests, as a process would.
func analyzer(tb testing.TB) *Analyzer {
	tb.Helper()
	sharedAnalyzer.once.Do(func() { sharedAnalyzer.a, sharedAnalyzer.err = New(Options{}) })
	if sharedAnalyzer.err != nil {
		tb.Fatal(sharedAnalyzer.err)
	}
	return sharedAnalyzer.a
}

func TestAnalyzeJSONShape(t *testing.T) {
	a := analyzer(t)
	r := a.Analyze(context.Background(), Input{
		ID:        "01J0000000000000000000000",
		Text:      "@AcmeHelp my card 4111 1111 1111 1111 was charged twice, can you refund it?",
		Network:   "x",
		Followers: 1200,
		Public:    true,
	})
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "language", "language_confidence", "sentiment", "spam", "intent",
		"needs_response", "personal_data", "move_private", "influence"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing from %s", k, raw)
		}
	}
	sent := m["sentiment"].(map[string]any)
	if _, ok := sent["compound"]; !ok {
		t.Errorf("sentiment.compound missing: %s", raw)
	}
	if _, ok := sent["label"]; !ok {
		t.Errorf("sentiment.label missing: %s", raw)
	}
	sp := m["spam"].(map[string]any)
	if _, ok := sp["probability"]; !ok {
		t.Errorf("spam.probability missing: %s", raw)
	}
	if r.Language != "en" || r.Intent != "request_billing" || !r.NeedsResponse || r.Spam.Label {
		t.Errorf("unexpected result %s", raw)
	}
	if len(r.PersonalData) != 1 || r.PersonalData[0].Type != "card" || !r.MovePrivate {
		t.Errorf("card not found or not moved private: %s", raw)
	}
	if masked := Mask("@AcmeHelp my card 4111 1111 1111 1111 was charged twice, can you refund it?", r.PersonalData); !strings.Contains(masked, "**** **** **** 1111") {
		t.Errorf("mask: %q", masked)
	}
	t.Logf("%s", raw)
}

func TestAnalyzeBehaviour(t *testing.T) {
	a := analyzer(t)
	ctx := context.Background()
	orderRe := regexp.MustCompile(`\bAC-\d{6}\b`)

	// Empty personal data is [] in JSON, never null.
	r := a.Analyze(ctx, Input{Text: "love this brand!", Public: true})
	raw, _ := json.Marshal(r)
	if !strings.Contains(string(raw), `"personal_data":[]`) || r.NeedsResponse || r.MovePrivate {
		t.Errorf("praise: %s", raw)
	}
	// A private message with personal data needs no move.
	if r := a.Analyze(ctx, Input{Text: "my number is 415-555-2671", Public: false}); r.MovePrivate || len(r.PersonalData) != 1 {
		t.Errorf("private: %+v", r)
	}
	// The workspace's order pattern.
	if r := a.Analyze(ctx, Input{Text: "where is AC-123456?", Public: true, OrderPattern: orderRe}); len(r.PersonalData) != 1 || r.PersonalData[0].Type != "order" {
		t.Errorf("order: %+v", r.PersonalData)
	}
	// The default order pattern from Options applies when the input has none.
	ao, err := New(Options{OrderPattern: orderRe})
	if err != nil {
		t.Fatal(err)
	}
	if r := ao.Analyze(ctx, Input{Text: "where is AC-123456?"}); len(r.PersonalData) != 1 {
		t.Errorf("default order pattern: %+v", r.PersonalData)
	}
	// Spam needs no response.
	if r := a.Analyze(ctx, Input{Text: "WINNER!! You have won a £1000 prize. Call 09061701461 now to claim"}); !r.Spam.Label || r.NeedsResponse {
		t.Errorf("spam: %+v", r)
	}
	// A workspace's corrections reach Analyze.
	m := NewSpamModel()
	text := "WINNER!! You have won a £1000 prize. Call 09061701461 now to claim"
	for range 5 {
		m.Learn(text, false)
	}
	if r := a.Analyze(ctx, Input{Text: text, Spam: m}); r.Spam.Label {
		t.Errorf("workspace model ignored: %+v", r.Spam)
	}
	// Influence.
	if r := a.Analyze(ctx, Input{Text: "hi", Network: "x", Followers: 1_000_000, Verified: true}); r.Influence != 1 {
		t.Errorf("influence %v", r.Influence)
	}
	// Oversized and invalid input.
	big := strings.Repeat("a", MaxInput) + "é" + strings.Repeat("b", 1000)
	if r := a.Analyze(ctx, Input{Text: big}); !r.Truncated {
		t.Error("not truncated")
	}
	bad := "card \xff 4111111111111111 \xfe"
	r = a.Analyze(ctx, Input{Text: bad})
	if len(r.PersonalData) != 1 || bad[r.PersonalData[0].Start:r.PersonalData[0].End] != "4111111111111111" {
		t.Errorf("offsets into invalid UTF-8: %+v", r.PersonalData)
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New(Options{Languages: []string{"klingon"}}); err == nil {
		t.Error("unknown language accepted")
	}
}

func TestAnalyzeConcurrent(t *testing.T) {
	a := analyzer(t)
	m := NewSpamModel()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				a.Analyze(context.Background(), Input{Text: "where is my order 123? call 415-555-2671", Spam: m})
				if (i+j)%10 == 0 {
					m.Learn("buy followers", true)
				}
			}
		}()
	}
	wg.Wait()
}

func TestHelpers(t *testing.T) {
	if avg, slope := Trend([]float64{-0.5, 0, 0.5}); avg != 0 || slope != 0.5 {
		t.Errorf("Trend = %v, %v", avg, slope)
	}
	t0 := time.Unix(1_700_000_000, 0)
	if v := Virality(t0, Norms{AuthorPerMinute: 1}, EngagementSample{At: t0.Add(time.Minute), Likes: 500}); v < 0.9 {
		t.Errorf("Virality = %v", v)
	}
}

func FuzzAnalyze(f *testing.F) {
	a := analyzer(f)
	for _, s := range []string{"where is my order?", strings.Repeat("4", 100<<10), strings.Repeat("😡", 5000),
		"\xff\xfe\xfd", "card 4111 1111 1111 1111", "a@b.co +44 7911 123456"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := a.Analyze(context.Background(), Input{Text: s, Public: true})
		for _, p := range r.PersonalData {
			if p.Start < 0 || p.End > len(s) || p.Start >= p.End {
				t.Fatalf("bad span %+v", p)
			}
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatal(err)
		}
	})
}
