package report

import (
	"cmp"
	"context"
	"math/bits"
	"slices"
	"time"

	"github.com/heed-dev/heed/internal/store"
)

// ExactLimit is the most conversations a summary computes exactly from the
// conversations themselves. Larger ranges read the daily roll-ups (see
// summarizeRollups): counts and ratios stay exact, percentiles come from
// duration histograms within bucketError of the exact value. 10,000
// conversations take about 100 ms exactly; at 50,000 (the first limit) a
// reports page filtered to one account over 90 days spent 0.8 s in the
// summary alone on a busy 2-core box.
const ExactLimit = 10_000

// bucketBits sets the histogram resolution: 2^bucketBits buckets per
// doubling of the duration, so a bucket [lo, lo+w) has w ≤ lo/32. A
// percentile read from the histogram uses the mean of its bucket (exact when
// the bucket holds one distinct value) and is within the bucket, so its
// relative error is below 1/32 (3.125 %); interpolating between two such
// values keeps that bound.
const bucketBits = 5

// bucketError is the relative error bound of a percentile read from the
// roll-ups.
const bucketError = 1.0 / (1 << bucketBits)

// durationBucket maps a duration (ms, ≥ 0) to its histogram bucket:
// durations below 2^bucketBits ms have a bucket each, above that each
// doubling is split into 2^bucketBits equal buckets. Buckets grow with the
// duration.
func durationBucket(ms int64) int {
	const sub = 1 << bucketBits
	if ms < sub {
		return int(max(ms, 0))
	}
	shift := bits.Len64(uint64(ms)) - 1 - bucketBits
	return (shift+1)*sub + int(ms>>shift) - sub
}

// rollupDay computes the roll-up rows of one day's conversations: counts and
// duration histograms per channel, team and first replier.
func rollupDay(facts []store.ReportFact) (map[[2]string]store.ReportCounts, map[store.ReportHistKey]store.ReportHistogram) {
	counts := map[[2]string]store.ReportCounts{}
	hists := map[store.ReportHistKey]store.ReportHistogram{}
	type dur struct {
		metric string
		ms     int64
	}
	var durs []dur
	for i := range facts {
		f := &facts[i]
		agent := store.ReportKeyUnanswered
		if f.FirstResponseAt.Valid {
			agent = f.FirstReplierID.String
		}
		var c store.ReportCounts
		c.Conversations = 1
		durs = durs[:0]
		if f.NeedsResponse && !f.Spam {
			c.Needing = 1
			if f.FirstResponseAt.Valid {
				c.Responded = 1
				if f.FirstPublic {
					c.PublicFirst = 1
				}
				durs = append(durs, dur{store.ReportMetricFirstResponse, max(f.FirstResponseAt.Int64-f.CreatedAt, 0)})
			}
		}
		if f.ResolvedAt.Valid && !f.Spam {
			durs = append(durs, dur{store.ReportMetricResolution, max(f.ResolvedAt.Int64-f.CreatedAt, 0)})
		}
		if f.HasSLAPolicy {
			c.WithPolicy = 1
			if !f.SLABreached {
				c.MetSLA = 1
			}
		}
		for _, k := range [3][2]string{{store.ReportDimChannel, f.ChannelID}, {store.ReportDimTeam, f.TeamID}, {store.ReportDimAgent, agent}} {
			sum := counts[k]
			sum.Add(c)
			counts[k] = sum
			for _, d := range durs {
				hk := store.ReportHistKey{Dim: k[0], Key: k[1], Metric: d.metric}
				h := hists[hk]
				if h == nil {
					h = store.ReportHistogram{}
					hists[hk] = h
				}
				h.Add(durationBucket(d.ms), 1, d.ms)
			}
		}
	}
	return counts, hists
}

