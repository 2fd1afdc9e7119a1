package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/heed-dev/heed/internal/db"
)

// Dashboard roll-ups (migration 0017): the report package decides what a
// part holds and when to merge; the store keeps the rows and the marks.

// Spans of the dashboard roll-ups.
const (
	ReportDashHour  = "hour"
	ReportDashDay   = "day"
	ReportDashMonth = "month"

	// ReportDashBuilt is the channel id of the marker row that says a
	// month's rows are built (a month without conversations has no other).
	ReportDashBuilt = ""
)

// ReportDashDirty returns the dirty UTC hours (starts, unix ms) of a
// workspace's dashboard roll-ups, sorted. A zone other than the rows' (the
// workspace changed its time zone) drops every row and marks every hour
// with conversations dirty first.
func (s *Store) ReportDashDirty(ctx context.Context, workspaceID, zone string) ([]int64, error) {
	// Every row of a workspace has one zone (a rezone replaces them all
	// under the lock), so one row tells; scanning for another zone read
	// every part (100 ms and more at a million conversations).
	var have string
	err := s.queryRow(ctx, `SELECT zone FROM report_dash WHERE workspace_id = ? LIMIT 1`, workspaceID).Scan(&have)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, s.mapErr("report dash zone", err)
	}
	if err == nil && have != zone {
		err := s.WithTx(ctx, func(tx *Store) error {
			if err := tx.LockReportDash(ctx, workspaceID); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `DELETE FROM report_dash WHERE workspace_id = ?`, workspaceID); err != nil {
				return tx.mapErr("report dash rezone", err)
			}
			_, err := tx.exec(ctx, `INSERT INTO report_dash_dirty (workspace_id, hour)
				SELECT DISTINCT workspace_id, created_at - created_at % 3600000 FROM conversations WHERE workspace_id = ?
				ON CONFLICT DO NOTHING`, workspaceID)
			return tx.mapErr("report dash rezone", err)
		})
		if err != nil {
			return nil, err
		}
	}
	rows, err := s.query(ctx, `SELECT DISTINCT hour FROM report_dash_dirty WHERE workspace_id = ?`, workspaceID)
	if err != nil {
		return nil, s.mapErr("report dash dirty", err)
	}
	defer rows.Close()
	var hours []int64
	for rows.Next() {
		var h int64
		if err := rows.Scan(&h); err != nil {
			return nil, s.mapErr("report dash dirty", err)
		}
		hours = append(hours, h)
	}
	if err := rows.Err(); err != nil {
		return nil, s.mapErr("report dash dirty", err)
	}
	slices.Sort(hours)
	return hours, nil
}

// ClaimReportDashDirty deletes the marks of the given UTC hours and returns
// those it deleted, sorted and distinct. Call it inside WithTx, then read the
// facts and replace the rows in the same transaction: a writer committing
// after the DELETE keeps its mark (as with RefreshReportRollups). On
// PostgreSQL it first serialises the workspace's refreshes, which would
// otherwise both rewrite a day and one fail on the primary key.
func (s *Store) ClaimReportDashDirty(ctx context.Context, workspaceID string, hours []int64) ([]int64, error) {
	if len(hours) == 0 {
		return nil, nil
	}
	if err := s.LockReportDash(ctx, workspaceID); err != nil {
		return nil, err
	}
	var claimed []int64
	err := chunks(hours, 1, func(part []int64) error {
		args := []any{workspaceID}
		for _, h := range part {
			args = append(args, h)
		}
		rows, err := s.w.QueryContext(ctx, s.db.Dialect.Rebind(`DELETE FROM report_dash_dirty WHERE workspace_id = ? AND hour IN (`+placeholders(len(part))+`) RETURNING hour`), args...)
		if err != nil {
			return s.mapErr("report dash claim", err)
		}
		defer rows.Close()
		for rows.Next() {
			var h int64
			if err := rows.Scan(&h); err != nil {
				return s.mapErr("report dash claim", err)
			}
			claimed = append(claimed, h)
		}
		return s.mapErr("report dash claim", rows.Err())
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(claimed)
	return slices.Compact(claimed), nil
}

// LockReportDash serialises, on PostgreSQL, the transactions that rewrite a
// workspace's dashboard roll-ups (until the transaction ends); SQLite's
// single writer already does.
func (s *Store) LockReportDash(ctx context.Context, workspaceID string) error {
	if s.db.Engine != db.Postgres {
		return nil
	}
	_, err := s.exec(ctx, `SELECT pg_advisory_xact_lock(7411017, hashtext(?))`, workspaceID)
	return s.mapErr("report dash lock", err)
}

// ReplaceReportDash replaces the roll-up rows of one period (the start of a
// local hour or day) with parts, one per channel id.
func (s *Store) ReplaceReportDash(ctx context.Context, workspaceID, span string, period int64, zone string, parts map[string][]byte) error {
	if _, err := s.exec(ctx, `DELETE FROM report_dash WHERE workspace_id = ? AND span = ? AND period = ?`, workspaceID, span, period); err != nil {
		return s.mapErr("report dash delete", err)
	}
	ids := make([]string, 0, len(parts))
	for id := range parts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return chunks(ids, 6, func(chunk []string) error {
		args := make([]any, 0, 6*len(chunk))
		for _, id := range chunk {
			args = append(args, workspaceID, span, period, id, zone, parts[id])
		}
		_, err := s.exec(ctx, `INSERT INTO report_dash (workspace_id, span, period, channel_id, zone, part) VALUES `+valuesList(len(chunk), 6), args...)
		return s.mapErr("report dash insert", err)
	})
}

// ReportDashParts calls fn with every dashboard roll-up row of a span and
// zone whose period is in [from, to), marker rows included.
func (s *Store) ReportDashParts(ctx context.Context, workspaceID, span, zone string, from, to int64, fn func(period int64, channelID string, part []byte) error) error {
	q := `SELECT period, channel_id, part FROM report_dash WHERE workspace_id = ? AND span = ? AND period >= ? AND period < ? AND zone = ?`
	args := []any{workspaceID, span, from, to, zone}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return s.mapErr("report dash parts", err)
	}
	defer rows.Close()
	var period int64
	var id string
	var part []byte
	for rows.Next() {
		if err := rows.Scan(&period, &id, &part); err != nil {
			return s.mapErr("report dash parts", err)
		}
		if err := fn(period, id, part); err != nil {
			return err
		}
	}
	return s.mapErr("report dash parts", rows.Err())
}

// ReportChannel is a channel as reports name it.
type ReportChannel struct{ ID, Name, Type string }

// ReportChannels lists a workspace's channels (every one, archived too:
// history stays reportable) with only what reports name them by: unlike
// ListChannels it opens no sealed secret, on every report read.
func (s *Store) ReportChannels(ctx context.Context, workspaceID string) ([]ReportChannel, error) {
	rows, err := s.query(ctx, `SELECT id, name, type FROM channels WHERE workspace_id = ? ORDER BY id`, workspaceID)
	if err != nil {
		return nil, s.mapErr("report channels", err)
	}
	defer rows.Close()
	var out []ReportChannel
	for rows.Next() {
		var c ReportChannel
		if err := rows.Scan(&c.ID, &c.Name, &c.Type); err != nil {
			return nil, s.mapErr("report channels", err)
		}
		out = append(out, c)
	}
	return out, s.mapErr("report channels", rows.Err())
}
