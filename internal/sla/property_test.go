package sla

import (
	"math/rand/v2"
	"testing"
	"time"
)

// Zones with awkward histories: 30-minute DST (Lord_Howe), negative DST in
// tzdata (Dublin), 2-hour DST (Troll), DST at midnight (Santiago, Sao_Paulo
// until 2019, Havana), a skipped day (Apia lost 2011-12-30), +05:45 (Kathmandu).
var propertyZones = []string{
	"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
	"Europe/Dublin", "Antarctica/Troll", "America/Santiago", "America/Sao_Paulo",
	"America/Havana", "Pacific/Apia", "Asia/Kathmandu",
}

// randomSchedule draws a valid schedule. Boundaries sit on a 30-minute grid
// and favour the small hours, where DST changes happen.
func randomSchedule(r *rand.Rand) *BusinessHours {
	s := Schedule{TimeZone: propertyZones[r.IntN(len(propertyZones))]}
	for d := range s.Week {
		if r.IntN(10) < 3 {
			continue // closed day
		}
		var ps []Period
		at := TimeOfDay(0)
		for range 1 + r.IntN(3) {
			start := at + TimeOfDay(r.IntN(8))*30
			if r.IntN(3) == 0 {
				start = at // touching or from midnight
			}
			end := start + TimeOfDay(1+r.IntN(12))*30
			if start >= EndOfDay {
				break
			}
			end = min(end, EndOfDay)
			ps = append(ps, Period{start, end})
			at = end
		}
		s.Week[d] = ps
	}
	if r.IntN(4) == 0 {
		s.Week[time.Wednesday] = []Period{{HM(1, 0), HM(3, 0)}} // ensure some open time
	}
	open := false
	for _, ps := range s.Week {
		open = open || len(ps) > 0
	}
	if !open {
		s.Week[r.IntN(7)] = []Period{{HM(9, 0), HM(17, 0)}}
	}
	base := Date{2005 + r.IntN(25), time.Month(1 + r.IntN(12)), 1}
	for range r.IntN(6) {
		s.Holidays = append(s.Holidays, Holiday{Date: base.AddDays(r.IntN(60))})
	}
	if r.IntN(3) > 0 {
		sd := SpecialDay{Date: base.AddDays(r.IntN(60))} // closed
		if r.IntN(2) == 0 {
			sd.Periods = []Period{{HM(10, 0), HM(11, 30)}}
		}
		s.SpecialDays = append(s.SpecialDays, sd)
	}
	bh, err := NewBusinessHours(s)
	if err != nil {
		panic(err)
	}
	return bh
}

// checkArithmetic asserts the laws the deadline arithmetic must obey for one
// schedule, start and duration.
func checkArithmetic(t *testing.T, bh *BusinessHours, start time.Time, d time.Duration) {
	t.Helper()
	end := AddBusinessDuration(start, d, bh)
	if end.IsZero() {
		t.Fatalf("%s: AddBusinessDuration(%s, %s) found no time", bh.sched.TimeZone, start, d)
	}
	if end.Before(start) {
		t.Fatalf("%s: AddBusinessDuration(%s, %s) = %s is before start", bh.sched.TimeZone, start, d, end)
	}
	if got := BusinessDurationBetween(start, end, bh); got != d {
		t.Fatalf("%s: BusinessDurationBetween(%s, Add(%s)=%s) = %s", bh.sched.TimeZone, start, d, end, got)
	}
	if d > 0 && !bh.IsOpen(end.Add(-time.Nanosecond)) {
		t.Fatalf("%s: the instant before the deadline %s is closed", bh.sched.TimeZone, end)
	}
	// Additivity: running a then b is running a+b.
	a := d / 3
	if got := AddBusinessDuration(AddBusinessDuration(start, a, bh), d-a, bh); !got.Equal(end) {
		t.Fatalf("%s: Add(Add(%s, %s), %s) = %s, want %s", bh.sched.TimeZone, start, a, d-a, got, end)
	}
	// Splitting an interval splits its open time.
	mid := start.Add(end.Sub(start) / 2)
	if x, y := BusinessDurationBetween(start, mid, bh), BusinessDurationBetween(mid, end, bh); x+y != d {
		t.Fatalf("%s: Between split at %s gives %s + %s, want %s", bh.sched.TimeZone, mid, x, y, d)
	}
	eod := EndOfBusinessDay(start, bh)
	if !eod.After(start) || !bh.IsOpen(eod.Add(-time.Nanosecond)) {
		t.Fatalf("%s: EndOfBusinessDay(%s) = %s", bh.sched.TimeZone, start, eod)
	}
}

func TestArithmeticProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2)) // fixed seed: deterministic
	for range 150 {
		bh := randomSchedule(r)
		for range 10 {
			start := time.Unix(time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC).Unix()+r.Int64N(25*365*86400), r.Int64N(1e9))
			if r.IntN(2) == 0 {
				start = start.Truncate(30 * time.Minute) // land on boundaries too
			}
			d := time.Duration(r.Int64N(int64(120 * time.Hour)))
			if r.IntN(3) == 0 {
				d = d.Truncate(30 * time.Minute)
			}
			checkArithmetic(t, bh, start, d)
		}
	}
}

// FuzzArithmetic runs the same laws on fuzzer-chosen schedules, starts and
// durations; bounded durations keep every call short, and a hang would show
// as a fuzzing timeout.
func FuzzArithmetic(f *testing.F) {
	f.Add(uint64(1), int64(0), uint32(90))
	f.Add(uint64(7), int64(1774746000), uint32(0)) // Berlin spring forward 2026
	f.Add(uint64(42), int64(1325239200), uint32(1440))
	f.Fuzz(func(t *testing.T, seed uint64, startSec int64, minutes uint32) {
		bh := randomSchedule(rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)))
		lo := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		span := int64(40 * 365 * 86400)
		start := time.Unix(lo+((startSec%span)+span)%span, 0)
		d := time.Duration(minutes%(30*24*60)) * time.Minute
		checkArithmetic(t, bh, start, d)
	})
}

// A 24/7 schedule is calendar time in every zone, whatever its DST history.
func TestAllDayIsCalendarTime(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, z := range propertyZones {
		bh := allDay(z)
		for range 40 {
			start := time.Unix(time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC).Unix()+r.Int64N(25*365*86400), 0)
			d := time.Duration(r.Int64N(int64(400 * time.Hour)))
			if got := AddBusinessDuration(start, d, bh); !got.Equal(start.Add(d)) {
				t.Fatalf("%s: 24/7 AddBusinessDuration(%s, %s) = %s, want %s", z, start, d, got, start.Add(d))
			}
			if got := BusinessDurationBetween(start, start.Add(d), bh); got != d {
				t.Fatalf("%s: 24/7 BusinessDurationBetween over %s = %s", z, d, got)
			}
		}
		// Samoa skipped 30 December 2011 entirely.
		if z == "Pacific/Apia" {
			s := wall(bh.loc, "2011-12-29 12:00")
			if got := AddBusinessDuration(s, 24*time.Hour, bh); !got.Equal(s.Add(24 * time.Hour)) {
				t.Errorf("Apia across the skipped day: %s", got)
			}
		}
	}
}
