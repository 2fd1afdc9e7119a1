package source

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

const samplePostEvent = `{"did":"did:plc:eygmaihciaxprqvxpfvl6flk","time_us":1725911162329308,"kind":"commit","commit":{"rev":"3l3qo2vutsw2b","operation":"create","collection":"app.bsky.feed.post","rkey":"3l3qo2vuowo2b","record":{"$type":"app.bsky.feed.post","createdAt":"2024-09-09T19:46:02.102Z","langs":["en"],"text":"@acme my order never arrived","facets":[{"index":{"byteStart":0,"byteEnd":5},"features":[{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:abc"}]}]},"cid":"bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi"}}`

func FuzzJetstreamEvent(f *testing.F) {
	for _, s := range []string{
		samplePostEvent,
		`{"did":"did:plc:ufbl4k27gp6kzas5glhz7fim","time_us":1725516665234703,"kind":"identity","identity":{"did":"did:plc:ufbl4k27gp6kzas5glhz7fim","handle":"yohenrique.bsky.social","seq":1409752997,"time":"2024-09-05T06:11:04.870Z"}}`,
		`{"did":"did:plc:rfov6bpyztcnedeyyzgfq42k","time_us":1725516666833633,"kind":"commit","commit":{"rev":"3l3f6nzl3cv2s","operation":"delete","collection":"app.bsky.graph.follow","rkey":"3l3dn7tku762u"}}`,
		`{"kind":"heartbeat","payload":""}`,
		`{"did":"did:plc:x/../../evil","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"a?b","record":{"text":"x"}}}`,
		`{"kind":`, `null`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		var ev jetstreamEvent
		if err := decodeJetstream(frame, &ev); err != nil {
			return
		}
		p, ok := jetstreamPost(&ev, "")
		if !ok {
			return
		}
		if !strings.HasPrefix(p.ID, "at://did:") || !strings.HasPrefix(p.URL, "https://bsky.app/profile/did:") {
			t.Fatalf("post id %q url %q", p.ID, p.URL)
		}
		if strings.ContainsAny(p.ID[len("at://"):], "?#") || strings.Count(p.ID, "/") != 4 {
			t.Fatalf("id %q escapes its path", p.ID)
		}
		if us, err := strconv.ParseInt(p.Cursor, 10, 64); err != nil || us != ev.TimeUS || us <= 0 {
			t.Fatalf("cursor %q for time_us %d", p.Cursor, ev.TimeUS)
		}
		if p.AuthorID != ev.DID || p.Author == "" || p.CreatedAt.IsZero() {
			t.Fatalf("post %+v", p)
		}
	})
}

func FuzzXStreamLine(f *testing.F) {
	for _, s := range []string{
		`{"data":{"id":"1850000000000000000","text":"@AcmeHelp hi","created_at":"2024-10-26T12:00:00.000Z","lang":"en","author_id":"2244994945","edit_history_tweet_ids":["1850000000000000000"]},"includes":{"users":[{"id":"2244994945","name":"X Dev","username":"XDevelopers"}]},"matching_rules":[{"id":"1273026480692322304","tag":"brand"}]}`,
		`{"errors":[{"title":"operational-disconnect","disconnect_type":"UpstreamOperationalDisconnect","detail":"This stream has been disconnected upstream for operational reasons.","type":"https://api.twitter.com/2/problems/operational-disconnect"}]}`,
		"\r\n", "", `{"data":{"id":"12a"}}`, `{"data":{"id":"1","author_id":"5"},"includes":{"users":[{"id":"5","username":"../evil"}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		p, ok, err := decodeXLine(line)
		if err != nil || !ok {
			if ok {
				t.Fatal("ok with an error")
			}
			return
		}
		if !xID(p.ID) || p.Cursor != p.ID {
			t.Fatalf("id %q cursor %q", p.ID, p.Cursor)
		}
		if !strings.HasPrefix(p.URL, "https://x.com/") || !strings.HasSuffix(p.URL, "/status/"+p.ID) ||
			(strings.Count(p.URL, "/") != 5 && !strings.HasPrefix(p.URL, "https://x.com/i/web/status/")) {
			t.Fatalf("url %q", p.URL)
		}
	})
}

func FuzzSSE(f *testing.F) {
	for _, s := range []string{
		":)\nevent: update\ndata: {\"id\":\"1\"}\n\n:thump\n",
		"event: delete\r\ndata: 123\r\n\r\n",
		"data: a\ndata: b\n\nevent: x\n\n",
		"data\n\n", "event:update\ndata:{}\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		const max = 256
		r := newSSEReader(bufio.NewReaderSize(bytes.NewReader(in), 16), max)
		for range len(in) + 1 {
			ev, err := r.Next()
			if err != nil {
				return
			}
			if len(ev.Data) > max || ev.Name == "" {
				t.Fatalf("event %+v", ev)
			}
			if bytes.ContainsAny([]byte(ev.Name), "\r\n") {
				t.Fatalf("name %q holds a line break", ev.Name)
			}
		}
		t.Fatal("more events than bytes")
	})
}

func FuzzMastodonStatus(f *testing.F) {
	for _, s := range []string{
		`{"id":"113000000000065536","created_at":"2024-10-01T10:00:00.000Z","visibility":"public","language":"en","uri":"https://m.example/users/a/statuses/1","url":"https://m.example/@a/1","content":"<p>Hi <a href=\"https://m.example/@acme\" class=\"u-url mention\">@<span>acme</span></a> &amp; co<br>x</p>","reblog":null,"account":{"id":"1","acct":"a@m.example"}}`,
		`{"id":"1","uri":"javascript:alert(1)","url":"javascript:alert(1)","content":"<script>alert(1)</script>x","account":{"acct":"a"}}`,
		`{"id":"2","uri":"u","reblog":{"id":"1"},"content":"","account":{"acct":"a"}}`,
		`{"id":"x"}`, `{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, ok, err := decodeStatus(data)
		if err != nil || !ok {
			return
		}
		if p.ID == "" || !xID(p.Cursor) {
			t.Fatalf("post %+v", p)
		}
		if p.URL != "" && !strings.HasPrefix(p.URL, "https://") && !strings.HasPrefix(p.URL, "http://") {
			t.Fatalf("url %q", p.URL)
		}
	})
}

