package listening

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/store"
)

// SpikeOptions tune spike detection. The rule, per listening rule and hour h:
//
//	baseline samples = the counts of the same hour of the week in up to
//	                   Weeks previous weeks, once the rule has 2 weeks of
//	                   history; with less, the counts of the 24 hours before h
//	mean, sd         = of those samples (hours without mentions count as 0)
//	threshold        = max(MinVolume, mean + K × max(sd, √mean))
//	alert            when count(h) ≥ threshold
//
// The √mean floor is the Poisson spread: a rule that is always at exactly 4
// an hour has sd 0 but still varies like counts do. A rule with less than
// MinHistory of history raises nothing: without a baseline every first busy
// hour would look like a spike.
//
// One burst, one alert: when hour h is anomalous and the rule's latest alert
// ended at h−1 or h, that alert is extended instead of a new one being
// raised. Alerts are unique per (rule, start hour), so two nodes that see
// the same burst raise it once.
type SpikeOptions struct {
	MinVolume  int           // default 10
	K          float64       // default 3
	Weeks      int           // default 4
	MinHistory time.Duration // default 24 h
}

func (o SpikeOptions) withDefaults() SpikeOptions {
	if o.MinVolume <= 0 {
		o.MinVolume = 10
	}
	if o.K <= 0 {
		o.K = 3
	}
	if o.Weeks <= 0 {
		o.Weeks = 4
	}
	if o.MinHistory <= 0 {
		o.MinHistory = 24 * time.Hour
	}
	return o
}

const weekHours = 7 * 24

type detector struct {
	store  *store.Store
	broker realtime.Broker
	log    *slog.Logger
	opts   SpikeOptions

	mu        sync.Mutex
	baselines map[baselineKey]baseline // past hours do not change: computed once per rule and hour
	counts    map[baselineKey]hourCount
}

// hourCount is this node's running count of a rule's hour, read from the
// database when first needed and then counted up locally. It only lets the
// common case (far below MinVolume) skip the count query; the decision
// itself always reads the database, which other nodes write too.
type hourCount struct {
	n      int
	syncAt time.Time
}

// countSync bounds how stale a local count may be before it is re-read:
// another node's mentions of the same rule delay an alert at most this long.
const countSync = 10 * time.Second

type baselineKey struct {
	rule string
	hour int64
}

type baseline struct {
	ok              bool // enough history
	mean, threshold float64
}

func newDetector(s *store.Store, b realtime.Broker, log *slog.Logger, o SpikeOptions) *detector {
	return &detector{store: s, broker: b, log: log, opts: o, baselines: map[baselineKey]baseline{}, counts: map[baselineKey]hourCount{}}
}

// observe checks the hour of a new mention of rule r.
func (d *detector) observe(ctx context.Context, r store.ListenRule, posted time.Time) error {
	hour := posted.UnixMilli() / store.HourMs
	key := baselineKey{r.ID, hour}
	d.mu.Lock()
	local, known := d.counts[key]
	if known {
		local.n++
		d.counts[key] = local
	}
	d.mu.Unlock()
	if known && local.n < d.opts.MinVolume && time.Since(local.syncAt) < countSync {
		return nil // cheap exit: far below the floor nothing is a spike
	}
	counts, err := d.store.RuleHourCounts(ctx, r.ID, hour, hour)
	if err != nil {
		return err
	}
	count := counts[hour]
	d.mu.Lock()
	if len(d.counts) > 100_000 {
		clear(d.counts)
	}
	d.counts[key] = hourCount{n: count, syncAt: time.Now()}
	d.mu.Unlock()
	if count < d.opts.MinVolume {
		return nil
	}
	b, err := d.baseline(ctx, r.ID, hour)
	if err != nil || !b.ok || float64(count) < b.threshold {
		return err
	}
	latest, err := d.store.LatestListenAlert(ctx, r.ID)
	switch {
	case err == nil && latest.LastHour >= hour-1 && latest.StartHour <= hour:
		if latest.LastHour < hour {
			return d.store.ExtendListenAlert(ctx, latest.ID, hour) // the same burst goes on
		}
		return nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return err
	}
	return d.raise(ctx, r, hour, count, b)
}

