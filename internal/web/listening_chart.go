package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The listening charts are SVG drawn on the server from numbers the page
// also shows in a table: no script, nothing the CSP must allow, readable by
// a screen reader through the table (the SVG itself is one labelled image).

const (
	chartW, chartH         = 640, 220
	chartLeft, chartRight  = 44, 12
	chartTop, chartBottom  = 12, 28
	chartPlotW, chartPlotH = chartW - chartLeft - chartRight, chartH - chartTop - chartBottom
)

// chartSeries is one line of a chart.
type chartSeries struct {
	Name   string
	Class  string // s0…s7: colour from listening.css
	Values []int
	Points string // SVG polyline points
	Dots   []chartDot
	Total  int
}

type chartDot struct {
	X, Y  float64
	Label string // "name, bucket: value", the dot's <title>
}

type chartTick struct {
	Pos   float64
	Label string
}

// lineChart is a chart and its table.
type lineChart struct {
	ID, Title string
	W, H      int
	Left      int
	PlotRight int
	PlotTop   int
	PlotBot   int
	Buckets   []string
	Series    []chartSeries
	XTicks    []chartTick
	YTicks    []chartTick
	AxisX     int // where the y labels end
	AxisY     int // the baseline of the x labels
	Empty     bool
}

// newLineChart lays out series of counts over the buckets.
func newLineChart(id, title string, buckets []string, series []chartSeries) lineChart {
	c := lineChart{ID: id, Title: title, W: chartW, H: chartH, Left: chartLeft, PlotRight: chartW - chartRight, PlotTop: chartTop,
		PlotBot: chartTop + chartPlotH, Buckets: buckets, Empty: true,
		AxisX: chartLeft - 6, AxisY: chartTop + chartPlotH + 18}
	maxV := 0
	for _, s := range series {
		for _, v := range s.Values {
			maxV = max(maxV, v)
		}
	}
	top := niceCeil(maxV)
	x := func(i int) float64 {
		if len(buckets) <= 1 {
			return chartLeft + chartPlotW/2
		}
		return chartLeft + float64(i)*chartPlotW/float64(len(buckets)-1)
	}
	y := func(v int) float64 { return chartTop + chartPlotH*(1-float64(v)/float64(top)) }
	for i := range series {
		s := &series[i]
		s.Class = "s" + strconv.Itoa(i%8)
		var pts strings.Builder
		for j, v := range s.Values {
			s.Total += v
			fmt.Fprintf(&pts, "%.1f,%.1f ", x(j), y(v))
			s.Dots = append(s.Dots, chartDot{X: x(j), Y: y(v), Label: fmt.Sprintf("%s, %s: %d", s.Name, buckets[j], v)})
		}
		if s.Total > 0 {
			c.Empty = false
		}
		s.Points = strings.TrimSpace(pts.String())
	}
	c.Series = series
	for _, v := range []int{0, top / 2, top} {
		c.YTicks = append(c.YTicks, chartTick{Pos: y(v), Label: strconv.Itoa(v)})
	}
	step := max(1, (len(buckets)+5)/6) // at most ~6 labels on the axis
	for i := 0; i < len(buckets); i += step {
		c.XTicks = append(c.XTicks, chartTick{Pos: x(i), Label: buckets[i]})
	}
	return c
}

// niceCeil rounds a maximum up to 1, 2 or 5 × 10ⁿ (at least 2, so the middle tick is whole).
func niceCeil(v int) int {
	if v <= 2 {
		return 2
	}
	p := 1
	for p*10 < v {
		p *= 10
	}
	for _, m := range []int{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// shareBar is one rule's share of voice.
type shareBar struct {
	Name    string
	Kind    string
	Count   int
	Percent float64
	Width   float64 // of the bar in SVG units
	Y       float64
	Class   string
}

// chartRange is a time window of the charts and its bucket.
type chartRange struct {
	Key         string // 24h, 7d, 30d
	Label       string
	Hours       int64 // the window
	BucketHours int64 // 1 = hourly, 24 = daily
}

var chartRanges = []chartRange{
	{"24h", "Last 24 hours, hourly", 24, 1},
	{"7d", "Last 7 days, daily", 7 * 24, 24},
	{"30d", "Last 30 days, daily", 30 * 24, 24},
}

func rangeOf(key string) chartRange {
	for _, r := range chartRanges {
		if r.Key == key {
			return r
		}
	}
	return chartRanges[1]
}

// buckets returns the bucket numbers (hour / BucketHours) of the window
// ending now, and their labels.
func (cr chartRange) buckets(now time.Time) (first int64, labels []string) {
	nowHour := now.UnixMilli() / int64(time.Hour/time.Millisecond)
	last := nowHour / cr.BucketHours
	n := cr.Hours / cr.BucketHours
	first = last - n + 1
	for b := first; b <= last; b++ {
		t := time.UnixMilli(b * cr.BucketHours * int64(time.Hour/time.Millisecond)).UTC()
		if cr.BucketHours == 1 {
			labels = append(labels, t.Format("15:04"))
		} else {
			labels = append(labels, t.Format("Jan 2"))
		}
	}
	return first, labels
}