func FuzzStripHTML(f *testing.F) {
	for _, s := range []string{
		`<p>a<br>b</p><p>c &lt;d&gt;</p>`, `a < b > c`, `<script>x</script>y`, `<p`, `&#0;&amp;`, `<br/><BR />`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := stripHTML(in)
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("stripHTML(%q) = %q, not UTF-8", in, out)
		}
		if !strings.ContainsAny(in, "&") && strings.Contains(out, "<p>") {
			t.Fatalf("stripHTML(%q) kept a tag: %q", in, out)
		}
		if strings.Contains(out, "\n\n\n") {
			t.Fatalf("stripHTML(%q) = %q: more than one blank line", in, out)
		}
	})
}

func FuzzReplayLine(f *testing.F) {
	for _, s := range []string{`{"id":"1","text":"hi","lang":"en","author":"a","created_at":"2026-11-23T10:00:00Z"}`, ``, `{"id":""}`, `{"id":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		p, ok, err := decodeReplayLine(line, "replay")
		if err != nil || !ok {
			return
		}
		if p.ID == "" || p.Network != "replay" {
			t.Fatalf("post %+v", p)
		}
	})
}

func TestIDAfter(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"10", "9", true}, {"9", "10", false}, {"1850000000000000001", "1850000000000000000", true},
		{"5", "5", false}, {"0010", "9", true}, {"113000000000065536", "112999999999999999", true},
	} {
		if got := idAfter(c.a, c.b); got != c.want {
			t.Errorf("idAfter(%s, %s) = %v", c.a, c.b, got)
		}
	}
}

func TestStripHTML(t *testing.T) {
	for in, want := range map[string]string{
		`<p>Hello <a href="https://m.example/@acme" class="u-url mention">@<span>acme</span></a></p>`: "Hello @acme",
		`<p>one</p><p>two<br>three<br />four</p>`:                                                     "one\n\ntwo\nthree\nfour",
		`<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 5 &lt; 6</p>`:                     `<script>alert("x")</script> & 5 < 6`,
		`<script>steal()</script><style>p{}</style>text`:                                              "text",
		`a < b`:         "a < b",
		`<p>café 🙂</p>`: "café 🙂",
	} {
		if got := stripHTML(in); got != want {
			t.Errorf("stripHTML(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSSEReader(t *testing.T) {
	in := ":)\nevent: update\ndata: {\"a\":1}\n\n:thump\nevent: delete\r\ndata: 12\r\n\r\n" +
		"data: one\ndata:two\n\nevent:x\rdata: cr\r\r"
	r := newSSEReader(bufio.NewReader(strings.NewReader(in)), 1024)
	want := []sseEvent{{"update", []byte(`{"a":1}`)}, {"delete", []byte("12")}, {"message", []byte("one\ntwo")}, {"x", []byte("cr")}}
	for _, w := range want {
		ev, err := r.Next()
		if err != nil || ev.Name != w.Name || string(ev.Data) != string(w.Data) {
			t.Fatalf("Next = %q %q %v, want %q %q", ev.Name, ev.Data, err, w.Name, w.Data)
		}
	}
	if _, err := r.Next(); err == nil {
		t.Error("no error at the end of the stream")
	}
	big := "data: " + strings.Repeat("x", 2000) + "\n\n"
	if _, err := newSSEReader(bufio.NewReader(strings.NewReader(big)), 1024).Next(); err == nil {
		t.Error("an event over the limit was accepted")
	}
}
