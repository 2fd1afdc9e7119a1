package web

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/report"
)

// registerReports mounts the report pages and the live board (issue 6),
// supervisors and up, kept out of Register's list to keep edits to it small.
func (h *Handler) registerReports(mux *http.ServeMux) {
	mux.Handle("GET /reports", h.authed(model.RoleSupervisor, h.showReports))
	mux.Handle("GET /reports/conversations", h.authed(model.RoleSupervisor, h.listReportConversations))
	mux.Handle("GET /reports/conversations.csv", h.authed(model.RoleSupervisor, h.exportReportCSV))
	mux.Handle("GET /live", h.authed(model.RoleSupervisor, h.showLiveBoard))
}

// reportForm is the filter form of the report pages, as the user typed it.
type reportForm struct {
	FromDate, ToDate string // YYYY-MM-DD in the workspace's time zone, to inclusive
	Hours            string
	ChannelType      string
	Account          string
	Team             string
	Agent            string
	Tag              string
	Public           string // "", "true" or "false"
}

// reportChoices are the values the filter selects offer.
type reportChoices struct {
	ChannelTypes, Accounts, Teams, Agents []string
}

// reportSelection reads the report filters of a request. Dates default to
// the 30 days up to today (workspace time zone). A QueryError comes back as
// err with the form still filled in, so the page can show it.
func (h *Handler) reportSelection(r *http.Request) (report.Detail, reportForm, error) {
	ctx := r.Context()
	ws := me(r).WorkspaceID
	loc, err := report.Location(ctx, h.Store, ws)
	if err != nil {
		return report.Detail{}, reportForm{}, err
	}
	v := r.URL.Query()
	now := time.Now().In(loc)
	form := reportForm{FromDate: v.Get("from_date"), ToDate: v.Get("to_date"), Hours: v.Get("hours"), ChannelType: v.Get("channel_type"),
		Account: v.Get("account"), Team: v.Get("team"), Agent: v.Get("agent"), Tag: v.Get("tag"), Public: v.Get("public")}
	if v.Get("from") == "" && form.FromDate == "" {
		form.FromDate = now.AddDate(0, 0, -29).Format(time.DateOnly)
		v.Set("from_date", form.FromDate)
	}
	if v.Get("to") == "" && form.ToDate == "" {
		form.ToDate = now.Format(time.DateOnly)
		v.Set("to_date", form.ToDate)
	}
	d, err := report.ParseDetail(v, ws, time.Now(), loc)
	if err == nil {
		// Links carry from and to; show them as the dates they stand for.
		form.FromDate = d.From.In(loc).Format(time.DateOnly)
		form.ToDate = d.To.In(loc).Add(-time.Nanosecond).Format(time.DateOnly)
	}
	return d, form, err
}

// reportQueryError is the message of a filter problem the user can fix, or
// nil when err is something else.
func reportQueryError(err error) *report.QueryError {
	var qe *report.QueryError
	if errors.As(err, &qe) {
		return qe
	}
	return nil
}

func (h *Handler) reportChoices(r *http.Request) (reportChoices, error) {
	ctx := r.Context()
	ws := me(r).WorkspaceID
	var c reportChoices
	chans, err := h.Store.ListChannels(ctx, ws)
	if err != nil {
		return c, err
	}
	for _, ch := range chans {
		if !slices.Contains(c.ChannelTypes, ch.Type) {
			c.ChannelTypes = append(c.ChannelTypes, ch.Type)
		}
		if !slices.Contains(c.Accounts, ch.Name) {
			c.Accounts = append(c.Accounts, ch.Name)
		}
	}
	teams, err := h.Store.ListTeams(ctx, ws)
	if err != nil {
		return c, err
	}
	for _, t := range teams {
		c.Teams = append(c.Teams, t.Name)
	}
	agents, err := h.Store.ListAgents(ctx, ws)
	if err != nil {
		return c, err
	}
	for _, a := range agents {
		c.Agents = append(c.Agents, a.Name)
	}
	slices.Sort(c.ChannelTypes)
	slices.Sort(c.Accounts)
	slices.Sort(c.Teams)
	slices.Sort(c.Agents)
	return c, nil
}

// reportLink is a URL of the report pages for the selection, with bucket
// when not "".
func reportLink(path string, d report.Detail, bucket string) string {
	v := d.Values()
	if bucket != "" {
		v.Set("bucket", bucket)
	}
	return path + "?" + v.Encode()
}

// drillLink is the drill-down list of one bucket.
func drillLink(d report.Detail, bucket string) string {
	return reportLink("/reports/conversations", d, bucket)
}
