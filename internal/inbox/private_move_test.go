package inbox_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
)

func TestRedirectReasonLabel(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range inbox.RedirectReasons {
		if r.Key == "" || r.Label == "" || seen[r.Key] {
			t.Errorf("reason %+v: empty or repeated", r)
		}
		seen[r.Key] = true
		if got := inbox.RedirectReasonLabel(r.Key); got != r.Label {
			t.Errorf("label of %q = %q, want %q", r.Key, got, r.Label)
		}
	}
	if got := inbox.RedirectReasonLabel(""); got != "Not given" {
		t.Errorf(`label of "" = %q`, got)
	}
	if got := inbox.RedirectReasonLabel("retired_reason"); got != "retired_reason" {
		t.Errorf("label of an unknown key = %q, want the key", got)
	}
}

// A private move stores its reason on the public conversation, with the
// link; a second move keeps the first move's reason; an unknown reason is
// refused before anything is sent.
func TestMovePrivateStoresRedirectReason(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
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
		newPublic := func(thread string) model.Conversation {
			t.Helper()
			c, _, err := st.ThreadConversation(ctx, model.Conversation{WorkspaceID: ws.ID, ChannelID: ch.ID, CustomerID: id.CustomerID, IdentityID: id.ID, ThreadID: thread, Public: true})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		reasonOf := func(convID string) string {
			t.Helper()
			c, err := st.GetConversation(ctx, ws.ID, convID)
			if err != nil {
				t.Fatal(err)
			}
			return c.RedirectReason
		}
		svc := inbox.New(st, realtime.NewHub(), noOutbox{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		reg := channel.NewRegistry(apichannel.New(nil))
		pub := newPublic("t1")

		// Unknown: refused, nothing sent, nothing linked, nothing stored.
		_, err = svc.MovePrivate(ctx, reg, a, pub.ID, inbox.ReplyInput{Text: "Please DM us your order number."}, "bored")
		var ve *inbox.ValidationError
		if !errors.As(err, &ve) || ve.Field != "reason" {
			t.Fatalf("unknown reason: %v, want a validation error on reason", err)
		}
		if ms, err := st.ListMessages(ctx, pub.ID); err != nil || len(ms) != 0 {
			t.Fatalf("unknown reason sent %d messages (%v)", len(ms), err)
		}
		if mv, err := st.ConversationMoves(ctx, ws.ID, pub.ID); err != nil || len(mv) != 0 {
			t.Fatalf("unknown reason linked %v (%v)", mv, err)
		}
		if got := reasonOf(pub.ID); got != "" {
			t.Fatalf("unknown reason stored %q", got)
		}

		mv, err := svc.MovePrivate(ctx, reg, a, pub.ID, inbox.ReplyInput{Text: "Please DM us your order number."}, "order")
		if err != nil {
			t.Fatal(err)
		}
		if got := reasonOf(pub.ID); got != "order" || mv.Public.RedirectReason != "order" {
			t.Fatalf("first move: stored %q, returned %q, want order", got, mv.Public.RedirectReason)
		}
		if got := reasonOf(mv.Private.ID); got != "" {
			t.Errorf("the private side got reason %q: it belongs to the public one", got)
		}

		mv2, err := svc.MovePrivate(ctx, reg, a, pub.ID, inbox.ReplyInput{Text: "Any news on the order?"}, "complaint")
		if err != nil {
			t.Fatal(err)
		}
		if mv2.Private.ID != mv.Private.ID {
			t.Fatalf("second move opened %s, want the first move's %s", mv2.Private.ID, mv.Private.ID)
		}
		if got := reasonOf(pub.ID); got != "order" || mv2.Public.RedirectReason != "order" {
			t.Fatalf("second move: stored %q, returned %q, want the first move's order", got, mv2.Public.RedirectReason)
		}

		// Not given: moves, stores nothing; a later move may still give one.
		pub2 := newPublic("t2")
		if _, err := svc.MovePrivate(ctx, reg, a, pub2.ID, inbox.ReplyInput{Text: "Please DM us."}, ""); err != nil {
			t.Fatal(err)
		}
		if got := reasonOf(pub2.ID); got != "" {
			t.Fatalf("no reason stored %q", got)
		}
		if _, err := svc.MovePrivate(ctx, reg, a, pub2.ID, inbox.ReplyInput{Text: "Still there?"}, "customer_asked"); err != nil {
			t.Fatal(err)
		}
		if got := reasonOf(pub2.ID); got != "customer_asked" {
			t.Fatalf("reason after a move without one: %q", got)
		}
	})
}
