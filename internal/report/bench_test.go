package report_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/report"
	"github.com/heed-dev/heed/internal/store"
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

// syntheticStream writes n threads like synthetic, one line at a time, so
// that a million of them never sit in memory. Threads start 37 s apart (a
// million span 428 days); the first reply comes after 60 s to ~83 min plus
// i%997 ms; a third end with the brand (resolved).
func syntheticStream(n int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 1<<20)
		enc := json.NewEncoder(bw)
		start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range n {
			t0 := start.Add(time.Duration(i) * 37 * time.Second)
			id := strconv.Itoa(i)
			author := map[string]string{"id": "cust" + strconv.Itoa(i/2)}
			third := "inbound"
			if i%3 == 0 {
				third = "outbound"
			}
			msgs := []map[string]any{
				{"external_id": id + "a", "direction": "inbound", "author": author, "text": "my order " + id + " has not arrived", "created_at": t0.Format(time.RFC3339Nano)},
			}
			if i%10 != 0 {
				reply := t0.Add(time.Duration(60+i%5000)*time.Second + time.Duration(i%997)*time.Millisecond)
				msgs = append(msgs,
					map[string]any{"external_id": id + "b", "direction": "outbound", "author": map[string]string{"id": "brand"}, "text": "Sorry! Please DM us.", "created_at": reply.Format(time.RFC3339Nano)},
					map[string]any{"external_id": id + "c", "direction": third, "author": author, "text": "done", "created_at": reply.Add(2 * time.Hour).Format(time.RFC3339Nano)})
			}
			if err := enc.Encode(map[string]any{"channel_type": []string{"x", "facebook", "instagram"}[i%3], "account": "Brand" + strconv.Itoa(i%5),
				"thread_id": "t" + id, "public": i%4 != 0, "messages": msgs}); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(bw.Flush())
	}()
	return pr
}

// BenchmarkSummary1M imports HEED_BENCH_N (default 1,000,000) synthetic
// conversations into a fresh database of each engine, spreads them over
// teams and agents with bulk updates, and reports the p95 of the summary
// over several ranges and groupings, each call preceded by a live change
// (one conversation of the last day reassigned, so every call recomputes
// one day of roll-ups), plus the import, backfill and CSV times:
//
//	go test -run XXX -bench Summary1M -benchtime 1x -timeout 60m ./internal/report/
//
// It runs only when -bench names it: at a million conversations per engine
// it takes tens of minutes, over the default test timeout of `make bench`.
func BenchmarkSummary1M(b *testing.B) {
	if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), "Summary1M") {
		b.Skip("run it by name: go test -run XXX -bench Summary1M -benchtime 1x -timeout 90m ./internal/report/")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("HEED_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	for _, engine := range dbtest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			for range b.N {
				benchSummary(b, engine, n)
			}
		})
	}
}

