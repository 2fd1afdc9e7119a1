package inbox

import (
	"errors"
	"testing"

	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/store"
)

func TestCheckModesAndSettings(t *testing.T) {
	set := store.ComposeSettings{Checks: map[string]string{"spelling": store.CheckOff, "arguing": store.CheckBlock, "personal_data": store.CheckWarn}}
	modes := map[string]string{}
	for _, m := range CheckModes(set) {
		modes[m.Check] = m.Mode
	}
	if len(modes) != len(compose.Checks) || modes["spelling"] != "off" || modes["arguing"] != "block" || modes["personal_data"] != "warn" || modes["empathy"] != "warn" {
		t.Fatalf("CheckModes = %v", modes)
	}
	if def := CheckModes(store.ComposeSettings{}); def[5].Check != "personal_data" || def[5].Mode != "block" {
		t.Fatalf("default personal_data mode = %+v", def[5])
	}
	cs := checkerSettings(set)
	if !cs.Disabled["spelling"] || !cs.Blocking["arguing"] || cs.Blocking["personal_data"] {
		t.Fatalf("checkerSettings = %+v", cs)
	}
	if _, ok := cs.Blocking["personal_data"]; !ok {
		t.Fatal("warn must override the default blocking explicitly")
	}
}

// FuzzValidateCheckModes: whatever an admin (or a script) posts, the result
// is either a *ValidationError or only known checks with known modes.
func FuzzValidateCheckModes(f *testing.F) {
	f.Add("spelling", "off", "personal_data", "warn")
	f.Add("speling", "off", "", "")
	f.Add("arguing", "BLOCK", "x\x00", "\xff")
	f.Fuzz(func(t *testing.T, c1, m1, c2, m2 string) {
		got, err := ValidateCheckModes(map[string]string{c1: m1, c2: m2})
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Message == "" {
				t.Fatalf("error %v is not a validation error", err)
			}
			return
		}
		for c, m := range got {
			known := false
			for _, k := range compose.Checks {
				known = known || k == c
			}
			if !known || (m != store.CheckOff && m != store.CheckWarn && m != store.CheckBlock) {
				t.Fatalf("accepted %q = %q", c, m)
			}
		}
		s := checkerSettings(store.ComposeSettings{Checks: got})
		for c, m := range got {
			if s.Disabled[c] != (m == store.CheckOff) {
				t.Fatalf("%s=%s: disabled %v", c, m, s.Disabled[c])
			}
		}
	})
}
