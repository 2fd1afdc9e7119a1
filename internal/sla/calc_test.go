package sla

import (
	"testing"
	"time"
)

func TestAddBusinessDuration(t *testing.T) {
	office := berlinOffice()
	nyOffice := MustBusinessHours(Schedule{TimeZone: "America/New_York", Week: weekdays(per("09:00", "17:00"))})
	utcOffice := MustBusinessHours(Schedule{TimeZone: "UTC", Week: weekdays(per("09:00", "17:00"))})
	var indiaWeek Week
	for d := time.Monday; d <= time.Saturday; d++ {
		indiaWeek[d] = []Period{per("09:30", "18:30")}
	}
	india := MustBusinessHours(Schedule{TimeZone: "Asia/Kolkata", Week: indiaWeek})
	earlyBerlin := MustBusinessHours(Schedule{TimeZone: "Europe/Berlin", Week: everyDay(per("02:00", "04:00"))})
	b := func(s string) time.Time { return wall(berlin, s) }

	tests := []struct {
		name  string
		bh    *BusinessHours
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		// Multi-period day (lunch break 12:30–13:30), Monday 2026-06-01.
		{"inside a period", office, b("2026-06-01 10:00"), time.Hour, b("2026-06-01 11:00")},
		{"spans the lunch break", office, b("2026-06-01 12:00"), time.Hour, b("2026-06-01 14:00")},
		{"starts in the lunch break", office, b("2026-06-01 12:45"), 30 * time.Minute, b("2026-06-01 14:00")},
		{"before opening", office, b("2026-06-01 07:00"), 30 * time.Minute, b("2026-06-01 09:30")},
		{"after closing", office, b("2026-06-01 19:00"), 30 * time.Minute, b("2026-06-02 09:30")},
		{"on a Saturday", office, b("2026-06-06 10:00"), 30 * time.Minute, b("2026-06-08 09:30")},
		{"on a Sunday night", office, b("2026-06-07 23:59"), time.Minute, b("2026-06-08 09:01")},
		{"exactly at opening, whole day ends at the close", office, b("2026-06-01 09:00"), 8 * time.Hour, b("2026-06-01 18:00")},
		{"exactly at closing", office, b("2026-06-01 18:00"), time.Minute, b("2026-06-02 09:01")},
		{"zero at the end of a period is the next opening", office, b("2026-06-01 12:30"), 0, b("2026-06-01 13:30")},
		{"zero while open is start", office, b("2026-06-01 10:00"), 0, b("2026-06-01 10:00")},
		{"zero on a weekend is the next opening", office, b("2026-06-06 10:00"), 0, b("2026-06-08 09:00")},
		{"negative counts as zero", office, b("2026-06-01 10:00"), -time.Hour, b("2026-06-01 10:00")},
		{"several days", office, b("2026-06-01 10:00"), 20 * time.Hour, b("2026-06-03 15:00")},
		{"two weeks", office, b("2026-06-01 09:00"), 80 * time.Hour, b("2026-06-12 18:00")},
		{"start given in UTC", office, utc("2026-06-01 06:00"), time.Hour, utc("2026-06-01 08:00")},

		// Holidays and special days.
		{"holiday on the start day", office, b("2026-04-03 10:00"), time.Hour, b("2026-04-07 10:00")},
		{"holiday, weekend, holiday", office, b("2026-04-02 17:30"), time.Hour, b("2026-04-07 09:30")},
		{"special day closes at 13:00", office, b("2026-12-24 12:00"), 2 * time.Hour, b("2026-12-28 10:00")},
		{"after a special day's close", office, b("2026-12-24 14:00"), time.Hour, b("2026-12-28 10:00")},
		{"year end", office, b("2026-12-31 12:30"), 2 * time.Hour, b("2027-01-04 10:30")},

		// DST in Berlin: 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET.
		{"Berlin spring forward over the weekend", office, b("2026-03-27 17:00"), 2 * time.Hour, b("2026-03-30 10:00")},
		{"Berlin fall back over the weekend", office, b("2026-10-23 17:30"), time.Hour, b("2026-10-26 09:30")},
		{"Berlin 01:00–03:00 lasts 1 h on the spring-forward night", nightShift("Europe/Berlin"),
			utc("2026-03-29 00:00"), 90 * time.Minute, utc("2026-03-29 23:30")},
		{"Berlin 01:00–03:00 lasts 3 h on the fall-back night", nightShift("Europe/Berlin"),
			utc("2026-10-24 23:00"), 150 * time.Minute, utc("2026-10-25 01:30")},
		{"Berlin period starting in the DST gap opens at 03:00", earlyBerlin,
			utc("2026-03-29 00:30"), 30 * time.Minute, utc("2026-03-29 01:30")},

		// DST in New York: 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
		{"New York spring forward over the weekend", nyOffice, wall(newYork, "2026-03-06 16:00"), 2 * time.Hour, wall(newYork, "2026-03-09 10:00")},
		{"New York 01:00–03:00 lasts 1 h on the spring-forward night", nightShift("America/New_York"),
			utc("2026-03-08 06:00"), time.Hour, utc("2026-03-08 07:00")},
		{"New York 24/7 fall-back day has 25 h", allDay("America/New_York"),
			wall(newYork, "2026-11-01 00:00"), 24 * time.Hour, wall(newYork, "2026-11-01 23:00")},

		// Asia/Kolkata (+05:30, no DST), Monday to Saturday 09:30–18:30.
		{"Kolkata before opening", india, utc("2026-06-01 03:30"), 30 * time.Minute, wall(kolkata, "2026-06-01 10:00")},
		{"Kolkata Saturday to Monday", india, wall(kolkata, "2026-06-06 18:00"), time.Hour, wall(kolkata, "2026-06-08 10:00")},

		// Australia/Lord_Howe: the DST shift is 30 minutes.
		// 2026-04-05 02:00 +11 → 01:30 +10:30; 2026-10-04 02:00 +10:30 → 02:30 +11.
		{"Lord Howe 01:00–03:00 lasts 2.5 h when DST ends", nightShift("Australia/Lord_Howe"),
			utc("2026-04-04 14:00"), 150 * time.Minute, utc("2026-04-04 16:30")},
		{"Lord Howe 01:00–03:00 lasts 1.5 h when DST starts", nightShift("Australia/Lord_Howe"),
			utc("2026-10-03 14:30"), 2 * time.Hour, utc("2026-10-04 14:30")},

		// UTC.
		{"UTC Friday to Monday", utcOffice, utc("2026-06-05 16:00"), 3 * time.Hour, utc("2026-06-08 11:00")},
		{"UTC across the year end", utcOffice, utc("2026-12-31 16:30"), time.Hour, utc("2027-01-01 09:30")},

		// Calendar time and 24/7.
		{"calendar mode is a plain add", nil, b("2026-03-28 12:00"), 36 * time.Hour, b("2026-03-28 12:00").Add(36 * time.Hour)},
		{"24/7 equals calendar across spring forward", allDay("Europe/Berlin"),
			b("2026-03-28 12:00"), 36 * time.Hour, b("2026-03-28 12:00").Add(36 * time.Hour)},
		{"24/7 equals calendar across fall back", allDay("Europe/Berlin"),
			b("2026-10-24 20:00"), 10 * time.Hour, b("2026-10-24 20:00").Add(10 * time.Hour)},
		{"24/7 across the year end", allDay("Asia/Kolkata"),
			wall(kolkata, "2026-12-31 23:00"), 2 * time.Hour, wall(kolkata, "2027-01-01 01:00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := AddBusinessDuration(tc.start, tc.d, tc.bh)
			sameInstant(t, "AddBusinessDuration", got, tc.want)
			if got.Location() != tc.start.Location() {
				t.Errorf("result in %s, want start's %s", got.Location(), tc.start.Location())
			}
			// The inverse must hold for every case.
			if back := BusinessDurationBetween(tc.start, got, tc.bh); back != max(tc.d, 0) {
				t.Errorf("BusinessDurationBetween(start, result) = %s, want %s", back, max(tc.d, 0))
			}
		})
	}
}

