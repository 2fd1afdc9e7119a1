package report

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/heed-dev/heed/internal/store"
)

// DashboardExactLimit is the most conversations the reports page's figures
// are computed from exactly. Lower than the summary's ExactLimit: the exact
// dashboard reads every message too (about 50 µs a conversation on SQLite
// under load), so 5,000 conversations take about a quarter of a second.
const DashboardExactLimit = 5_000

// BuildDashboard computes the reports page's figures of a selection. Up to
// DashboardExactLimit conversations, and with the filters the roll-ups do not keep
// (team, agent, tag, public, business hours), it is Build over Collect: exact.
// Larger ranges read the dashboard roll-ups (report_dash, one part per UTC
// day and channel) of their whole UTC days and collect only the
// conversations of the partial days at both ends: counts stay exact, the
// timings' medians and p90s are within bucketError (see dashPart).
func BuildDashboard(ctx context.Context, st *store.Store, d Detail) (Dashboard, error) {
	if d.Loc == nil {
		d.Loc = time.UTC
	}
	if b, ok, err := dashboardFromRollups(ctx, st, d, DashboardExactLimit); err != nil || ok {
		return b, err
	}
	convs, err := Collect(ctx, st, d)
	if err != nil {
		return Dashboard{}, err
	}
	return Build(convs, d), nil
}

// dashboardEligible says whether the dashboard roll-ups can answer the
// selection: they keep calendar durations per channel, nothing finer.
func dashboardEligible(d Detail) bool {
	return d.Hours != HoursBusiness && d.Public == nil && d.Tag == "" && d.Team == "" && d.Agent == ""
}

func dashboardFromRollups(ctx context.Context, st *store.Store, d Detail, limit int) (Dashboard, bool, error) {
	if !dashboardEligible(d) || d.From.UnixMilli() < 0 {
		return Dashboard{}, false, nil
	}
	loc, err := Location(ctx, st, d.WorkspaceID)
	if err != nil {
		return Dashboard{}, false, err
	}
	if loc.String() != d.Loc.String() {
		return Dashboard{}, false, nil // the roll-ups' days are the workspace's
	}
	// Whole local days of the range read the roll-ups; partial days at its
	// ends (API ranges; the page asks for whole days) the conversations.
	from, to := d.From.UnixMilli(), d.To.UnixMilli()
	fromDay := localDay(d.From.In(loc))
	if fromDay < from {
		fromDay = localDay(time.UnixMilli(fromDay).In(loc).AddDate(0, 0, 1))
	}
	toDay := localDay(d.To.In(loc))
	if fromDay >= toDay {
		return Dashboard{}, false, nil
	}
	if small, err := atMost(ctx, st, d.filter(), limit); err != nil || small {
		return Dashboard{}, false, err
	}
	if _, err := refreshDashboards(ctx, st, d.WorkspaceID, loc); err != nil {
		return Dashboard{}, false, err
	}
	names, wanted, err := channelFilter(ctx, st, d.WorkspaceID, d.ChannelType, d.Account)
	if err != nil {
		return Dashboard{}, false, err
	}
	total := newDashPart()
	total.approx = true
	add := func(span string, period int64, channelID string, b []byte) error {
		if channelID == store.ReportDashBuilt || wanted != nil && !wanted[channelID] {
			return nil
		}
		p, err := decodePart(b)
		if err != nil {
			return fmt.Errorf("report: dashboard roll-up (%s of %s, channel %s): %w", span, time.UnixMilli(period).In(loc).Format(time.DateOnly), channelID, err)
		}
		total.merge(p)
		return nil
	}
	months, dayRuns := dashPeriods(fromDay, toDay, loc)
	if len(months) > 0 {
		built := map[int64]bool{}
		end := nextMonth(months[len(months)-1], loc)
		err := st.ReportDashParts(ctx, d.WorkspaceID, store.ReportDashMonth, loc.String(), months[0], end, func(m int64, channelID string, b []byte) error {
			built[m] = true
			return add(store.ReportDashMonth, m, channelID, b)
		})
		if err != nil {
			return Dashboard{}, false, err
		}
		for _, m := range months {
			if built[m] {
				continue
			}
			parts, err := buildDashboardMonth(ctx, st, d.WorkspaceID, loc, m)
			if err != nil {
				return Dashboard{}, false, err
			}
			for id, b := range parts {
				if err := add(store.ReportDashMonth, m, id, b); err != nil {
					return Dashboard{}, false, err
				}
			}
		}
	}
	for _, run := range dayRuns {
		err := st.ReportDashParts(ctx, d.WorkspaceID, store.ReportDashDay, loc.String(), run[0], run[1], func(day int64, channelID string, b []byte) error {
			return add(store.ReportDashDay, day, channelID, b)
		})
		if err != nil {
			return Dashboard{}, false, err
		}
	}
	for _, edge := range [][2]int64{{from, fromDay}, {toDay, to}} {
		if edge[0] >= edge[1] {
			continue
		}
		e := d
		e.From, e.To = time.UnixMilli(edge[0]), time.UnixMilli(edge[1])
		convs, err := Collect(ctx, st, e)
		if err != nil {
			return Dashboard{}, false, err
		}
		for _, c := range convs {
			total.add(c)
		}
	}
	return total.dashboard(d, func(id string) (string, bool) {
		n, ok := names[id]
		return n, ok
	}), true, nil
}

