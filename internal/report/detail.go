package report

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/sla"
	"github.com/heed-dev/heed/internal/store"
)

// Detail is the selection of the report pages: a summary Query plus the
// filters the summary does not know (team, and the agent of the first
// substantive reply) and the time zone that days and hours are read in.
type Detail struct {
	Query
	Team  string // team name, KeyUnassigned for none; "" for every team
	Agent string // first replier's name (as group_by=agent keys it); "" for everyone
	Loc   *time.Location
}

// ParseDetail reads a Detail from URL parameters: those of ParseQuery plus
// team and agent. Dates may be given as from_date and to_date (YYYY-MM-DD in
// loc, to_date inclusive) instead of from and to; loc is the workspace's
// time zone (see Location).
func ParseDetail(v url.Values, workspaceID string, now time.Time, loc *time.Location) (Detail, error) {
	if loc == nil {
		loc = time.UTC
	}
	v2 := url.Values{}
	for k, vs := range v {
		v2[k] = vs
	}
	for _, p := range []struct{ field, target string }{{"from_date", "from"}, {"to_date", "to"}} {
		s := v.Get(p.field)
		if s == "" {
			continue
		}
		d, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return Detail{}, &QueryError{Field: p.field, Message: "must be a date such as 2026-01-31"}
		}
		if p.field == "to_date" {
			d = d.AddDate(0, 0, 1) // inclusive: up to the end of that day
		}
		v2.Set(p.target, d.Format(time.RFC3339))
	}
	q, err := ParseQuery(v2, workspaceID, now)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Query: q, Team: v.Get("team"), Agent: v.Get("agent"), Loc: loc}
	if d.Team != "" && d.Agent != "" {
		return d, &QueryError{Field: "agent", Message: "filter by a team or by an agent, not both"}
	}
	return d, nil
}

// Values is the URL form of the selection (from and to as RFC 3339), what
// ParseDetail reads back; links from the report pages carry it.
func (d Detail) Values() url.Values {
	v := url.Values{}
	v.Set("from", d.From.UTC().Format(time.RFC3339Nano))
	v.Set("to", d.To.UTC().Format(time.RFC3339Nano))
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	if d.Hours != HoursCalendar {
		set("hours", d.Hours)
	}
	set("channel_type", d.ChannelType)
	set("account", d.Account)
	set("tag", d.Tag)
	if d.Public != nil {
		v.Set("public", fmt.Sprint(*d.Public))
	}
	set("team", d.Team)
	set("agent", d.Agent)
	return v
}

// Location is the workspace's time zone: the one of its business hours, UTC
// without them.
func Location(ctx context.Context, st *store.Store, workspaceID string) (*time.Location, error) {
	ws, err := st.GetWorkspace(ctx, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("report: workspace: %w", err)
	}
	if ws.BusinessHours == "" {
		return time.UTC, nil
	}
	var sched sla.Schedule
	if err := json.Unmarshal([]byte(ws.BusinessHours), &sched); err != nil || sched.TimeZone == "" {
		return time.UTC, nil //nolint:nilerr // a broken schedule is reported where it is used; days fall back to UTC
	}
	loc, err := time.LoadLocation(sched.TimeZone)
	if err != nil {
		return time.UTC, nil //nolint:nilerr // as above
	}
	return loc, nil
}

// Conversation is one conversation of a report with every fact the detail
// figures and drill-down lists read. Durations are ms in the query's hours;
// -1 when the event did not happen.
type Conversation struct {
	store.ReportRow
	Customer string
	Start    time.Time // CreatedAt in the report's time zone

	FirstResponse, Acknowledge, Resolution int64
	Needing, Responded                     bool

	Replies            int                 // outbound messages, holding ones included
	Substantive        int                 // outbound messages that are not holding
	ReplyDays          []string            // local dates (YYYY-MM-DD) on which a reply was sent, distinct
	NextResponses      []int64             // customer message after a substantive reply → next substantive reply
	FirstSentiment     *float64            // of the first analysed customer message
	LastSentiment      *float64            // of the last analysed customer message
	Signed, Attributed int                 // substantive replies by an agent, and of those the ones ending with the signature
	Named, Nameable    int                 // substantive replies to a named customer, and of those the ones using the first name
	AgentReplies       map[string]int      // replies (holding included) per agent name
	Surveys            []store.SurveyScore // answered CSAT/NPS surveys
	Checked, Passed    int                 // replies sent through the composer's checks, and of those the ones without a warning

	analysed int     // customer messages with a sentiment
	replyAt  []int64 // when each reply was sent (unix ms)
}

