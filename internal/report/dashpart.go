package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/heed-dev/heed/internal/store"
)

// localDay is the start (unix ms) of t's day in t's time zone.
func localDay(t time.Time) int64 {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location()).UnixMilli()
}

// dashPart is the mergeable form of a Dashboard: what a set of
// conversations contributes to it, with days and hours in one time zone.
// The exact path builds one part from the conversations of the selection;
// the roll-ups (report_dash, migration 0017) store one per day of the
// workspace's time zone and channel, as JSON, and a report merges them. Counts add up exactly; the timings keep duration histograms
// (durationBucket), and the values themselves only while a part is built
// from conversations (exact), so an exact part's percentiles are exact and a
// merged one's are within bucketError.
type dashPart struct {
	Conversations     int            `json:"n,omitempty"`
	RepliesOut        int            `json:"o,omitempty"`
	Needing           int            `json:"nd,omitempty"`
	Responded         int            `json:"rs,omitempty"`
	FirstContact      int            `json:"fc,omitempty"`
	FirstContactBase  int            `json:"fb,omitempty"`
	PublicResponded   int            `json:"pr,omitempty"`
	Redirected        int            `json:"rd,omitempty"`
	Reasons           map[string]int `json:"rr,omitempty"` // Redirected by reason ("" not given)
	WithPolicy        int            `json:"wp,omitempty"`
	Breached          int            `json:"br,omitempty"`
	SentimentChanged  int            `json:"sc,omitempty"`
	SentimentImproved int            `json:"si,omitempty"`
	SentimentWorsened int            `json:"sw,omitempty"`
	SentimentDelta    float64        `json:"sd,omitempty"` // sum of last − first over SentimentChanged
	Bins              []int          `json:"b,omitempty"`  // first-response histogram, HistogramEdges

	Ack  store.ReportHistogram `json:"ack,omitempty"`
	Next store.ReportHistogram `json:"nx,omitempty"`

	// Per local day (its start, unix ms): conversations started, those of
	// them with a sentiment and the sum of it; replies sent. Heat counts
	// the conversations started per local weekday*24 + hour.
	In        map[int64]int     `json:"in,omitempty"`
	Scored    map[int64]int     `json:"sn,omitempty"`
	Sentiment map[int64]float64 `json:"ss,omitempty"`
	Out       map[int64]int     `json:"out,omitempty"`
	Heat      map[int]int       `json:"h,omitempty"`

	Agents map[string]*agentPart `json:"ag,omitempty"` // by agent name
	Cards  map[string]*cardPart  `json:"cd,omitempty"` // by channel id

	approx    bool // merged from stored parts: the values below are incomplete
	ack, next []int64
}

type agentPart struct {
	Answered int                   `json:"a,omitempty"`
	Resolved int                   `json:"s,omitempty"`
	Replies  int                   `json:"r,omitempty"`
	FRT      store.ReportHistogram `json:"f,omitempty"`
	frt      []int64
}

// cardPart holds the counts of an AccountCard.
type cardPart struct {
	Conversations  int `json:"n,omitempty"`
	Needing        int `json:"nd,omitempty"`
	Responded      int `json:"rs,omitempty"`
	Within5m       int `json:"w5,omitempty"`
	Within1h       int `json:"w1,omitempty"`
	Within6h       int `json:"w6,omitempty"`
	Resolved       int `json:"rv,omitempty"`
	ResolvedPublic int `json:"rp,omitempty"`
	Signed         int `json:"sg,omitempty"`
	Attributed     int `json:"at,omitempty"`
	Named          int `json:"nm,omitempty"`
	Nameable       int `json:"na,omitempty"`
	Checked        int `json:"ck,omitempty"`
	Passed         int `json:"ps,omitempty"`
}

