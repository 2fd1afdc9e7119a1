package web

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/heed-dev/heed/internal/listen/source"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
	"github.com/heed-dev/heed/internal/web/chart"
)

// listeningPage is the listening page: rules and their editor with a live
// preview, spike alerts, charts, share of voice and the feed of mentions.
type listeningPage struct {
	base
	CanEdit bool
	Rules   []store.ListenRule
	names   map[string]string
	Alerts  []alertView
	Form    ruleForm
	Preview previewView

	Filter   store.MentionFilter
	Mentions []mentionView
	Networks []string
	Langs    []string
	Older    string // the before= of the next page
	FeedSrc  string // where listening.js re-fetches the feed on news (first page only)

	Range     chartRange
	Ranges    []chartRange
	Volume    lineView
	Sentiment lineView
	Share     []shareBar
	ShareH    int
	BrandPct  float64
}

// ruleForm is the editor's content (a new rule when ID is empty).
type ruleForm struct {
	ID, Name, Query, Action, Kind string
	Enabled                       bool
	Error, Field                  string
	Col                           int
}

type previewView struct {
	Shown   bool
	Query   string
	Error   string
	Col     int
	Tested  int
	Matches []source.Post
}

type alertView struct {
	store.ListenAlert
	Start, End time.Time
	Posts      []store.Mention
}

type mentionView struct {
	store.Mention
	RuleNames []string
	Lang      string
}

func (p *listeningPage) ruleName(id string) string {
	if n, ok := p.names[id]; ok {
		return n
	}
	return "(deleted rule)"
}

func (h *Handler) listeningPage(r *http.Request) (*listeningPage, error) {
	ctx := r.Context()
	a := me(r)
	p := &listeningPage{base: h.base(r, "Listening", "listening"), CanEdit: a.Role.AtLeast(model.RoleSupervisor),
		names: map[string]string{}, Form: ruleForm{Action: store.ListenActionFeed, Kind: store.ListenKindBrand, Enabled: true}}
	p.Live = true
	rules, err := h.Store.ListListenRules(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	p.Rules = rules
	for _, r := range rules {
		p.names[r.ID] = r.Name
	}
	alerts, err := h.Store.ListListenAlerts(ctx, a.WorkspaceID, 10)
	if err != nil {
		return nil, err
	}
	for _, al := range alerts {
		v := alertView{ListenAlert: al, Start: time.UnixMilli(al.StartHour * store.HourMs).UTC(), End: time.UnixMilli((al.LastHour + 1) * store.HourMs).UTC()}
		for _, id := range al.TopPosts {
			if m, err := h.Store.GetMention(ctx, a.WorkspaceID, id); err == nil {
				v.Posts = append(v.Posts, m)
			}
		}
		p.Alerts = append(p.Alerts, v)
	}

	q := r.URL.Query()
	p.Filter = store.MentionFilter{WorkspaceID: a.WorkspaceID, RuleID: q.Get("rule"), Sentiment: q.Get("sentiment"), Language: q.Get("language"),
		Network: q.Get("network"), Before: q.Get("before"), Limit: 50}
	if !slices.Contains([]string{"", "positive", "neutral", "negative"}, p.Filter.Sentiment) {
		p.Filter.Sentiment = ""
	}
	ms, err := h.Store.ListMentions(ctx, p.Filter)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.ConversationID == "" && h.Listening != nil {
			m.ConversationID, _ = h.Listening.ConversationOf(ctx, m)
		}
		v := mentionView{Mention: m, Lang: m.Language()}
		for _, id := range m.RuleIDs {
			v.RuleNames = append(v.RuleNames, p.ruleName(id))
		}
		p.Mentions = append(p.Mentions, v)
	}
	if len(ms) == p.Filter.Limit {
		p.Older = ms[len(ms)-1].ID
	}
	if p.Filter.Before == "" {
		v := url.Values{}
		for k, x := range map[string]string{"rule": p.Filter.RuleID, "sentiment": p.Filter.Sentiment, "language": p.Filter.Language, "network": p.Filter.Network} {
			if x != "" {
				v.Set(k, x)
			}
		}
		p.FeedSrc = "/listening?" + v.Encode()
	}
	p.Networks, p.Langs = []string{"bluesky", "x", "mastodon", "replay"}, []string{"en", "es", "fr", "de", "pt", "it", "nl", "ja"}
	return p, h.fillCharts(r, p)
}

