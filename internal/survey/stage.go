package survey

import (
	"context"
	"errors"
	"slices"

	"github.com/heed-dev/heed/internal/inbound"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// Stage is the pipeline stage that takes a customer's score-only reply as
// the answer to the survey waiting for them. It runs right after identify,
// before thread: a survey sent as a private message may be answered in a
// new private thread, which must not become a conversation of its own. An
// answer stops the item (nothing reopens); any other message goes on.
type Stage struct {
	Service *Service
}

// Name names the stage in errors.
func (Stage) Name() string { return "survey" }

// Run records the answer when the message is one.
func (s Stage) Run(ctx context.Context, tx *store.Store, it *inbound.Item) error {
	// Cheap shape check first: most messages are not scores, and those need
	// no query.
	if _, _, ok := parseAnswer(it.Msg.Text); !ok || it.Identity.ID == "" {
		return nil
	}
	at := it.Msg.CreatedAt
	if at.IsZero() {
		at = tx.Now()
	}
	v, err := tx.PendingSurveyForIdentity(ctx, it.Channel.WorkspaceID, it.Identity.ID, at)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	score, ok := ParseScore(it.Msg.Text, v.Kind)
	if !ok {
		return nil // a number on another scale is a normal message
	}
	if err := s.Service.answer(ctx, tx, v, score, it.Msg.Text, "reply", at); errors.Is(err, ErrNoSurvey) {
		return nil
	} else if err != nil {
		return err
	}
	it.Duplicate = true // stop here: stored as the survey's answer, not as a message
	it.Changed = &model.Conversation{ID: v.ConversationID, WorkspaceID: v.WorkspaceID}
	return nil
}

// WithStage returns stages with the survey stage placed right after the
// identify stage (at the end if there is none).
func WithStage(stages []inbound.Stage, st inbound.Stage) []inbound.Stage {
	i := slices.IndexFunc(stages, func(s inbound.Stage) bool { return s.Name() == "identify" })
	if i < 0 {
		return append(slices.Clone(stages), st)
	}
	return slices.Insert(slices.Clone(stages), i+1, st)
}
