package lang

import (
	"bufio"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/datadir"
)

func detector(tb testing.TB, langs ...string) *Detector {
	tb.Helper()
	d, err := New(Options{Languages: langs})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

type sample struct{ lang, text string }

func loadShortSocial(tb testing.TB) []sample {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "short_social.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []sample
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if l == "" || l[0] == '#' {
			continue
		}
		code, text, ok := strings.Cut(l, "\t")
		if !ok {
			tb.Fatalf("bad line %q", l)
		}
		out = append(out, sample{code, text})
	}
	return out
}

// The short-post set is hand-written (testdata/short_social.tsv, 20 posts in each of 7
// languages) in the style of customer care on social networks.
func TestAccuracyShortPosts(t *testing.T) {
	d := detector(t)
	samples := loadShortSocial(t)
	ok := 0
	for _, s := range samples {
		if got := d.Detect(s.text, ""); got.Code == s.lang {
			ok++
		} else {
			t.Logf("%s detected as %q (%.2f): %s", s.lang, got.Code, got.Confidence, s.text)
		}
	}
	acc := float64(ok) / float64(len(samples))
	t.Logf("short posts: accuracy %.3f (%d/%d)", acc, ok, len(samples))
	if acc < 0.9 {
		t.Errorf("accuracy %.3f below 0.9", acc)
	}
}

// TWCS customer tweets are mostly English; the share detected as English is a proxy for
// wrongly routing short, noisy English posts to another language.
func TestAccuracyTWCSEnglishRate(t *testing.T) {
	dir := datadir.Require(t, "twcs")
	f, err := os.Open(filepath.Join(dir, "twcs_random_dev.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	d := detector(t)
	n, en := 0, 0
	for _, r := range rows[1:] {
		if r[2] != "True" {
			continue
		}
		n++
		got := d.Detect(r[4], "")
		if got.Code == "en" {
			en++
		} else if testing.Verbose() {
			t.Logf("%q (%.2f): %q", got.Code, got.Confidence, r[4])
		}
	}
	rate := float64(en) / float64(n)
	t.Logf("TWCS customer tweets detected as English: %.3f (%d/%d)", rate, en, n)
	if rate < 0.9 {
		t.Errorf("English rate %.3f below 0.9", rate)
	}
}

func TestDetectCases(t *testing.T) {
	d := detector(t)
	tests := []struct{ text, hint, want string }{
		{"where is my order?", "", "en"},
		{"¿dónde está mi pedido?", "", "es"},
		{"ok", "", ""},
		{"hello", "", ""},
		{"ok", "de", "de"},
		{"👍👍👍", "", ""},
		{"https://t.co/abc @AcmeHelp #fail 123", "", ""},
		{"", "", ""},
		{"안녕하세요 주문이 아직 안 왔어요", "", "ko"},
		{"ありがとうございます", "", "ja"},
	}
	for _, tt := range tests {
		if got := d.Detect(tt.text, tt.hint); got.Code != tt.want {
			t.Errorf("Detect(%q, %q) = %q, want %q", tt.text, tt.hint, got.Code, tt.want)
		}
	}
}

func TestLanguageSet(t *testing.T) {
	if _, err := New(Options{Languages: []string{"en", "xx"}}); err == nil {
		t.Error("unknown code accepted")
	}
	d := detector(t, "en", "sv")
	if got := d.Detect("var är min beställning? jag har väntat i två veckor", ""); got.Code != "sv" {
		t.Errorf("Swedish detected as %q", got.Code)
	}
	// Spanish is not in the set: the nearest configured language is returned, with low confidence.
	en := detector(t, "en")
	if got := en.Detect("where is my order", ""); got.Code != "en" {
		t.Errorf("got %q", got.Code)
	}
}

func FuzzDetect(f *testing.F) {
	d := detector(f)
	for _, s := range []string{"where is my order", "\xff\xfe\xfd", strings.Repeat("😡", 200),
		strings.Repeat("a", 5000), "d'un l'app j'ai", strings.Repeat("the ", 3000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := d.Detect(s, "en")
		if r.Confidence < 0 || r.Confidence > 1 {
			t.Fatalf("confidence %v", r.Confidence)
		}
	})
}

func BenchmarkDetect(b *testing.B) {
	d := detector(b)
	samples := loadShortSocial(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		d.Detect(samples[i%len(samples)].text, "")
	}
}

func BenchmarkDetectLong(b *testing.B) {
	d := detector(b)
	long := strings.Repeat("the parcel was supposed to arrive on monday but the tracking page has not changed since then and nobody answers the phone ", 40)
	b.ReportAllocs()
	for b.Loop() {
		d.Detect(long, "")
	}
}
