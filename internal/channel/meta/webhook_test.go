package meta_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/meta"
	"github.com/heed-dev/heed/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const (
	fixturePage = "137542570280222"
	fixtureIG   = "17841405793187218"
	fixtureApp  = "fixture-app-secret"
)

// fixtureChannel is a channel of the fixtures' accounts, without a token:
// Split makes no lookups, so golden output is deterministic.
func fixtureChannel(typ string) model.Channel {
	return model.Channel{ID: "ch-" + typ, Type: typ, Credentials: map[string]string{
		meta.CredAppSecret: fixtureApp, meta.CredVerifyToken: "fixture-verify", meta.CredPageID: fixturePage, meta.CredIGUserID: fixtureIG}}
}

// readFixture returns a testdata file without its leading "//" comment
// lines (where the documentation sources are cited) and those lines.
func readFixture(t testing.TB, path string) (body []byte, comments []string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var rest bytes.Buffer
	head := true
	for sc.Scan() {
		line := sc.Text()
		if head && strings.HasPrefix(line, "//") {
			comments = append(comments, line)
			continue
		}
		head = false
		rest.WriteString(line)
		rest.WriteByte('\n')
	}
	return rest.Bytes(), comments
}

func connectorFor(name string) (channel.Connector, string) {
	switch {
	case strings.HasPrefix(name, "fb_"):
		return meta.NewFacebook(nil), meta.TypeFacebook
	case strings.HasPrefix(name, "messenger_"):
		return meta.NewMessenger(nil), meta.TypeMessenger
	default:
		return meta.NewInstagram(nil), meta.TypeInstagram
	}
}

type eventJSON struct {
	Kind       string         `json:"kind,omitempty"`
	Target     string         `json:"target,omitempty"`
	ExternalID string         `json:"external_id"`
	ThreadID   string         `json:"thread_id"`
	Author     channel.Author `json:"author"`
	Text       string         `json:"text"`
	Public     bool           `json:"public"`
	CreatedAt  string         `json:"created_at"`
}

type goldenEvent struct {
	Key     string          `json:"key"`
	Event   *eventJSON      `json:"event,omitempty"`
	Error   string          `json:"error,omitempty"`
	Payload json.RawMessage `json:"payload"`
}

func toJSON(ev channel.Event) *eventJSON {
	e := &eventJSON{Kind: ev.Kind, Target: ev.TargetExternalID, ExternalID: ev.ExternalID, ThreadID: ev.ThreadID,
		Author: ev.Author, Text: ev.Text, Public: ev.Public}
	if !ev.CreatedAt.IsZero() {
		e.CreatedAt = ev.CreatedAt.UTC().Format(time.RFC3339Nano)
	}
	return e
}

// TestGolden splits and normalises every documented example under
// testdata/webhooks and compares with testdata/golden (go test -update
// rewrites them).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/webhooks/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			body, comments := readFixture(t, f)
			conn, typ := connectorFor(name)
			wh := conn.(channel.Webhook)
			raws, err := wh.Split(fixtureChannel(typ), body)
			if err != nil {
				t.Fatalf("split: %v", err)
			}
			var got []goldenEvent
			for _, r := range raws {
				ge := goldenEvent{Key: r.ExternalID, Payload: json.RawMessage(r.Payload)}
				ev, err := wh.NormalizeEvent(r.Payload)
				if err != nil {
					ge.Error = err.Error()
				} else {
					ge.Event = toJSON(ev)
				}
				got = append(got, ge)
			}
			out, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			buf.WriteString("// Golden output of testdata/webhooks/" + name + ".json (Split, then NormalizeEvent of each raw event).\n")
			buf.WriteString("// Regenerate with: go test ./internal/channel/meta -run TestGolden -update\n")
			for _, c := range comments {
				buf.WriteString(c + "\n")
			}
			buf.Write(out)
			buf.WriteByte('\n')
			golden := filepath.Join("testdata", "golden", name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if !bytes.Equal(want, buf.Bytes()) {
				t.Errorf("golden mismatch for %s; got:\n%s", name, buf.String())
			}
			// Each stored payload is itself a one-event delivery that splits to itself.
			for _, r := range raws {
				if strings.HasPrefix(r.ExternalID, "invalid:") {
					continue
				}
				again, err := wh.Split(fixtureChannel(typ), r.Payload)
				if err != nil || len(again) != 1 || again[0].ExternalID != r.ExternalID {
					t.Errorf("stored payload of %s does not split to itself: %v %+v", r.ExternalID, err, again)
				}
			}
		})
	}
}

