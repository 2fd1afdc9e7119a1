package report_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/report"
	"github.com/heed-dev/heed/internal/report/reporttest"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func newStore(t testing.TB, d *db.DB) *store.Store {
	box, err := secret.New([]byte("report-test-key-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	return store.New(d, box)
}

// world is a fresh database with one workspace.
func world(t testing.TB, d *db.DB) (*store.Store, string) {
	st := newStore(t, d)
	ws, err := st.CreateWorkspace(context.Background(), "Acme")
	if err != nil {
		t.Fatal(err)
	}
	return st, ws.ID
}

// n is a nullable expected figure.
func n(v float64) *float64 { return &v }

type want struct {
	key                      string
	conversations, responded int
	rate                     *float64
	frMedian, frP90          *float64
	resMedian, resP90        *float64
	public, sla              *float64
}

func sameFloat(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) <= 1e-9*math.Max(1, math.Abs(*b))
}

func show(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

func checkGroups(t *testing.T, label string, got report.Summary, wants []want) {
	t.Helper()
	if len(got.Groups) != len(wants) {
		keys := []string{}
		for _, g := range got.Groups {
			keys = append(keys, g.Key)
		}
		t.Fatalf("%s: %d groups %v, want %d", label, len(got.Groups), keys, len(wants))
	}
	for i, w := range wants {
		g := got.Groups[i]
		if g.Key != w.key || g.Conversations != w.conversations || g.Responded != w.responded {
			t.Errorf("%s group %d: key %q conversations %d responded %d, want %q %d %d", label, i, g.Key, g.Conversations, g.Responded, w.key, w.conversations, w.responded)
			continue
		}
		for _, c := range []struct {
			name      string
			got, want *float64
		}{
			{"response_rate", g.ResponseRate, w.rate},
			{"first_response.median", g.FirstResponseSeconds.Median, w.frMedian},
			{"first_response.p90", g.FirstResponseSeconds.P90, w.frP90},
			{"resolution.median", g.ResolutionSeconds.Median, w.resMedian},
			{"resolution.p90", g.ResolutionSeconds.P90, w.resP90},
			{"public_share", g.PublicShare, w.public},
			{"sla_attainment", g.SLAAttainment, w.sla},
		} {
			if !sameFloat(c.got, c.want) {
				t.Errorf("%s %s: %s = %s, want %s", label, w.key, c.name, show(c.got), show(c.want))
			}
		}
	}
}

func query(t *testing.T, wsID string, params string) report.Query {
	t.Helper()
	v, err := url.ParseQuery(params)
	if err != nil {
		t.Fatal(err)
	}
	v.Set("from", reporttest.From.Format(time.RFC3339))
	if v.Get("to") == "" {
		v.Set("to", reporttest.To.Format(time.RFC3339))
	}
	q, err := report.ParseQuery(v, wsID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestSummaryByHand checks every figure of the fixture against values worked
// out by hand from reporttest.Build's table. Percentiles interpolate
// linearly: for sorted x0…x(n-1), h = (n-1)p and the value is
// x⌊h⌋ + (h-⌊h⌋)(x⌊h⌋+1 - x⌊h⌋).
func TestSummaryByHand(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st, wsID := world(t, d)
		f := reporttest.Build(t, st, wsID)
		sum := func(params string) report.Summary {
			t.Helper()
			s, err := report.Summarize(ctx, st, query(t, wsID, params))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}

		// AskBrand: A1 A2 A3 A4 A5 I1. Needing a response: A1 A2 A3 I1 (A4
		// is spam, A5 needs none); responded A1 A2 I1 (A3 got only a holding
		// reply). First responses 600 (A1, after its holding reply), 1800
		// (A2), 58800 (I1: Mon 16:50 → Tue 09:10): median 1800, p90 = 1800 +
		// 0.8·57000 = 47400. Resolutions 3600 (A1), 300 (A5), 58800 (I1);
		// A4 is spam: median 3600, p90 = 3600 + 0.8·55200 = 47760. First
		// replies public: A1 I1, not A2: 2/3. SLA: A1 kept, A2 A3 breached.
		askBrand := want{"AskBrand", 6, 3, n(0.75), n(1800), n(47400), n(3600), n(47760), n(2.0 / 3), n(1.0 / 3)}
		// Brand Page: FR F1 3600 s, F2 Fri 16:30 → Mon 09:15 = 233100 s:
		// median 118350, p90 = 3600 + 0.9·229500 = 210150. Resolved F1 7200.
		brandPage := want{"Brand Page", 2, 2, n(1), n(118350), n(210150), n(7200), n(7200), n(0.5), n(1)}
		// Chat: W1 unanswered; O2 starts at To and is out of range.
		chat := want{"Chat", 1, 0, n(0), nil, nil, nil, nil, nil, nil}
		checkGroups(t, "account", sum("group_by=account"), []want{askBrand, brandPage, chat})

		askBrand.key, brandPage.key, chat.key = "x", "facebook", "webchat"
		checkGroups(t, "channel_type", sum("group_by=channel_type"), []want{askBrand, brandPage, chat})

		// Agents by first substantive reply. Ana: A1 A4 F2 (A4 spam: counted
		// as a conversation, not as needing a response nor in resolution).
		// FR 600, 233100: median 116850, p90 = 600 + 0.9·232500 = 209850.
		// Ben: A2 F1, FR 1800, 3600: median 2700, p90 3420. Unanswered: A3 A5
		// W1, A5 resolved in 300. Unattributed: I1, the imported reply.
		checkGroups(t, "agent", sum("group_by=agent"), []want{
			{"Ana", 3, 2, n(1), n(116850), n(209850), n(3600), n(3600), n(0.5), n(1)},
			{"unanswered", 3, 0, n(0), nil, nil, n(300), n(300), nil, n(0)},
			{"Ben", 2, 2, n(1), n(2700), n(3420), n(7200), n(7200), n(0.5), n(0.5)},
			{"unattributed", 1, 1, n(1), n(58800), n(58800), n(58800), n(58800), n(1), nil},
		})

		// Teams. Care: A1 A3 F2. Unassigned: A2 A4 A5 I1 F1 W1; FR 1800,
		// 3600, 58800: median 3600, p90 = 3600 + 0.8·55200 = 47760;
		// resolutions 300, 7200, 58800: median 7200, p90 = 7200 + 0.8·51600 = 48480.
		checkGroups(t, "team", sum("group_by=team"), []want{
			{"unassigned", 6, 3, n(0.75), n(3600), n(47760), n(7200), n(48480), n(2.0 / 3), n(0.5)},
			{"Care", 3, 2, n(2.0 / 3), n(116850), n(209850), n(3600), n(3600), n(0.5), n(0.5)},
		})

		// Everything: FR 600 1800 3600 58800 233100: median 3600, p90 =
		// 58800 + 0.6·174300 = 163380; resolutions 300 3600 7200 58800:
		// median 5400, p90 = 7200 + 0.7·51600 = 43320.
		checkGroups(t, "all", sum(""), []want{{"all", 9, 5, n(5.0 / 7), n(3600), n(163380), n(5400), n(43320), n(3.0 / 5), n(0.5)}})

		// Filters.
		askBrand.key = "all"
		checkGroups(t, "channel_type=x", sum("channel_type=x"), []want{askBrand})
		checkGroups(t, "account=AskBrand", sum("account=AskBrand"), []want{askBrand})
		checkGroups(t, "public=false", sum("public=false"), []want{{"all", 2, 1, n(0.5), n(233100), n(233100), nil, nil, n(0), nil}})
		// One millisecond more brings O2 in.
		checkGroups(t, "to+1ms", sum("account=Chat&to="+url.QueryEscape(reporttest.To.Add(time.Millisecond).Format(time.RFC3339Nano))),
			[]want{{"all", 2, 1, n(0.5), n(600), n(600), nil, nil, n(0), nil}})

		// Business hours, Mon–Fri 09:00–17:00 UTC. AskBrand FR: A1 replied
		// at 08:10, before opening: 0; A2 1800; I1 10 min Monday + 10 min
		// Tuesday = 1200: median 1200, p90 = 1200 + 0.8·600 = 1680.
		// Resolutions: A1 (resolved 09:00) 0, A5 300, I1 1200: median 300,
		// p90 = 300 + 0.8·900 = 1020. Brand Page FR: F1 08:30 → 09:30 = 1800,
		// F2 30 min Friday + 15 min Monday = 2700: median 2250, p90 2610;
		// F1 resolved 08:30 → 10:30 = 5400.
		checkGroups(t, "business", sum("group_by=account&hours=business"), []want{
			{"AskBrand", 6, 3, n(0.75), n(1200), n(1680), n(300), n(1020), n(2.0 / 3), n(1.0 / 3)},
			{"Brand Page", 2, 2, n(1), n(2250), n(2610), n(5400), n(5400), n(0.5), n(1)},
			{"Chat", 1, 0, n(0), nil, nil, nil, nil, nil, nil},
		})

		// Tags (routing rules add them): A1 and A2 carry "refund", A3 only
		// "refund-late", which must not match. FR 600, 1800: median 1200,
		// p90 = 600 + 0.9·1200 = 1680; resolved A1 in 3600; public first
		// reply A1 only; SLA A1 kept, A2 breached.
		for id, tags := range map[string][]string{"A1": {"vip", "refund"}, "A2": {"refund"}, "A3": {"refund-late"}} {
			c, err := st.GetConversation(ctx, wsID, f.Conv[id])
			if err != nil {
				t.Fatal(err)
			}
			if err := st.ApplyRouting(ctx, c, store.Routing{Tags: tags}); err != nil {
				t.Fatal(err)
			}
		}
		checkGroups(t, "tag=refund", sum("tag=refund"), []want{{"all", 2, 2, n(1), n(1200), n(1680), n(3600), n(3600), n(0.5), n(0.5)}})
		checkGroups(t, "tag=Refund", sum("tag=Refund"), nil)
	})
}

func TestBusinessHoursRequired(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	st, wsID := world(t, d)
	_, err := report.Summarize(context.Background(), st, query(t, wsID, "hours=business"))
	var qe *report.QueryError
	if !errors.As(err, &qe) || qe.Field != "hours" {
		t.Fatalf("business hours without a schedule: %v, want a QueryError on hours", err)
	}
}

func TestPercentile(t *testing.T) {
	seq := func(from, to int64) []int64 {
		var out []int64
		for v := from; v <= to; v++ {
			out = append(out, v)
		}
		return out
	}
	tests := []struct {
		values []int64
		pct    int
		want   float64
	}{
		{[]int64{7}, 50, 7},
		{[]int64{7}, 90, 7},
		{[]int64{3, 1, 2}, 50, 2},      // unsorted input
		{[]int64{1, 2, 3, 4}, 50, 2.5}, // even count: mean of the middle two
		{seq(1, 10), 90, 9.1},          // h = 8.1
		{seq(1, 10), 50, 5.5},          // h = 4.5
		{seq(1, 11), 90, 10},           // h = 9 exactly: no interpolation
		{seq(0, 30), 90, 27},           // (n-1)·0.9 = 27 exactly; a float rank could land on 26.999…
		{[]int64{10, 20}, 90, 19},      // 10 + 0.9·10
		{[]int64{100, 100, 100, 500}, 50, 100},
		{[]int64{1, 2, 3, 4}, 0, 1},
		{[]int64{1, 2, 3, 4}, 100, 4},
	}
	for _, tt := range tests {
		got, ok := report.Percentile(append([]int64(nil), tt.values...), tt.pct)
		if !ok || math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Percentile(%v, %d) = %v, %v; want %v", tt.values, tt.pct, got, ok, tt.want)
		}
	}
	if _, ok := report.Percentile(nil, 50); ok {
		t.Error("Percentile of nothing is ok")
	}
}

func TestParseQuery(t *testing.T) {
	now := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	q, err := report.ParseQuery(url.Values{}, "ws", now)
	if err != nil || !q.To.Equal(now) || !q.From.Equal(now.Add(-report.DefaultRange)) || q.Hours != report.HoursCalendar || q.GroupBy != "" {
		t.Fatalf("defaults: %+v %v", q, err)
	}
	q, err = report.ParseQuery(url.Values{"public": {"false"}, "group_by": {"agent"}, "hours": {"business"}}, "ws", now)
	if err != nil || q.Public == nil || *q.Public || q.GroupBy != report.ByAgent || q.Hours != report.HoursBusiness {
		t.Fatalf("explicit: %+v %v", q, err)
	}
	for _, tt := range []struct{ params, field string }{
		{"from=yesterday", "from"},
		{"to=2026-13-01T00:00:00Z", "to"},
		{"from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "from"},
		{"from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z", "from"},
		{"group_by=customer", "group_by"},
		{"hours=office", "hours"},
		{"public=yes", "public"},
	} {
		v, _ := url.ParseQuery(tt.params)
		_, err := report.ParseQuery(v, "ws", now)
		var qe *report.QueryError
		if !errors.As(err, &qe) || qe.Field != tt.field {
			t.Errorf("%s: %v, want a QueryError on %s", tt.params, err, tt.field)
		}
	}
}
