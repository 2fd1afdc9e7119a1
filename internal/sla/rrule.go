package sla

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file expands RFC 5545 recurrence rules (section 3.3.10, "Recurrence
// Rule") for all-day events, which is all a holiday feed needs. The iCal
// library parses the text but does not expand rules; the one maintained
// expander (teambition/rrule-go) works on date-times and walks up to year 9999
// when a rule can never match, so we expand dates ourselves: one day at a time
// within a bounded window, with a global budget, testable against the RFC's
// own examples.
//
// Supported: FREQ=YEARLY, MONTHLY, WEEKLY, DAILY; INTERVAL, COUNT, UNTIL,
// BYMONTH, BYMONTHDAY, BYYEARDAY, BYDAY (with ordinals such as 4TH or -1MO),
// BYSETPOS and WKST. Time parts (BYHOUR, BYMINUTE, BYSECOND) make no sense for
// all-day events, and BYWEEKNO is not used by holiday feeds; both are
// reported as errors rather than guessed.

type freq int

const (
	yearly freq = iota
	monthly
	weekly
	daily
)

type weekdayNum struct {
	n  int // 0: every such weekday; else the n-th (negative: from the end)
	wd time.Weekday
}

type rrule struct {
	freq       freq
	interval   int
	count      int  // 0: no COUNT
	until      Date // zero: no UNTIL
	byMonth    []int
	byMonthDay []int
	byYearDay  []int
	byDay      []weekdayNum
	bySetPos   []int
	wkst       time.Weekday
}

var weekdayCodes = map[string]time.Weekday{
	"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
	"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday,
}

func parseRRule(s string) (rrule, error) {
	r := rrule{interval: 1, wkst: time.Monday}
	seenFreq := false
	for part := range strings.SplitSeq(strings.TrimSpace(s), ";") {
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			return r, fmt.Errorf("rule part %q has no value", part)
		}
		var err error
		switch strings.ToUpper(name) {
		case "FREQ":
			seenFreq = true
			switch strings.ToUpper(val) {
			case "YEARLY":
				r.freq = yearly
			case "MONTHLY":
				r.freq = monthly
			case "WEEKLY":
				r.freq = weekly
			case "DAILY":
				r.freq = daily
			default:
				return r, fmt.Errorf("FREQ=%s is not supported for all-day events", val)
			}
		case "INTERVAL":
			r.interval, err = strconv.Atoi(val)
			if err == nil && (r.interval < 1 || r.interval > 1000) {
				err = errors.New("out of range")
			}
		case "COUNT":
			r.count, err = strconv.Atoi(val)
			if err == nil && r.count < 1 {
				err = errors.New("must be positive")
			}
		case "UNTIL":
			r.until, err = parseICalDate(val)
		case "BYMONTH":
			r.byMonth, err = intList(val, 1, 12, false)
		case "BYMONTHDAY":
			r.byMonthDay, err = intList(val, 1, 31, true)
		case "BYYEARDAY":
			r.byYearDay, err = intList(val, 1, 366, true)
		case "BYSETPOS":
			r.bySetPos, err = intList(val, 1, 366, true)
		case "BYDAY":
			r.byDay, err = weekdayList(val)
		case "WKST":
			wd, ok := weekdayCodes[strings.ToUpper(val)]
			if !ok {
				err = errors.New("not a weekday")
			}
			r.wkst = wd
		default:
			return r, fmt.Errorf("rule part %s is not supported for all-day events", name)
		}
		if err != nil {
			return r, fmt.Errorf("rule part %s=%s: %w", name, val, err)
		}
	}
	switch {
	case !seenFreq:
		return r, errors.New("rule has no FREQ")
	case r.count > 0 && !r.until.IsZero():
		return r, errors.New("rule has both COUNT and UNTIL") // RFC 5545 3.3.10: MUST NOT occur together
	case len(r.byYearDay) > 0 && (r.freq == monthly || r.freq == weekly):
		return r, errors.New("BYYEARDAY is not allowed with FREQ=MONTHLY or WEEKLY")
	case len(r.byMonthDay) > 0 && r.freq == weekly:
		return r, errors.New("BYMONTHDAY is not allowed with FREQ=WEEKLY")
	}
	return r, nil
}