// fillCharts computes the volume and sentiment charts and share of voice.
func (h *Handler) fillCharts(r *http.Request, p *listeningPage) error {
	ctx := r.Context()
	p.Range, p.Ranges = rangeOf(r.URL.Query().Get("range")), chartRanges
	first, labels := p.Range.buckets(h.Store.Now())
	fromHour := first * p.Range.BucketHours
	vol, err := h.Store.MentionVolume(ctx, p.Filter.WorkspaceID, fromHour, p.Range.BucketHours)
	if err != nil {
		return err
	}
	perRule := map[string][]int{}
	for _, v := range vol {
		i := v.Bucket - first
		if i < 0 || int(i) >= len(labels) {
			continue
		}
		if perRule[v.RuleID] == nil {
			perRule[v.RuleID] = make([]int, len(labels))
		}
		perRule[v.RuleID][i] += v.Count
	}
	var series []lineSeries
	for i, rule := range p.Rules {
		vals := perRule[rule.ID]
		if vals == nil {
			vals = make([]int, len(labels))
		}
		series = append(series, lineSeries{Name: rule.Name, Class: "s" + strconv.Itoa(i%8), Values: vals})
	}
	p.Volume = newLineView("volume-chart", "Mentions per rule", p.Range.Label, labels, series)

	sent, err := h.Store.MentionSentiment(ctx, p.Filter.WorkspaceID, p.Filter.RuleID, fromHour, p.Range.BucketHours)
	if err != nil {
		return err
	}
	pos, neu, neg := make([]int, len(labels)), make([]int, len(labels)), make([]int, len(labels))
	for _, s := range sent {
		i := s.Bucket - first
		if i < 0 || int(i) >= len(labels) {
			continue
		}
		pos[i], neu[i], neg[i] = s.Positive, s.Neutral, s.Negative
	}
	title := "Sentiment of all mentions"
	if p.Filter.RuleID != "" {
		title = "Sentiment of " + p.ruleName(p.Filter.RuleID)
	}
	p.Sentiment = newLineView("sentiment-chart", title, p.Range.Label, labels,
		[]lineSeries{{Name: "positive", Class: "pos", Values: pos}, {Name: "neutral", Class: "neu", Values: neu}, {Name: "negative", Class: "neg", Values: neg}})

	// Share of voice over the same window: each rule's mentions of the total.
	total, brand := 0, 0
	for i, s := range p.Volume.Series {
		total += s.Total
		if p.Rules[i].Kind == store.ListenKindBrand {
			brand += s.Total
		}
	}
	for i, s := range p.Volume.Series {
		b := shareBar{Name: s.Name, Kind: p.Rules[i].Kind, Count: s.Total, Class: s.Class}
		if total > 0 {
			b.Percent = float64(s.Total) * 100 / float64(total)
		}
		p.Share = append(p.Share, b)
	}
	slices.SortStableFunc(p.Share, func(a, b shareBar) int { return cmp.Compare(b.Count, a.Count) })
	for i := range p.Share {
		p.Share[i].Y = float64(i*28 + 4)
		p.Share[i].Width = p.Share[i].Percent * 4 // 100 % = 400 units
	}
	p.ShareH = len(p.Share)*28 + 8
	if total > 0 {
		p.BrandPct = float64(brand) * 100 / float64(total)
	}
	return nil
}