// TeamKey is the conversation's team as group_by=team keys it.
func (c *Conversation) TeamKey() string {
	if c.Team == "" {
		return KeyUnassigned
	}
	return c.Team
}

// AgentKey is the agent of the first substantive reply as group_by=agent
// keys it.
func (c *Conversation) AgentKey() string {
	switch {
	case !c.FirstResponseAt.Valid:
		return KeyUnanswered
	case c.FirstReplier == "":
		return KeyUnattributed
	}
	return c.FirstReplier
}

// Redirected is a public conversation whose first substantive reply went
// private (moved to a DM).
func (c *Conversation) Redirected() bool { return c.Responded && c.Public && !c.FirstReplyPublic }

// FirstContactResolved is a resolved conversation that needed a response and
// was closed with one substantive reply: the customer did not have to come
// back.
func (c *Conversation) FirstContactResolved() bool {
	return c.Needing && c.Responded && c.ResolvedAt.Valid && c.Substantive == 1
}

// answered tells whether the conversation has a survey answer of kind with
// a score in [lo, hi].
func (c *Conversation) answered(kind string, lo, hi int) bool {
	for _, s := range c.Surveys {
		if s.Kind == kind && s.Score >= lo && s.Score <= hi {
			return true
		}
	}
	return false
}

// SentimentChange is the last analysed customer message's score minus the
// first's; ok is false with fewer than two analysed customer messages.
func (c *Conversation) SentimentChange() (float64, bool) {
	if c.FirstSentiment == nil || c.LastSentiment == nil || c.analysed < 2 {
		return 0, false
	}
	return *c.LastSentiment - *c.FirstSentiment, true
}

// Collect reads every conversation of the selection with its facts, oldest
// first. It streams the conversations, reads their answered surveys, then
// streams their messages, and holds the selected conversations in memory.
func Collect(ctx context.Context, st *store.Store, d Detail) ([]*Conversation, error) {
	return collect(ctx, st, d, true)
}

// CollectFor is Collect for one drill-down bucket: it skips the message
// pass (two thirds of the work) when the bucket reads no message facts.
func CollectFor(ctx context.Context, st *store.Store, d Detail, bucket string) ([]*Conversation, error) {
	return collect(ctx, st, d, needsMessages(bucket))
}

