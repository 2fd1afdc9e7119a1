package sla

import (
	"fmt"
	"strconv"
	"time"
)

// Date is a calendar date without a time or zone: holidays and special days
// are dates in the business-hours zone, not instants. It is comparable, so it
// can key a map. Its text form is "2006-01-02".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date t shows in its own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("sla: date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// IsValid reports whether d names a real day (no 30 February).
func (d Date) IsValid() bool {
	if d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return DateOf(d.utc()) == d
}

// AddDays returns the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	default:
		return cmpInt(d.Day, o.Day)
	}
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// IsZero reports whether d is the zero Date (used as "unbounded").
func (d Date) IsZero() bool { return d == Date{} }

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText implements encoding.TextMarshaler ("2006-01-02").
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// utc is midnight of d in UTC: date arithmetic without any DST in the way.
func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TimeOfDay is a wall-clock time as minutes after midnight, 0 (00:00) to 1440
// (24:00). 24:00 exists only to end a period at midnight. Minutes are the
// resolution business hours are set in; nobody opens at 09:00:30.
type TimeOfDay int

// EndOfDay is 24:00, the end of a period that runs to midnight.
const EndOfDay TimeOfDay = 24 * 60

// HM returns the time of day h:m. It does not validate; Schedule.Validate does.
func HM(h, m int) TimeOfDay { return TimeOfDay(h*60 + m) }

// ParseTimeOfDay parses "HH:MM" (or "H:MM"), 00:00 to 24:00.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	bad := fmt.Errorf("sla: time of day %q: want HH:MM between 00:00 and 24:00", s)
	if len(s) < 4 || len(s) > 5 || s[len(s)-3] != ':' {
		return 0, bad
	}
	h, err1 := strconv.Atoi(s[:len(s)-3])
	m, err2 := strconv.Atoi(s[len(s)-2:])
	if err1 != nil || err2 != nil || s[0] == '+' || s[0] == '-' || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, bad
	}
	return HM(h, m), nil
}

func (t TimeOfDay) String() string {
	if t < 0 || t > EndOfDay {
		return fmt.Sprintf("invalid(%d)", int(t))
	}
	return fmt.Sprintf("%02d:%02d", int(t)/60, int(t)%60)
}

// MarshalText implements encoding.TextMarshaler ("09:30").
func (t TimeOfDay) MarshalText() ([]byte, error) {
	if t < 0 || t > EndOfDay {
		return nil, fmt.Errorf("sla: time of day %d minutes is out of range", int(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	v, err := ParseTimeOfDay(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Period is one opening stretch within a day, [Start, End) in wall-clock time.
// Periods never cross midnight: a night shift is two periods on two days.
type Period struct {
	Start TimeOfDay `json:"start"`
	End   TimeOfDay `json:"end"`
}

func (p Period) String() string { return p.Start.String() + "–" + p.End.String() }
