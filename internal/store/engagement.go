package store

import (
	"context"
	"time"

	"github.com/heed-dev/heed/internal/model"
)

// EngagementSample is a platform's count of reactions to a message at a time.
type EngagementSample struct {
	At                      time.Time
	Likes, Replies, Reposts int64
}

// GetMessageByExternalID returns the message a platform knows by externalID on a channel.
func (s *Store) GetMessageByExternalID(ctx context.Context, channelID, externalID string) (model.Message, error) {
	m, err := scanMessage(s.queryRow(ctx, msgSelect+` WHERE m.channel_id = ? AND m.external_id = ?`, channelID, externalID))
	return m, s.mapErr("get message by external id", err)
}

// AddEngagementSample stores a sample (a repeat of the same instant is ignored)
// and returns the message's samples in time order.
func (s *Store) AddEngagementSample(ctx context.Context, messageID string, e EngagementSample) ([]EngagementSample, error) {
	if _, err := s.exec(ctx, `INSERT INTO engagement_samples (message_id, at, likes, replies, reposts) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (message_id, at) DO NOTHING`, messageID, ms(e.At), e.Likes, e.Replies, e.Reposts); err != nil {
		return nil, s.mapErr("add engagement sample", err)
	}
	rows, err := s.query(ctx, `SELECT at, likes, replies, reposts FROM engagement_samples WHERE message_id = ? ORDER BY at`, messageID)
	if err != nil {
		return nil, s.mapErr("list engagement samples", err)
	}
	defer rows.Close()
	var out []EngagementSample
	for rows.Next() {
		var e EngagementSample
		var at int64
		if err := rows.Scan(&at, &e.Likes, &e.Replies, &e.Reposts); err != nil {
			return nil, s.mapErr("list engagement samples", err)
		}
		e.At = fromMs(at)
		out = append(out, e)
	}
	return out, s.mapErr("list engagement samples", rows.Err())
}

// SetVirality stores a conversation's virality score; escalate also raises
// it to urgent and marks it escalated.
func (s *Store) SetVirality(ctx context.Context, conversationID string, score float64, escalate bool) error {
	_, err := s.exec(ctx, `UPDATE conversations SET virality = ?,
		priority = CASE WHEN ? THEN 3 ELSE priority END,
		escalated = CASE WHEN ? THEN TRUE ELSE escalated END
		WHERE id = ?`, score, escalate, escalate, conversationID)
	return s.mapErr("set virality", err)
}
