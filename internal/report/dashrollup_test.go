package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
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

// sameDashboard fails unless the roll-up dashboard equals the exact one in
// every count, ratio, day, bin, heatmap cell, agent and scorecard row, with
// medians and p90s within the roll-ups' error bound and sentiment sums equal
// up to float rounding.
func sameDashboard(t *testing.T, what string, exact, fast report.Dashboard) {
	t.Helper()
	nearStats := func(name string, e, f *report.Stats) {
		t.Helper()
		for _, p := range [][2]*float64{{e.Median, f.Median}, {e.P90, f.P90}} {
			if p[0] == nil || p[1] == nil {
				if p[0] != p[1] {
					t.Errorf("%s: %s: exact %v, roll-up %v", what, name, p[0], p[1])
				}
				continue
			}
			if math.Abs(*p[0]-*p[1]) > report.BucketError*math.Abs(*p[0])+1e-9 {
				t.Errorf("%s: %s: exact %v, roll-up %v: beyond the bound", what, name, *p[0], *p[1])
			}
		}
		*f = *e
	}
	nearFloat := func(name string, e, f *float64) *float64 {
		t.Helper()
		if e == nil || f == nil {
			if e != f {
				t.Errorf("%s: %s: exact %v, roll-up %v", what, name, e, f)
			}
			return e
		}
		if math.Abs(*e-*f) > 1e-9 {
			t.Errorf("%s: %s: exact %v, roll-up %v", what, name, *e, *f)
		}
		return e
	}
	nearStats("acknowledge", &exact.Acknowledge, &fast.Acknowledge)
	nearStats("next response", &exact.NextResponse, &fast.NextResponse)
	fast.SentimentDelta = nearFloat("sentiment delta", exact.SentimentDelta, fast.SentimentDelta)
	if len(exact.Days) == len(fast.Days) {
		for i := range exact.Days {
			fast.Days[i].Sentiment = nearFloat("sentiment of "+exact.Days[i].Date, exact.Days[i].Sentiment, fast.Days[i].Sentiment)
		}
	}
	if len(exact.Agents) == len(fast.Agents) {
		for i := range exact.Agents {
			nearStats("first response of "+exact.Agents[i].Name, &exact.Agents[i].FirstResponse, &fast.Agents[i].FirstResponse)
		}
	}
	// Day sums of float sentiments may differ in the last bit; they are
	// compared above, so compare the rest without them.
	ej, _ := json.Marshal(exact)
	fj, _ := json.Marshal(fast)
	if !bytes.Equal(ej, fj) || !reflect.DeepEqual(exact.Heatmap, fast.Heatmap) {
		t.Errorf("%s: dashboards differ\nexact   %s\nroll-up %s", what, ej, fj)
	}
}

// compareDashboards compares both paths over selections, ranges and the
// workspace's time zones (one with a half-hour offset; the roll-ups are
// rebuilt for each).
func compareDashboards(t *testing.T, st *store.Store, wsID string, ranges [][2]time.Time, zones ...string) {
	t.Helper()
	ctx := context.Background()
	if len(zones) == 0 {
		zones = []string{"Europe/Paris", "Asia/Kolkata", "UTC"}
	}
	for _, zone := range zones {
		loc, err := time.LoadLocation(zone)
		must(t, err)
		must(t, st.SetBusinessHours(ctx, wsID, `{"time_zone":"`+zone+`","week":{"monday":[{"start":"09:00","end":"18:00"}]}}`))
		for _, r := range ranges {
			for _, sel := range []struct{ channelType, account string }{{"", ""}, {"x", ""}, {"", "AskBrand"}, {"", "Brand1"}} {
				d := report.Detail{Query: report.Query{WorkspaceID: wsID, From: r[0], To: r[1], Hours: report.HoursCalendar,
					ChannelType: sel.channelType, Account: sel.account}, Loc: loc}
				convs, err := report.Collect(ctx, st, d)
				must(t, err)
				exact := report.Build(convs, d)
				fast, err := report.DashboardRollups(ctx, st, d)
				must(t, err)
				sameDashboard(t, fmt.Sprintf("%s..%s %+v in %s", r[0].Format(time.RFC3339Nano), r[1].Format(time.RFC3339Nano), sel, loc), exact, fast)
			}
		}
	}
}

