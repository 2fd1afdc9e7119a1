package sla

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// Holiday feeds are parsed with github.com/arran4/golang-ical: maintained,
// dependency-free at run time, and it gets the tedious parts of RFC 5545
// right (line unfolding, quoted parameters, TEXT unescaping). It does not
// expand recurrence rules; rrule.go does that for dates.

const (
	// maxICalBytes caps a feed: national holiday feeds are tens of KB; a
	// bigger body is a mistake or an attack, not a calendar.
	maxICalBytes = 4 << 20
	// maxHolidays caps the expanded result.
	maxHolidays = 20000
	// maxEventDays caps one event's length; a "holiday" longer than a year is
	// a data error that would otherwise close the business silently.
	maxEventDays = 366
	// expandBudget caps the day checks of all recurrence rules of a feed
	// (well under a second). A yearly holiday rule costs about 45 checks a
	// year, so real feeds stay far below it.
	expandBudget = 2_000_000
)

// Without a window, ParseICal expands rules over these years: far enough for
// any SLA, bounded so a rule without COUNT or UNTIL ends.
var (
	icalFrom = Date{1970, 1, 1}
	icalTo   = Date{2099, 12, 31}
)

// ParseICal imports holidays from an iCalendar feed (RFC 5545), such as a
// public-holiday calendar export. See ParseICalBetween; ParseICal uses the
// window 1970-01-01 to 2099-12-31, which suits a one-off import. A scheduled
// refresh should pass a narrower window (this year and the next few) to keep
// the stored list short.
func ParseICal(r io.Reader) ([]Holiday, error) {
	return ParseICalBetween(r, icalFrom, icalTo)
}

// ParseICalBetween imports the holidays dated from..to (inclusive) from an
// iCalendar feed. Every all-day VEVENT (DTSTART;VALUE=DATE) becomes one
// Holiday per day it covers, named by its SUMMARY:
//   - DTEND (exclusive, RFC 5545 3.6.1) or DURATION set the length; with
//     neither, an all-day event lasts one day;
//   - RRULE (see rrule.go), RDATE and EXDATE are applied, and an overriding
//     instance (same UID, RECURRENCE-ID) replaces the date it overrides;
//   - STATUS:CANCELLED events are skipped.
//
// Timed events (DTSTART with a time) are ignored: a closure for part of a day
// is a special day with its own periods, which a feed cannot tell us. The
// result is sorted by date and has one entry per date and name. Errors name
// the event (its UID or SUMMARY) so an admin can fix the feed.
func ParseICalBetween(r io.Reader, from, to Date) (hs []Holiday, err error) {
	// A malformed feed is untrusted input: whatever the parser does with it
	// must end in an error, not a crashed import job.
	defer func() {
		if p := recover(); p != nil {
			hs, err = nil, fmt.Errorf("sla: ical: malformed feed (%v)", p)
		}
	}()
	if from.IsZero() {
		from = icalFrom
	}
	if to.IsZero() {
		to = icalTo
	}
	data, err := io.ReadAll(io.LimitReader(r, maxICalBytes+1))
	if err != nil {
		return nil, fmt.Errorf("sla: ical: read: %w", err)
	}
	if len(data) > maxICalBytes {
		return nil, fmt.Errorf("sla: ical: feed is larger than %d MiB", maxICalBytes>>20)
	}
	// The parser accepts an empty body as an empty calendar; an empty or
	// HTML answer from a feed URL is a failed fetch, not "no holidays".
	head := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\uFEFF")), " \t\r\n")
	if len(head) < 15 || !strings.EqualFold(string(head[:15]), "BEGIN:VCALENDAR") {
		return nil, errors.New("sla: ical: not an iCalendar feed (it does not start with BEGIN:VCALENDAR)")
	}
	// Some exporters put stray properties between components; accept them
	// rather than reject an otherwise good feed.
	cal, err := ics.ParseCalendarWithOptions(bytes.NewReader(data),
		ics.WithUnknownPropertyHandler(ics.AcceptUnknownPropertyHandler))
	if err != nil {
		return nil, fmt.Errorf("sla: ical: %w", err)
	}

	var events []icalEvent
	for _, ve := range cal.Events() {
		e, ok, err := readEvent(ve)
		if err != nil {
			return nil, fmt.Errorf("sla: ical: event %s: %w", e.label(), err)
		}
		if ok {
			events = append(events, e)
		}
	}

	// Overrides (RECURRENCE-ID) remove the instance they replace from their
	// master; the override itself is then an ordinary event (unless cancelled).
	overridden := map[string][]Date{}
	for _, e := range events {
		if e.recurrenceID != nil && e.uid != "" {
			overridden[e.uid] = append(overridden[e.uid], *e.recurrenceID)
		}
	}

	budget := expandBudget
	seen := map[Holiday]bool{}
	for _, e := range events {
		if e.cancelled {
			continue
		}
		starts, err := e.starts(from, to, &budget)
		if err != nil {
			return nil, fmt.Errorf("sla: ical: event %s: %w", e.label(), err)
		}
		for _, s := range starts {
			if e.recurrenceID == nil && slices.Contains(overridden[e.uid], s) {
				continue
			}
			if s.AddDays(e.days - 1).Before(from) {
				continue
			}
			for i := range e.days {
				// Long overlapping events can repeat the same days
				// endlessly; they spend the same budget.
				if budget--; budget < 0 {
					return nil, fmt.Errorf("sla: ical: event %s: %w", e.label(), errBudget)
				}
				d := s.AddDays(i)
				h := Holiday{Date: d, Name: e.name}
				if d.Before(from) || d.After(to) || seen[h] {
					continue
				}
				seen[h] = true
				hs = append(hs, h)
				if len(hs) > maxHolidays {
					return nil, fmt.Errorf("sla: ical: feed expands to more than %d holidays; import a narrower window", maxHolidays)
				}
			}
		}
	}
	slices.SortFunc(hs, func(a, b Holiday) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.Name, b.Name))
	})
	return hs, nil
}

