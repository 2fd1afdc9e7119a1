package inbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/store"
)

// Processor drains stored inbound events through the pipeline.
type Processor struct {
	store    *store.Store
	registry *channel.Registry
	broker   realtime.Broker
	stages   []Stage
	log      *slog.Logger
	batch    int
	wake     chan struct{}

	chMu     sync.Mutex
	channels map[string]cachedChannel // channels change rarely; cached per id for a few seconds

	onEngagement EngagementFunc
}

// NewProcessor builds a processor with the given stages (see Stages).
func NewProcessor(s *store.Store, reg *channel.Registry, b realtime.Broker, stages []Stage, log *slog.Logger) *Processor {
	return &Processor{store: s, registry: reg, broker: b, stages: stages, log: log, batch: 200,
		wake: make(chan struct{}, 1), channels: map[string]cachedChannel{}}
}

// SetBatchSize sets how many events one transaction claims (default 200).
func (p *Processor) SetBatchSize(n int) { p.batch = max(n, 1) }

// Accept stores a raw event durably. It returns once the event is committed;
// created is false when the same external id was already stored.
func (p *Processor) Accept(ctx context.Context, ch model.Channel, externalID string, payload []byte) (bool, error) {
	_, created, err := p.store.InsertInboundEvent(ctx, model.InboundEvent{ChannelID: ch.ID, ExternalID: externalID, Payload: payload})
	if err != nil {
		return false, err
	}
	if created {
		p.Wake()
	}
	return created, nil
}

// Wake asks the processor to look for work now.
func (p *Processor) Wake() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// RunWorkers runs n processing loops. On PostgreSQL several loops (and
// nodes) drain a burst in parallel, each claiming its own rows with SKIP
// LOCKED; on SQLite one loop is right, since there is a single writer.
func (p *Processor) RunWorkers(ctx context.Context, interval time.Duration, n int) {
	var wg sync.WaitGroup
	for range max(n, 1) {
		wg.Add(1)
		go func() { defer wg.Done(); p.Run(ctx, interval) }()
	}
	wg.Wait()
}

// Run processes events until ctx ends. It polls every interval as a safety
// net (another node's events, a missed wake) and at once when woken.
func (p *Processor) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for {
			n, err := p.ProcessBatch(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				p.log.Error("inbound batch failed", "error", err)
				break
			}
			if n == 0 {
				break
			}
			if n == p.batch {
				p.Wake() // a full batch: more is waiting, let an idle worker help
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		case <-t.C:
		}
	}
}

type cachedChannel struct {
	at time.Time
	ch model.Channel
}

// channelTTL bounds how long an edited channel (settings, credentials) takes
// to reach the pipeline.
const channelTTL = 5 * time.Second

func (p *Processor) channel(ctx context.Context, id string) (model.Channel, error) {
	p.chMu.Lock()
	c, ok := p.channels[id]
	p.chMu.Unlock()
	if ok && time.Since(c.at) < channelTTL {
		return c.ch, nil
	}
	ch, err := p.store.GetChannel(ctx, id)
	if err != nil {
		return ch, err
	}
	p.chMu.Lock()
	p.channels[id] = cachedChannel{at: time.Now(), ch: ch}
	p.chMu.Unlock()
	return ch, nil
}

