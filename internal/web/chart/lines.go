package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Series is one line of a line chart: one Point per label of the x axis, in
// order (points beyond the labels are ignored, missing ones are gaps).
type Series struct {
	Name string
	// Class is the colour class of the line, its dots and its legend swatch
	// (the page's stylesheet defines it, e.g. "s0" or "pos"); without one
	// the series takes chart-line's default colour.
	Class string
	// Note follows the name in the legend in parentheses, e.g. a total.
	Note   string
	Points []Point
}

// Point is one value of a series. Text is the value as people read it ("42",
// "+0.50"; "" prints Value); Href, when set, must be a path on this site,
// anything else is dropped. A point with None (or a value that is not a
// finite number) has no value: the line breaks there, as on a day with
// nothing to average.
type Point struct {
	Value float64
	Text  string
	Href  string
	None  bool
}

// Geometry of the line charts, in viewBox units (width is shared with the
// bars).
const (
	lineLeft    = 40.0  // room for the y labels
	lineRight   = 24.0  // room for the last x label's overhang
	lineTop     = 12.0  // room for the top y label
	linePlotH   = 150.0 // the plot
	legendRow   = 18.0
	legendChar  = 6.6 // estimated width of one character of 12-unit text
	legendMax   = 40  // runes of a name shown in the legend; the rest is in its <title>
	maxXLabels  = 6   // labels on the x axis, about (every k-th label is shown)
	dotRadius   = 3.0
	legendSwatW = 10.0
)

// Lines draws series of non-negative values (counts per hour or day,
// several rules or channels in one chart) over shared x labels, with a
// legend under the axis. The y axis runs from 0 to a round number (1, 2 or
// 5 × 10ⁿ) at or above the largest value; negative values are drawn at 0.
// id must be unique on the page (it names the title and description for
// aria-labelledby).
func Lines(id, title, desc string, labels []string, series []Series) template.HTML {
	return drawLines(id, title, desc, labels, series, false, 0)
}

// SignedLines draws series around a zero line (a mean sentiment per day) on
// a fixed scale of ±limit, so that +0.1 does not look like +1 (values beyond
// it are clipped); limit 0 scales to the data.
func SignedLines(id, title, desc string, limit float64, labels []string, series []Series) template.HTML {
	return drawLines(id, title, desc, labels, series, true, limit)
}