// histStats returns the median and p90 (seconds) of a histogram with
// Percentile's definition, each rank's value being the mean of its bucket.
func histStats(h store.ReportHistogram) Stats {
	keys := make([]int, 0, len(h))
	var n int64
	for k, b := range h {
		keys = append(keys, k)
		n += b.N
	}
	if n == 0 {
		return Stats{}
	}
	slices.Sort(keys)
	// at returns the bucket holding the rank (0-based).
	at := func(rank int64) store.ReportBucket {
		for _, k := range keys {
			if rank < h[k].N {
				return h[k]
			}
			rank -= h[k].N
		}
		return h[keys[len(keys)-1]]
	}
	pct := func(p int64) *float64 {
		num := (n - 1) * p
		lo, rem := num/100, num%100
		a := at(lo)
		b := a
		if rem != 0 {
			b = at(lo + 1)
		}
		// Integral bucket means (always so for a bucket of one distinct
		// value) take percentileOver's integer arithmetic, so those results
		// are bit-identical to the exact path's.
		if a.SumMs%a.N == 0 && b.SumMs%b.N == 0 {
			x, y := a.SumMs/a.N, b.SumMs/b.N
			return ptr(float64(x*100+rem*(y-x)) / 100_000)
		}
		x, y := float64(a.SumMs)/float64(a.N), float64(b.SumMs)/float64(b.N)
		return ptr((x*100 + float64(rem)*(y-x)) / 100_000)
	}
	return Stats{Median: pct(50), P90: pct(90)}
}

// fastAgg accumulates one group of the roll-up summary.
type fastAgg struct {
	c                         store.ReportCounts
	firstResponse, resolution store.ReportHistogram
}

func newFastAgg() *fastAgg {
	return &fastAgg{firstResponse: store.ReportHistogram{}, resolution: store.ReportHistogram{}}
}

// rollupEligible says whether the roll-ups can answer the query: they hold
// calendar durations per channel, team and agent, so a channel filter
// (type or account) works when the groups are channels (or one group).
func rollupEligible(q Query) bool {
	channelFilter := q.ChannelType != "" || q.Account != ""
	return q.Hours != HoursBusiness && q.Public == nil && q.Tag == "" && (!channelFilter || q.GroupBy != ByTeam && q.GroupBy != ByAgent)
}