// RefreshDashboards recomputes the dashboard roll-ups of a workspace's dirty
// days now and returns how many dirty UTC days it took. Reports do it on
// read; the app also runs it periodically (see RefreshRollups).
func RefreshDashboards(ctx context.Context, st *store.Store, workspaceID string) (int, error) {
	loc, err := Location(ctx, st, workspaceID)
	if err != nil {
		return 0, err
	}
	return refreshDashboards(ctx, st, workspaceID, loc)
}

func refreshDashboards(ctx context.Context, st *store.Store, workspaceID string, loc *time.Location) (int, error) {
	hours, err := st.ReportDashDirty(ctx, workspaceID, loc.String())
	if err != nil {
		return 0, err
	}
	// A month of hours per transaction: a backfill of a whole history does
	// not hold SQLite's write lock for minutes.
	const chunk = 31 * 24
	done := 0
	for len(hours) > 0 {
		n := min(chunk, len(hours))
		err := st.WithTx(ctx, func(tx *store.Store) error {
			claimed, err := tx.ClaimReportDashDirty(ctx, workspaceID, hours[:n])
			if err != nil {
				return err
			}
			done += len(claimed)
			return rebuildDashboardHours(ctx, tx, workspaceID, loc, claimed)
		})
		if err != nil {
			return done, err
		}
		hours = hours[n:]
	}
	return done, nil
}

// hourStart is the start (unix ms) of the local hour holding ms: hours are
// hour-long instants aligned on the zone's offset at ms (a half-hour zone's
// start at :30 UTC), so a UTC hour overlaps at most two of them and a
// repeated hour at the end of summer time is two distinct hours.
func hourStart(ms int64, loc *time.Location) int64 {
	_, off := time.UnixMilli(ms).In(loc).Zone()
	local := ms + int64(off)*1000
	return ms - ((local%store.HourMs)+store.HourMs)%store.HourMs
}

// rebuildDashboardHours recomputes the hour parts that the claimed UTC hours
// overlap, from their conversations (runs of consecutive hours collected in
// one pass each), then each touched local day's parts as the merge of its
// hours.
func rebuildDashboardHours(ctx context.Context, tx *store.Store, workspaceID string, loc *time.Location, utcHours []int64) error {
	zone := loc.String()
	set := map[int64]bool{}
	for _, u := range utcHours {
		set[hourStart(u, loc)] = true
		set[hourStart(u+store.HourMs-1, loc)] = true
	}
	hours := make([]int64, 0, len(set))
	for h := range set {
		hours = append(hours, h)
	}
	slices.Sort(hours)
	days := map[int64]bool{}
	for i := 0; i < len(hours); {
		j := i + 1
		for j < len(hours) && hours[j] == hours[j-1]+store.HourMs {
			j++
		}
		d := Detail{Query: Query{WorkspaceID: workspaceID, From: time.UnixMilli(hours[i]), To: time.UnixMilli(hours[j-1] + store.HourMs), Hours: HoursCalendar}, Loc: loc}
		convs, err := Collect(ctx, tx, d)
		if err != nil {
			return err
		}
		parts := map[int64]map[string]*dashPart{}
		for _, c := range convs {
			h := hourStart(c.CreatedAt, loc)
			if parts[h] == nil {
				parts[h] = map[string]*dashPart{}
			}
			p := parts[h][c.ChannelID]
			if p == nil {
				p = newDashPart()
				parts[h][c.ChannelID] = p
			}
			p.add(c)
		}
		for _, h := range hours[i:j] {
			enc, err := encodeParts(parts[h])
			if err != nil {
				return err
			}
			if err := tx.ReplaceReportDash(ctx, workspaceID, store.ReportDashHour, h, zone, enc); err != nil {
				return err
			}
			days[localDay(time.UnixMilli(h).In(loc))] = true
		}
		i = j
	}
	months := map[int64]bool{}
	for day := range days {
		next := localDay(time.UnixMilli(day).In(loc).AddDate(0, 0, 1))
		merged, err := mergeParts(ctx, tx, workspaceID, store.ReportDashHour, loc, day, next)
		if err != nil {
			return err
		}
		enc, err := encodeParts(merged)
		if err != nil {
			return err
		}
		if err := tx.ReplaceReportDash(ctx, workspaceID, store.ReportDashDay, day, zone, enc); err != nil {
			return err
		}
		months[localMonth(day, loc)] = true
	}
	// A month is merged again from its days when a report next needs it.
	for m := range months {
		if err := tx.ReplaceReportDash(ctx, workspaceID, store.ReportDashMonth, m, zone, nil); err != nil {
			return err
		}
	}
	return nil
}