// splitAll is Split + NormalizeEvent of a fixture, failing on errors.
func splitAll(t *testing.T, conn channel.Connector, ch model.Channel, body []byte) []channel.Event {
	t.Helper()
	wh := conn.(channel.Webhook)
	raws, err := wh.Split(ch, body)
	if err != nil {
		t.Fatalf("split: %v", err)
	}
	var out []channel.Event
	for _, r := range raws {
		ev, err := wh.NormalizeEvent(r.Payload)
		if err != nil {
			t.Fatalf("normalize %s: %v", r.ExternalID, err)
		}
		out = append(out, ev)
	}
	return out
}

func TestSplitFacebookComments(t *testing.T) {
	body, _ := readFixture(t, "testdata/webhooks/fb_feed_comments.json")
	evs := splitAll(t, meta.NewFacebook(nil), fixtureChannel(meta.TypeFacebook), body)
	if len(evs) != 2 {
		t.Fatalf("want the comment and the reply only (own reply, reaction, hide and other Page dropped), got %d: %+v", len(evs), evs)
	}
	top, reply := evs[0], evs[1]
	if top.ExternalID != "139560936744456_139597043408045" || top.ThreadID != "comment:139560936744456_139597043408045" ||
		!top.Public || top.Author.ID != "139560936744123" || top.Author.Name != "Ana Pereira" || top.Kind != channel.KindMessage {
		t.Errorf("top-level comment: %+v", top)
	}
	if top.CreatedAt != time.Unix(1511948891, 0).UTC() {
		t.Errorf("created_at %v", top.CreatedAt)
	}
	if reply.ThreadID != top.ThreadID {
		t.Errorf("a reply threads under its top-level comment: %q vs %q", reply.ThreadID, top.ThreadID)
	}
}

func TestSplitVisitorPosts(t *testing.T) {
	body, _ := readFixture(t, "testdata/webhooks/fb_feed_posts.json")
	evs := splitAll(t, meta.NewFacebook(nil), fixtureChannel(meta.TypeFacebook), body)
	if len(evs) != 2 {
		t.Fatalf("want two visitor posts (the Page's own post dropped), got %+v", evs)
	}
	if evs[0].ThreadID != "post:137542570280222_139610053406744" || evs[0].ExternalID != "137542570280222_139610053406744" {
		t.Errorf("visitor post: %+v", evs[0])
	}
	if !strings.Contains(evs[1].Text, "[photo] https://scontent.example/photo.jpg") {
		t.Errorf("photo post text %q", evs[1].Text)
	}
}

func TestSplitEditsAndRemovals(t *testing.T) {
	body, _ := readFixture(t, "testdata/webhooks/fb_feed_edits.json")
	evs := splitAll(t, meta.NewFacebook(nil), fixtureChannel(meta.TypeFacebook), body)
	if len(evs) != 4 {
		t.Fatalf("got %d events: %+v", len(evs), evs)
	}
	want := []struct{ kind, target, text string }{
		{channel.KindEdit, "139560936744456_139597043408045", "My order #4411 arrived damaged, can someone help?"},
		{channel.KindDelete, "139560936744456_139620233405726", ""},
		{channel.KindEdit, "137542570280222_139610053406744", "Your store in Porto was closed at 3pm on a Tuesday."},
		{channel.KindDelete, "137542570280222_139610053406744", ""},
	}
	for i, w := range want {
		if evs[i].Kind != w.kind || evs[i].TargetExternalID != w.target || evs[i].Text != w.text {
			t.Errorf("event %d: %+v, want %+v", i, evs[i], w)
		}
		if evs[i].ExternalID == w.target {
			t.Errorf("event %d: an edit/removal must not reuse the target's id as its own", i)
		}
	}
	// Normalize (the message-only entry point) refuses edits rather than storing them as messages.
	raws, _ := meta.NewFacebook(nil).Split(fixtureChannel(meta.TypeFacebook), body)
	if _, err := meta.NewFacebook(nil).Normalize(raws[0].Payload); !errors.Is(err, meta.ErrNotMessage) {
		t.Errorf("Normalize of an edit: %v", err)
	}
}

