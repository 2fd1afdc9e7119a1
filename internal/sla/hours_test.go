package sla

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestScheduleValidate(t *testing.T) {
	nine := weekdays(per("09:00", "17:00"))
	tests := []struct {
		name  string
		s     Schedule
		wants []string // substrings of the error; none: valid
	}{
		{"valid office", Schedule{TimeZone: "Europe/Berlin", Week: nine}, nil},
		{"touching periods join up", Schedule{TimeZone: "UTC", Week: weekdays(per("09:00", "12:00"), per("12:00", "13:00"))}, nil},
		{"24 hours", Schedule{TimeZone: "UTC", Week: everyDay(per("00:00", "24:00"))}, nil},
		{"duplicate holidays merge", Schedule{TimeZone: "UTC", Week: nine,
			Holidays: []Holiday{{day("2026-01-01"), "New Year"}, {day("2026-01-01"), "Neujahr"}}}, nil},
		{"missing zone", Schedule{Week: nine}, []string{"time_zone: required"}},
		{"server-local zone", Schedule{TimeZone: "Local", Week: nine}, []string{"depends on the server"}},
		{"unknown zone", Schedule{TimeZone: "Mars/Olympus_Mons", Week: nine}, []string{`unknown zone "Mars/Olympus_Mons"`}},
		{"no open period", Schedule{TimeZone: "UTC"}, []string{"no open period"}},
		{"end before start", Schedule{TimeZone: "UTC", Week: Week{time.Monday: {per("18:00", "09:00")}}},
			[]string{"week.monday[0]: start 18:00 is not before end 09:00", "split them at 24:00"}},
		{"empty period", Schedule{TimeZone: "UTC", Week: Week{time.Monday: {per("10:00", "10:00")}}},
			[]string{"week.monday[0]: start 10:00 is not before end 10:00"}},
		{"overlap", Schedule{TimeZone: "UTC", Week: Week{time.Tuesday: {per("09:00", "12:30"), per("12:00", "13:00")}}},
			[]string{"week.tuesday[1]: 12:00–13:00 starts before the previous period 09:00–12:30 ends"}},
		{"unsorted", Schedule{TimeZone: "UTC", Week: Week{time.Friday: {per("13:30", "18:00"), per("09:00", "12:30")}}},
			[]string{"week.friday[1]", "must be sorted"}},
		{"24:00 as a start", Schedule{TimeZone: "UTC", Week: Week{time.Sunday: {{Start: EndOfDay, End: EndOfDay}}}},
			[]string{"week.sunday[0]: start 24:00", "24:00 can only end a period"}},
		{"end past midnight", Schedule{TimeZone: "UTC", Week: Week{time.Sunday: {{Start: HM(22, 0), End: HM(26, 0)}}}},
			[]string{"week.sunday[0]: end invalid(1560) must be between 00:01 and 24:00"}},
		{"invalid holiday date", Schedule{TimeZone: "UTC", Week: nine, Holidays: []Holiday{{Date: Date{2026, 2, 30}}}},
			[]string{"holidays[0]: invalid date 2026-02-30"}},
		{"duplicate special day", Schedule{TimeZone: "UTC", Week: nine, SpecialDays: []SpecialDay{
			{Date: day("2026-12-24"), Periods: []Period{per("09:00", "13:00")}},
			{Date: day("2026-12-24"), Periods: []Period{per("14:00", "15:00")}},
		}}, []string{"special_days[1]: 2026-12-24 is already a special day"}},
		{"bad special-day period", Schedule{TimeZone: "UTC", Week: nine, SpecialDays: []SpecialDay{
			{Date: day("2026-12-24"), Periods: []Period{per("13:00", "09:00")}},
		}}, []string{"special_days[0].periods[0]: start 13:00 is not before end 09:00"}},
		{"every problem is reported", Schedule{Week: Week{time.Monday: {per("10:00", "09:00")}}},
			[]string{"time_zone: required", "week.monday[0]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			if len(tc.wants) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want errors %q", tc.wants)
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to contain %q", err, w)
				}
			}
		})
	}
	if err := (Schedule{TimeZone: "UTC"}).Validate(); !errors.Is(err, ErrNoOpenTime) {
		t.Errorf("empty week: %v, want ErrNoOpenTime", err)
	}
}

