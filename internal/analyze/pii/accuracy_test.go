package pii

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/datadir"
)

// presidioTypes maps Presidio entity names to ours.
var presidioTypes = map[string]string{
	"CREDIT_CARD": Card, "PHONE_NUMBER": Phone, "EMAIL_ADDRESS": Email, "IBAN_CODE": IBAN, "US_SSN": SSN,
}

type goldSpan struct {
	typ        string
	start, end int // bytes
}

type prCount struct{ tp, fp, fn int }

func (c prCount) precision() float64 {
	if c.tp+c.fp == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c prCount) recall() float64 {
	if c.tp+c.fn == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

// score matches predictions to gold spans of the same type that overlap them.
func score(counts map[string]*prCount, text string, gold []goldSpan, got []Span, t *testing.T) {
	used := make([]bool, len(gold))
	for _, s := range got {
		c := counts[s.Type]
		if c == nil {
			c = &prCount{}
			counts[s.Type] = c
		}
		hit := false
		for k, g := range gold {
			if !used[k] && g.typ == s.Type && s.Start < g.end && g.start < s.End {
				used[k], hit = true, true
				break
			}
		}
		if hit {
			c.tp++
		} else {
			c.fp++
			if testing.Verbose() {
				t.Logf("false %s %q in %q", s.Type, text[s.Start:s.End], text)
			}
		}
	}
	for k, g := range gold {
		if !used[k] {
			c := counts[g.typ]
			if c == nil {
				c = &prCount{}
				counts[g.typ] = c
			}
			c.fn++
			if testing.Verbose() {
				t.Logf("missed %s %q in %q", g.typ, text[g.start:g.end], text)
			}
		}
	}
}

// runeToByte converts Python code-point offsets to byte offsets.
func runeToByte(text string, r int) int {
	n := 0
	for i := range text {
		if n == r {
			return i
		}
		n++
	}
	if n == r {
		return len(text)
	}
	return -1
}

func TestAccuracyPresidio(t *testing.T) {
	dir := datadir.Require(t, "pii_presidio")
	d := New(Options{})
	counts := map[string]*prCount{}

	raw, err := os.ReadFile(filepath.Join(dir, "presidio_synth_dev.json"))
	if err != nil {
		t.Fatal(err)
	}
	var records []struct {
		FullText string `json:"full_text"`
		Spans    []struct {
			EntityType string `json:"entity_type"`
			Start      int    `json:"start_position"`
			End        int    `json:"end_position"`
		} `json:"spans"`
	}
	if err := json.Unmarshal(raw, &records); err != nil {
		t.Fatal(err)
	}
	for _, r := range records {
		if !utf8.ValidString(r.FullText) {
			t.Fatalf("invalid UTF-8 in %q", r.FullText)
		}
		var gold []goldSpan
		for _, s := range r.Spans {
			if typ, ok := presidioTypes[s.EntityType]; ok {
				gold = append(gold, goldSpan{typ, runeToByte(r.FullText, s.Start), runeToByte(r.FullText, s.End)})
			}
		}
		score(counts, r.FullText, gold, d.Find(r.FullText, nil), t)
	}

	// The credit-card recognizer's test vectors, including Luhn-invalid look-alikes.
	f, err := os.Open(filepath.Join(dir, "presidio_credit_card_test_vectors.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		text, spansCol := row[1], row[3]
		var gold []goldSpan
		for _, p := range strings.Split(spansCol, ";") {
			if p == "" {
				continue
			}
			a, b, _ := strings.Cut(p, "-")
			s, _ := strconv.Atoi(a)
			e, _ := strconv.Atoi(b)
			gold = append(gold, goldSpan{Card, s, e})
		}
		var cards []Span
		for _, s := range d.Find(text, nil) {
			if s.Type == Card {
				cards = append(cards, s)
				if want := row[2]; want != "0" && !containsSpan(gold, s) {
					t.Errorf("card span %d-%d in %q not among expected %s", s.Start, s.End, text, spansCol)
				}
			}
		}
		score(counts, text, gold, cards, t)
	}

	for _, typ := range []string{Card, Phone, Email, IBAN, SSN} {
		c := counts[typ]
		if c == nil {
			c = &prCount{}
		}
		t.Logf("%-5s precision %.3f recall %.3f (tp %d, fp %d, fn %d)", typ, c.precision(), c.recall(), c.tp, c.fp, c.fn)
	}
	if c := counts[Card]; c == nil || c.recall() < 1 || c.precision() < 0.99 {
		t.Errorf("card: want recall 1.0 and precision >= 0.99, got %+v", c)
	}
}

func containsSpan(gold []goldSpan, s Span) bool {
	for _, g := range gold {
		if g.start == s.Start && g.end == s.End {
			return true
		}
	}
	return false
}
