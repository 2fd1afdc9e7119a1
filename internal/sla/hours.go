package sla

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrNoOpenTime is returned (wrapped) by Schedule.Validate and
// NewBusinessHours for a week without a single open period: deadlines on such
// a schedule would never fall due, and searching for one would never end.
var ErrNoOpenTime = errors.New("sla: business hours have no open period in the week")

// Week holds the opening periods of each weekday, indexed by time.Weekday
// (Sunday = 0). In JSON it is an object keyed by lower-case English day
// names: {"monday":[{"start":"09:00","end":"12:30"}, …], …}; a missing day is
// closed.
type Week [7][]Period

var weekdayKeys = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// MarshalJSON implements json.Marshaler; closed days are left out.
func (w Week) MarshalJSON() ([]byte, error) {
	m := make(map[string][]Period, 7)
	for d, ps := range w {
		if len(ps) > 0 {
			m[weekdayKeys[d]] = ps
		}
	}
	return json.Marshal(m)
}

// UnmarshalJSON implements json.Unmarshaler; unknown day names are an error so
// that a typo ("tuesdy") does not silently close a day.
func (w *Week) UnmarshalJSON(b []byte) error {
	var m map[string][]Period
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	var out Week
	for k, ps := range m {
		i := slices.Index(weekdayKeys[:], strings.ToLower(k))
		if i < 0 {
			return fmt.Errorf("sla: week: unknown day %q (want sunday…saturday)", k)
		}
		out[i] = ps
	}
	*w = out
	return nil
}

// Holiday is a whole-day closure on a date in the business-hours zone.
type Holiday struct {
	Date Date   `json:"date"`
	Name string `json:"name,omitempty"`
}

// SpecialDay replaces the weekday's periods on one date (Christmas Eve
// 09:00–13:00). No periods means closed, like a holiday. A special day wins
// over a holiday on the same date: it is the more specific instruction.
type SpecialDay struct {
	Date    Date     `json:"date"`
	Name    string   `json:"name,omitempty"`
	Periods []Period `json:"periods"`
}

// Schedule is the stored, editable form of business hours (what the admin
// sets and the API exchanges). Compile it with NewBusinessHours.
type Schedule struct {
	// TimeZone is an IANA name such as "Europe/Berlin". Required: a silent
	// UTC default would shift every deadline of a team outside UTC.
	TimeZone    string       `json:"time_zone"`
	Week        Week         `json:"week"`
	Holidays    []Holiday    `json:"holidays,omitempty"`
	SpecialDays []SpecialDay `json:"special_days,omitempty"`
}

// Validate checks the schedule and returns every problem found, joined, each
// prefixed with the field it is about ("week.monday[1]: …").
func (s Schedule) Validate() error {
	_, err := s.compile()
	return err
}

// BusinessHours is a validated, compiled Schedule: the zone is loaded and the
// closures are indexed. It is immutable and safe for concurrent use. A nil
// *BusinessHours means calendar time (24/7, no closures) to every function of
// this package.
//
// Wall times become instants by one rule, so that DST never loses or invents
// open time: a wall time that does not exist (skipped by a spring-forward
// jump) maps to the instant of the jump; a wall time that exists twice (a
// fall-back overlap) maps to its first occurrence. Both period ends follow the
// rule, so a period lasts exactly as long as real time passes between them.
type BusinessHours struct {
	sched    Schedule
	loc      *time.Location
	week     Week
	holidays map[Date]string
	special  map[Date][]Period
}

// NewBusinessHours validates s and compiles it.
func NewBusinessHours(s Schedule) (*BusinessHours, error) {
	return s.compile()
}

// MustBusinessHours is NewBusinessHours for fixed schedules in tests and
// defaults; it panics on an invalid schedule.
func MustBusinessHours(s Schedule) *BusinessHours {
	bh, err := NewBusinessHours(s)
	if err != nil {
		panic(err)
	}
	return bh
}

// Location is the zone the schedule is set in.
func (bh *BusinessHours) Location() *time.Location { return bh.loc }

// Schedule returns a copy of the schedule bh was compiled from.
func (bh *BusinessHours) Schedule() Schedule { return bh.sched.clone() }

// clone deep-copies s, so a compiled BusinessHours shares no slice with its
// caller.
func (s Schedule) clone() Schedule {
	for d := range s.Week {
		s.Week[d] = slices.Clone(s.Week[d])
	}
	s.Holidays = slices.Clone(s.Holidays)
	s.SpecialDays = slices.Clone(s.SpecialDays)
	for i := range s.SpecialDays {
		s.SpecialDays[i].Periods = slices.Clone(s.SpecialDays[i].Periods)
	}
	return s
}

