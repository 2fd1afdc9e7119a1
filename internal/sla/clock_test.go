package sla

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// Timelines on Monday 2026-06-01 (a business day), UTC unless stated.
func mon(hhmm string) time.Time { return utc("2026-06-01 " + hhmm) }

func ev(k EventKind, at time.Time) Event { return Event{Kind: k, At: at} }

// crossed renders crossings as "key@15:04" (with the date when not Monday).
func crossed(st Status) []string {
	var out []string
	for _, c := range st.Crossed {
		at := c.At.UTC().Format("01-02 15:04")
		at = strings.TrimPrefix(at, "06-01 ")
		out = append(out, c.Key+"@"+at)
	}
	return out
}

func TestClockEvaluate(t *testing.T) {
	ps := DefaultPolicies()
	x := Clock{Policy: PolicyFor(ps, ChannelX)}
	xHours := Clock{Policy: PolicyFor(ps, ChannelX), Hours: berlinOffice()}
	xHours.Policy.BusinessHoursOnly = true
	review := Clock{Policy: PolicyFor(ps, ChannelReviews), Hours: berlinOffice()}
	noResolution := x
	noResolution.Policy.Resolution = Target{}
	b := func(s string) time.Time { return wall(berlin, s) }
	cm, hold, reply, wait, resumed, resolved := EventCustomerMessage, EventHoldingReply, EventReply, EventWaitingOnCustomer, EventResumed, EventResolved

	tests := []struct {
		name        string
		clock       Clock
		events      []Event
		now         time.Time
		first, next Due
		resolution  Due
		crossed     []string
		nextCheck   time.Time
	}{
		{
			name: "X post at 09:00, read at 09:10", clock: x,
			events: []Event{ev(cm, mon("09:00"))}, now: mon("09:10"),
			first:      Due{mon("09:15"), mon("09:30")},
			resolution: Due{mon("09:00").Add(24 * time.Hour), mon("09:00").Add(72 * time.Hour)},
			nextCheck:  mon("09:15"),
		},
		{
			name: "X post warns at 09:15", clock: x,
			events: []Event{ev(cm, mon("09:00"))}, now: mon("09:15"),
			first:      Due{mon("09:15"), mon("09:30")},
			resolution: Due{mon("09:00").Add(24 * time.Hour), mon("09:00").Add(72 * time.Hour)},
			crossed:    []string{"first_response:warn@09:15"},
			nextCheck:  mon("09:30"),
		},
		{
			name: "X post breaches at 09:30 unanswered", clock: noResolution,
			events: []Event{ev(cm, mon("09:00"))}, now: mon("09:30"),
			first:   Due{mon("09:15"), mon("09:30")},
			crossed: []string{"first_response:warn@09:15", "first_response:breach@09:30"},
		},
		{
			name: "substantive reply at 09:20: warned, not breached", clock: noResolution,
			events: []Event{ev(cm, mon("09:00")), ev(reply, mon("09:20"))}, now: mon("12:00"),
			crossed: []string{"first_response:warn@09:15"},
		},
		{
			name: "reply at 09:10 meets both thresholds", clock: noResolution,
			events: []Event{ev(cm, mon("09:00")), ev(reply, mon("09:10"))}, now: mon("12:00"),
		},
		{
			name: "reply exactly at the maximum is on time", clock: noResolution,
			events: []Event{ev(cm, mon("09:00")), ev(reply, mon("09:30"))}, now: mon("12:00"),
			crossed: []string{"first_response:warn@09:15"},
		},
		{
			name: "a holding reply at 09:10 does not stop the response clock", clock: noResolution,
			events: []Event{ev(cm, mon("09:00")), ev(hold, mon("09:10"))}, now: mon("09:31"),
			first:   Due{mon("09:15"), mon("09:30")},
			crossed: []string{"first_response:warn@09:15", "first_response:breach@09:30"},
		},
		{
			name: "waiting on the customer pauses, the customer's reply resumes", clock: x,
			events: []Event{ev(cm, mon("09:00")), ev(wait, mon("09:10")), ev(cm, mon("11:00"))}, now: mon("11:02"),
			first:      Due{mon("11:05"), mon("11:20")},
			resolution: Due{mon("09:00").Add(24*time.Hour + 110*time.Minute), mon("09:00").Add(72*time.Hour + 110*time.Minute)},
			nextCheck:  mon("11:05"),
		},
		{
			name: "while paused nothing is due", clock: x,
			events: []Event{ev(cm, mon("09:00")), ev(wait, mon("09:10"))}, now: mon("23:00"),
		},
		{
			name: "pausing exactly at the threshold crosses it", clock: x,
			events: []Event{ev(cm, mon("09:00")), ev(wait, mon("09:15"))}, now: mon("10:00"),
			crossed: []string{"first_response:warn@09:15"},
		},
		{
			name: "an agent resumes the clocks", clock: noResolution,
			events: []Event{ev(cm, mon("09:00")), ev(wait, mon("09:05")), ev(resumed, mon("09:30"))}, now: mon("09:31"),
			first:     Due{mon("09:40"), mon("09:55")},
			nextCheck: mon("09:40"),
		},
		{
			name: "the customer writes again: next-response clock", clock: noResolution,
			events: []Event{ev(cm, mon("09:00")), ev(reply, mon("09:10")), ev(cm, mon("10:00"))}, now: mon("10:20"),
			next:      Due{mon("10:15"), mon("10:30")},
			crossed:   []string{"next_response:warn@10:15"},
			nextCheck: mon("10:30"),
		},
		{
			name: "second next-response cycle has its own keys", clock: noResolution,
			events: []Event{
				ev(cm, mon("09:00")), ev(reply, mon("09:10")),
				ev(cm, mon("10:00")), ev(reply, mon("10:25")),
				ev(cm, mon("11:00")),
			}, now: mon("11:40"),
			next:    Due{mon("11:15"), mon("11:30")},
			crossed: []string{"next_response:warn@10:15", "next_response:2:warn@11:15", "next_response:2:breach@11:30"},
		},
		{
			name: "several messages before a reply: the earliest counts", clock: noResolution,
			events: []Event{ev(cm, mon("09:00")), ev(reply, mon("09:05")), ev(cm, mon("10:00")), ev(cm, mon("10:10"))}, now: mon("10:12"),
			next:      Due{mon("10:15"), mon("10:30")},
			nextCheck: mon("10:15"),
		},
		{
			name: "resolved stops every clock", clock: x,
			events: []Event{ev(cm, mon("09:00")), ev(resolved, mon("09:05"))}, now: mon("23:00"),
		},
		{
			name: "a message after resolution reopens", clock: x,
			events: []Event{ev(cm, mon("09:00")), ev(reply, mon("09:05")), ev(resolved, mon("09:10")), ev(cm, mon("12:00"))}, now: mon("12:01"),
			next:       Due{mon("12:15"), mon("12:30")},
			resolution: Due{mon("12:00").Add(24 * time.Hour), mon("12:00").Add(72 * time.Hour)},
			nextCheck:  mon("12:15"),
		},
		{
			name: "resolution pauses while waiting", clock: x,
			events:     []Event{ev(cm, mon("09:00")), ev(reply, mon("09:05")), ev(wait, mon("10:00")), ev(cm, utc("2026-06-02 10:00"))},
			now:        utc("2026-06-02 10:01"),
			next:       Due{utc("2026-06-02 10:15"), utc("2026-06-02 10:30")},
			resolution: Due{utc("2026-06-03 09:00"), utc("2026-06-05 09:00")},
			nextCheck:  utc("2026-06-02 10:15"),
		},
		{
			name: "resolution warns and breaches", clock: x,
			events: []Event{ev(cm, mon("09:00")), ev(reply, mon("09:05"))}, now: utc("2026-06-05 09:00"),
			resolution: Due{utc("2026-06-02 09:00"), utc("2026-06-04 09:00")},
			crossed:    []string{"resolution:warn@06-02 09:00", "resolution:breach@06-04 09:00"},
		},
		{
			name: "business hours only: Friday evening post is due Monday", clock: xHours,
			events: []Event{ev(cm, b("2026-06-05 17:50"))}, now: b("2026-06-05 18:30"),
			first:      Due{b("2026-06-08 09:05"), b("2026-06-08 09:20")},
			resolution: Due{b("2026-06-10 17:50"), b("2026-06-18 17:50")},
			nextCheck:  b("2026-06-08 09:05"),
		},
		{
			name: "same business day: warn at the close, maximum 24 h", clock: review,
			events: []Event{ev(cm, b("2026-06-01 10:00"))}, now: b("2026-06-01 10:01"),
			first:      Due{b("2026-06-01 18:00"), b("2026-06-02 10:00")},
			resolution: Due{b("2026-06-02 10:00"), b("2026-06-04 10:00")},
			nextCheck:  b("2026-06-01 18:00"),
		},
		{
			name: "same business day: Saturday post, the warning is clamped to the maximum", clock: review,
			events: []Event{ev(cm, b("2026-06-06 11:00"))}, now: b("2026-06-06 11:01"),
			first:      Due{b("2026-06-07 11:00"), b("2026-06-07 11:00")},
			resolution: Due{b("2026-06-07 11:00"), b("2026-06-09 11:00")},
			nextCheck:  b("2026-06-07 11:00"),
		},
		{
			name: "same business day without business hours: midnight", clock: Clock{Policy: review.Policy},
			events: []Event{ev(cm, mon("10:00"))}, now: mon("10:01"),
			first:      Due{utc("2026-06-02 00:00"), utc("2026-06-02 10:00")},
			resolution: Due{utc("2026-06-02 10:00"), utc("2026-06-04 10:00")},
			nextCheck:  utc("2026-06-02 00:00"),
		},
		{
			name: "events after now are ignored", clock: noResolution,
			events: []Event{ev(cm, mon("09:00")), ev(reply, mon("09:20"))}, now: mon("09:16"),
			first:     Due{mon("09:15"), mon("09:30")},
			crossed:   []string{"first_response:warn@09:15"},
			nextCheck: mon("09:30"),
		},
		{
			name: "events are sorted by time", clock: noResolution,
			events: []Event{ev(reply, mon("09:20")), ev(cm, mon("09:00"))}, now: mon("12:00"),
			crossed: []string{"first_response:warn@09:15"},
		},
		{
			name: "outbound before any customer message starts nothing", clock: x,
			events: []Event{ev(reply, mon("08:00")), ev(wait, mon("08:01")), ev(resolved, mon("08:02"))}, now: mon("12:00"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.clock.Evaluate(tc.events, tc.now)
			for _, c := range []struct {
				name      string
				got, want Due
			}{{"FirstResponseDueAt", st.FirstResponseDueAt, tc.first}, {"NextResponseDueAt", st.NextResponseDueAt, tc.next}, {"ResolutionDueAt", st.ResolutionDueAt, tc.resolution}} {
				sameInstant(t, c.name+".Warn", c.got.Warn, c.want.Warn)
				sameInstant(t, c.name+".Max", c.got.Max, c.want.Max)
			}
			if got := crossed(st); !slices.Equal(got, tc.crossed) {
				t.Errorf("crossed = %q, want %q", got, tc.crossed)
			}
			sameInstant(t, "NextCheckAt", st.NextCheckAt, tc.nextCheck)
		})
	}
}

