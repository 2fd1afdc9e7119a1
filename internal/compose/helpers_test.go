package compose

import (
	"os"
	"sync"
	"testing"
	"testing/fstest"
)

var (
	sharedOnce    sync.Once
	sharedChecker *Checker
	sharedErr     error
)

// checker returns one Checker for the package's tests, built from the embedded dictionaries.
func checker(tb testing.TB) *Checker {
	tb.Helper()
	sharedOnce.Do(func() { sharedChecker, sharedErr = New(Options{Preload: true}) })
	if sharedErr != nil {
		tb.Fatal(sharedErr)
	}
	return sharedChecker
}

// needDict skips a test that needs the real dictionary of lang when it is not embedded (a
// checkout where `make assets` has not run), unless HEED_TEST_REQUIRE_DICT=1.
func needDict(tb testing.TB, lang string) *Checker {
	tb.Helper()
	c := checker(tb)
	if _, ok := c.dicts[lang]; ok {
		return c
	}
	msg := "no " + lang + " spelling dictionary in internal/compose/dict: run `make assets` (copies it from the npm dictionary-" + lang + " package)"
	if os.Getenv("HEED_TEST_REQUIRE_DICT") == "1" {
		tb.Fatal(msg + " (HEED_TEST_REQUIRE_DICT=1)")
	}
	tb.Skip(msg)
	return nil
}

// only returns the warnings of one check.
func only(ws []Warning, check string) []Warning {
	var out []Warning
	for _, w := range ws {
		if w.Check == check {
			out = append(out, w)
		}
	}
	return out
}

// run1 runs a single check on in.
func run1(c *Checker, in Input, check string) []Warning {
	dis := map[string]bool{}
	for _, k := range Checks {
		if k != check {
			dis[k] = true
		}
	}
	for k, v := range in.Settings.Disabled {
		dis[k] = dis[k] || v
	}
	in.Settings.Disabled = dis
	return c.Check(in)
}

// emptyFS has no dictionaries: spelling is off, every other check runs.
var emptyFS = fstest.MapFS{}
