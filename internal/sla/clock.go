package sla

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// EventKind is what happened on a conversation's timeline, as far as SLA
// clocks care.
type EventKind string

const (
	// EventCustomerMessage: the customer wrote. The first one starts the
	// first-response and resolution clocks; one after a substantive reply
	// starts a next-response clock; one after resolution reopens (new
	// resolution and next-response clocks); one while waiting on the customer
	// ends the wait.
	EventCustomerMessage EventKind = "customer_message"
	// EventHoldingReply: an acknowledgement ("we're looking into it"). It
	// stamps AcknowledgedAt but does NOT stop the response clock: an
	// acknowledgement is not a response.
	EventHoldingReply EventKind = "holding_reply"
	// EventReply: a substantive reply. It stops the open response clock.
	EventReply EventKind = "reply"
	// EventWaitingOnCustomer: from now on the ball is in the customer's
	// court; every open clock pauses until the customer writes or EventResumed.
	EventWaitingOnCustomer EventKind = "waiting_on_customer"
	// EventResumed: an agent takes the conversation off "waiting on customer"
	// without the customer writing; paused clocks run again.
	EventResumed EventKind = "resumed"
	// EventResolved stops every open clock; the resolution clock is met.
	EventResolved EventKind = "resolved"
)

// Event is one timeline entry.
type Event struct {
	Kind EventKind `json:"kind"`
	At   time.Time `json:"at"`
}

// Metric names an SLA clock.
type Metric string

const (
	MetricFirstResponse Metric = "first_response"
	MetricNextResponse  Metric = "next_response"
	MetricResolution    Metric = "resolution"
)

// Level is a threshold of a clock: Target.Warn or Target.Max.
type Level string

const (
	LevelWarn   Level = "warn"
	LevelBreach Level = "breach"
)

// Due holds a clock's threshold instants; a zero field means no such
// threshold, or not known while the clock is paused.
type Due struct {
	Warn time.Time `json:"warn,omitzero"`
	Max  time.Time `json:"max,omitzero"`
}

// IsZero reports whether neither threshold is set.
func (d Due) IsZero() bool { return d.Warn.IsZero() && d.Max.IsZero() }

// Deadline is one run of one clock ("cycle"): the first response, the n-th
// next response, the n-th resolution (after n-1 reopenings).
type Deadline struct {
	Metric Metric
	Cycle  int // 1-based within Metric
	// StartedAt is the customer message that started the clock.
	StartedAt time.Time
	// AcknowledgedAt is the first holding or substantive reply of a response
	// clock, for time-to-acknowledge; zero if none yet.
	AcknowledgedAt time.Time
	// MetAt is when the clock stopped; zero while it is open. StoppedBy says
	// what stopped it: EventReply, or EventResolved (resolved unanswered).
	MetAt     time.Time
	StoppedBy EventKind
	// Paused is true while an open clock waits on the customer.
	Paused bool
	// Elapsed is the clock time counted at now (at MetAt once stopped), in
	// business or calendar time as the policy says.
	Elapsed time.Duration
	// Due gives the threshold instants. A crossed threshold keeps the instant
	// it was crossed; an uncrossed one on a running clock is the projection;
	// on a paused clock it is zero; on a clock stopped while running it is
	// where it would have fallen (for reports).
	Due Due
	// Warned and Breached report thresholds crossed before the clock stopped
	// and at or before now. Meeting a threshold exactly on time is not a
	// crossing.
	Warned, Breached bool
}

// Open reports whether the clock still runs or is paused.
func (d Deadline) Open() bool { return d.MetAt.IsZero() }

// Key identifies one threshold of this deadline, stable across evaluations of
// a growing timeline, so the caller can fire each exactly once:
// "first_response:warn", "next_response:breach", "next_response:2:warn",
// "resolution:3:breach".
func (d Deadline) Key(l Level) string {
	if d.Cycle <= 1 {
		return fmt.Sprintf("%s:%s", d.Metric, l)
	}
	return fmt.Sprintf("%s:%d:%s", d.Metric, d.Cycle, l)
}

// Crossing is a threshold crossed at or before now.
type Crossing struct {
	Key    string
	Metric Metric
	Cycle  int
	Level  Level
	At     time.Time // the instant the threshold was crossed
}

