package survey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// SendArgs is the job that delivers one survey.
type SendArgs struct {
	SurveyID string `json:"survey_id"`
}

// Kind names the job in River's table.
func (SendArgs) Kind() string { return "send_survey" }

// Worker delivers surveys through the conversation's connector, with the
// outbox's rules: retried with backoff, a platform's rate limit waited out
// without spending an attempt, a permanent error final. A survey that is no
// longer scheduled (sent, cancelled) is never sent again.
type Worker struct {
	river.WorkerDefaults[SendArgs]
	Service  *Service
	Registry *channel.Registry
}

// Timeout bounds one attempt (the connector's HTTP timeout is shorter).
func (w *Worker) Timeout(*river.Job[SendArgs]) time.Duration { return 8 * time.Second }

// Work sends one survey.
func (w *Worker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	st := w.Service.Store
	v, err := st.GetSurvey(ctx, job.Args.SurveyID)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if v.Status != store.SurveyScheduled {
		return nil
	}
	now := st.Now()
	if wait := v.DueAt.Sub(now); wait > 0 {
		return river.JobSnooze(wait)
	}
	conv, err := st.GetConversation(ctx, v.WorkspaceID, v.ConversationID)
	if err != nil {
		return err
	}
	// Only the resolution it was planned for: a conversation reopened (or
	// resolved anew) during the delay gets no stale question.
	if conv.Status != model.StatusResolved || conv.ResolvedAt == nil || !conv.ResolvedAt.Equal(v.ResolvedAt) {
		return st.SetSurveyOutcome(ctx, v.ID, store.SurveyCancelled, "conversation reopened", job.Attempt)
	}
	if conv.Spam {
		return st.SetSurveyOutcome(ctx, v.ID, store.SurveyCancelled, "conversation is spam", job.Attempt)
	}
	set, err := st.GetSurveySettings(ctx, v.WorkspaceID)
	if err != nil {
		return err
	}
	if !set.Enabled {
		return st.SetSurveyOutcome(ctx, v.ID, store.SurveyCancelled, "surveys were turned off", job.Attempt)
	}
	sendVia := conv.ChannelID
	if conv.ReplyChannelID != "" {
		sendVia = conv.ReplyChannelID // the network's service handle answers
	}
	ch, err := st.GetChannel(ctx, sendVia)
	if err != nil {
		return err
	}
	conn, ok := w.Registry.Get(ch.Type)
	if !ok {
		return st.SetSurveyOutcome(ctx, v.ID, store.SurveyFailed, fmt.Sprintf("no connector for %q", ch.Type), job.Attempt)
	}
	caps := conn.Capabilities()
	// A survey is a private question: never posted publicly under a
	// customer's post.
	if conv.Public && !caps.PrivateMessage && !caps.PrivateReply {
		return st.SetSurveyOutcome(ctx, v.ID, store.SurveyFailed, "the channel cannot send private messages", job.Attempt)
	}
	lo, hi := Scale(v.Kind)
	out := channel.Outbound{MessageID: v.ID, ConversationID: conv.ID, ThreadID: conv.ThreadID, Text: v.Question,
		Public: false, ThreadPublic: conv.Public, CreatedAt: now,
		Survey: &channel.SurveyQuestion{ID: v.ID, Kind: v.Kind, Min: lo, Max: hi}}
	if out.InReplyTo, err = st.LastInboundExternalID(ctx, conv.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if id, err := st.GetIdentity(ctx, conv.IdentityID); err == nil {
		out.RecipientID = id.ExternalID
	}
	if t, err := st.LastInboundAt(ctx, conv.ID); err == nil {
		out.LastInboundAt = t
	}
	var sendErr error
	if s, ok := conn.(channel.Sender); ok {
		_, sendErr = s.SendReply(ctx, ch, out)
	} else {
		sendErr = conn.Send(ctx, ch, out)
	}
	if rl, ok := channel.IsRateLimited(sendErr); ok {
		w.Service.Log.Info("platform rate limit; survey waits", "survey_id", v.ID, "until", rl.Reset)
		return river.JobSnooze(max(time.Until(rl.Reset), time.Second))
	}
	if sendErr != nil {
		final := errors.Is(sendErr, channel.ErrPermanent) || errors.Is(sendErr, channel.ErrUnauthorized) || job.Attempt >= job.MaxAttempts
		status := store.SurveyScheduled
		if final {
			status = store.SurveyFailed
		}
		if err := st.SetSurveyOutcome(ctx, v.ID, status, sendErr.Error(), job.Attempt); err != nil {
			w.Service.Log.Error("record survey failure", "survey_id", v.ID, "error", err)
		}
		if final {
			return river.JobCancel(sendErr)
		}
		return sendErr
	}
	err = st.WithTx(ctx, func(tx *store.Store) error {
		at := tx.Now()
		if err := tx.MarkSurveySent(ctx, v.ID, at, at.Add(time.Duration(set.AnswerDays)*24*time.Hour), job.Attempt); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]any{"survey_id": v.ID, "kind": v.Kind, "channel_id": ch.ID})
		return tx.InsertEvent(ctx, model.Event{WorkspaceID: v.WorkspaceID, ConversationID: v.ConversationID, Kind: EventSent, Data: data})
	})
	if err != nil {
		return err
	}
	w.Service.changed(v.WorkspaceID, v.ConversationID)
	return nil
}
