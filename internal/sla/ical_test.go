package sla

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func renderHolidays(hs []Holiday) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "%s %s\n", h.Date, h.Name)
	}
	return b.String()
}

// testdata/holidays-rfc5545.ics is built from the examples of RFC 5545:
// section 3.6.1 (the all-day anniversary with RRULE:FREQ=YEARLY, the
// multi-day jazz festival with an exclusive DTEND, the VTODO), 3.6.5 (the
// VTIMEZONE, whose own RRULEs must not become holidays), 3.8.5.1 and 3.8.5.3
// (EXDATE, "every Friday the 13th", the presidential election day), 3.8.5.2
// (the RDATE list of 1997 U.S. holidays) and section 4 (the timed Bastille
// Day party, which is not a holiday), plus a RECURRENCE-ID override, a
// DURATION, a cancelled event, line folding and TEXT escaping (3.1, 3.3.11).
func TestParseICalGolden(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "holidays-rfc5545.ics"))
	if err != nil {
		t.Fatal(err)
	}
	hs, err := ParseICalBetween(bytes.NewReader(in), day("1996-01-01"), day("2007-12-31"))
	if err != nil {
		t.Fatalf("ParseICalBetween: %v", err)
	}
	got := renderHolidays(hs)
	golden := filepath.Join("testdata", "holidays-rfc5545.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("holidays differ from %s (rerun with -update after checking):\n%s", golden, got)
	}

	// The default window runs the yearly anniversary to 2099.
	all, err := ParseICal(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	last := Holiday{}
	n := 0
	for _, h := range all {
		if h.Name == "Our Blissful Anniversary" {
			last = h
			n++
		}
	}
	if last.Date != day("2099-11-02") || n != 2099-1997 { // 1999 moved
		t.Errorf("anniversaries: %d, last %s", n, last.Date)
	}
}

func feed(events ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n" + strings.Join(events, "") + "END:VCALENDAR\r\n"
}

func vevent(lines ...string) string {
	return "BEGIN:VEVENT\r\nUID:" + lines[0] + "\r\nDTSTAMP:20260101T000000Z\r\n" + strings.Join(lines[1:], "\r\n") + "\r\nEND:VEVENT\r\n"
}