// lineView is a line chart of the page (chart.Lines) and the numbers the
// page prints in a table under it.
type lineView struct {
	ID, Title string
	SVG       template.HTML
	Buckets   []string
	Series    []lineSeries
}

// lineSeries is one line: counts per bucket.
type lineSeries struct {
	Name   string
	Class  string // s0…s7, pos, neu, neg: colours from listening.css (the share bars use them too)
	Values []int
	Total  int
}

// newLineView draws counts per bucket, one line per series, the legend
// giving each series' total.
func newLineView(id, title, window string, buckets []string, series []lineSeries) lineView {
	lines := make([]chart.Series, len(series))
	total := 0
	for i := range series {
		s := &series[i]
		s.Total = 0
		points := make([]chart.Point, len(s.Values))
		for j, v := range s.Values {
			s.Total += v
			points[j] = chart.Point{Value: float64(v)}
		}
		total += s.Total
		lines[i] = chart.Series{Name: s.Name, Class: s.Class, Note: strconv.Itoa(s.Total), Points: points}
	}
	desc := fmt.Sprintf("%s (UTC): %d mentions. The numbers are in the table below.", window, total)
	return lineView{ID: id, Title: title, Buckets: buckets, Series: series,
		SVG: chart.Lines(id+"-svg", title, desc, buckets, lines)}
}

// shareBar is one rule's share of voice.
type shareBar struct {
	Name    string
	Kind    string
	Count   int
	Percent float64
	Width   float64 // of the bar in SVG units
	Y       float64
	Class   string
}

// chartRange is a time window of the charts and its bucket.
type chartRange struct {
	Key         string // 24h, 7d, 30d
	Label       string
	Hours       int64 // the window
	BucketHours int64 // 1 = hourly, 24 = daily
}

var chartRanges = []chartRange{
	{"24h", "Last 24 hours, hourly", 24, 1},
	{"7d", "Last 7 days, daily", 7 * 24, 24},
	{"30d", "Last 30 days, daily", 30 * 24, 24},
}

func rangeOf(key string) chartRange {
	for _, r := range chartRanges {
		if r.Key == key {
			return r
		}
	}
	return chartRanges[1]
}

// buckets returns the bucket numbers (hour / BucketHours) of the window
// ending now, and their labels.
func (cr chartRange) buckets(now time.Time) (first int64, labels []string) {
	nowHour := now.UnixMilli() / int64(time.Hour/time.Millisecond)
	last := nowHour / cr.BucketHours
	n := cr.Hours / cr.BucketHours
	first = last - n + 1
	for b := first; b <= last; b++ {
		t := time.UnixMilli(b * cr.BucketHours * int64(time.Hour/time.Millisecond)).UTC()
		if cr.BucketHours == 1 {
			labels = append(labels, t.Format("15:04"))
		} else {
			labels = append(labels, t.Format("Jan 2"))
		}
	}
	return first, labels
}

// showListening shows the listening page.
func (h *Handler) showListening(w http.ResponseWriter, r *http.Request) error {
	if h.Listening == nil {
		return errNotFound
	}
	p, err := h.listeningPage(r)
	if err != nil {
		return err
	}
	if id := r.URL.Query().Get("edit"); id != "" && p.CanEdit {
		rule, err := h.Store.GetListenRule(r.Context(), me(r).WorkspaceID, id)
		if err != nil {
			return err
		}
		p.Form = ruleForm{ID: rule.ID, Name: rule.Name, Query: rule.Query, Action: rule.Action, Kind: rule.Kind, Enabled: rule.Enabled}
	}
	if isFragment(r) {
		w.Header().Set("Cache-Control", "no-store")
		return h.renderFragment(w, http.StatusOK, "listening", "listen-feed", p)
	}
	p.Flash = map[string]string{"saved": "Rule saved.", "deleted": "Rule deleted."}[r.URL.Query().Get("done")]
	return h.render(w, r, http.StatusOK, "listening", p)
}
