package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"

	"github.com/heed-dev/heed/internal/report"
	"github.com/heed-dev/heed/internal/web/chart"
)

// reportsPage is /reports: tiles, charts with their tables, the per-agent
// table and the per-account scorecard of the selected conversations.
type reportsPage struct {
	base
	Form     reportForm
	Choices  reportChoices
	Error    string
	TimeZone string
	Empty    bool

	Tiles      []reportTile
	ExportHref string

	VolumeChart, HistogramChart, HeatmapChart, SentimentChart template.HTML
	Days                                                      []reportDayRow
	Bins                                                      []reportCell
	HeatHours                                                 []string
	Heat                                                      []reportHeatRow
	Agents                                                    []reportAgentRow
	Cards                                                     []reportCardRow
}

// reportTile is one headline figure; Metric names it for tests and styling
// (data-metric), Href drills down to its conversations.
type reportTile struct {
	Metric, Label, Value, Detail, Href string
	Links                              []reportCell // secondary figures, each a link
}

// reportCell is a number with the link to its conversations.
type reportCell struct {
	Label, Text, Href string
}

type reportDayRow struct {
	Date                string
	In, Out, Sentiment  reportCell
	InHref, OutHref     string
	SentimentScoredText string
}

type reportHeatRow struct {
	Day   string
	Cells []reportCell
}

type reportAgentRow struct {
	Name                     string
	Answered, Replies        reportCell
	Median, P90, ResolvedTxt string
}

type reportCardRow struct {
	Account                        string
	Conversations, Signature, Name reportCell
	Checks                         reportCell   // replies that passed the composer's checks
	Shares                         []reportCell // response rate, within 5 min, 1 h, 6 h, resolved publicly
}

// summaryFigures is the summary group the tiles show, read through its JSON
// form so that figures other engineers add to report.Group (CSAT, NPS)
// appear when present without this page naming their Go fields.
type summaryFigures struct {
	Conversations int          `json:"conversations"`
	Responded     int          `json:"responded"`
	ResponseRate  *float64     `json:"response_rate"`
	FirstResponse report.Stats `json:"first_response_seconds"`
	Resolution    report.Stats `json:"resolution_seconds"`
	PublicShare   *float64     `json:"public_share"`
	SLAAttainment *float64     `json:"sla_attainment"`
	CSAT          *struct {
		Responses int      `json:"responses"`
		Score     *float64 `json:"score"`
		Average   *float64 `json:"average"`
	} `json:"csat"`
	NPS *struct {
		Responses int      `json:"responses"`
		Score     *float64 `json:"score"`
	} `json:"nps"`
}

// showReports renders the report of the selection in the query string.
func (h *Handler) showReports(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := reportsPage{base: h.base(r, "Reports", "reports")}
	choices, err := h.reportChoices(r)
	if err != nil {
		return err
	}
	p.Choices = choices
	d, form, err := h.reportSelection(r)
	p.Form, p.TimeZone = form, d.Loc.String()
	if qe := reportQueryError(err); qe != nil {
		p.Error = qe.Message
		return h.render(w, r, http.StatusUnprocessableEntity, "reports", p)
	} else if err != nil {
		return err
	}
	sum, err := h.summaryOf(r, d)
	if qe := reportQueryError(err); qe != nil {
		p.Error = qe.Message
		return h.render(w, r, http.StatusUnprocessableEntity, "reports", p)
	} else if err != nil {
		return err
	}
	b, err := report.BuildDashboard(ctx, h.Store, d)
	if err != nil {
		return err
	}
	p.Empty = b.Conversations == 0
	p.ExportHref = reportLink("/reports/conversations.csv", d, "")
	p.Tiles = reportTiles(d, sum, b)
	p.fillCharts(d, b)
	return h.render(w, r, http.StatusOK, "reports", p)
}

