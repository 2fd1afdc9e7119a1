package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// clients is the number of concurrent posting clients.
const clients = 8

// channel is an API channel of the node under test.
type channel struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

// newClient returns an HTTP client that keeps a connection per poster.
func newClient() *http.Client {
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}}
}

// createChannel makes an API channel through the API.
func createChannel(b *testing.B, n *apptest.Node) channel {
	b.Helper()
	body, _ := json.Marshal(map[string]string{"type": "api", "name": "bench", "callback_url": "http://127.0.0.1:9/unused"})
	req, _ := http.NewRequest("POST", n.URL+"/api/v1/channels", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+n.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var ch channel
	if res.StatusCode != http.StatusCreated {
		msg, _ := io.ReadAll(res.Body)
		b.Fatalf("create channel: %d %s", res.StatusCode, msg)
	}
	if err := json.NewDecoder(res.Body).Decode(&ch); err != nil {
		b.Fatal(err)
	}
	return ch
}

// inbound is the API channel's inbound JSON.
type inbound struct {
	ExternalID string `json:"external_id"`
	ThreadID   string `json:"thread_id"`
	Author     struct {
		ID     string `json:"id"`
		Handle string `json:"handle"`
		Name   string `json:"name"`
	} `json:"author"`
	Text   string `json:"text"`
	Public bool   `json:"public"`
}

func message(externalID, thread string) inbound {
	m := inbound{ExternalID: externalID, ThreadID: thread, Public: true,
		Text: "Hi, my order still hasn't arrived and the tracking page says nothing. Can you help? " + externalID}
	m.Author.ID, m.Author.Handle, m.Author.Name = "author-"+thread, "@"+thread, "Customer "+thread
	return m
}

// post signs and sends one inbound message and checks for 202.
func post(hc *http.Client, base string, ch channel, m inbound) error {
	body, _ := json.Marshal(m)
	req, err := http.NewRequest("POST", base+"/api/v1/channels/"+ch.ID+"/inbound", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(apichannel.SignatureHeader, apichannel.Sign(ch.Secret, body))
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		return fmt.Errorf("inbound %s: status %d", m.ExternalID, res.StatusCode)
	}
	return nil
}

// postAll sends msgs from `clients` goroutines and returns the first error.
func postAll(hc *http.Client, base string, ch channel, msgs []inbound) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	next := make(chan inbound)
	for range clients {
		wg.Go(func() {
			for m := range next {
				if err := post(hc, base, ch, m); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, m := range msgs {
		next <- m
	}
	close(next)
	wg.Wait()
	return first
}

// waitFor polls cond every `every` until it holds or the deadline passes.
func waitFor(b *testing.B, within, every time.Duration, what string, cond func() (bool, error)) {
	b.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, err := cond()
		if err != nil {
			b.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(every)
	}
}

// percentiles summarises latencies.
type percentiles struct {
	n                       int
	p50, p95, p99, max, avg time.Duration
}

func summarise(ds []time.Duration) percentiles {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return percentiles{n: len(s), p50: at(0.50), p95: at(0.95), p99: at(0.99), max: s[len(s)-1], avg: sum / time.Duration(len(s))}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func (p percentiles) String() string {
	return fmt.Sprintf("n=%d p50=%.2fms p95=%.2fms p99=%.2fms max=%.2fms avg=%.2fms", p.n, ms(p.p50), ms(p.p95), ms(p.p99), ms(p.max), ms(p.avg))
}
