// Package chart draws the UI's charts as server-rendered SVG: bar charts
// (volume per day, the first-response histogram, a signed variant for
// sentiment), a weekday × hour heatmap, and multi-series line charts with a
// legend (mentions per listening rule; a signed variant for means).
//
// The output is plain markup, no script and no style attribute, so it passes
// the UI's strict Content-Security-Policy; colours come from classes the
// page's stylesheet defines (chart-bar, chart-neg, chart-heat-0…4,
// chart-line, and each series' own Class). Each chart is role="img" with a
// <title> and <desc> that summarise it; the page prints the same numbers in
// a table next to it, which is what screen readers and the drill-down links
// rely on. Every text and attribute is escaped. Every bar, heatmap cell or
// line point with an Href is a link, kept to paths on this site. The SVG
// scales to its container through its viewBox, so it stays readable on a
// phone.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Bar is one bar. Value may be negative only in Signed charts. Text is the
// value as people read it ("42", "3m 05s"); Href, when set, must be a path
// on this site (it starts with "/"), anything else is dropped.
type Bar struct {
	Label string
	Value float64
	Text  string
	Href  string
}

// Geometry of every chart, in viewBox units.
const (
	width   = 480.0 // small, so that 13-unit text stays readable when a phone scales it down
	height  = 220.0
	padLeft = 8.0
	padTop  = 22.0 // room for the value labels
	padBot  = 40.0 // room for the axis labels
)

// Bars draws a bar chart of non-negative values. id must be unique on the
// page (it names the title and description for aria-labelledby).
func Bars(id, title, desc string, bars []Bar) template.HTML {
	return draw(id, title, desc, bars, false, 0)
}

// Signed draws bars around a zero line (a mean sentiment per day: positive
// up, negative down) on a fixed scale of ±limit, so that a day at +0.1 does
// not look like one at +1 (values beyond it are clipped); limit 0 scales to
// the data. Missing days are bars with Text "" and Value 0.
func Signed(id, title, desc string, limit float64, bars []Bar) template.HTML {
	return draw(id, title, desc, bars, true, limit)
}

func draw(id, title, desc string, bars []Bar, signed bool, limit float64) template.HTML {
	var b strings.Builder
	open(&b, id, title, desc, "chart chart-bars")
	if len(bars) == 0 {
		fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="middle" class="chart-empty">No data</text>`, width/2, height/2)
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}
	top := 0.0
	for _, bar := range bars {
		top = math.Max(top, math.Abs(bar.Value))
	}
	if limit > 0 {
		top = limit
	}
	if top == 0 {
		top = 1
	}
	plotH := height - padTop - padBot
	zero := padTop + plotH // baseline
	scale := plotH / top
	if signed {
		zero = padTop + plotH/2
		scale = plotH / 2 / top
	}
	slot := (width - 2*padLeft) / float64(len(bars))
	barW := math.Max(slot*0.7, 1)
	// Label every k-th bar so that labels never overlap (about 40 units each).
	every := int(math.Ceil(48 / slot))
	fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" class="chart-axis"/>`, padLeft, zero, width-padLeft, zero)
	for i, bar := range bars {
		x := padLeft + float64(i)*slot + (slot-barW)/2
		h := math.Min(math.Abs(bar.Value), top) * scale
		y := zero - h
		class := "chart-bar"
		if bar.Value < 0 {
			y, class = zero, "chart-bar chart-neg"
		}
		label := bar.Label
		if bar.Text != "" {
			label += ": " + bar.Text
		}
		link := safeHref(bar.Href)
		if link != "" {
			fmt.Fprintf(&b, `<a href="%s" class="chart-link">`, esc(link))
		}
		// A minimum height keeps small non-zero bars clickable.
		if bar.Value != 0 {
			h = math.Max(h, 2)
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="%s" data-label="%s"><title>%s</title></rect>`,
			x, y, barW, h, class, esc(bar.Label), esc(label))
		if bar.Text != "" && slot >= 20 {
			ty := y - 4
			if bar.Value < 0 {
				ty = y + h + 12
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="chart-value">%s</text>`, x+barW/2, ty, esc(bar.Text))
		}
		if link != "" {
			b.WriteString(`</a>`)
		}
		if i%every == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="chart-label">%s</text>`, x+barW/2, height-padBot+16, esc(bar.Label))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text and attribute above is escaped
}

// Heatmap draws rows × columns of counts (e.g. weekday × hour), shading each
// cell by its share of the largest; href gives each cell's link ("" for none).
func Heatmap(id, title, desc string, rows, cols []string, cells [][]int, href func(r, c int) string) template.HTML {
	var b strings.Builder
	const labelW, cell, gap = 40.0, 24.0, 2.0
	w := labelW + float64(len(cols))*cell
	h := 18 + float64(len(rows))*cell
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" role="img" aria-labelledby="%s-t %s-d" class="chart chart-heatmap" id="%s">`,
		w, h, esc(id), esc(id), esc(id))
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
	top := 0
	for _, row := range cells {
		for _, v := range row {
			top = max(top, v)
		}
	}
	for c, name := range cols {
		if c%3 == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="12" text-anchor="middle" class="chart-label">%s</text>`, labelW+float64(c)*cell+cell/2, esc(name))
		}
	}
	for r, name := range rows {
		y := 18 + float64(r)*cell
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" class="chart-label">%s</text>`, 2.0, y+cell/2+4, esc(name))
		for c := range cols {
			v := 0
			if r < len(cells) && c < len(cells[r]) {
				v = cells[r][c]
			}
			level := 0
			if v > 0 && top > 0 {
				level = 1 + (v*4-1)/top // 1…4
			}
			link := ""
			if href != nil && v > 0 {
				link = safeHref(href(r, c))
			}
			if link != "" {
				fmt.Fprintf(&b, `<a href="%s" class="chart-link">`, esc(link))
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%g" height="%g" class="chart-heat-%d" data-label="%s %s"><title>%s %s: %d</title></rect>`,
				labelW+float64(c)*cell, y, cell-gap, cell-gap, level, esc(name), esc(cols[c]), esc(name), esc(cols[c]), v)
			if link != "" {
				b.WriteString(`</a>`)
			}
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text and attribute above is escaped
}

func open(b *strings.Builder, id, title, desc, class string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" role="img" aria-labelledby="%s-t %s-d" class="%s" id="%s">`,
		width, height, esc(id), esc(id), class, esc(id))
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
}

// safeHref keeps links on this site: a path starting with one slash.
func safeHref(h string) string {
	if !strings.HasPrefix(h, "/") || strings.HasPrefix(h, "//") || strings.HasPrefix(h, `/\`) {
		return ""
	}
	return h
}

func esc(s string) string { return html.EscapeString(s) }
