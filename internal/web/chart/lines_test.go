package chart

import (
	"math"
	"strings"
	"testing"
)

func counts(vs ...float64) []Point {
	ps := make([]Point, len(vs))
	for i, v := range vs {
		ps[i] = Point{Value: v}
	}
	return ps
}

func TestLines(t *testing.T) {
	days := []string{"Mar 1", "Mar 2", "Mar 3"}
	for _, tc := range []struct {
		name   string
		labels []string
		series []Series
		want   []string // substrings of the SVG
		not    []string
		n      map[string]int // element counts
	}{{
		// The plot is x 40…456, y 12…162; 3 rounds up to a scale of 0…5.
		name:   "points placed",
		labels: days,
		series: []Series{{Name: "Acme", Class: "s0", Note: "4", Points: counts(0, 3, 1)}},
		want: []string{
			`<polyline points="40.0,162.0 248.0,72.0 456.0,132.0" fill="none"/>`,
			`<g class="chart-line s0">`,
			`<title>Acme, Mar 2: 3</title>`,
			`>Acme (4)</text>`,                     // the legend
			`class="chart-label">5</text>`,         // top tick
			`class="chart-label">2</text>`,         // middle tick of counts stays whole
			`class="chart-label">Mar 1</text>`,     // x labels
			`role="img" aria-labelledby="v-t v-d"`, // accessible
		},
		n: map[string]int{"polyline": 1, "circle": 3, "desc": 1, "a": 0},
	}, {
		name:   "hostile names and labels escaped",
		labels: []string{`<script>alert(1)</script>`, `"'&`},
		series: []Series{{Name: `<script>alert(2)</script>`, Class: `s0" onload="x`, Note: `</text><script>`, Points: counts(1, 2)}},
		want:   []string{`&lt;script&gt;alert(2)&lt;/script&gt;`, `&#34;&#39;&amp;`, `class="chart-line s0&#34; onload=&#34;x"`},
		not:    []string{"<script", `onload="`},
		n:      map[string]int{"polyline": 1, "circle": 2},
	}, {
		name:   "no series",
		labels: days,
		want:   []string{"No data"},
		n:      map[string]int{"polyline": 0, "circle": 0},
	}, {
		name:   "no labels",
		series: []Series{{Name: "Acme", Points: counts(1, 2)}},
		want:   []string{"No data"},
		n:      map[string]int{"polyline": 0},
	}, {
		name:   "a series without points",
		labels: days,
		series: []Series{{Name: "Quiet", Class: "s1"}, {Name: "Acme", Class: "s0", Points: counts(1, 1)}},
		want:   []string{`>Quiet</text>`, `<g class="chart-line s1"></g>`},
		n:      map[string]int{"polyline": 1, "circle": 2},
	}, {
		name:   "gaps break the line, links kept on this site",
		labels: []string{"a", "b", "c", "d", "e"},
		series: []Series{{Name: "In", Points: []Point{
			{Value: 1, Href: "/reports/conversations?bucket=day%3A1&x=1"}, {Value: 2, Href: "javascript:alert(1)"},
			{None: true}, {Value: math.NaN()}, {Value: 4, Text: "four", Href: "//evil.example/"}}}},
		want: []string{`href="/reports/conversations?bucket=day%3A1&amp;x=1"`, `<title>In, e: four</title>`, `<g class="chart-line">`},
		not:  []string{"javascript:", "evil.example", "NaN"},
		n:    map[string]int{"polyline": 1, "circle": 3, "a": 1},
	}, {
		name:   "more points than labels",
		labels: []string{"only"},
		series: []Series{{Name: "A", Points: counts(1, 2, 3)}},
		want:   []string{`cx="248.0"`}, // one label: the middle
		n:      map[string]int{"polyline": 0, "circle": 1},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			svg := string(Lines("v", "Volume <per> rule", "d", tc.labels, tc.series))
			n := wellFormed(t, svg)
			for _, w := range append(tc.want, "Volume &lt;per&gt; rule") {
				if !strings.Contains(svg, w) {
					t.Errorf("lacks %s:\n%s", w, svg)
				}
			}
			for _, bad := range append(tc.not, "style=") {
				if strings.Contains(svg, bad) {
					t.Errorf("contains %s:\n%s", bad, svg)
				}
			}
			for el, want := range tc.n {
				if n[el] != want {
					t.Errorf("%d <%s>, want %d:\n%s", n[el], el, want, svg)
				}
			}
		})
	}
}

func TestSignedLinesFixedScale(t *testing.T) {
	svg := string(SignedLines("s", "Sentiment", "mean per day", 1, []string{"Mon", "Tue", "Wed"},
		[]Series{{Name: "mean", Points: []Point{{Value: 0.5, Text: "+0.50"}, {Value: -3, Text: "−3"}, {None: true}}}}))
	wellFormed(t, svg)
	// ±1 over 150 units: 0 at 87, +0.5 at 49.5, −3 clipped to −1 at 162.
	for _, w := range []string{`points="40.0,49.5 248.0,162.0"`, `class="chart-label">-1</text>`, `y1="87.0" x2="456" y2="87.0" class="chart-axis"`} {
		if !strings.Contains(svg, w) {
			t.Errorf("lacks %s:\n%s", w, svg)
		}
	}
}

func TestLinesLegendWraps(t *testing.T) {
	var series []Series
	for range 8 {
		series = append(series, Series{Name: strings.Repeat("x", 60), Points: counts(1)})
	}
	svg := string(Lines("w", "t", "d", []string{"a"}, series))
	wellFormed(t, svg)
	// Names cut to 40 runes take a row each (≈ 278 units of 464): 8 rows under the plot.
	if !strings.Contains(svg, `viewBox="0 0 480 336"`) || !strings.Contains(svg, strings.Repeat("x", 39)+"…") {
		t.Errorf("legend not wrapped or names not cut:\n%s", svg)
	}
}

func TestNiceCeil(t *testing.T) {
	for v, want := range map[float64]float64{0: 1, 1: 1, 2: 2, 3: 5, 7: 10, 10: 10, 25: 50, 100: 100, 101: 200, 0.3: 0.5, 0.04: 0.05} {
		if got := niceCeil(v); math.Abs(got-want) > 1e-12 {
			t.Errorf("niceCeil(%g) = %g, want %g", v, got, want)
		}
	}
}
