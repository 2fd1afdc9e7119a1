package x

import "testing"

func TestPollCursor(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want pollCursor
		ok   bool
	}{
		{"", pollCursor{}, true},
		{"1307025659294674945", pollCursor{since: "1307025659294674945"}, true},
		{"newest_id=9&pagination_token=p1a&since_id=5", pollCursor{since: "5", token: "p1a", newest: "9"}, true},
		{"pagination_token=p1a", pollCursor{token: "p1a"}, true},
		{"since_id=abc&pagination_token=p", pollCursor{}, false},
		{"%zz", pollCursor{}, false},
	} {
		got, err := parseCursor(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parseCursor(%q) = %+v, %v", tc.in, got, err)
		}
		if tc.ok && got.String() != "" {
			back, err := parseCursor(got.String())
			if err != nil || back != got {
				t.Errorf("round trip of %q: %+v %v", tc.in, back, err)
			}
		}
	}
	if compareIDs("99", "100") >= 0 || compareIDs("100", "099") <= 0 || newer("", "5") != "5" {
		t.Error("id order")
	}
}

func FuzzPollCursor(f *testing.F) {
	f.Add("")
	f.Add("1307025659294674945")
	f.Add("newest_id=9&pagination_token=p1a&since_id=5")
	f.Add("since_id=&pagination_token=%00")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		back, err := parseCursor(c.String())
		if err != nil || back != c {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, c, c.String(), back, err)
		}
	})
}
