package inbox_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
)

// Texts for the customer Maria Lopez: the clean one draws no warning, the
// other one the arguing check's "!!" (not a misspelling: the spelling check
// only runs where `make assets` staged the dictionaries).
const (
	cleanReply  = "Hi Maria, sorry about the wait: your parcel left our warehouse today and arrives tomorrow."
	warnedReply = "Hi Maria, sorry about the wait: your parcel left our warehouse today and arrives tomorrow!!"
)

var (
	checkerOnce sync.Once
	checker     *compose.Checker
	checkerErr  error
)

func testChecker(t *testing.T) *compose.Checker {
	t.Helper()
	checkerOnce.Do(func() { checker, checkerErr = compose.New(compose.Options{Languages: []string{"en"}, Preload: true}) })
	if checkerErr != nil {
		t.Fatal(checkerErr)
	}
	return checker
}

type checksWorld struct {
	st    *store.Store
	svc   *inbox.Service
	ws    model.Workspace
	agent model.Agent
	conv  model.Conversation
}

func newChecksWorld(t *testing.T, d *db.DB, composer *compose.Checker) checksWorld {
	t.Helper()
	ctx := context.Background()
	box, _ := secret.New([]byte("test-key-test-key-test-key-test"))
	st := store.New(d, box)
	ws, err := st.CreateWorkspace(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.CreateAgent(ctx, model.Agent{WorkspaceID: ws.ID, Email: "ana@x.test", Name: "Ana", Role: model.RoleAgent, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := st.CreateChannel(ctx, model.Channel{WorkspaceID: ws.ID, Type: model.ChannelAPI, Name: "API", Secret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.ResolveIdentity(ctx, model.Identity{WorkspaceID: ws.ID, Network: "api", ExternalID: "u1", Name: "Maria Lopez"})
	if err != nil {
		t.Fatal(err)
	}
	conv, _, err := st.ThreadConversation(ctx, model.Conversation{WorkspaceID: ws.ID, ChannelID: ch.ID, CustomerID: id.CustomerID, IdentityID: id.ID, ThreadID: "t1", Public: true})
	if err != nil {
		t.Fatal(err)
	}
	svc := inbox.New(st, realtime.NewHub(), noOutbox{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc.Composer = composer
	return checksWorld{st: st, svc: svc, ws: ws, agent: a, conv: conv}
}

// stored reads checks_passed back from the database.
func (w checksWorld) stored(t *testing.T, messageID string) *bool {
	t.Helper()
	m, err := w.st.GetMessage(context.Background(), messageID)
	if err != nil {
		t.Fatal(err)
	}
	return m.ChecksPassed
}

// reportAgrees checks that the reports' message stream carries the same
// checks_passed as the thread, reply by reply (both list oldest first).
func (w checksWorld) reportAgrees(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	ms, err := w.st.ListMessages(ctx, w.conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range ms {
		if m.Direction == model.DirectionOut {
			want = append(want, show(m.ChecksPassed))
		}
	}
	var got []string
	err = w.st.StreamReportMessages(ctx, []string{w.conv.ID},
		func(rm *store.ReportMessage) error {
			if rm.Direction == model.DirectionOut {
				v := "NULL"
				if rm.ChecksPassed.Valid {
					v = show(&rm.ChecksPassed.Bool)
				}
				got = append(got, v)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") || len(want) == 0 {
		t.Errorf("reports stream checks_passed %v, the thread has %v", got, want)
	}
}

func show(b *bool) string {
	if b == nil {
		return "NULL"
	}
	if *b {
		return "true"
	}
	return "false"
}

func wantChecks(t *testing.T, what string, got *bool, want string) {
	t.Helper()
	if show(got) != want {
		t.Errorf("%s: checks_passed = %s, want %s", what, show(got), want)
	}
}

// A reply stores whether the composer's checks passed on its text: true
// with no warning, false with one (the send is not blocked), NULL for a
// note and when no composer is configured.
func TestReplyStoresChecksPassed(t *testing.T) {
	c := testChecker(t)
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newChecksWorld(t, d, c)
		if res, err := w.svc.CheckDraft(ctx, c, nil, w.agent, w.conv.ID, cleanReply, true); err != nil || len(res.Warnings) != 0 {
			t.Fatalf("clean text: warnings %+v, %v", res.Warnings, err)
		}
		if res, err := w.svc.CheckDraft(ctx, c, nil, w.agent, w.conv.ID, warnedReply, true); err != nil || len(res.Warnings) != 1 || res.Warnings[0].Check != compose.CheckArguing || res.Warnings[0].Blocking {
			t.Fatalf("warned text: warnings %+v, %v", res.Warnings, err)
		}

		m, err := w.svc.Reply(ctx, w.agent, w.conv.ID, inbox.ReplyInput{Text: cleanReply})
		if err != nil {
			t.Fatal(err)
		}
		wantChecks(t, "clean reply (returned)", m.ChecksPassed, "true")
		wantChecks(t, "clean reply", w.stored(t, m.ID), "true")

		m, err = w.svc.Reply(ctx, w.agent, w.conv.ID, inbox.ReplyInput{Text: warnedReply})
		if err != nil {
			t.Fatalf("a warning must not stop the send: %v", err)
		}
		wantChecks(t, "warned reply", w.stored(t, m.ID), "false")

		m, err = w.svc.Reply(ctx, w.agent, w.conv.ID, inbox.ReplyInput{Text: warnedReply, Private: true, Holding: true})
		if err != nil {
			t.Fatal(err)
		}
		wantChecks(t, "private holding reply", w.stored(t, m.ID), "false")

		m, err = w.svc.Reply(ctx, w.agent, w.conv.ID, inbox.ReplyInput{Text: warnedReply, Note: true})
		if err != nil {
			t.Fatal(err)
		}
		wantChecks(t, "note", w.stored(t, m.ID), "NULL")

		// The workspace switched the arguing check off: nothing left to warn.
		if _, err := w.st.PutComposeSettings(ctx, store.ComposeSettings{WorkspaceID: w.ws.ID, Checks: map[string]string{compose.CheckArguing: store.CheckOff}}); err != nil {
			t.Fatal(err)
		}
		m, err = w.svc.Reply(ctx, w.agent, w.conv.ID, inbox.ReplyInput{Text: warnedReply})
		if err != nil {
			t.Fatal(err)
		}
		wantChecks(t, "warned reply, arguing off", w.stored(t, m.ID), "true")

		// No composer: not checked.
		w.svc.Composer = nil
		m, err = w.svc.Reply(ctx, w.agent, w.conv.ID, inbox.ReplyInput{Text: cleanReply})
		if err != nil {
			t.Fatal(err)
		}
		wantChecks(t, "no composer", w.stored(t, m.ID), "NULL")
		w.reportAgrees(t)
	})
}

// A contributor's reply is checked when approved, on the text the
// supervisor approved (edited or not) and as the author's reply.
func TestApprovedReplyStoresChecksPassed(t *testing.T) {
	c := testChecker(t)
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newChecksWorld(t, d, c)
		cleo, err := w.st.CreateAgent(ctx, model.Agent{WorkspaceID: w.ws.ID, Email: "cleo@x.test", Name: "Cleo", Role: model.RoleContributor, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		sup, err := w.st.CreateAgent(ctx, model.Agent{WorkspaceID: w.ws.ID, Email: "sam@x.test", Name: "Sam", Role: model.RoleSupervisor, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.st.AssignConversation(ctx, w.ws.ID, w.conv.ID, cleo.ID, ""); err != nil {
			t.Fatal(err)
		}
		hold := func() store.Approval {
			t.Helper()
			_, err := w.svc.Reply(ctx, cleo, w.conv.ID, inbox.ReplyInput{Text: warnedReply})
			var held *inbox.AwaitingApprovalError
			if !errors.As(err, &held) {
				t.Fatalf("contributor's reply: %v, want it held for approval", err)
			}
			return held.Approval
		}

		m, err := w.svc.Approve(ctx, sup, hold().ID, "")
		if err != nil {
			t.Fatal(err)
		}
		wantChecks(t, "approved as written", w.stored(t, m.ID), "false")

		m, err = w.svc.Approve(ctx, sup, hold().ID, cleanReply)
		if err != nil {
			t.Fatal(err)
		}
		wantChecks(t, "approved after the supervisor's fix", w.stored(t, m.ID), "true")
		if m.AuthorAgentID != cleo.ID {
			t.Errorf("approved reply's author = %s, want the contributor", m.AuthorAgentID)
		}

		// Reassigned meanwhile: still sent and checked as the author's.
		a := hold()
		if err := w.st.AssignConversation(ctx, w.ws.ID, w.conv.ID, w.agent.ID, ""); err != nil {
			t.Fatal(err)
		}
		m, err = w.svc.Approve(ctx, sup, a.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		wantChecks(t, "approved after reassignment", w.stored(t, m.ID), "false")

		w.svc.Composer = nil
		if err := w.st.AssignConversation(ctx, w.ws.ID, w.conv.ID, cleo.ID, ""); err != nil {
			t.Fatal(err)
		}
		m, err = w.svc.Approve(ctx, sup, hold().ID, "")
		if err != nil {
			t.Fatal(err)
		}
		wantChecks(t, "approved, no composer", w.stored(t, m.ID), "NULL")
		w.reportAgrees(t)
	})
}
