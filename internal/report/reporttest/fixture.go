// Package reporttest builds the hand-computed report fixture: a week of
// conversations written through the same store calls the live pipeline and
// inbox make (plus one imported thread), whose every figure the report tests
// work out by hand.
package reporttest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/report"
	"github.com/heed-dev/heed/internal/store"
)

// T0 is Monday 2 March 2026, 08:00 UTC: one hour before the fixture's
// business hours open.
var T0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// From and To bound the fixture's report range; conversations at From are in,
// at To out.
var (
	From = T0
	To   = time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC)
)

// BusinessHours is the fixture workspace's schedule: Monday to Friday,
// 09:00–17:00 UTC.
const BusinessHours = `{"time_zone":"UTC","week":{"monday":[{"start":"09:00","end":"17:00"}],"tuesday":[{"start":"09:00","end":"17:00"}],` +
	`"wednesday":[{"start":"09:00","end":"17:00"}],"thursday":[{"start":"09:00","end":"17:00"}],"friday":[{"start":"09:00","end":"17:00"}]}}`

// Fixture is what Build made.
type Fixture struct {
	WorkspaceID string
	Ana, Ben    model.Agent
	Care        model.Team
	Conv        map[string]string // fixture name (A1…) → conversation id
}

// Build writes the fixture into the workspace. The conversations (times from
// T0 = Mon 08:00 UTC; "FR" is the first substantive reply):
//
//	name  account     type      public  what happens
//	A1    AskBrand    x         yes     in 08:00; Ana holding 08:02 (public); Ana FR 08:10 public; resolved 09:00; team Care, assignee Ana; SLA policy, kept
//	A2    AskBrand    x         yes     in 09:00; Ben FR 09:30 private (DM); open; SLA policy, breached
//	A3    AskBrand    x         yes     in 10:00; Ana holding 10:05 only; team Care; SLA policy, breached
//	A4    AskBrand    x         yes     in 11:00, spam; Ana FR 11:01; resolved 11:02
//	A5    AskBrand    x         yes     in 12:00 ("thanks!"), needs no response; resolved 12:05
//	I1    AskBrand    x         yes     imported: in Mon 16:50, brand reply Tue 09:10 (the last message: resolved then)
//	F1    Brand Page  facebook  yes     in 08:30; Ben FR 09:30 public; resolved 10:30; SLA policy, kept
//	F2    Brand Page  facebook  no      in Fri 6 March 16:30; Ana FR Mon 9 March 09:15 private; team Care
//	W1    Chat        webchat   no      in 13:00; no reply
//	O1    AskBrand    x         yes     in Sun 1 March 10:00 (before From); Ana FR 10:01
//	O2    Chat        webchat   no      in Sat 7 March 00:00 (= To, out of range); Ben FR 00:10
//
// The workspace gets BusinessHours.
func Build(t testing.TB, st *store.Store, workspaceID string) Fixture {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f := Fixture{WorkspaceID: workspaceID, Conv: map[string]string{}}
	var err error
	f.Ana, err = st.CreateAgent(ctx, model.Agent{WorkspaceID: workspaceID, Email: "ana-report@example.com", Name: "Ana", Role: model.RoleAgent, PasswordHash: "x"})
	must(err)
	f.Ben, err = st.CreateAgent(ctx, model.Agent{WorkspaceID: workspaceID, Email: "ben-report@example.com", Name: "Ben", Role: model.RoleAgent, PasswordHash: "x"})
	must(err)
	f.Care, err = st.CreateTeam(ctx, model.Team{WorkspaceID: workspaceID, Name: "Care", MemberIDs: []string{f.Ana.ID}})
	must(err)
	must(st.SetBusinessHours(ctx, workspaceID, BusinessHours))
	channels := map[string]model.Channel{}
	for _, c := range []struct{ typ, name string }{{"x", "AskBrand"}, {"facebook", "Brand Page"}, {"webchat", "Chat"}} {
		ch, err := st.CreateChannel(ctx, model.Channel{WorkspaceID: workspaceID, Type: c.typ, Name: c.name, Secret: "s"})
		must(err)
		channels[c.name] = ch
	}
	at := func(d time.Duration) time.Time { return T0.Add(d) }
	conv := func(name, account string, public bool, in time.Time) string {
		t.Helper()
		ch := channels[account]
		id, err := st.ResolveIdentity(ctx, model.Identity{WorkspaceID: workspaceID, Network: ch.Type, ExternalID: "cust-" + name, Handle: "@" + strings.ToLower(name)})
		must(err)
		c, _, err := st.ThreadConversation(ctx, model.Conversation{WorkspaceID: workspaceID, ChannelID: ch.ID, CustomerID: id.CustomerID,
			IdentityID: id.ID, ThreadID: "thread-" + name, Public: public, CreatedAt: in, LastMessageAt: in})
		must(err)
		_, _, err = st.InsertMessage(ctx, model.Message{WorkspaceID: workspaceID, ConversationID: c.ID, ChannelID: ch.ID, Direction: model.DirectionIn,
			ExternalID: "msg-" + name, Text: "help " + name, Public: public, CreatedAt: in})
		must(err)
		f.Conv[name] = c.ID
		return c.ID
	}
	reply := func(convID string, a model.Agent, when time.Time, public, holding bool) {
		t.Helper()
		c, err := st.GetConversation(ctx, workspaceID, convID)
		must(err)
		_, _, err = st.InsertMessage(ctx, model.Message{WorkspaceID: workspaceID, ConversationID: convID, ChannelID: c.ChannelID, Direction: model.DirectionOut,
			AuthorAgentID: a.ID, Text: "reply", Public: public, Holding: holding, CreatedAt: when, DeliveryStatus: model.DeliverySent})
		must(err)
		must(st.RecordReply(ctx, convID, when, "reply", holding))
	}
	resolve := func(convID string, when time.Time) {
		t.Helper()
		must(st.SetConversationStatus(ctx, workspaceID, convID, model.StatusResolved, when))
	}
	policy := func(convID string, breached bool) {
		t.Helper()
		must(st.SetConversationSLA(ctx, convID, store.SLAState{PolicyID: "policy-x", Breached: breached}))
	}

	a1 := conv("A1", "AskBrand", true, at(0))
	reply(a1, f.Ana, at(2*time.Minute), true, true)
	reply(a1, f.Ana, at(10*time.Minute), true, false)
	resolve(a1, at(time.Hour))
	must(st.AssignConversation(ctx, workspaceID, a1, f.Ana.ID, f.Care.ID))
	policy(a1, false)

	a2 := conv("A2", "AskBrand", true, at(time.Hour))
	reply(a2, f.Ben, at(time.Hour+30*time.Minute), false, false)
	policy(a2, true)

	a3 := conv("A3", "AskBrand", true, at(2*time.Hour))
	reply(a3, f.Ana, at(2*time.Hour+5*time.Minute), true, true)
	must(st.AssignConversation(ctx, workspaceID, a3, "", f.Care.ID))
	policy(a3, true)

	a4 := conv("A4", "AskBrand", true, at(3*time.Hour))
	must(st.SetConversationSpam(ctx, workspaceID, a4, true))
	reply(a4, f.Ana, at(3*time.Hour+time.Minute), true, false)
	resolve(a4, at(3*time.Hour+2*time.Minute))

	a5 := conv("A5", "AskBrand", true, at(4*time.Hour))
	must(st.SetConversationAnalysis(ctx, a5, store.ConversationAnalysis{Language: "en", SentimentScore: 0.8, SentimentLabel: "positive", NeedsResponse: false}))
	resolve(a5, at(4*time.Hour+5*time.Minute))

	f1 := conv("F1", "Brand Page", true, at(30*time.Minute))
	reply(f1, f.Ben, at(90*time.Minute), true, false)
	resolve(f1, at(150*time.Minute))
	policy(f1, false)

	f2 := conv("F2", "Brand Page", false, time.Date(2026, 3, 6, 16, 30, 0, 0, time.UTC))
	reply(f2, f.Ana, time.Date(2026, 3, 9, 9, 15, 0, 0, time.UTC), false, false)
	must(st.AssignConversation(ctx, workspaceID, f2, "", f.Care.ID))

	w1 := conv("W1", "Chat", false, at(5*time.Hour))
	must(st.SetConversationAnalysis(ctx, w1, store.ConversationAnalysis{Language: "en", SentimentScore: -0.6, SentimentLabel: "negative", NeedsResponse: true}))

	o1 := conv("O1", "AskBrand", true, time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	reply(o1, f.Ana, time.Date(2026, 3, 1, 10, 1, 0, 0, time.UTC), true, false)
	o2 := conv("O2", "Chat", false, To)
	reply(o2, f.Ben, To.Add(10*time.Minute), false, false)

	line := `{"channel_type":"x","account":"AskBrand","thread_id":"thread-I1","public":true,"messages":[` +
		`{"external_id":"i1-out","direction":"outbound","author":{"id":"AskBrand"},"text":"Thanks for waiting!","created_at":"2026-03-03T09:10:00Z"},` +
		`{"external_id":"i1-in","direction":"inbound","author":{"id":"cust-I1","handle":"@i1"},"text":"hello?","created_at":"2026-03-02T16:50:00Z"}]}` + "\n"
	res, err := report.Import(ctx, st, strings.NewReader(line), report.ImportOptions{})
	must(err)
	if res.Created != 1 {
		t.Fatalf("fixture import: %+v", res)
	}
	return f
}
