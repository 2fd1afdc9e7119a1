package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/secret"
)

const (
	sseSamples    = 300                   // probes per sub-benchmark
	sseSpacing    = 20 * time.Millisecond // at most one probe per spacing
	sseBackground = 200                   // messages per second of background load in the "loaded" case
)

// arrival is one live event as the agent received it.
type arrival struct {
	at             time.Time
	conversationID string
}

// subscribe connects an agent to the workspace's live events: over HTTP SSE
// at GET /events with a browser session when the web UI serves it, else (the
// UI not built yet) straight to the node's hub, which it says.
func subscribe(b *testing.B, n *apptest.Node) (<-chan arrival, string) {
	b.Helper()
	out := make(chan arrival, 4096)
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)

	token := secret.RandomToken(32)
	now := time.Now()
	err := n.App.Store.CreateSession(ctx, model.Session{TokenHash: secret.Hash(token), AgentID: n.Admin.ID, CSRFToken: secret.RandomToken(24),
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", n.URL+"/events", nil)
	req.AddCookie(&http.Cookie{Name: "heed_session", Value: token})
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err == nil && res.StatusCode == http.StatusOK && strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		go func() {
			defer res.Body.Close()
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				data, ok := strings.CutPrefix(sc.Text(), "data: ")
				if !ok {
					continue
				}
				at := time.Now()
				var e realtime.Event
				if json.Unmarshal([]byte(data), &e) == nil && e.Type == "conversation" {
					select {
					case out <- arrival{at: at, conversationID: e.ConversationID}:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
		return out, "HTTP SSE GET /events (session cookie)"
	}
	if err == nil {
		res.Body.Close()
		b.Logf("GET /events answered %d %q: measuring at the in-process hub instead", res.StatusCode, res.Header.Get("Content-Type"))
	} else {
		b.Logf("GET /events: %v: measuring at the in-process hub instead", err)
	}
	events, stop := n.App.Hub.Subscribe(realtime.WorkspaceTopic(n.Admin.WorkspaceID))
	b.Cleanup(stop)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-events:
				if e.Type == "conversation" {
					select {
					case out <- arrival{at: time.Now(), conversationID: e.ConversationID}:
					case <-ctx.Done():
						return
					}
				}
			}
		}
	}()
	return out, "in-process hub subscription (no /events yet)"
}

// BenchmarkInboundToSSE measures the latency from an inbound POST (its
// start) to the "conversation changed" event reaching a connected agent:
// stored, acknowledged, claimed by the processor, threaded, committed,
// published, written to the SSE stream and read by the client. A probe goes
// out every 20 ms (or when the previous one arrived, if later): "idle" on a
// quiet node, "loaded" while other customers write at a steady rate.
func BenchmarkInboundToSSE(b *testing.B) {
	for _, engine := range dbtest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			n := apptest.Start(b, engine)
			ch := createChannel(b, n)
			events, how := subscribe(b, n)
			hc := newClient()

			// A probe conversation, whose id tells its events from others.
			if err := post(hc, n.URL, ch, message("probe-start", "probe")); err != nil {
				b.Fatal(err)
			}
			var probeConv string
			select {
			case a := <-events:
				probeConv = a.conversationID
			case <-time.After(30 * time.Second):
				b.Fatal("no live event for the first probe")
			}

			seq := 0
			measure := func(b *testing.B) percentiles {
				var lat []time.Duration
				pace := time.NewTicker(sseSpacing)
				defer pace.Stop()
				for range sseSamples {
					<-pace.C
					seq++
				drain:
					for {
						select {
						case <-events:
						default:
							break drain
						}
					}
					start := time.Now()
					if err := post(hc, n.URL, ch, message(fmt.Sprintf("probe-%06d", seq), "probe")); err != nil {
						b.Fatal(err)
					}
					timeout := time.After(30 * time.Second)
				wait:
					for {
						select {
						case a := <-events:
							if a.conversationID == probeConv {
								lat = append(lat, a.at.Sub(start))
								break wait
							}
						case <-timeout:
							b.Fatalf("no live event for probe %d within 30s", seq)
						}
					}
				}
				return summarise(lat)
			}
			report := func(b *testing.B, label string, p percentiles) {
				b.ReportMetric(ms(p.p50), "ms-p50")
				b.ReportMetric(ms(p.p99), "ms-p99")
				b.Logf("%s %s via %s: %s", dbtest.Name(engine), label, how, p)
			}

			b.Run("idle", func(b *testing.B) {
				var p percentiles
				for b.Loop() {
					p = measure(b)
				}
				report(b, "idle", p)
			})
			b.Run(fmt.Sprintf("loaded-%dps", sseBackground), func(b *testing.B) {
				ctx, cancel := context.WithCancel(context.Background())
				var wg sync.WaitGroup
				var sent, failed atomic.Int64
				wg.Go(func() {
					tick := time.NewTicker(time.Second / sseBackground)
					defer tick.Stop()
					bg := newClient()
					for i := 0; ; i++ {
						select {
						case <-ctx.Done():
							return
						case <-tick.C:
						}
						wg.Go(func() {
							if post(bg, n.URL, ch, message(fmt.Sprintf("bg-%07d", i), fmt.Sprintf("bg-%03d", i%300))) != nil {
								failed.Add(1)
							}
							sent.Add(1)
						})
					}
				})
				started := time.Now()
				var p percentiles
				for b.Loop() {
					p = measure(b)
				}
				rate := float64(sent.Load()) / time.Since(started).Seconds()
				cancel()
				wg.Wait()
				if failed.Load() > 0 {
					b.Fatalf("%d background posts failed", failed.Load())
				}
				report(b, fmt.Sprintf("under %.0f msgs/s background", rate), p)
			})
		})
	}
}