func TestClockDeadlines(t *testing.T) {
	x := Clock{Policy: PolicyFor(DefaultPolicies(), ChannelX)}
	st := x.Evaluate([]Event{
		ev(EventCustomerMessage, mon("09:00")),
		ev(EventHoldingReply, mon("09:03")),
		ev(EventReply, mon("09:20")),
		ev(EventCustomerMessage, mon("10:00")),
		ev(EventResolved, mon("10:05")),
	}, mon("11:00"))
	var got []string
	for _, d := range st.Deadlines {
		got = append(got, fmt.Sprintf("%s#%d started %s ack %s met %s by %s elapsed %s due %s/%s warned %v breached %v",
			d.Metric, d.Cycle, hm(d.StartedAt), hm(d.AcknowledgedAt), hm(d.MetAt), d.StoppedBy, d.Elapsed,
			hm(d.Due.Warn), hm(d.Due.Max), d.Warned, d.Breached))
	}
	want := []string{
		"first_response#1 started 09:00 ack 09:03 met 09:20 by reply elapsed 20m0s due 09:15/09:30 warned true breached false",
		"resolution#1 started 09:00 ack - met 10:05 by resolved elapsed 1h5m0s due 09:00/09:00 warned false breached false",
		"next_response#1 started 10:00 ack - met 10:05 by resolved elapsed 5m0s due 10:15/10:30 warned false breached false",
	}
	// Resolution dues are a day and three days later; hm shows the clock time.
	if !slices.Equal(got, want) {
		t.Errorf("deadlines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if k := st.Deadlines[2].Key(LevelBreach); k != "next_response:breach" {
		t.Errorf("Key = %q", k)
	}
}

func hm(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("15:04")
}

// Re-evaluating a growing timeline must report the same key at the same
// instant every time, so "fire once per key" works.
func TestClockKeysAreStable(t *testing.T) {
	x := Clock{Policy: PolicyFor(DefaultPolicies(), ChannelX)}
	events := []Event{ev(EventCustomerMessage, mon("09:00")), ev(EventHoldingReply, mon("09:10"))}
	seen := map[string]time.Time{}
	for now := mon("09:00"); now.Before(mon("10:00")); now = now.Add(time.Minute) {
		if now.Equal(mon("09:40")) {
			events = append(events, ev(EventReply, now))
		}
		for _, c := range x.Evaluate(events, now).Crossed {
			if at, ok := seen[c.Key]; ok && !at.Equal(c.At) {
				t.Fatalf("%s moved from %s to %s", c.Key, at, c.At)
			}
			seen[c.Key] = c.At
		}
	}
	if len(seen) != 2 || !seen["first_response:warn"].Equal(mon("09:15")) || !seen["first_response:breach"].Equal(mon("09:30")) {
		t.Errorf("crossings = %v", seen)
	}
}