func TestParseTimeOfDay(t *testing.T) {
	for in, want := range map[string]TimeOfDay{"00:00": 0, "09:30": HM(9, 30), "9:30": HM(9, 30), "23:59": HM(23, 59), "24:00": EndOfDay} {
		if got, err := ParseTimeOfDay(in); err != nil || got != want {
			t.Errorf("ParseTimeOfDay(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "24:01", "25:00", "09:60", "0900", "+9:00", "-1:00", "ab:cd", "9:5", "09:00:00", " 9:00"} {
		if _, err := ParseTimeOfDay(in); err == nil {
			t.Errorf("ParseTimeOfDay(%q) succeeded, want an error", in)
		}
	}
}

func TestDate(t *testing.T) {
	if !day("2028-02-29").IsValid() || (Date{2026, 2, 29}).IsValid() || (Date{2026, 13, 1}).IsValid() || (Date{}).IsValid() {
		t.Error("IsValid is wrong about leap days, months or the zero Date")
	}
	if got := day("2026-12-31").AddDays(1); got != day("2027-01-01") {
		t.Errorf("AddDays over the year end = %s", got)
	}
	if got := day("2026-03-01").AddDays(-1); got != day("2026-02-28") {
		t.Errorf("AddDays back over February = %s", got)
	}
	if day("2026-06-01").Weekday() != time.Monday || !day("2026-06-01").Before(day("2026-06-02")) || !day("2027-01-01").After(day("2026-12-31")) {
		t.Error("Weekday or ordering is wrong")
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("ParseDate accepted 30 February")
	}
	// DateOf reads the date in the time's own zone.
	if got := DateOf(wall(kolkata, "2026-06-02 01:00").In(time.UTC)); got != day("2026-06-01") {
		t.Errorf("DateOf = %s", got)
	}
}

func TestScheduleJSON(t *testing.T) {
	s := Schedule{
		TimeZone:    "Europe/Berlin",
		Week:        Week{time.Monday: {per("09:00", "12:30"), per("13:30", "18:00")}, time.Saturday: {per("10:00", "14:00")}},
		Holidays:    []Holiday{{day("2026-12-25"), "Christmas Day"}},
		SpecialDays: []SpecialDay{{day("2026-12-24"), "Christmas Eve", []Period{per("09:00", "13:00")}}},
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"time_zone":"Europe/Berlin","week":{"monday":[{"start":"09:00","end":"12:30"},{"start":"13:30","end":"18:00"}],"saturday":[{"start":"10:00","end":"14:00"}]},"holidays":[{"date":"2026-12-25","name":"Christmas Day"}],"special_days":[{"date":"2026-12-24","name":"Christmas Eve","periods":[{"start":"09:00","end":"13:00"}]}]}`
	if string(b) != want {
		t.Errorf("JSON =\n%s\nwant\n%s", b, want)
	}
	var back Schedule
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("round trip = %+v, want %+v", back, s)
	}
	for _, bad := range []string{
		`{"week":{"tuesdy":[]}}`,
		`{"week":{"monday":[{"start":"9am","end":"17:00"}]}}`,
		`{"holidays":[{"date":"25.12.2026"}]}`,
	} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("Unmarshal(%s) succeeded, want an error", bad)
		}
	}
}

func TestSpecialDayWinsOverHoliday(t *testing.T) {
	bh := MustBusinessHours(Schedule{
		TimeZone:    "UTC",
		Week:        weekdays(per("09:00", "17:00")),
		Holidays:    []Holiday{{day("2026-12-24"), "imported"}},
		SpecialDays: []SpecialDay{{day("2026-12-24"), "short day", []Period{per("09:00", "13:00")}}},
	})
	if !bh.IsOpen(utc("2026-12-24 10:00")) || bh.IsOpen(utc("2026-12-24 14:00")) {
		t.Error("the special day's periods must apply on a date that is also a holiday")
	}
}

func TestScheduleCopy(t *testing.T) {
	bh := berlinOffice()
	s := bh.Schedule()
	s.Week[time.Monday][0] = per("00:00", "01:00")
	s.SpecialDays[0].Periods[0] = per("00:00", "01:00")
	if !bh.IsOpen(wall(berlin, "2026-06-01 09:30")) || !bh.IsOpen(wall(berlin, "2026-12-24 09:30")) {
		t.Error("editing Schedule() changed the compiled business hours")
	}
	if bh.Location().String() != "Europe/Berlin" {
		t.Errorf("Location = %s", bh.Location())
	}
}