func (s Schedule) compile() (*BusinessHours, error) {
	var errs []error
	fail := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{field}, args...)...))
	}

	var loc *time.Location
	switch s.TimeZone {
	case "":
		fail("time_zone", "required (an IANA name such as Europe/Berlin)")
	case "Local":
		// "Local" is whatever the server happens to be set to; deadlines
		// must not move when the container's TZ changes.
		fail("time_zone", "%q depends on the server; name the zone (such as Europe/Berlin)", s.TimeZone)
	default:
		l, err := time.LoadLocation(s.TimeZone)
		if err != nil {
			fail("time_zone", "unknown zone %q", s.TimeZone)
		}
		loc = l
	}

	bh := &BusinessHours{
		sched:    s.clone(),
		loc:      loc,
		holidays: make(map[Date]string, len(s.Holidays)),
		special:  make(map[Date][]Period, len(s.SpecialDays)),
	}
	open := 0
	for d, ps := range s.Week {
		errs = append(errs, checkPeriods("week."+weekdayKeys[d], ps)...)
		bh.week[d] = slices.Clone(ps)
		open += len(ps)
	}
	if open == 0 {
		errs = append(errs, fmt.Errorf("week: %w", ErrNoOpenTime))
	}
	for i, h := range s.Holidays {
		if !h.Date.IsValid() {
			fail(fmt.Sprintf("holidays[%d]", i), "invalid date %s", h.Date)
			continue
		}
		// Duplicates are fine: two imported feeds may both list New Year.
		if _, dup := bh.holidays[h.Date]; !dup || bh.holidays[h.Date] == "" {
			bh.holidays[h.Date] = h.Name
		}
	}
	for i, sd := range s.SpecialDays {
		field := fmt.Sprintf("special_days[%d]", i)
		if !sd.Date.IsValid() {
			fail(field, "invalid date %s", sd.Date)
			continue
		}
		if _, dup := bh.special[sd.Date]; dup {
			fail(field, "%s is already a special day; merge the periods into one entry", sd.Date)
			continue
		}
		errs = append(errs, checkPeriods(field+".periods", sd.Periods)...)
		bh.special[sd.Date] = slices.Clone(sd.Periods)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return bh, nil
}

// checkPeriods requires each period to be inside the day with start < end,
// and the periods to be sorted without overlap (touching is allowed:
// 09:00–12:00 and 12:00–13:00 simply join up).
func checkPeriods(field string, ps []Period) []error {
	var errs []error
	for i, p := range ps {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case p.Start < 0 || p.Start >= EndOfDay:
			errs = append(errs, fmt.Errorf("%s: start %s must be between 00:00 and 23:59 (24:00 can only end a period)", f, p.Start))
		case p.End <= 0 || p.End > EndOfDay:
			errs = append(errs, fmt.Errorf("%s: end %s must be between 00:01 and 24:00", f, p.End))
		case p.Start >= p.End:
			errs = append(errs, fmt.Errorf("%s: start %s is not before end %s (periods cannot cross midnight; split them at 24:00)", f, p.Start, p.End))
		case i > 0 && p.Start < ps[i-1].End:
			errs = append(errs, fmt.Errorf("%s: %s starts before the previous period %s ends (periods must be sorted and must not overlap)", f, p, ps[i-1]))
		}
	}
	return errs
}

// periodsOn gives the wall-clock periods of date d: a special day's own,
// none on a holiday, else the weekday's.
func (bh *BusinessHours) periodsOn(d Date) []Period {
	if ps, ok := bh.special[d]; ok {
		return ps
	}
	if _, ok := bh.holidays[d]; ok {
		return nil
	}
	return bh.week[d.Weekday()]
}

// interval is one open stretch as real instants, [start, end).
type interval struct{ start, end time.Time }

// openOn appends the open intervals of date d to buf. Zero-length intervals
// (a period wholly inside a DST gap) are dropped.
func (bh *BusinessHours) openOn(d Date, buf []interval) []interval {
	for _, p := range bh.periodsOn(d) {
		s, e := bh.instant(d, p.Start), bh.instant(d, p.End)
		if e.After(s) {
			buf = append(buf, interval{s, e})
		}
	}
	return buf
}

// instant maps wall time m on date d in the schedule's zone to a real instant
// by the rule documented on BusinessHours. time.Date leaves the choice in a
// gap or overlap unspecified, so we decide it ourselves: every candidate
// offset near the guess is tried, the earliest instant that really shows the
// wall time wins, and a wall time nobody sees maps to the forward jump.
func (bh *BusinessHours) instant(d Date, m TimeOfDay) time.Time {
	loc := bh.loc
	// naive is the wall time read as if it were UTC; instant = naive - offset.
	naive := time.Date(d.Year, d.Month, d.Day, 0, int(m), 0, 0, time.UTC).Unix()
	guess := time.Date(d.Year, d.Month, d.Day, 0, int(m), 0, 0, loc)
	zs, ze := guess.ZoneBounds()
	_, o := guess.Zone()
	offsets := [3]int{o, o, o}
	if !zs.IsZero() {
		_, offsets[1] = zs.Add(-time.Second).Zone()
	}
	if !ze.IsZero() {
		_, offsets[2] = ze.Zone()
	}
	var best time.Time
	for _, off := range offsets {
		c := time.Unix(naive-int64(off), 0).In(loc)
		if _, co := c.Zone(); co == off && (best.IsZero() || c.Before(best)) {
			best = c
		}
	}
	if !best.IsZero() {
		return best
	}
	// A gap: find the forward transition whose skipped wall times contain m.
	for _, tr := range [2]time.Time{zs, ze} {
		if tr.IsZero() {
			continue
		}
		_, before := tr.Add(-time.Second).Zone()
		_, after := tr.Zone()
		if naive >= tr.Unix()+int64(before) && naive < tr.Unix()+int64(after) {
			return tr.In(loc)
		}
	}
	return guess // two transitions within hours of each other; none in tzdata today
}
