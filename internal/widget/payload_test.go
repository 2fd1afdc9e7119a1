package widget

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/channel/webchat"
)

const testSecret = "0123456789abcdef0123456789abcdef"

func TestVisitorToken(t *testing.T) {
	id := newVisitorID()
	tok := signVisitor(testSecret, "chan1", id)
	if got, ok := verifyVisitor(testSecret, "chan1", tok); !ok || got != id {
		t.Fatalf("verify own token = %q, %v; want %q, true", got, ok, id)
	}
	other := newVisitorID()
	mac := tok[strings.IndexByte(tok, '.'):]
	bad := map[string]string{
		"empty":            "",
		"no mac":           id,
		"empty mac":        id + ".",
		"other channel":    signVisitor(testSecret, "chan2", id),
		"other secret":     signVisitor(testSecret+"x", "chan1", id),
		"swapped visitor":  other + mac,
		"flipped mac":      flip(tok, len(tok)-10),
		"flipped last":     flip(tok, len(tok)-1),
		"bad id charset":   "v../x" + mac,
		"id without v":     "x" + id[1:] + mac,
		"not base64 mac":   id + ".!!!!",
		"two dots":         tok + ".x",
		"very long":        strings.Repeat("v", 300),
		"mac of other one": id + "." + strings.SplitN(signVisitor(testSecret, "chan1", other), ".", 2)[1],
	}
	for name, token := range bad {
		if got, ok := verifyVisitor(testSecret, "chan1", token); ok {
			t.Errorf("%s: token %q accepted as %q", name, token, got)
		}
	}
	if a, b := newVisitorID(), newVisitorID(); a == b || !validVisitorID(a) {
		t.Fatalf("visitor ids %q, %q: want distinct and valid", a, b)
	}
}

// flip changes the character at i to another base64url character.
func flip(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestRateLimiter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := newRateLimiter(3, time.Minute)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	ok, wait := l.allow("a")
	if ok || wait <= 0 || wait > 20*time.Second {
		t.Fatalf("4th request: allowed=%v wait=%s; want refused with a wait of at most 20s", ok, wait)
	}
	if ok, _ := l.allow("b"); !ok {
		t.Fatal("another key is limited by the first")
	}
	now = now.Add(20 * time.Second) // one token back (3 per minute)
	if ok, _ := l.allow("a"); !ok {
		t.Fatal("refused after a token was refilled")
	}
	if ok, _ := l.allow("a"); ok {
		t.Fatal("allowed beyond the refill")
	}
}

func TestBuildPayload(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name, body, field string
	}{
		{"ok", `{"external_id":"abc-1","text":"hi","name":"Maria"}`, ""},
		{"visitor_id in the body is ignored", `{"external_id":"abc-2","text":"hi","visitor_id":"vSomeoneElse"}`, ""},
		{"malformed", `{"external_id":`, "body"},
		{"not an object", `[1,2]`, "body"},
		{"trailing garbage", `{"external_id":"a","text":"x"} {}`, "body"},
		{"missing external_id", `{"text":"hi"}`, "external_id"},
		{"external_id with a colon", `{"external_id":"a:b","text":"hi"}`, "external_id"},
		{"external_id too long", `{"external_id":"` + strings.Repeat("a", 65) + `","text":"hi"}`, "external_id"},
		{"missing text", `{"external_id":"abc"}`, "text"},
		{"blank text", `{"external_id":"abc","text":"  \n "}`, "text"},
		{"text not a string", `{"external_id":"abc","text":5}`, "text"},
		{"text too long", `{"external_id":"abc","text":"` + strings.Repeat("é", webchat.MaxTextBytes) + `"}`, "text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			payload, ext, err := buildPayload([]byte(c.body), "vVisitor1", now)
			if c.field != "" {
				var fe *fieldError
				if !errors.As(err, &fe) || fe.Field != c.field {
					t.Fatalf("error = %v; want a field error on %q", err, c.field)
				}
				return
			}
			if err != nil {
				t.Fatalf("error = %v", err)
			}
			var p webchat.Payload
			if err := json.Unmarshal(payload, &p); err != nil {
				t.Fatal(err)
			}
			if p.VisitorID != "vVisitor1" || ext != p.ExternalID || !strings.HasPrefix(ext, "vVisitor1:") {
				t.Fatalf("payload %+v, external id %q: want the token's visitor and a namespaced id", p, ext)
			}
			if p.CreatedAt != now.Format(time.RFC3339Nano) {
				t.Fatalf("created_at = %q, want the server's clock", p.CreatedAt)
			}
		})
	}
}

func TestCleanName(t *testing.T) {
	cases := map[string]string{
		"  Maria  ":                   "Maria",
		"Ma\x00ria\nX":                "Ma ria X",
		"a\u2028b":                    "a b",
		"\xffbad":                     "bad",
		strings.Repeat("é", 50):       strings.Repeat("é", 40),
		strings.Repeat("a", 79) + "é": strings.Repeat("a", 79),
	}
	for in, want := range cases {
		if got := cleanName(in); got != want {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzBuildPayload: any body gives either a field error or a payload that
// the pipeline's own parser accepts, for the token's visitor; never a panic.
func FuzzBuildPayload(f *testing.F) {
	f.Add([]byte(`{"external_id":"abc","text":"hi","name":"Maria"}`))
	f.Add([]byte(`{"external_id":"abc","text":"hi","visitor_id":"other"}`))
	f.Add([]byte(`{"external_id":"` + strings.Repeat("z", 64) + `","text":"` + strings.Repeat("x", 9000) + `"}`))
	f.Add([]byte(`{"external_id":1}`))
	f.Add([]byte(`{"name":"\u0000\u2028` + strings.Repeat("é", 60) + `","text":"t","external_id":"a"}`))
	f.Add([]byte(`null`))
	f.Add([]byte("{\"text\":\"\xff\",\"external_id\":\"a\"}"))
	now := time.Now()
	f.Fuzz(func(t *testing.T, body []byte) {
		payload, ext, err := buildPayload(body, "vFuzz", now)
		if err != nil {
			var fe *fieldError
			if !errors.As(err, &fe) || fe.Field == "" {
				t.Fatalf("error %v is not a field error", err)
			}
			return
		}
		m, err := webchat.Parse(payload)
		if err != nil {
			t.Fatalf("built payload rejected by webchat.Parse: %v", err)
		}
		if m.ThreadID != "vFuzz" || m.ExternalID != ext || !strings.HasPrefix(ext, "vFuzz:") {
			t.Fatalf("message %+v, external id %q: want the token's visitor", m, ext)
		}
		if !utf8.ValidString(m.Author.Name) || len(m.Author.Name) > 100 {
			t.Fatalf("name %q not clean", m.Author.Name)
		}
	})
}
