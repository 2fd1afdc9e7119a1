package mastodontest_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/listen/source/mastodontest"
)

func page(t *testing.T, srv *mastodontest.Server, query string) (ids []string, link string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/timelines/public?"+query, nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s", query, resp.Status)
	}
	var statuses []struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&statuses); err != nil {
		t.Fatal(err)
	}
	for _, s := range statuses {
		ids = append(ids, s.ID)
	}
	return ids, resp.Header.Get("Link")
}

// TestTimelinePaging pins the documented difference the source relies on:
// since_id gives the newest page above the id, min_id the page right
// after it; both newest first.
func TestTimelinePaging(t *testing.T) {
	srv := mastodontest.New(t, "tok")
	var ids []string
	for range 10 {
		ids = append(ids, srv.Publish(mastodontest.Status{Acct: "a", Content: "<p>x</p>"}))
	}
	got, link := page(t, srv, "since_id="+ids[1]+"&limit=3")
	if want := []string{ids[9], ids[8], ids[7]}; !slices.Equal(got, want) {
		t.Errorf("since_id page = %v, want %v", got, want)
	}
	if !strings.Contains(link, `max_id=`+ids[7]+`>; rel="next"`) || !strings.Contains(link, `min_id=`+ids[9]+`>; rel="prev"`) {
		t.Errorf("Link = %s", link)
	}
	got, _ = page(t, srv, "min_id="+ids[1]+"&limit=3")
	if want := []string{ids[4], ids[3], ids[2]}; !slices.Equal(got, want) {
		t.Errorf("min_id page = %v, want %v", got, want)
	}
	got, _ = page(t, srv, "max_id="+ids[5]+"&limit=2")
	if want := []string{ids[4], ids[3]}; !slices.Equal(got, want) {
		t.Errorf("max_id page = %v, want %v", got, want)
	}
	if got, _ := page(t, srv, "min_id="+ids[9]); len(got) != 0 {
		t.Errorf("page after the newest = %v, want empty", got)
	}
}
