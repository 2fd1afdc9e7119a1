package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/store"
)

// Drill-down buckets name the conversations behind one number of the report
// pages. A bucket is a metric, or kind:value:
//
//	all needing responded unanswered replied acknowledged resolved next fcr fcr_base
//	public_responded redirected sla sla_met breached sentiment improved worsened
//	csat csat_satisfied nps promoters detractors (conversations with such a survey answer)
//	day:YYYY-MM-DD        started that day (time zone of the report)
//	out:YYYY-MM-DD        a reply was sent that day
//	scored:YYYY-MM-DD     started that day and has a sentiment score
//	frt:N                 first response in histogram bin N (responded only)
//	hour:D-H              started on weekday D (0 = Monday) at hour H
//	agent:NAME            responded, first substantive reply by NAME
//	replies:NAME          NAME sent a reply
//	redirected:REASON     public, first answered in private, taken private for
//	                      REASON ("-": no reason given)
//	account:METRIC:NAME   a scorecard cell: METRIC is all, needing, responded,
//	                      5m, 1h, 6h, resolved or resolved_public
var metrics = map[string]func(c *Conversation) bool{
	"all":              func(*Conversation) bool { return true },
	"needing":          func(c *Conversation) bool { return c.Needing },
	"responded":        func(c *Conversation) bool { return c.Responded },
	"unanswered":       func(c *Conversation) bool { return c.Needing && !c.Responded },
	"replied":          func(c *Conversation) bool { return c.Replies > 0 },
	"acknowledged":     func(c *Conversation) bool { return c.Needing && c.Acknowledge >= 0 },
	"resolved":         func(c *Conversation) bool { return c.ResolvedAt.Valid && !c.Spam },
	"next":             func(c *Conversation) bool { return len(c.NextResponses) > 0 },
	"fcr":              (*Conversation).FirstContactResolved,
	"fcr_base":         func(c *Conversation) bool { return c.Responded && c.ResolvedAt.Valid },
	"public_responded": func(c *Conversation) bool { return c.Responded && c.Public },
	"redirected":       (*Conversation).Redirected,
	"first_public":     func(c *Conversation) bool { return c.Responded && c.FirstReplyPublic },
	"sla":              func(c *Conversation) bool { return c.HasSLAPolicy },
	"sla_met":          func(c *Conversation) bool { return c.HasSLAPolicy && !c.SLABreached },
	"breached":         func(c *Conversation) bool { return c.HasSLAPolicy && c.SLABreached },
	"sentiment":        func(c *Conversation) bool { _, ok := c.SentimentChange(); return ok },
	"improved":         func(c *Conversation) bool { d, ok := c.SentimentChange(); return ok && d > 0 },
	"worsened":         func(c *Conversation) bool { d, ok := c.SentimentChange(); return ok && d < 0 },
	"csat":             func(c *Conversation) bool { return c.answered(store.SurveyCSAT, 1, 5) },
	"csat_satisfied":   func(c *Conversation) bool { return c.answered(store.SurveyCSAT, 4, 5) },
	"nps":              func(c *Conversation) bool { return c.answered(store.SurveyNPS, 0, 10) },
	"promoters":        func(c *Conversation) bool { return c.answered(store.SurveyNPS, 9, 10) },
	"detractors":       func(c *Conversation) bool { return c.answered(store.SurveyNPS, 0, 6) },
}

var metricLabels = map[string]string{
	"all": "All conversations", "needing": "Needing a response", "responded": "Responded",
	"unanswered": "Needing a response, unanswered", "replied": "With a reply", "acknowledged": "Needing a response, acknowledged", "resolved": "Resolved",
	"next": "With a next response", "fcr": "Resolved on first contact", "fcr_base": "Resolved after a response",
	"public_responded": "Public, responded", "redirected": "Public, first answered in private",
	"first_public": "First answered in public", "sla": "Under an SLA policy", "sla_met": "SLA kept",
	"breached": "SLA breached", "sentiment": "Sentiment measured twice or more", "improved": "Sentiment improved",
	"worsened": "Sentiment worsened", "csat": "With a CSAT answer", "csat_satisfied": "With a CSAT answer of 4 or 5",
	"nps": "With an NPS answer", "promoters": "With an NPS answer of 9 or 10", "detractors": "With an NPS answer of 0 to 6",
}

var cardMetrics = map[string]func(c *Conversation) bool{
	"all":             func(*Conversation) bool { return true },
	"needing":         func(c *Conversation) bool { return c.Needing },
	"responded":       func(c *Conversation) bool { return c.Responded },
	"5m":              func(c *Conversation) bool { return c.Responded && c.FirstResponse <= 5*60_000 },
	"1h":              func(c *Conversation) bool { return c.Responded && c.FirstResponse <= 3600_000 },
	"6h":              func(c *Conversation) bool { return c.Responded && c.FirstResponse <= 6*3600_000 },
	"resolved":        func(c *Conversation) bool { return c.Responded && c.ResolvedAt.Valid },
	"resolved_public": func(c *Conversation) bool { return c.Responded && c.ResolvedAt.Valid && c.FirstReplyPublic },
}

