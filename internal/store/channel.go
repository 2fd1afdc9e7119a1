package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/heed-dev/heed/internal/model"
)

const channelCols = `id, workspace_id, type, name, secret, callback_url, settings, created_at, credentials, health, health_reason`

func (s *Store) scanChannel(sc interface{ Scan(...any) error }) (model.Channel, error) {
	var c model.Channel
	var sealed, settings, creds string
	var created int64
	if err := sc.Scan(&c.ID, &c.WorkspaceID, &c.Type, &c.Name, &sealed, &c.CallbackURL, &settings, &created, &creds, &c.Health, &c.HealthReason); err != nil {
		return c, err
	}
	if creds != "" {
		plain, err := s.box.Open(creds)
		if err != nil {
			return c, fmt.Errorf("channel %s credentials: %w", c.ID, err)
		}
		if err := json.Unmarshal([]byte(plain), &c.Credentials); err != nil {
			return c, fmt.Errorf("channel %s credentials: %w", c.ID, err)
		}
	}
	c.Settings = json.RawMessage(settings)
	c.CreatedAt = fromMs(created)
	plain, err := s.box.Open(sealed)
	if err != nil {
		return c, fmt.Errorf("channel %s secret: %w", c.ID, err)
	}
	c.Secret = plain
	return c, nil
}

// CreateChannel inserts a channel; its secret is sealed at rest.
func (s *Store) CreateChannel(ctx context.Context, c model.Channel) (model.Channel, error) {
	c.ID = NewID()
	c.CreatedAt = s.Now()
	if len(c.Settings) == 0 {
		c.Settings = json.RawMessage(`{}`)
	}
	if c.Health == "" {
		c.Health = "ok"
	}
	_, err := s.exec(ctx, `INSERT INTO channels (`+channelCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.WorkspaceID, c.Type, c.Name, s.box.Seal(c.Secret), c.CallbackURL, string(c.Settings), ms(c.CreatedAt),
		s.sealCredentials(c.Credentials), c.Health, c.HealthReason)
	return c, s.mapErr("create channel", err)
}

// GetChannel returns a channel by id.
func (s *Store) GetChannel(ctx context.Context, id string) (model.Channel, error) {
	c, err := s.scanChannel(s.queryRow(ctx, `SELECT `+channelCols+` FROM channels WHERE id = ?`, id))
	return c, s.mapErr("get channel", err)
}

// ListChannels returns a workspace's channels by name.
func (s *Store) ListChannels(ctx context.Context, workspaceID string) ([]model.Channel, error) {
	rows, err := s.query(ctx, `SELECT `+channelCols+` FROM channels WHERE workspace_id = ? ORDER BY name, id`, workspaceID)
	if err != nil {
		return nil, s.mapErr("list channels", err)
	}
	defer rows.Close()
	var out []model.Channel
	for rows.Next() {
		c, err := s.scanChannel(rows)
		if err != nil {
			return nil, s.mapErr("list channels", err)
		}
		out = append(out, c)
	}
	return out, s.mapErr("list channels", rows.Err())
}

// UpdateChannel changes a channel's name, callback URL and settings.
func (s *Store) UpdateChannel(ctx context.Context, c model.Channel) error {
	res, err := s.exec(ctx, `UPDATE channels SET name = ?, callback_url = ?, settings = ? WHERE id = ? AND workspace_id = ?`,
		c.Name, c.CallbackURL, string(c.Settings), c.ID, c.WorkspaceID)
	if err != nil {
		return s.mapErr("update channel", err)
	}
	return mustAffect(res, "update channel")
}

func (s *Store) sealCredentials(creds map[string]string) string {
	if len(creds) == 0 {
		return ""
	}
	b, _ := json.Marshal(creds)
	return s.box.Seal(string(b))
}

// SetChannelCredentials replaces a channel's credentials (reconnecting it)
// and marks it healthy; history is untouched.
func (s *Store) SetChannelCredentials(ctx context.Context, workspaceID, id string, creds map[string]string) error {
	res, err := s.exec(ctx, `UPDATE channels SET credentials = ?, health = 'ok', health_reason = '' WHERE id = ? AND workspace_id = ?`,
		s.sealCredentials(creds), id, workspaceID)
	if err != nil {
		return s.mapErr("set channel credentials", err)
	}
	return mustAffect(res, "set channel credentials")
}

// SetChannelHealth records whether a channel works, with a reason shown to admins.
func (s *Store) SetChannelHealth(ctx context.Context, id, health, reason string) error {
	_, err := s.exec(ctx, `UPDATE channels SET health = ?, health_reason = ? WHERE id = ?`, health, reason, id)
	return s.mapErr("set channel health", err)
}

// PollCursor returns a channel's polling cursor ("" at first).
func (s *Store) PollCursor(ctx context.Context, id string) (string, error) {
	var c string
	err := s.queryRow(ctx, `SELECT poll_cursor FROM channels WHERE id = ?`, id).Scan(&c)
	return c, s.mapErr("poll cursor", err)
}

// SetPollCursor stores a channel's polling cursor.
func (s *Store) SetPollCursor(ctx context.Context, id, cursor string) error {
	_, err := s.exec(ctx, `UPDATE channels SET poll_cursor = ? WHERE id = ?`, cursor, id)
	return s.mapErr("set poll cursor", err)
}
