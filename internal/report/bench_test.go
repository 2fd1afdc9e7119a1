package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/report"
)

// synthetic writes n threads of three messages (customer, brand, customer
// or brand) over five accounts, with a customer for every second thread.
func synthetic(n int) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		t0 := start.Add(time.Duration(i) * 37 * time.Second)
		id := strconv.Itoa(i)
		author := map[string]string{"id": "cust" + strconv.Itoa(i/2), "handle": "@c" + strconv.Itoa(i/2), "name": "Customer " + strconv.Itoa(i/2)}
		third := "inbound"
		if i%3 == 0 {
			third = "outbound"
		}
		enc.Encode(map[string]any{"channel_type": "x", "account": "Brand" + strconv.Itoa(i%5), "thread_id": "t" + id, "public": i%4 != 0,
			"messages": []map[string]any{
				{"external_id": id + "a", "direction": "inbound", "author": author, "text": "my order " + id + " has not arrived, can you help?", "created_at": t0.Format(time.RFC3339)},
				{"external_id": id + "b", "direction": "outbound", "author": map[string]string{"id": "brand"}, "text": "Sorry to hear that! Please DM us your order number.", "created_at": t0.Add(time.Duration(60+i%5000) * time.Second).Format(time.RFC3339)},
				{"external_id": id + "c", "direction": third, "author": author, "text": "done, thanks", "created_at": t0.Add(2 * time.Hour).Format(time.RFC3339)},
			}})
	}
	return buf.Bytes()
}

// BenchmarkImport imports HEED_BENCH_IMPORT_N (default 100000) synthetic
// threads into a fresh database of each engine, then times the summary
// grouped by account over all of them:
//
//	go test -run XXX -bench Import -benchtime 1x ./internal/report/
func BenchmarkImport(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("HEED_BENCH_IMPORT_N")); err == nil && v > 0 {
		n = v
	}
	data := synthetic(n)
	for _, engine := range dbtest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			for range b.N {
				d := dbtest.Open(b, engine)
				st, wsID := world(b, d)
				ctx := context.Background()
				start := time.Now()
				res, err := report.Import(ctx, st, bytes.NewReader(data), report.ImportOptions{})
				if err != nil {
					b.Fatal(err)
				}
				took := time.Since(start)
				if res.Created != n {
					b.Fatalf("%+v", res)
				}
				b.ReportMetric(float64(n)/took.Seconds(), "threads/s")
				b.ReportMetric(took.Seconds(), "import-s")
				q := report.Query{WorkspaceID: wsID, From: time.Unix(0, 0), To: time.Now(), GroupBy: report.ByAccount, Hours: report.HoursCalendar}
				start = time.Now()
				if _, err := report.Summarize(ctx, st, q); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(time.Since(start).Milliseconds()), "summary-ms")
				start = time.Now()
				if err := report.WriteCSV(ctx, st, q, io.Discard); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(time.Since(start).Milliseconds()), "csv-ms")
				b.Logf("%s: %d threads in %s (%.0f/s) %s", engine, n, took.Round(time.Millisecond), float64(n)/took.Seconds(), fmt.Sprint(res.Messages, " messages"))
			}
		})
	}
}