func newDashPart() *dashPart {
	return &dashPart{
		Bins: make([]int, len(HistogramEdges)), Ack: store.ReportHistogram{}, Next: store.ReportHistogram{},
		In: map[int64]int{}, Scored: map[int64]int{}, Sentiment: map[int64]float64{}, Out: map[int64]int{}, Heat: map[int]int{},
		Agents: map[string]*agentPart{}, Cards: map[string]*cardPart{}, Reasons: map[string]int{},
	}
}

func (p *dashPart) agent(name string) *agentPart {
	a := p.Agents[name]
	if a == nil {
		a = &agentPart{FRT: store.ReportHistogram{}}
		p.Agents[name] = a
	}
	return a
}

func (p *dashPart) card(channelID string) *cardPart {
	c := p.Cards[channelID]
	if c == nil {
		c = &cardPart{}
		p.Cards[channelID] = c
	}
	return c
}

func addDuration(h store.ReportHistogram, vals *[]int64, exact bool, ms int64) {
	h.Add(durationBucket(ms), 1, ms)
	if exact {
		*vals = append(*vals, ms)
	}
}

// add counts one collected conversation; its Start is in the part's time
// zone.
func (p *dashPart) add(c *Conversation) {
	exact := !p.approx
	p.Conversations++
	p.RepliesOut += c.Replies
	day := localDay(c.Start)
	p.In[day]++
	wd, h := weekdayHour(c.Start)
	p.Heat[wd*24+h]++
	if c.Sentiment.Valid {
		p.Scored[day]++
		p.Sentiment[day] += c.Sentiment.Float64
	}
	for _, at := range c.replyAt {
		p.Out[localDay(time.UnixMilli(at).In(c.Start.Location()))]++
	}
	if c.Needing {
		p.Needing++
		if c.Acknowledge >= 0 {
			addDuration(p.Ack, &p.ack, exact, c.Acknowledge)
		}
	}
	if c.HasSLAPolicy {
		p.WithPolicy++
		if c.SLABreached {
			p.Breached++
		}
	}
	for _, w := range c.NextResponses {
		addDuration(p.Next, &p.next, exact, w)
	}
	if c.Responded {
		p.Responded++
		p.Bins[BinOf(c.FirstResponse)]++
		if c.Public {
			p.PublicResponded++
			if c.Redirected() {
				p.Redirected++
				p.Reasons[c.RedirectReason]++
			}
		}
		if c.ResolvedAt.Valid {
			p.FirstContactBase++
			if c.FirstContactResolved() {
				p.FirstContact++
			}
		}
	}
	if ch, ok := c.SentimentChange(); ok {
		p.SentimentChanged++
		p.SentimentDelta += ch
		switch {
		case ch > 0:
			p.SentimentImproved++
		case ch < 0:
			p.SentimentWorsened++
		}
	}
	if c.Responded && c.FirstReplier != "" {
		a := p.agent(c.FirstReplier)
		a.Answered++
		addDuration(a.FRT, &a.frt, exact, c.FirstResponse)
		if c.ResolvedAt.Valid {
			a.Resolved++
		}
	}
	for name, n := range c.AgentReplies {
		p.agent(name).Replies += n
	}
	p.card(c.ChannelID).add(c)
}

func (card *cardPart) add(c *Conversation) {
	card.Conversations++
	card.Signed += c.Signed
	card.Attributed += c.Attributed
	card.Named += c.Named
	card.Nameable += c.Nameable
	card.Checked += c.Checked
	card.Passed += c.Passed
	if !c.Needing {
		return
	}
	card.Needing++
	if !c.Responded {
		return
	}
	card.Responded++
	for _, w := range []struct {
		n     *int
		limit int64
	}{{&card.Within5m, 5 * 60_000}, {&card.Within1h, 3600_000}, {&card.Within6h, 6 * 3600_000}} {
		if c.FirstResponse <= w.limit {
			*w.n++
		}
	}
	if c.ResolvedAt.Valid {
		card.Resolved++
		if c.FirstReplyPublic {
			card.ResolvedPublic++
		}
	}
}

