package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/report"
)

// registerReports mounts the report routes (supervisors and admins).
func (h *Handler) registerReports(mux *http.ServeMux) {
	mux.Handle("GET /api/v1/reports/summary", h.authed(model.RoleSupervisor, h.showReportSummary))
	mux.Handle("GET /api/v1/reports/conversations.csv", h.authed(model.RoleSupervisor, h.exportConversationsCSV))
}

// reportQuery reads the query parameters; it answers 400 itself when they
// are wrong.
func (h *Handler) reportQuery(w http.ResponseWriter, r *http.Request) (report.Query, bool) {
	q, err := report.ParseQuery(r.URL.Query(), agentFrom(r.Context()).WorkspaceID, time.Now())
	if err != nil {
		h.reportFail(w, r, err)
		return q, false
	}
	return q, true
}

func (h *Handler) reportFail(w http.ResponseWriter, r *http.Request, err error) {
	var qe *report.QueryError
	if errors.As(err, &qe) {
		writeError(w, http.StatusBadRequest, "invalid", qe.Message, qe.Field)
		return
	}
	h.fail(w, r, err)
}

// showReportSummary returns the service metrics of the conversations that
// started in [from, to), grouped by group_by (see report.Group).
func (h *Handler) showReportSummary(w http.ResponseWriter, r *http.Request) {
	q, ok := h.reportQuery(w, r)
	if !ok {
		return
	}
	s, err := report.Summarize(r.Context(), h.Store, q)
	if err != nil {
		h.reportFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

// exportConversationsCSV streams one CSV row per conversation that started in
// [from, to). Once rows flow, an error can only cut the stream short: the
// status is already sent, so it is logged and the body ends early.
func (h *Handler) exportConversationsCSV(w http.ResponseWriter, r *http.Request) {
	q, ok := h.reportQuery(w, r)
	if !ok {
		return
	}
	out := &csvResponse{w: w}
	if err := report.WriteCSV(r.Context(), h.Store, q, out); err != nil {
		if !out.started {
			h.reportFail(w, r, err)
			return
		}
		h.Log.Error("csv export cut short", "path", r.URL.Path, "error", err)
	}
}

// csvResponse sends the CSV headers with the first bytes, so that an error
// before any row still gets a JSON error response.
type csvResponse struct {
	w       http.ResponseWriter
	started bool
}

func (c *csvResponse) Write(p []byte) (int, error) {
	if !c.started {
		c.started = true
		h := c.w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="conversations.csv"`)
		h.Set("X-Content-Type-Options", "nosniff")
		c.w.WriteHeader(http.StatusOK)
	}
	return c.w.Write(p)
}
