package web_test

import (
	"encoding/csv"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/report"
	"github.com/heed-dev/heed/internal/report/reporttest"
)

// fixtureRange is the report fixture's week as the page's date fields.
const fixtureRange = "from_date=2026-03-02&to_date=2026-03-06"

func csvRows(t *testing.T, body string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, body)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(report.CSVHeader, ",") {
		t.Fatalf("csv header = %v", recs)
	}
	return recs[1:]
}

func TestReportPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, _ := e.workspace("Acme")
		f := reporttest.Build(t, e.store, ws.ID)
		sue := e.as(e.agent(ws, "sue@acme.test", "Sue", model.RoleSupervisor))
		agent := e.as(e.agent(ws, "al@acme.test", "Al", model.RoleAgent))

		agent.get("/reports").mustStatus(t, 403, "agents do not read reports")
		agent.get("/live").mustStatus(t, 403, "nor the live board")

		page := sue.get("/reports?"+fixtureRange).mustStatus(t, 200, "reports").
			mustContain(t, "reports",
				`data-metric="volume_in"`, `data-metric="response_rate"`, `data-metric="sla"`,
				`role="img"`, `id="chart-volume"`, `id="chart-first-response"`, `id="chart-heatmap"`, `id="chart-sentiment"`,
				`id="table-agents"`, `data-agent="Ana"`, `data-account="AskBrand"`, `id="report-export"`)
		// Response rate 5 of 7; SLA kept 2 of 4 (A1, F1 kept; A2, A3 breached).
		page.mustContain(t, "figures", ">71.4%<", ">50%<", ">9<")
		page.mustNotContain(t, "no inline style", "style=")

		// A histogram bar's link lists exactly its conversations.
		list := sue.get("/reports/conversations?"+fixtureRange+"&bucket=frt%3A3").mustStatus(t, 200, "drill-down")
		list.mustContain(t, "A2 (30 min) is in 30 min–1 h", `data-id="`+f.Conv["A2"]+`"`, "/conversations/"+f.Conv["A2"], "30 min–1 h: 1")
		list.mustNotContain(t, "A1 (10 min) is not", f.Conv["A1"])

		sue.get("/reports/conversations?"+fixtureRange+"&bucket=nope").mustStatus(t, 400, "unknown bucket")
		sue.get("/reports?from_date=2026-03-06&to_date=2026-03-02").mustStatus(t, 422, "reversed range").mustContain(t, "message", "must be before to")
		sue.get("/reports?"+fixtureRange+"&team=Care&agent=Ana").mustStatus(t, 422, "team and agent").mustContain(t, "message", "not both")

		// CSV: the whole selection, a bucket, a team.
		res := sue.get("/reports/conversations.csv?"+fixtureRange).mustStatus(t, 200, "csv")
		if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("content type %q", ct)
		}
		if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
			t.Errorf("content disposition %q", cd)
		}
		if rows := csvRows(t, res.body); len(rows) != 9 {
			t.Errorf("csv rows = %d, want 9", len(rows))
		}
		rows := csvRows(t, sue.get("/reports/conversations.csv?"+fixtureRange+"&bucket=responded").mustStatus(t, 200, "csv bucket").body)
		got := map[string]bool{}
		for _, r := range rows {
			got[r[0]] = true
		}
		for _, name := range []string{"A1", "A2", "F1", "F2"} { // and the imported I1
			if !got[f.Conv[name]] {
				t.Errorf("responded csv lacks %s", name)
			}
		}
		if len(rows) != 5 {
			t.Errorf("responded csv rows = %d, want 5", len(rows))
		}
		if rows := csvRows(t, sue.get("/reports/conversations.csv?"+fixtureRange+"&team=Care").body); len(rows) != 3 {
			t.Errorf("team csv rows = %d, want 3 (A1, A3, F2)", len(rows))
		}

		// First-response median: calendar 1 h (600, 1800, 3600, 58800, 233100 s);
		// in business hours 30 min (0, 1200, 1800, 1800, 2700 s).
		page.mustContain(t, "calendar median", ">1h 00m<")
		sue.get("/reports?"+fixtureRange+"&hours=business").mustStatus(t, 200, "business hours").mustContain(t, "business median", ">30m 00s<", "hours=business")

		// Links on the page keep the filters.
		teamPage := sue.get("/reports?"+fixtureRange+"&team=Care").mustStatus(t, 200, "team filter")
		teamPage.mustContain(t, "links carry the team", "team=Care")

		// Open now, none assigned to an agent: A3 (Care, breached), F2 (Care), and
		// without a team A2 (breached), W1, O1, O2; the others are resolved.
		live := sue.get("/live").mustStatus(t, 200, "live board").mustContain(t, "board", `id="live-board"`, `data-metric="breached"`, `data-agent="Ana"`)
		live.mustContain(t, "Care: 2 open, 2 unassigned, 1 breached",
			`<tr data-team="Care"><th scope="row">Care</th><td class="open">2</td><td class="unassigned">2</td>`+"\n"+`          <td class="soon">0</td><td class="breached bad">1</td></tr>`)
		live.mustContain(t, "no team: A2, W1, O1, O2; A2 breached",
			`<tr data-team="No team"><th scope="row">No team</th><td class="open">4</td><td class="unassigned">4</td>`+"\n"+`          <td class="soon">0</td><td class="breached bad">1</td></tr>`)
		frag := sue.get("/live", "HX-Request", "true").mustStatus(t, 200, "fragment")
		if strings.Contains(frag.body, "<html") || !strings.Contains(frag.body, `id="live-board"`) {
			t.Errorf("fragment is a page: %.200s", frag.body)
		}
	})
}

// Customer names and account names are shown, never run.
func TestReportPagesEscapeHostileText(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ws, admin := e.workspace("Acme")
		const hostile = `<img src=x onerror=alert(1)>`
		ch, err := e.store.CreateChannel(e.ctx, model.Channel{WorkspaceID: ws.ID, Type: "webchat", Name: hostile, Secret: "s"})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(-time.Hour)
		id, err := e.store.ResolveIdentity(e.ctx, model.Identity{WorkspaceID: ws.ID, Network: "webchat", ExternalID: "h1", Name: hostile})
		if err != nil {
			t.Fatal(err)
		}
		c, _, err := e.store.ThreadConversation(e.ctx, model.Conversation{WorkspaceID: ws.ID, ChannelID: ch.ID, CustomerID: id.CustomerID,
			IdentityID: id.ID, ThreadID: "h1", CreatedAt: at, LastMessageAt: at})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.store.InsertMessage(e.ctx, model.Message{WorkspaceID: ws.ID, ConversationID: c.ID, ChannelID: ch.ID,
			Direction: model.DirectionIn, ExternalID: "h1", Text: hostile, CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
		cl := e.as(admin)
		cl.get("/reports?hours=business").mustStatus(t, 422, "no business hours").mustContain(t, "why", "set them first")
		for _, path := range []string{"/reports", "/reports/conversations?bucket=all&account=" + url.QueryEscape(hostile)} {
			r := cl.get(path).mustStatus(t, 200, path)
			r.mustNotContain(t, path, hostile)
			r.mustContain(t, path, "&lt;img src=x onerror=alert(1)&gt;")
		}
	})
}