func intList(s string, lo, hi int, negative bool) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimPrefix(f, "+"))
		a := n
		if negative && n < 0 {
			a = -n
		}
		if err != nil || a < lo || a > hi {
			return nil, fmt.Errorf("%q is not a number in %d..%d", f, lo, hi)
		}
		out = append(out, n)
	}
	return out, nil
}

func weekdayList(s string) ([]weekdayNum, error) {
	var out []weekdayNum
	for f := range strings.SplitSeq(s, ",") {
		f = strings.ToUpper(strings.TrimSpace(f))
		if len(f) < 2 {
			return nil, fmt.Errorf("%q is not a weekday", f)
		}
		wd, ok := weekdayCodes[f[len(f)-2:]]
		if !ok {
			return nil, fmt.Errorf("%q is not a weekday", f)
		}
		n := 0
		if num := f[:len(f)-2]; num != "" {
			v, err := strconv.Atoi(strings.TrimPrefix(num, "+"))
			if err != nil || v == 0 || v < -53 || v > 53 {
				return nil, fmt.Errorf("%q has a bad ordinal", f)
			}
			n = v
		}
		out = append(out, weekdayNum{n, wd})
	}
	return out, nil
}

// errBudget stops an expansion that would take unreasonably long; the feed is
// then rejected as a whole rather than imported in part.
var errBudget = errors.New("recurrence rules expand to too many days; import a narrower window")

// expand returns the occurrences of r starting at dtstart, up to and
// including `to`, spending at most *budget day checks. Without COUNT, nothing
// before `from` can matter, so the walk starts at from's period. dtstart is always the
// first occurrence (RFC 5545 3.8.5.3: "The "DTSTART" property value always
// counts as the first occurrence").
func (r rrule) expand(dtstart, from, to Date, budget *int) ([]Date, error) {
	if !r.until.IsZero() && r.until.Before(to) {
		to = r.until
	}
	out := []Date{dtstart}
	if to.Before(dtstart) {
		return out, nil
	}
	start := dtstart.utc()
	end := to.utc()
	// Walk from the start of DTSTART's period so BYSETPOS and ordinals see
	// the whole first period; only days after DTSTART are emitted.
	first := r.periodStart(start)
	if r.count == 0 && from.After(dtstart) {
		first = r.periodStart(from.utc())
	}
	var period []time.Time // matches in the current period, for BYSETPOS
	curPeriod := r.periodIndex(start, first)
	flush := func() bool {
		for _, t := range r.applySetPos(period) {
			if d := DateOf(t); d.After(dtstart) {
				out = append(out, d)
				if r.count > 0 && len(out) >= r.count {
					return false
				}
			}
		}
		period = period[:0]
		return true
	}
	const day = 24 * time.Hour
	for t := first; !t.After(end); {
		*budget--
		if *budget < 0 {
			return nil, errBudget
		}
		if p := r.periodIndex(start, t); p != curPeriod {
			if !flush() {
				return out, nil
			}
			curPeriod = p
		}
		if curPeriod%r.interval != 0 {
			t = r.nextPeriod(t)
			continue
		}
		if !r.monthMatches(t, dtstart) {
			// Skip the rest of a month no rule can match in.
			y, m, _ := t.Date()
			t = time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
			continue
		}
		if r.matches(t, dtstart) {
			period = append(period, t)
		}
		t = t.Add(day)
	}
	flush()
	if r.count > 0 && len(out) > r.count {
		out = out[:r.count]
	}
	return out, nil
}

