package report

import (
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

	PublicResponded int           // public conversations that got a response
	Redirected      int           // of those, answered first in private
	RedirectShare   *float64      // Redirected / PublicResponded
	RedirectReasons []ReasonCount // Redirected by the reason given when they were taken private, most first

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

// ReasonCount is how many redirected conversations were taken private for
// one reason (an inbox.RedirectReasons key; "" when none was given).
type ReasonCount struct {
	Reason string
	Count  int
}

// Day is one day (in the report's time zone) of the trends.
type Day struct {
	Date       string // YYYY-MM-DD
	In         int    // conversations started
	Out        int    // replies sent that day (holding ones included) in the selected conversations
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
	Checked, Passed           int      // replies sent through the composer's checks, and of those the ones without a warning
	CheckShare                *float64 // Passed / Checked
}

// Build computes the dashboard of collected conversations over the
// selection's days, exactly.
func Build(convs []*Conversation, d Detail) Dashboard {
	p := newDashPart()
	names := map[string]string{}
	for _, c := range convs {
		p.add(c)
		names[c.ChannelID] = c.Account
	}
	return p.dashboard(d, func(id string) (string, bool) {
		n, ok := names[id]
		return n, ok
	})
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
