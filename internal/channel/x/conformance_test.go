package x_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/x/xtest"
)

// paths lists the key paths of a JSON value: objects as ".key", arrays as
// "[]", map keys that are ids (the users and apps maps) as "*". Tweet and
// user subtrees are named alike wherever they appear, so every v1.1 tweet
// the emulator renders is compared with every documented one.
func paths(v any) map[string]bool {
	out := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, c := range t {
				if idKey.MatchString(k) {
					k = "*"
				}
				p := prefix + "." + k
				out[canonical(p)] = true
				walk(p, c)
			}
		case []any:
			for _, c := range t {
				walk(prefix+"[]", c)
			}
		}
	}
	walk("", v)
	return out
}

var idKey = regexp.MustCompile(`^[0-9]+$`)

func canonical(p string) string {
	for _, r := range []struct{ from, to string }{
		{".favorite_events[].favorited_status", "TWEET"},
		{".favorite_events[].user", "TWEET.user"},
		{".tweet_create_events[]", "TWEET"},
		{".retweeted_status", ""},
	} {
		if strings.HasPrefix(p, r.from) {
			return r.to + strings.TrimPrefix(p, r.from)
		}
	}
	return p
}

func pathsOf(t *testing.T, b []byte) map[string]bool {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return paths(v)
}

// TestEmulatorMatchesDocumentedShapes: every field the emulator sends, in
// webhook deliveries and in the mentions timeline, appears in the
// documented payloads under testdata (it invents no field names).
func TestEmulatorMatchesDocumentedShapes(t *testing.T) {
	documented := map[string]bool{}
	for _, name := range []string{"aaa_mention.json", "aaa_thread.json", "aaa_direct_message.json", "aaa_tweet_delete.json", "aaa_favorite.json"} {
		for p := range pathsOf(t, fixture(t, name)) {
			documented[p] = true
		}
	}

	s, c, ch := emulated(t)
	var mu sync.Mutex
	var bodies [][]byte
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, b)
		mu.Unlock()
	}))
	defer sink.Close()

	root := s.PostMention(ana, "@heedbrand "+strings.Repeat("long complaint ", 12), "") // > 140: extended_tweet
	s.PostMention(bruno, "me too", root.ID)
	s.SendDM(bruno, "hello")
	if _, err := c.SendReply(t.Context(), ch, channel.Outbound{Public: true, InReplyTo: root.ID, Text: "We're on it"}); err != nil {
		t.Fatal(err) // the brand's tweet, echoed
	}
	if err := c.Like(t.Context(), ch, root.ID); err != nil {
		t.Fatal(err)
	}
	s.DeleteTweet(root.ID)
	if err := s.DeliverWebhook(sink.URL, s.ConsumerSecret); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 6 {
		t.Fatalf("%d deliveries", len(bodies))
	}
	seen := map[string]bool{}
	var extra []string
	for _, b := range bodies {
		for p := range pathsOf(t, b) {
			if !documented[p] && !seen[p] {
				seen[p] = true
				extra = append(extra, p)
			}
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("the emulator's deliveries carry fields no documented payload has: %v", extra)
	}

	// The mentions timeline against the documented page.
	doc := pathsOf(t, fixture(t, "v2_mentions_page.json"))
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/2/users/"+s.Brand.ID+"/mentions?max_results=5&expansions=author_id"+
		"&tweet.fields=author_id,conversation_id,created_at,in_reply_to_user_id,public_metrics,referenced_tweets&user.fields=name,username,verified,public_metrics", nil)
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	extra = nil
	for p := range pathsOf(t, b) {
		if !doc[p] && p != ".meta.next_token" { // next_token: the quickstart's example page has it
			extra = append(extra, p)
		}
	}
	if len(extra) > 0 {
		t.Errorf("the emulator's mentions page carries undocumented fields: %v\n%s", extra, b)
	}
	for _, h := range []string{"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
}

// TestEmulatorOwnChecks covers emulator behaviour the connector tests do not
// reach: authorization and the shape of its refusals.
func TestEmulatorOwnChecks(t *testing.T) {
	s := xtest.New()
	defer s.Close()
	for _, tc := range []struct {
		method, path, token, body string
		status                    int
	}{
		{"GET", "/2/users/me", "", "", 401},
		{"GET", "/2/users/me", "wrong", "", 401},
		{"GET", "/2/users/me", s.AccessToken, "", 200},
		{"GET", "/2/tweets?ids=", s.AccessToken, "", 400},
		{"GET", "/2/tweets?ids=1", s.AccessToken, "", 200}, // not found: 200 with errors
		{"POST", "/2/tweets", s.AccessToken, `{"text":""}`, 400},
		{"POST", "/2/tweets", s.AccessToken, `not json`, 400},
		{"POST", "/2/users/123/likes", s.AccessToken, `{"tweet_id":"1"}`, 403},
		{"PUT", "/2/tweets/1/hidden", s.AccessToken, `{}`, 400},
		{"POST", "/2/oauth2/token", "", ``, 400},
	} {
		req, _ := http.NewRequest(tc.method, s.URL()+tc.path, strings.NewReader(tc.body))
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		p := readProblem(t, resp)
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
		}
		if tc.status >= 400 && p.Reason() == "" {
			t.Errorf("%s %s: error without a reason", tc.method, tc.path)
		}
	}
}
