package store

import (
	"context"
	"database/sql"
	"hash/fnv"
	"slices"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/model"
)

// MaxEventAttempts bounds how often a failing inbound event is retried before
// it is parked with its error for an operator to look at.
const MaxEventAttempts = 10

// InsertInboundEvent stores a raw event unless one with the same channel and
// external id exists. created is false for a repeat delivery.
func (s *Store) InsertInboundEvent(ctx context.Context, ev model.InboundEvent) (stored model.InboundEvent, created bool, err error) {
	ev.ID = NewID()
	if ev.ReceivedAt.IsZero() {
		ev.ReceivedAt = s.Now()
	}
	res, err := s.exec(ctx, `INSERT INTO inbound_events (id, channel_id, external_id, payload, received_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (channel_id, external_id) DO NOTHING`, ev.ID, ev.ChannelID, ev.ExternalID, string(ev.Payload), ms(ev.ReceivedAt))
	if err != nil {
		return ev, false, s.mapErr("insert inbound event", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return ev, false, s.mapErr("insert inbound event", err)
	}
	return ev, n == 1, nil
}

// ClaimPendingEvents returns up to limit unprocessed events, oldest first. Call
// it inside WithTx: on PostgreSQL the rows stay locked (and skipped by other
// nodes) until the transaction ends.
func (s *Store) ClaimPendingEvents(ctx context.Context, limit int) ([]model.InboundEvent, error) {
	rows, err := s.query(ctx, `SELECT id, channel_id, external_id, payload, received_at, attempts FROM inbound_events
		WHERE processed_at IS NULL AND attempts < ? ORDER BY id LIMIT ?`+s.db.Dialect.SkipLocked(), MaxEventAttempts, limit)
	if err != nil {
		return nil, s.mapErr("claim inbound events", err)
	}
	defer rows.Close()
	var out []model.InboundEvent
	for rows.Next() {
		var ev model.InboundEvent
		var payload string
		var received int64
		if err := rows.Scan(&ev.ID, &ev.ChannelID, &ev.ExternalID, &payload, &received, &ev.Attempts); err != nil {
			return nil, s.mapErr("claim inbound events", err)
		}
		ev.Payload = []byte(payload)
		ev.ReceivedAt = fromMs(received)
		out = append(out, ev)
	}
	return out, s.mapErr("claim inbound events", rows.Err())
}

// MarkEventProcessed records that an event has been turned into messages, or
// parked with a permanent error (errText non-empty).
func (s *Store) MarkEventProcessed(ctx context.Context, id, errText string) error {
	_, err := s.exec(ctx, `UPDATE inbound_events SET processed_at = ?, error = ?, attempts = attempts + 1 WHERE id = ?`, ms(s.Now()), errText, id)
	return s.mapErr("mark event processed", err)
}

// MarkEventAttempt counts a failed processing attempt of a transient kind.
func (s *Store) MarkEventAttempt(ctx context.Context, id, errText string) error {
	_, err := s.exec(ctx, `UPDATE inbound_events SET attempts = attempts + 1, error = ? WHERE id = ?`, errText, id)
	return s.mapErr("mark event attempt", err)
}

// GetInboundEvent returns an event by channel and external id.
func (s *Store) GetInboundEvent(ctx context.Context, channelID, externalID string) (model.InboundEvent, error) {
	var ev model.InboundEvent
	var payload string
	var received int64
	var processed sql.NullInt64
	err := s.queryRow(ctx, `SELECT id, channel_id, external_id, payload, received_at, processed_at, attempts, error FROM inbound_events WHERE channel_id = ? AND external_id = ?`,
		channelID, externalID).Scan(&ev.ID, &ev.ChannelID, &ev.ExternalID, &payload, &received, &processed, &ev.Attempts, &ev.Error)
	ev.Payload, ev.ReceivedAt, ev.ProcessedAt = []byte(payload), fromMs(received), fromNullMs(processed)
	return ev, s.mapErr("get inbound event", err)
}

// CountPendingEvents counts events not yet processed (a health figure).
func (s *Store) CountPendingEvents(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM inbound_events WHERE processed_at IS NULL`).Scan(&n)
	return n, s.mapErr("count pending events", err)
}

// LockKeys takes a transaction-scoped lock on each key, in one global order,
// so that concurrent inbound batches touching the same customers and threads
// wait for each other instead of deadlocking (PostgreSQL advisory locks).
// SQLite has a single writer and needs none.
func (s *Store) LockKeys(ctx context.Context, keys []string) error {
	if s.db.Engine != db.Postgres || len(keys) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(keys))
	seen := make(map[int64]bool, len(keys))
	for _, k := range keys {
		h := fnv.New64a()
		h.Write([]byte(k))
		id := int64(h.Sum64())
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	// unnest yields the array in order and the aggregate consumes rows in
	// that order, so every transaction locks in ascending id order.
	var n int64
	err := s.queryRow(ctx, `SELECT count(pg_advisory_xact_lock(k)) FROM unnest(?::bigint[]) AS k`, ids).Scan(&n)
	return s.mapErr("lock keys", err)
}
