package influence

import (
	"math"
	"testing"
	"time"
)

func TestInfluence(t *testing.T) {
	tests := []struct {
		network   string
		followers int64
		verified  bool
		lo, hi    float64
	}{
		{"x", 0, false, 0, 0},
		{"x", 0, true, 0.2, 0.2},
		{"x", 150, false, 0.25, 0.35},
		{"x", 1_000_000, false, 0.8, 0.8},
		{"x", 50_000_000, true, 1, 1},
		{"mastodon", 5_000, false, 0.6, 0.7},
		{"X", 5_000, false, 0.45, 0.55},
		{"unknown-network", 500_000, false, 0.8, 0.8},
		{"x", -5, false, 0, 0},
	}
	for _, tt := range tests {
		got := Influence(tt.network, tt.followers, tt.verified)
		if got < tt.lo-1e-9 || got > tt.hi+1e-9 {
			t.Errorf("Influence(%s, %d, %v) = %.3f, want [%.2f, %.2f]", tt.network, tt.followers, tt.verified, got, tt.lo, tt.hi)
		}
	}
}

func TestVirality(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	at := func(min float64) time.Time { return t0.Add(time.Duration(min * float64(time.Minute))) }
	quiet := Norms{AuthorPerMinute: 0.5, AccountPerMinute: 1}
	tests := []struct {
		name    string
		posted  time.Time
		norms   Norms
		samples []EngagementSample
		lo, hi  float64
	}{
		{"no samples", t0, quiet, nil, 0, 0},
		{"one sample, no post time", time.Time{}, quiet, []EngagementSample{{At: at(5), Likes: 100}}, 0, 0},
		{"usual pace", t0, quiet, []EngagementSample{{At: at(10), Likes: 5, Replies: 1}}, 0, 0.1},
		{"10x usual", t0, quiet, []EngagementSample{{At: at(10), Likes: 40, Replies: 10, Reposts: 10}}, 0.5, 0.75},
		{"absolute storm", t0, Norms{AuthorPerMinute: 100, AccountPerMinute: 100},
			[]EngagementSample{{At: at(1), Likes: 30, Reposts: 20}, {At: at(2), Likes: 100, Reposts: 50}}, 1, 1},
		{"accelerating", t0, quiet, []EngagementSample{{At: at(10), Likes: 10}, {At: at(12), Likes: 30, Reposts: 5}}, 0.8, 1},
		{"unordered samples", t0, quiet, []EngagementSample{{At: at(12), Likes: 30, Reposts: 5}, {At: at(10), Likes: 10}}, 0.8, 1},
		{"counts going down", t0, quiet, []EngagementSample{{At: at(10), Likes: 10}, {At: at(20), Likes: 2}}, 0, 0},
		{"samples too close", t0, quiet, []EngagementSample{{At: t0.Add(time.Second), Likes: 1000}}, 0, 0},
	}
	for _, tt := range tests {
		got := Virality(tt.posted, tt.norms, tt.samples...)
		if got < tt.lo-1e-9 || got > tt.hi+1e-9 || math.IsNaN(got) {
			t.Errorf("%s: Virality = %.3f, want [%.2f, %.2f]", tt.name, got, tt.lo, tt.hi)
		}
	}
}

// Re-scoring with more samples as a connector reports them only needs the new slice.
func TestViralityRescore(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	norms := Norms{AuthorPerMinute: 0.3}
	s := []EngagementSample{{At: t0.Add(5 * time.Minute), Likes: 2}}
	first := Virality(t0, norms, s...)
	s = append(s, EngagementSample{At: t0.Add(10 * time.Minute), Likes: 200, Reposts: 40})
	second := Virality(t0, norms, s...)
	if !(second > first) {
		t.Errorf("risk did not rise: %.3f then %.3f", first, second)
	}
}

func FuzzVirality(f *testing.F) {
	f.Add(int64(0), int64(10), int64(1), int64(1), 0.5, 1.0)
	f.Add(int64(-100), int64(-10), int64(-1), int64(1<<62), -1.0, math.Inf(1))
	f.Fuzz(func(t *testing.T, dt1, likes, replies, reposts int64, an, ac float64) {
		t0 := time.Unix(1_700_000_000, 0)
		r := Virality(t0, Norms{an, ac}, EngagementSample{At: t0.Add(time.Duration(dt1)), Likes: likes, Replies: replies, Reposts: reposts},
			EngagementSample{At: t0.Add(time.Hour), Likes: likes * 2, Replies: replies, Reposts: reposts})
		if math.IsNaN(r) || r < 0 || r > 1 {
			t.Fatalf("risk %v", r)
		}
		if i := Influence("x", likes, replies%2 == 0); math.IsNaN(i) || i < 0 || i > 1 {
			t.Fatalf("influence %v", i)
		}
	})
}

func BenchmarkVirality(b *testing.B) {
	t0 := time.Now()
	s := []EngagementSample{{At: t0.Add(time.Minute), Likes: 10}, {At: t0.Add(2 * time.Minute), Likes: 30}, {At: t0.Add(3 * time.Minute), Likes: 90}}
	for b.Loop() {
		Virality(t0, Norms{AuthorPerMinute: 1}, s...)
	}
}
