package sla

import (
	"testing"
	"time"
)

// Helpers shared by the tests: zones, wall times, schedules.

func zone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var (
	berlin   = zone("Europe/Berlin")
	newYork  = zone("America/New_York")
	kolkata  = zone("Asia/Kolkata")
	lordHowe = zone("Australia/Lord_Howe")
)

// wall is a wall time in loc ("2006-01-02 15:04"); only for wall times that
// exist exactly once (use utc for the others).
func wall(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func utc(s string) time.Time { return wall(time.UTC, s) }

func day(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func per(start, end string) Period {
	s, err := ParseTimeOfDay(start)
	if err != nil {
		panic(err)
	}
	e, err := ParseTimeOfDay(end)
	if err != nil {
		panic(err)
	}
	return Period{s, e}
}

// weekdays opens Monday to Friday with ps.
func weekdays(ps ...Period) Week {
	var w Week
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = ps
	}
	return w
}

func everyDay(ps ...Period) Week {
	var w Week
	for d := range w {
		w[d] = ps
	}
	return w
}

// berlinOffice is the reference office: Monday to Friday 09:00–12:30 and
// 13:30–18:00 (8 h), Easter and Christmas holidays 2026, short days on
// 24 and 31 December.
func berlinOffice() *BusinessHours {
	return MustBusinessHours(Schedule{
		TimeZone: "Europe/Berlin",
		Week:     weekdays(per("09:00", "12:30"), per("13:30", "18:00")),
		Holidays: []Holiday{
			{day("2026-04-03"), "Good Friday"},
			{day("2026-04-06"), "Easter Monday"},
			{day("2026-12-25"), "Christmas Day"},
			{day("2026-12-26"), "Boxing Day"},
			{day("2027-01-01"), "New Year"},
		},
		SpecialDays: []SpecialDay{
			{day("2026-12-24"), "Christmas Eve", []Period{per("09:00", "13:00")}},
			{day("2026-12-31"), "New Year's Eve", []Period{per("09:00", "13:00")}},
		},
	})
}

func nightShift(tz string) *BusinessHours {
	return MustBusinessHours(Schedule{TimeZone: tz, Week: everyDay(per("01:00", "03:00"))})
}

func allDay(tz string) *BusinessHours {
	return MustBusinessHours(Schedule{TimeZone: tz, Week: everyDay(per("00:00", "24:00"))})
}

func sameInstant(t *testing.T, name string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %s (%s), want %s (%s)", name, got.Format(time.RFC3339), got.UTC().Format(time.RFC3339),
			want.Format(time.RFC3339), want.UTC().Format(time.RFC3339))
	}
}