func drawLines(id, title, desc string, labels []string, series []Series, signed bool, limit float64) template.HTML {
	var b strings.Builder
	legend, rows := layoutLegend(series)
	plotBot := lineTop + linePlotH
	h := plotBot + 30 + float64(rows)*legendRow
	if len(labels) == 0 || len(series) == 0 {
		h = height
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" role="img" aria-labelledby="%s-t %s-d" class="chart chart-lines" id="%s">`,
		width, h, esc(id), esc(id), esc(id))
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
	if len(labels) == 0 || len(series) == 0 {
		fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="middle" class="chart-empty">No data</text>`, width/2, height/2)
		b.WriteString(`</svg>`)
		return template.HTML(b.String()) //nolint:gosec // every text and attribute above is escaped
	}

	// The scale: lo…hi, with a tick at each end and one in the middle.
	top, whole := 0.0, true
	for _, s := range series {
		for i, p := range s.Points {
			if i >= len(labels) || !p.has() {
				continue
			}
			top = math.Max(top, math.Abs(p.Value))
			whole = whole && p.Value == math.Trunc(p.Value)
		}
	}
	if limit > 0 && !math.IsInf(limit, 1) {
		top = limit
	} else {
		top = niceCeil(top)
		if whole {
			top = math.Max(top, 2) // so that the middle tick of a count is whole
		}
	}
	lo := 0.0
	if signed {
		lo = -top
	}
	plotW := width - lineLeft - lineRight
	x := func(i int) float64 {
		if len(labels) == 1 {
			return lineLeft + plotW/2
		}
		return lineLeft + float64(i)*plotW/float64(len(labels)-1)
	}
	y := func(v float64) float64 {
		v = math.Min(math.Max(v, lo), top)
		return lineTop + linePlotH*((top/2-v/2)/(top/2-lo/2)) // halves, ratio first: no overflow near the largest float
	}
	mid := (lo + top) / 2
	if whole && !signed {
		mid = math.Floor(mid)
	}
	for _, v := range []float64{lo, mid, top} {
		class := "chart-grid"
		if v == 0 {
			class = "chart-axis"
		}
		fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" class="%s"/>`, lineLeft, y(v), width-lineRight, y(v), class)
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" class="chart-label">%s</text>`, lineLeft-6, y(v)+4, esc(number(v)))
	}
	step := max(1, (len(labels)+maxXLabels-1)/maxXLabels)
	for i := 0; i < len(labels); i += step {
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="middle" class="chart-label">%s</text>`, x(i), plotBot+18, esc(labels[i]))
	}

	for _, s := range series {
		class := strings.TrimSpace("chart-line " + esc(s.Class))
		b.WriteString(`<g class="` + class + `">`)
		// The line, broken where a point has no value.
		var seg []string
		flush := func() {
			if len(seg) > 1 {
				fmt.Fprintf(&b, `<polyline points="%s" fill="none"/>`, strings.Join(seg, " "))
			}
			seg = seg[:0]
		}
		for i, p := range s.Points {
			if i >= len(labels) {
				break
			}
			if !p.has() {
				flush()
				continue
			}
			seg = append(seg, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Value)))
		}
		flush()
		// A dot per value, titled "name, label: value", linked when it has a link.
		for i, p := range s.Points {
			if i >= len(labels) || !p.has() {
				continue
			}
			text := p.Text
			if text == "" {
				text = number(p.Value)
			}
			link := safeHref(p.Href)
			if link != "" {
				fmt.Fprintf(&b, `<a href="%s" class="chart-link">`, esc(link))
			}
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%g" class="chart-dot"><title>%s, %s: %s</title></circle>`,
				x(i), y(p.Value), dotRadius, esc(s.Name), esc(labels[i]), esc(text))
			if link != "" {
				b.WriteString(`</a>`)
			}
		}
		b.WriteString(`</g>`)
	}

	// The legend: a swatch and the name of each series, wrapped in rows.
	for i, s := range series {
		item := legend[i]
		ly := plotBot + 40 + float64(item.row)*legendRow // the text's baseline
		class := strings.TrimSpace("chart-swatch " + esc(s.Class))
		fmt.Fprintf(&b, `<g class="chart-legend"><title>%s</title><rect x="%.1f" y="%.1f" width="%g" height="%g" class="%s"/><text x="%.1f" y="%.1f" class="chart-legend-text">%s</text></g>`,
			esc(legendText(s, -1)), item.x, ly-9, legendSwatW, legendSwatW, class, item.x+legendSwatW+4, ly, esc(item.text))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text and attribute above is escaped
}

func (p Point) has() bool { return !p.None && !math.IsNaN(p.Value) && !math.IsInf(p.Value, 0) }

type legendItem struct {
	x    float64
	row  int
	text string
}

// layoutLegend places the legend's items left to right, wrapping to a new
// row when the next one would not fit; it returns the items and the rows.
func layoutLegend(series []Series) ([]legendItem, int) {
	items := make([]legendItem, len(series))
	x, row := padLeft, 0
	for i, s := range series {
		text := legendText(s, legendMax)
		w := legendSwatW + 4 + float64(utf8.RuneCountInString(text))*legendChar
		if x > padLeft && x+w > width-padLeft {
			x, row = padLeft, row+1
		}
		items[i] = legendItem{x: x, row: row, text: text}
		x += w + 16
	}
	if len(series) == 0 {
		return items, 0
	}
	return items, row + 1
}

// legendText is "name (note)", the name cut to n runes ("…") when n ≥ 0.
func legendText(s Series, n int) string {
	name := s.Name
	if n >= 0 && utf8.RuneCountInString(name) > n {
		name = string([]rune(name)[:n-1]) + "…"
	}
	if s.Note != "" {
		name += " (" + s.Note + ")"
	}
	return name
}

// niceCeil rounds a maximum up to 1, 2 or 5 × 10ⁿ (1 for nothing at all).
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if n := m * p; n >= v*(1-1e-12) && !math.IsInf(n, 0) {
			return n
		}
	}
	return v
}

// number prints an axis value or a point without a Text: "3", "1500", "0.5", "-1".
func number(v float64) string {
	switch {
	case v == 0:
		return "0" // not "-0"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}
