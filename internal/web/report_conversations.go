package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/report"
)

// maxDrillRows bounds the drill-down list; the CSV link has them all.
const maxDrillRows = 500

// reportConversationsPage is /reports/conversations: the conversations behind
// one number of the reports page.
type reportConversationsPage struct {
	base
	Label      string
	Total      int
	Shown      []reportConvRow
	More       int
	BackHref   string
	ExportHref string
	Error      string
	TimeZone   string
}

type reportConvRow struct {
	ID, Started, Account, ChannelType, Customer, Status string
	Public                                              bool
	FirstResponse, Resolution                           string
	Agent                                               string
}

// listReportConversations lists the conversations of a drill-down bucket
// (see report.Match) under the report's filters, each linking to it.
func (h *Handler) listReportConversations(w http.ResponseWriter, r *http.Request) error {
	p := reportConversationsPage{base: h.base(r, "Report conversations", "reports")}
	d, _, err := h.reportSelection(r)
	p.TimeZone = d.Loc.String()
	if qe := reportQueryError(err); qe != nil {
		p.Error = qe.Message
		return h.render(w, r, http.StatusBadRequest, "reports_conversations", p)
	} else if err != nil {
		return err
	}
	bucket := r.URL.Query().Get("bucket")
	match, label, err := report.Match(bucket)
	if err != nil {
		p.Error = reportQueryError(err).Message
		return h.render(w, r, http.StatusBadRequest, "reports_conversations", p)
	}
	convs, err := report.CollectFor(r.Context(), h.Store, report.NarrowFor(d, bucket), bucket)
	if err != nil {
		return err
	}
	list := report.Filter(convs, match)
	p.Label, p.Total = label, len(list)
	p.BackHref = reportLink("/reports", d, "")
	p.ExportHref = reportLink("/reports/conversations.csv", d, bucket)
	ms := func(v int64) string {
		if v < 0 {
			return "—"
		}
		return formatSeconds(v / 1000)
	}
	for i, c := range list {
		if i == maxDrillRows {
			p.More = len(list) - maxDrillRows
			break
		}
		p.Shown = append(p.Shown, reportConvRow{ID: c.ID, Started: c.Start.Format("Mon 2 Jan 2006 15:04"), Account: c.Account,
			ChannelType: c.ChannelType, Customer: c.Customer, Status: c.Status, Public: c.Public,
			FirstResponse: ms(c.FirstResponse), Resolution: ms(c.Resolution), Agent: c.FirstReplier})
	}
	return h.render(w, r, http.StatusOK, "reports_conversations", p)
}