// summarizeRollups computes the summary from the roll-ups of the whole UTC
// days in the range and from the conversations of the partial days at its
// ends. ok is false (and nothing is computed) when the range holds at most
// limit conversations or no whole day: the exact path is then fast enough.
func summarizeRollups(ctx context.Context, st *store.Store, q Query, limit int) (Summary, bool, error) {
	from, to := q.From.UnixMilli(), q.To.UnixMilli()
	if from < 0 {
		return Summary{}, false, nil
	}
	fromDay := store.ReportDay(from)
	if fromDay < from {
		fromDay += store.DayMs
	}
	toDay := store.ReportDay(to)
	if fromDay >= toDay {
		return Summary{}, false, nil
	}
	if small, err := atMost(ctx, st, q.filter(), limit); err != nil || small {
		return Summary{}, false, err
	}
	periods := rollupPeriods(fromDay, toDay)
	if _, err := st.RefreshReportRollups(ctx, q.WorkspaceID, periods.Months, rollupDay); err != nil {
		return Summary{}, false, err
	}
	dim := store.ReportDimChannel
	switch q.GroupBy {
	case ByTeam:
		dim = store.ReportDimTeam
	case ByAgent:
		dim = store.ReportDimAgent
	}
	counts, err := st.ReportRollupCounts(ctx, q.WorkspaceID, dim, fromDay, toDay)
	if err != nil {
		return Summary{}, false, err
	}
	byID := map[string]*fastAgg{}
	for id, c := range counts {
		byID[id] = newFastAgg()
		byID[id].c = c
	}
	err = st.ReportRollupHistograms(ctx, q.WorkspaceID, dim, periods, func(k store.ReportHistKey) store.ReportHistogram {
		g := byID[k.Key]
		if g == nil {
			g = newFastAgg()
			byID[k.Key] = g
		}
		if k.Metric == store.ReportMetricResolution {
			return g.resolution
		}
		return g.firstResponse
	})
	if err != nil {
		return Summary{}, false, err
	}
	keyOf, err := rollupKeys(ctx, st, q.GroupBy, dim, byID)
	if err != nil {
		return Summary{}, false, err
	}
	groups := map[string]*fastAgg{}
	group := func(key string) *fastAgg {
		g := groups[key]
		if g == nil {
			g = newFastAgg()
			groups[key] = g
		}
		return g
	}
	_, allowed, err := channelFilter(ctx, st, q.WorkspaceID, q.ChannelType, q.Account)
	if err != nil {
		return Summary{}, false, err
	}
	for id, a := range byID {
		key, ok := keyOf(id)
		if !ok || allowed != nil && !allowed[id] {
			continue
		}
		g := group(key)
		g.c.Add(a.c)
		g.firstResponse.Merge(a.firstResponse)
		g.resolution.Merge(a.resolution)
	}
	// The partial days at both ends, from the conversations.
	for _, edge := range [][2]int64{{from, fromDay}, {toDay, to}} {
		if edge[0] >= edge[1] {
			continue
		}
		f := q.filter()
		f.From, f.To = time.UnixMilli(edge[0]), time.UnixMilli(edge[1])
		err := st.StreamReportRows(ctx, f, func(r *store.ReportRow) error {
			g := group(groupKey(q.GroupBy, r))
			g.c.Conversations++
			if needsResponse(r) {
				g.c.Needing++
				if r.FirstResponseAt.Valid {
					g.c.Responded++
					ms := max(r.FirstResponseAt.Int64-r.CreatedAt, 0)
					g.firstResponse.Add(durationBucket(ms), 1, ms)
					if r.FirstReplyPublic {
						g.c.PublicFirst++
					}
				}
			}
			if r.ResolvedAt.Valid && !r.Spam {
				ms := max(r.ResolvedAt.Int64-r.CreatedAt, 0)
				g.resolution.Add(durationBucket(ms), 1, ms)
			}
			if r.HasSLAPolicy {
				g.c.WithPolicy++
				if !r.SLABreached {
					g.c.MetSLA++
				}
			}
			return nil
		})
		if err != nil {
			return Summary{}, false, err
		}
	}
	surveys, err := rollupSurveys(ctx, st, q)
	if err != nil {
		return Summary{}, false, err
	}
	out := Summary{Groups: make([]Group, 0, len(groups))}
	for key, g := range groups {
		if g.c.Conversations == 0 {
			continue
		}
		out.Groups = append(out.Groups, Group{
			Key:                  key,
			Conversations:        int(g.c.Conversations),
			Responded:            int(g.c.Responded),
			ResponseRate:         ratio(int(g.c.Responded), int(g.c.Needing)),
			FirstResponseSeconds: histStats(g.firstResponse),
			ResolutionSeconds:    histStats(g.resolution),
			PublicShare:          ratio(int(g.c.PublicFirst), int(g.c.Responded)),
			SLAAttainment:        ratio(int(g.c.MetSLA), int(g.c.WithPolicy)),
			CSAT:                 surveys.csat(key),
			NPS:                  surveys.nps(key),
		})
	}
	slices.SortFunc(out.Groups, func(a, b Group) int {
		return cmp.Or(cmp.Compare(b.Conversations, a.Conversations), cmp.Compare(a.Key, b.Key))
	})
	return out, true, nil
}

// channelFilter returns a workspace's channel names by id and, with a
// channel type or account filter, the ids of the channels it keeps (nil:
// every channel).
func channelFilter(ctx context.Context, st *store.Store, workspaceID, channelType, account string) (map[string]string, map[string]bool, error) {
	channels, err := st.ReportChannels(ctx, workspaceID)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[string]string, len(channels))
	var keep map[string]bool
	if channelType != "" || account != "" {
		keep = map[string]bool{}
	}
	for _, ch := range channels {
		names[ch.ID] = ch.Name
		if keep != nil && (channelType == "" || ch.Type == channelType) && (account == "" || ch.Name == account) {
			keep[ch.ID] = true
		}
	}
	return names, keep, nil
}