// periodIndex numbers the FREQ periods from the one holding start: years,
// months, weeks (beginning on WKST) or days.
func (r rrule) periodIndex(start, t time.Time) int {
	switch r.freq {
	case yearly:
		return t.Year() - start.Year()
	case monthly:
		return (t.Year()-start.Year())*12 + int(t.Month()) - int(start.Month())
	case weekly:
		return int(r.periodStart(t).Sub(r.periodStart(start)) / (7 * 24 * time.Hour))
	default:
		return int(t.Sub(start) / (24 * time.Hour))
	}
}

// periodStart is the first day of t's period.
func (r rrule) periodStart(t time.Time) time.Time {
	y, m, _ := t.Date()
	switch r.freq {
	case yearly:
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	case monthly:
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	case weekly:
		return t.AddDate(0, 0, -((int(t.Weekday()) - int(r.wkst) + 7) % 7))
	default:
		return t
	}
}

// nextPeriod jumps to the first day of the period after t's (skipping the
// periods INTERVAL leaves out).
func (r rrule) nextPeriod(t time.Time) time.Time {
	y, m, _ := t.Date()
	switch r.freq {
	case yearly:
		return time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
	case monthly:
		return time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
	case weekly:
		return t.AddDate(0, 0, 7-(int(t.Weekday())-int(r.wkst)+7)%7)
	default:
		return t.AddDate(0, 0, 1)
	}
}

// monthMatches is the BYMONTH limit (and the YEARLY default month), checked
// once per month so whole months can be skipped.
func (r rrule) monthMatches(t time.Time, dtstart Date) bool {
	m := int(t.Month())
	if len(r.byMonth) > 0 {
		return slices.Contains(r.byMonth, m)
	}
	if r.freq == yearly && len(r.byYearDay) == 0 && len(r.byMonthDay) == 0 && len(r.byDay) == 0 {
		return m == int(dtstart.Month)
	}
	return true
}

// matches applies the BYxxx rules of RFC 5545 3.3.10 to one day (BYMONTH is
// in monthMatches). When a rule gives none of the day-level parts, the day
// comes from DTSTART: its day of month (YEARLY, MONTHLY) or weekday (WEEKLY).
func (r rrule) matches(t time.Time, dtstart Date) bool {
	y, m, d := t.Date()
	dim := daysIn(y, m)
	diy := 365
	if daysIn(y, time.February) == 29 {
		diy = 366
	}
	yd := t.YearDay()
	if len(r.byYearDay) > 0 && !containsSigned(r.byYearDay, yd, diy) {
		return false
	}
	if len(r.byMonthDay) > 0 && !containsSigned(r.byMonthDay, d, dim) {
		return false
	}
	if len(r.byDay) > 0 {
		// Ordinals count within the month for MONTHLY, and for YEARLY
		// when BYMONTH is given; otherwise within the year.
		inMonth := r.freq == monthly || (r.freq == yearly && len(r.byMonth) > 0)
		pos, last := (d-1)/7+1, (dim-d)/7+1
		if !inMonth {
			pos, last = (yd-1)/7+1, (diy-yd)/7+1
		}
		ok := false
		for _, w := range r.byDay {
			if w.wd == t.Weekday() && (w.n == 0 || w.n == pos || w.n == -last) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(r.byYearDay) > 0 || len(r.byMonthDay) > 0 || len(r.byDay) > 0 {
		return true
	}
	switch r.freq {
	case yearly, monthly:
		return d == dtstart.Day
	case weekly:
		return t.Weekday() == dtstart.Weekday()
	}
	return true
}

func (r rrule) applySetPos(ts []time.Time) []time.Time {
	if len(r.bySetPos) == 0 {
		return ts
	}
	var out []time.Time
	for _, p := range r.bySetPos {
		i := p - 1
		if p < 0 {
			i = len(ts) + p
		}
		if i >= 0 && i < len(ts) && !slices.ContainsFunc(out, ts[i].Equal) {
			out = append(out, ts[i])
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// containsSigned reports whether v (1-based) is in list, where negative
// entries count from the end of a span of n days.
func containsSigned(list []int, v, n int) bool {
	for _, x := range list {
		if x == v || (x < 0 && n+x+1 == v) {
			return true
		}
	}
	return false
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
