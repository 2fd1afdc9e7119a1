package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

func TestSurveySettingsRoundTrip(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		got, err := f.s.GetSurveySettings(ctx, f.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Enabled || got.Kind != store.SurveyCSAT || got.AnswerDays != 7 || len(got.ChannelIDs) != 0 {
			t.Fatalf("defaults = %+v", got)
		}
		set := store.SurveySettings{WorkspaceID: f.ws.ID, Enabled: true, Kind: store.SurveyNPS, Question: "Recommend us?",
			Delay: 90 * time.Second, AnswerDays: 3, CooldownDays: 0, ChannelIDs: []string{f.channel.ID, "other"}}
		if err := f.s.SaveSurveySettings(ctx, set); err != nil {
			t.Fatal(err)
		}
		set.Kind, set.Question = store.SurveyCSAT, "How did we do?"
		if err := f.s.SaveSurveySettings(ctx, set); err != nil { // an update, not a second row
			t.Fatal(err)
		}
		got, err = f.s.GetSurveySettings(ctx, f.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Enabled || got.Kind != store.SurveyCSAT || got.Question != "How did we do?" || got.Delay != 90*time.Second ||
			got.AnswerDays != 3 || got.CooldownDays != 0 || len(got.ChannelIDs) != 2 || !got.AppliesTo(f.channel.ID) || got.AppliesTo("nope") {
			t.Fatalf("saved = %+v", got)
		}
	})
}

func TestSurveyLifecycle(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
		id, err := f.s.ResolveIdentity(ctx, model.Identity{WorkspaceID: f.ws.ID, Network: "api", ExternalID: "u-1", Name: "Ana"})
		if err != nil {
			t.Fatal(err)
		}
		conv, _, err := f.s.ThreadConversation(ctx, model.Conversation{WorkspaceID: f.ws.ID, ChannelID: f.channel.ID, CustomerID: id.CustomerID,
			IdentityID: id.ID, ThreadID: "t-1", CreatedAt: t0, LastMessageAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		resolved := t0.Add(time.Hour)
		v, err := f.s.CreateSurvey(ctx, store.Survey{WorkspaceID: f.ws.ID, ConversationID: conv.ID, IdentityID: id.ID,
			ResolvedAt: resolved, Kind: store.SurveyCSAT, Question: "Rate us", DueAt: resolved.Add(time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		// The same resolution never gets a second survey.
		if _, err := f.s.CreateSurvey(ctx, store.Survey{WorkspaceID: f.ws.ID, ConversationID: conv.ID, IdentityID: id.ID,
			ResolvedAt: resolved, Kind: store.SurveyCSAT, Question: "Rate us", DueAt: resolved}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second survey for one resolution: %v, want ErrConflict", err)
		}
		due, err := f.s.ListDueSurveyIDs(ctx, resolved, 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("due before due_at = %v, %v", due, err)
		}
		due, err = f.s.ListDueSurveyIDs(ctx, resolved.Add(2*time.Minute), 10)
		if err != nil || len(due) != 1 || due[0] != v.ID {
			t.Fatalf("due after due_at = %v, %v", due, err)
		}
		// Not sent yet: nothing waits for an answer, and it cannot be answered.
		if _, err := f.s.PendingSurveyForIdentity(ctx, f.ws.ID, id.ID, resolved); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("pending before sending: %v", err)
		}
		if err := f.s.AnswerSurvey(ctx, v.ID, 5, "5", resolved); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("answer before sending: %v, want ErrConflict", err)
		}
		sent := resolved.Add(time.Minute)
		if err := f.s.MarkSurveySent(ctx, v.ID, sent, sent.Add(48*time.Hour), 1); err != nil {
			t.Fatal(err)
		}
		if err := f.s.MarkSurveySent(ctx, v.ID, sent, sent.Add(48*time.Hour), 2); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second send recorded: %v", err)
		}
		// A failed attempt can no longer touch a sent survey.
		if err := f.s.SetSurveyOutcome(ctx, v.ID, store.SurveyFailed, "late failure", 3); err != nil {
			t.Fatal(err)
		}
		p, err := f.s.PendingSurveyForIdentity(ctx, f.ws.ID, id.ID, sent.Add(time.Hour))
		if err != nil || p.ID != v.ID || p.Status != store.SurveySent || p.ExpiresAt == nil || !p.ExpiresAt.Equal(sent.Add(48*time.Hour)) {
			t.Fatalf("pending = %+v, %v", p, err)
		}
		if _, err := f.s.PendingSurveyForIdentity(ctx, f.ws.ID, id.ID, sent.Add(49*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("pending after the window: %v", err)
		}
		if err := f.s.AnswerSurvey(ctx, v.ID, 4, "4/5", sent.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := f.s.AnswerSurvey(ctx, v.ID, 1, "1", sent.Add(2*time.Hour)); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second answer: %v, want ErrConflict", err)
		}
		all, err := f.s.ListSurveys(ctx, conv.ID)
		if err != nil || len(all) != 1 {
			t.Fatalf("list = %v, %v", all, err)
		}
		if g := all[0]; g.Status != store.SurveyAnswered || g.Score == nil || *g.Score != 4 || g.AnswerText != "4/5" || g.Attempts != 1 {
			t.Fatalf("answered survey = %+v", g)
		}
		last, err := f.s.LastSurveyCreatedAt(ctx, conv.ID)
		if err != nil || last.IsZero() {
			t.Fatalf("last survey = %v, %v", last, err)
		}

		// A reopened conversation's scheduled survey is cancelled and no
		// longer counts for the cool-down.
		v2, err := f.s.CreateSurvey(ctx, store.Survey{WorkspaceID: f.ws.ID, ConversationID: conv.ID, IdentityID: id.ID,
			ResolvedAt: resolved.Add(24 * time.Hour), Kind: store.SurveyCSAT, Question: "Rate us", DueAt: resolved.Add(25 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.CancelScheduledSurveys(ctx, conv.ID, "reopened"); err != nil {
			t.Fatal(err)
		}
		if got, err := f.s.GetSurvey(ctx, v2.ID); err != nil || got.Status != store.SurveyCancelled || got.Error != "reopened" {
			t.Fatalf("cancelled survey = %+v, %v", got, err)
		}
		if _, err := f.s.GetSurvey(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing survey: %v", err)
		}

		// Reports see the answered survey of a conversation in range only.
		scores, err := f.s.ListSurveyScores(ctx, store.ReportFilter{WorkspaceID: f.ws.ID, From: t0.Add(-time.Hour), To: t0.Add(time.Hour)})
		if err != nil || len(scores) != 1 || scores[0].ConversationID != conv.ID || scores[0].Score != 4 || scores[0].Kind != store.SurveyCSAT {
			t.Fatalf("scores = %+v, %v", scores, err)
		}
		scores, err = f.s.ListSurveyScores(ctx, store.ReportFilter{WorkspaceID: f.ws.ID, From: t0.Add(time.Hour), To: t0.Add(2 * time.Hour)})
		if err != nil || len(scores) != 0 {
			t.Fatalf("scores out of range = %+v, %v", scores, err)
		}
		scores, err = f.s.ListSurveyScores(ctx, store.ReportFilter{WorkspaceID: f.ws.ID, From: t0.Add(-time.Hour), To: t0.Add(time.Hour), ChannelType: "x"})
		if err != nil || len(scores) != 0 {
			t.Fatalf("scores of another channel type = %+v, %v", scores, err)
		}
	})
}
