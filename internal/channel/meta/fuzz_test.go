package meta_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/meta"
)

// seedFixtures adds every documented example, and each of its stored
// single-event payloads, to a fuzz corpus.
func seedFixtures(f *testing.F, wh channel.Webhook, typ string) {
	files, _ := filepath.Glob("testdata/webhooks/*.json")
	for _, file := range files {
		body, _ := readFixture(f, file)
		f.Add(body)
		raws, _ := wh.Split(fixtureChannel(typ), body)
		for _, r := range raws {
			f.Add(r.Payload)
		}
	}
	f.Add([]byte(`{"object":"page","entry":[{"id":"` + fixturePage + `","time":"x","changes":[{"field":"feed","value":null}]}]}`))
	f.Add([]byte(`{"object":"instagram","entry":[{"id":1,"messaging":[{"sender":{"id":2},"message":{"mid":"m","text":"\xff"}}]}]}`))
	f.Add([]byte(`{"object":"page","entry":[{"id":"` + fixturePage + `","messaging":[{"sender":{},"message":{}}]}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"object":"page","entry":[{"id":"` + fixturePage + `","time":1e400}]}`))
}

// fuzzWebhook checks Split and NormalizeEvent of one connector on arbitrary
// bodies: no panic; every raw event has a key and a payload; events Split
// accepted (other than kept-invalid ones) normalise, and new messages carry
// what the pipeline needs.
func fuzzWebhook(f *testing.F, conn channel.Connector) {
	wh := conn.(channel.Webhook)
	typ := conn.Type()
	seedFixtures(f, wh, typ)
	f.Fuzz(func(t *testing.T, body []byte) {
		raws, err := wh.Split(fixtureChannel(typ), body)
		if err != nil {
			if raws != nil {
				t.Fatalf("events and an error: %+v %v", raws, err)
			}
			return
		}
		keys := map[string]bool{}
		for _, r := range raws {
			if r.ExternalID == "" || len(r.Payload) == 0 {
				t.Fatalf("empty raw event %+v", r)
			}
			if keys[r.ExternalID] {
				t.Fatalf("duplicate key %q", r.ExternalID)
			}
			keys[r.ExternalID] = true
			ev, err := wh.NormalizeEvent(r.Payload)
			if strings.HasPrefix(r.ExternalID, "invalid:") {
				if err == nil {
					t.Fatalf("kept-invalid event normalised: %+v", ev)
				}
				continue
			}
			if err != nil {
				t.Fatalf("split accepted %s but normalize failed: %v", r.Payload, err)
			}
			switch ev.Kind {
			case channel.KindMessage:
				if ev.ExternalID == "" || ev.ThreadID == "" || ev.Author.ID == "" || ev.Text == "" || ev.CreatedAt.IsZero() {
					t.Fatalf("incomplete message %+v from %s", ev, r.Payload)
				}
				if ev.ExternalID != r.ExternalID {
					t.Fatalf("message id %q differs from its key %q", ev.ExternalID, r.ExternalID)
				}
			case channel.KindEdit, channel.KindDelete:
				if ev.TargetExternalID == "" {
					t.Fatalf("edit without target %+v", ev)
				}
			default:
				t.Fatalf("unknown kind %q", ev.Kind)
			}
			if _, err := conn.Normalize(r.Payload); (err == nil) != (ev.Kind == channel.KindMessage) {
				t.Fatalf("Normalize disagrees with NormalizeEvent on %s: %v", r.Payload, err)
			}
		}
	})
}

func FuzzFacebookWebhook(f *testing.F)  { fuzzWebhook(f, meta.NewFacebook(nil)) }
func FuzzMessengerWebhook(f *testing.F) { fuzzWebhook(f, meta.NewMessenger(nil)) }
func FuzzInstagramWebhook(f *testing.F) { fuzzWebhook(f, meta.NewInstagram(nil)) }

// FuzzNormalizeEvent feeds arbitrary stored payloads straight to
// NormalizeEvent of every connector: no panic, and an accepted message is
// complete.
func FuzzNormalizeEvent(f *testing.F) {
	conns := meta.Connectors(nil)
	for _, c := range conns {
		seedFixtures(f, c.(channel.Webhook), c.Type())
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		for _, c := range conns {
			ev, err := c.(channel.Webhook).NormalizeEvent(payload)
			if err == nil && ev.Kind == channel.KindMessage && (ev.ExternalID == "" || ev.ThreadID == "" || ev.Author.ID == "") {
				t.Fatalf("%s accepted an incomplete message %+v", c.Type(), ev)
			}
		}
	})
}

// FuzzVerifySignature: only the exact signature of the body verifies.
func FuzzVerifySignature(f *testing.F) {
	f.Add([]byte(`{"object":"page"}`), "sha256=00")
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		good := meta.Sign(fixtureApp, body)
		h := strings.TrimSpace(header)
		want := strings.HasPrefix(h, "sha256=") && strings.EqualFold(h[len("sha256="):], good[len("sha256="):])
		if meta.VerifySignature(fixtureApp, body, header) != want {
			t.Fatalf("header %q for body %q", header, body)
		}
	})
}
