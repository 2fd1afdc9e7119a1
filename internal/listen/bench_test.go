package listen

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// BenchmarkListen is the firehose figure: one goroutine decodes each post
// from its JSON line and matches it against n synthetic rules. Run with
// -cpu 1 for single-core semantics (the collector then shares the core too).
// Reported: posts/s, the heap held by the compiled matcher, compile time, and
// the share of posts that matched at least one rule.
func BenchmarkListen(b *testing.B) {
	posts := twcsPosts(b)
	for _, n := range []int{1_000, 10_000, 100_000} {
		// Built once: b.Run calls the function several times to size b.N.
		m, size, took := buildMeasured(b, synthRules(n))
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			var (
				p       Post
				dst     []string
				matched int
			)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := DecodePost(posts[i%len(posts)], &p); err != nil {
					b.Fatal(err)
				}
				dst = m.AppendMatch(dst[:0], p)
				if len(dst) > 0 {
					matched++
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
			b.ReportMetric(float64(size), "matcher-B")
			b.ReportMetric(took.Seconds()*1e3, "compile-ms")
			b.ReportMetric(100*float64(matched)/float64(b.N), "match-%")
		})
	}
}

// BenchmarkMatchOnly isolates matching from JSON decoding, at 10k rules.
func BenchmarkMatchOnly(b *testing.B) {
	lines := twcsPosts(b)
	posts := make([]Post, len(lines))
	for i, l := range lines {
		if err := json.Unmarshal(l, &posts[i]); err != nil {
			b.Fatal(err)
		}
	}
	m, _, _ := buildMeasured(b, synthRules(10_000))
	var dst []string
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = m.AppendMatch(dst[:0], posts[i%len(posts)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkDecode is the JSON decoding share of BenchmarkListen, against
// encoding/json for comparison.
func BenchmarkDecode(b *testing.B) {
	lines := twcsPosts(b)
	for _, d := range []struct {
		name string
		fn   func([]byte, *Post) error
	}{
		{"DecodePost", DecodePost},
		{"encoding-json", func(l []byte, p *Post) error { *p = Post{}; return json.Unmarshal(l, p) }},
	} {
		b.Run(d.name, func(b *testing.B) {
			var p Post
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := d.fn(lines[i%len(lines)], &p); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
		})
	}
}

// buildMeasured compiles rules and measures the live heap they hold.
func buildMeasured(b testing.TB, rules []Rule) (*Matcher, uint64, time.Duration) {
	b.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	m, err := NewMatcher(rules)
	took := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(m)
	size := uint64(0)
	if after.HeapAlloc > before.HeapAlloc {
		size = after.HeapAlloc - before.HeapAlloc
	}
	return m, size, took
}

// BenchmarkFuzzyCost measures what misspelling tolerance costs: the same
// 10k rules with and without their ~terms (replaced by exact terms).
func BenchmarkFuzzyCost(b *testing.B) {
	lines := twcsPosts(b)
	posts := make([]Post, len(lines))
	for i, l := range lines {
		if err := DecodePost(l, &posts[i]); err != nil {
			b.Fatal(err)
		}
	}
	with := synthRules(10_000)
	without := make([]Rule, len(with))
	for i, r := range with {
		without[i] = Rule{ID: r.ID, Query: strings.ReplaceAll(r.Query, "~", "")}
	}
	for _, set := range []struct {
		name  string
		rules []Rule
	}{{"with-fuzzy", with}, {"without-fuzzy", without}} {
		m, _, _ := buildMeasured(b, set.rules)
		b.Run(set.name, func(b *testing.B) {
			var dst []string
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				dst = m.AppendMatch(dst[:0], posts[i%len(posts)])
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
		})
	}
}