// Status is the SLA state of a conversation at now.
type Status struct {
	// FirstResponseDueAt, NextResponseDueAt and ResolutionDueAt are the
	// thresholds of the open (unmet) clock of each metric; zero when none
	// is open, and zero while it is paused.
	FirstResponseDueAt Due
	NextResponseDueAt  Due
	ResolutionDueAt    Due
	// Deadlines lists every clock run, in the order they started.
	Deadlines []Deadline
	// Crossed lists every threshold crossed at or before now, in time
	// order (then by key), including those of clocks stopped since.
	Crossed []Crossing
	// NextCheckAt is the earliest threshold after now of a running clock: when
	// the scheduler should evaluate again. Zero if nothing is pending.
	NextCheckAt time.Time
}

// Clock evaluates SLA clocks for one policy. Hours are the workspace's
// business hours (nil: none). Clocks count open time only when
// Policy.BusinessHoursOnly is set and Hours is not nil, calendar time
// otherwise; same-business-day warnings use Hours either way.
type Clock struct {
	Policy Policy
	Hours  *BusinessHours
}

// clockRun is a Deadline under construction.
type clockRun struct {
	Deadline
	warn, max time.Duration // zero: no such threshold
	elapsed   time.Duration // counted before runSince
	runSince  time.Time     // zero while paused or stopped
}

// Evaluate replays the timeline up to now and reports the clocks. Events are
// taken in time order (events at the same instant in the order given); events
// after now are ignored, so the result depends on nothing but the arguments.
// Kinds it does not know are ignored too.
func (c Clock) Evaluate(events []Event, now time.Time) Status {
	evs := slices.Clone(events)
	slices.SortStableFunc(evs, func(a, b Event) int { return a.At.Compare(b.At) })

	mode := c.Hours
	if !c.Policy.BusinessHoursOnly {
		mode = nil
	}
	var (
		runs     []*clockRun
		response *clockRun // open first/next response clock
		resolve  *clockRun // open resolution clock
		cycles   = map[Metric]int{}
	)
	start := func(m Metric, t Target, at time.Time) *clockRun {
		cycles[m]++
		r := &clockRun{Deadline: Deadline{Metric: m, Cycle: cycles[m], StartedAt: at}, runSince: at}
		r.warn, r.max = max(t.Warn, 0), max(t.Max, 0)
		if t.SameBusinessDay {
			r.warn = 0
			if eod := EndOfBusinessDay(at, c.Hours); !eod.IsZero() {
				r.warn = BusinessDurationBetween(at, eod, mode)
			}
		}
		if r.warn > 0 && r.max > 0 && r.warn > r.max {
			r.warn = r.max
		}
		runs = append(runs, r)
		return r
	}
	stop := func(r *clockRun, at time.Time, by EventKind) {
		if !r.runSince.IsZero() {
			// Keep where the thresholds would have fallen, for reports
			// ("due 09:15, met 09:10").
			r.projectDue(mode)
		}
		r.advance(at, false, mode)
		r.runSince = time.Time{}
		r.MetAt, r.StoppedBy = at, by
	}
	resume := func(at time.Time) {
		for _, r := range []*clockRun{response, resolve} {
			if r != nil && r.runSince.IsZero() {
				r.runSince = at
			}
		}
	}

	for _, e := range evs {
		if e.At.After(now) {
			break
		}
		switch e.Kind {
		case EventCustomerMessage:
			resume(e.At)
			if len(runs) == 0 {
				response = start(MetricFirstResponse, c.Policy.FirstResponse, e.At)
				resolve = start(MetricResolution, c.Policy.Resolution, e.At)
				continue
			}
			if resolve == nil {
				resolve = start(MetricResolution, c.Policy.Resolution, e.At)
			}
			if response == nil {
				response = start(MetricNextResponse, c.Policy.NextResponse, e.At)
			}
		case EventHoldingReply:
			if response != nil && response.AcknowledgedAt.IsZero() {
				response.AcknowledgedAt = e.At
			}
		case EventReply:
			if response != nil {
				if response.AcknowledgedAt.IsZero() {
					response.AcknowledgedAt = e.At
				}
				stop(response, e.At, EventReply)
				response = nil
			}
		case EventWaitingOnCustomer:
			for _, r := range []*clockRun{response, resolve} {
				if r != nil && !r.runSince.IsZero() {
					r.advance(e.At, true, mode)
					r.runSince = time.Time{}
				}
			}
		case EventResumed:
			resume(e.At)
		case EventResolved:
			for _, r := range []*clockRun{response, resolve} {
				if r != nil {
					stop(r, e.At, EventResolved)
				}
			}
			response, resolve = nil, nil
		}
	}

	var st Status
	for _, r := range runs {
		st.finish(r, now, mode)
	}
	slices.SortFunc(st.Crossed, func(a, b Crossing) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Key, b.Key))
	})
	return st
}

