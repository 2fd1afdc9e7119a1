package sla

import "time"

// maxScanDays bounds every search for open time. SLA targets are minutes to
// days; twenty years is far beyond any of them, and the bound guarantees that
// a schedule with (almost) no open time ends the search instead of looping.
const maxScanDays = 20 * 366

// AddBusinessDuration returns the instant at which d of open time has elapsed
// after start. If start is outside business hours the clock starts at the next
// opening, so d == 0 gives start when open, else the next opening. A target
// that ends exactly at a close gives the close, not the next opening. A
// negative d counts as zero.
//
// With bh == nil (calendar time) it is start.Add(d). The result is in start's
// location. If d of open time does not elapse within maxScanDays of start, it
// returns the zero Time: no deadline.
func AddBusinessDuration(start time.Time, d time.Duration, bh *BusinessHours) time.Time {
	d = max(d, 0)
	if bh == nil {
		return start.Add(d)
	}
	// Begin a day early: in a zone whose fall-back overlap spans midnight,
	// start may show yesterday's date while today's periods already began.
	day := DateOf(start.In(bh.loc)).AddDays(-1)
	buf := make([]interval, 0, 4)
	for range maxScanDays {
		for _, iv := range bh.openOn(day, buf[:0]) {
			if !iv.end.After(start) {
				continue
			}
			from := iv.start
			if from.Before(start) {
				from = start
			}
			avail := iv.end.Sub(from)
			if d <= avail {
				return from.Add(d).In(start.Location())
			}
			d -= avail
		}
		day = day.AddDays(1)
	}
	return time.Time{}
}

// BusinessDurationBetween returns the open time elapsed in [a, b): what a
// business-hours clock running from a shows at b. It is zero when b is not
// after a. With bh == nil it is b.Sub(a).
//
// It inverts AddBusinessDuration: for d >= 0,
// BusinessDurationBetween(s, AddBusinessDuration(s, d, bh), bh) == d.
func BusinessDurationBetween(a, b time.Time, bh *BusinessHours) time.Duration {
	if !b.After(a) {
		return 0
	}
	if bh == nil {
		return b.Sub(a)
	}
	var sum time.Duration
	buf := make([]interval, 0, 4)
	// The loop ends once a day starts at or after b, so it is bounded by the
	// span itself.
	for day := DateOf(a.In(bh.loc)).AddDays(-1); bh.instant(day, 0).Before(b); day = day.AddDays(1) {
		for _, iv := range bh.openOn(day, buf[:0]) {
			from, to := iv.start, iv.end
			if from.Before(a) {
				from = a
			}
			if to.After(b) {
				to = b
			}
			if to.After(from) {
				sum += to.Sub(from)
			}
		}
	}
	return sum
}

// EndOfBusinessDay is the deadline of a "same business day" target: the close
// of the business day on which start falls if that day still has open time at
// or after start, else the close of the next day that has open time. A post at
// 12:45 in a lunch break is due at the evening close; a post at 18:05, after
// the close, or on a Sunday is due at the next business day's close. A
// "business day" is a date in the schedule's zone, and its close is the end of
// its last period.
//
// With bh == nil it is the next midnight in start's location. It returns the
// zero Time if no open day follows within maxScanDays.
func EndOfBusinessDay(start time.Time, bh *BusinessHours) time.Time {
	if bh == nil {
		y, m, d := start.Date()
		return time.Date(y, m, d+1, 0, 0, 0, 0, start.Location())
	}
	day := DateOf(start.In(bh.loc))
	buf := make([]interval, 0, 4)
	for range maxScanDays {
		ivs := bh.openOn(day, buf[:0])
		if n := len(ivs); n > 0 && ivs[n-1].end.After(start) {
			return ivs[n-1].end.In(start.Location())
		}
		day = day.AddDays(1)
	}
	return time.Time{}
}

// IsOpen reports whether t falls inside business hours. A nil bh is always
// open.
func (bh *BusinessHours) IsOpen(t time.Time) bool {
	if bh == nil {
		return true
	}
	day := DateOf(t.In(bh.loc))
	buf := make([]interval, 0, 4)
	for _, dd := range [...]int{-1, 0, 1} {
		for _, iv := range bh.openOn(day.AddDays(dd), buf[:0]) {
			if !t.Before(iv.start) && t.Before(iv.end) {
				return true
			}
		}
	}
	return false
}
