package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/report"
	"github.com/heed-dev/heed/internal/report/reporttest"
	"github.com/heed-dev/heed/internal/store"
)

func TestDurationBucketIsMonotonicAndNarrow(t *testing.T) {
	check := func(a, b int64) {
		t.Helper()
		ba, bb := report.DurationBucket(a), report.DurationBucket(b)
		if ba > bb {
			t.Fatalf("bucket(%d)=%d > bucket(%d)=%d", a, ba, b, bb)
		}
		// Two durations sharing a bucket differ by less than the bound.
		if ba == bb && float64(b-a) >= report.BucketError*float64(max(a, 1)) && a != b {
			t.Fatalf("%d and %d share bucket %d", a, b, ba)
		}
	}
	for v := int64(0); v < 1<<16; v++ {
		check(v, v+1)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		a := rng.Int64N(1 << 40)
		check(a, a+rng.Int64N(max(a/16, 1)))
		check(a, a+1)
	}
	for s := range 40 {
		p := int64(1) << s
		check(p-1, p)
		check(p, p+1)
	}
}

// sameSummary fails unless the roll-up summary has the exact one's groups,
// counts and ratios, and percentiles within the roll-ups' error bound.
func sameSummary(t *testing.T, what string, exact, fast report.Summary) {
	t.Helper()
	if len(exact.Groups) != len(fast.Groups) {
		t.Fatalf("%s: %d groups exact, %d from roll-ups:\n%+v\n%+v", what, len(exact.Groups), len(fast.Groups), exact, fast)
	}
	near := func(a, b *float64) bool {
		if a == nil || b == nil {
			return a == nil && b == nil
		}
		return math.Abs(*a-*b) <= report.BucketError*math.Abs(*a)+1e-9
	}
	for i, e := range exact.Groups {
		f := fast.Groups[i]
		if e.Key != f.Key || e.Conversations != f.Conversations || e.Responded != f.Responded ||
			!sameFloat(e.ResponseRate, f.ResponseRate) || !sameFloat(e.PublicShare, f.PublicShare) || !sameFloat(e.SLAAttainment, f.SLAAttainment) ||
			!near(e.FirstResponseSeconds.Median, f.FirstResponseSeconds.Median) || !near(e.FirstResponseSeconds.P90, f.FirstResponseSeconds.P90) ||
			!near(e.ResolutionSeconds.Median, f.ResolutionSeconds.Median) || !near(e.ResolutionSeconds.P90, f.ResolutionSeconds.P90) ||
			e.CSAT.Responses != f.CSAT.Responses || e.NPS.Responses != f.NPS.Responses {
			ej, _ := json.Marshal(e)
			fj, _ := json.Marshal(f)
			t.Errorf("%s: group %d differs\nexact   %s\nroll-up %s", what, i, ej, fj)
		}
	}
}

// compareAll compares both paths over every grouping and the ranges, and
// with channel filters where the roll-ups serve them.
func compareAll(t *testing.T, st *store.Store, wsID string, ranges [][2]time.Time) {
	t.Helper()
	ctx := context.Background()
	compare := func(q report.Query, what string) {
		t.Helper()
		exact, err := report.SummarizeExact(ctx, st, q)
		if err != nil {
			t.Fatal(err)
		}
		fast, err := report.SummarizeRollups(ctx, st, q)
		if err != nil {
			t.Fatal(err)
		}
		sameSummary(t, what, exact, fast)
	}
	for _, r := range ranges {
		for _, by := range []string{"", report.ByAccount, report.ByChannelType, report.ByTeam, report.ByAgent} {
			q := report.Query{WorkspaceID: wsID, From: r[0], To: r[1], GroupBy: by, Hours: report.HoursCalendar}
			what := fmt.Sprintf("%s..%s by %q", r[0].Format(time.RFC3339Nano), r[1].Format(time.RFC3339Nano), by)
			compare(q, what)
			if by == report.ByTeam || by == report.ByAgent {
				continue // channel filters need channel groups (or one group)
			}
			for _, f := range [][2]string{{"x", ""}, {"", "AskBrand"}, {"facebook", "Brand1"}, {"", "nobody"}} {
				q.ChannelType, q.Account = f[0], f[1]
				compare(q, fmt.Sprintf("%s filtered %v", what, f))
			}
		}
	}
}

