package web

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/heed-dev/heed/internal/report"
)

// exportReportCSV streams the report's conversations as CSV (report.WriteCSV,
// the API export's format) under the page's filters and, when given, one
// drill-down bucket. It is the browser's way to the export: the API wants a
// bearer token, this route the session.
//
// Team, agent and bucket are not filters WriteCSV knows, so with any of them
// the ids of the selected conversations are collected first and WriteCSV's
// rows are passed through only for those.
func (h *Handler) exportReportCSV(w http.ResponseWriter, r *http.Request) error {
	d, _, err := h.reportSelection(r)
	if qe := reportQueryError(err); qe != nil {
		return httpError(http.StatusBadRequest, qe.Message)
	} else if err != nil {
		return err
	}
	bucket := r.URL.Query().Get("bucket")
	var keep map[string]bool
	if d.Team != "" || d.Agent != "" || bucket != "" {
		match, _, err := report.Match(bucket)
		if err != nil {
			return httpError(http.StatusBadRequest, reportQueryError(err).Message)
		}
		convs, err := report.CollectFor(r.Context(), h.Store, report.NarrowFor(d, bucket), bucket)
		if err != nil {
			return err
		}
		keep = map[string]bool{}
		for _, c := range report.Filter(convs, match) {
			keep[c.ID] = true
		}
	}
	name := fmt.Sprintf("heed-conversations-%s-%s.csv", d.From.In(d.Loc).Format("20060102"), d.To.In(d.Loc).Format("20060102"))
	out := &lazyCSV{w: w, name: name}
	if keep == nil {
		err = report.WriteCSV(r.Context(), h.Store, d.Query, out)
	} else {
		err = writeCSVOnly(r.Context(), h, d.Query, keep, out)
	}
	if err != nil {
		if !out.started {
			if qe := reportQueryError(err); qe != nil {
				return httpError(http.StatusBadRequest, qe.Message)
			}
			return err
		}
		// The status is sent; all we can do is cut the body short.
		h.Log.Error("report csv cut short", "error", err)
	}
	return nil
}

// writeCSVOnly writes WriteCSV's header and the rows whose id is in keep.
func writeCSVOnly(ctx context.Context, h *Handler, q report.Query, keep map[string]bool, w io.Writer) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := report.WriteCSV(ctx, h.Store, q, pw)
		pw.CloseWithError(err)
		done <- err
	}()
	cr := csv.NewReader(pr)
	cr.ReuseRecord = true
	cw := csv.NewWriter(w)
	first := true
	var err error
	for {
		var rec []string
		rec, err = cr.Read()
		if err != nil {
			break
		}
		if first || keep[rec[0]] {
			if err = cw.Write(rec); err != nil {
				break
			}
		}
		first = false
	}
	if errors.Is(err, io.EOF) {
		err = nil
	}
	pr.CloseWithError(errors.New("reader done")) // unblocks the writer if we stopped early
	if werr := <-done; err == nil && werr != nil {
		err = werr
	}
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return err
}

// lazyCSV sends the CSV headers with the first bytes, so that an error
// before any row still gets an error page.
type lazyCSV struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (c *lazyCSV) Write(p []byte) (int, error) {
	if !c.started {
		c.started = true
		c.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		c.w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", c.name))
		c.w.WriteHeader(http.StatusOK)
	}
	return c.w.Write(p)
}
