package x_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/x"
)

func addFixtureSeeds(f *testing.F) {
	for _, name := range []string{"aaa_mention.json", "aaa_thread.json", "aaa_direct_message.json", "aaa_tweet_delete.json", "aaa_favorite.json", "v2_mentions_page.json"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"for_user_id":"2244994945","tweet_create_events":[{"id_str":"1","user":{"id_str":"2"},"in_reply_to_status_id_str":"0"}]}`))
	f.Add([]byte(`{"direct_message_events":[{"type":"message_create","id":1e99,"message_create":{"sender_id":"-1"}}]}`))
	f.Add([]byte(`{"data":{"id":"5","author_id":"7","text":"&amp;&lt;"},"includes":{"users":[{"id":"7","public_metrics":null}]}}`))
	f.Add([]byte(`{"favorite_events":[{"id":"x","favorited_status":{"id_str":"9","user":{"id":"3"}}}]}`))
}

// checkEvent asserts what any accepted event must hold.
func checkEvent(t *testing.T, ev channel.Event, payload []byte) {
	t.Helper()
	switch ev.Kind {
	case channel.KindMessage:
		if ev.ExternalID == "" || ev.ThreadID == "" || ev.Author.ID == "" || strings.TrimSpace(ev.Text) == "" {
			t.Fatalf("accepted an incomplete message %+v from %q", ev, payload)
		}
		if !ev.Public && !strings.HasPrefix(ev.ThreadID, "dm:") {
			t.Fatalf("private message outside a dm: thread: %+v", ev)
		}
	case channel.KindDelete, channel.KindEngagement:
		if ev.TargetExternalID == "" {
			t.Fatalf("%s without a target from %q", ev.Kind, payload)
		}
	default:
		t.Fatalf("unknown kind %q", ev.Kind)
	}
}

// FuzzSplit: Split never panics, and whatever it keeps normalises to a
// valid event with a non-empty, unique key.
func FuzzSplit(f *testing.F) {
	addFixtureSeeds(f)
	c := x.New(x.Options{})
	ch := docChannel() // no access token: no lookups leave the process
	f.Fuzz(func(t *testing.T, body []byte) {
		raws, err := c.Split(ch, body)
		if err != nil {
			var fe *channel.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Split error %v is not a FieldError", err)
			}
			return
		}
		for _, r := range raws {
			if r.ExternalID == "" || len(r.ExternalID) > 256 {
				t.Fatalf("bad key %q", r.ExternalID)
			}
			ev, err := c.NormalizeEvent(r.Payload)
			if err != nil {
				t.Fatalf("Split kept %s that NormalizeEvent refuses: %v\n%s", r.ExternalID, err, r.Payload)
			}
			checkEvent(t, ev, r.Payload)
			if ev.Kind == channel.KindMessage && ev.Author.ID == "2244994945" {
				t.Fatalf("kept the brand's own message %+v", ev)
			}
		}
	})
}

// FuzzNormalizeEvent: never panics; accepted events are complete.
func FuzzNormalizeEvent(f *testing.F) {
	addFixtureSeeds(f)
	c := x.New(x.Options{})
	f.Fuzz(func(t *testing.T, payload []byte) {
		ev, err := c.NormalizeEvent(payload)
		if err != nil {
			var fe *channel.FieldError
			if !errors.As(err, &fe) && !errors.Is(err, x.ErrOwnEvent) {
				t.Fatalf("error %v is neither a FieldError nor ErrOwnEvent", err)
			}
			return
		}
		checkEvent(t, ev, payload)
		if _, err := json.Marshal(ev); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzVerify: a header is accepted only if it carries the body's HMAC;
// the signature the emulator would send is always accepted.
func FuzzVerify(f *testing.F) {
	body := fixture(f, "aaa_mention.json")
	f.Add("sha256="+"x", body)
	f.Add(x.Sign("doc-secret", body), body)
	f.Add("sha256=", []byte{})
	f.Add("sha256=====", []byte("a"))
	f.Add(" sha256=AAAA\n", []byte("a"))
	c := x.New(x.Options{})
	ch := docChannel()
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/hooks/ch", bytes.NewReader(body))
		r.Header[http.CanonicalHeaderKey(x.SignatureHeader)] = []string{header}
		err := c.Verify(ch, r, body)
		want, _ := x.ParseSignature(x.Sign("doc-secret", body))
		got, ok := x.ParseSignature(header)
		if err == nil && (!ok || !bytes.Equal(got, want)) {
			t.Fatalf("accepted header %q", header)
		}
		if err != nil && !errors.Is(err, channel.ErrBadSignature) {
			t.Fatalf("error %v", err)
		}
		good := httptest.NewRequest(http.MethodPost, "/hooks/ch", bytes.NewReader(body))
		good.Header.Set(x.SignatureHeader, x.Sign("doc-secret", body))
		if err := c.Verify(ch, good, body); err != nil {
			t.Fatalf("rejected a good signature: %v", err)
		}
	})
}
