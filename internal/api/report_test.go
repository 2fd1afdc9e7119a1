package api

// The report routes are tested on a mux of their own (registerReports), so
// that they do not depend on how Register mounts them; the scenario test on
// a whole node with real data is internal/cli's TestImportRealData.

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/report"
	"github.com/heed-dev/heed/internal/report/reporttest"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
)

type reportEnv struct {
	t                 *testing.T
	url               string
	st                *store.Store
	wsID              string
	supervisor, agent string // tokens
	fx                reporttest.Fixture
}

func newReportEnv(t *testing.T, engine db.Engine) *reportEnv {
	t.Helper()
	ctx := context.Background()
	box, err := secret.New([]byte("api-report-test-key-0123456"))
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(dbtest.Open(t, engine), box)
	ws, err := st.CreateWorkspace(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	token := func(email string, role model.Role) string {
		a, err := st.CreateAgent(ctx, model.Agent{WorkspaceID: ws.ID, Email: email, Name: email, Role: role, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		value := "heed_" + secret.RandomToken(24)
		if _, err := st.CreateAPIToken(ctx, model.APIToken{WorkspaceID: ws.ID, AgentID: a.ID, Name: "t", TokenHash: secret.Hash(value)}); err != nil {
			t.Fatal(err)
		}
		return value
	}
	e := &reportEnv{t: t, st: st, wsID: ws.ID, supervisor: token("sup@example.com", model.RoleSupervisor), agent: token("agent@example.com", model.RoleAgent)}
	e.fx = reporttest.Build(t, st, ws.ID)
	h := New(Deps{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	mux := http.NewServeMux()
	h.registerReports(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

func (e *reportEnv) get(token, path string, params url.Values) (*http.Response, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.url+path+"?"+params.Encode(), nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

func fixtureRange(extra ...string) url.Values {
	v := url.Values{"from": {reporttest.From.Format(time.RFC3339)}, "to": {reporttest.To.Format(time.RFC3339)}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

func TestReportSummaryAPI(t *testing.T) {
	for _, engine := range dbtest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			e := newReportEnv(t, engine)
			const path = "/api/v1/reports/summary"

			if res, _ := e.get("", path, fixtureRange()); res.StatusCode != http.StatusUnauthorized {
				t.Errorf("no token: %d", res.StatusCode)
			}
			if res, _ := e.get(e.agent, path, fixtureRange()); res.StatusCode != http.StatusForbidden {
				t.Errorf("agent role: %d, want 403", res.StatusCode)
			}
			for _, tt := range []struct{ params url.Values }{
				{fixtureRange("from", "last week")},
				{fixtureRange("group_by", "customer")},
				{fixtureRange("hours", "office")},
				{fixtureRange("public", "1")},
				{fixtureRange("from", "2026-04-01T00:00:00Z")},
			} {
				res, body := e.get(e.supervisor, path, tt.params)
				var eb struct{ Error APIError }
				json.Unmarshal(body, &eb)
				if res.StatusCode != http.StatusBadRequest || eb.Error.Code != "invalid" || eb.Error.Field == "" || eb.Error.Message == "" {
					t.Errorf("%v: %d %s", tt.params, res.StatusCode, body)
				}
			}

			res, body := e.get(e.supervisor, path, fixtureRange("group_by", "account"))
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("summary: %d %s", res.StatusCode, body)
			}
			// The exact shape, with the hand-computed AskBrand and Chat figures
			// (see internal/report's TestSummaryByHand).
			var got struct {
				Groups []map[string]json.RawMessage `json:"groups"`
			}
			if err := json.Unmarshal(body, &got); err != nil || len(got.Groups) != 3 {
				t.Fatalf("summary body: %s", body)
			}
			wantAsk := map[string]string{"key": `"AskBrand"`, "conversations": "6", "responded": "3", "response_rate": "0.75",
				"first_response_seconds": `{"median":1800,"p90":47400}`, "resolution_seconds": `{"median":3600,"p90":47760}`,
				"public_share": "0.6666666666666666", "sla_attainment": "0.3333333333333333",
				"csat": `{"responses":0,"score":null,"average":null}`, "nps": `{"responses":0,"score":null,"promoters":0,"passives":0,"detractors":0}`}
			wantChat := map[string]string{"key": `"Chat"`, "conversations": "1", "responded": "0", "response_rate": "0",
				"first_response_seconds": `{"median":null,"p90":null}`, "resolution_seconds": `{"median":null,"p90":null}`,
				"public_share": "null", "sla_attainment": "null",
				"csat": `{"responses":0,"score":null,"average":null}`, "nps": `{"responses":0,"score":null,"promoters":0,"passives":0,"detractors":0}`}
			for i, want := range map[int]map[string]string{0: wantAsk, 2: wantChat} {
				if len(got.Groups[i]) != len(want) {
					t.Errorf("group %d has fields %v", i, got.Groups[i])
				}
				for k, v := range want {
					if string(got.Groups[i][k]) != v {
						t.Errorf("group %d %s = %s, want %s", i, k, got.Groups[i][k], v)
					}
				}
			}

			// Business hours come from the workspace; without them, 400.
			if res, body := e.get(e.supervisor, path, fixtureRange("group_by", "account", "hours", "business")); res.StatusCode != 200 ||
				!strings.Contains(string(body), `"first_response_seconds":{"median":1200,"p90":1680}`) {
				t.Errorf("business hours: %d %s", res.StatusCode, body)
			}
			if err := e.st.SetBusinessHours(context.Background(), e.wsID, ""); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{path, "/api/v1/reports/conversations.csv"} {
				res, body := e.get(e.supervisor, p, fixtureRange("hours", "business"))
				if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"field":"hours"`) {
					t.Errorf("%s without business hours: %d %s", p, res.StatusCode, body)
				}
			}
		})
	}
}

func TestReportCSVAPI(t *testing.T) {
	e := newReportEnv(t, db.SQLite)
	ctx := context.Background()
	// Hostile names: an imported account and thread id, an agent and a team,
	// each a formula or carrying CSV metacharacters.
	hostile := `{"channel_type":"x","account":"=HYPERLINK(\"http://evil.example\",\"click\"), \"quoted\"","thread_id":"+1+cmd|' /C calc'!A0","public":true,` +
		`"messages":[{"external_id":"h1","direction":"inbound","author":{"id":"mallory"},"text":"=1+1","created_at":"2026-03-04T10:00:00Z"}]}`
	if _, err := report.Import(ctx, e.st, strings.NewReader(hostile), report.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	evil, err := e.st.CreateAgent(ctx, model.Agent{WorkspaceID: e.wsID, Email: "evil@example.com", Name: "@SUM(1+1)*cmd", Role: model.RoleAgent, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	team, err := e.st.CreateTeam(ctx, model.Team{WorkspaceID: e.wsID, Name: "-2+3\nline"})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := e.st.ListConversations(ctx, store.ConversationFilter{WorkspaceID: e.wsID, Query: "mallory"})
	if err != nil || len(c) != 1 {
		t.Fatalf("hostile conversation: %v %d", err, len(c))
	}
	if err := e.st.AssignConversation(ctx, e.wsID, c[0].ID, evil.ID, team.ID); err != nil {
		t.Fatal(err)
	}

	if res, _ := e.get(e.agent, "/api/v1/reports/conversations.csv", fixtureRange()); res.StatusCode != http.StatusForbidden {
		t.Errorf("agent role: %d", res.StatusCode)
	}
	res, body := e.get(e.supervisor, "/api/v1/reports/conversations.csv", fixtureRange())
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v %s", res.StatusCode, res.Header, body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatalf("export is not valid CSV: %v\n%s", err, body)
	}
	if strings.Join(rows[0], ",") != "id,account,channel_type,thread_id,public,status,created_at,first_response_seconds,resolution_seconds,"+
		"acknowledged_seconds,responded,assignee,team,sla_breached,sentiment,spam,survey_kind,survey_score,"+
		"first_reply_public,first_replier,redirect_reason,customer" {
		t.Errorf("header %v", rows[0])
	}
	// One row per conversation in range: the fixture's nine and the hostile one.
	if len(rows) != 11 {
		t.Fatalf("%d rows, want header + 10:\n%s", len(rows), body)
	}
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		if len(r) != 22 {
			t.Fatalf("row with %d cells: %v", len(r), r)
		}
		byID[r[0]] = r
	}
	// A1: holding reply at +2 min, answer at +10, resolved at +60.
	if got := strings.Join(byID[e.fx.Conv["A1"]][1:], ","); got != "AskBrand,x,thread-A1,true,resolved,2026-03-02T08:00:00Z,600,3600,120,true,Ana,Care,false,,false,,,true,Ana,,'@a1" {
		t.Errorf("A1 row: %s", got)
	}
	// A negative sentiment stays a number; W1 was never answered.
	if got := strings.Join(byID[e.fx.Conv["W1"]][1:], ","); got != "Chat,webchat,thread-W1,false,new,2026-03-02T13:00:00Z,,,,false,,,false,-0.6,false,,,,,,'@w1" {
		t.Errorf("W1 row: %s", got)
	}
	// A4 is spam: answered, but not "responded".
	if r := byID[e.fx.Conv["A4"]]; r[10] != "false" || r[15] != "true" || r[7] != "60" {
		t.Errorf("A4 row: %v", r)
	}
	h := byID[c[0].ID]
	if h == nil {
		t.Fatal("hostile conversation missing from the export")
	}
	for i, want := range map[int]string{
		1:  `'=HYPERLINK("http://evil.example","click"), "quoted"`,
		3:  `'+1+cmd|' /C calc'!A0`,
		11: `'@SUM(1+1)*cmd`,
		12: "'-2+3\nline",
	} {
		if h[i] != want {
			t.Errorf("cell %s = %q, want %q", rows[0][i], h[i], want)
		}
	}
	for _, r := range rows {
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) {
				t.Errorf("cell %q can run as a formula", cell)
			}
			if cell != "" && cell[0] == '-' && cell != "-0.6" {
				t.Errorf("cell %q starts with -", cell)
			}
		}
	}

	// Filters apply to the export too.
	_, body = e.get(e.supervisor, "/api/v1/reports/conversations.csv", fixtureRange("channel_type", "facebook", "public", "false"))
	if rows, _ := csv.NewReader(strings.NewReader(string(body))).ReadAll(); len(rows) != 2 || rows[1][0] != e.fx.Conv["F2"] {
		t.Errorf("filtered export: %s", body)
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "AskBrand": "AskBrand", "=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@x": "'@x", "\tx": "'\tx", "\rx": "'\rx",
		" =1": " =1", "a=b": "a=b", "'=1": "'=1",
	} {
		if got := report.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