func (d *detector) baseline(ctx context.Context, ruleID string, hour int64) (baseline, error) {
	key := baselineKey{ruleID, hour}
	d.mu.Lock()
	b, ok := d.baselines[key]
	d.mu.Unlock()
	if ok {
		return b, nil
	}
	first, has, err := d.store.FirstRuleHour(ctx, ruleID)
	if err != nil || !has {
		return b, err
	}
	history := hour - first
	if history < int64(d.opts.MinHistory/time.Hour) {
		return b, nil // not cached: history grows
	}
	var samples []float64
	if weeks := min(int64(d.opts.Weeks), history/weekHours); weeks >= 2 {
		counts, err := d.store.RuleHourCounts(ctx, ruleID, hour-weeks*weekHours, hour-1)
		if err != nil {
			return b, err
		}
		for k := int64(1); k <= weeks; k++ {
			samples = append(samples, float64(counts[hour-k*weekHours]))
		}
	} else {
		counts, err := d.store.RuleHourCounts(ctx, ruleID, hour-24, hour-1)
		if err != nil {
			return b, err
		}
		for h := hour - 24; h < hour; h++ {
			samples = append(samples, float64(counts[h]))
		}
	}
	mean, sd := meanSD(samples)
	b = baseline{ok: true, mean: mean, threshold: math.Max(float64(d.opts.MinVolume), mean+d.opts.K*math.Max(sd, math.Sqrt(mean)))}
	d.mu.Lock()
	if len(d.baselines) > 100_000 {
		clear(d.baselines) // old hours are never asked again
	}
	d.baselines[key] = b
	d.mu.Unlock()
	return b, nil
}

func meanSD(xs []float64) (mean, sd float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(xs)))
}

// raise stores the alert with what drives it and notifies the workspace's
// supervisors and admins in the app.
func (d *detector) raise(ctx context.Context, r store.ListenRule, hour int64, count int, b baseline) error {
	ms, err := d.store.RuleHourMentions(ctx, r.ID, hour, 1000)
	if err != nil {
		return err
	}
	terms := TopTerms(ms, r.Query, 5)
	posts := topPosts(ms, terms, 3)
	a := store.ListenAlert{WorkspaceID: r.WorkspaceID, RuleID: r.ID, RuleName: r.Name, StartHour: hour, LastHour: hour, Volume: count,
		Baseline: math.Round(b.mean*100) / 100, Threshold: math.Round(b.threshold*100) / 100, TopTerms: terms, TopPosts: posts}
	msg := fmt.Sprintf("Listening spike on %q: %d mentions in the hour from %s UTC (usually %.1f)", r.Name, count,
		time.UnixMilli(hour*store.HourMs).UTC().Format("Jan 2 15:04"), b.mean)
	if len(terms) > 0 {
		msg += "; top terms: " + strings.Join(terms, ", ")
	}
	err = d.store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		if a, err = tx.CreateListenAlert(ctx, a); err != nil {
			return err
		}
		agents, err := tx.ListAgentsByRole(ctx, r.WorkspaceID, model.RoleSupervisor)
		if err != nil {
			return err
		}
		for _, ag := range agents {
			if _, err := tx.CreateNotification(ctx, store.Notification{WorkspaceID: r.WorkspaceID, AgentID: ag.ID, Kind: "listening_spike", Message: msg}); err != nil {
				return err
			}
		}
		tx.AfterCommit(func() {
			if d.broker != nil {
				d.broker.Publish(realtime.WorkspaceTopic(r.WorkspaceID), realtime.Event{Type: "notification", ID: a.ID})
			}
		})
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return nil // raised already, here or on another node
	}
	if err == nil {
		d.log.Info("listening spike", "rule_id", r.ID, "hour", hour, "count", count, "threshold", b.threshold)
	}
	return err
}

// TopTerms returns the words that most mentions share, leaving out the
// rule's own terms (every mention has them) and common function words.
func TopTerms(ms []store.Mention, query string, n int) []string {
	skip := map[string]bool{}
	for _, w := range words(query) {
		skip[w] = true
	}
	df := map[string]int{}
	for _, m := range ms {
		seen := map[string]bool{}
		for _, w := range words(m.Text) {
			if len([]rune(w)) < 3 || skip[w] || stopwords[w] || seen[w] {
				continue
			}
			seen[w] = true
			df[w]++
		}
	}
	type tc struct {
		term string
		n    int
	}
	var all []tc
	for t, c := range df {
		if c >= 2 {
			all = append(all, tc{t, c})
		}
	}
	slices.SortFunc(all, func(a, b tc) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.term, b.term)
	})
	out := []string{}
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].term)
	}
	return out
}

// topPosts picks the mentions that carry the most top terms (earliest first
// among equals): the posts that show what the burst is about.
func topPosts(ms []store.Mention, terms []string, n int) []string {
	type scored struct {
		id    string
		score int
		i     int
	}
	var all []scored
	for i, m := range ms {
		ws := map[string]bool{}
		for _, w := range words(m.Text) {
			ws[w] = true
		}
		sc := 0
		for _, t := range terms {
			if ws[t] {
				sc++
			}
		}
		all = append(all, scored{m.ID, sc, i})
	}
	slices.SortStableFunc(all, func(a, b scored) int { return b.score - a.score })
	out := []string{}
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].id)
	}
	return out
}

func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '#' && r != '_' })
}

var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the and for you your are was were with that this have has had not but they them their our out just
		from what when why how all any can its it's get got its about been will would there here than then too very into over who
		les des est pas une que qui pour dans sur avec por los las una que del con para como the les und der die das ist nicht mit
		http https www com`) {
		m[w] = true
	}
	return m
}()