// buildDashboardMonth merges a local month's day parts into its month parts
// (one per channel, plus the marker row) and stores them.
func buildDashboardMonth(ctx context.Context, st *store.Store, workspaceID string, loc *time.Location, month int64) (map[string][]byte, error) {
	var enc map[string][]byte
	err := st.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.LockReportDash(ctx, workspaceID); err != nil {
			return err
		}
		merged, err := mergeParts(ctx, tx, workspaceID, store.ReportDashDay, loc, month, nextMonth(month, loc))
		if err != nil {
			return err
		}
		if enc, err = encodeParts(merged); err != nil {
			return err
		}
		enc[store.ReportDashBuilt] = []byte("{}")
		return tx.ReplaceReportDash(ctx, workspaceID, store.ReportDashMonth, month, loc.String(), enc)
	})
	return enc, err
}

// mergeParts merges the parts of a span over [from, to) per channel.
func mergeParts(ctx context.Context, st *store.Store, workspaceID, span string, loc *time.Location, from, to int64) (map[string]*dashPart, error) {
	merged := map[string]*dashPart{}
	err := st.ReportDashParts(ctx, workspaceID, span, loc.String(), from, to, func(period int64, channelID string, b []byte) error {
		if channelID == store.ReportDashBuilt {
			return nil
		}
		p, err := decodePart(b)
		if err != nil {
			return fmt.Errorf("report: dashboard roll-up (%s of %s, channel %s): %w", span, time.UnixMilli(period).In(loc).Format(time.DateOnly), channelID, err)
		}
		m := merged[channelID]
		if m == nil {
			m = newDashPart()
			merged[channelID] = m
		}
		m.merge(p)
		return nil
	})
	return merged, err
}

func decodePart(b []byte) (*dashPart, error) {
	var p dashPart
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// localMonth is the start (unix ms) of the local month holding the instant
// ms; nextMonth the start of the month after the one starting at month.
func localMonth(ms int64, loc *time.Location) int64 {
	t := time.UnixMilli(ms).In(loc)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc).UnixMilli()
}

func nextMonth(month int64, loc *time.Location) int64 {
	t := time.UnixMilli(month).In(loc)
	return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc).UnixMilli()
}

// dashPeriods splits whole local days [fromDay, toDay) into the local months
// they cover whole (their starts) and runs of days left over.
func dashPeriods(fromDay, toDay int64, loc *time.Location) (months []int64, days [][2]int64) {
	m := localMonth(fromDay, loc)
	if m < fromDay {
		m = nextMonth(m, loc)
	}
	if m >= toDay {
		return nil, [][2]int64{{fromDay, toDay}}
	}
	if fromDay < m {
		days = append(days, [2]int64{fromDay, m})
	}
	for next := nextMonth(m, loc); next <= toDay; next = nextMonth(m, loc) {
		months = append(months, m)
		m = next
	}
	if m < toDay {
		days = append(days, [2]int64{m, toDay})
	}
	return months, days
}

func encodeParts(parts map[string]*dashPart) (map[string][]byte, error) {
	out := make(map[string][]byte, len(parts))
	for id, p := range parts {
		b, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("report: encode dashboard roll-up: %w", err)
		}
		out[id] = b
	}
	return out, nil
}
