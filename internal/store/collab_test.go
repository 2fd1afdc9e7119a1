package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

func collabConversation(t *testing.T, f fixture, thread string) model.Conversation {
	t.Helper()
	ctx := context.Background()
	id, err := f.s.ResolveIdentity(ctx, model.Identity{WorkspaceID: f.ws.ID, Network: "api", ExternalID: "u-" + thread, Name: "Maria Lopez"})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := f.s.ThreadConversation(ctx, model.Conversation{WorkspaceID: f.ws.ID, ChannelID: f.channel.ID, CustomerID: id.CustomerID, IdentityID: id.ID, ThreadID: thread, Public: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The agents table was rebuilt on SQLite to widen its role CHECK: the
// contributor role is stored, an unknown role is still refused, and rows
// that refer to agents (sessions, team members) survive.
func TestContributorRoleStored(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		c, err := f.s.CreateAgent(ctx, model.Agent{WorkspaceID: f.ws.ID, Email: "cleo@store.test", Name: "Cleo", Role: model.RoleContributor, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := f.s.GetAgent(ctx, c.ID); err != nil || got.Role != model.RoleContributor {
			t.Fatalf("GetAgent = %+v, %v", got, err)
		}
		if _, err := f.s.CreateAgent(ctx, model.Agent{WorkspaceID: f.ws.ID, Email: "x@store.test", Name: "X", Role: "owner", PasswordHash: "x"}); err == nil {
			t.Fatal("an unknown role was stored: the CHECK constraint is gone")
		}
		if _, err := f.s.CreateTeam(ctx, model.Team{WorkspaceID: f.ws.ID, Name: "Stores", MemberIDs: []string{c.ID}}); err != nil {
			t.Fatalf("team with a contributor: %v", err)
		}
		if _, err := f.s.CreateTeam(ctx, model.Team{WorkspaceID: f.ws.ID, Name: "Ghosts", MemberIDs: []string{"no-such-agent"}}); err == nil {
			t.Fatal("a team member without an agent was stored: foreign keys are off")
		}
	})
}

func TestComposeSettingsRoundTrip(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		got, err := f.s.GetComposeSettings(ctx, f.ws.ID)
		if err != nil || len(got.Checks) != 0 || got.BlockingNeedsApproval || !got.UpdatedAt.IsZero() {
			t.Fatalf("fresh workspace settings = %+v, %v", got, err)
		}
		if _, err := f.s.PutComposeSettings(ctx, store.ComposeSettings{WorkspaceID: f.ws.ID, Checks: map[string]string{"spelling": store.CheckOff, "arguing": store.CheckBlock}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.PutComposeSettings(ctx, store.ComposeSettings{WorkspaceID: f.ws.ID, Checks: map[string]string{"arguing": store.CheckBlock}, BlockingNeedsApproval: true}); err != nil {
			t.Fatal(err)
		}
		got, err = f.s.GetComposeSettings(ctx, f.ws.ID)
		if err != nil || len(got.Checks) != 1 || got.Checks["arguing"] != store.CheckBlock || !got.BlockingNeedsApproval || got.UpdatedAt.IsZero() {
			t.Fatalf("after two saves = %+v, %v (the second replaces the first)", got, err)
		}
	})
}

func TestApprovalLifecycle(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		conv := collabConversation(t, f, "ap-1")
		checks, _ := json.Marshal([]map[string]any{{"check": "personal_data", "blocking": true}})
		a, err := f.s.CreateApproval(ctx, store.Approval{WorkspaceID: f.ws.ID, ConversationID: conv.ID, AuthorAgentID: f.agent.ID,
			Text: "Hi Maria, a refund is on its way", Public: true, Reason: store.ApprovalByContributor, Checks: checks})
		if err != nil {
			t.Fatal(err)
		}
		other := collabConversation(t, f, "ap-2")
		b, err := f.s.CreateApproval(ctx, store.Approval{WorkspaceID: f.ws.ID, ConversationID: other.ID, AuthorAgentID: f.agent.ID, Text: "Second", Reason: store.ApprovalByBlockingCheck})
		if err != nil {
			t.Fatal(err)
		}
		pending, err := f.s.ListApprovals(ctx, f.ws.ID, store.ApprovalPending, 10)
		if err != nil || len(pending) != 2 || pending[0].ID != a.ID || pending[0].AuthorName != "Ana" || pending[0].CustomerName != "Maria Lopez" || pending[0].ChannelName != "API" {
			t.Fatalf("pending = %+v, %v", pending, err)
		}
		var ws []map[string]any
		if json.Unmarshal(pending[0].Checks, &ws) != nil || len(ws) != 1 || ws[0]["check"] != "personal_data" {
			t.Fatalf("checks = %s", pending[0].Checks)
		}
		if n, err := f.s.CountPendingApprovals(ctx, f.ws.ID); err != nil || n != 2 {
			t.Fatalf("CountPendingApprovals = %d, %v", n, err)
		}
		if err := f.s.DecideApproval(ctx, f.ws.ID, a.ID, store.ApprovalApproved, f.agent.ID, "Hi Maria, edited", "", ""); err != nil {
			t.Fatal(err)
		}
		// A second decision, or one by another supervisor at the same time, conflicts.
		if err := f.s.DecideApproval(ctx, f.ws.ID, a.ID, store.ApprovalRejected, f.agent.ID, "x", "no", ""); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second decision: want ErrConflict, got %v", err)
		}
		if err := f.s.DecideApproval(ctx, f.ws.ID, "missing", store.ApprovalApproved, f.agent.ID, "x", "", ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown approval: want ErrNotFound, got %v", err)
		}
		// Not sent after all: back to the queue, then sent.
		if err := f.s.ReopenApproval(ctx, f.ws.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.s.GetApproval(ctx, f.ws.ID, a.ID); got.Status != store.ApprovalPending || got.DecidedAt != nil {
			t.Fatalf("reopened = %+v", got)
		}
		if err := f.s.DecideApproval(ctx, f.ws.ID, a.ID, store.ApprovalApproved, f.agent.ID, "Hi Maria, edited", "", ""); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetApprovalMessage(ctx, a.ID, "msg-1"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.ReopenApproval(ctx, f.ws.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.GetApproval(ctx, f.ws.ID, a.ID)
		if err != nil || got.Status != store.ApprovalApproved || got.Text != "Hi Maria, edited" || got.MessageID != "msg-1" || got.DeciderName != "Ana" || got.DecidedAt == nil {
			t.Fatalf("approved = %+v, %v (a sent approval must not reopen)", got, err)
		}
		if err := f.s.DecideApproval(ctx, f.ws.ID, b.ID, store.ApprovalRejected, f.agent.ID, b.Text, "Too curt", ""); err != nil {
			t.Fatal(err)
		}
		mine, err := f.s.ListConversationApprovals(ctx, other.ID)
		if err != nil || len(mine) != 1 || mine[0].Status != store.ApprovalRejected || mine[0].RejectReason != "Too curt" {
			t.Fatalf("conversation approvals = %+v, %v", mine, err)
		}
		if pending, _ := f.s.ListApprovals(ctx, f.ws.ID, store.ApprovalPending, 10); len(pending) != 0 {
			t.Fatalf("still pending: %+v", pending)
		}
		if all, _ := f.s.ListApprovals(ctx, f.ws.ID, "", 10); len(all) != 2 {
			t.Fatalf("all approvals: %d", len(all))
		}
	})
}

func TestPresenceExpiresAndTyping(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		conv := collabConversation(t, f, "pr-1")
		bo, err := f.s.CreateAgent(ctx, model.Agent{WorkspaceID: f.ws.ID, Email: "bo@x.test", Name: "Bo", Role: model.RoleAgent, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.UnixMilli(1_800_000_000_000).UTC()
		if err := f.s.TouchPresence(ctx, f.ws.ID, conv.ID, f.agent.ID, t0.Add(30*time.Second), t0.Add(6*time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := f.s.TouchPresence(ctx, f.ws.ID, conv.ID, bo.ID, t0.Add(10*time.Second), time.Time{}); err != nil {
			t.Fatal(err)
		}
		ps, err := f.s.ListPresence(ctx, conv.ID, t0)
		if err != nil || len(ps) != 2 || ps[0].AgentName != "Ana" || !ps[0].Typing || ps[1].AgentName != "Bo" || ps[1].Typing {
			t.Fatalf("at t0 = %+v, %v", ps, err)
		}
		// A heartbeat without typing keeps the typing deadline.
		if err := f.s.TouchPresence(ctx, f.ws.ID, conv.ID, f.agent.ID, t0.Add(40*time.Second), time.Time{}); err != nil {
			t.Fatal(err)
		}
		ps, _ = f.s.ListPresence(ctx, conv.ID, t0.Add(5*time.Second))
		if len(ps) != 2 || !ps[0].Typing {
			t.Fatalf("at t0+5s = %+v", ps)
		}
		// Typing lapses after its deadline, Bo's viewing after his.
		ps, _ = f.s.ListPresence(ctx, conv.ID, t0.Add(15*time.Second))
		if len(ps) != 1 || ps[0].AgentID != f.agent.ID || ps[0].Typing {
			t.Fatalf("at t0+15s = %+v", ps)
		}
		wsp, err := f.s.ListWorkspacePresence(ctx, f.ws.ID, t0.Add(15*time.Second))
		if err != nil || len(wsp) != 1 || wsp[0].ConversationID != conv.ID {
			t.Fatalf("workspace presence = %+v, %v", wsp, err)
		}
		if err := f.s.StopTyping(ctx, conv.ID, f.agent.ID); err != nil {
			t.Fatal(err)
		}
		if ps, _ = f.s.ListPresence(ctx, conv.ID, t0); len(ps) != 2 || ps[0].Typing {
			t.Fatalf("after StopTyping = %+v", ps)
		}
		if n, err := f.s.SweepPresence(ctx, f.ws.ID, t0.Add(20*time.Second)); err != nil || n != 1 {
			t.Fatalf("SweepPresence = %d, %v (Bo's row expired)", n, err)
		}
		if err := f.s.LeavePresence(ctx, conv.ID, f.agent.ID); err != nil {
			t.Fatal(err)
		}
		if ps, _ = f.s.ListPresence(ctx, conv.ID, t0); len(ps) != 0 {
			t.Fatalf("after leave = %+v", ps)
		}
	})
}

func TestRepliesByOthersSince(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		conv := collabConversation(t, f, "col-1")
		bo, err := f.s.CreateAgent(ctx, model.Agent{WorkspaceID: f.ws.ID, Email: "bo@x.test", Name: "Bo", Role: model.RoleAgent, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.UnixMilli(1_800_000_000_000).UTC()
		insert := func(author, dir, text string, at time.Time) {
			t.Helper()
			if _, _, err := f.s.InsertMessage(ctx, model.Message{WorkspaceID: f.ws.ID, ConversationID: conv.ID, ChannelID: f.channel.ID, Direction: dir,
				AuthorAgentID: author, Text: text, CreatedAt: at, DeliveryStatus: model.DeliveryQueued}); err != nil {
				t.Fatal(err)
			}
		}
		insert(bo.ID, model.DirectionOut, "old reply", t0.Add(-time.Minute))
		insert(bo.ID, model.DirectionOut, "Bo's new reply", t0.Add(20*time.Second))
		insert(bo.ID, model.DirectionNote, "a note is no reply", t0.Add(21*time.Second))
		insert(f.agent.ID, model.DirectionOut, "my own reply", t0.Add(22*time.Second))
		got, err := f.s.RepliesByOthersSince(ctx, conv.ID, f.agent.ID, t0)
		if err != nil || len(got) != 1 || got[0].Text != "Bo's new reply" || got[0].AgentName != "Bo" {
			t.Fatalf("RepliesByOthersSince = %+v, %v", got, err)
		}
	})
}
