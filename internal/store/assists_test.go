package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

func TestKBArticles(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		a, err := f.s.CreateKBArticle(ctx, store.KBArticle{WorkspaceID: f.ws.ID, Title: "Refund policy", URL: "https://help.acme.com/refunds", Tags: []string{"refund", "money"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.CreateKBArticle(ctx, store.KBArticle{WorkspaceID: f.ws.ID, Title: "Same URL", URL: "https://help.acme.com/refunds"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate URL: got %v, want ErrConflict", err)
		}
		if _, err := f.s.CreateKBArticle(ctx, store.KBArticle{WorkspaceID: f.ws.ID, Title: "Account help", URL: "https://help.acme.com/account"}); err != nil {
			t.Fatal(err)
		}
		list, err := f.s.ListKBArticles(ctx, f.ws.ID)
		if err != nil || len(list) != 2 || list[0].Title != "Account help" || list[1].ID != a.ID {
			t.Fatalf("list by title: %+v %v", list, err)
		}
		if !reflect.DeepEqual(list[1].Tags, []string{"refund", "money"}) || list[0].Tags != nil {
			t.Fatalf("tags: %q %q", list[1].Tags, list[0].Tags)
		}
		a.Title, a.Tags = "Refunds and returns", []string{"returns"}
		up, err := f.s.UpdateKBArticle(ctx, a)
		if err != nil || up.Title != "Refunds and returns" || !reflect.DeepEqual(up.Tags, []string{"returns"}) || up.CreatedAt != a.CreatedAt {
			t.Fatalf("update: %+v %v", up, err)
		}
		other, _ := f.s.CreateWorkspace(ctx, "Other")
		if _, err := f.s.GetKBArticle(ctx, other.ID, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other workspace reads the article: %v", err)
		}
		if err := f.s.DeleteKBArticle(ctx, other.ID, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other workspace deletes the article: %v", err)
		}
		if err := f.s.DeleteKBArticle(ctx, f.ws.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := f.s.ListKBArticles(ctx, f.ws.ID); len(list) != 1 {
			t.Fatalf("after delete: %+v", list)
		}

		r, err := f.s.CreateSavedReply(ctx, store.SavedReply{WorkspaceID: f.ws.ID, Name: "Refund", Body: "We refunded you."})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetSavedReplyTags(ctx, f.ws.ID, r.ID, []string{"refund", "billing"}); err != nil {
			t.Fatal(err)
		}
		tags, err := f.s.SavedReplyTags(ctx, f.ws.ID)
		if err != nil || !reflect.DeepEqual(tags, map[string][]string{r.ID: {"refund", "billing"}}) {
			t.Fatalf("saved reply tags: %v %v", tags, err)
		}
		if err := f.s.SetSavedReplyTags(ctx, other.ID, r.ID, nil); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other workspace tags a saved reply: %v", err)
		}
	})
}

func TestWorkspaceWords(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		for _, w := range []string{"Acmepay", "iPhone", "AcmePay"} {
			if _, err := f.s.AddWorkspaceWord(ctx, f.ws.ID, w, f.agent.ID); err != nil {
				t.Fatal(err)
			}
		}
		words, err := f.s.ListWorkspaceWords(ctx, f.ws.ID)
		if err != nil || len(words) != 2 || words[0].Word != "AcmePay" || words[1].Word != "iPhone" || words[0].AddedBy != f.agent.ID {
			t.Fatalf("words (one per folded word, latest spelling): %+v %v", words, err)
		}
		other, _ := f.s.CreateWorkspace(ctx, "Other")
		if ws, _ := f.s.ListWorkspaceWords(ctx, other.ID); len(ws) != 0 {
			t.Fatalf("words leak across workspaces: %+v", ws)
		}
		if err := f.s.DeleteWorkspaceWord(ctx, f.ws.ID, "IPHONE"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.DeleteWorkspaceWord(ctx, f.ws.ID, "iPhone"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		if words, _ := f.s.ListWorkspaceWords(ctx, f.ws.ID); len(words) != 1 {
			t.Fatalf("after delete: %+v", words)
		}
	})
}

func TestConversationMoves(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		id, err := f.s.ResolveIdentity(ctx, model.Identity{WorkspaceID: f.ws.ID, Network: "api", ExternalID: "u-1", Name: "Ana"})
		if err != nil {
			t.Fatal(err)
		}
		conv := func(thread string, public bool) model.Conversation {
			c, _, err := f.s.ThreadConversation(ctx, model.Conversation{WorkspaceID: f.ws.ID, ChannelID: f.channel.ID, CustomerID: id.CustomerID, IdentityID: id.ID, ThreadID: thread, Public: public})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		pub1, pub2, priv := conv("p1", true), conv("p2", true), conv("dm", false)
		if err := f.s.LinkConversations(ctx, f.ws.ID, pub1.ID, priv.ID, f.agent.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.LinkConversations(ctx, f.ws.ID, pub1.ID, pub2.ID, f.agent.ID); err != nil {
			t.Fatal(err) // kept the first link
		}
		if err := f.s.LinkConversations(ctx, f.ws.ID, pub2.ID, priv.ID, ""); err != nil {
			t.Fatal(err)
		}
		m, err := f.s.ConversationMoves(ctx, f.ws.ID, pub1.ID)
		if err != nil || len(m) != 1 || m[0].PrivateID != priv.ID || m[0].AgentID != f.agent.ID {
			t.Fatalf("public side: %+v %v", m, err)
		}
		m, err = f.s.ConversationMoves(ctx, f.ws.ID, priv.ID)
		if err != nil || len(m) != 2 {
			t.Fatalf("private side: %+v %v", m, err)
		}
		if m, _ := f.s.ConversationMoves(ctx, "other", priv.ID); len(m) != 0 {
			t.Fatalf("moves leak across workspaces: %+v", m)
		}
	})
}
