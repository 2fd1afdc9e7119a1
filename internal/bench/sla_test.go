package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/slaclock"
	"github.com/heed-dev/heed/internal/store"
)

// BenchmarkSLAScheduler: 1,000,000 open SLA clocks whose warnings fall
// uniformly over the next hour (about 280 a second); the scheduler runs as
// in production (a tick a second) for a minute, and we report how late the
// thresholds fired (p50/p99 of fired_at - crossed_at) and the CPU the
// process spent per wall second.
//
// HEED_BENCH_SLA_CLOCKS overrides the count (e.g. 100000 for a quick look).
func BenchmarkSLAScheduler(b *testing.B) {
	count := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("HEED_BENCH_SLA_CLOCKS")); err == nil && v > 0 {
		count = v
	}
	for _, engine := range dbtest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			d := dbtest.Open(b, engine)
			ctx := context.Background()
			box, _ := secret.New([]byte("bench-key-0123456789abcdef"))
			s := store.New(d, box)
			ws, err := s.CreateWorkspace(ctx, "Bench")
			if err != nil {
				b.Fatal(err)
			}
			ch, err := s.CreateChannel(ctx, model.Channel{WorkspaceID: ws.ID, Type: "x", Name: "@Bench", Secret: "k"})
			if err != nil {
				b.Fatal(err)
			}
			if err := slaclock.EnsureDefaultPolicies(ctx, s, ws.ID); err != nil {
				b.Fatal(err)
			}
			// One hour to the target, two to the maximum: every clock's next
			// threshold lies within the coming hour.
			ps, _ := s.ListSLAPolicies(ctx, ws.ID)
			for _, p := range ps {
				if p.Name == "x" {
					p.Targets = []byte(`{"first_response":{"warn":3600,"max":7200},"next_response":{"warn":3600,"max":7200},"resolution":{"warn":86400,"max":172800}}`)
					if err := s.UpdateSLAPolicy(ctx, p); err != nil {
						b.Fatal(err)
					}
				}
			}
			start := time.Now()
			seedClocks(b, d, ws.ID, ch.ID, count)
			b.Logf("%s: seeded %d open clocks in %s", dbtest.Name(engine), count, time.Since(start).Round(time.Second))
			if engine == db.SQLite {
				d.Write.ExecContext(ctx, "ANALYZE")
			} else {
				d.Write.ExecContext(ctx, "ANALYZE conversations")
			}

			e := &slaclock.Engine{Store: s, Broker: realtime.NewHub(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			// Catch up on anything that crossed while seeding, then measure.
			if _, err := e.Tick(ctx, 500); err != nil {
				b.Fatal(err)
			}
			measureFrom := time.Now()
			cpu0 := cpuTime()
			const window = 60 * time.Second
			runCtx, cancel := context.WithTimeout(ctx, window)
			b.ResetTimer()
			e.Run(runCtx, time.Second)
			cancel()
			b.StopTimer()
			wall := time.Since(measureFrom)
			cpu := cpuTime() - cpu0

			rows, err := d.Read.QueryContext(ctx, d.Dialect.Rebind(`SELECT fired_at - crossed_at FROM sla_firings WHERE fired_at >= ?`), measureFrom.UnixMilli())
			if err != nil {
				b.Fatal(err)
			}
			var lates []time.Duration
			for rows.Next() {
				var ms int64
				rows.Scan(&ms)
				lates = append(lates, time.Duration(ms)*time.Millisecond)
			}
			rows.Close()
			if len(lates) == 0 {
				b.Fatal("no threshold fired in the window")
			}
			p := summarise(lates)
			b.ReportMetric(float64(len(lates))/wall.Seconds(), "fired/s")
			b.ReportMetric(ms(p.p99), "late-p99-ms")
			b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cpu-s/s")
			b.Logf("%s: %d open clocks; %d thresholds fired in %s; lateness %s; scheduler CPU %.3f s per second",
				dbtest.Name(engine), count, len(lates), wall.Round(time.Second), p, cpu.Seconds()/wall.Seconds())
		})
	}
}

// seedClocks bulk-loads count open X conversations, one customer message
// each, created so that their 1 h warnings fall uniformly over the next
// hour, with the SLA columns the engine would have written.
func seedClocks(b *testing.B, d *db.DB, workspaceID, channelID string, count int) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	now := time.Now().UnixMilli()
	const hour = int64(time.Hour / time.Millisecond)
	type row struct {
		cust, ident, conv, msg string
		created                int64
	}
	for done := 0; done < count; {
		tx, err := d.Write.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for range 20 {
			if done >= count {
				break
			}
			rows := make([]row, min(seedBatch, count-done))
			for i := range rows {
				// warn = created + 1 h lands 10 s to 1 h from now.
				created := now - hour + 10_000 + rng.Int64N(hour-10_000)
				rows[i] = row{cust: store.NewID(), ident: store.NewID(), conv: store.NewID(), msg: store.NewID(), created: created}
			}
			n := len(rows)
			insertRows(b, tx, d, "INSERT INTO customers (id, workspace_id, name, created_at) VALUES ", 4, n, func(i int) []any {
				return []any{rows[i].cust, workspaceID, fmt.Sprint("Customer ", done+i), rows[i].created}
			})
			insertRows(b, tx, d, "INSERT INTO identities (id, workspace_id, customer_id, network, external_id, handle, name, created_at) VALUES ", 8, n, func(i int) []any {
				r := rows[i]
				return []any{r.ident, workspaceID, r.cust, "x", fmt.Sprint("sla-author-", done+i), "", "", r.created}
			})
			insertRows(b, tx, d, "INSERT INTO conversations (id, workspace_id, channel_id, customer_id, identity_id, thread_id, public, status, preview, created_at, last_message_at, first_response_warn_at, first_response_due_at, sla_next_check_at) VALUES ",
				14, n, func(i int) []any {
					r := rows[i]
					return []any{r.conv, workspaceID, channelID, r.cust, r.ident, fmt.Sprint("sla-thread-", done+i), true, "new", "help",
						r.created, r.created, r.created + hour, r.created + 2*hour, r.created + hour}
				})
			insertRows(b, tx, d, "INSERT INTO messages (id, workspace_id, conversation_id, channel_id, direction, external_id, text, public, created_at) VALUES ", 9, n, func(i int) []any {
				r := rows[i]
				return []any{r.msg, workspaceID, r.conv, channelID, "in", fmt.Sprint("sla-msg-", done+i), "help", true, r.created}
			})
			done += n
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime is the CPU (user + system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
