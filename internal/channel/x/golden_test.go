package x_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/x"
	"github.com/heed-dev/heed/internal/model"
)

// TestGoldenWebhookPayloads splits each documented Account Activity payload
// and normalises what it keeps; the result is compared with a golden file.
func TestGoldenWebhookPayloads(t *testing.T) {
	cases := []struct {
		fixture string
		keys    []string // what Split must keep
	}{
		{"aaa_mention.json", []string{"1307025659294674945"}},
		{"aaa_thread.json", []string{"1307032310223314944"}}, // own echo and retweet left out
		{"aaa_direct_message.json", []string{"1062015437679050760"}},
		{"aaa_favorite.json", []string{"favorite:a7ba59eab0bfcba386f7acedac279542"}},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			c := x.New(x.Options{})
			raws, err := c.Split(docChannel(), fixture(t, tc.fixture))
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, r := range raws {
				keys = append(keys, r.ExternalID)
			}
			if strings.Join(keys, ",") != strings.Join(tc.keys, ",") {
				t.Fatalf("Split kept %v, want %v", keys, tc.keys)
			}
			got := normalizeAll(t, c, raws)
			for _, g := range got {
				if g.Error != "" {
					t.Fatalf("NormalizeEvent(%s): %s", g.Key, g.Error)
				}
			}
			name := strings.TrimSuffix(tc.fixture, ".json") + ".golden"
			golden(t, name, "Golden output: x.Connector.Split then NormalizeEvent of "+tc.fixture+
				"\n(the fixture cites the documentation it follows). The channel has no API access, so a reply whose"+
				"\nconversation is unknown threads under the post it answers.\nRegenerate: go test ./internal/channel/x -run Golden -update", got)
		})
	}
}

// TestGoldenDelete: the documented tweet_delete_events example is for
// another subscribed account (3198576760): Split ignores it on the
// TwitterDev channel and keeps it on that account's channel.
func TestGoldenDelete(t *testing.T) {
	c := x.New(x.Options{})
	body := fixture(t, "aaa_tweet_delete.json")
	raws, err := c.Split(docChannel(), body)
	if err != nil || len(raws) != 0 {
		t.Fatalf("delivery for another account: %v %v", raws, err)
	}
	ch := docChannel()
	ch.Credentials[x.CredUserID] = "3198576760"
	raws, err = c.Split(ch, body)
	if err != nil || len(raws) != 1 || raws[0].ExternalID != "delete:601430178305220608" {
		t.Fatalf("Split = %v, %v", raws, err)
	}
	golden(t, "aaa_tweet_delete.golden", "Golden output: Split then NormalizeEvent of aaa_tweet_delete.json on the channel of account 3198576760.\nRegenerate: go test ./internal/channel/x -run Golden -update",
		normalizeAll(t, c, raws))
}

// TestGoldenMentionsPage polls a server answering the documented mentions
// page.
func TestGoldenMentionsPage(t *testing.T) {
	page := fixture(t, "v2_mentions_page.json")
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/2/users/2244994945/mentions" || r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "unexpected "+r.URL.String(), http.StatusBadRequest)
			return
		}
		got = r.URL.Query()
		w.Header().Set("x-rate-limit-remaining", "179")
		w.Write(page)
	}))
	defer srv.Close()
	ch := docChannel()
	ch.Settings = json.RawMessage(`{"api_base":"` + srv.URL + `"}`)
	ch.Credentials[x.CredAccessToken] = "tok"
	c := x.New(x.Options{})
	raws, next, err := c.Poll(context.Background(), ch, "1290000000000000000")
	if err != nil {
		t.Fatal(err)
	}
	if got.Get("since_id") != "1290000000000000000" || got.Get("expansions") != "author_id" || got.Get("max_results") != "100" ||
		!strings.Contains(got.Get("tweet.fields"), "conversation_id") || !strings.Contains(got.Get("user.fields"), "public_metrics") {
		t.Errorf("query %v", got)
	}
	if next != "1307025659294674945" {
		t.Errorf("next cursor %q, want meta.newest_id", next)
	}
	golden(t, "v2_mentions_page.golden", "Golden output: x.Connector.Poll of v2_mentions_page.json (oldest first, the brand's own post left out),\neach event then NormalizeEvent. Regenerate: go test ./internal/channel/x -run Golden -update",
		normalizeAll(t, c, raws))
}

// TestCRCExample checks the CRC answer against X's published example,
// computed independently.
func TestCRCExample(t *testing.T) {
	var ex struct {
		ConsumerSecret string `json:"consumer_secret"`
		CRCToken       string `json:"crc_token"`
		ResponseToken  string `json:"response_token"`
	}
	if err := json.Unmarshal(fixture(t, "crc_example.json"), &ex); err != nil {
		t.Fatal(err)
	}
	ch := model.Channel{Credentials: map[string]string{x.CredConsumerSecret: ex.ConsumerSecret}}
	r := httptest.NewRequest(http.MethodGet, "/hooks/ch?crc_token="+url.QueryEscape(ex.CRCToken), nil)
	status, ctype, body := x.New(x.Options{}).Handshake(ch, r)
	var got x.CRCResponse
	if status != 200 || ctype != "application/json" || json.Unmarshal(body, &got) != nil || got.ResponseToken != ex.ResponseToken {
		t.Fatalf("Handshake = %d %s %s, want response_token %s", status, ctype, body, ex.ResponseToken)
	}
}

// TestErrorBodies: each documented error body gives the platform's reason
// and the right class, through SendReply.
func TestErrorBodies(t *testing.T) {
	var cases []struct {
		Status int             `json:"status"`
		Body   json.RawMessage `json:"body"`
		Reason string          `json:"reason"`
		Class  string          `json:"class"`
	}
	if err := json.Unmarshal(fixture(t, "errors.json"), &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		if got := x.ParseProblem(tc.Body).Reason(); got != tc.Reason {
			t.Errorf("%d %s: reason %q, want %q", tc.Status, tc.Body, got, tc.Reason)
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tc.Status)
			w.Write(tc.Body)
		}))
		ch := docChannel()
		ch.Settings = json.RawMessage(`{"api_base":"` + srv.URL + `"}`)
		ch.Credentials[x.CredAccessToken] = "tok"
		_, err := x.New(x.Options{}).SendReply(context.Background(), ch, channel.Outbound{Public: true, InReplyTo: "1307025659294674945", Text: "hello"})
		srv.Close()
		if classOf(err) != tc.Class {
			t.Errorf("%d %s: %v is %s, want %s", tc.Status, tc.Body, err, classOf(err), tc.Class)
		}
		if tc.Class != "rate_limited" && (err == nil || !strings.Contains(err.Error(), tc.Reason)) {
			t.Errorf("%d: error %v does not carry the platform's reason %q", tc.Status, err, tc.Reason)
		}
	}
}

// TestGoldenFixturesAreDocumented guards the fixtures themselves: each one
// cites the page it follows.
func TestGoldenFixturesAreDocumented(t *testing.T) {
	for _, name := range []string{"aaa_mention.json", "aaa_thread.json", "aaa_direct_message.json", "aaa_tweet_delete.json",
		"aaa_favorite.json", "v2_mentions_page.json", "crc_example.json", "errors.json"} {
		b := rawFixture(t, name)
		if !strings.HasPrefix(string(b), "// Source:") && !strings.HasPrefix(string(b), "// Error bodies") {
			t.Errorf("%s does not start with its source comment", name)
		}
		if !strings.Contains(string(b), "https://") {
			t.Errorf("%s cites no page", name)
		}
		var v any
		if err := json.Unmarshal(fixture(t, name), &v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