func (card *cardPart) merge(o *cardPart) {
	card.Conversations += o.Conversations
	card.Needing += o.Needing
	card.Responded += o.Responded
	card.Within5m += o.Within5m
	card.Within1h += o.Within1h
	card.Within6h += o.Within6h
	card.Resolved += o.Resolved
	card.ResolvedPublic += o.ResolvedPublic
	card.Signed += o.Signed
	card.Attributed += o.Attributed
	card.Named += o.Named
	card.Nameable += o.Nameable
	card.Checked += o.Checked
	card.Passed += o.Passed
}

// merge adds a stored part into p; p's percentiles become approximate.
func (p *dashPart) merge(o *dashPart) {
	p.approx, p.ack, p.next = true, nil, nil
	for _, a := range p.Agents {
		a.frt = nil
	}
	p.Conversations += o.Conversations
	p.RepliesOut += o.RepliesOut
	p.Needing += o.Needing
	p.Responded += o.Responded
	p.FirstContact += o.FirstContact
	p.FirstContactBase += o.FirstContactBase
	p.PublicResponded += o.PublicResponded
	p.Redirected += o.Redirected
	p.WithPolicy += o.WithPolicy
	p.Breached += o.Breached
	p.SentimentChanged += o.SentimentChanged
	p.SentimentImproved += o.SentimentImproved
	p.SentimentWorsened += o.SentimentWorsened
	p.SentimentDelta += o.SentimentDelta
	for i, n := range o.Bins {
		if i < len(p.Bins) {
			p.Bins[i] += n
		}
	}
	p.Ack.Merge(o.Ack)
	p.Next.Merge(o.Next)
	for q, n := range o.In {
		p.In[q] += n
	}
	for q, n := range o.Scored {
		p.Scored[q] += n
	}
	for q, s := range o.Sentiment {
		p.Sentiment[q] += s
	}
	for q, n := range o.Out {
		p.Out[q] += n
	}
	for k, n := range o.Heat {
		p.Heat[k] += n
	}
	for r, n := range o.Reasons {
		p.Reasons[r] += n
	}
	for name, oa := range o.Agents {
		a := p.agent(name)
		a.Answered += oa.Answered
		a.Resolved += oa.Resolved
		a.Replies += oa.Replies
		a.FRT.Merge(oa.FRT)
	}
	for id, oc := range o.Cards {
		p.card(id).merge(oc)
	}
}

// stats are the median and p90 of a timing: exact from the values while the
// part is, from the histogram otherwise.
func (p *dashPart) stats(h store.ReportHistogram, vals []int64) Stats {
	if p.approx {
		return histStats(h)
	}
	return statsOf(vals)
}

func histCount(h store.ReportHistogram) int {
	n := int64(0)
	for _, b := range h {
		n += b.N
	}
	return int(n)
}

