package report_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/report"
	"github.com/heed-dev/heed/internal/report/reporttest"
	"github.com/heed-dev/heed/internal/store"
)

func fixtureDetail(ws string) report.Detail {
	return report.Detail{Query: report.Query{WorkspaceID: ws, From: reporttest.From, To: reporttest.To, Hours: report.HoursCalendar}, Loc: time.UTC}
}

func eqF(t *testing.T, what string, got, want *float64) {
	t.Helper()
	if !sameFloat(got, want) {
		t.Errorf("%s = %s, want %s", what, show(got), show(want))
	}
}

func eqI(t *testing.T, what string, got, want int) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %d, want %d", what, got, want)
	}
}

// names gives the fixture's names (A1…) of conversations, sorted: their
// thread ids are "thread-" + name.
func names(convs []*report.Conversation) []string {
	var out []string
	for _, c := range convs {
		out = append(out, strings.TrimPrefix(c.ThreadID, "thread-"))
	}
	slices.Sort(out)
	return out
}

// The dashboard of the report fixture, every figure worked out by hand from
// the table in reporttest.Build (calendar hours, UTC).
func TestDashboardFixture(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st, ws := world(t, d)
		reporttest.Build(t, st, ws)
		ctx := context.Background()
		det := fixtureDetail(ws)
		convs, err := report.Collect(ctx, st, det)
		if err != nil {
			t.Fatal(err)
		}
		b := report.Build(convs, det)

		eqI(t, "conversations", b.Conversations, 9)
		// A1 two replies (holding + first response), A2, A3, A4, F1, F2, I1 one each.
		eqI(t, "replies out", b.RepliesOut, 8)
		eqI(t, "needing", b.Needing, 7)
		eqI(t, "responded", b.Responded, 5)
		// Acknowledged, needing a response: A1 120 s, A3 300, A2 1800, F1 3600,
		// I1 58800, F2 233100 → median (1800+3600)/2, p90 h=4.5.
		eqF(t, "ack median", b.Acknowledge.Median, n(2700))
		eqF(t, "ack p90", b.Acknowledge.P90, n(58800+0.5*(233100-58800)))
		eqI(t, "next responses", b.NextResponses, 0)
		// Resolved after a response: A1, F1, I1, each with one substantive reply.
		eqI(t, "fcr", b.FirstContact, 3)
		eqI(t, "fcr base", b.FirstContactBase, 3)
		// Public and responded: A1, A2, F1, I1; A2 was answered by DM.
		eqI(t, "public responded", b.PublicResponded, 4)
		eqI(t, "redirected", b.Redirected, 1)
		eqF(t, "redirect share", b.RedirectShare, n(0.25))
		if want := []report.ReasonCount{{Reason: "", Count: 1}}; !slices.Equal(b.RedirectReasons, want) {
			t.Errorf("redirect reasons = %+v, want %+v (A2, no reason given)", b.RedirectReasons, want)
		}
		eqI(t, "sentiment changed", b.SentimentChanged, 0)
		eqI(t, "with policy", b.WithPolicy, 4) // A1, A2, A3, F1
		eqI(t, "breached", b.Breached, 2)      // A2, A3

		var days []string
		for _, d := range b.Days {
			days = append(days, d.Date)
		}
		if want := []string{"2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"}; !slices.Equal(days, want) {
			t.Fatalf("days = %v, want %v", days, want)
		}
		in := []int{8, 0, 0, 0, 1}
		out := []int{6, 1, 0, 0, 0} // replies sent: Mon A1 ×2 (holding + first response), A2, A3, A4, F1; Tue I1 (F2's reply is on 9 March, after the range)
		for i, d := range b.Days {
			eqI(t, d.Date+" in", d.In, in[i])
			eqI(t, d.Date+" out", d.Out, out[i])
		}
		eqI(t, "Mon scored", b.Days[0].Scored, 2)            // A5 0.8, W1 -0.6
		eqF(t, "Mon sentiment", b.Days[0].Sentiment, n(0.1)) // their mean
		eqF(t, "Tue sentiment", b.Days[1].Sentiment, nil)

		// First responses: A1 600 s, A2 1800, F1 3600, I1 58800, F2 233100.
		wantBins := []int{0, 1, 0, 1, 1, 0, 1, 1}
		for i, bin := range b.Histogram {
			eqI(t, "bin "+bin.Label, bin.Count, wantBins[i])
		}

		// Heatmap: Monday 08:00 holds A1 and F1; F2 on Friday 16:00.
		eqI(t, "Mon 08", b.Heatmap.Cells[0][8], 2)
		eqI(t, "Mon 16", b.Heatmap.Cells[0][16], 1) // I1
		eqI(t, "Fri 16", b.Heatmap.Cells[4][16], 1)
		eqI(t, "max", b.Heatmap.Max, 2)
		total := 0
		for _, row := range b.Heatmap.Cells {
			for _, v := range row {
				total += v
			}
		}
		eqI(t, "heatmap total", total, 9)

		if len(b.Agents) != 2 || b.Agents[0].Name != "Ana" || b.Agents[1].Name != "Ben" {
			t.Fatalf("agents = %+v", b.Agents)
		}
		ana, ben := b.Agents[0], b.Agents[1]
		eqI(t, "Ana answered", ana.Answered, 2) // A1, F2 (A4 is spam)
		eqF(t, "Ana median", ana.FirstResponse.Median, n((600+233100)/2.0))
		eqF(t, "Ana p90", ana.FirstResponse.P90, n(600+0.9*(233100-600)))
		eqI(t, "Ana resolved", ana.Resolved, 1)
		eqI(t, "Ana replies", ana.Replies, 5) // A1 ×2, A3, A4, F2
		eqI(t, "Ben answered", ben.Answered, 2)
		eqF(t, "Ben median", ben.FirstResponse.Median, n(2700))
		eqI(t, "Ben replies", ben.Replies, 2)

		if len(b.Scorecard) != 3 {
			t.Fatalf("scorecard = %+v", b.Scorecard)
		}
		ask, page, chat := b.Scorecard[0], b.Scorecard[1], b.Scorecard[2]
		if ask.Account != "AskBrand" || page.Account != "Brand Page" || chat.Account != "Chat" {
			t.Fatalf("scorecard order: %s, %s, %s", ask.Account, page.Account, chat.Account)
		}
		eqI(t, "AskBrand conversations", ask.Conversations, 6)
		eqF(t, "AskBrand rate", ask.ResponseRate, n(0.75)) // A1 A2 I1 of A1 A2 A3 I1
		eqF(t, "AskBrand 5m", ask.Share5m, n(0))
		eqF(t, "AskBrand 1h", ask.Share1h, n(0.5)) // A1, A2
		eqF(t, "AskBrand 6h", ask.Share6h, n(0.5))
		eqF(t, "AskBrand public resolution", ask.PublicResolution, n(1)) // A1, I1
		eqF(t, "AskBrand signature", ask.SignatureShare, nil)            // no signature templates
		eqF(t, "AskBrand name", ask.NameShare, nil)                      // customers known by handle only
		eqF(t, "Brand Page 1h", page.Share1h, n(0.5))                    // F1 at exactly 1 h counts
		eqF(t, "Brand Page rate", page.ResponseRate, n(1))
		eqF(t, "Chat rate", chat.ResponseRate, n(0))
		eqF(t, "Chat public resolution", chat.PublicResolution, nil)

		// Drill-downs list exactly the conversations behind the numbers.
		for bucket, want := range map[string][]string{
			"all":                         {"A1", "A2", "A3", "A4", "A5", "F1", "F2", "I1", "W1"},
			"responded":                   {"A1", "A2", "F1", "F2", "I1"},
			"unanswered":                  {"A3", "W1"},
			"redirected":                  {"A2"},
			"breached":                    {"A2", "A3"},
			"day:2026-03-06":              {"F2"},
			"out:2026-03-03":              {"I1"},
			"scored:2026-03-02":           {"A5", "W1"},
			"frt:3":                       {"A2"},
			"frt:7":                       {"F2"},
			"hour:0-8":                    {"A1", "F1"},
			"agent:Ana":                   {"A1", "F2"},
			"replies:Ben":                 {"A2", "F1"},
			"account:1h:AskBrand":         {"A1", "A2"},
			"account:needing:Chat":        {"W1"},
			"account:resolved:Brand Page": {"F1"},
		} {
			match, label, err := report.Match(bucket)
			if err != nil || label == "" {
				t.Fatalf("Match(%q): %v %q", bucket, err, label)
			}
			if got := names(report.Filter(convs, match)); !slices.Equal(got, want) {
				t.Errorf("bucket %s = %v, want %v", bucket, got, want)
			}
			// CollectFor skips the message pass where it can, with the same result.
			only, err := report.CollectFor(ctx, st, det, bucket)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(report.Filter(only, match)); !slices.Equal(got, want) {
				t.Errorf("CollectFor bucket %s = %v, want %v", bucket, got, want)
			}
		}
		for _, bad := range []string{"nope", "day:", "day:2026-13-01", "frt:8", "frt:-1", "hour:7-0", "hour:0-24", "account:9m:AskBrand", "agent:"} {
			if _, _, err := report.Match(bad); err == nil {
				t.Errorf("Match(%q) accepted", bad)
			}
		}

		// The drill-down counts agree with the summary's figures.
		s, err := report.Summarize(ctx, st, det.Query)
		if err != nil {
			t.Fatal(err)
		}
		eqI(t, "summary responded", s.Groups[0].Responded, b.Responded)
		eqI(t, "summary conversations", s.Groups[0].Conversations, b.Conversations)

		// In business hours (Mon–Fri 09–17 UTC): A1 0 s (answered before opening),
		// I1 1200 s (16:50–17:00 + 09:00–09:10), A2 and F1 1800 s, F2 2700 s
		// (Fri 16:30–17:00 + Mon 09:00–09:15).
		biz := det
		biz.Hours = report.HoursBusiness
		bconvs, err := report.Collect(ctx, st, biz)
		if err != nil {
			t.Fatal(err)
		}
		bb := report.Build(bconvs, biz)
		for i, want := range []int{1, 0, 1, 3, 0, 0, 0, 0} {
			eqI(t, "business bin "+bb.Histogram[i].Label, bb.Histogram[i].Count, want)
		}

		// Team and agent filters keep the conversations the summary's
		// group_by team / agent would put in that group.
		det.Team = "Care"
		convs, err = report.Collect(ctx, st, det)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(convs); !slices.Equal(got, []string{"A1", "A3", "F2"}) {
			t.Errorf("team Care = %v", got)
		}
		det.Team, det.Agent = "", "Ben"
		convs, err = report.Collect(ctx, st, det)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(convs); !slices.Equal(got, []string{"A2", "F1"}) {
			t.Errorf("agent Ben = %v", got)
		}
	})
}