// atMost tells whether the filter selects at most limit conversations
// (counting no further); a limit of 0 or less is never reached.
func atMost(ctx context.Context, st *store.Store, f store.ReportFilter, limit int) (bool, error) {
	if limit <= 0 {
		return false, nil
	}
	n, err := st.CountReportConversations(ctx, f, limit+1)
	return n <= limit, err
}

// rollupSurveys adds up the answered surveys of the range per group: only
// the surveyed conversations are read, to name their group.
func rollupSurveys(ctx context.Context, st *store.Store, q Query) (*surveyScores, error) {
	surveys, err := loadSurveyScores(ctx, st, q)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(surveys.byConv))
	for id := range surveys.byConv {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	err = st.StreamReportRowsByID(ctx, q.WorkspaceID, ids, func(r *store.ReportRow) error {
		surveys.add(groupKey(q.GroupBy, r), r.ID)
		return nil
	})
	return surveys, err
}

// rollupPeriods splits whole days [fromDay, toDay) into the calendar months
// they cover whole and the days left over.
func rollupPeriods(fromDay, toDay int64) store.ReportPeriods {
	var p store.ReportPeriods
	addDays := func(a, b int64) {
		if a < b {
			p.Days = append(p.Days, [2]int64{a, b})
		}
	}
	m := store.ReportMonth(fromDay)
	if m < fromDay {
		m = time.UnixMilli(m).UTC().AddDate(0, 1, 0).UnixMilli()
	}
	addDays(fromDay, min(m, toDay))
	for {
		next := time.UnixMilli(m).UTC().AddDate(0, 1, 0).UnixMilli()
		if next > toDay {
			break
		}
		p.Months = append(p.Months, m)
		m = next
	}
	if m < toDay {
		addDays(max(m, fromDay), toDay)
	}
	return p
}

// rollupKeys returns how a roll-up key (an id) maps to the summary's group
// key, as the exact path names it: ok is false for a channel that no longer
// exists (the exact path joins channels).
func rollupKeys(ctx context.Context, st *store.Store, groupBy, dim string, byID map[string]*fastAgg) (func(id string) (string, bool), error) {
	ids := make([]string, 0, len(byID))
	for id := range byID {
		if id != "" && id != store.ReportKeyUnanswered {
			ids = append(ids, id)
		}
	}
	table := map[string]string{store.ReportDimChannel: "channels", store.ReportDimTeam: "teams", store.ReportDimAgent: "agents"}[dim]
	names, err := st.ReportNames(ctx, table, ids)
	if err != nil {
		return nil, err
	}
	return func(id string) (string, bool) {
		switch dim {
		case store.ReportDimTeam:
			if n, ok := names[id]; ok && n[0] != "" {
				return n[0], true
			}
			return KeyUnassigned, true
		case store.ReportDimAgent:
			if id == store.ReportKeyUnanswered {
				return KeyUnanswered, true
			}
			if n, ok := names[id]; ok && n[0] != "" {
				return n[0], true
			}
			return KeyUnattributed, true
		}
		n, ok := names[id]
		if !ok {
			return "", false
		}
		switch groupBy {
		case ByAccount:
			return n[0], true
		case ByChannelType:
			return n[1], true
		}
		return KeyAll, true
	}, nil
}

// RefreshRollups recomputes a workspace's dirty days now. Reports do it on
// read; the app also runs it periodically so the dirty marks (one per
// writing transaction and day) stay few and the first report after a busy
// day does not pay for all of it.
func RefreshRollups(ctx context.Context, st *store.Store, workspaceID string) (store.ReportRollupStats, error) {
	return st.RefreshReportRollups(ctx, workspaceID, nil, rollupDay)
}