func collect(ctx context.Context, st *store.Store, d Detail, messages bool) ([]*Conversation, error) {
	if d.Loc == nil {
		d.Loc = time.UTC
	}
	dur, err := hoursFunc(ctx, st, d.Query)
	if err != nil {
		return nil, err
	}
	sigs, err := st.Signatures(ctx, d.WorkspaceID)
	if err != nil {
		return nil, fmt.Errorf("report: signatures: %w", err)
	}
	f := d.filter()
	var out []*Conversation
	var ids []string
	byID := map[string]*Conversation{}
	err = st.StreamReportRows(ctx, f, func(r *store.ReportRow) error {
		c := &Conversation{ReportRow: *r, Customer: r.Customer, Start: time.UnixMilli(r.CreatedAt).In(d.Loc), FirstResponse: -1, Acknowledge: -1, Resolution: -1,
			AgentReplies: map[string]int{}}
		if d.Team != "" && c.TeamKey() != d.Team || d.Agent != "" && c.AgentKey() != d.Agent {
			return nil
		}
		c.Needing = r.NeedsResponse && !r.Spam
		c.Responded = c.Needing && r.FirstResponseAt.Valid
		if r.FirstResponseAt.Valid {
			c.FirstResponse = dur(r.CreatedAt, r.FirstResponseAt.Int64)
		}
		if r.AcknowledgedAt.Valid {
			c.Acknowledge = dur(r.CreatedAt, r.AcknowledgedAt.Int64)
		}
		if r.ResolvedAt.Valid {
			c.Resolution = dur(r.CreatedAt, r.ResolvedAt.Int64)
		}
		out = append(out, c)
		ids = append(ids, r.ID)
		byID[r.ID] = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	scores, err := st.ListSurveyScores(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("report: survey scores: %w", err)
	}
	for _, sc := range scores {
		if c := byID[sc.ConversationID]; c != nil {
			c.Surveys = append(c.Surveys, sc)
		}
	}
	if !messages {
		return out, nil
	}
	var cur *Conversation
	var waitingSince int64 = -1 // a customer message after a substantive reply, not yet answered
	answered := false           // a substantive reply has been sent
	err = st.StreamReportMessages(ctx, ids, func(m *store.ReportMessage) error {
		c := byID[m.ConversationID]
		if c == nil {
			return nil
		}
		if c != cur {
			cur, waitingSince, answered = c, -1, false
		}
		if m.Direction == model.DirectionIn {
			if s, ok := sentimentOf(m.Analysis); ok {
				if c.FirstSentiment == nil {
					c.FirstSentiment = &s
				}
				c.LastSentiment = &s
				c.analysed++
			}
			if answered && waitingSince < 0 {
				waitingSince = m.CreatedAt
			}
			return nil
		}
		c.Replies++
		c.replyAt = append(c.replyAt, m.CreatedAt)
		if m.ChecksPassed.Valid {
			c.Checked++
			if m.ChecksPassed.Bool {
				c.Passed++
			}
		}
		if m.AuthorAgent != "" {
			c.AgentReplies[m.AuthorAgent]++
		}
		day := time.UnixMilli(m.CreatedAt).In(d.Loc).Format(time.DateOnly)
		if n := len(c.ReplyDays); n == 0 || c.ReplyDays[n-1] != day {
			c.ReplyDays = append(c.ReplyDays, day)
		}
		if m.Holding {
			return nil
		}
		c.Substantive++
		if waitingSince >= 0 {
			c.NextResponses = append(c.NextResponses, dur(waitingSince, m.CreatedAt))
			waitingSince = -1
		}
		answered = true
		if m.AuthorAgent != "" {
			if tpl := strings.TrimSpace(sigs[c.ChannelType]); tpl != "" {
				c.Attributed++
				sig := inbox.ExpandSavedReply(tpl, model.Conversation{CustomerName: c.Customer}, model.Agent{Name: m.AuthorAgent})
				if strings.HasSuffix(strings.TrimSpace(m.Text), sig) {
					c.Signed++
				}
			}
		}
		if first := firstName(c.Customer); first != "" {
			c.Nameable++
			if containsWord(m.Text, first) {
				c.Named++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sentimentOf reads the compound score from a stored analysis.
func sentimentOf(analysis string) (float64, bool) {
	if analysis == "" {
		return 0, false
	}
	var a struct {
		Sentiment *struct {
			Compound float64 `json:"compound"`
		} `json:"sentiment"`
	}
	if json.Unmarshal([]byte(analysis), &a) != nil || a.Sentiment == nil {
		return 0, false
	}
	return a.Sentiment.Compound, true
}

// firstName is the first word of a customer's name, "" when the name is
// only a handle (@jo) or empty: a reply cannot be expected to use those.
func firstName(name string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(name), " ")
	if first == "" || strings.HasPrefix(first, "@") {
		return ""
	}
	return first
}

// containsWord reports whether text holds word as a whole word, ignoring case.
func containsWord(text, word string) bool {
	lt, lw := strings.ToLower(text), strings.ToLower(word)
	for i := 0; ; {
		j := strings.Index(lt[i:], lw)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(lw)
		if (start == 0 || !isWordByte(lt[start-1])) && (end == len(lt) || !isWordByte(lt[end])) {
			return true
		}
		i = start + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_' || b >= 0x80
}

// hoursFunc returns how long (ms) passed between two unix-ms times in the
// query's hours, never negative. It mirrors the summary's rule (a workspace
// without business hours gets a QueryError for hours=business).
func hoursFunc(ctx context.Context, st *store.Store, q Query) (func(from, to int64) int64, error) {
	if q.Hours != HoursBusiness {
		return func(from, to int64) int64 { return max(to-from, 0) }, nil
	}
	ws, err := st.GetWorkspace(ctx, q.WorkspaceID)
	if err != nil {
		return nil, fmt.Errorf("report: business hours: %w", err)
	}
	if ws.BusinessHours == "" {
		return nil, &QueryError{Field: "hours", Message: "the workspace has no business hours; set them first"}
	}
	var sched sla.Schedule
	if err := json.Unmarshal([]byte(ws.BusinessHours), &sched); err != nil {
		return nil, fmt.Errorf("report: stored business hours: %w", err)
	}
	bh, err := sla.NewBusinessHours(sched)
	if err != nil {
		return nil, fmt.Errorf("report: stored business hours: %w", err)
	}
	return func(from, to int64) int64 {
		return max(sla.BusinessDurationBetween(time.UnixMilli(from), time.UnixMilli(to), bh).Milliseconds(), 0)
	}, nil
}
