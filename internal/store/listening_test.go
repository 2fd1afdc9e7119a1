package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/store"
)

func TestListenRulesCRUD(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		r, err := f.s.CreateListenRule(ctx, store.ListenRule{WorkspaceID: f.ws.ID, Name: "Brand", Query: "acme OR #acme", Action: store.ListenActionFeed, Kind: store.ListenKindBrand, Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.CreateListenRule(ctx, store.ListenRule{WorkspaceID: f.ws.ID, Name: "Brand", Query: "x", Action: "feed", Kind: "brand"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate name: %v, want ErrConflict", err)
		}
		if _, err := f.s.CreateListenRule(ctx, store.ListenRule{WorkspaceID: f.ws.ID, Name: "Bad", Query: "x", Action: "shout", Kind: "brand"}); err == nil {
			t.Fatal("an unknown action was stored")
		}
		off, err := f.s.CreateListenRule(ctx, store.ListenRule{WorkspaceID: f.ws.ID, Name: "Rival", Query: "globex", Action: "conversation", Kind: "competitor", Enabled: false})
		if err != nil {
			t.Fatal(err)
		}
		enabled, err := f.s.ListEnabledListenRules(ctx)
		if err != nil || len(enabled) != 1 || enabled[0].ID != r.ID {
			t.Fatalf("enabled = %+v, %v", enabled, err)
		}
		off.Enabled, off.Query = true, "globex OR initech"
		got, err := f.s.UpdateListenRule(ctx, off)
		if err != nil || !got.Enabled || got.Query != "globex OR initech" || got.Kind != "competitor" || got.Action != "conversation" {
			t.Fatalf("update = %+v, %v", got, err)
		}
		all, err := f.s.ListListenRules(ctx, f.ws.ID)
		if err != nil || len(all) != 2 || all[0].Name != "Brand" {
			t.Fatalf("list = %+v, %v", all, err)
		}
		other, _ := f.s.CreateWorkspace(ctx, "Other")
		if _, err := f.s.GetListenRule(ctx, other.ID, r.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another workspace read the rule: %v", err)
		}
		if err := f.s.DeleteListenRule(ctx, other.ID, r.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another workspace deleted the rule: %v", err)
		}
		if err := f.s.DeleteListenRule(ctx, f.ws.ID, r.ID); err != nil {
			t.Fatal(err)
		}
		if c, err := f.s.ListenCursor(ctx, "jetstream"); err != nil || c != "" {
			t.Fatalf("fresh cursor = %q, %v", c, err)
		}
		for _, c := range []string{"100", "200"} {
			if err := f.s.SetListenCursor(ctx, "jetstream", c); err != nil {
				t.Fatal(err)
			}
		}
		if c, err := f.s.ListenCursor(ctx, "jetstream"); err != nil || c != "200" {
			t.Fatalf("cursor = %q, %v", c, err)
		}
	})
}

func TestMentionsDedupeFilterAndCounts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		base := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
		insert := func(post string, at time.Time, label string, rules ...string) bool {
			t.Helper()
			var created bool
			err := f.s.WithTx(ctx, func(tx *store.Store) error {
				var err error
				_, created, err = tx.InsertMention(ctx, store.Mention{WorkspaceID: f.ws.ID, Network: "bluesky", PostID: post, Text: "acme <b>" + post + "</b>",
					Lang: "en", PostedAt: at, SentimentLabel: label, Sentiment: map[string]float64{"positive": 0.6, "negative": -0.5}[label],
					Analysis: []byte(`{"language":"en"}`), RuleIDs: rules})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return created
		}
		if !insert("p1", base, "positive", "r1", "r2") || !insert("p2", base.Add(10*time.Minute), "negative", "r1") || !insert("p3", base.Add(25*time.Hour), "neutral", "r2") {
			t.Fatal("a new post was not created")
		}
		if insert("p1", base, "positive", "r1") {
			t.Fatal("the same post was stored twice")
		}
		if n, _ := f.s.CountMentions(ctx, f.ws.ID); n != 3 {
			t.Fatalf("count = %d, want 3", n)
		}
		all, err := f.s.ListMentions(ctx, store.MentionFilter{WorkspaceID: f.ws.ID})
		if err != nil || len(all) != 3 || all[0].PostID != "p3" || len(all[2].RuleIDs) != 2 {
			t.Fatalf("feed = %+v, %v", all, err)
		}
		for _, c := range []struct {
			f    store.MentionFilter
			want int
		}{
			{store.MentionFilter{RuleID: "r1"}, 2},
			{store.MentionFilter{Sentiment: "negative"}, 1},
			{store.MentionFilter{Language: "en"}, 3},
			{store.MentionFilter{Language: "fr"}, 0},
			{store.MentionFilter{Network: "x"}, 0},
			{store.MentionFilter{Before: all[0].ID}, 2},
			{store.MentionFilter{RuleID: "r2", Sentiment: "positive"}, 1},
		} {
			c.f.WorkspaceID = f.ws.ID
			got, err := f.s.ListMentions(ctx, c.f)
			if err != nil || len(got) != c.want {
				t.Errorf("filter %+v: %d mentions, %v; want %d", c.f, len(got), err, c.want)
			}
		}
		h := base.UnixMilli() / store.HourMs
		counts, err := f.s.RuleHourCounts(ctx, "r1", h-5, h+5)
		if err != nil || counts[h] != 2 || len(counts) != 1 {
			t.Fatalf("hour counts = %v, %v", counts, err)
		}
		if first, ok, err := f.s.FirstRuleHour(ctx, "r2"); err != nil || !ok || first != h {
			t.Fatalf("first hour = %d %v %v", first, ok, err)
		}
		if _, ok, _ := f.s.FirstRuleHour(ctx, "nope"); ok {
			t.Fatal("a rule without mentions has a first hour")
		}
		vol, err := f.s.MentionVolume(ctx, f.ws.ID, h-48, 24)
		if err != nil || len(vol) != 3 {
			t.Fatalf("daily volume = %+v, %v", vol, err)
		}
		sent, err := f.s.MentionSentiment(ctx, f.ws.ID, "r1", h-48, 24)
		if err != nil || len(sent) != 1 || sent[0].Positive != 1 || sent[0].Negative != 1 || sent[0].Neutral != 0 {
			t.Fatalf("sentiment = %+v, %v", sent, err)
		}
		if err := f.s.SetMentionConversation(ctx, f.ws.ID, "bluesky", "p2", "conv1"); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.GetMention(ctx, f.ws.ID, all[1].ID)
		if err != nil || got.ConversationID != "conv1" || got.Text != "acme <b>p2</b>" || got.Language() != "en" {
			t.Fatalf("mention = %+v, %v", got, err)
		}
		a, err := f.s.CreateListenAlert(ctx, store.ListenAlert{WorkspaceID: f.ws.ID, RuleID: "r1", RuleName: "Brand", StartHour: h, LastHour: h, Volume: 40, Baseline: 2, Threshold: 10, TopTerms: []string{"outage"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.CreateListenAlert(ctx, store.ListenAlert{WorkspaceID: f.ws.ID, RuleID: "r1", StartHour: h, LastHour: h}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second alert for the same burst: %v", err)
		}
		if err := f.s.ExtendListenAlert(ctx, a.ID, h+2); err != nil {
			t.Fatal(err)
		}
		latest, err := f.s.LatestListenAlert(ctx, "r1")
		if err != nil || latest.LastHour != h+2 || latest.TopTerms[0] != "outage" || len(latest.TopPosts) != 0 {
			t.Fatalf("latest = %+v, %v", latest, err)
		}
		list, err := f.s.ListListenAlerts(ctx, f.ws.ID, 10)
		if err != nil || len(list) != 1 {
			t.Fatalf("alerts = %+v, %v", list, err)
		}
	})
}