func TestSplitMessenger(t *testing.T) {
	body, _ := readFixture(t, "testdata/webhooks/messenger_messages.json")
	evs := splitAll(t, meta.NewMessenger(nil), fixtureChannel(meta.TypeMessenger), body)
	if len(evs) != 4 {
		t.Fatalf("want text, reply, attachment and edit (echo, delivery and other Page dropped), got %d: %+v", len(evs), evs)
	}
	m := evs[0]
	if m.ThreadID != "psid:6945012345678901" || m.Public || m.ExternalID != "mid.1457764197618:41d102a3e1ae206a38" ||
		m.Text != "hello, world!" || m.CreatedAt != time.UnixMilli(1458692752478).UTC() {
		t.Errorf("message: %+v", m)
	}
	if evs[2].Text != "[image] https://cdn.example/receipt.jpg" {
		t.Errorf("attachment text %q", evs[2].Text)
	}
	if e := evs[3]; e.Kind != channel.KindEdit || e.TargetExternalID != m.ExternalID || e.Text != "hello, world! (edited)" {
		t.Errorf("edit: %+v", e)
	}
	// The feed connector takes nothing from a messaging delivery, and vice versa.
	if raws, _ := meta.NewFacebook(nil).Split(fixtureChannel(meta.TypeFacebook), body); len(raws) != 0 {
		t.Errorf("facebook took messaging events: %+v", raws)
	}
	feed, _ := readFixture(t, "testdata/webhooks/fb_feed_comments.json")
	if raws, _ := meta.NewMessenger(nil).Split(fixtureChannel(meta.TypeMessenger), feed); len(raws) != 0 {
		t.Errorf("messenger took feed events: %+v", raws)
	}
}

func TestSplitInstagram(t *testing.T) {
	ig := meta.NewInstagram(nil)
	body, _ := readFixture(t, "testdata/webhooks/ig_comments.json")
	evs := splitAll(t, ig, fixtureChannel(meta.TypeInstagram), body)
	if len(evs) != 3 {
		t.Fatalf("want comment, reply and live comment (own reply dropped), got %+v", evs)
	}
	if evs[0].ThreadID != "igcomment:17919697626119712" || evs[1].ThreadID != evs[0].ThreadID || evs[0].Author.Handle != "@ana.pereira" {
		t.Errorf("comments: %+v", evs[:2])
	}

	body, _ = readFixture(t, "testdata/webhooks/ig_messaging.json")
	evs = splitAll(t, ig, fixtureChannel(meta.TypeInstagram), body)
	if len(evs) != 2 {
		t.Fatalf("want DM and unsend (echo and read dropped), got %+v", evs)
	}
	if evs[0].ThreadID != "igsid:1254459154682919" || evs[0].Public || evs[0].Text != "Hi, my package is late" {
		t.Errorf("dm: %+v", evs[0])
	}
	if evs[1].Kind != channel.KindDelete || evs[1].TargetExternalID != evs[0].ExternalID {
		t.Errorf("unsend: %+v", evs[1])
	}

	body, _ = readFixture(t, "testdata/webhooks/ig_mentions.json")
	evs = splitAll(t, ig, fixtureChannel(meta.TypeInstagram), body)
	if len(evs) != 2 || evs[0].ThreadID != "igmention:17918195224117851:17894227972186120" || evs[1].ThreadID != "igmention:17918195224117999" {
		t.Fatalf("mentions: %+v", evs)
	}
	// A page delivery is not an instagram one.
	feed, _ := readFixture(t, "testdata/webhooks/fb_feed_comments.json")
	if raws, _ := ig.Split(fixtureChannel(meta.TypeInstagram), feed); len(raws) != 0 {
		t.Errorf("instagram took page events")
	}
}

