package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/db"
)

// Report roll-ups (migration 0016): per start day (UTC) of the conversations,
// counts and duration histograms per dimension, recomputed from the
// conversations for every day the triggers marked dirty. The report package
// decides what to count; the store keeps the tables.

// Dimensions of the roll-ups. Keys are ids: the channel id, the team id (""
// without a team) or the first replier's agent id ("" when the first
// substantive reply has no agent, ReportKeyUnanswered without one).
const (
	ReportDimChannel = "channel"
	ReportDimTeam    = "team"
	ReportDimAgent   = "agent"

	ReportKeyUnanswered = "-"
)

// Metrics of the duration histograms.
const (
	ReportMetricFirstResponse = "first_response"
	ReportMetricResolution    = "resolution"
)

// DayMs is one UTC day in unix milliseconds; a roll-up day starts at a
// multiple of it.
const DayMs = 86_400_000

// ReportDay is the start (unix ms) of the UTC day of t, as the triggers
// compute it (times before 1970 are not supported).
func ReportDay(ms int64) int64 { return ms - ms%DayMs }

// ReportMonth is the start (unix ms) of the UTC calendar month of ms.
func ReportMonth(ms int64) int64 {
	t := time.UnixMilli(ms).UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).UnixMilli()
}

// ReportCounts are the counters of a roll-up row (definitions in
// report.Group).
type ReportCounts struct {
	Conversations, Needing, Responded, PublicFirst, WithPolicy, MetSLA int64
}

// Add adds o to c.
func (c *ReportCounts) Add(o ReportCounts) {
	c.Conversations += o.Conversations
	c.Needing += o.Needing
	c.Responded += o.Responded
	c.PublicFirst += o.PublicFirst
	c.WithPolicy += o.WithPolicy
	c.MetSLA += o.MetSLA
}

// ReportFact is one conversation as the roll-ups see it. Times are unix ms.
type ReportFact struct {
	CreatedAt       int64
	ChannelID       string
	TeamID          string
	FirstReplierID  sql.NullString
	FirstResponseAt sql.NullInt64
	ResolvedAt      sql.NullInt64
	NeedsResponse   bool
	Spam            bool
	HasSLAPolicy    bool
	SLABreached     bool
	FirstPublic     bool
}

// ReportBucket is one bucket of a duration histogram: N durations summing
// to SumMs.
type ReportBucket struct{ N, SumMs int64 }

// ReportHistogram is a duration histogram by bucket number (the report
// package decides the buckets; they must grow with the duration).
type ReportHistogram map[int]ReportBucket

// Add counts n durations summing to sum into a bucket.
func (h ReportHistogram) Add(bucket int, n, sum int64) {
	b := h[bucket]
	h[bucket] = ReportBucket{b.N + n, b.SumMs + sum}
}

// Merge adds o into h.
func (h ReportHistogram) Merge(o ReportHistogram) {
	for k, b := range o {
		h.Add(k, b.N, b.SumMs)
	}
}

// MarshalJSON writes the histogram in its compact binary encoding (a JSON
// base64 string): dashboard roll-ups (report_dash) embed histograms in JSON.
func (h ReportHistogram) MarshalJSON() ([]byte, error) {
	return json.Marshal(encodeReportHistogram(h))
}

// UnmarshalJSON adds an encoded histogram (see MarshalJSON) into h.
func (h *ReportHistogram) UnmarshalJSON(b []byte) error {
	var raw []byte
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("report histogram: %w", err)
	}
	if *h == nil {
		*h = ReportHistogram{}
	}
	return decodeReportHistogram(raw, *h)
}

// encodeReportHistogram packs a histogram as uvarints: for each bucket in
// order, the bucket's distance from the previous one, its count and its sum.
func encodeReportHistogram(h ReportHistogram) []byte {
	keys := make([]int, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]byte, 0, 8*len(keys))
	prev := 0
	for _, k := range keys {
		out = binary.AppendUvarint(out, uint64(k-prev))
		out = binary.AppendUvarint(out, uint64(h[k].N))
		out = binary.AppendUvarint(out, uint64(h[k].SumMs))
		prev = k
	}
	return out
}

