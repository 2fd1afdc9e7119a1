package inbound

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/store"
)

// Pollers fetch, for every channel whose connector can poll, what its
// platform's webhooks may have missed (or everything, where a platform has no
// webhooks). Events go through Accept like webhook events, so a post seen
// both ways is stored once. Several nodes polling the same channel is
// harmless for the same reason.
type Pollers struct {
	Store     *store.Store
	Registry  *channel.Registry
	Processor *Processor
	Log       *slog.Logger

	nextAt map[string]time.Time // per channel: not before (rate limits, interval)
}

// defaultPollEvery is the interval of a channel that sets none
// (settings {"poll_seconds": n}).
const defaultPollEvery = 60 * time.Second

// Run polls due channels every tick until ctx ends.
func (p *Pollers) Run(ctx context.Context, tick time.Duration) {
	p.nextAt = map[string]time.Time{}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		p.pollDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (p *Pollers) pollDue(ctx context.Context) {
	wss, err := p.Store.ListWorkspaceIDs(ctx)
	if err != nil {
		p.Log.Warn("pollers: list workspaces", "error", err)
		return
	}
	now := time.Now()
	for _, ws := range wss {
		chs, err := p.Store.ListChannels(ctx, ws)
		if err != nil {
			p.Log.Warn("pollers: list channels", "error", err)
			continue
		}
		for _, ch := range chs {
			conn, ok := p.Registry.Get(ch.Type)
			poller, can := conn.(channel.Poller)
			if !ok || !can || ch.Health != "ok" || now.Before(p.nextAt[ch.ID]) {
				continue
			}
			var set struct {
				PollSeconds int  `json:"poll_seconds"`
				NoPoll      bool `json:"no_poll"`
				Imported    bool `json:"imported"` // history only: nothing to fetch
			}
			json.Unmarshal(ch.Settings, &set)
			if set.NoPoll || set.Imported {
				continue
			}
			every := defaultPollEvery
			if set.PollSeconds > 0 {
				every = time.Duration(set.PollSeconds) * time.Second
			}
			p.nextAt[ch.ID] = now.Add(every)
			cursor, err := p.Store.PollCursor(ctx, ch.ID)
			if err != nil {
				continue
			}
			events, next, err := poller.Poll(ctx, ch, cursor)
			// A poll cut short by a rate limit still returns what it got:
			// store that, then wait until the reset.
			rl, limited := channel.IsRateLimited(err)
			if limited {
				p.nextAt[ch.ID] = rl.Reset
				err = nil
			}
			if errors.Is(err, channel.ErrUnauthorized) {
				p.Store.SetChannelHealth(ctx, ch.ID, "unhealthy", err.Error())
				continue
			}
			if err != nil {
				p.Log.Warn("poll channel", "channel_id", ch.ID, "error", err)
				continue
			}
			for _, ev := range events {
				if _, err := p.Processor.Accept(ctx, ch, ev.ExternalID, ev.Payload); err != nil {
					p.Log.Warn("store polled event", "channel_id", ch.ID, "error", err)
					next = cursor // keep the old cursor: fetch again next time
					break
				}
			}
			if next != "" && next != cursor {
				if err := p.Store.SetPollCursor(ctx, ch.ID, next); err != nil {
					p.Log.Warn("save poll cursor", "channel_id", ch.ID, "error", err)
				}
			}
		}
	}
}