// icalEvent is the part of a VEVENT a holiday needs.
type icalEvent struct {
	uid, name    string
	start        Date
	days         int
	rrules       []rrule
	rdates       []Date
	exdates      []Date
	recurrenceID *Date
	cancelled    bool
}

func (e icalEvent) label() string {
	switch {
	case e.uid != "":
		return strconv.Quote(e.uid)
	case e.name != "":
		return strconv.Quote(e.name)
	}
	return "(no UID)"
}

// readEvent extracts an all-day event; ok is false for timed events, which
// are not holidays.
func readEvent(ve *ics.VEvent) (e icalEvent, ok bool, err error) {
	text := func(p ics.ComponentProperty) string {
		if prop := ve.GetProperty(p); prop != nil {
			return strings.Join(strings.Fields(prop.Value), " ")
		}
		return ""
	}
	e.uid = text(ics.ComponentPropertyUniqueId)
	e.name = text(ics.ComponentPropertySummary)
	e.cancelled = strings.EqualFold(text(ics.ComponentPropertyStatus), "CANCELLED")

	dtstart := ve.GetProperty(ics.ComponentPropertyDtStart)
	if dtstart == nil {
		return e, false, errors.New("has no DTSTART")
	}
	if !isDateValue(dtstart) {
		return e, false, nil
	}
	if e.start, err = parseICalDate(dtstart.Value); err != nil {
		return e, false, fmt.Errorf("DTSTART: %w", err)
	}

	e.days = 1
	if dtend := ve.GetProperty(ics.ComponentPropertyDtEnd); dtend != nil {
		end, err := parseICalDate(dtend.Value)
		if err != nil {
			return e, false, fmt.Errorf("DTEND: %w", err)
		}
		// DTEND is exclusive; a DTEND not after DTSTART is malformed, and
		// one day is the reading that loses nothing.
		if n := daysBetween(e.start, end); n > 1 {
			e.days = n
		}
	} else if dur := ve.GetProperty(ics.ComponentPropertyDuration); dur != nil {
		n, err := parseDayDuration(dur.Value)
		if err != nil {
			return e, false, fmt.Errorf("DURATION: %w", err)
		}
		e.days = max(n, 1)
	}
	if e.days > maxEventDays {
		return e, false, fmt.Errorf("lasts %d days; more than %d is not a holiday", e.days, maxEventDays)
	}

	for _, p := range ve.GetProperties(ics.ComponentPropertyRrule) {
		rr, err := parseRRule(p.Value)
		if err != nil {
			return e, false, fmt.Errorf("RRULE: %w", err)
		}
		e.rrules = append(e.rrules, rr)
	}
	if e.rdates, err = dateLists(ve, ics.ComponentPropertyRdate); err != nil {
		return e, false, fmt.Errorf("RDATE: %w", err)
	}
	if e.exdates, err = dateLists(ve, ics.ComponentPropertyExdate); err != nil {
		return e, false, fmt.Errorf("EXDATE: %w", err)
	}
	if rid := ve.GetProperty(ics.ComponentPropertyRecurrenceId); rid != nil {
		d, err := parseICalDate(rid.Value)
		if err != nil {
			return e, false, fmt.Errorf("RECURRENCE-ID: %w", err)
		}
		e.recurrenceID = &d
	}
	return e, true, nil
}