// advance runs the clock from runSince to `to`, recording thresholds crossed
// on the way. Inclusive decides a threshold falling exactly on `to`: crossed
// when the clock pauses or is read then, met when a reply lands then.
func (r *clockRun) advance(to time.Time, inclusive bool, mode *BusinessHours) {
	if r.runSince.IsZero() {
		return
	}
	crossed := func(due time.Time) bool {
		return !due.IsZero() && (due.Before(to) || inclusive && due.Equal(to))
	}
	if r.warn > 0 && !r.Warned {
		if due := r.project(r.warn, mode); crossed(due) {
			r.Due.Warn, r.Warned = due, true
		}
	}
	if r.max > 0 && !r.Breached {
		if due := r.project(r.max, mode); crossed(due) {
			r.Due.Max, r.Breached = due, true
		}
	}
	r.elapsed += BusinessDurationBetween(r.runSince, to, mode)
	r.runSince = to
}

// project is the instant the running clock reaches target; zero when it
// cannot (no target, paused, or beyond the scan horizon).
func (r *clockRun) project(target time.Duration, mode *BusinessHours) time.Time {
	if target <= 0 || r.runSince.IsZero() {
		return time.Time{}
	}
	return AddBusinessDuration(r.runSince, target-r.elapsed, mode)
}

// projectDue sets the uncrossed thresholds of a running clock to where they
// fall if it keeps running.
func (r *clockRun) projectDue(mode *BusinessHours) {
	if !r.Warned {
		r.Due.Warn = r.project(r.warn, mode)
	}
	if !r.Breached {
		r.Due.Max = r.project(r.max, mode)
	}
}

// finish reads the clock at now, fills its Deadline and adds it to the status.
func (st *Status) finish(r *clockRun, now time.Time, mode *BusinessHours) {
	open := r.Open()
	if open && !r.runSince.IsZero() {
		r.projectDue(mode)
		// Read the clock at now on a copy, keeping the projection base.
		read := *r
		read.advance(now, true, mode)
		r.Warned, r.Breached, r.Elapsed = read.Warned, read.Breached, read.elapsed
		for _, t := range []struct {
			crossed bool
			due     time.Time
		}{{r.Warned, r.Due.Warn}, {r.Breached, r.Due.Max}} {
			if !t.crossed && !t.due.IsZero() && (st.NextCheckAt.IsZero() || t.due.Before(st.NextCheckAt)) {
				st.NextCheckAt = t.due
			}
		}
	} else {
		r.Elapsed = r.elapsed
		r.Paused = open
	}

	d := r.Deadline
	for _, c := range []struct {
		level   Level
		crossed bool
		at      time.Time
	}{{LevelWarn, d.Warned, d.Due.Warn}, {LevelBreach, d.Breached, d.Due.Max}} {
		if c.crossed {
			st.Crossed = append(st.Crossed, Crossing{Key: d.Key(c.level), Metric: d.Metric, Cycle: d.Cycle, Level: c.level, At: c.at})
		}
	}
	st.Deadlines = append(st.Deadlines, d)
	if open {
		var due Due
		if !d.Paused {
			due = d.Due
		}
		switch d.Metric {
		case MetricFirstResponse:
			st.FirstResponseDueAt = due
		case MetricNextResponse:
			st.NextResponseDueAt = due
		case MetricResolution:
			st.ResolutionDueAt = due
		}
	}
}