// On the hand-computed fixture (live store calls and an import), the
// roll-ups give the exact figures, before and after the conversations
// change, whatever path writes the change.
func TestRollupsEqualExactOnFixtureAndAfterUpdates(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st, wsID := world(t, d)
		f := reporttest.Build(t, st, wsID)
		day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
		ranges := [][2]time.Time{
			{reporttest.From, reporttest.To}, // partial first day, whole days
			{day(2, 1), day(4, 1)},           // two whole months
			{day(1, 15), day(5, 3)},          // days, whole months, days
			{day(3, 1).Add(10*time.Hour + 30*time.Second + 7*time.Millisecond), day(3, 9).Add(9*time.Hour + 15*time.Minute + 500*time.Millisecond)},
			{day(3, 6), day(3, 7)}, // one day
		}
		compareAll(t, st, wsID, ranges)
		all := report.Query{WorkspaceID: wsID, From: reporttest.From, To: reporttest.To, Hours: report.HoursCalendar}
		before, err := report.SummarizeRollups(ctx, st, all)
		if err != nil {
			t.Fatal(err)
		}

		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		// W1 gets a public reply from Ben, A2 is resolved, A3 leaves its
		// team, F1 turns out spam, A1 breaches after all, F2 is moved to a
		// new team.
		w1 := f.Conv["W1"]
		c, err := st.GetConversation(ctx, wsID, w1)
		must(err)
		at := reporttest.T0.Add(6*time.Hour + 1234*time.Millisecond)
		_, _, err = st.InsertMessage(ctx, model.Message{WorkspaceID: wsID, ConversationID: w1, ChannelID: c.ChannelID, Direction: model.DirectionOut,
			AuthorAgentID: f.Ben.ID, Text: "on it", Public: true, CreatedAt: at, DeliveryStatus: model.DeliverySent})
		must(err)
		must(st.RecordReply(ctx, w1, at, "on it", false))
		must(st.SetConversationStatus(ctx, wsID, f.Conv["A2"], model.StatusResolved, reporttest.T0.Add(26*time.Hour)))
		must(st.AssignConversation(ctx, wsID, f.Conv["A3"], "", ""))
		must(st.SetConversationSpam(ctx, wsID, f.Conv["F1"], true))
		must(st.SetConversationSLA(ctx, f.Conv["A1"], store.SLAState{PolicyID: "policy-x", Breached: true}))
		night, err := st.CreateTeam(ctx, model.Team{WorkspaceID: wsID, Name: "Night"})
		must(err)
		must(st.AssignConversation(ctx, wsID, f.Conv["F2"], "", night.ID))
		// The import adds a thread and a message to I1 (whose timeline is
		// computed again: the customer spoke last, so it is no longer resolved).
		lines := `{"channel_type":"x","account":"AskBrand","thread_id":"thread-N1","public":true,"messages":[` +
			`{"external_id":"n1-in","direction":"inbound","author":{"id":"cust-N1"},"text":"hi","created_at":"2026-03-04T10:00:00.250Z"},` +
			`{"external_id":"n1-out","direction":"outbound","author":{"id":"AskBrand"},"text":"hello","created_at":"2026-03-04T10:07:00Z"}]}` + "\n" +
			`{"channel_type":"x","account":"AskBrand","thread_id":"thread-I1","public":true,"messages":[` +
			`{"external_id":"i1-again","direction":"inbound","author":{"id":"cust-I1"},"text":"still broken","created_at":"2026-03-03T10:00:00Z"}]}` + "\n"
		res, err := report.Import(ctx, st, bytes.NewReader([]byte(lines)), report.ImportOptions{})
		must(err)
		if res.Created != 1 || res.Updated != 1 {
			t.Fatalf("import: %+v", res)
		}

		compareAll(t, st, wsID, ranges)
		after, err := report.SummarizeRollups(ctx, st, all)
		must(err)
		b, a := before.Groups[0], after.Groups[0]
		if a.Conversations != b.Conversations+1 || a.Responded != b.Responded+1 {
			t.Errorf("roll-ups did not follow the changes: before %+v after %+v", b, a)
		}
		// Nothing is left to recompute once a report has read the roll-ups.
		stats, err := st.RefreshReportRollups(ctx, wsID, nil, func([]store.ReportFact) (map[[2]string]store.ReportCounts, map[store.ReportHistKey]store.ReportHistogram) {
			t.Fatal("a clean day was recomputed")
			return nil, nil
		})
		must(err)
		if stats.Days != 0 {
			t.Errorf("refresh after a report recomputed %+v", stats)
		}
	})
}