// starts lists the first days of the event's occurrences up to `to` (and,
// for rules without COUNT, from the period holding `from`): DTSTART,
// the RRULE expansions and RDATEs, less EXDATEs.
func (e icalEvent) starts(from, to Date, budget *int) ([]Date, error) {
	out := []Date{e.start}
	for _, rr := range e.rrules {
		ds, err := rr.expand(e.start, from, to, budget)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	out = append(out, e.rdates...)
	out = slices.DeleteFunc(out, func(d Date) bool { return slices.Contains(e.exdates, d) })
	slices.SortFunc(out, Date.Compare)
	return slices.Compact(out), nil
}

// isDateValue reports an all-day value: VALUE=DATE, or a bare 8-digit value
// (some exporters omit the parameter).
func isDateValue(p *ics.IANAProperty) bool {
	for _, v := range p.ICalParameters[string(ics.ParameterValue)] {
		if strings.EqualFold(v, "DATE") {
			return true
		}
	}
	return len(strings.TrimSpace(p.Value)) == 8
}

// parseICalDate reads DATE ("20261225"). A DATE-TIME ("20261225T000000Z") is
// read as its date, which is what UNTIL, EXDATE and RECURRENCE-ID of all-day
// events written by lax exporters mean.
func parseICalDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if len(s) > 8 && s[8] == 'T' {
		s = s[:8]
	}
	bad := fmt.Errorf("%q is not a date (YYYYMMDD)", s)
	if len(s) != 8 {
		return Date{}, bad
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return Date{}, bad
	}
	d := Date{n / 10000, time.Month(n / 100 % 100), n % 100}
	if !d.IsValid() {
		return Date{}, bad
	}
	return d, nil
}

func dateLists(ve *ics.VEvent, p ics.ComponentProperty) ([]Date, error) {
	var out []Date
	for _, prop := range ve.GetProperties(p) {
		for f := range strings.SplitSeq(prop.Value, ",") {
			if strings.TrimSpace(f) == "" {
				continue
			}
			d, err := parseICalDate(f)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// parseDayDuration reads the day part of an RFC 5545 3.3.6 duration: "P1D",
// "P2W", "P1DT12H" (a partial extra day counts as a day, since a holiday
// closes whole days).
func parseDayDuration(s string) (int, error) {
	bad := fmt.Errorf("%q is not a duration like P1D or P1W", s)
	s = strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(s, "+")))
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return 0, bad
	}
	s = s[1:]
	days, rest, hasTime := strings.Cut(s, "T")
	total := 0
	num := 0
	digits := false
	for _, c := range days {
		switch {
		case c >= '0' && c <= '9':
			num = num*10 + int(c-'0')
			digits = true
			if num > 10000 {
				return 0, bad
			}
		case c == 'W' && digits:
			total, num, digits = total+7*num, 0, false
		case c == 'D' && digits:
			total, num, digits = total+num, 0, false
		default:
			return 0, bad
		}
	}
	if digits {
		return 0, bad
	}
	// Any non-zero digit in the time part ("T12H") is a partial day.
	if hasTime && strings.Trim(rest, "0HMS") != "" {
		total++
	}
	return total, nil
}

func daysBetween(a, b Date) int {
	return int(b.utc().Sub(a.utc()).Hours() / 24)
}
