package analyze

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/analyze/intent"
	"github.com/heed-dev/heed/internal/datadir"
)

// loadTweets returns the texts of twcs_random_dev.csv (1,026 customer and brand tweets).
func loadTweets(b *testing.B) []string {
	b.Helper()
	dir := datadir.Require(b, "twcs")
	f, err := os.Open(filepath.Join(dir, "twcs_random_dev.csv"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows[1:] {
		out = append(out, r[4])
	}
	return out
}

// Each benchmark reports posts/s on one core (run with -cpu 1, or divide by GOMAXPROCS: the
// loops are single-goroutine).
func benchTweets(b *testing.B, fn func(string)) {
	tweets := loadTweets(b)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	cpu0 := threadCPU()
	for i := 0; b.Loop(); i++ {
		fn(tweets[i%len(tweets)])
		n++
	}
	cpu := threadCPU() - cpu0
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "posts/s")
	if cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), "posts/cpu-s")
	}
}

func BenchmarkAnalyze(b *testing.B) {
	a := analyzer(b)
	ctx := context.Background()
	m := NewSpamModel()
	m.Learn("buy cheap followers", true)
	benchTweets(b, func(s string) { a.Analyze(ctx, Input{Text: s, Public: true, Network: "x", Followers: 300, Spam: m}) })
}

func BenchmarkLanguage(b *testing.B) {
	a := analyzer(b)
	benchTweets(b, func(s string) { a.lang.Detect(s, "") })
}

func BenchmarkSentiment(b *testing.B) {
	a := analyzer(b)
	benchTweets(b, func(s string) { a.sentiment.Score(s) })
}

func BenchmarkSpam(b *testing.B) {
	a := analyzer(b)
	benchTweets(b, func(s string) { a.spam.Score(s, nil) })
}

func BenchmarkIntent(b *testing.B) {
	benchTweets(b, func(s string) { intent.Classify(s, 0) })
}

func BenchmarkPersonalData(b *testing.B) {
	a := analyzer(b)
	benchTweets(b, func(s string) { a.pii.Find(s, nil) })
}

// BenchmarkRunCLI measures the streaming entry point end to end, JSON in and out, on all cores.
func BenchmarkRunCLI(b *testing.B) {
	a := analyzer(b)
	tweets := loadTweets(b)
	var in bytes.Buffer
	for _, t := range tweets {
		in.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "\r", " "), "\n", " "))
		in.WriteByte('\n')
	}
	data := in.Bytes()
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		if err := RunCLI(context.Background(), a, bytes.NewReader(data), io.Discard); err != nil {
			b.Fatal(err)
		}
		n += len(tweets)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "posts/s")
}
