package compose

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

// tinyChecker uses the hand-written dictionary in testdata/tiny, so that the spelling rules
// are tested on every checkout, with or without the npm dictionaries.
func tinyChecker(t *testing.T) *Checker {
	t.Helper()
	c, err := New(Options{FS: os.DirFS("testdata/tiny"), Preload: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestResultJSONShape(t *testing.T) {
	c := tinyChecker(t)
	got, err := json.Marshal(c.Result(Input{Text: "Hi Ana, we are sorry. Your order shipped today.", Customer: Customer{Name: "Ana Diaz"}}))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"warnings":[]}` {
		t.Errorf("no warnings: got %s, want {\"warnings\":[]}", got)
	}

	res := c.Result(Input{Text: "Hi Maria, your ordr shipped.", Customer: Customer{Name: "Ana Diaz"}})
	got, err = json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Warnings []map[string]any `json:"warnings"`
	}
	if err := json.Unmarshal(got, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Warnings) != 2 {
		t.Fatalf("got %s, want a wrong_name and a spelling warning", got)
	}
	for _, w := range raw.Warnings {
		var keys []string
		for k := range w {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		want := []string{"blocking", "check", "end", "fix", "message", "start"}
		if !slices.Equal(keys, want) {
			t.Errorf("warning keys %v, want %v", keys, want)
		}
		if _, ok := w["start"].(float64); !ok {
			t.Errorf("start is %T, want a number", w["start"])
		}
		if _, ok := w["blocking"].(bool); !ok {
			t.Errorf("blocking is %T, want a bool", w["blocking"])
		}
	}
	if raw.Warnings[0]["check"] != "wrong_name" || raw.Warnings[0]["fix"] != "Ana" ||
		raw.Warnings[0]["start"] != 3.0 || raw.Warnings[0]["end"] != 8.0 {
		t.Errorf("first warning %v, want wrong_name 3..8 with fix Ana", raw.Warnings[0])
	}
	// A warning without a suggestion has no "fix" key at all.
	b, _ := json.Marshal(Warning{Check: CheckEmpathy, Message: "m", Start: 0, End: 4})
	if strings.Contains(string(b), "fix") {
		t.Errorf("empty fix serialised: %s", b)
	}
}

func TestWarningsOrderedAndInRange(t *testing.T) {
	c := checker(t)
	in := Input{
		Text:   "As I already said, your card 4111 1111 1111 1111 is fine!! Hi Maria. We're looking into it.",
		Public: true, ChannelType: "x", MaxLength: 40, Customer: Customer{Name: "Ana Diaz"}, CustomerNegative: true,
	}
	ws := c.Check(in)
	if len(ws) < 5 {
		t.Fatalf("got %d warnings, want at least 5: %+v", len(ws), ws)
	}
	for i, w := range ws {
		if w.Start < 0 || w.End > len(in.Text) || w.Start > w.End {
			t.Errorf("warning %+v out of range", w)
		}
		if i > 0 && ws[i-1].Start > w.Start {
			t.Errorf("warnings not ordered by start: %+v before %+v", ws[i-1], w)
		}
		if !slices.Contains(Checks, w.Check) {
			t.Errorf("unknown check %q", w.Check)
		}
		if w.Message == "" {
			t.Errorf("empty message: %+v", w)
		}
	}
}

func TestSettings(t *testing.T) {
	c := tinyChecker(t)
	text := "Hi Maria, call me at ana@example.com!!"
	base := Input{Text: text, Public: true, Customer: Customer{Name: "Ana Diaz"}}
	checksOf := func(ws []Warning) map[string]bool {
		m := map[string]bool{}
		for _, w := range ws {
			m[w.Check] = true
		}
		return m
	}
	blockingOf := func(ws []Warning, check string) []bool {
		var out []bool
		for _, w := range ws {
			if w.Check == check {
				out = append(out, w.Blocking)
			}
		}
		return out
	}

	ws := c.Check(base)
	got := checksOf(ws)
	for _, want := range []string{CheckPersonalData, CheckArguing, CheckWrongName} {
		if !got[want] {
			t.Fatalf("default settings: no %s warning in %+v", want, ws)
		}
	}
	if b := blockingOf(ws, CheckPersonalData); !slices.Equal(b, []bool{true}) {
		t.Errorf("personal_data blocking by default: got %v", b)
	}
	if b := blockingOf(ws, CheckArguing); !slices.Equal(b, []bool{false}) {
		t.Errorf("arguing not blocking by default: got %v", b)
	}

	off := base
	off.Settings = Settings{Disabled: map[string]bool{CheckPersonalData: true, CheckWrongName: true}}
	got = checksOf(c.Check(off))
	if got[CheckPersonalData] || got[CheckWrongName] || !got[CheckArguing] {
		t.Errorf("disabled personal_data and wrong_name: got checks %v", got)
	}

	// Disabled: false is the same as absent.
	on := base
	on.Settings = Settings{Disabled: map[string]bool{CheckPersonalData: false}}
	if !checksOf(c.Check(on))[CheckPersonalData] {
		t.Error("Disabled[personal_data]=false turned the check off")
	}

	blk := base
	blk.Settings = Settings{Blocking: map[string]bool{CheckPersonalData: false, CheckArguing: true, CheckDeflection: true}}
	ws = c.Check(blk)
	if b := blockingOf(ws, CheckPersonalData); !slices.Equal(b, []bool{false}) {
		t.Errorf("Blocking[personal_data]=false: got %v", b)
	}
	if b := blockingOf(ws, CheckArguing); !slices.Equal(b, []bool{true}) {
		t.Errorf("Blocking[arguing]=true: got %v", b)
	}
	if b := blockingOf(ws, CheckWrongName); !slices.Equal(b, []bool{false}) {
		t.Errorf("wrong_name untouched: got %v", b)
	}
}

func TestNewWithoutDictionaries(t *testing.T) {
	c, err := New(Options{FS: fstest.MapFS{"README.md": {Data: []byte("x")}}, Preload: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Languages(); len(got) != 0 {
		t.Errorf("Languages() = %v, want none", got)
	}
	ws := c.Check(Input{Text: "Hi Maria, teh ordr is heer.", Customer: Customer{Name: "Ana"}})
	if len(only(ws, CheckSpelling)) != 0 {
		t.Errorf("spelling ran without a dictionary: %+v", ws)
	}
	if len(only(ws, CheckWrongName)) != 1 {
		t.Errorf("the other checks must run without dictionaries: %+v", ws)
	}
}

func TestDictionaryDiscovery(t *testing.T) {
	fsys := fstest.MapFS{
		"xx.aff": {Data: []byte("SET UTF-8\n")},
		"xx.dic": {Data: []byte("3\nfoo/Z\nbar\n")},
		"yy.aff": {Data: []byte("SET UTF-8\n")}, // no yy.dic: not listed
	}
	c, err := New(Options{FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Languages(); !slices.Equal(got, []string{"xx"}) {
		t.Errorf("Languages() = %v, want [xx]", got)
	}
	// Options.Languages limits which dictionaries are used.
	c, err = New(Options{FS: fsys, Languages: []string{"en"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Languages(); len(got) != 0 {
		t.Errorf("Languages() with Options.Languages=[en] = %v, want none", got)
	}
}

func TestBrokenDictionary(t *testing.T) {
	fsys := fstest.MapFS{
		"en.aff": {Data: []byte("SET UTF-8\n")},
		"en.dic": {Data: []byte("not a count\nfoo\n")},
	}
	if _, err := New(Options{FS: fsys, Preload: true}); err == nil || !strings.Contains(err.Error(), "dictionary en") {
		t.Errorf("Preload with a broken dictionary: err = %v, want one naming it", err)
	}
	// Loaded on first use instead, the broken dictionary turns spelling off for its language
	// and drops out of Languages; every other check goes on.
	c, err := New(Options{FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Languages(); !slices.Equal(got, []string{"en"}) {
		t.Errorf("before use: Languages() = %v, want [en]", got)
	}
	ws := c.Check(Input{Text: "Hi Maria, teh ordr!!", Language: "en", Customer: Customer{Name: "Ana"}})
	if len(only(ws, CheckSpelling)) != 0 || len(only(ws, CheckWrongName)) != 1 || len(only(ws, CheckArguing)) != 1 {
		t.Errorf("got %+v, want no spelling, one wrong_name and one arguing warning", ws)
	}
	if got := c.Languages(); len(got) != 0 {
		t.Errorf("after the failed load: Languages() = %v, want none", got)
	}
}

func TestEmbeddedLanguages(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Languages()
	t.Logf("embedded dictionaries: %v", got)
	if os.Getenv("HEED_TEST_REQUIRE_DICT") == "1" {
		for _, l := range []string{"en", "en-gb", "es", "fr"} { // no German: dictionary-de is GPL-only
			if !slices.Contains(got, l) {
				t.Errorf("HEED_TEST_REQUIRE_DICT=1: dictionary %s missing from internal/compose/dict", l)
			}
		}
	}
}

func TestLongInputIsCut(t *testing.T) {
	c := tinyChecker(t)
	text := strings.Repeat("é", MaxInput) + " Hi Maria"
	for _, w := range c.Check(Input{Text: text, Customer: Customer{Name: "Ana"}, MaxLength: 280}) {
		if w.End > len(text) || w.Start > w.End {
			t.Errorf("warning out of range: %+v", w)
		}
		if w.Check != CheckLength && w.End > MaxInput {
			t.Errorf("%s looked past MaxInput: %+v", w.Check, w)
		}
	}
}

// TestCheckConcurrent shares one Checker between goroutines (run with -race) and expects the
// same warnings as one at a time.
func TestCheckConcurrent(t *testing.T) {
	c := checker(t)
	inputs := []Input{
		benchInput(benchEN, "en"), benchInput(benchENTypos, "en"), benchInput(benchFR, "fr"),
		{Text: "Hallo Maria, Ihre Bestelung kommt morgen!!", Language: "de", Customer: Customer{Name: "Ana"}},
		{Text: "Hola, lo estamos revisando. Escríbenos por privado.", Language: "es", Public: true},
	}
	want := make([]string, len(inputs))
	for i, in := range inputs {
		want[i] = fmt.Sprint(c.Check(in))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				k := (g + i) % len(inputs)
				if got := fmt.Sprint(c.Check(inputs[k])); got != want[k] {
					t.Errorf("input %d: concurrent result differs:\n%s\nwant\n%s", k, got, want[k])
					return
				}
			}
		})
	}
	wg.Wait()
}
