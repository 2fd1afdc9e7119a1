package listening_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/listen/source"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

type page struct {
	status int
	body   string
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values, hx bool) page {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if hx {
		req.Header.Set("HX-Request", "true")
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{res.StatusCode, string(b)}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, html string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(html)
	if m == nil {
		t.Fatal("no csrf field on the page")
	}
	return m[1]
}

// TestListeningPageServer checks the page's server side without a browser:
// roles, the query error with its column, fragments, charts with their
// tables, and hostile post text escaped.
func TestListeningPageServer(t *testing.T) {
	n := apptest.Start(t, db.SQLite)
	admin := n.BrowserSession(t, n.Admin)
	agent, _ := n.NewAgent(t, "agent@example.com", model.RoleAgent)
	asAgent := n.BrowserSession(t, agent)

	p := fetch(t, admin, "GET", n.URL+"/listening", nil, false)
	if p.status != 200 || !strings.Contains(p.body, `id="rule-form"`) {
		t.Fatalf("admin page: %d", p.status)
	}
	csrf := csrfOf(t, p.body)
	bad := fetch(t, admin, "POST", n.URL+"/listening/rules", url.Values{"csrf": {csrf}, "name": {"Acme"}, "query": {"acme AND (down"}, "action": {"feed"}, "kind": {"brand"}, "enabled": {"1"}}, false)
	if bad.status != http.StatusUnprocessableEntity || !regexp.MustCompile(`Query, column \d+`).MatchString(bad.body) || !strings.Contains(bad.body, "acme AND (down") {
		t.Fatalf("broken query: %d, the column and the query kept? %q", bad.status, bad.body[:min(300, len(bad.body))])
	}
	ok := fetch(t, admin, "POST", n.URL+"/listening/rules", url.Values{"csrf": {csrf}, "name": {"Acme"}, "query": {"acme"}, "action": {"feed"}, "kind": {"brand"}, "enabled": {"1"}}, false)
	if ok.status != http.StatusSeeOther {
		t.Fatalf("save: %d", ok.status)
	}

	rs, _ := n.App.Store.ListListenRules(context.Background(), n.Admin.WorkspaceID)
	ed := fetch(t, admin, "GET", n.URL+"/listening?edit="+rs[0].ID, nil, false)
	if !strings.Contains(ed.body, "Edit rule") || !strings.Contains(ed.body, `name="id" value="`+rs[0].ID+`"`) {
		t.Fatal("the editor did not load the rule")
	}
	if r := fetch(t, admin, "POST", n.URL+"/listening/rules", url.Values{"csrf": {csrf}, "id": {rs[0].ID}, "name": {"Acme"}, "query": {"acme OR down"},
		"action": {"feed"}, "kind": {"brand"}, "enabled": {"1"}}, false); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.status)
	}
	if got, _ := n.App.Store.GetListenRule(context.Background(), n.Admin.WorkspaceID, rs[0].ID); got.Query != "acme OR down" {
		t.Fatalf("edited query = %q", got.Query)
	}
	ap := fetch(t, asAgent, "GET", n.URL+"/listening", nil, false)
	if ap.status != 200 || strings.Contains(ap.body, `id="rule-form"`) || !strings.Contains(ap.body, "Acme") {
		t.Fatalf("agent page: %d, editor shown: %v", ap.status, strings.Contains(ap.body, `id="rule-form"`))
	}
	if r := fetch(t, asAgent, "POST", n.URL+"/listening/rules", url.Values{"csrf": {csrfOf(t, ap.body)}, "name": {"X"}, "query": {"x"}}, false); r.status != http.StatusForbidden {
		t.Fatalf("agent saved a rule: %d", r.status)
	}

	if _, err := n.App.Listening.HandlePost(context.Background(), source.Post{Network: "bluesky", ID: "p1", Text: `acme <script>alert(1)</script> is down`,
		Author: `evil"><b>x`, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	rules, _ := n.App.Store.ListListenRules(context.Background(), n.Admin.WorkspaceID)
	hour := time.Now().UnixMilli() / store.HourMs
	if _, err := n.App.Store.CreateListenAlert(context.Background(), store.ListenAlert{WorkspaceID: n.Admin.WorkspaceID, RuleID: rules[0].ID, RuleName: "Acme",
		StartHour: hour, LastHour: hour, Volume: 42, Baseline: 2.5, Threshold: 10, TopTerms: []string{"checkout", "outage"}}); err != nil {
		t.Fatal(err)
	}
	full := fetch(t, asAgent, "GET", n.URL+"/listening?range=24h", nil, false)
	if !regexp.MustCompile(`(?s)id="alerts".*<strong>Acme</strong>: 42 mentions.*<mark>checkout</mark>, <mark>outage</mark>`).MatchString(full.body) {
		t.Error("the spike alert is not shown with its top terms")
	}
	if strings.Contains(full.body, "<script>alert(1)") || !strings.Contains(full.body, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(full.body, `evil"><b>`) {
		t.Fatal("hostile post text was not escaped")
	}
	for _, want := range []string{`id="volume-chart"`, `id="sentiment-chart"`, `id="share-chart"`, `<polyline`, `<th scope="row">Acme</th><td>brand</td><td>1</td><td>100.0 %</td>`} {
		if !strings.Contains(full.body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	frag := fetch(t, asAgent, "GET", n.URL+"/listening", nil, true)
	if strings.Contains(frag.body, "<html") || !strings.Contains(frag.body, `id="feed-items"`) || !strings.Contains(frag.body, "is down") {
		t.Fatalf("feed fragment: %q", frag.body[:min(200, len(frag.body))])
	}
	pv := fetch(t, asAgent, "POST", n.URL+"/listening/preview", url.Values{"csrf": {csrfOf(t, ap.body)}, "query": {"down"}}, true)
	if pv.status != 200 || strings.Contains(pv.body, "<html") || !strings.Contains(pv.body, "<strong>1</strong> of the last 1") {
		t.Fatalf("preview fragment: %d %q", pv.status, pv.body)
	}
}
