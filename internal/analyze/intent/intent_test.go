package intent

import (
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/analyze/sentiment"
)

var scorer = sentiment.New(sentiment.Options{})

func TestClassify(t *testing.T) {
	tests := []struct {
		text   string
		intent string
		needs  bool
	}{
		{"love this brand!", Praise, false},
		{"@AcmeHelp thanks so much, all sorted now!", Praise, false},
		{"Thanks for the help!", Praise, false},
		{"great service today at the downtown branch", Praise, false},
		{"just landed in Paris", Chatter, false},
		{"👍", Chatter, false},
		{"@AcmeHelp", Chatter, false},
		{"what time do you open on sundays?", Question, true},
		{"do you ship to canada", Question, true},
		{"where is my order? it's been 2 weeks", Complaint, true},
		{"still waiting for a reply, this is ridiculous", Complaint, true},
		{"my flight was cancelled and nobody at the gate knows anything", Complaint, true},
		{"please refund my order, it arrived damaged", "request_billing", true},
		{"I was charged twice, can you check my account?", "request_billing", true},
		{"can you reset my password please", "request_account", true},
		{"I'm locked out of my account, please help", "request_account", true},
		{"please track my parcel, order 123456", "request_delivery", true},
		{"the app keeps crashing, please fix it", "request_technical", true},
		{"I want to return an item I bought", "request_order", true},
		{"can you help me?", Question, true},
		{"order 123-4567", "request_order", true},
		{"¿dónde está mi pedido?", Question, true},
	}
	for _, tt := range tests {
		got := Classify(tt.text, scorer.Score(tt.text).Compound)
		if got.Intent != tt.intent || got.NeedsResponse != tt.needs {
			t.Errorf("Classify(%q) = %+v, want %s needs=%v", tt.text, got, tt.intent, tt.needs)
		}
	}
}

func TestTopicOnComplaint(t *testing.T) {
	got := Classify("my parcel never arrived, worst courier ever", -0.8)
	if got.Intent != Complaint || got.Topic != TopicDelivery {
		t.Errorf("got %+v", got)
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"please refund my order", "?", "\xff\xfe", strings.Repeat("please ", 5000),
		strings.Repeat("😡", 500), "#order @x http://y"} {
		f.Add(s, 0.5)
	}
	f.Fuzz(func(t *testing.T, s string, c float64) {
		r := Classify(s, c)
		if r.Intent == "" {
			t.Fatal("empty intent")
		}
		if (r.Intent == Praise || r.Intent == Chatter) == r.NeedsResponse {
			t.Fatalf("%+v: needs_response inconsistent", r)
		}
	})
}

func BenchmarkClassify(b *testing.B) {
	texts := []string{
		"@AcmeHelp my order still hasn't arrived, it's been 2 weeks and nobody replies",
		"can you reset my password please",
		"love this brand!",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Classify(texts[i%len(texts)], 0)
	}
}