func TestParseICal(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // rendered holidays
	}{
		{"single all-day event lasts one day",
			feed(vevent("a", "DTSTART;VALUE=DATE:20261225", "SUMMARY:Christmas Day")),
			"2026-12-25 Christmas Day\n"},
		{"DTEND is exclusive",
			feed(vevent("a", "DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261227", "SUMMARY:Christmas")),
			"2026-12-24 Christmas\n2026-12-25 Christmas\n2026-12-26 Christmas\n"},
		{"DTEND not after DTSTART reads as one day",
			feed(vevent("a", "DTSTART;VALUE=DATE:20261225", "DTEND;VALUE=DATE:20261225", "SUMMARY:X")),
			"2026-12-25 X\n"},
		{"DURATION in weeks",
			feed(vevent("a", "DTSTART;VALUE=DATE:20260803", "DURATION:P1W", "SUMMARY:Summer")),
			"2026-08-03 Summer\n2026-08-04 Summer\n2026-08-05 Summer\n2026-08-06 Summer\n2026-08-07 Summer\n2026-08-08 Summer\n2026-08-09 Summer\n"},
		{"bare 8-digit DTSTART without VALUE=DATE",
			feed(vevent("a", "DTSTART:20260101", "SUMMARY:New Year")),
			"2026-01-01 New Year\n"},
		{"yearly with COUNT across the year end",
			feed(vevent("a", "DTSTART;VALUE=DATE:20261231", "DTEND;VALUE=DATE:20270102", "RRULE:FREQ=YEARLY;COUNT=2", "SUMMARY:Year end")),
			"2026-12-31 Year end\n2027-01-01 Year end\n2027-12-31 Year end\n2028-01-01 Year end\n"},
		{"yearly with UNTIL and EXDATE",
			feed(vevent("a", "DTSTART;VALUE=DATE:20260501", "RRULE:FREQ=YEARLY;UNTIL=20290501", "EXDATE;VALUE=DATE:20270501", "EXDATE;VALUE=DATE:20280501", "SUMMARY:Labour Day")),
			"2026-05-01 Labour Day\n2029-05-01 Labour Day\n"},
		{"timed events and cancelled events are not holidays",
			feed(vevent("a", "DTSTART:20261224T120000Z", "DTEND:20261224T180000Z", "SUMMARY:Party"),
				vevent("b", "DTSTART;TZID=Europe/Berlin:20261224T000000", "SUMMARY:Zoned"),
				vevent("c", "DTSTART;VALUE=DATE:20261224", "STATUS:CANCELLED", "SUMMARY:Off")),
			""},
		{"a cancelled override removes one instance",
			feed(vevent("a", "DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=YEARLY;COUNT=3", "SUMMARY:New Year"),
				vevent("a", "RECURRENCE-ID;VALUE=DATE:20270101", "DTSTART;VALUE=DATE:20270101", "STATUS:CANCELLED", "SUMMARY:New Year")),
			"2026-01-01 New Year\n2028-01-01 New Year\n"},
		{"duplicates collapse, names are unescaped and trimmed",
			feed(vevent("a", "DTSTART;VALUE=DATE:20261003", "SUMMARY:  Tag der\\, Deutschen   Einheit "),
				vevent("b", "DTSTART;VALUE=DATE:20261003", "SUMMARY:Tag der\\, Deutschen Einheit")),
			"2026-10-03 Tag der, Deutschen Einheit\n"},
		{"events outside the window are dropped",
			feed(vevent("a", "DTSTART;VALUE=DATE:19500101", "SUMMARY:Old"), vevent("b", "DTSTART;VALUE=DATE:21500101", "SUMMARY:Far")),
			""},
		{"LF line endings and stray properties between components",
			strings.ReplaceAll(feed(vevent("a", "DTSTART;VALUE=DATE:20260101", "SUMMARY:New Year"), "X-STRAY:1\r\n"), "\r\n", "\n"),
			"2026-01-01 New Year\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs, err := ParseICal(strings.NewReader(tc.in))
			if err != nil {
				t.Fatalf("ParseICal: %v", err)
			}
			if got := renderHolidays(hs); got != tc.want {
				t.Errorf("holidays:\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestParseICalErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"not a calendar", "hello", "sla: ical:"},
		{"empty", "", "sla: ical:"},
		{"no DTSTART", feed(vevent("nodt", "SUMMARY:X")), `event "nodt": has no DTSTART`},
		{"bad date", feed(vevent("bad", "DTSTART;VALUE=DATE:20260231")), `event "bad": DTSTART: "20260231" is not a date`},
		{"bad DTEND", feed(vevent("e", "DTSTART;VALUE=DATE:20260201", "DTEND;VALUE=DATE:2026")), `DTEND:`},
		{"bad DURATION", feed(vevent("d", "DTSTART;VALUE=DATE:20260201", "DURATION:PT")), `DURATION:`},
		{"unsupported rule", feed(vevent("w", "DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=YEARLY;BYWEEKNO=1")), `event "w": RRULE: rule part BYWEEKNO is not supported`},
		{"year-long closure", feed(vevent("long", "DTSTART;VALUE=DATE:20260101", "DTEND;VALUE=DATE:20280101")), "lasts 730 days"},
		{"too many holidays", feed(vevent("daily", "DTSTART;VALUE=DATE:19700101", "RRULE:FREQ=DAILY")), "more than 20000 holidays"},
		{"too big", "BEGIN:VCALENDAR\r\n" + strings.Repeat("X-PAD:"+strings.Repeat("a", 1000)+"\r\n", 4200), "larger than 4 MiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseICal(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseICal = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestParseDayDuration(t *testing.T) {
	for in, want := range map[string]int{"P1D": 1, "P2W": 14, "P1DT12H": 2, "P1DT0H": 1, "P1W2D": 9, "+P3D": 3, "PT24H": 1} {
		if got, err := parseDayDuration(in); err != nil || got != want {
			t.Errorf("parseDayDuration(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "P", "1D", "PXD", "P1", "P99999999D", "-P1D"} {
		if _, err := parseDayDuration(in); err == nil {
			t.Errorf("parseDayDuration(%q) succeeded", in)
		}
	}
}

// FuzzParseICal: arbitrary bytes must give holidays or an error, never a
// panic or an endless expansion (inputs are capped by the fuzzer's size
// limits and by the expansion budget).
func FuzzParseICal(f *testing.F) {
	if seed, err := os.ReadFile(filepath.Join("testdata", "holidays-rfc5545.ics")); err == nil {
		f.Add(seed)
	}
	f.Add([]byte(feed(vevent("a", "DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=MONTHLY;BYDAY=-1FR;BYSETPOS=1", "SUMMARY:x"))))
	f.Add([]byte(feed(vevent("a", "DTSTART;VALUE=DATE:20260101", "DURATION:P1W2DT3H", "RDATE:20260301,20260401"))))
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:00000000\nRRULE:FREQ=DAILY;INTERVAL=1\nEND:VEVENT\nEND:VCALENDAR\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		hs, err := ParseICal(bytes.NewReader(b))
		if err != nil {
			return
		}
		for i, h := range hs {
			if !h.Date.IsValid() || h.Date.Before(icalFrom) || h.Date.After(icalTo) {
				t.Fatalf("holiday %d has date %s", i, h.Date)
			}
			if i > 0 && h.Date.Before(hs[i-1].Date) {
				t.Fatalf("holidays are not sorted at %d", i)
			}
		}
		if len(hs) > maxHolidays {
			t.Fatalf("%d holidays", len(hs))
		}
	})
}

func TestParseICalOverlappingLongEventsEnd(t *testing.T) {
	in := feed(vevent("long", "DTSTART;VALUE=DATE:19700101", "DURATION:P366D", "RRULE:FREQ=DAILY", "SUMMARY:x"))
	_, err := ParseICal(strings.NewReader(in))
	if err == nil || !strings.Contains(err.Error(), "too many days") {
		t.Errorf("ParseICal = %v, want the expansion budget error", err)
	}
}