// dashboard turns the part into the page's figures for the selection's days
// and time zone; account names a channel id's scorecard row (ok false: the
// channel is gone and its row is left out).
func (p *dashPart) dashboard(d Detail, account func(channelID string) (string, bool)) Dashboard {
	loc := d.Loc
	if loc == nil {
		loc = time.UTC
	}
	b := Dashboard{
		Conversations: p.Conversations, RepliesOut: p.RepliesOut, Needing: p.Needing, Responded: p.Responded,
		FirstContact: p.FirstContact, FirstContactBase: p.FirstContactBase,
		PublicResponded: p.PublicResponded, Redirected: p.Redirected, WithPolicy: p.WithPolicy, Breached: p.Breached,
		SentimentChanged: p.SentimentChanged, SentimentImproved: p.SentimentImproved, SentimentWorsened: p.SentimentWorsened,
	}
	b.Days = daysOf(d.From, d.To, loc)
	dayIndex := make(map[string]int, len(b.Days))
	for i, day := range b.Days {
		dayIndex[day.Date] = i
	}
	local := func(day int64) (int, bool) {
		i, ok := dayIndex[time.UnixMilli(day).In(loc).Format(time.DateOnly)]
		return i, ok
	}
	for day, n := range p.In {
		if i, ok := local(day); ok {
			b.Days[i].In += n
			b.Days[i].Scored += p.Scored[day]
			b.Days[i].sentiments += p.Sentiment[day]
		}
	}
	for day, n := range p.Out {
		if i, ok := local(day); ok {
			b.Days[i].Out += n
		}
	}
	for k, n := range p.Heat {
		if k >= 0 && k < 7*24 {
			b.Heatmap.Cells[k/24][k%24] += n
			b.Heatmap.Max = max(b.Heatmap.Max, b.Heatmap.Cells[k/24][k%24])
		}
	}
	for i := range b.Days {
		if day := &b.Days[i]; day.Scored > 0 {
			day.Sentiment = ptr(day.sentiments / float64(day.Scored))
		}
	}
	b.Histogram = make([]Bin, len(HistogramEdges))
	for i, lo := range HistogramEdges {
		b.Histogram[i] = Bin{Label: histogramLabels[i], Min: lo, Count: p.Bins[i]}
		if i+1 < len(HistogramEdges) {
			b.Histogram[i].Max = HistogramEdges[i+1]
		}
	}
	b.Acknowledge = p.stats(p.Ack, p.ack)
	b.NextResponse, b.NextResponses = p.stats(p.Next, p.next), histCount(p.Next)
	b.FirstContactRate = ratio(b.FirstContact, b.FirstContactBase)
	b.RedirectShare = ratio(b.Redirected, b.PublicResponded)
	for r, n := range p.Reasons {
		if n > 0 {
			b.RedirectReasons = append(b.RedirectReasons, ReasonCount{Reason: r, Count: n})
		}
	}
	slices.SortFunc(b.RedirectReasons, func(x, y ReasonCount) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Reason, y.Reason))
	})
	if b.SentimentChanged > 0 {
		b.SentimentDelta = ptr(p.SentimentDelta / float64(b.SentimentChanged))
	}
	for name, a := range p.Agents {
		b.Agents = append(b.Agents, AgentRow{Name: name, Answered: a.Answered, Resolved: a.Resolved, Replies: a.Replies,
			FirstResponse: p.stats(a.FRT, a.frt)})
	}
	slices.SortFunc(b.Agents, func(x, y AgentRow) int {
		return cmp.Or(cmp.Compare(y.Answered, x.Answered), cmp.Compare(y.Replies, x.Replies), cmp.Compare(x.Name, y.Name))
	})
	cards := map[string]*cardPart{}
	for id, c := range p.Cards {
		name, ok := account(id)
		if !ok {
			continue
		}
		if cards[name] == nil {
			cards[name] = &cardPart{}
		}
		cards[name].merge(c)
	}
	for name, c := range cards {
		b.Scorecard = append(b.Scorecard, c.card(name))
	}
	slices.SortFunc(b.Scorecard, func(x, y AccountCard) int {
		return cmp.Or(cmp.Compare(y.Conversations, x.Conversations), cmp.Compare(x.Account, y.Account))
	})
	return b
}

func (c *cardPart) card(account string) AccountCard {
	return AccountCard{
		Account: account, Conversations: c.Conversations, Needing: c.Needing, Responded: c.Responded,
		ResponseRate: ratio(c.Responded, c.Needing),
		Within5m:     c.Within5m, Within1h: c.Within1h, Within6h: c.Within6h,
		Share5m: ratio(c.Within5m, c.Needing), Share1h: ratio(c.Within1h, c.Needing), Share6h: ratio(c.Within6h, c.Needing),
		Resolved: c.Resolved, ResolvedPublic: c.ResolvedPublic, PublicResolution: ratio(c.ResolvedPublic, c.Resolved),
		Signed: c.Signed, Attributed: c.Attributed, SignatureShare: ratio(c.Signed, c.Attributed),
		Named: c.Named, Nameable: c.Nameable, NameShare: ratio(c.Named, c.Nameable),
		Checked: c.Checked, Passed: c.Passed, CheckShare: ratio(c.Passed, c.Checked),
	}
}
