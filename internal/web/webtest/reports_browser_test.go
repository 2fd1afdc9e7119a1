package webtest

import (
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/report"
	"github.com/heed-dev/heed/internal/report/reporttest"
)

// The reports page draws its charts and tables for the report fixture's
// week; clicking a bar of the first-response histogram lists the
// conversations behind it, each linking to the conversation; the CSV export
// downloads one row per conversation.
func TestReportsChartsDrillDownAndExport(t *testing.T) {
	b := newBrowser(t)
	n := startNode(t)
	admin := n.admin(t, "ada@acme.test", "long enough pw")
	f := reporttest.Build(t, n.app.Store, admin.WorkspaceID)

	b.login(n.url, "ada@acme.test", "long enough pw")
	b.do("open the reports",
		chromedp.Click(chromedp.CSS("#nav-reports")),
		chromedp.WaitVisible(chromedp.CSS("#report-filters")),
	)
	// Pick the fixture's week in the form (workspace time zone: UTC).
	eval[bool](b, `(() => { document.querySelector("#rf-from").value = "2026-03-02"; document.querySelector("#rf-to").value = "2026-03-06"; return true })()`)
	b.do("apply the range", chromedp.Click(chromedp.CSS("#rf-apply")))
	// The default range's page has the same charts: wait for the new one.
	b.until("the chosen range", `location.search.includes("from_date=2026-03-02") && !!document.querySelector("#chart-volume")`)
	if got := eval[string](b, `document.querySelector('[data-metric="volume_in"] .value').textContent.trim()`); got != "9" {
		t.Fatalf("conversations tile = %q, want 9\n%s", got, b.dump())
	}
	// Every chart is an accessible image with its title, and drawn.
	for _, id := range []string{"chart-volume", "chart-first-response", "chart-heatmap", "chart-sentiment"} {
		ok := eval[bool](b, `(() => { const s = document.getElementById(`+js(id)+`); return !!s && s.getAttribute("role") === "img" &&
			!!s.querySelector("title") && s.getBoundingClientRect().width > 200 && s.querySelectorAll("rect").length > 0 })()`)
		if !ok {
			t.Errorf("chart %s is missing, untitled or not drawn", id)
		}
	}
	// Five day bars, Monday's the tallest (8 conversations against Friday's 1).
	heights := eval[[]float64](b, `[...document.querySelectorAll("#chart-volume rect")].map(r => r.getBoundingClientRect().height)`)
	if len(heights) != 5 || heights[0] <= heights[4] || heights[4] <= 0 || heights[1] != 0 {
		t.Errorf("volume bars = %v", heights)
	}
	if got := eval[string](b, `document.querySelector('#table-volume tr[data-day="2026-03-02"] a.in').textContent`); got != "8" {
		t.Errorf("Monday in the table = %q, want 8", got)
	}
	if got := eval[int](b, `document.querySelectorAll("#table-scorecard tbody tr[data-account]").length`); got != 3 {
		t.Errorf("scorecard rows = %d, want 3", got)
	}
	if got := eval[int](b, `document.querySelectorAll("#table-agents tbody tr[data-agent]").length`); got != 2 {
		t.Errorf("agent rows = %d, want 2", got)
	}
	// The page lays out on a phone without a horizontal scrollbar on the page itself.
	b.do("phone width", chromedp.EmulateViewport(390, 844))
	if eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		t.Errorf("the page scrolls sideways on a phone: %v > %v", eval[float64](b, `document.documentElement.scrollWidth`), 390)
	}
	b.do("desktop width", chromedp.EmulateViewport(1280, 900))

	// The 30 min–1 h bar holds A2 only (first response 30 min).
	b.do("click the histogram bar",
		chromedp.Click(chromedp.CSS(`#chart-first-response a[href*="bucket=frt%3A3"] rect`)),
		chromedp.WaitVisible(chromedp.CSS("#drill-list")),
	)
	ids := eval[[]string](b, `[...document.querySelectorAll("#drill-list tbody tr[data-id]")].map(r => r.dataset.id)`)
	if !slices.Equal(ids, []string{f.Conv["A2"]}) {
		t.Fatalf("listed %v, want A2 %s\n%s", ids, f.Conv["A2"], b.dump())
	}
	b.do("open the conversation",
		chromedp.Click(chromedp.CSS(`#drill-list a[href="/conversations/`+f.Conv["A2"]+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#conv")),
	)
	b.do("back to the list", chromedp.NavigateBack(), chromedp.WaitVisible(chromedp.CSS("#drill-list")))
	b.do("back to the report",
		chromedp.Click(chromedp.CSS("#report-back")),
		chromedp.WaitVisible(chromedp.CSS("#chart-volume")),
	)
	// Monday's volume bar lists the eight conversations started that day.
	b.do("click Monday's bar",
		chromedp.Click(chromedp.CSS(`#chart-volume a[href*="bucket=day%3A2026-03-02"] rect`)),
		chromedp.WaitVisible(chromedp.CSS("#drill-list")),
	)
	if got := eval[int](b, `document.querySelectorAll("#drill-list tbody tr[data-id]").length`); got != 8 {
		t.Errorf("Monday lists %d conversations, want 8", got)
	}
	b.do("back", chromedp.Click(chromedp.CSS("#report-back")), chromedp.WaitVisible(chromedp.CSS("#report-export")))

	// The export downloads through the browser session.
	dir := t.TempDir()
	allow := true
	if _, err := chromedp.Call(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &allow}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	b.do("export", chromedp.Click(chromedp.CSS("#report-export")))
	file := filepath.Join(dir, "heed-conversations-20260302-20260307.csv")
	deadline := time.Now().Add(wait)
	for {
		if _, err := os.Stat(file); err == nil {
			break
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(dir)
			t.Fatalf("no download at %s (dir holds %v)", file, entries)
		}
		time.Sleep(50 * time.Millisecond)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 10 || !slices.Equal(recs[0], report.CSVHeader) {
		t.Fatalf("csv: %d records (want header + 9), header %v", len(recs), recs[0])
	}
	seen := map[string]bool{}
	for _, r := range recs[1:] {
		if seen[r[0]] {
			t.Errorf("conversation %s twice", r[0])
		}
		seen[r[0]] = true
	}
	for _, name := range []string{"A1", "A2", "A3", "A4", "A5", "F1", "F2", "W1"} {
		if !seen[f.Conv[name]] {
			t.Errorf("csv lacks %s", name)
		}
	}
}

// The live board counts a new customer message without a reload.
func TestLiveBoardUpdatesLive(t *testing.T) {
	b := newBrowser(t)
	n := startNode(t)
	admin := n.admin(t, "ada@acme.test", "long enough pw")
	receiver := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(receiver.Close)
	ch := n.apiChannel(t, admin.WorkspaceID, receiver.URL)

	b.login(n.url, "ada@acme.test", "long enough pw")
	b.do("open the live board",
		chromedp.Click(chromedp.CSS("#nav-live")),
		chromedp.WaitVisible(chromedp.CSS("#live-board")),
	)
	b.until("the live stream", `document.body.classList.contains("live")`)
	if got := eval[string](b, `document.querySelector('[data-metric="open"] .value').textContent`); got != "0" {
		t.Fatalf("open = %q before any message", got)
	}
	eval[bool](b, `window.heedTestMarker = true`)
	n.postInbound(t, ch, "m1", "t-1", channel.Author{ID: "c1", Name: "Cleo Customer"}, "My order never arrived")
	b.until("the open count", `document.querySelector('[data-metric="open"] .value').textContent === "1"`)
	b.until("the unassigned count", `document.querySelector('[data-metric="unassigned"] .value').textContent === "1"`)
	if !eval[bool](b, `window.heedTestMarker === true`) {
		t.Fatal("the page reloaded")
	}
	if got := eval[string](b, `document.querySelector('#board-agents tr[data-agent="Ada Admin"] .availability').textContent`); got == "" {
		t.Error("the agent's availability is missing")
	}
}
