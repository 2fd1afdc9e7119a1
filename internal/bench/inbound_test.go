package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/dbtest"
)

const (
	throughputMessages = 10_000 // per iteration
	throughputThreads  = 500    // conversations they spread over
)

// BenchmarkInboundThroughput measures sustained inbound messages per second
// through the whole pipeline: 8 clients POST signed messages to the API
// channel (each answered 202 once durable), and the clock stops when the
// last one has been processed into a message. accepted/s is the rate of the
// POSTs alone.
func BenchmarkInboundThroughput(b *testing.B) {
	for _, engine := range dbtest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			n := apptest.Start(b, engine)
			ch := createChannel(b, n)
			hc := newClient()
			ctx := context.Background()
			round := 0
			var accepted, total time.Duration
			for b.Loop() {
				round++
				msgs := make([]inbound, throughputMessages)
				for i := range msgs {
					msgs[i] = message(fmt.Sprintf("r%d-%06d", round, i), fmt.Sprintf("thread-%04d", i%throughputThreads))
				}
				start := time.Now()
				if err := postAll(hc, n.URL, ch, msgs); err != nil {
					b.Fatal(err)
				}
				accepted = time.Since(start)
				// Every event is committed before its 202, so none pending
				// means every one is processed.
				waitFor(b, 10*time.Minute, 5*time.Millisecond, "the processor to drain", func() (bool, error) {
					pending, err := n.App.Store.CountPendingEvents(ctx)
					return pending == 0, err
				})
				total = time.Since(start)
			}
			stored, err := n.App.Store.CountMessages(ctx, n.Admin.WorkspaceID, "in")
			if err != nil {
				b.Fatal(err)
			}
			if stored != round*throughputMessages {
				b.Fatalf("%d inbound messages stored, want %d", stored, round*throughputMessages)
			}
			perSec := float64(throughputMessages) / total.Seconds()
			b.ReportMetric(perSec, "msgs/s")
			b.ReportMetric(float64(throughputMessages)/accepted.Seconds(), "accepted/s")
			b.Logf("%s: %d messages over %d threads from %d clients: accepted in %s, processed in %s: %.0f msgs/s end to end",
				dbtest.Name(engine), throughputMessages, throughputThreads, clients, accepted.Round(time.Millisecond), total.Round(time.Millisecond), perSec)
		})
	}
}