// On the hand-computed fixture, the dashboard from roll-ups is the exact
// one, before and after new messages and conversation changes (the message
// triggers mark the days).
func TestDashboardRollupsEqualExact(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st, wsID := world(t, d)
		f := reporttest.Build(t, st, wsID)
		day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
		ranges := [][2]time.Time{
			{reporttest.From, reporttest.To},
			{day(2, 20), day(4, 1)},
			{day(3, 2).Add(9*time.Hour + 30*time.Second), day(3, 6).Add(17*time.Hour + 15*time.Minute)},
		}
		compareDashboards(t, st, wsID, ranges)
		all := report.Detail{Query: report.Query{WorkspaceID: wsID, From: day(3, 1), To: day(3, 8), Hours: report.HoursCalendar}, Loc: time.UTC}
		before, err := report.DashboardRollups(ctx, st, all)
		must(t, err)

		passed, failed := true, false
		// A1's customer comes back after the first response and gets a
		// second answer (a next response of 90 s); W1 is answered; F1 turns
		// out spam.
		a1, err := st.GetConversation(ctx, wsID, f.Conv["A1"])
		must(t, err)
		back := reporttest.T0.Add(3 * time.Hour)
		_, _, err = st.InsertMessage(ctx, model.Message{WorkspaceID: wsID, ConversationID: a1.ID, ChannelID: a1.ChannelID, Direction: model.DirectionIn,
			Text: "still not working", Public: true, CreatedAt: back})
		must(t, err)
		_, _, err = st.InsertMessage(ctx, model.Message{WorkspaceID: wsID, ConversationID: a1.ID, ChannelID: a1.ChannelID, Direction: model.DirectionOut,
			AuthorAgentID: f.Ben.ID, Text: "fixed now", Public: true, CreatedAt: back.Add(90 * time.Second), DeliveryStatus: model.DeliverySent,
			ChecksPassed: &passed})
		must(t, err)
		w1, err := st.GetConversation(ctx, wsID, f.Conv["W1"])
		must(t, err)
		at := reporttest.T0.Add(6*time.Hour + 1234*time.Millisecond)
		_, _, err = st.InsertMessage(ctx, model.Message{WorkspaceID: wsID, ConversationID: w1.ID, ChannelID: w1.ChannelID, Direction: model.DirectionOut,
			AuthorAgentID: f.Ben.ID, Text: "on it", Public: true, CreatedAt: at, DeliveryStatus: model.DeliverySent, ChecksPassed: &failed})
		must(t, err)
		must(t, st.RecordReply(ctx, w1.ID, at, "on it", false))
		must(t, st.SetConversationSpam(ctx, wsID, f.Conv["F1"], true))
		must(t, st.SetRedirectReason(ctx, wsID, f.Conv["A2"], "order")) // A2 was answered by DM

		// First in the zone the roll-ups were last built in (UTC), so that
		// the stored day and month parts must follow the changes; then in
		// the others (each a rebuild).
		compareDashboards(t, st, wsID, ranges, "UTC")
		compareDashboards(t, st, wsID, ranges)
		after, err := report.DashboardRollups(ctx, st, all)
		must(t, err)
		if after.RepliesOut != before.RepliesOut+2 || after.NextResponses != before.NextResponses+1 || after.Responded != before.Responded {
			t.Errorf("roll-ups did not follow the changes: replies %d → %d, next responses %d → %d, responded %d → %d",
				before.RepliesOut, after.RepliesOut, before.NextResponses, after.NextResponses, before.Responded, after.Responded)
		}
		if want := []report.ReasonCount{{Reason: "order", Count: 1}}; !slices.Equal(after.RedirectReasons, want) {
			t.Errorf("redirect reasons = %+v, want %+v", after.RedirectReasons, want)
		}
		match, _, err := report.Match("redirected:order")
		must(t, err)
		convs, err := report.Collect(ctx, st, all)
		must(t, err)
		if got := report.Filter(convs, match); len(got) != 1 || got[0].ID != f.Conv["A2"] {
			t.Errorf("drill-down redirected:order = %d conversations", len(got))
		}
		// The two replies' check outcomes reach the scorecard (the fixture's
		// replies were never checked).
		checked, ok := 0, 0
		for _, c := range after.Scorecard {
			checked += c.Checked
			ok += c.Passed
		}
		if checked != 2 || ok != 1 {
			t.Errorf("scorecard: %d of %d replies passed the checks, want 1 of 2", ok, checked)
		}
		// Nothing is left to recompute once a report has read the roll-ups.
		n, err := report.RefreshDashboards(ctx, st, wsID)
		must(t, err)
		if n != 0 {
			t.Errorf("refresh after a report recomputed %d days", n)
		}
	})
}

// Over thousands of generated conversations (follow-ups, millisecond waits,
// three accounts on two channel types), the roll-up dashboard keeps every
// count exact and its percentiles within the bound.
func TestDashboardRollupsWithinBoundOnGeneratedHistory(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st, wsID := world(t, d)
		rng := rand.New(rand.NewPCG(3, 5))
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		const n = 2000
		wait := func() time.Duration {
			return time.Duration(math.Exp(rng.Float64()*math.Log(2*24*3600)) * float64(time.Second)).Truncate(time.Millisecond)
		}
		for i := range n {
			at := start.Add(time.Duration(rng.Int64N(int64(60 * 24 * time.Hour))))
			var msgs []map[string]any
			add := func(dir, author string) {
				msgs = append(msgs, map[string]any{"external_id": dir + strconv.Itoa(i) + "-" + strconv.Itoa(len(msgs)), "direction": dir,
					"author": map[string]string{"id": author}, "text": "hello", "created_at": at.Format(time.RFC3339Nano)})
				at = at.Add(wait())
			}
			add("inbound", "c"+strconv.Itoa(i%500))
			for turn := range i % 4 {
				add("outbound", "brand")
				if turn < i%4-1 {
					add("inbound", "c"+strconv.Itoa(i%500))
				}
			}
			must(t, enc.Encode(map[string]any{"channel_type": []string{"x", "facebook"}[i%2], "account": "Brand" + strconv.Itoa(i%3),
				"thread_id": "g" + strconv.Itoa(i), "public": i%5 != 0, "messages": msgs}))
		}
		res, err := report.Import(ctx, st, &buf, report.ImportOptions{})
		must(t, err)
		if res.Created != n {
			t.Fatalf("import: %+v", res)
		}
		day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
		compareDashboards(t, st, wsID, [][2]time.Time{
			{day(1, 1), day(3, 5)},
			{day(1, 10).Add(5 * time.Hour), day(2, 20).Add(time.Minute)},
		})
	})
}