// decodeReportHistogram adds an encoded histogram into h.
func decodeReportHistogram(b []byte, h ReportHistogram) error {
	bucket := 0
	for len(b) > 0 {
		var v [3]uint64
		for i := range v {
			x, n := binary.Uvarint(b)
			if n <= 0 {
				return errors.New("report histogram: corrupt encoding")
			}
			v[i], b = x, b[n:]
		}
		bucket += int(v[0])
		h.Add(bucket, int64(v[1]), int64(v[2]))
	}
	return nil
}

// ReportHistKey names one histogram of a roll-up: dimension, key, metric.
type ReportHistKey struct{ Dim, Key, Metric string }

// ReportRollupFunc turns the facts of one day into its roll-up rows.
type ReportRollupFunc func(facts []ReportFact) (counts map[[2]string]ReportCounts, hists map[ReportHistKey]ReportHistogram)

// ReportRollupStats says what a refresh recomputed.
type ReportRollupStats struct {
	Days, Months, Conversations int
}

// RefreshReportRollups recomputes, in one write transaction, every dirty day
// of a workspace with rollup, and then those of months (month starts) that
// are dirty. It returns quickly when nothing is dirty.
//
// On PostgreSQL every writing transaction inserts marks of its own (shard =
// its transaction id, migration 0016): the DELETE takes the marks committed
// before it, and the facts are read by later statements, so those writers'
// changes are in the recomputed days; a writer that commits after the DELETE
// keeps its mark and the day stays dirty for the next refresh.
func (s *Store) RefreshReportRollups(ctx context.Context, workspaceID string, months []int64, rollup ReportRollupFunc) (ReportRollupStats, error) {
	var stats ReportRollupStats
	var dirty int
	args := []any{workspaceID}
	monthCond := ""
	if len(months) > 0 {
		monthCond = " OR (span = 'month' AND period IN (" + placeholders(len(months)) + "))"
		for _, m := range months {
			args = append(args, m)
		}
	}
	cond := `workspace_id = ? AND (span = 'day'` + monthCond + `)`
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM report_dirty WHERE `+cond+` LIMIT 1) d`, args...).Scan(&dirty); err != nil {
		return stats, s.mapErr("report rollups", err)
	}
	if dirty == 0 {
		return stats, nil
	}
	err := s.WithTx(ctx, func(tx *Store) error {
		var err error
		stats, err = tx.refreshReportRollups(ctx, workspaceID, months, rollup)
		return err
	})
	return stats, err
}

func (s *Store) refreshReportRollups(ctx context.Context, workspaceID string, months []int64, rollup ReportRollupFunc) (ReportRollupStats, error) {
	var stats ReportRollupStats
	if s.db.Engine == db.Postgres {
		// Two refreshes could otherwise claim different marks of one day and
		// both rewrite it; the loser would fail on the primary key.
		if _, err := s.exec(ctx, `SELECT pg_advisory_xact_lock(7411016, hashtext(?))`, workspaceID); err != nil {
			return stats, s.mapErr("report rollups lock", err)
		}
	}
	days, err := s.claimReportDirty(ctx, workspaceID, "day", nil)
	if err != nil {
		return stats, err
	}
	stats.Days = len(days)
	touched := map[int64]bool{}
	for _, run := range dayRuns(days) {
		n, err := s.recomputeReportDays(ctx, workspaceID, run[0], run[1], rollup)
		if err != nil {
			return stats, err
		}
		stats.Conversations += n
		for d := run[0]; d < run[1]; d += DayMs {
			touched[ReportMonth(d)] = true
		}
	}
	for m := range touched {
		if _, err := s.exec(ctx, `INSERT INTO report_dirty (workspace_id, span, period) VALUES (?, 'month', ?) ON CONFLICT DO NOTHING`, workspaceID, m); err != nil {
			return stats, s.mapErr("report rollups mark month", err)
		}
	}
	if len(months) == 0 {
		return stats, nil
	}
	ms, err := s.claimReportDirty(ctx, workspaceID, "month", months)
	if err != nil {
		return stats, err
	}
	stats.Months = len(ms)
	for _, m := range ms {
		t := time.UnixMilli(m).UTC()
		end := t.AddDate(0, 1, 0).UnixMilli()
		if _, err := s.exec(ctx, `DELETE FROM report_durations WHERE workspace_id = ? AND span = 'month' AND period = ?`, workspaceID, m); err != nil {
			return stats, s.mapErr("report rollups month", err)
		}
		hists := map[ReportHistKey]ReportHistogram{}
		err := s.scanReportHists(ctx, `SELECT dim, key, metric, hist FROM report_durations WHERE workspace_id = ? AND span = 'day' AND period >= ? AND period < ?`,
			[]any{workspaceID, m, end}, func(k ReportHistKey) ReportHistogram {
				h := hists[k]
				if h == nil {
					h = ReportHistogram{}
					hists[k] = h
				}
				return h
			})
		if err != nil {
			return stats, err
		}
		if err := s.insertReportHists(ctx, workspaceID, "month", m, hists); err != nil {
			return stats, err
		}
	}
	return stats, nil
}

// claimReportDirty deletes the dirty marks of a span (only the given periods
// when periods is not nil) and returns their periods, sorted and distinct.
func (s *Store) claimReportDirty(ctx context.Context, workspaceID, span string, periods []int64) ([]int64, error) {
	q := `DELETE FROM report_dirty WHERE workspace_id = ? AND span = ?`
	args := []any{workspaceID, span}
	if periods != nil {
		q += ` AND period IN (` + placeholders(len(periods)) + `)`
		for _, p := range periods {
			args = append(args, p)
		}
	}
	rows, err := s.w.QueryContext(ctx, s.db.Dialect.Rebind(q+` RETURNING period`), args...)
	if err != nil {
		return nil, s.mapErr("report rollups claim", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var p int64
		if err := rows.Scan(&p); err != nil {
			return nil, s.mapErr("report rollups claim", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.mapErr("report rollups claim", err)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// dayRuns groups sorted distinct days into runs of consecutive days,
// [start, end) each, so that a backfill reads its range in one scan.
func dayRuns(days []int64) [][2]int64 {
	var out [][2]int64
	for _, d := range days {
		if n := len(out); n > 0 && out[n-1][1] == d {
			out[n-1][1] = d + DayMs
			continue
		}
		out = append(out, [2]int64{d, d + DayMs})
	}
	return out
}

const reportFactSelect = `SELECT created_at, channel_id, COALESCE(team_id, ''), first_replier_id, first_response_at, resolved_at,
	needs_response, spam, sla_policy_id IS NOT NULL, sla_breached, first_reply_public