func TestBusinessDurationBetween(t *testing.T) {
	office := berlinOffice()
	b := func(s string) time.Time { return wall(berlin, s) }
	tests := []struct {
		name string
		bh   *BusinessHours
		a, b time.Time
		want time.Duration
	}{
		{"within a period", office, b("2026-06-01 10:00"), b("2026-06-01 11:15"), 75 * time.Minute},
		{"excludes lunch", office, b("2026-06-01 12:00"), b("2026-06-01 14:00"), time.Hour},
		{"whole week", office, b("2026-06-01 00:00"), b("2026-06-08 00:00"), 40 * time.Hour},
		{"weekend only", office, b("2026-06-06 00:00"), b("2026-06-08 00:00"), 0},
		{"Easter week", office, b("2026-03-30 00:00"), b("2026-04-13 00:00"), 64 * time.Hour},
		{"Christmas week with short days", office, b("2026-12-21 00:00"), b("2027-01-04 00:00"), 56 * time.Hour},
		{"b before a", office, b("2026-06-01 11:00"), b("2026-06-01 10:00"), 0},
		{"equal", office, b("2026-06-01 11:00"), b("2026-06-01 11:00"), 0},
		{"calendar", nil, b("2026-03-29 00:00"), b("2026-03-30 00:00"), 23 * time.Hour},
		{"24/7 spring-forward day has 23 h", allDay("Europe/Berlin"), b("2026-03-29 00:00"), b("2026-03-30 00:00"), 23 * time.Hour},
		{"24/7 fall-back day has 25 h", allDay("Europe/Berlin"), b("2026-10-25 00:00"), b("2026-10-26 00:00"), 25 * time.Hour},
		{"night shift fall-back night in Berlin", nightShift("Europe/Berlin"), b("2026-10-25 00:00"), b("2026-10-25 12:00"), 3 * time.Hour},
		{"night shift spring-forward night in New York", nightShift("America/New_York"),
			wall(newYork, "2026-03-08 00:00"), wall(newYork, "2026-03-08 12:00"), time.Hour},
		{"pausing: open time in an evening and a morning", office, b("2026-06-01 17:00"), b("2026-06-02 10:00"), 2 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := BusinessDurationBetween(tc.a, tc.b, tc.bh); got != tc.want {
				t.Errorf("BusinessDurationBetween = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestEndOfBusinessDay(t *testing.T) {
	office := berlinOffice()
	b := func(s string) time.Time { return wall(berlin, s) }
	tests := []struct {
		name  string
		bh    *BusinessHours
		start time.Time
		want  time.Time
	}{
		{"during the morning", office, b("2026-06-01 10:00"), b("2026-06-01 18:00")},
		{"in the lunch break", office, b("2026-06-01 12:45"), b("2026-06-01 18:00")},
		{"before opening", office, b("2026-06-01 07:00"), b("2026-06-01 18:00")},
		{"exactly at the close", office, b("2026-06-01 18:00"), b("2026-06-02 18:00")},
		{"after the close", office, b("2026-06-01 18:05"), b("2026-06-02 18:00")},
		{"Friday evening", office, b("2026-06-05 20:00"), b("2026-06-08 18:00")},
		{"Saturday", office, b("2026-06-06 11:00"), b("2026-06-08 18:00")},
		{"holiday", office, b("2026-04-03 11:00"), b("2026-04-07 18:00")},
		{"special day", office, b("2026-12-24 10:00"), b("2026-12-24 13:00")},
		{"after a special day's close", office, b("2026-12-24 14:00"), b("2026-12-28 18:00")},
		{"year end", office, b("2026-12-31 15:00"), b("2027-01-04 18:00")},
		{"24/7 closes at midnight", allDay("Asia/Kolkata"), wall(kolkata, "2026-06-01 10:00"), wall(kolkata, "2026-06-02 00:00")},
		{"calendar: next midnight in start's zone", nil, b("2026-06-01 10:00"), b("2026-06-02 00:00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sameInstant(t, "EndOfBusinessDay", EndOfBusinessDay(tc.start, tc.bh), tc.want)
		})
	}
}

func TestIsOpen(t *testing.T) {
	office := berlinOffice()
	for s, want := range map[string]bool{
		"2026-06-01 08:59": false, "2026-06-01 09:00": true, "2026-06-01 12:29": true,
		"2026-06-01 12:30": false, "2026-06-01 13:30": true, "2026-06-01 18:00": false,
		"2026-06-06 10:00": false, "2026-12-24 12:59": true, "2026-12-24 13:00": false,
		"2026-12-25 10:00": false,
	} {
		if got := office.IsOpen(wall(berlin, s)); got != want {
			t.Errorf("IsOpen(%s) = %v, want %v", s, got, want)
		}
	}
	var calendar *BusinessHours
	if !calendar.IsOpen(time.Now()) {
		t.Error("nil business hours must always be open")
	}
}

// A schedule whose only open period never produces real time (it lies in a
// DST gap once a year, but a zero-value BusinessHours has none at all) must
// end the search with the zero Time, not loop.
func TestNoOpenTimeEnds(t *testing.T) {
	empty := &BusinessHours{loc: time.UTC}
	start := utc("2026-06-01 10:00")
	if got := AddBusinessDuration(start, time.Minute, empty); !got.IsZero() {
		t.Errorf("AddBusinessDuration on no open time = %s, want zero", got)
	}
	if got := EndOfBusinessDay(start, empty); !got.IsZero() {
		t.Errorf("EndOfBusinessDay on no open time = %s, want zero", got)
	}
	if got := BusinessDurationBetween(start, start.AddDate(1, 0, 0), empty); got != 0 {
		t.Errorf("BusinessDurationBetween on no open time = %s", got)
	}
	_, err := NewBusinessHours(Schedule{TimeZone: "UTC"})
	if err == nil {
		t.Fatal("a week without periods must not validate")
	}
}