func TestSplitMalformed(t *testing.T) {
	fb := meta.NewFacebook(nil)
	var fe *channel.FieldError
	if _, err := fb.Split(fixtureChannel(meta.TypeFacebook), []byte(`{"object":`)); !errors.As(err, &fe) || fe.Field != "body" {
		t.Errorf("malformed JSON: %v", err)
	}
	// An event Heed should handle but cannot read is kept (visible) rather than lost.
	body := []byte(`{"object":"page","entry":[{"id":"` + fixturePage + `","time":1,"changes":[{"field":"feed","value":{"item":"comment","verb":"add","from":{"id":"1"}}}]}]}`)
	raws, err := fb.Split(fixtureChannel(meta.TypeFacebook), body)
	if err != nil || len(raws) != 1 || !strings.HasPrefix(raws[0].ExternalID, "invalid:") {
		t.Fatalf("got %v %+v", err, raws)
	}
	if _, err := fb.NormalizeEvent(raws[0].Payload); !errors.As(err, &fe) || fe.Field != "value.comment_id" {
		t.Errorf("normalize invalid: %v", err)
	}
	// A repeated event within one delivery is stored once.
	one := `{"field":"feed","value":{"item":"comment","verb":"add","comment_id":"1_2","post_id":"` + fixturePage + `_1","parent_id":"` + fixturePage + `_1","from":{"id":"9"},"message":"hi","created_time":1}}`
	body = []byte(`{"object":"page","entry":[{"id":"` + fixturePage + `","time":1,"changes":[` + one + `,` + one + `]}]}`)
	if raws, _ := fb.Split(fixtureChannel(meta.TypeFacebook), body); len(raws) != 1 {
		t.Errorf("duplicate kept: %+v", raws)
	}
}

func TestHandshake(t *testing.T) {
	fb := meta.NewFacebook(nil)
	ch := fixtureChannel(meta.TypeFacebook)
	cases := []struct {
		name, query string
		status      int
		body        string
	}{
		{"right token", "hub.mode=subscribe&hub.verify_token=fixture-verify&hub.challenge=1158201444", 200, "1158201444"},
		{"wrong token", "hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444", 403, ""},
		{"no token", "hub.mode=subscribe&hub.challenge=1158201444", 403, ""},
		{"wrong mode", "hub.mode=unsubscribe&hub.verify_token=fixture-verify&hub.challenge=1", 400, ""},
		{"no challenge", "hub.mode=subscribe&hub.verify_token=fixture-verify", 400, ""},
		{"markup challenge", "hub.mode=subscribe&hub.verify_token=fixture-verify&hub.challenge=%3Cscript%3E", 400, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/hooks/ch-facebook?"+c.query, nil)
			status, ctype, body := fb.Handshake(ch, r)
			if status != c.status || (c.body != "" && string(body) != c.body) {
				t.Fatalf("got %d %q", status, body)
			}
			if status == 200 && !strings.HasPrefix(ctype, "text/plain") {
				t.Errorf("content type %q", ctype)
			}
		})
	}
	noToken := ch
	noToken.Credentials = map[string]string{}
	r := httptest.NewRequest(http.MethodGet, "/hooks/x?hub.mode=subscribe&hub.verify_token=&hub.challenge=5", nil)
	if status, _, _ := fb.Handshake(noToken, r); status != 403 {
		t.Errorf("a channel without a verify token must refuse, got %d", status)
	}
}