FROM conversations WHERE workspace_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at`

// recomputeReportDays replaces the roll-ups of the days in [from, to), day
// by day, and returns how many conversations they hold.
func (s *Store) recomputeReportDays(ctx context.Context, workspaceID string, from, to int64, rollup ReportRollupFunc) (int, error) {
	if _, err := s.exec(ctx, `DELETE FROM report_day_counts WHERE workspace_id = ? AND day >= ? AND day < ?`, workspaceID, from, to); err != nil {
		return 0, s.mapErr("report rollups delete", err)
	}
	if _, err := s.exec(ctx, `DELETE FROM report_durations WHERE workspace_id = ? AND span = 'day' AND period >= ? AND period < ?`, workspaceID, from, to); err != nil {
		return 0, s.mapErr("report rollups delete", err)
	}
	// Read a run's facts in bounded slices of days so that a backfill of a
	// whole history does not hold it in memory at once.
	const sliceDays = 31
	total := 0
	for start := from; start < to; start += sliceDays * DayMs {
		end := min(start+sliceDays*DayMs, to)
		facts, err := s.reportFacts(ctx, workspaceID, start, end)
		if err != nil {
			return 0, err
		}
		total += len(facts)
		for i := 0; i < len(facts); {
			day := ReportDay(facts[i].CreatedAt)
			j := i
			for j < len(facts) && ReportDay(facts[j].CreatedAt) == day {
				j++
			}
			counts, hists := rollup(facts[i:j])
			if err := s.insertReportDay(ctx, workspaceID, day, counts, hists); err != nil {
				return 0, err
			}
			i = j
		}
	}
	return total, nil
}

func (s *Store) reportFacts(ctx context.Context, workspaceID string, from, to int64) ([]ReportFact, error) {
	rows, err := s.query(ctx, reportFactSelect, workspaceID, from, to)
	if err != nil {
		return nil, s.mapErr("report facts", err)
	}
	defer rows.Close()
	var out []ReportFact
	for rows.Next() {
		var f ReportFact
		if err := rows.Scan(&f.CreatedAt, &f.ChannelID, &f.TeamID, &f.FirstReplierID, &f.FirstResponseAt, &f.ResolvedAt,
			&f.NeedsResponse, &f.Spam, &f.HasSLAPolicy, &f.SLABreached, &f.FirstPublic); err != nil {
			return nil, s.mapErr("report facts", err)
		}
		out = append(out, f)
	}
	return out, s.mapErr("report facts", rows.Err())
}

func (s *Store) insertReportDay(ctx context.Context, workspaceID string, day int64, counts map[[2]string]ReportCounts, hists map[ReportHistKey]ReportHistogram) error {
	type countRow struct {
		k [2]string
		c ReportCounts
	}
	crs := make([]countRow, 0, len(counts))
	for k, c := range counts {
		crs = append(crs, countRow{k, c})
	}
	err := chunks(crs, 10, func(part []countRow) error {
		args := make([]any, 0, 10*len(part))
		for _, r := range part {
			args = append(args, workspaceID, day, r.k[0], r.k[1], r.c.Conversations, r.c.Needing, r.c.Responded, r.c.PublicFirst, r.c.WithPolicy, r.c.MetSLA)
		}
		_, err := s.exec(ctx, `INSERT INTO report_day_counts (workspace_id, day, dim, key, conversations, needing, responded, public_first, with_policy, met_sla)
			VALUES `+valuesList(len(part), 10), args...)
		return s.mapErr("report rollups counts", err)
	})
	if err != nil {
		return err
	}
	return s.insertReportHists(ctx, workspaceID, "day", day, hists)
}

func (s *Store) insertReportHists(ctx context.Context, workspaceID, span string, period int64, hists map[ReportHistKey]ReportHistogram) error {
	keys := make([]ReportHistKey, 0, len(hists))
	for k, h := range hists {
		if len(h) > 0 {
			keys = append(keys, k)
		}
	}
	return chunks(keys, 7, func(part []ReportHistKey) error {
		args := make([]any, 0, 7*len(part))
		for _, k := range part {
			args = append(args, workspaceID, span, period, k.Dim, k.Key, k.Metric, encodeReportHistogram(hists[k]))
		}
		_, err := s.exec(ctx, `INSERT INTO report_durations (workspace_id, span, period, dim, key, metric, hist)
			VALUES `+valuesList(len(part), 7), args...)
		return s.mapErr("report rollups durations", err)
	})
}

// scanReportHists decodes the histograms a query returns (dim, key, metric,
// hist) into the histogram into returns for each.
func (s *Store) scanReportHists(ctx context.Context, q string, args []any, into func(ReportHistKey) ReportHistogram) error {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return s.mapErr("report rollup histograms", err)
	}
	defer rows.Close()
	var k ReportHistKey
	var b []byte
	for rows.Next() {
		if err := rows.Scan(&k.Dim, &k.Key, &k.Metric, &b); err != nil {
			return s.mapErr("report rollup histograms", err)
		}
		if err := decodeReportHistogram(b, into(k)); err != nil {
			return fmt.Errorf("%s %s %s: %w", k.Dim, k.Key, k.Metric, err)
		}
	}
	return s.mapErr("report rollup histograms", rows.Err())
}

// ReportRollupCounts sums the day counts of a dimension over the days in
// [fromDay, toDay), per key.
func (s *Store) ReportRollupCounts(ctx context.Context, workspaceID, dim string, fromDay, toDay int64) (map[string]ReportCounts, error) {
	rows, err := s.query(ctx, `SELECT key, SUM(conversations), SUM(needing), SUM(responded), SUM(public_first), SUM(with_policy), SUM(met_sla)
		FROM report_day_counts WHERE workspace_id = ? AND dim = ? AND day >= ? AND day < ? GROUP BY key`, workspaceID, dim, fromDay, toDay)
	if err != nil {
		return nil, s.mapErr("report rollup counts", err)
	}
	defer rows.Close()
	out := map[string]ReportCounts{}
	for rows.Next() {
		var k string
		var c ReportCounts
		if err := rows.Scan(&k, &c.Conversations, &c.Needing, &c.Responded, &c.PublicFirst, &c.WithPolicy, &c.MetSLA); err != nil {
			return nil, s.mapErr("report rollup counts", err)
		}
		out[k] = c
	}
	return out, s.mapErr("report rollup counts", rows.Err())
}

// ReportPeriods names the roll-up periods a report reads: whole months
// (month starts) and whole days (day starts, [start, end) runs).
type ReportPeriods struct {
	Months []int64
	Days   [][2]int64
}

// ReportRollupHistograms reads the duration histograms of a dimension over
// the periods and adds each into the histogram into returns for its key.
func (s *Store) ReportRollupHistograms(ctx context.Context, workspaceID, dim string, p ReportPeriods, into func(ReportHistKey) ReportHistogram) error {
	var conds []string
	args := []any{workspaceID, dim}
	if len(p.Months) > 0 {
		conds = append(conds, `(span = 'month' AND period IN (`+placeholders(len(p.Months))+`))`)
		for _, m := range p.Months {
			args = append(args, m)
		}
	}
	for _, d := range p.Days {
		conds = append(conds, `(span = 'day' AND period >= ? AND period < ?)`)
		args = append(args, d[0], d[1])
	}
	if len(conds) == 0 {
		return nil
	}
	return s.scanReportHists(ctx, `SELECT dim, key, metric, hist FROM report_durations
		WHERE workspace_id = ? AND dim = ? AND (`+strings.Join(conds, " OR ")+`)`, args, into)
}

// ReportNames returns the names of channels (name and type), teams and
// agents by id, for the ids given.
func (s *Store) ReportNames(ctx context.Context, table string, ids []string) (map[string][2]string, error) {
	out := map[string][2]string{}
	if len(ids) == 0 {
		return out, nil
	}
	col := "''"
	switch table {
	case "channels":
		col = "type"
	case "teams", "agents":
	default:
		return nil, fmt.Errorf("report names: unknown table %q", table)
	}
	err := chunks(ids, 1, func(part []string) error {
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := s.query(ctx, `SELECT id, name, `+col+` FROM `+table+` WHERE id IN (`+placeholders(len(part))+`)`, args...)
		if err != nil {
			return s.mapErr("report names", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, name, extra string
			if err := rows.Scan(&id, &name, &extra); err != nil {
				return s.mapErr("report names", err)
			}
			out[id] = [2]string{name, extra}
		}
		return s.mapErr("report names", rows.Err())
	})
	return out, err
}