// summaryOf is the summary of the selection: report.Summarize, through
// group_by team or agent when the page filters by one.
func (h *Handler) summaryOf(r *http.Request, d report.Detail) (summaryFigures, error) {
	q, key := d.Query, report.KeyAll
	switch {
	case d.Team != "":
		q.GroupBy, key = report.ByTeam, d.Team
	case d.Agent != "":
		q.GroupBy, key = report.ByAgent, d.Agent
	}
	s, err := report.Summarize(r.Context(), h.Store, q)
	if err != nil {
		return summaryFigures{}, err
	}
	var f summaryFigures
	for _, g := range s.Groups {
		if g.Key != key {
			continue
		}
		raw, err := json.Marshal(g)
		if err != nil {
			return f, fmt.Errorf("reports: summary: %w", err)
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			return f, fmt.Errorf("reports: summary: %w", err)
		}
	}
	return f, nil
}

func reportTiles(d report.Detail, s summaryFigures, b report.Dashboard) []reportTile {
	link := func(bucket string) string { return drillLink(d, bucket) }
	cell := func(label string, n int, bucket string) reportCell {
		return reportCell{Label: label, Text: strconv.Itoa(n), Href: link(bucket)}
	}
	tiles := []reportTile{
		{Metric: "volume_in", Label: "Conversations in", Value: strconv.Itoa(b.Conversations), Href: link("all"),
			Links: []reportCell{cell("needing a response", b.Needing, "needing")}},
		{Metric: "volume_out", Label: "Replies out", Value: strconv.Itoa(b.RepliesOut), Href: link("replied"),
			Detail: "in the conversations above, holding replies included"},
		{Metric: "response_rate", Label: "Response rate", Value: pctText(s.ResponseRate), Href: link("responded"),
			Links: []reportCell{cell("responded", s.Responded, "responded"), cell("unanswered", b.Needing-b.Responded, "unanswered")}},
		{Metric: "first_response", Label: "First response (median)", Value: secondsText(s.FirstResponse.Median), Href: link("responded"),
			Detail: "90th percentile " + secondsText(s.FirstResponse.P90)},
		{Metric: "acknowledge", Label: "Time to acknowledge (median)", Value: secondsText(b.Acknowledge.Median), Href: link("acknowledged"),
			Detail: "90th percentile " + secondsText(b.Acknowledge.P90)},
		{Metric: "next_response", Label: "Next response (median)", Value: secondsText(b.NextResponse.Median), Href: link("next"),
			Detail: fmt.Sprintf("90th percentile %s · %d waits", secondsText(b.NextResponse.P90), b.NextResponses)},
		{Metric: "resolution", Label: "Resolution (median)", Value: secondsText(s.Resolution.Median), Href: link("resolved"),
			Detail: "90th percentile " + secondsText(s.Resolution.P90)},
		{Metric: "fcr", Label: "First-contact resolution", Value: pctText(b.FirstContactRate), Href: link("fcr"),
			Links: []reportCell{cell("of resolved after a response", b.FirstContactBase, "fcr_base")}},
		{Metric: "public_share", Label: "Answered in public", Value: pctText(s.PublicShare), Href: link("first_public"),
			Links:  []reportCell{cell("public posts moved to private", b.Redirected, "redirected")},
			Detail: "redirected " + pctText(b.RedirectShare) + " of public conversations answered"},
		{Metric: "sla", Label: "SLA attainment", Value: pctText(s.SLAAttainment), Href: link("sla_met"),
			Links: []reportCell{cell("breached", b.Breached, "breached"), cell("under a policy", b.WithPolicy, "sla")}},
		{Metric: "sentiment", Label: "Sentiment change", Value: signedText(b.SentimentDelta), Href: link("sentiment"),
			Detail: "last minus first customer message",
			Links:  []reportCell{cell("improved", b.SentimentImproved, "improved"), cell("worsened", b.SentimentWorsened, "worsened")}},
	}
	// The redirect reasons, under the public share.
	for i := range tiles {
		if tiles[i].Metric != "public_share" {
			continue
		}
		for _, r := range b.RedirectReasons {
			key := r.Reason
			if key == "" {
				key = "-"
			}
			tiles[i].Links = append(tiles[i].Links, cell("moved: "+report.RedirectReasonLabel(r.Reason), r.Count, "redirected:"+key))
		}
	}
	if s.CSAT != nil {
		t := reportTile{Metric: "csat", Label: "CSAT", Value: pctText(s.CSAT.Score), Href: link("csat"),
			Detail: fmt.Sprintf("%d responses", s.CSAT.Responses), Links: []reportCell{{Text: "satisfied", Label: "(4 or 5)", Href: link("csat_satisfied")}}}
		if s.CSAT.Average != nil {
			t.Detail += fmt.Sprintf(" · average %.1f / 5", *s.CSAT.Average)
		}
		tiles = append(tiles, t)
	}
	if s.NPS != nil {
		v := "—"
		if s.NPS.Score != nil {
			v = fmt.Sprintf("%+.0f", *s.NPS.Score)
		}
		tiles = append(tiles, reportTile{Metric: "nps", Label: "NPS", Value: v, Href: link("nps"), Detail: fmt.Sprintf("%d responses", s.NPS.Responses),
			Links: []reportCell{{Text: "promoters", Href: link("promoters")}, {Text: "detractors", Href: link("detractors")}}})
	}
	return tiles
}

