package apichannel

import (
	"errors"
	"testing"

	"github.com/heed-dev/heed/internal/channel"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name, body, field string
	}{
		{"ok", `{"external_id":"m-1","thread_id":"t-1","author":{"id":"u-1","handle":"@ana","name":"Ana"},"text":"hi","public":false,"created_at":"2026-01-02T03:04:05Z"}`, ""},
		{"malformed", `{"external_id":`, "body"},
		{"trailing", `{"external_id":"m","thread_id":"t","author":{"id":"u"},"text":"x"} {}`, "body"},
		{"no external id", `{"thread_id":"t-1","author":{"id":"u-1"},"text":"hi"}`, "external_id"},
		{"no thread", `{"external_id":"m","author":{"id":"u-1"},"text":"hi"}`, "thread_id"},
		{"no author", `{"external_id":"m","thread_id":"t","text":"hi"}`, "author.id"},
		{"blank text", `{"external_id":"m","thread_id":"t","author":{"id":"u"},"text":"  "}`, "text"},
		{"bad time", `{"external_id":"m","thread_id":"t","author":{"id":"u"},"text":"x","created_at":"yesterday"}`, "created_at"},
		{"unknown fields ignored", `{"external_id":"m","thread_id":"t","author":{"id":"u"},"text":"x","extra":1}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse([]byte(c.body))
			var fe *channel.FieldError
			if c.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if !errors.As(err, &fe) || fe.Field != c.field {
				t.Fatalf("error %v, want field %s (msg %+v)", err, c.field, m)
			}
		})
	}
	m, _ := Parse([]byte(cases[0].body))
	if m.Public || m.Author.Handle != "@ana" || m.CreatedAt.Year() != 2026 {
		t.Fatalf("parsed %+v", m)
	}
}

func TestSignature(t *testing.T) {
	body := []byte(`{"a":1}`)
	sig := Sign("k", body)
	if !VerifySignature("k", body, sig) {
		t.Fatal("own signature rejected")
	}
	for _, bad := range []string{"", "sha256=", "sha256=zz", Sign("other", body), sig[7:]} {
		if VerifySignature("k", body, bad) {
			t.Fatalf("accepted %q", bad)
		}
	}
	if VerifySignature("k", []byte(`{"a":2}`), sig) {
		t.Fatal("accepted signature of another body")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"external_id":"m-1","thread_id":"t-1","author":{"id":"u-1"},"text":"hi"}`))
	f.Add([]byte(`{"text":"\xff"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err == nil && (m.ExternalID == "" || m.ThreadID == "" || m.Author.ID == "" || m.Text == "") {
			t.Fatalf("accepted incomplete payload %q", b)
		}
	})
}