func benchSummary(b *testing.B, engine db.Engine, n int) {
	ctx := context.Background()
	d := dbtest.Open(b, engine)
	st, wsID := world(b, d)
	start := time.Now()
	res, err := report.Import(ctx, st, syntheticStream(n), report.ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if res.Created != n {
		b.Fatalf("%+v", res)
	}
	took := time.Since(start)
	b.ReportMetric(took.Seconds(), "import-s")
	b.ReportMetric(float64(n)/took.Seconds(), "threads/s")
	logf("%s: imported %d conversations (%d messages) in %s", engine, n, res.Messages, took.Round(time.Millisecond))

	dataStart := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	end := dataStart.Add(time.Duration(n) * 37 * time.Second)
	all := report.Query{WorkspaceID: wsID, From: dataStart, To: end.Add(time.Hour), Hours: report.HoursCalendar}
	start = time.Now()
	if _, err := report.Summarize(ctx, st, all); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "backfill-s")
	logf("%s: first summary after the import (roll-up backfill) %s", engine, time.Since(start).Round(time.Millisecond))

	// Teams and agents, written as bulk SQL (triggers mark every day dirty).
	var teams, agents []string
	for i := range 4 {
		tm, err := st.CreateTeam(ctx, model.Team{WorkspaceID: wsID, Name: "Team " + strconv.Itoa(i)})
		if err != nil {
			b.Fatal(err)
		}
		teams = append(teams, tm.ID)
	}
	for i := range 20 {
		a, err := st.CreateAgent(ctx, model.Agent{WorkspaceID: wsID, Email: fmt.Sprintf("agent%d@bench.example", i), Name: "Agent " + strconv.Itoa(i), Role: model.RoleAgent, PasswordHash: "x"})
		if err != nil {
			b.Fatal(err)
		}
		agents = append(agents, a.ID)
	}
	exec := func(q string, args ...any) {
		if _, err := d.Write.ExecContext(ctx, d.Dialect.Rebind(q), args...); err != nil {
			b.Fatal(err)
		}
	}
	start = time.Now()
	exec(`UPDATE conversations SET team_id = CASE created_at % 5 WHEN 0 THEN ? WHEN 1 THEN ? WHEN 2 THEN ? WHEN 3 THEN ? END WHERE workspace_id = ?`,
		teams[0], teams[1], teams[2], teams[3], wsID)
	// A tenth of the replies get one of the agents, in one statement.
	caseSQL, args := "CASE created_at % 200", []any{}
	for i, a := range agents {
		caseSQL += " WHEN " + strconv.Itoa(i) + " THEN ?"
		args = append(args, a)
	}
	exec(`UPDATE messages SET author_agent_id = `+caseSQL+` END WHERE direction = 'out' AND created_at % 200 < ?`, append(args, len(agents))...)
	if engine == db.Postgres {
		exec(`ANALYZE conversations`)
	}
	bulk := time.Since(start)
	start = time.Now()
	if _, err := report.Summarize(ctx, st, all); err != nil {
		b.Fatal(err)
	}
	logf("%s: bulk team/agent update %s, then roll-ups recomputed in %s", engine, bulk.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

	var recent []string
	if err := st.StreamReportRows(ctx, store.ReportFilter{WorkspaceID: wsID, From: end.Add(-12 * time.Hour), To: end}, func(r *store.ReportRow) error {
		recent = append(recent, r.ID)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	ranges := []struct {
		name string
		days int
	}{{"7d", 7}, {"30d", 30}, {"90d", 90}, {"365d", 365}, {"all", 0}}
	var samples []time.Duration
	perRange := map[string][]time.Duration{}
	for round := range 3 {
		for _, r := range ranges {
			for gi, by := range []string{"", report.ByAccount, report.ByChannelType, report.ByTeam, report.ByAgent} {
				q := all
				q.To = end.Add(-time.Duration(round) * time.Hour)
				if r.days > 0 {
					q.From = q.To.Add(-time.Duration(r.days) * 24 * time.Hour)
				}
				q.GroupBy = by
				if err := st.AssignConversation(ctx, wsID, recent[(round*31+gi)%len(recent)], "", teams[gi%len(teams)]); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				s, err := report.Summarize(ctx, st, q)
				took := time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if len(s.Groups) == 0 {
					b.Fatalf("%s by %q: no groups", r.name, by)
				}
				if took > 500*time.Millisecond {
					logf("%s: slow call: %s by %q round %d took %s", engine, r.name, by, round, took.Round(time.Millisecond))
				}
				samples = append(samples, took)
				perRange[r.name] = append(perRange[r.name], took)
			}
		}
	}
	p95 := func(ds []time.Duration) time.Duration {
		ds = slices.Clone(ds)
		slices.Sort(ds)
		return ds[(len(ds)*95+99)/100-1]
	}
	b.ReportMetric(float64(p95(samples).Milliseconds()), "summary-p95-ms")
	for _, r := range ranges {
		ds := perRange[r.name]
		logf("%s: summary %s: p95 %s max %s (%d calls)", engine, r.name, p95(ds).Round(time.Millisecond), slices.Max(ds).Round(time.Millisecond), len(ds))
	}
	logf("%s: summary p95 over all %d calls: %s", engine, len(samples), p95(samples).Round(time.Millisecond))

	// The reports page: its summary (one group, or the account's) and its
	// dashboard, per range and selection, each call preceded by a live
	// change the dashboard sees (a reply in a conversation of the last day).
	// The first call builds the dashboard roll-ups of every day.
	page := func(d report.Detail) (time.Duration, report.Dashboard) {
		start := time.Now()
		if _, err := report.Summarize(ctx, st, d.Query); err != nil {
			b.Fatal(err)
		}
		dash, err := report.BuildDashboard(ctx, st, d)
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start), dash
	}
	// The page reads days in the workspace's time zone (its business hours').
	if err := st.SetBusinessHours(ctx, wsID, `{"time_zone":"Europe/Paris","week":{"monday":[{"start":"09:00","end":"18:00"}],`+
		`"tuesday":[{"start":"09:00","end":"18:00"}],"wednesday":[{"start":"09:00","end":"18:00"}],"thursday":[{"start":"09:00","end":"18:00"}],`+
		`"friday":[{"start":"09:00","end":"17:00"}]}}`); err != nil {
		b.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		b.Fatal(err)
	}
	// Whole local days, as the page's date fields give them.
	midnight := func(t time.Time) time.Time {
		t = t.In(paris)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, paris)
	}
	lastDay := midnight(end).AddDate(0, 0, 1)
	took, _ = page(report.Detail{Query: report.Query{WorkspaceID: wsID, From: midnight(dataStart), To: lastDay, Hours: report.HoursCalendar}, Loc: paris})
	logf("%s: first reports page (dashboard roll-up backfill) %s", engine, took.Round(time.Millisecond))
	var parts, partBytes int64
	if err := d.Read.QueryRowContext(ctx, `SELECT COUNT(*), SUM(LENGTH(part)) FROM report_dash WHERE span = 'day'`).Scan(&parts, &partBytes); err != nil {
		b.Fatal(err)
	}
	took, _ = page(report.Detail{Query: report.Query{WorkspaceID: wsID, From: midnight(dataStart), To: lastDay, Hours: report.HoursCalendar}, Loc: paris})
	logf("%s: %d day parts, %d bytes; the whole range again with nothing to refresh: %s", engine, parts, partBytes, took.Round(time.Millisecond))
	var pageSamples []time.Duration
	pagePerRange := map[string][]time.Duration{}
	for round := range 3 {
		for _, r := range ranges {
			for si, account := range []string{"", "Brand1"} {
				d := report.Detail{Query: report.Query{WorkspaceID: wsID, From: midnight(dataStart), To: lastDay.AddDate(0, 0, -round),
					Hours: report.HoursCalendar, Account: account}, Loc: paris}
				if r.days > 0 {
					d.From = d.To.AddDate(0, 0, -r.days)
				}
				c, err := st.GetConversation(ctx, wsID, recent[(round*17+si)%len(recent)])
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := st.InsertMessage(ctx, model.Message{WorkspaceID: wsID, ConversationID: c.ID, ChannelID: c.ChannelID,
					Direction: model.DirectionOut, AuthorAgentID: agents[round], Text: "following up", Public: true,
					CreatedAt: end.Add(-time.Minute), DeliveryStatus: model.DeliverySent}); err != nil {
					b.Fatal(err)
				}
				took, dash := page(d)
				if dash.Conversations == 0 {
					b.Fatalf("page %s %q: no conversations", r.name, account)
				}
				if took > 500*time.Millisecond {
					logf("%s: slow page: %s account %q round %d took %s", engine, r.name, account, round, took.Round(time.Millisecond))
				}
				pageSamples = append(pageSamples, took)
				pagePerRange[r.name] = append(pagePerRange[r.name], took)
			}
		}
	}
	b.ReportMetric(float64(p95(pageSamples).Milliseconds()), "page-p95-ms")
	for _, r := range ranges {
		ds := pagePerRange[r.name]
		logf("%s: reports page %s: p95 %s max %s (%d calls)", engine, r.name, p95(ds).Round(time.Millisecond), slices.Max(ds).Round(time.Millisecond), len(ds))
	}
	logf("%s: reports page p95 over all %d calls: %s", engine, len(pageSamples), p95(pageSamples).Round(time.Millisecond))
	// Where a page's time goes, over the whole range: the summary, the
	// dashboard's refresh of one live change, the dashboard read.
	whole := report.Detail{Query: report.Query{WorkspaceID: wsID, From: midnight(dataStart), To: lastDay, Hours: report.HoursCalendar}, Loc: paris}
	for round := range 3 {
		start := time.Now()
		if _, err := report.Summarize(ctx, st, whole.Query); err != nil {
			b.Fatal(err)
		}
		sumTook := time.Since(start)
		c, err := st.GetConversation(ctx, wsID, recent[round])
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := st.InsertMessage(ctx, model.Message{WorkspaceID: wsID, ConversationID: c.ID, ChannelID: c.ChannelID,
			Direction: model.DirectionOut, Text: "one more", Public: true, CreatedAt: end.Add(-time.Minute), DeliveryStatus: model.DeliverySent}); err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		if _, err := report.RefreshDashboards(ctx, st, wsID); err != nil {
			b.Fatal(err)
		}
		refreshTook := time.Since(start)
		start = time.Now()
		if _, err := report.BuildDashboard(ctx, st, whole); err != nil {
			b.Fatal(err)
		}
		logf("%s: page parts over all: summary %s, dashboard refresh of one change %s, dashboard read %s", engine,
			sumTook.Round(time.Millisecond), refreshTook.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	}
	start = time.Now()
	if _, err := report.Collect(ctx, st, report.Detail{Query: report.Query{WorkspaceID: wsID, From: end.Add(-30 * 24 * time.Hour), To: end, Hours: report.HoursCalendar}, Loc: time.UTC}); err != nil {
		b.Fatal(err)
	}
	logf("%s: exact dashboard collection over 30 days (the old way): %s", engine, time.Since(start).Round(time.Millisecond))

	// The exact path over a month (the largest ranges it serves are
	// ExactLimit conversations) and over everything, for comparison.
	month := all
	month.From, month.GroupBy = end.Add(-30*24*time.Hour), report.ByAccount
	start = time.Now()
	if _, err := report.SummarizeExact(ctx, st, month); err != nil {
		b.Fatal(err)
	}
	logf("%s: exact summary over 30 days: %s", engine, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if _, err := report.SummarizeExact(ctx, st, all); err != nil {
		b.Fatal(err)
	}
	logf("%s: exact summary over all %d: %s", engine, n, time.Since(start).Round(time.Millisecond))

	// Business hours stay on the exact path.
	if err := st.SetBusinessHours(ctx, wsID, `{"time_zone":"Europe/Paris","week":{"monday":[{"start":"09:00","end":"18:00"}],`+
		`"tuesday":[{"start":"09:00","end":"18:00"}],"wednesday":[{"start":"09:00","end":"18:00"}],"thursday":[{"start":"09:00","end":"18:00"}],`+
		`"friday":[{"start":"09:00","end":"17:00"}]}}`); err != nil {
		b.Fatal(err)
	}
	for _, q := range []report.Query{month, all} {
		q.Hours = report.HoursBusiness
		start = time.Now()
		if _, err := report.Summarize(ctx, st, q); err != nil {
			b.Fatal(err)
		}
		logf("%s: business-hours summary %s..%s: %s", engine, q.From.Format(time.DateOnly), q.To.Format(time.DateOnly), time.Since(start).Round(time.Millisecond))
	}

	// CSV: time to the first row and to the end, over 30 days and over all.
	for _, q := range []report.Query{month, all} {
		w := &firstWrite{start: time.Now()}
		if err := report.WriteCSV(ctx, st, q, w); err != nil {
			b.Fatal(err)
		}
		logf("%s: CSV %s..%s: %d bytes, first bytes after %s, all after %s", engine, q.From.Format(time.DateOnly), q.To.Format(time.DateOnly),
			w.n, w.first.Round(time.Millisecond), time.Since(w.start).Round(time.Millisecond))
	}
}

// logf prints a figure at once: a benchmark's own log keeps only its first
// ten lines.
func logf(format string, args ...any) {
	fmt.Printf(format+"\n", args...)
}

// firstWrite discards what it is given and notes when the first bytes came.
type firstWrite struct {
	start time.Time
	first time.Duration
	n     int
}

func (w *firstWrite) Write(p []byte) (int, error) {
	if w.n == 0 {
		w.first = time.Since(w.start)
	}
	w.n += len(p)
	return len(p), nil
}
