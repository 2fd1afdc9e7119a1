package report_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/report"
)

// BenchmarkDashboard imports HEED_BENCH_DASH_N (default 100000) synthetic
// threads (three messages each) into each engine, then times what the
// reports page computes beyond the summary: Collect (conversations and
// their messages) and Build.
//
//	go test -run XXX -bench Dashboard -benchtime 1x ./internal/report/
func BenchmarkDashboard(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("HEED_BENCH_DASH_N")); err == nil && v > 0 {
		n = v
	}
	data := synthetic(n)
	for _, engine := range dbtest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			d := dbtest.Open(b, engine)
			st, wsID := world(b, d)
			ctx := context.Background()
			if _, err := report.Import(ctx, st, bytes.NewReader(data), report.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			det := report.Detail{Query: report.Query{WorkspaceID: wsID, From: time.Unix(0, 0), To: time.Now(), Hours: report.HoursCalendar}, Loc: time.UTC}
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				convs, err := report.Collect(ctx, st, det)
				if err != nil {
					b.Fatal(err)
				}
				collected := time.Since(start)
				start = time.Now()
				db := report.Build(convs, det)
				built := time.Since(start)
				if db.Conversations != n {
					b.Fatalf("%d conversations, want %d", db.Conversations, n)
				}
				b.ReportMetric(float64(collected.Milliseconds()), "collect-ms")
				b.ReportMetric(float64(built.Milliseconds()), "build-ms")
			}
		})
	}
}
