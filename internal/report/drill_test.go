package report_test

import (
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/report"
)

func TestNarrowFor(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, paris)
	to := time.Date(2026, 3, 31, 0, 0, 0, 0, paris)
	d := report.Detail{Query: report.Query{From: from, To: to}, Loc: paris}
	for _, tc := range []struct {
		bucket           string
		wantFrom, wantTo time.Time
	}{
		{"all", from, to},
		{"out:2026-03-05", from, to}, // replies of that day belong to conversations started before
		{"day:2026-03-05", time.Date(2026, 3, 5, 0, 0, 0, 0, paris), time.Date(2026, 3, 6, 0, 0, 0, 0, paris)},
		{"scored:2026-03-29", time.Date(2026, 3, 29, 0, 0, 0, 0, paris), time.Date(2026, 3, 30, 0, 0, 0, 0, paris)}, // a 23-hour day
		{"day:2026-04-02", time.Date(2026, 4, 2, 0, 0, 0, 0, paris), time.Date(2026, 4, 2, 0, 0, 0, 0, paris)},      // outside the range: empty
		{"day:not-a-day", from, to},
	} {
		got := report.NarrowFor(d, tc.bucket)
		if !got.From.Equal(tc.wantFrom) || !got.To.Equal(tc.wantTo) {
			t.Errorf("%s: [%s, %s), want [%s, %s)", tc.bucket, got.From, got.To, tc.wantFrom, tc.wantTo)
		}
	}
}