var cardLabels = map[string]string{
	"all": "all", "needing": "needing a response", "responded": "responded", "5m": "answered within 5 min",
	"1h": "answered within 1 h", "6h": "answered within 6 h", "resolved": "resolved after a response",
	"resolved_public": "resolved, answered in public",
}

// Match returns the predicate of a drill-down bucket and a label for people,
// or a QueryError for an unknown bucket.
func Match(bucket string) (func(c *Conversation) bool, string, error) {
	bad := &QueryError{Field: "bucket", Message: "unknown bucket " + strconv.Quote(bucket)}
	if bucket == "" {
		bucket = "all"
	}
	if f, ok := metrics[bucket]; ok {
		return f, metricLabels[bucket], nil
	}
	kind, value, ok := strings.Cut(bucket, ":")
	if !ok || value == "" {
		return nil, "", bad
	}
	switch kind {
	case "day", "out", "scored":
		if _, err := time.Parse(time.DateOnly, value); err != nil {
			return nil, "", bad
		}
		switch kind {
		case "day":
			return func(c *Conversation) bool { return c.Start.Format(time.DateOnly) == value }, "Started on " + value, nil
		case "out":
			return func(c *Conversation) bool { return slices.Contains(c.ReplyDays, value) }, "With a reply sent on " + value, nil
		}
		return func(c *Conversation) bool { return c.Sentiment.Valid && c.Start.Format(time.DateOnly) == value },
			"Started on " + value + ", with a sentiment score", nil
	case "frt":
		i, err := strconv.Atoi(value)
		if err != nil || i < 0 || i >= len(HistogramEdges) {
			return nil, "", bad
		}
		return func(c *Conversation) bool { return c.Responded && BinOf(c.FirstResponse) == i },
			"First response " + histogramLabels[i], nil
	case "hour":
		ds, hs, _ := strings.Cut(value, "-")
		wd, err1 := strconv.Atoi(ds)
		h, err2 := strconv.Atoi(hs)
		if err1 != nil || err2 != nil || wd < 0 || wd > 6 || h < 0 || h > 23 {
			return nil, "", bad
		}
		return func(c *Conversation) bool { w, hh := weekdayHour(c.Start); return w == wd && hh == h },
			fmt.Sprintf("Started on a %s, %02d:00–%02d:59", Weekdays[wd], h, h), nil
	case "redirected":
		reason := value
		if reason == "-" {
			reason = ""
		}
		return func(c *Conversation) bool { return c.Redirected() && c.RedirectReason == reason },
			"Public, first answered in private: " + RedirectReasonLabel(reason), nil
	case "agent":
		return func(c *Conversation) bool { return c.Responded && c.FirstReplier == value },
			"First answered by " + value, nil
	case "replies":
		return func(c *Conversation) bool { return c.AgentReplies[value] > 0 }, "Replied to by " + value, nil
	case "account":
		metric, name, ok := strings.Cut(value, ":")
		f := cardMetrics[metric]
		if !ok || f == nil {
			return nil, "", bad
		}
		return func(c *Conversation) bool { return c.Account == name && f(c) }, name + ": " + cardLabels[metric], nil
	}
	return nil, "", bad
}

// NarrowFor narrows a selection to what a bucket can hold, so that a
// drill-down into one day of a year's report reads that day's
// conversations only: day and scored buckets keep the conversations started
// on their local day.
func NarrowFor(d Detail, bucket string) Detail {
	kind, value, _ := strings.Cut(bucket, ":")
	if kind != "day" && kind != "scored" {
		return d
	}
	loc := d.Loc
	if loc == nil {
		loc = time.UTC
	}
	day, err := time.ParseInLocation(time.DateOnly, value, loc)
	if err != nil {
		return d
	}
	if from := day; from.After(d.From) {
		d.From = from
	}
	if to := day.AddDate(0, 0, 1); to.Before(d.To) {
		d.To = to
	}
	if !d.From.Before(d.To) {
		d.To = d.From // nothing: the day is outside the range
	}
	return d
}

// needsMessages tells the buckets whose predicate reads facts of the message
// pass (replies, next responses, sentiment change); unknown ones say yes.
func needsMessages(bucket string) bool {
	kind, _, _ := strings.Cut(bucket, ":")
	switch kind {
	case "", "all", "needing", "responded", "unanswered", "acknowledged", "resolved", "fcr_base", "public_responded",
		"redirected", "first_public", "sla", "sla_met", "breached", "day", "scored", "frt", "hour", "agent", "account",
		"csat", "csat_satisfied", "nps", "promoters", "detractors":
		return false
	}
	return true
}

// Filter keeps the conversations of a bucket.
func Filter(convs []*Conversation, match func(*Conversation) bool) []*Conversation {
	var out []*Conversation
	for _, c := range convs {
		if match(c) {
			out = append(out, c)
		}
	}
	return out
}

// RedirectReasonLabel names a redirect reason for people.
func RedirectReasonLabel(key string) string { return inbox.RedirectReasonLabel(key) }
