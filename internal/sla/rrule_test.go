package sla

import (
	"slices"
	"strings"
	"testing"
)

// The recurrence examples of RFC 5545 section 3.8.5.3 ("Recurrence Rule"),
// with DTSTART reduced to its date (holidays are all-day events) and the
// occurrences the RFC lists. Rules the RFC marks "forever" are checked on
// their first occurrences.
func TestRRuleRFC5545Examples(t *testing.T) {
	tests := []struct {
		name    string
		dtstart string
		rule    string
		to      string // expansion window end
		want    string // occurrences, space separated; "..." ends a prefix
	}{
		{"daily for 10 occurrences", "19970902", "FREQ=DAILY;COUNT=10", "19991231",
			"19970902 19970903 19970904 19970905 19970906 19970907 19970908 19970909 19970910 19970911"},
		{"every 10 days, 5 occurrences", "19970902", "FREQ=DAILY;INTERVAL=10;COUNT=5", "19991231",
			"19970902 19970912 19970922 19971002 19971012"},
		{"weekly for 10 occurrences", "19970902", "FREQ=WEEKLY;COUNT=10", "19991231",
			"19970902 19970909 19970916 19970923 19970930 19971007 19971014 19971021 19971028 19971104"},
		// The RFC's UNTIL=19971007T000000Z falls before that day's 09:00
		// occurrence; for all-day events the same rule is UNTIL=19971006.
		{"weekly on Tuesday and Thursday for five weeks", "19970902", "FREQ=WEEKLY;UNTIL=19971006;WKST=SU;BYDAY=TU,TH", "19991231",
			"19970902 19970904 19970909 19970911 19970916 19970918 19970923 19970925 19970930 19971002"},
		{"every other week on Tuesday and Thursday, 8 occurrences", "19970902", "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH", "19991231",
			"19970902 19970904 19970916 19970918 19970930 19971002 19971014 19971016"},
		{"WKST=MO changes the weeks", "19970805", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", "19991231",
			"19970805 19970810 19970819 19970824"},
		{"WKST=SU changes the weeks", "19970805", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", "19991231",
			"19970805 19970817 19970819 19970831"},
		{"monthly on the first Friday for 10 occurrences", "19970905", "FREQ=MONTHLY;COUNT=10;BYDAY=1FR", "19991231",
			"19970905 19971003 19971107 19971205 19980102 19980206 19980306 19980403 19980501 19980605"},
		{"monthly on the second-to-last Monday for 6 months", "19970922", "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", "19991231",
			"19970922 19971020 19971117 19971222 19980119 19980216"},
		{"monthly on the third-to-last day, forever", "19970928", "FREQ=MONTHLY;BYMONTHDAY=-3", "19980228",
			"19970928 19971029 19971128 19971229 19980129 19980226"},
		{"monthly on the 2nd and 15th for 10 occurrences", "19970902", "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", "19991231",
			"19970902 19970915 19971002 19971015 19971102 19971115 19971202 19971215 19980102 19980115"},
		{"February 30 is ignored", "20070115", "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", "20091231",
			"20070115 20070130 20070215 20070315 20070330"},
		{"every Friday the 13th (DTSTART counts; EXDATE removes it in a feed)", "19970902", "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "20001231",
			"19970902 19980213 19980313 19981113 19990813 20001013"},
		{"first Saturday after the first Sunday", "19970913", "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13", "19980630",
			"19970913 19971011 19971108 19971213 19980110 19980207 19980307 19980411 19980509 19980613"},
		{"third instance of Tuesday, Wednesday or Thursday, 3 months", "19970904", "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", "19991231",
			"19970904 19971007 19971106"},
		{"second-to-last weekday of the month", "19970929", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", "19980331",
			"19970929 19971030 19971127 19971230 19980129 19980226 19980330"},
		{"yearly in June and July for 10 occurrences", "19970610", "FREQ=YEARLY;COUNT=10;BYMONTH=6,7", "20091231",
			"19970610 19970710 19980610 19980710 19990610 19990710 20000610 20000710 20010610 20010710"},
		{"every other year on January, February and March, 10 occurrences", "19970310", "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3", "20091231",
			"19970310 19990110 19990210 19990310 20010110 20010210 20010310 20030110 20030210 20030310"},
		{"every third year on the 1st, 100th and 200th day", "19970101", "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200", "20091231",
			"19970101 19970410 19970719 20000101 20000409 20000718 20030101 20030410 20030719 20060101"},
		{"every 20th Monday of the year, forever", "19970519", "FREQ=YEARLY;BYDAY=20MO", "19991231",
			"19970519 19980518 19990517"},
		{"every Thursday in March, forever", "19970313", "FREQ=YEARLY;BYMONTH=3;BYDAY=TH", "19991231",
			"19970313 19970320 19970327 19980305 19980312 19980319 19980326 19990304 19990311 19990318 19990325"},
		{"every Thursday in June, July and August, forever", "19970605", "FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8", "19971231",
			"19970605 19970612 19970619 19970626 19970703 19970710 19970717 19970724 19970731 19970807 19970814 19970821 19970828"},
		{"U.S. Presidential Election day", "19961105", "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", "20041231",
			"19961105 20001107 20041102"},
		{"every day in January for 3 years", "19980101", "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA", "20091231",
			"19980101 19980102 19980103 ..."},
		// Holiday-feed shapes.
		{"anniversary (RFC 5545 3.6.1)", "19971102", "FREQ=YEARLY", "20001231", "19971102 19981102 19991102 20001102"},
		{"Thanksgiving: fourth Thursday of November", "20231123", "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "20261231",
			"20231123 20241128 20251127 20261126"},
		{"Memorial Day: last Monday of May", "20240527", "FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO", "20271231",
			"20240527 20250526 20260525 20270531"},
		{"leap day only in leap years", "20240229", "FREQ=YEARLY", "20331231", "20240229 20280229 20320229"},
		{"impossible rule ends", "20260101", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "20991231", "20260101"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parseRRule(tc.rule)
			if err != nil {
				t.Fatalf("parseRRule: %v", err)
			}
			start, _ := parseICalDate(tc.dtstart)
			to, _ := parseICalDate(tc.to)
			budget := expandBudget
			got, err := r.expand(start, start, to, &budget)
			if err != nil {
				t.Fatalf("expand: %v", err)
			}
			var gs []string
			for _, d := range got {
				gs = append(gs, strings.ReplaceAll(d.String(), "-", ""))
			}
			want := strings.Fields(tc.want)
			if n := len(want); want[n-1] == "..." {
				want = want[:n-1]
				if len(gs) > len(want) {
					gs = gs[:len(want)]
				}
			}
			if !slices.Equal(gs, want) {
				t.Errorf("occurrences\n got %s\nwant %s", strings.Join(gs, " "), strings.Join(want, " "))
			}
		})
	}
	// The January rule: 31 days in each of three years.
	r, _ := parseRRule("FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA")
	budget := expandBudget
	got, _ := r.expand(day("1998-01-01"), day("1998-01-01"), day("2009-12-31"), &budget)
	if len(got) != 93 || got[92] != day("2000-01-31") {
		t.Errorf("every day in January for 3 years: %d occurrences ending %s", len(got), got[len(got)-1])
	}
}

