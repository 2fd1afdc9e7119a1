// Package report computes the service metrics a supervisor reads (response
// rate, first-response and resolution times, public share, SLA attainment)
// over conversations, exports them row by row as CSV, and imports
// conversation history (JSON lines) so that the reports can prove the
// service from day one.
//
// A summary over at most ExactLimit conversations (and any summary with
// filters or business hours) is computed in Go over a stream of rows
// (store.StreamReportRows), exactly: medians and 90th percentiles sort every
// value of the group (see Percentile). Larger ranges read daily roll-ups
// (rollup.go, migration 0016): counts and ratios exact, percentiles from
// duration histograms within 1/32 of the exact value. NOTES.md, "Scale".
package report

import (
	"fmt"
	"net/url"
	"time"

	"github.com/heed-dev/heed/internal/store"
)

// Group-by dimensions of the summary.
const (
	ByAccount     = "account"      // the channel's name (@AskBrand)
	ByChannelType = "channel_type" // x, facebook, webchat…
	ByTeam        = "team"         // the conversation's team; "unassigned" without one
	ByAgent       = "agent"        // the agent who sent the first substantive reply
)

// Keys of conversations that have no value for the dimension.
const (
	KeyAll          = "all"          // no group_by: one group
	KeyUnassigned   = "unassigned"   // group_by=team, no team
	KeyUnanswered   = "unanswered"   // group_by=agent, no substantive reply
	KeyUnattributed = "unattributed" // group_by=agent, the reply has no agent (imported history)
)

// Hours in which durations are counted.
const (
	HoursCalendar = "calendar"
	HoursBusiness = "business" // the workspace's business hours (workspaces.business_hours)
)

// DefaultRange is the span of a report when the query names no from.
const DefaultRange = 30 * 24 * time.Hour

// Query selects and shapes a report.
type Query struct {
	WorkspaceID string
	From, To    time.Time // conversations that started in [From, To)
	GroupBy     string    // one of the By constants, or "" for one group
	Hours       string    // HoursCalendar (default) or HoursBusiness
	ChannelType string
	Account     string
	Public      *bool
	Tag         string // conversations carrying this tag (routing rules set tags)
}

func (q Query) filter() store.ReportFilter {
	return store.ReportFilter{WorkspaceID: q.WorkspaceID, From: q.From, To: q.To, ChannelType: q.ChannelType, Account: q.Account, Public: q.Public, Tag: q.Tag}
}

// QueryError is a problem with a query that its author can fix.
type QueryError struct {
	Field   string
	Message string
}

func (e *QueryError) Error() string { return fmt.Sprintf("report: %s: %s", e.Field, e.Message) }

// ParseQuery reads a report query from URL parameters: from and to
// (RFC 3339; to defaults to now, from to DefaultRange before to), group_by,
// hours (calendar or business), channel_type, account, tag and public
// (true or false). The workspace is the caller's.
func ParseQuery(v url.Values, workspaceID string, now time.Time) (Query, error) {
	q := Query{WorkspaceID: workspaceID, To: now, GroupBy: v.Get("group_by"), Hours: v.Get("hours"),
		ChannelType: v.Get("channel_type"), Account: v.Get("account"), Tag: v.Get("tag")}
	parseTime := func(field string, dst *time.Time) error {
		s := v.Get(field)
		if s == "" {
			return nil
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return &QueryError{Field: field, Message: "must be an RFC 3339 time such as 2026-01-31T00:00:00Z"}
		}
		*dst = t
		return nil
	}
	if err := parseTime("to", &q.To); err != nil {
		return q, err
	}
	q.From = q.To.Add(-DefaultRange)
	if err := parseTime("from", &q.From); err != nil {
		return q, err
	}
	if !q.From.Before(q.To) {
		return q, &QueryError{Field: "from", Message: "must be before to"}
	}
	switch q.GroupBy {
	case "", ByAccount, ByChannelType, ByTeam, ByAgent:
	default:
		return q, &QueryError{Field: "group_by", Message: "must be account, channel_type, team or agent"}
	}
	switch q.Hours {
	case "":
		q.Hours = HoursCalendar
	case HoursCalendar, HoursBusiness:
	default:
		return q, &QueryError{Field: "hours", Message: "must be calendar or business"}
	}
	switch p := v.Get("public"); p {
	case "":
	case "true", "false":
		b := p == "true"
		q.Public = &b
	default:
		return q, &QueryError{Field: "public", Message: "must be true or false"}
	}
	return q, nil
}
