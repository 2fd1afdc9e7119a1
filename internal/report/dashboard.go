package report

import (
	"cmp"
	"slices"
	"time"
)

// Dashboard is what the reports page shows beyond the summary's tiles:
// volume, the extra timings, trends by day, the first-response histogram,
// the busiest hours, the per-agent table and the per-account scorecard.
// Every count has a drill-down bucket (see Match) listing its conversations.
type Dashboard struct {
	Conversations int // started in the range (volume in)
	RepliesOut    int // replies sent in those conversations, holding ones included (volume out)
	Needing       int // needing a response (not spam, needs_response)
	Responded     int

	Acknowledge   Stats // first reply of any kind, over the conversations needing a response that got one
	NextResponse  Stats // customer message after a substantive reply → next substantive reply, over every such wait
	NextResponses int   // how many such waits were answered

	FirstContact     int      // resolved with one substantive reply (see Conversation.FirstContactResolved)
	FirstContactBase int      // resolved conversations that needed and got a response
	FirstContactRate *float64 // FirstContact / FirstContactBase

	PublicResponded int      // public conversations that got a response
	Redirected      int      // of those, answered first in private
	RedirectShare   *float64 // Redirected / PublicResponded

	WithPolicy int // under an SLA policy
	Breached   int // of those, breached

	SentimentChanged  int      // conversations with two or more analysed customer messages
	SentimentImproved int      // of those, last score above the first
	SentimentWorsened int      // of those, last score below the first
	SentimentDelta    *float64 // mean of last − first over SentimentChanged

	Days      []Day
	Histogram []Bin
	Heatmap   Heatmap
	Agents    []AgentRow
	Scorecard []AccountCard
}

// Day is one day (in the report's time zone) of the trends.
type Day struct {
	Date       string // YYYY-MM-DD
	In         int    // conversations started
	Out        int    // conversations with a reply sent that day
	Scored     int    // conversations started that day with a sentiment score
	Sentiment  *float64
	sentiments float64
}

// Bin is one bar of the first-response histogram: responded conversations
// whose first response took [Min, Max) seconds (Max 0: no upper bound).
type Bin struct {
	Label    string
	Min, Max int64
	Count    int
}

// HistogramEdges are the histogram's bin edges in seconds, after the service
// targets the design lists (5 min IM, 15 and 30 min X, 1 h, same business day,
// 24 h).
var HistogramEdges = []int64{0, 300, 900, 1800, 3600, 7200, 6 * 3600, 24 * 3600}

var histogramLabels = []string{"< 5 min", "5–15 min", "15–30 min", "30 min–1 h", "1–2 h", "2–6 h", "6–24 h", "≥ 24 h"}

// Heatmap counts the conversations started per weekday (0 = Monday) and hour
// (0–23) in the report's time zone, for staffing.
type Heatmap struct {
	Cells [7][24]int
	Max   int
}

// Weekdays names the heatmap's rows.
var Weekdays = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// AgentRow is one agent of the per-agent table: the responded conversations
// (as the summary counts them) whose first substantive reply they wrote, and
// every reply they sent.
type AgentRow struct {
	Name          string
	Answered      int // first substantive replies
	FirstResponse Stats
	Resolved      int // of Answered, resolved
	Replies       int // every reply sent in the range's conversations
	frt           []int64
}

// AccountCard is one account's scorecard. Shares within a time are of the
// conversations needing a response; Signature and Name are of substantive
// replies written by an agent (Signature: when the channel type has a
// signature template) or to a customer with a name.
type AccountCard struct {
	Account                   string
	Conversations, Needing    int
	Responded                 int
	ResponseRate              *float64
	Within5m, Within1h        int
	Within6h                  int
	Share5m, Share1h, Share6h *float64
	Resolved                  int // resolved, needing a response, answered
	ResolvedPublic            int // of those, answered first in public
	PublicResolution          *float64
	Signed, Attributed        int
	SignatureShare            *float64
	Named, Nameable           int
	NameShare                 *float64
}