// Over thousands of conversations with millisecond durations spread over
// three months, the roll-up percentiles stay within the documented bound of
// the exact ones (and the counts are exact).
func TestRollupsWithinBoundOnGeneratedHistory(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st, wsID := world(t, d)
		rng := rand.New(rand.NewPCG(7, 11))
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		const n = 3000
		for i := range n {
			t0 := start.Add(time.Duration(rng.Int64N(int64(90 * 24 * time.Hour))))
			// Log-uniform replies from 1 s to 3 days, at millisecond precision.
			wait := time.Duration(math.Exp(rng.Float64()*math.Log(3*24*3600)) * float64(time.Second)).Truncate(time.Millisecond)
			msgs := []map[string]any{{"external_id": "in" + strconv.Itoa(i), "direction": "inbound", "author": map[string]string{"id": "c" + strconv.Itoa(i%700)},
				"text": "help", "created_at": t0.Format(time.RFC3339Nano)}}
			if i%7 != 0 {
				msgs = append(msgs, map[string]any{"external_id": "out" + strconv.Itoa(i), "direction": "outbound", "author": map[string]string{"id": "brand"},
					"text": "sure", "created_at": t0.Add(wait).Format(time.RFC3339Nano)})
			}
			must(t, enc.Encode(map[string]any{"channel_type": []string{"x", "facebook"}[i%2], "account": "Brand" + strconv.Itoa(i%3),
				"thread_id": "t" + strconv.Itoa(i), "public": i%5 != 0, "messages": msgs}))
		}
		res, err := report.Import(ctx, st, &buf, report.ImportOptions{})
		must(t, err)
		if res.Created != n {
			t.Fatalf("import: %+v", res)
		}
		// Teams for a third, spam for some.
		teams := []string{}
		for _, name := range []string{"Care", "Sales"} {
			tm, err := st.CreateTeam(ctx, model.Team{WorkspaceID: wsID, Name: name})
			must(t, err)
			teams = append(teams, tm.ID)
		}
		var ids []string
		must(t, st.StreamReportRows(ctx, store.ReportFilter{WorkspaceID: wsID, From: start, To: start.AddDate(1, 0, 0)}, func(r *store.ReportRow) error {
			ids = append(ids, r.ID)
			return nil
		}))
		for i, id := range ids {
			switch {
			case i%3 == 0:
				must(t, st.AssignConversation(ctx, wsID, id, "", teams[i%2]))
			case i%31 == 0:
				must(t, st.SetConversationSpam(ctx, wsID, id, true))
			}
		}
		day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
		compareAll(t, st, wsID, [][2]time.Time{
			{day(1, 1), day(4, 1)},
			{day(1, 10).Add(5 * time.Hour), day(3, 20).Add(time.Minute)},
			{day(2, 1), day(3, 1)},
		})
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Reports running while agents change conversations never fail and, once
// the writers stop, agree with the exact path: no change slips between a
// refresh's read and its claim of the dirty marks.
func TestRollupsFollowConcurrentWriters(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st, wsID := world(t, d)
		f := reporttest.Build(t, st, wsID)
		care := f.Care.ID
		ids := []string{f.Conv["A1"], f.Conv["A2"], f.Conv["A3"], f.Conv["F1"], f.Conv["F2"], f.Conv["W1"]}
		q := report.Query{WorkspaceID: wsID, From: reporttest.From, To: reporttest.To, GroupBy: report.ByTeam, Hours: report.HoursCalendar}
		done := make(chan struct{})
		errs := make(chan error, 3)
		go func() {
			defer close(done)
			for i := range 60 {
				id := ids[i%len(ids)]
				team := ""
				if i%2 == 0 {
					team = care
				}
				if err := st.AssignConversation(ctx, wsID, id, "", team); err != nil {
					errs <- err
					return
				}
				status := model.StatusResolved
				if i%3 == 0 {
					status = model.StatusWaiting
				}
				if err := st.SetConversationStatus(ctx, wsID, id, status, reporttest.T0.Add(time.Duration(30+i)*time.Hour)); err != nil {
					errs <- err
					return
				}
			}
		}()
		for running := true; running; {
			select {
			case <-done:
				running = false
			default:
			}
			if _, err := report.SummarizeRollups(ctx, st, q); err != nil {
				t.Fatal(err)
			}
		}
		select {
		case err := <-errs:
			t.Fatal(err)
		default:
		}
		compareAll(t, st, wsID, [][2]time.Time{{reporttest.From, reporttest.To}, {reporttest.From.AddDate(0, -1, 0), reporttest.To.AddDate(0, 1, 0)}})
	})
}

// The periodic refresh recomputes the days that writes dirtied, once: a
// second refresh with nothing new written finds nothing to do.
func TestRefreshRollupsClearsDirtyDays(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st, wsID := world(t, d)
		lines := `{"channel_type":"x","account":"Brand","thread_id":"r1","public":true,"messages":[` +
			`{"external_id":"r1-in","direction":"inbound","author":{"id":"c1"},"text":"help","created_at":"2026-02-01T10:00:00Z"},` +
			`{"external_id":"r1-out","direction":"outbound","author":{"id":"Brand"},"text":"sure","created_at":"2026-02-01T10:05:00Z"}]}` + "\n" +
			`{"channel_type":"x","account":"Brand","thread_id":"r2","public":true,"messages":[` +
			`{"external_id":"r2-in","direction":"inbound","author":{"id":"c2"},"text":"help","created_at":"2026-02-03T10:00:00Z"}]}` + "\n"
		if _, err := report.Import(ctx, st, bytes.NewReader([]byte(lines)), report.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		first, err := report.RefreshRollups(ctx, st, wsID)
		must(t, err)
		if first.Days < 2 || first.Conversations < 2 {
			t.Fatalf("first refresh %+v, want both imported days recomputed", first)
		}
		again, err := report.RefreshRollups(ctx, st, wsID)
		must(t, err)
		if again.Days != 0 {
			t.Fatalf("second refresh recomputed %+v, want nothing", again)
		}
	})
}
