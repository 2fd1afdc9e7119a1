package metatest

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// pendingEvent is one queued webhook event: a change or a messaging item of
// one entry.
type pendingEvent struct {
	seq       int64
	object    string // "page" or "instagram"
	entryID   string
	time      int64 // entry time: seconds for changes, milliseconds for messaging
	change    map[string]any
	messaging map[string]any
}

func (s *Server) queueFeed(value map[string]any) {
	s.enqueue(pendingEvent{object: "page", entryID: s.PageID, time: s.now().Unix(),
		change: map[string]any{"field": "feed", "value": value}})
}

func (s *Server) queueIGChange(field string, value map[string]any) {
	s.enqueue(pendingEvent{object: "instagram", entryID: s.IGUserID, time: s.now().Unix(),
		change: map[string]any{"field": field, "value": value}})
}

func (s *Server) queueMessaging(object, account string, item map[string]any) {
	s.enqueue(pendingEvent{object: object, entryID: account, time: s.now().UnixMilli(), messaging: item})
}

func (s *Server) enqueue(ev pendingEvent) {
	s.seq++
	ev.seq = s.seq
	s.pending = append(s.pending, ev)
}

// Sign returns the X-Hub-Signature-256 value of body.
func Sign(appSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// bodies groups the pending events into one delivery per object, each event
// in its own entry (Meta batches entries; one entry per event is one of the
// shapes it sends).
func (s *Server) bodies() ([]Delivery, [][]int64) {
	var out []Delivery
	var idx [][]int64
	for _, object := range []string{"page", "instagram"} {
		var entries []map[string]any
		var which []int64
		for _, ev := range s.pending {
			if ev.object != object {
				continue
			}
			e := map[string]any{"id": ev.entryID, "time": ev.time}
			if ev.change != nil {
				e["changes"] = []any{ev.change}
			} else {
				e["messaging"] = []any{ev.messaging}
			}
			entries = append(entries, e)
			which = append(which, ev.seq)
		}
		if len(entries) == 0 {
			continue
		}
		b, _ := json.Marshal(map[string]any{"object": object, "entry": entries})
		out = append(out, Delivery{Object: object, Body: b})
		idx = append(idx, which)
	}
	return out, idx
}

// Pending counts the queued webhook events.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// Drain returns the queued events as delivery bodies and forgets them (for
// tests that call a connector's Split directly).
func (s *Server) Drain() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, _ := s.bodies()
	s.pending = nil
	return out
}

// DeliverWebhook POSTs the queued events to url, signed with appSecret, one
// delivery per object. Events of an accepted (2xx) delivery are forgotten;
// the others stay queued, as Meta retries them. It returns the last status.
func (s *Server) DeliverWebhook(url, appSecret string) (int, error) {
	return s.deliver(url, func(b []byte) string { return Sign(appSecret, b) }, true)
}

// DeliverWebhookWrongSignature POSTs the queued events signed with another
// secret; they stay queued.
func (s *Server) DeliverWebhookWrongSignature(url string) (int, error) {
	return s.deliver(url, func(b []byte) string { return Sign("not-the-app-secret", b) }, false)
}

// DeliverWebhookUnsigned POSTs the queued events without a signature; they
// stay queued.
func (s *Server) DeliverWebhookUnsigned(url string) (int, error) {
	return s.deliver(url, func([]byte) string { return "" }, false)
}

func (s *Server) deliver(target string, sign func([]byte) string, forget bool) (int, error) {
	s.mu.Lock()
	ds, idx := s.bodies()
	s.mu.Unlock()
	if len(ds) == 0 {
		return 0, nil
	}
	status := 0
	done := map[int64]bool{}
	var firstErr error
	for i, d := range ds {
		req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(d.Body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "facebookexternalua")
		if sig := sign(d.Body); sig != "" {
			req.Header.Set("X-Hub-Signature-256", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
		if resp.StatusCode/100 == 2 && forget {
			for _, j := range idx[i] {
				done[j] = true
			}
		} else if resp.StatusCode/100 != 2 && firstErr == nil {
			firstErr = fmt.Errorf("metatest: webhook %s answered %d", target, resp.StatusCode)
		}
	}
	if len(done) > 0 {
		s.mu.Lock()
		// Only the delivered events are forgotten; events queued meanwhile
		// (echoes of Heed's replies) stay.
		kept := s.pending[:0:0]
		for _, ev := range s.pending {
			if !done[ev.seq] {
				kept = append(kept, ev)
			}
		}
		s.pending = kept
		s.mu.Unlock()
	}
	return status, firstErr
}

// Subscribe performs Meta's verification request against a callback URL
// (GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…) and checks
// that the challenge is echoed.
func (s *Server) Subscribe(callback, verifyToken string) error {
	var b [8]byte
	rand.Read(b[:])
	challenge := fmt.Sprint(time.Now().UnixNano()%1e9) + hex.EncodeToString(b[:2])
	q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {verifyToken}, "hub.challenge": {challenge}}
	sep := "?"
	if bytes.ContainsRune([]byte(callback), '?') {
		sep = "&"
	}
	resp, err := http.Get(callback + sep + q.Encode())
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK || string(body) != challenge {
		return fmt.Errorf("metatest: verification of %s failed: %d %q", callback, resp.StatusCode, body)
	}
	return nil
}
