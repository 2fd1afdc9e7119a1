package realtime

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/oklog/ulid/v2"
)

// pgChannel is the PostgreSQL NOTIFY channel carrying live events between nodes.
const pgChannel = "heed_events"

// PGBroker fans events out across nodes through PostgreSQL LISTEN/NOTIFY: a
// publish is delivered to this node's subscribers at once and NOTIFYed to
// the others, whose listener republishes it locally. Events are tiny ("X
// changed"), far below NOTIFY's 8000-byte payload limit.
type PGBroker struct {
	*Hub
	pool *pgxpool.Pool
	node string
	log  *slog.Logger
	out  chan []byte
}

type wireEvent struct {
	Node  string `json:"n"`
	Topic string `json:"t"`
	Event Event  `json:"e"`
}

// NewPGBroker returns a broker over pool; call Run to connect it to the others.
func NewPGBroker(pool *pgxpool.Pool, log *slog.Logger) *PGBroker {
	return &PGBroker{Hub: NewHub(), pool: pool, node: ulid.Make().String(), log: log, out: make(chan []byte, 4096)}
}

// Publish delivers locally and queues the event for the other nodes. It never
// blocks the committing request: if the queue is full the event is dropped
// for remote nodes (their browsers resync on the next event or reconnect).
func (b *PGBroker) Publish(topic string, e Event) {
	b.Hub.Publish(topic, e)
	payload, _ := json.Marshal(wireEvent{Node: b.node, Topic: topic, Event: e})
	select {
	case b.out <- payload:
	default:
		b.log.Warn("live event queue full; dropped for other nodes", "topic", topic)
	}
}

// Run sends queued events and listens for other nodes' until ctx ends,
// reconnecting after failures.
func (b *PGBroker) Run(ctx context.Context) {
	go b.sendLoop(ctx)
	for ctx.Err() == nil {
		if err := b.listen(ctx); err != nil && ctx.Err() == nil {
			b.log.Warn("live event listener reconnecting", "error", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

func (b *PGBroker) sendLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-b.out:
			if _, err := b.pool.Exec(ctx, "SELECT pg_notify($1, $2)", pgChannel, string(p)); err != nil && ctx.Err() == nil {
				b.log.Warn("notify live event", "error", err)
			}
		}
	}
}

func (b *PGBroker) listen(ctx context.Context) error {
	conn, err := b.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+pgChannel); err != nil {
		return err
	}
	// Tell local subscribers to reload: events may have been missed while
	// the listener was down.
	b.Hub.PublishAll(Event{Type: "resync"})
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			conn.Conn().Close(context.Background()) // don't return a LISTENing conn to the pool
			return err
		}
		var w wireEvent
		if json.Unmarshal([]byte(n.Payload), &w) != nil || w.Node == b.node {
			continue
		}
		b.Hub.Publish(w.Topic, w.Event)
	}
}
