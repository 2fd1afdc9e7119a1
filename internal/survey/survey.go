// Package survey asks customers for a CSAT (1–5) or NPS (0–10) score after a
// conversation is resolved, and records their answer.
//
// Flow: the inbox calls Resolved inside the transaction that resolves a
// conversation; it plans one survey for that resolution (a row keyed by the
// conversation and its resolved_at, so resolving twice never asks twice) and,
// after commit, enqueues a send job scheduled at the configured delay. The
// Worker delivers the question through the conversation's channel connector,
// privately, like an agent's reply. The answer arrives either as a score-only
// reply of the customer (the pipeline Stage) or as a click in the web chat
// widget (AnswerInConversation); it is stored on the survey, and an event
// "survey_answered" goes into the conversation's audit trail.
package survey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/store"
)

// Inserter enqueues jobs (jobs.Runner).
type Inserter interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// Service plans surveys and records answers.
type Service struct {
	Store  *store.Store
	Jobs   Inserter
	Broker realtime.Broker
	Log    *slog.Logger
}

// Event kinds written to a conversation's audit trail.
const (
	EventSent     = "survey_sent"
	EventAnswered = "survey_answered"
)

// AnswerData is the data of a survey_answered event.
type AnswerData struct {
	SurveyID string `json:"survey_id"`
	Kind     string `json:"kind"`
	Score    int    `json:"score"`
	Max      int    `json:"max"`
	Via      string `json:"via"` // "reply" or "widget"
}

// Resolved plans the survey of a conversation that tx has just resolved. It
// does nothing when surveys are off, the channel is not selected, the
// conversation is spam, or the conversation had a survey within the
// cool-down. The send job is enqueued after commit.
func (s *Service) Resolved(ctx context.Context, tx *store.Store, workspaceID, conversationID string) error {
	set, err := tx.GetSurveySettings(ctx, workspaceID)
	if err != nil {
		return fmt.Errorf("survey: %w", err)
	}
	if !set.Enabled {
		return nil
	}
	conv, err := tx.GetConversation(ctx, workspaceID, conversationID)
	if err != nil {
		return fmt.Errorf("survey: %w", err)
	}
	if conv.Spam || conv.Status != model.StatusResolved || conv.ResolvedAt == nil || !set.AppliesTo(conv.ChannelID) {
		return nil
	}
	now := tx.Now()
	last, err := tx.LastSurveyCreatedAt(ctx, conv.ID)
	if err != nil {
		return fmt.Errorf("survey: %w", err)
	}
	if !last.IsZero() && now.Sub(last) < time.Duration(set.CooldownDays)*24*time.Hour {
		return nil
	}
	v, err := tx.CreateSurvey(ctx, store.Survey{WorkspaceID: workspaceID, ConversationID: conv.ID, IdentityID: conv.IdentityID,
		ResolvedAt: *conv.ResolvedAt, Kind: set.Kind, Question: Text(set), DueAt: now.Add(set.Delay), CreatedAt: now})
	if errors.Is(err, store.ErrConflict) {
		return nil // this resolution already has its survey
	}
	if err != nil {
		return fmt.Errorf("survey: %w", err)
	}
	detached := context.WithoutCancel(ctx)
	tx.AfterCommit(func() {
		// A lost enqueue is found again by the reconciler.
		if err := s.Enqueue(detached, v.ID, v.DueAt); err != nil {
			s.Log.Error("enqueue survey", "survey_id", v.ID, "error", err)
		}
	})
	return nil
}

// Enqueue schedules the send job of a survey at its due time. Unique by
// survey id, so the reconciler never doubles a live job.
func (s *Service) Enqueue(ctx context.Context, surveyID string, due time.Time) error {
	opts := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
	if due.After(time.Now()) {
		opts.ScheduledAt = due
	}
	return s.Jobs.Insert(ctx, SendArgs{SurveyID: surveyID}, opts)
}

// Reconcile enqueues scheduled surveys due more than grace ago: a crash
// between commit and enqueue, or a lost job, leaves such a survey behind.
func (s *Service) Reconcile(ctx context.Context, grace time.Duration) (int, error) {
	ids, err := s.Store.ListDueSurveyIDs(ctx, s.Store.Now().Add(-grace), 1000)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.Enqueue(ctx, id, time.Time{}); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// RunReconciler reconciles at start and then every interval until ctx ends.
func (s *Service) RunReconciler(ctx context.Context, interval, grace time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.Reconcile(ctx, grace); err != nil && ctx.Err() == nil {
			s.Log.Error("survey reconcile", "error", err)
		} else if n > 0 {
			s.Log.Info("survey reconciler re-enqueued surveys", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ErrNoSurvey means there is no survey waiting for an answer.
var ErrNoSurvey = errors.New("no survey is waiting for an answer")

// answer records a score inside tx: the survey must be sent and its window
// open. The conversation stays as it is (an answer does not reopen it).
func (s *Service) answer(ctx context.Context, tx *store.Store, v store.Survey, score int, text, via string, at time.Time) error {
	if v.Status != store.SurveySent || v.ExpiresAt == nil || !at.Before(*v.ExpiresAt) {
		return ErrNoSurvey
	}
	lo, hi := Scale(v.Kind)
	if score < lo || score > hi {
		return &ValidationError{Field: "score", Message: fmt.Sprintf("must be between %d and %d", lo, hi)}
	}
	if err := tx.AnswerSurvey(ctx, v.ID, score, text, at); errors.Is(err, store.ErrConflict) {
		return ErrNoSurvey
	} else if err != nil {
		return err
	}
	data, _ := json.Marshal(AnswerData{SurveyID: v.ID, Kind: v.Kind, Score: score, Max: hi, Via: via})
	if err := tx.InsertEvent(ctx, model.Event{WorkspaceID: v.WorkspaceID, ConversationID: v.ConversationID, Kind: EventAnswered, Data: data}); err != nil {
		return err
	}
	tx.AfterCommit(func() { s.changed(v.WorkspaceID, v.ConversationID) })
	return nil
}

// AnswerInConversation records a score given with one click (the web chat
// widget) for the latest survey of a conversation. It returns ErrNoSurvey
// when that survey is not waiting for an answer.
func (s *Service) AnswerInConversation(ctx context.Context, conversationID, surveyID string, score int) error {
	return s.Store.WithTx(ctx, func(tx *store.Store) error {
		v, err := tx.GetSurvey(ctx, surveyID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && v.ConversationID != conversationID) {
			return ErrNoSurvey
		}
		if err != nil {
			return err
		}
		return s.answer(ctx, tx, v, score, "", "widget", tx.Now())
	})
}

func (s *Service) changed(workspaceID, conversationID string) {
	if s.Broker == nil {
		return
	}
	// "message" on the conversation's topic: the widget refetches on it (it
	// ignores "conversation", which is about status and assignment).
	s.Broker.Publish(realtime.ConversationTopic(conversationID), realtime.Event{Type: "message", ID: conversationID, ConversationID: conversationID})
	s.Broker.Publish(realtime.WorkspaceTopic(workspaceID), realtime.Event{Type: "conversation", ID: conversationID, ConversationID: conversationID})
}

// Latest returns a conversation's newest survey that went out (sent or
// answered), for showing it to the customer; ErrNoSurvey if none.
func Latest(ctx context.Context, st *store.Store, conversationID string) (store.Survey, error) {
	all, err := st.ListSurveys(ctx, conversationID)
	if err != nil {
		return store.Survey{}, err
	}
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Status == store.SurveySent || all[i].Status == store.SurveyAnswered {
			return all[i], nil
		}
	}
	return store.Survey{}, ErrNoSurvey
}
