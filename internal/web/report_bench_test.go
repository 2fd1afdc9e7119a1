package web

import (
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/report"
)

// BenchmarkReportsPageRender renders the reports page of a year (400 days,
// 20 agents, 15 accounts): what the page adds to the report figures that
// internal/report's BenchmarkSummary1M measures.
//
//	go test -run XXX -bench ReportsPageRender ./internal/web/
func BenchmarkReportsPageRender(b *testing.B) {
	static, err := fs.Sub(files, "static")
	if err != nil {
		b.Fatal(err)
	}
	a, err := loadAssets(static)
	if err != nil {
		b.Fatal(err)
	}
	tmpl, err := fs.Sub(files, "templates")
	if err != nil {
		b.Fatal(err)
	}
	v, err := parseViews(tmpl, a)
	if err != nil {
		b.Fatal(err)
	}
	to := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	d := report.Detail{Query: report.Query{From: to.AddDate(0, 0, -400), To: to, Hours: report.HoursCalendar}, Loc: time.UTC}
	var dash report.Dashboard
	for day := d.From; day.Before(d.To); day = day.AddDate(0, 0, 1) {
		s := 0.25
		dash.Days = append(dash.Days, report.Day{Date: day.Format(time.DateOnly), In: 2300, Out: 4100, Scored: 2000, Sentiment: &s})
		dash.Conversations += 2300
	}
	for i, lo := range report.HistogramEdges {
		dash.Histogram = append(dash.Histogram, report.Bin{Label: strconv.Itoa(i), Min: lo, Count: 1000 * i})
	}
	for wd := range 7 {
		for h := range 24 {
			dash.Heatmap.Cells[wd][h] = wd*24 + h
		}
	}
	dash.Heatmap.Max = 7*24 - 1
	for i := range 20 {
		dash.Agents = append(dash.Agents, report.AgentRow{Name: "Agent " + strconv.Itoa(i), Answered: 7000, Replies: 21000})
	}
	for i := range 15 {
		dash.Scorecard = append(dash.Scorecard, report.AccountCard{Account: "Brand" + strconv.Itoa(i), Conversations: 60000, Needing: 50000, Responded: 45000})
	}
	h := &Handler{views: v}
	b.ResetTimer()
	for range b.N {
		p := reportsPage{base: base{Title: "Reports", Nav: "reports"}}
		p.Tiles = reportTiles(d, summaryFigures{Conversations: dash.Conversations}, dash)
		p.fillCharts(d, dash)
		if err := h.execute(discardWriter{}, 200, "reports", "layout", p); err != nil {
			b.Fatal(err)
		}
	}
}

// discardWriter is an http.ResponseWriter that keeps nothing.
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(p []byte) (int, error) { return io.Discard.Write(p) }
func (discardWriter) WriteHeader(int)             {}
