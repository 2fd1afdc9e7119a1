package metatest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/channel/meta/metatest"
)

var ana = metatest.User{ID: "6945000000000001", Name: "Ana Pereira", Username: "ana.pereira"}

func get(t *testing.T, s *metatest.Server, path string, q url.Values) (int, http.Header, map[string]any) {
	t.Helper()
	if q == nil {
		q = url.Values{}
	}
	if q.Get("access_token") == "" {
		q.Set("access_token", s.Token)
	}
	u := path
	if !strings.HasPrefix(path, "http") {
		u = s.APIBase() + path
	}
	if strings.Contains(u, "?") {
		u += "&" + q.Encode()
	} else {
		u += "?" + q.Encode()
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	return resp.StatusCode, resp.Header, out
}

func TestErrorBodyAndToken(t *testing.T) {
	s := metatest.New()
	defer s.Close()
	status, h, out := get(t, s, "/me", url.Values{"access_token": {"EAAbad"}})
	e, _ := out["error"].(map[string]any)
	if status != 400 || e == nil || e["code"] != float64(190) || e["type"] != "OAuthException" || e["message"] == "" || e["fbtrace_id"] == "" {
		t.Fatalf("bad token answer %d %v", status, out)
	}
	if h.Get("X-App-Usage") == "" || h.Get("X-Business-Use-Case-Usage") == "" {
		t.Error("usage headers missing")
	}
	status, _, out = get(t, s, "/me", nil)
	if status != 200 || out["id"] != s.PageID {
		t.Fatalf("me: %d %v", status, out)
	}
	status, _, out = get(t, s, "/404_404", nil)
	if e, _ := out["error"].(map[string]any); status != 400 || e["code"] != float64(100) || e["error_subcode"] != float64(33) {
		t.Errorf("unknown object %d %v", status, out)
	}
	// A wrong appsecret_proof is refused; RequireProof refuses its absence.
	if status, _, _ := get(t, s, "/me", url.Values{"appsecret_proof": {"00"}}); status != 400 {
		t.Errorf("wrong proof accepted")
	}
	s.RequireProof = true
	if status, _, _ := get(t, s, "/me", nil); status != 400 {
		t.Errorf("missing proof accepted")
	}
}

func TestThrottleHeaders(t *testing.T) {
	s := metatest.New()
	defer s.Close()
	s.Throttle(1, 80001, 3*time.Minute)
	status, h, out := get(t, s, "/me", nil)
	e, _ := out["error"].(map[string]any)
	if status != 400 || e["code"] != float64(80001) {
		t.Fatalf("throttled answer %d %v", status, out)
	}
	var buc map[string][]map[string]any
	if err := json.Unmarshal([]byte(h.Get("X-Business-Use-Case-Usage")), &buc); err != nil {
		t.Fatal(err)
	}
	u := buc[s.PageID][0]
	if u["call_count"] != float64(100) || u["estimated_time_to_regain_access"] != float64(3) || u["type"] != "pages" {
		t.Errorf("usage %v", u)
	}
	if status, _, _ := get(t, s, "/me", nil); status != 200 {
		t.Errorf("throttle outlived its count")
	}
}

func TestCommentsPagination(t *testing.T) {
	s := metatest.New()
	defer s.Close()
	p := s.Post("hello")
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, s.Comment(p.ID, ana, "c"+string(rune('0'+i))).ID)
	}
	s.Comment(ids[0], ana, "a reply is not top-level")
	var got []string
	next := "/" + p.ID + "/comments"
	q := url.Values{"limit": {"2"}}
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		_, _, out := get(t, s, next, q)
		for _, d := range out["data"].([]any) {
			got = append(got, d.(map[string]any)["id"].(string))
		}
		next = ""
		if paging, ok := out["paging"].(map[string]any); ok {
			cur := paging["cursors"].(map[string]any)
			if cur["before"] == "" || cur["after"] == "" {
				t.Fatalf("cursors %v", cur)
			}
			if n, ok := paging["next"].(string); ok {
				next, q = n, url.Values{}
			}
		}
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Fatalf("pages gave %v, want %v", got, ids)
	}
	// filter=stream includes replies.
	_, _, out := get(t, s, "/"+p.ID+"/comments", url.Values{"filter": {"stream"}})
	if n := len(out["data"].([]any)); n != 6 {
		t.Errorf("stream gave %d comments", n)
	}
	// since filters by creation time.
	s.Advance(time.Hour)
	late := s.Comment(p.ID, ana, "late")
	_, _, out = get(t, s, "/"+p.ID+"/comments", url.Values{"since": {itoa(s.Now().Add(-time.Minute).Unix())}})
	if d := out["data"].([]any); len(d) != 1 || d[0].(map[string]any)["id"] != late.ID {
		t.Errorf("since gave %v", d)
	}
	if status, _, _ := get(t, s, "/"+p.ID+"/comments", url.Values{"after": {"garbage!"}}); status != 400 {
		t.Errorf("a bad cursor answered %d", status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestWebhookShapes(t *testing.T) {
	s := metatest.New()
	defer s.Close()
	p := s.Post("hello")
	c := s.Comment(p.ID, ana, "hi")
	s.Message(ana, "dm")
	media := s.IGMedia("pic")
	s.IGComment(media.ID, ana, "nice")
	ds := s.Drain()
	if len(ds) != 2 || ds[0].Object != "page" || ds[1].Object != "instagram" || s.Pending() != 0 {
		t.Fatalf("deliveries %+v", ds)
	}
	var page struct {
		Object string `json:"object"`
		Entry  []struct {
			ID        string            `json:"id"`
			Time      int64             `json:"time"`
			Changes   []json.RawMessage `json:"changes"`
			Messaging []json.RawMessage `json:"messaging"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(ds[0].Body, &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Entry) != 3 || page.Entry[0].ID != s.PageID || len(page.Entry[1].Changes) != 1 || len(page.Entry[2].Messaging) != 1 {
		t.Fatalf("page delivery %s", ds[0].Body)
	}
	var ch struct {
		Field string `json:"field"`
		Value struct {
			Item, Verb, CommentID, PostID, ParentID, Message string
			CreatedTime                                      int64
		} `json:"value"`
	}
	json.Unmarshal(page.Entry[1].Changes[0], &ch)
	raw := string(page.Entry[1].Changes[0])
	for _, k := range []string{`"item":"comment"`, `"verb":"add"`, `"comment_id":"` + c.ID + `"`, `"post_id":"` + p.ID + `"`, `"parent_id":"` + p.ID + `"`, `"created_time":`, `"from":{"id":"` + ana.ID + `"`} {
		if !strings.Contains(raw, k) {
			t.Errorf("feed change lacks %s: %s", k, raw)
		}
	}
	if page.Entry[2].Time < 1e12 {
		t.Errorf("messaging entry time is in milliseconds: %d", page.Entry[2].Time)
	}
	if !strings.Contains(string(ds[1].Body), `"field":"comments"`) || !strings.Contains(string(ds[1].Body), `"media_product_type":"FEED"`) {
		t.Errorf("instagram delivery %s", ds[1].Body)
	}
	if sig := metatest.Sign("k", []byte("x")); !strings.HasPrefix(sig, "sha256=") || len(sig) != 7+64 {
		t.Errorf("signature %q", sig)
	}
}
