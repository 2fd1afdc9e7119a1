package x_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/x"
	"github.com/heed-dev/heed/internal/channel/x/xtest"
	"github.com/heed-dev/heed/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// fixture reads testdata/name, dropping the leading "//" comment lines that
// cite the documentation the fixture follows.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return stripComments(b)
}

// rawFixture reads testdata/name as it is, comments included.
func rawFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func stripComments(b []byte) []byte {
	var out [][]byte
	for _, line := range bytes.Split(b, []byte("\n")) {
		if len(out) == 0 && bytes.HasPrefix(bytes.TrimSpace(line), []byte("//")) {
			continue
		}
		out = append(out, line)
	}
	return bytes.Join(out, []byte("\n"))
}

// golden compares got (JSON-encoded) with testdata/name, or rewrites it with
// -update; the file's comment header is kept.
func golden(t *testing.T, name, header string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name)
	if *update {
		var h strings.Builder
		for _, l := range strings.Split(strings.TrimSpace(header), "\n") {
			h.WriteString("// " + l + "\n")
		}
		if err := os.WriteFile(path, append([]byte(h.String()), append(b, '\n')...), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(bytes.TrimSpace(stripComments(want)), bytes.TrimSpace(b)) {
		t.Errorf("%s differs (run go test -update after checking):\n got: %s\nwant: %s", name, b, bytes.TrimSpace(stripComments(want)))
	}
}

// docChannel is a channel of the documentation's subscribed account
// @TwitterDev (2244994945), with no API access (Split then does no lookup).
func docChannel() model.Channel {
	return model.Channel{ID: "ch-doc", Type: x.Type, Credentials: map[string]string{
		x.CredConsumerSecret: "doc-secret", x.CredUserID: "2244994945", x.CredHandle: "TwitterDev"}}
}

// keyedEvent is a stored raw event and what it normalises to.
type keyedEvent struct {
	Key   string        `json:"key"`
	Event channel.Event `json:"event"`
	Error string        `json:"error,omitempty"`
}

func normalizeAll(t *testing.T, c *x.Connector, raws []channel.RawEvent) []keyedEvent {
	t.Helper()
	out := []keyedEvent{}
	for _, r := range raws {
		ev, err := c.NormalizeEvent(r.Payload)
		k := keyedEvent{Key: r.ExternalID, Event: ev}
		if err != nil {
			k.Error = err.Error()
		}
		out = append(out, k)
	}
	return out
}

// hooks stands in for Heed's generic webhook endpoint /hooks/{channel_id}
// as the connector relies on it: GET answers Handshake; POST reads the body,
// runs Verify (401 on failure), Split (400 on error), stores each raw event
// once per key (idempotency), and answers 200.
type hooks struct {
	t    *testing.T
	c    *x.Connector
	ch   model.Channel
	srv  *httptest.Server
	mu   sync.Mutex
	keys []string
	raw  map[string][]byte
}

func newHooks(t *testing.T, c *x.Connector, ch model.Channel) *hooks {
	h := &hooks{t: t, c: c, ch: ch, raw: map[string][]byte{}}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hooks) URL() string { return h.srv.URL + "/hooks/" + h.ch.ID }

func (h *hooks) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		status, ctype, body := h.c.Handshake(h.ch, r)
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if err := h.c.Verify(h.ch, r, body); err != nil {
		if !errors.Is(err, channel.ErrBadSignature) {
			h.t.Errorf("Verify error %v does not wrap ErrBadSignature", err)
		}
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	events, err := h.c.Split(h.ch, body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range events {
		if _, dup := h.raw[e.ExternalID]; !dup {
			h.keys = append(h.keys, e.ExternalID)
			h.raw[e.ExternalID] = e.Payload
		}
	}
}

// events normalises what the endpoint stored, in arrival order.
func (h *hooks) events() []keyedEvent {
	h.mu.Lock()
	defer h.mu.Unlock()
	var raws []channel.RawEvent
	for _, k := range h.keys {
		raws = append(raws, channel.RawEvent{ExternalID: k, Payload: h.raw[k]})
	}
	return normalizeAll(h.t, h.c, raws)
}

// emulated returns an emulator, the connector and the emulator's channel.
func emulated(t *testing.T) (*xtest.Server, *x.Connector, model.Channel) {
	t.Helper()
	s := xtest.New()
	t.Cleanup(s.Close)
	return s, x.New(x.Options{}), s.Channel()
}

var (
	ana   = xtest.User{ID: "1900000000000000001", Username: "anasouza", Name: "Ana Souza", Followers: 1520}
	bruno = xtest.User{ID: "1900000000000000002", Username: "bruno", Name: "Bruno Lima", Followers: 250000, Verified: true}
)

// classOf names how the outbox treats an error.
func classOf(err error) string {
	switch {
	case err == nil:
		return "ok"
	case func() bool { _, ok := channel.IsRateLimited(err); return ok }():
		return "rate_limited"
	case errors.Is(err, channel.ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, channel.ErrPermanent):
		return "permanent"
	default:
		return "retry"
	}
}

// fixedClock is a settable clock.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fixedClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