func TestParseRRuleErrors(t *testing.T) {
	for rule, want := range map[string]string{
		"":                                   "no FREQ",
		"BYMONTH=1":                          "no FREQ",
		"FREQ=HOURLY":                        "FREQ=HOURLY is not supported",
		"FREQ=YEARLY;BYWEEKNO=20":            "BYWEEKNO is not supported",
		"FREQ=YEARLY;BYHOUR=9":               "BYHOUR is not supported",
		"FREQ=YEARLY;COUNT=0":                "COUNT=0",
		"FREQ=YEARLY;COUNT=2;UNTIL=2030":     "UNTIL=2030",
		"FREQ=YEARLY;COUNT=2;UNTIL=20300101": "both COUNT and UNTIL",
		"FREQ=YEARLY;BYMONTH=13":             "BYMONTH=13",
		"FREQ=YEARLY;BYMONTHDAY=0":           "BYMONTHDAY=0",
		"FREQ=YEARLY;BYDAY=0MO":              "bad ordinal",
		"FREQ=YEARLY;BYDAY=XX":               "not a weekday",
		"FREQ=YEARLY;INTERVAL=0":             "INTERVAL=0",
		"FREQ=MONTHLY;BYYEARDAY=1":           "BYYEARDAY is not allowed",
		"FREQ=WEEKLY;BYMONTHDAY=1":           "BYMONTHDAY is not allowed",
		"FREQ":                               "has no value",
		"FREQ=YEARLY;WKST=XX":                "WKST=XX",
	} {
		_, err := parseRRule(rule)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseRRule(%q) = %v, want an error containing %q", rule, err, want)
		}
	}
}

func TestExpandBudget(t *testing.T) {
	r, _ := parseRRule("FREQ=DAILY")
	budget := 1000
	if _, err := r.expand(day("2000-01-01"), day("2000-01-01"), day("2099-12-31"), &budget); err != errBudget {
		t.Errorf("expand over budget = %v, want errBudget", err)
	}
}

// Starting the walk at the window (rules without COUNT) must keep INTERVAL
// alignment and BYSETPOS; the output still begins with DTSTART, which the
// caller filters by the window.
func TestExpandFromWindow(t *testing.T) {
	tests := []struct{ dtstart, rule, from, to, want string }{
		{"19970310", "FREQ=YEARLY;INTERVAL=2;BYMONTH=1,2,3", "20020601", "20031231", "19970310 20030110 20030210 20030310"},
		{"19970929", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", "19980115", "19980331", "19970929 19980129 19980226 19980330"},
		{"19970902", "FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=TU,TH", "19970910", "19971002", "19970902 19970916 19970918 19970930 19971002"},
		{"19970902", "FREQ=DAILY;INTERVAL=10", "19971001", "19971031", "19970902 19971002 19971012 19971022"},
	}
	for _, tc := range tests {
		r, err := parseRRule(tc.rule)
		if err != nil {
			t.Fatal(err)
		}
		ds, _ := parseICalDate(tc.dtstart)
		from, _ := parseICalDate(tc.from)
		to, _ := parseICalDate(tc.to)
		budget := expandBudget
		got, err := r.expand(ds, from, to, &budget)
		if err != nil {
			t.Fatal(err)
		}
		var gs []string
		for _, d := range got {
			gs = append(gs, strings.ReplaceAll(d.String(), "-", ""))
		}
		if strings.Join(gs, " ") != tc.want {
			t.Errorf("%s from %s: got %s, want %s", tc.rule, tc.from, strings.Join(gs, " "), tc.want)
		}
	}
}
