package chart

import (
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
)

// wellFormed parses the SVG as XML and counts elements by name.
func wellFormed(t testing.TB, svg string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return counts
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		if s, ok := tok.(xml.StartElement); ok {
			counts[s.Name.Local]++
		}
	}
}

func TestBarsAccessibleLinkedAndEscaped(t *testing.T) {
	svg := string(Bars("vol", "Volume <per> day", "9 conversations", []Bar{
		{Label: "Mon", Value: 8, Text: "8", Href: "/reports/conversations?bucket=day%3A2026-03-02&x=1"},
		{Label: `<script>alert(1)</script>`, Value: 0, Text: "0"},
		{Label: "Wed", Value: 2, Text: "2", Href: "javascript:alert(1)"},
		{Label: "Thu", Value: 4, Text: "4", Href: "//evil.example/"},
	}))
	n := wellFormed(t, svg)
	if !strings.Contains(svg, `role="img"`) || !strings.Contains(svg, `aria-labelledby="vol-t vol-d"`) || n["title"] < 1 || n["desc"] != 1 {
		t.Errorf("not accessible: %s", svg)
	}
	if n["rect"] != 4 {
		t.Errorf("%d bars, want 4", n["rect"])
	}
	if n["a"] != 1 || !strings.Contains(svg, `href="/reports/conversations?bucket=day%3A2026-03-02&amp;x=1"`) {
		t.Errorf("only the same-site link should remain (%d links): %s", n["a"], svg)
	}
	for _, bad := range []string{"<script", "javascript:", "evil.example", "style="} {
		if strings.Contains(svg, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	if !strings.Contains(svg, "Volume &lt;per&gt; day") {
		t.Error("title not escaped")
	}
	// Heights are proportional: 8 fills the plot, 4 is half of it.
	if !strings.Contains(svg, `height="158.0"`) || !strings.Contains(svg, `height="79.0"`) {
		t.Errorf("unexpected heights: %s", svg)
	}
}

func TestSignedBarsGoBelowZero(t *testing.T) {
	svg := string(Signed("s", "Sentiment", "mean per day", 1, []Bar{{Label: "Mon", Value: 0.5, Text: "+0.50"}, {Label: "Tue", Value: -0.25, Text: "−0.25"}}))
	wellFormed(t, svg)
	if strings.Count(svg, "chart-neg") != 1 {
		t.Errorf("want one negative bar: %s", svg)
	}
	// On the ±1 scale each half is 79 units: +0.5 is 39.5 high, −0.25 19.8.
	if !strings.Contains(svg, `height="39.5"`) || !strings.Contains(svg, `height="19.8"`) {
		t.Errorf("not on the fixed scale: %s", svg)
	}
}

func TestHeatmapShadesAndLinks(t *testing.T) {
	cells := [][]int{{0, 1, 4}, {2, 0, 0}}
	svg := string(Heatmap("h", "Busiest hours", "d", []string{"Mon", "Tue"}, []string{"00", "01", "02"}, cells,
		func(r, c int) string { return "/reports/conversations?bucket=hour" }))
	n := wellFormed(t, svg)
	if n["rect"] != 6 || n["a"] != 3 { // empty cells are not links
		t.Errorf("rects %d links %d", n["rect"], n["a"])
	}
	for _, want := range []string{"chart-heat-0", "chart-heat-1", "chart-heat-4", "chart-heat-2"} {
		if !strings.Contains(svg, want) {
			t.Errorf("missing %s: %s", want, svg)
		}
	}
}

func TestEmpty(t *testing.T) {
	svg := string(Bars("e", "t", "d", nil))
	wellFormed(t, svg)
	if !strings.Contains(svg, "No data") {
		t.Error("empty chart should say so")
	}
}

// Any label, text, class or link still gives well-formed SVG (an XML
// decoder reads it to the end) with no script and no off-site link, in every
// kind of chart; nothing panics, whatever the values.
func FuzzBars(f *testing.F) {
	f.Add("Mon", "8", "/x?a=1&b=2", "s0", 3.5, 0.0)
	f.Add("<a href=x>", `"'&`, "javascript:x", `s1" onload="x`, -1.0, 1e308)
	f.Add("<script>alert(1)</script>", "</text><SCRIPT>", "//evil.example/", "<script", math.NaN(), math.Inf(-1))
	f.Fuzz(func(t *testing.T, label, text, href, class string, v, w float64) {
		for _, s := range []string{label, text, href, class} {
			if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0xFFFE || r == 0xFFFF }) || !isValid(s) {
				return // XML cannot carry these at all; our labels never hold them
			}
		}
		check := func(svg string) {
			t.Helper()
			wellFormed(t, svg)
			if strings.Contains(strings.ToLower(svg), "<script") {
				t.Fatalf("unescaped script: %s", svg)
			}
			if strings.Contains(svg, `href="`) && !strings.Contains(svg, `href="/`) {
				t.Fatalf("off-site link: %s", svg)
			}
			if strings.Contains(svg, `"NaN"`) || strings.Contains(svg, `Inf"`) || strings.Contains(svg, `NaN,`) {
				t.Fatalf("a coordinate is not a number: %s", svg)
			}
		}
		// Lines take any value: NaN and ±Inf are gaps.
		series := []Series{
			{Name: label, Class: class, Note: text, Points: []Point{{Value: v, Text: text, Href: href}, {Value: w, Href: href}, {None: true}}},
			{Name: text, Points: []Point{{Value: w}, {Value: v}}},
		}
		labels := []string{label, text, href}
		check(string(Lines("f", label, text, labels, series)))
		check(string(Lines("f", label, text, labels[:1], series)))
		check(string(SignedLines("f", label, text, math.Abs(w), labels, series)))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return // counts and means of bars are finite
		}
		check(string(Signed("f", label, text, 0, []Bar{{Label: label, Value: v, Text: text, Href: href}})))
		check(string(Bars("f", label, text, []Bar{{Label: label, Value: math.Abs(v), Text: text, Href: href}, {Label: text, Value: 1}})))
	})
}

func isValid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