func (p *reportsPage) fillCharts(d report.Detail, b report.Dashboard) {
	link := func(bucket string) string { return drillLink(d, bucket) }
	var vol, sent []chart.Bar
	for _, day := range b.Days {
		label := day.Date[5:] // MM-DD
		vol = append(vol, chart.Bar{Label: label, Value: float64(day.In), Text: strconv.Itoa(day.In), Href: link("day:" + day.Date)})
		row := reportDayRow{Date: day.Date,
			In:  reportCell{Text: strconv.Itoa(day.In), Href: link("day:" + day.Date)},
			Out: reportCell{Text: strconv.Itoa(day.Out), Href: link("out:" + day.Date)},
		}
		sb := chart.Bar{Label: label}
		if day.Sentiment != nil {
			sb.Value, sb.Text, sb.Href = *day.Sentiment, signedText(day.Sentiment), link("scored:"+day.Date)
			row.Sentiment = reportCell{Text: signedText(day.Sentiment), Href: link("scored:" + day.Date)}
			row.SentimentScoredText = strconv.Itoa(day.Scored)
		} else {
			row.Sentiment = reportCell{Text: "—"}
			row.SentimentScoredText = "0"
		}
		sent = append(sent, sb)
		p.Days = append(p.Days, row)
	}
	p.VolumeChart = chart.Bars("chart-volume", "Conversations per day",
		fmt.Sprintf("%d conversations started over %d days", b.Conversations, len(b.Days)), vol)
	p.SentimentChart = chart.Signed("chart-sentiment", "Mean customer sentiment per day",
		"Mean sentiment score (−1 to +1) of the conversations started each day", 1, sent)
	var bins []chart.Bar
	for i, bin := range b.Histogram {
		href := link(fmt.Sprintf("frt:%d", i))
		short := bin.Label
		if len(shortBinLabels) == len(b.Histogram) {
			short = shortBinLabels[i]
		}
		bins = append(bins, chart.Bar{Label: short, Value: float64(bin.Count), Text: strconv.Itoa(bin.Count), Href: href})
		p.Bins = append(p.Bins, reportCell{Label: bin.Label, Text: strconv.Itoa(bin.Count), Href: href})
	}
	p.HistogramChart = chart.Bars("chart-first-response", "First response times",
		fmt.Sprintf("%d responded conversations by time to the first substantive reply", b.Responded), bins)
	hours := make([]string, 24)
	for hr := range hours {
		hours[hr] = fmt.Sprintf("%02d", hr)
	}
	p.HeatHours = hours
	cells := make([][]int, 7)
	for wd := range 7 {
		cells[wd] = b.Heatmap.Cells[wd][:]
		row := reportHeatRow{Day: report.Weekdays[wd]}
		for hr := range 24 {
			c := reportCell{Text: strconv.Itoa(b.Heatmap.Cells[wd][hr])}
			if b.Heatmap.Cells[wd][hr] > 0 {
				c.Href = link(fmt.Sprintf("hour:%d-%d", wd, hr))
			}
			row.Cells = append(row.Cells, c)
		}
		p.Heat = append(p.Heat, row)
	}
	p.HeatmapChart = chart.Heatmap("chart-heatmap", "Busiest hours",
		"Conversations started per weekday and hour ("+d.Loc.String()+"), darker is busier", report.Weekdays[:], hours, cells,
		func(r, c int) string { return link(fmt.Sprintf("hour:%d-%d", r, c)) })
	for _, a := range b.Agents {
		p.Agents = append(p.Agents, reportAgentRow{Name: a.Name,
			Answered: reportCell{Text: strconv.Itoa(a.Answered), Href: link("agent:" + a.Name)},
			Replies:  reportCell{Text: strconv.Itoa(a.Replies), Href: link("replies:" + a.Name)},
			Median:   secondsText(a.FirstResponse.Median), P90: secondsText(a.FirstResponse.P90), ResolvedTxt: strconv.Itoa(a.Resolved)})
	}
	for _, c := range b.Scorecard {
		acct := func(metric string) string { return link("account:" + metric + ":" + c.Account) }
		share := func(v *float64, num, den int, metric string) reportCell {
			return reportCell{Text: pctText(v), Label: fmt.Sprintf("%d of %d", num, den), Href: acct(metric)}
		}
		p.Cards = append(p.Cards, reportCardRow{Account: c.Account,
			Conversations: reportCell{Text: strconv.Itoa(c.Conversations), Href: acct("all")},
			Shares: []reportCell{
				share(c.ResponseRate, c.Responded, c.Needing, "responded"),
				share(c.Share5m, c.Within5m, c.Needing, "5m"),
				share(c.Share1h, c.Within1h, c.Needing, "1h"),
				share(c.Share6h, c.Within6h, c.Needing, "6h"),
				share(c.PublicResolution, c.ResolvedPublic, c.Resolved, "resolved_public"),
			},
			Signature: reportCell{Text: pctText(c.SignatureShare), Label: fmt.Sprintf("%d of %d replies", c.Signed, c.Attributed)},
			Name:      reportCell{Text: pctText(c.NameShare), Label: fmt.Sprintf("%d of %d replies", c.Named, c.Nameable)},
			Checks:    reportCell{Text: pctText(c.CheckShare), Label: fmt.Sprintf("%d of %d replies", c.Passed, c.Checked)},
		})
	}
}

// shortBinLabels name the histogram's bars where the axis has little room;
// the table beside the chart has report's full labels.
var shortBinLabels = []string{"< 5m", "5–15m", "15–30m", "30m–1h", "1–2h", "2–6h", "6–24h", "≥ 24h"}

// pctText is a share as a percentage ("75%", "66.7%"), "—" for none.
func pctText(v *float64) string {
	if v == nil {
		return "—"
	}
	p := *v * 100
	if math.Abs(p-math.Round(p)) < 0.05 {
		return fmt.Sprintf("%.0f%%", p)
	}
	return fmt.Sprintf("%.1f%%", p)
}

// secondsText is a duration in seconds for people ("3m 05s"), "—" for none.
func secondsText(v *float64) string {
	if v == nil {
		return "—"
	}
	return formatSeconds(int64(math.Round(*v)))
}

// signedText is a sentiment figure with its sign ("+0.25"), "—" for none.
func signedText(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%+.2f", *v)
}