// Next responses, sentiment change, signatures and names, which need
// several messages per conversation.
func TestDashboardReplies(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st, ws := world(t, d)
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		ana, err := st.CreateAgent(ctx, model.Agent{WorkspaceID: ws, Email: "ana@example.com", Name: "Ana Lopez", Role: model.RoleAgent, PasswordHash: "x"})
		must(err)
		must(st.SetSignatures(ctx, ws, map[string]string{"webchat": "– {{agent.first_name}}"}))
		ch, err := st.CreateChannel(ctx, model.Channel{WorkspaceID: ws, Type: "webchat", Name: "Chat", Secret: "s"})
		must(err)
		t0 := time.Date(2026, 4, 6, 10, 0, 0, 0, time.UTC)
		conv := func(ext, name string, at time.Time) model.Conversation {
			id, err := st.ResolveIdentity(ctx, model.Identity{WorkspaceID: ws, Network: "webchat", ExternalID: ext, Name: name})
			must(err)
			c, _, err := st.ThreadConversation(ctx, model.Conversation{WorkspaceID: ws, ChannelID: ch.ID, CustomerID: id.CustomerID,
				IdentityID: id.ID, ThreadID: ext, CreatedAt: at, LastMessageAt: at})
			must(err)
			return c
		}
		in := func(c model.Conversation, ext string, at time.Time, sentiment float64) {
			a, _ := json.Marshal(map[string]any{"sentiment": map[string]any{"compound": sentiment, "label": "x"}})
			_, _, err := st.InsertMessage(ctx, model.Message{WorkspaceID: ws, ConversationID: c.ID, ChannelID: ch.ID, Direction: model.DirectionIn,
				ExternalID: ext, Text: "msg", Analysis: a, CreatedAt: at})
			must(err)
		}
		out := func(c model.Conversation, at time.Time, text string, holding bool) {
			_, _, err := st.InsertMessage(ctx, model.Message{WorkspaceID: ws, ConversationID: c.ID, ChannelID: ch.ID, Direction: model.DirectionOut,
				AuthorAgentID: ana.ID, Text: text, Holding: holding, CreatedAt: at, DeliveryStatus: model.DeliverySent})
			must(err)
			must(st.RecordReply(ctx, c.ID, at, text, holding))
		}
		n1 := conv("n1", "Cleo Park", t0)
		in(n1, "n1-a", t0, -0.5)
		out(n1, t0.Add(2*time.Minute), "Hi Cleo, we are on it – Ana", false) // signed, named
		in(n1, "n1-b", t0.Add(10*time.Minute), 0.25)
		out(n1, t0.Add(40*time.Minute), "All fixed now.", false) // neither
		must(st.SetConversationStatus(ctx, ws, n1.ID, model.StatusResolved, t0.Add(41*time.Minute)))
		// Cleo answers a CSAT survey with 5.
		sv, err := st.CreateSurvey(ctx, store.Survey{WorkspaceID: ws, ConversationID: n1.ID, IdentityID: n1.IdentityID,
			ResolvedAt: t0.Add(41 * time.Minute), Kind: store.SurveyCSAT, DueAt: t0.Add(45 * time.Minute)})
		must(err)
		must(st.MarkSurveySent(ctx, sv.ID, t0.Add(45*time.Minute), t0.Add(7*24*time.Hour), 1))
		must(st.AnswerSurvey(ctx, sv.ID, 5, "", t0.Add(50*time.Minute)))
		n2 := conv("n2", "Dan", t0.Add(time.Hour))
		in(n2, "n2-a", t0.Add(time.Hour), 0.5)
		in(n2, "n2-b", t0.Add(65*time.Minute), -0.1)
		out(n2, t0.Add(66*time.Minute), "Looking into it, Dan – Ana", true) // holding: not scored

		det, err := report.ParseDetail(url.Values{"from_date": {"2026-04-06"}, "to_date": {"2026-04-06"}}, ws, t0.Add(48*time.Hour), time.UTC)
		must(err)
		convs, err := report.Collect(ctx, st, det)
		must(err)
		b := report.Build(convs, det)
		eqI(t, "conversations", b.Conversations, 2)
		eqI(t, "replies", b.RepliesOut, 3)
		eqI(t, "next responses", b.NextResponses, 1)
		eqF(t, "next median", b.NextResponse.Median, n(1800)) // 10:10 → 10:40
		eqI(t, "fcr", b.FirstContact, 0)                      // two substantive replies
		eqI(t, "fcr base", b.FirstContactBase, 1)
		eqI(t, "sentiment changed", b.SentimentChanged, 2)
		eqI(t, "improved", b.SentimentImproved, 1)
		eqI(t, "worsened", b.SentimentWorsened, 1)
		eqF(t, "delta", b.SentimentDelta, n((0.75-0.6)/2))
		card := b.Scorecard[0]
		eqI(t, "attributed", card.Attributed, 2)
		eqF(t, "signature share", card.SignatureShare, n(0.5))
		eqF(t, "name share", card.NameShare, n(0.5))
		for bucket, want := range map[string]int{"next": 1, "improved": 1, "worsened": 1, "fcr": 0, "fcr_base": 1,
			"csat": 1, "csat_satisfied": 1, "nps": 0, "detractors": 0} {
			match, _, err := report.Match(bucket)
			must(err)
			eqI(t, "bucket "+bucket, len(report.Filter(convs, match)), want)
		}
	})
}

func TestParseDetail(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	d, err := report.ParseDetail(url.Values{"from_date": {"2026-03-02"}, "to_date": {"2026-03-03"}, "team": {"Care"}}, "ws", now, berlin)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC); !d.From.Equal(want) {
		t.Errorf("from = %v, want %v (midnight in Berlin)", d.From, want)
	}
	if want := time.Date(2026, 3, 3, 23, 0, 0, 0, time.UTC); !d.To.Equal(want) {
		t.Errorf("to = %v, want %v (end of the to date)", d.To, want)
	}
	back, err := report.ParseDetail(d.Values(), "ws", now, berlin)
	if err != nil || !back.From.Equal(d.From) || !back.To.Equal(d.To) || back.Team != "Care" {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	for _, v := range []url.Values{
		{"from_date": {"2 March"}},
		{"to_date": {"2026-02-30"}},
		{"team": {"Care"}, "agent": {"Ana"}},
		{"from_date": {"2026-03-04"}, "to_date": {"2026-03-02"}},
	} {
		if _, err := report.ParseDetail(v, "ws", now, berlin); err == nil {
			t.Errorf("ParseDetail(%v) accepted", v)
		}
	}
}
