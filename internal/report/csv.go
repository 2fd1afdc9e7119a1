package report

import (
	"context"
	"database/sql"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/heed-dev/heed/internal/store"
)

// CSVHeader is the header row of the conversation export.
var CSVHeader = []string{"id", "account", "channel_type", "thread_id", "public", "status", "created_at",
	"first_response_seconds", "resolution_seconds", "acknowledged_seconds", "responded", "assignee", "team",
	"sla_breached", "sentiment", "spam", "survey_kind", "survey_score",
	"first_reply_public", "first_replier", "redirect_reason", "customer"}

// WriteCSV streams one row per conversation of the query (oldest first) as
// RFC 4180 CSV. Columns are only ever added at the end (API clients read
// them by position). Durations are seconds (with milliseconds when there are any)
// in the query's hours, empty when the event has not happened; responded
// follows the summary's definition. Text cells are neutralised against
// formula injection (see SafeCell).
func WriteCSV(ctx context.Context, st *store.Store, q Query, w io.Writer) error {
	dur, err := durationFunc(ctx, st, q)
	if err != nil {
		return err
	}
	surveys, err := loadSurveyScores(ctx, st, q)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	seconds := func(start int64, at sql.NullInt64) string {
		if !at.Valid {
			return ""
		}
		return strconv.FormatFloat(float64(dur(start, at.Int64))/1000, 'f', -1, 64)
	}
	rec := make([]string, len(CSVHeader))
	err = st.StreamReportRows(ctx, q.filter(), func(r *store.ReportRow) error {
		sentiment := ""
		if r.Sentiment.Valid {
			sentiment = strconv.FormatFloat(r.Sentiment.Float64, 'f', -1, 64)
		}
		rec = append(rec[:0],
			SafeCell(r.ID), SafeCell(r.Account), SafeCell(r.ChannelType), SafeCell(r.ThreadID),
			strconv.FormatBool(r.Public), SafeCell(r.Status), time.UnixMilli(r.CreatedAt).UTC().Format(time.RFC3339Nano),
			seconds(r.CreatedAt, r.FirstResponseAt), seconds(r.CreatedAt, r.ResolvedAt), seconds(r.CreatedAt, r.AcknowledgedAt),
			strconv.FormatBool(needsResponse(r) && r.FirstResponseAt.Valid), SafeCell(r.Assignee), SafeCell(r.Team),
			strconv.FormatBool(r.SLABreached), sentiment, strconv.FormatBool(r.Spam))
		if a, ok := surveys.latest(r.ID); ok {
			rec = append(rec, a.Kind, strconv.Itoa(a.Score))
		} else {
			rec = append(rec, "", "")
		}
		firstPublic := ""
		if r.FirstResponseAt.Valid {
			firstPublic = strconv.FormatBool(r.FirstReplyPublic)
		}
		rec = append(rec, firstPublic, SafeCell(r.FirstReplier), SafeCell(r.RedirectReason), SafeCell(r.Customer))
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// SafeCell neutralises a text cell that a spreadsheet would run as a formula
// (CSV injection): a cell starting with = + - @ (or a tab or carriage return,
// which some spreadsheets skip before looking) gets a leading single quote.
// Numbers Heed formats itself never pass through here, so negative numbers
// stay numbers.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