func TestVerifySignature(t *testing.T) {
	body, _ := readFixture(t, "testdata/webhooks/fb_feed_comments.json")
	ch := fixtureChannel(meta.TypeFacebook)
	for _, conn := range []channel.Connector{meta.NewFacebook(nil), meta.NewMessenger(nil), meta.NewInstagram(nil)} {
		good := meta.Sign(fixtureApp, body)
		cases := map[string]string{"good": good, "bad": meta.Sign("other", body), "missing": "", "sha1": "sha1=" + good[7:47],
			"truncated": good[:20], "not hex": "sha256=zz"}
		for name, sig := range cases {
			r := httptest.NewRequest(http.MethodPost, "/hooks/x", bytes.NewReader(body))
			if sig != "" {
				r.Header.Set(meta.SignatureHeader, sig)
			}
			err := conn.Verify(ch, r, body)
			if (name == "good") != (err == nil) {
				t.Errorf("%s %s: %v", conn.Type(), name, err)
			}
			if err != nil && !errors.Is(err, channel.ErrBadSignature) {
				t.Errorf("%s: want ErrBadSignature, got %v", name, err)
			}
		}
		// A tampered body fails with the original signature.
		r := httptest.NewRequest(http.MethodPost, "/hooks/x", nil)
		r.Header.Set(meta.SignatureHeader, meta.Sign(fixtureApp, body))
		if conn.Verify(ch, r, append([]byte(" "), body...)) == nil {
			t.Errorf("%s accepted a tampered body", conn.Type())
		}
	}
	if meta.VerifySignature("", []byte("x"), meta.Sign("", []byte("x"))) {
		t.Error("an empty app secret must never verify")
	}
}

func TestAccounts(t *testing.T) {
	body, _ := readFixture(t, "testdata/webhooks/fb_feed_comments.json")
	obj, ids, err := meta.Accounts(body)
	if err != nil || obj != "page" || strings.Join(ids, ",") != fixturePage+",999999999999999" {
		t.Fatalf("got %q %v %v", obj, ids, err)
	}
	fbCh, msCh, igCh := fixtureChannel(meta.TypeFacebook), fixtureChannel(meta.TypeMessenger), fixtureChannel(meta.TypeInstagram)
	fbCh.Type, msCh.Type, igCh.Type = meta.TypeFacebook, meta.TypeMessenger, meta.TypeInstagram
	if !meta.Concerns(fbCh, obj, ids) || !meta.Concerns(msCh, obj, ids) || meta.Concerns(igCh, obj, ids) {
		t.Error("a page delivery of the Page concerns its facebook and messenger channels only")
	}
	if meta.Concerns(fbCh, obj, []string{"1"}) || meta.Concerns(model.Channel{Type: "x"}, obj, ids) {
		t.Error("another Page's delivery, or a non-Meta channel")
	}
	if !meta.Concerns(igCh, "instagram", []string{fixtureIG}) {
		t.Error("instagram delivery")
	}
	if _, _, err := meta.Accounts([]byte("nope")); err == nil {
		t.Error("malformed body accepted")
	}
}

func TestCapabilities(t *testing.T) {
	ch := model.Channel{Credentials: map[string]string{meta.CredPageID: "104"}, Settings: json.RawMessage(`{"username":"heedshop"}`)}
	fb, ms, ig := meta.NewFacebook(nil).Capabilities(), meta.NewMessenger(nil).Capabilities(), meta.NewInstagram(nil).Capabilities()
	if !fb.PublicReply || !fb.PrivateReply || !fb.Hide || !fb.Delete || !fb.Like || fb.MaxLength != 8000 || fb.PrivateMessage {
		t.Errorf("facebook: %+v", fb)
	}
	if !ms.PrivateMessage || ms.PublicReply || ms.ReplyWindow != 24*time.Hour || ms.MaxLength != 2000 {
		t.Errorf("messenger: %+v", ms)
	}
	if ms.DMLink(ch) != "https://m.me/heedshop" || ms.DMLink(model.Channel{Credentials: map[string]string{meta.CredPageID: "104"}}) != "https://m.me/104" {
		t.Errorf("m.me link: %q", ms.DMLink(ch))
	}
	if !ig.PublicReply || !ig.PrivateReply || !ig.PrivateMessage || !ig.Hide || !ig.Delete || ig.Like ||
		ig.MaxLength != 2200 || ig.MaxPrivate != 1000 || ig.ReplyWindow != 24*time.Hour {
		t.Errorf("instagram: %+v", ig)
	}
	if ig.DMLink(ch) != "https://ig.me/m/heedshop" || ig.DMLink(model.Channel{}) != "" {
		t.Errorf("ig.me link: %q", ig.DMLink(ch))
	}
	for _, c := range meta.Connectors(nil) {
		if _, ok := c.(channel.Webhook); !ok {
			t.Errorf("%s is not a webhook connector", c.Type())
		}
	}
}
