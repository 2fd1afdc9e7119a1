package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/store"
)

const (
	inboxConversations = 100_000
	inboxRequests      = 200
	inboxWarmup        = 20
	seedBatch          = 500 // rows per INSERT statement
)

// inboxMix is a status mix of the seeded conversations, in percent.
type inboxMix struct {
	name                            string
	newPct, ackPct, waitPct, resPct int
}

// A young workspace (half its conversations open) and a mature one, where
// almost everything is resolved and the open ones are scattered through
// the history; the latter makes the open inbox skip many rows.
var inboxMixes = []inboxMix{
	{name: "open50", newPct: 25, ackPct: 15, waitPct: 10, resPct: 50},
	{name: "open5", newPct: 3, ackPct: 1, waitPct: 1, resPct: 95},
}

func (m inboxMix) pick(rng *rand.Rand) string {
	switch w := rng.IntN(m.newPct + m.ackPct + m.waitPct + m.resPct); {
	case w < m.newPct:
		return "new"
	case w < m.newPct+m.ackPct:
		return "acknowledged"
	case w < m.newPct+m.ackPct+m.waitPct:
		return "waiting"
	}
	return "resolved"
}

// BenchmarkOpenInbox measures GET /api/v1/conversations?status=open (the
// first page, 50 rows) over 100,000 conversations, each with one inbound
// message, from 100,000 customers, with activity spread over 90 days, for
// each status mix. "fresh" runs right after the bulk load; "analyzed" after
// ANALYZE, which gives the planner statistics (PostgreSQL's autovacuum does
// that on its own soon after a bulk load; SQLite never does unless told).
func BenchmarkOpenInbox(b *testing.B) {
	for _, engine := range dbtest.Engines {
		for _, mix := range inboxMixes {
			b.Run(string(engine)+"/"+mix.name, func(b *testing.B) {
				n := apptest.Start(b, engine)
				ch := createChannel(b, n)
				start := time.Now()
				open := seedConversations(b, n.App.DB, n.Admin.WorkspaceID, ch.ID, inboxConversations, mix)
				seeded := fmt.Sprintf("%d conversations, %d open, seeded in %s", inboxConversations, open, time.Since(start).Round(time.Millisecond))
				hc := newClient()
				get := func(b *testing.B) time.Duration {
					req, _ := http.NewRequest("GET", n.URL+"/api/v1/conversations?status=open", nil)
					req.Header.Set("Authorization", "Bearer "+n.Token)
					t0 := time.Now()
					res, err := hc.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					body, err := io.ReadAll(res.Body)
					res.Body.Close()
					d := time.Since(t0)
					if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"next_cursor":"`) {
						b.Fatalf("open inbox: %d %v %.200s", res.StatusCode, err, body)
					}
					return d
				}
				measure := func(b *testing.B, label string) {
					var p percentiles
					for b.Loop() {
						for range inboxWarmup {
							get(b)
						}
						lat := make([]time.Duration, inboxRequests)
						for i := range lat {
							lat[i] = get(b)
						}
						p = summarise(lat)
					}
					b.ReportMetric(ms(p.p50), "ms-p50")
					b.ReportMetric(ms(p.p95), "ms-p95")
					b.ReportMetric(ms(p.p99), "ms-p99")
					b.Logf("%s %s %s (%s): GET /api/v1/conversations?status=open, first page of 50: %s",
						dbtest.Name(engine), mix.name, label, seeded, p)
				}
				b.Run("fresh", func(b *testing.B) { measure(b, "fresh") })
				if _, err := n.App.DB.Write.ExecContext(context.Background(), "ANALYZE"); err != nil {
					b.Fatalf("analyze: %v", err)
				}
				b.Run("analyzed", func(b *testing.B) { measure(b, "after ANALYZE") })
			})
		}
	}
}

// seedConversations bulk-loads count conversations, each with its own
// customer, identity and one inbound message, with multi-row INSERTs in
// large transactions. It returns how many are open (not resolved).
func seedConversations(b *testing.B, d *db.DB, workspaceID, channelID string, count int, mix inboxMix) int {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UnixMilli()
	const day = int64(24 * time.Hour / time.Millisecond)
	open := 0
	type row struct {
		cust, ident, conv, msg, status string
		created, last                  int64
	}
	for done := 0; done < count; {
		tx, err := d.Write.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for range 20 { // statements per transaction
			if done >= count {
				break
			}
			rows := make([]row, min(seedBatch, count-done))
			for i := range rows {
				last := now - rng.Int64N(90*day)
				status := mix.pick(rng)
				if status != "resolved" {
					open++
				}
				rows[i] = row{cust: store.NewID(), ident: store.NewID(), conv: store.NewID(), msg: store.NewID(), status: status,
					created: last - rng.Int64N(day), last: last}
			}
			insert := func(head string, cols int, args func(r row, k int) []any) {
				insertRows(b, tx, d, head, cols, len(rows), func(i int) []any { return args(rows[i], done+i) })
			}
			insert("INSERT INTO customers (id, workspace_id, name, created_at) VALUES ", 4, func(r row, k int) []any {
				return []any{r.cust, workspaceID, fmt.Sprintf("Customer %d", k), r.created}
			})
			insert("INSERT INTO identities (id, workspace_id, customer_id, network, external_id, handle, name, created_at) VALUES ", 8,
				func(r row, k int) []any {
					return []any{r.ident, workspaceID, r.cust, "api", fmt.Sprintf("seed-author-%d", k), fmt.Sprintf("@seed%d", k), fmt.Sprintf("Customer %d", k), r.created}
				})
			insert("INSERT INTO conversations (id, workspace_id, channel_id, customer_id, identity_id, thread_id, public, status, priority, preview, created_at, last_message_at) VALUES ",
				12, func(r row, k int) []any {
					return []any{r.conv, workspaceID, channelID, r.cust, r.ident, fmt.Sprintf("seed-thread-%d", k), true, r.status, k % 3,
						"Where is my order? It was due last week.", r.created, r.last}
				})
			insert("INSERT INTO messages (id, workspace_id, conversation_id, channel_id, direction, external_id, text, public, created_at) VALUES ", 9,
				func(r row, k int) []any {
					return []any{r.msg, workspaceID, r.conv, channelID, "in", fmt.Sprintf("seed-msg-%d", k), "Where is my order? It was due last week.", true, r.last}
				})
			done += len(rows)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	return open
}

// insertRows runs one multi-row INSERT of n rows of cols columns.
func insertRows(b *testing.B, tx *sql.Tx, d *db.DB, head string, cols, n int, args func(i int) []any) {
	b.Helper()
	var q strings.Builder
	q.WriteString(head)
	all := make([]any, 0, n*cols)
	ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(ph)
		all = append(all, args(i)...)
	}
	if _, err := tx.ExecContext(context.Background(), d.Dialect.Rebind(q.String()), all...); err != nil {
		tx.Rollback()
		b.Fatalf("seed: %v", err)
	}
}