// ProcessBatch claims and processes one batch; it returns how many events it
// handled. A transient failure of one event rolls the batch back, counts an
// attempt on that event and leaves the rest for the next round.
func (p *Processor) ProcessBatch(ctx context.Context) (int, error) {
	var done []*Item
	var failedID string
	var failure error
	n := 0
	err := p.store.WithTx(ctx, func(tx *store.Store) error {
		evs, err := tx.ClaimPendingEvents(ctx, p.batch)
		if err != nil {
			return err
		}
		n = len(evs)
		items := make([]*Item, len(evs))
		var keys []string
		for i, ev := range evs {
			items[i] = p.item(ctx, ev)
			if items[i].Connector != nil {
				keys = append(keys, items[i].lockKeys()...)
			}
		}
		if err := tx.LockKeys(ctx, keys); err != nil {
			return err
		}
		for i, ev := range evs {
			it, err := p.processOne(ctx, tx, items[i])
			if errors.Is(err, ErrPermanent) {
				p.log.Warn("inbound event parked", "event_id", ev.ID, "channel_id", ev.ChannelID, "error", err)
				if err := tx.MarkEventProcessed(ctx, ev.ID, err.Error()); err != nil {
					return err
				}
				continue
			}
			if err != nil {
				failedID, failure = ev.ID, err
				return fmt.Errorf("event %s: %w", ev.ID, err)
			}
			if err := tx.MarkEventProcessed(ctx, ev.ID, ""); err != nil {
				return err
			}
			if !it.Duplicate || it.Changed != nil || it.EngagementTarget != "" {
				done = append(done, it)
			}
		}
		return nil
	})
	if err != nil {
		if failedID != "" && !db.IsRetryable(failure) {
			if merr := p.store.MarkEventAttempt(ctx, failedID, failure.Error()); merr != nil {
				p.log.Error("count inbound attempt", "error", merr)
			}
		}
		return 0, err
	}
	p.publish(done)
	return n, nil
}

// item prepares an event for the stages; a lookup failure is kept for
// processOne to report.
func (p *Processor) item(ctx context.Context, ev model.InboundEvent) *Item {
	it := &Item{Event: ev}
	ch, err := p.channel(ctx, ev.ChannelID)
	if err != nil {
		it.setupErr = fmt.Errorf("channel: %w", err)
		return it
	}
	it.Channel = ch
	conn, ok := p.registry.Get(ch.Type)
	if !ok {
		it.setupErr = fmt.Errorf("no connector for channel type %q: %w", ch.Type, ErrPermanent)
		return it
	}
	it.Connector = conn
	return it
}

func (p *Processor) processOne(ctx context.Context, tx *store.Store, it *Item) (*Item, error) {
	if it.setupErr != nil {
		return nil, it.setupErr
	}
	for _, st := range p.stages {
		if err := st.Run(ctx, tx, it); err != nil {
			return nil, fmt.Errorf("%s: %w", st.Name(), err)
		}
		if it.Duplicate {
			break
		}
	}
	return it, nil
}

// OnEngagement, when set, receives the reaction counts a platform reported
// for a stored message (after commit); the inbox re-scores virality.
type EngagementFunc func(ctx context.Context, channelID, externalID string, at time.Time, likes, replies, reposts int64)

// SetEngagementHandler sets what receives engagement updates.
func (p *Processor) SetEngagementHandler(f EngagementFunc) { p.onEngagement = f }

// publish tells browsers what changed; called only after commit.
func (p *Processor) publish(items []*Item) {
	seen := map[string]bool{}
	for _, it := range items {
		if it.EngagementTarget != "" && p.onEngagement != nil {
			at := it.Msg.CreatedAt
			if at.IsZero() {
				at = time.Now()
			}
			p.onEngagement(context.Background(), it.Channel.ID, it.EngagementTarget, at, it.Likes, it.Replies, it.Reposts)
		}
		if it.Changed != nil {
			p.broker.Publish(realtime.ConversationTopic(it.Changed.ID), realtime.Event{Type: "conversation", ID: it.Changed.ID, ConversationID: it.Changed.ID})
			p.broker.Publish(realtime.WorkspaceTopic(it.Changed.WorkspaceID), realtime.Event{Type: "conversation", ID: it.Changed.ID, ConversationID: it.Changed.ID})
			continue
		}
		if it.Duplicate {
			continue
		}
		c := it.Conversation
		p.broker.Publish(realtime.ConversationTopic(c.ID), realtime.Event{Type: "message", ID: it.Message.ID, ConversationID: c.ID})
		if seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		p.broker.Publish(realtime.WorkspaceTopic(c.WorkspaceID), realtime.Event{Type: "conversation", ID: c.ID, ConversationID: c.ID})
	}
}
