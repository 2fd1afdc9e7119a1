package report_test

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/report"
)

// Drill-down buckets and report selections come from URLs: any input gives a
// predicate or a QueryError, never a panic or another error.
func FuzzDrillDown(f *testing.F) {
	for _, s := range []string{"all", "day:2026-03-02", "frt:3", "hour:6-23", "agent:Ana", "account:1h:Brand Page", "account::", "hour:-1-2"} {
		f.Add(s, "2026-03-02", "2026-03-03")
	}
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, bucket, from, to string) {
		var qe *report.QueryError
		if _, _, err := report.Match(bucket); err != nil && !errors.As(err, &qe) {
			t.Fatalf("Match(%q): %v", bucket, err)
		}
		d, err := report.ParseDetail(url.Values{"from_date": {from}, "to_date": {to}, "bucket": {bucket}}, "ws", now, time.UTC)
		if err != nil {
			if !errors.As(err, &qe) {
				t.Fatalf("ParseDetail: %v", err)
			}
			return
		}
		if !d.From.Before(d.To) {
			t.Fatalf("accepted an empty range %v – %v", d.From, d.To)
		}
	})
}