// Build computes the dashboard of collected conversations over the
// selection's days.
func Build(convs []*Conversation, d Detail) Dashboard {
	loc := d.Loc
	if loc == nil {
		loc = time.UTC
	}
	var b Dashboard
	b.Days = daysOf(d.From, d.To, loc)
	dayIndex := make(map[string]int, len(b.Days))
	for i, day := range b.Days {
		dayIndex[day.Date] = i
	}
	b.Histogram = make([]Bin, len(HistogramEdges))
	for i, lo := range HistogramEdges {
		b.Histogram[i] = Bin{Label: histogramLabels[i], Min: lo}
		if i+1 < len(HistogramEdges) {
			b.Histogram[i].Max = HistogramEdges[i+1]
		}
	}
	var ack, next []int64
	var delta float64
	agents := map[string]*AgentRow{}
	agent := func(name string) *AgentRow {
		a := agents[name]
		if a == nil {
			a = &AgentRow{Name: name}
			agents[name] = a
		}
		return a
	}
	cards := map[string]*AccountCard{}
	for _, c := range convs {
		b.Conversations++
		b.RepliesOut += c.Replies
		if i, ok := dayIndex[c.Start.Format(time.DateOnly)]; ok {
			day := &b.Days[i]
			day.In++
			if c.Sentiment.Valid {
				day.Scored++
				day.sentiments += c.Sentiment.Float64
			}
		}
		for _, rd := range c.ReplyDays {
			if i, ok := dayIndex[rd]; ok {
				b.Days[i].Out++
			}
		}
		wd, h := weekdayHour(c.Start)
		b.Heatmap.Cells[wd][h]++
		b.Heatmap.Max = max(b.Heatmap.Max, b.Heatmap.Cells[wd][h])
		if c.Needing {
			b.Needing++
		}
		if c.HasSLAPolicy {
			b.WithPolicy++
			if c.SLABreached {
				b.Breached++
			}
		}
		if c.Needing && c.Acknowledge >= 0 {
			ack = append(ack, c.Acknowledge)
		}
		next = append(next, c.NextResponses...)
		if c.Responded {
			b.Responded++
			b.Histogram[BinOf(c.FirstResponse)].Count++
			if c.Public {
				b.PublicResponded++
				if c.Redirected() {
					b.Redirected++
				}
			}
			if c.ResolvedAt.Valid {
				b.FirstContactBase++
				if c.FirstContactResolved() {
					b.FirstContact++
				}
			}
		}
		if ch, ok := c.SentimentChange(); ok {
			b.SentimentChanged++
			delta += ch
			switch {
			case ch > 0:
				b.SentimentImproved++
			case ch < 0:
				b.SentimentWorsened++
			}
		}
		if c.Responded && c.FirstReplier != "" {
			a := agent(c.FirstReplier)
			a.Answered++
			a.frt = append(a.frt, c.FirstResponse)
			if c.ResolvedAt.Valid {
				a.Resolved++
			}
		}
		for name, n := range c.AgentReplies {
			agent(name).Replies += n
		}
		card := cards[c.Account]
		if card == nil {
			card = &AccountCard{Account: c.Account}
			cards[c.Account] = card
		}
		card.add(c)
	}
	for i := range b.Days {
		day := &b.Days[i]
		if day.Scored > 0 {
			day.Sentiment = ptr(day.sentiments / float64(day.Scored))
		}
	}
	b.Acknowledge, b.NextResponse, b.NextResponses = statsOf(ack), statsOf(next), len(next)
	b.FirstContactRate = ratio(b.FirstContact, b.FirstContactBase)
	b.RedirectShare = ratio(b.Redirected, b.PublicResponded)
	if b.SentimentChanged > 0 {
		b.SentimentDelta = ptr(delta / float64(b.SentimentChanged))
	}
	for _, a := range agents {
		a.FirstResponse = statsOf(a.frt)
		b.Agents = append(b.Agents, *a)
	}
	slices.SortFunc(b.Agents, func(x, y AgentRow) int {
		return cmp.Or(cmp.Compare(y.Answered, x.Answered), cmp.Compare(y.Replies, x.Replies), cmp.Compare(x.Name, y.Name))
	})
	for _, card := range cards {
		card.finish()
		b.Scorecard = append(b.Scorecard, *card)
	}
	slices.SortFunc(b.Scorecard, func(x, y AccountCard) int {
		return cmp.Or(cmp.Compare(y.Conversations, x.Conversations), cmp.Compare(x.Account, y.Account))
	})
	return b
}

func (card *AccountCard) add(c *Conversation) {
	card.Conversations++
	card.Signed += c.Signed
	card.Attributed += c.Attributed
	card.Named += c.Named
	card.Nameable += c.Nameable
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

func (card *AccountCard) finish() {
	card.ResponseRate = ratio(card.Responded, card.Needing)
	card.Share5m = ratio(card.Within5m, card.Needing)
	card.Share1h = ratio(card.Within1h, card.Needing)
	card.Share6h = ratio(card.Within6h, card.Needing)
	card.PublicResolution = ratio(card.ResolvedPublic, card.Resolved)
	card.SignatureShare = ratio(card.Signed, card.Attributed)
	card.NameShare = ratio(card.Named, card.Nameable)
}

// BinOf is the histogram bin of a first response of ms milliseconds.
func BinOf(ms int64) int {
	s := ms / 1000
	i, _ := slices.BinarySearch(HistogramEdges, s+1) // the last edge ≤ s
	return max(i-1, 0)
}

// weekdayHour places a local time in the heatmap (Monday first).
func weekdayHour(t time.Time) (int, int) {
	return (int(t.Weekday()) + 6) % 7, t.Hour()
}

// maxDays bounds the day buckets of one report (a year and a bit).
const maxDays = 400

// daysOf lists the local days that [from, to) touches, at most maxDays (the
// latest ones).
func daysOf(from, to time.Time, loc *time.Location) []Day {
	start := from.In(loc)
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc)
	var out []Day
	for ; day.Before(to); day = day.AddDate(0, 0, 1) {
		out = append(out, Day{Date: day.Format(time.DateOnly)})
	}
	if len(out) > maxDays {
		out = out[len(out)-maxDays:]
	}
	return out
}
