// Package outbound delivers replies through their channel's connector as
// durable River jobs: retried with backoff, surviving restarts, never sent
// again once a delivery was confirmed.
package outbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/jobs"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/store"
)

// SendArgs is the job that delivers one outbound message.
type SendArgs struct {
	MessageID string `json:"message_id"`
}

// Kind names the job in River's table.
func (SendArgs) Kind() string { return "send_message" }

// Worker delivers messages.
type Worker struct {
	river.WorkerDefaults[SendArgs]
	Store    *store.Store
	Registry *channel.Registry
	Broker   realtime.Broker
	Log      *slog.Logger
}

// Work sends one message. It returns nil for a message already delivered, so
// a repeated job never sends twice what a callback confirmed.
func (w *Worker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	m, err := w.Store.GetMessage(ctx, job.Args.MessageID)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if m.DeliveryStatus != model.DeliveryQueued {
		return nil
	}
	conv, err := w.Store.GetConversation(ctx, m.WorkspaceID, m.ConversationID)
	if err != nil {
		return err
	}
	sendVia := m.ChannelID
	if conv.ReplyChannelID != "" {
		sendVia = conv.ReplyChannelID // the network's service handle answers
	}
	ch, err := w.Store.GetChannel(ctx, sendVia)
	if err != nil {
		return err
	}
	conn, ok := w.Registry.Get(ch.Type)
	if !ok {
		return w.fail(ctx, m, job.Attempt, fmt.Errorf("no connector for %q", ch.Type), true)
	}
	out := channel.Outbound{MessageID: m.ID, ConversationID: conv.ID, ThreadID: conv.ThreadID, InReplyTo: m.InReplyTo,
		Text: m.Text, Public: m.Public, AgentName: m.AuthorName, CreatedAt: m.CreatedAt, ThreadPublic: conv.Public}
	if id, err := w.Store.GetIdentity(ctx, conv.IdentityID); err == nil {
		out.RecipientID = id.ExternalID
	}
	if t, err := w.Store.LastInboundAt(ctx, conv.ID); err == nil {
		out.LastInboundAt = t
	}
	var result channel.SendResult
	var sendErr error
	if s, ok := conn.(channel.Sender); ok {
		result, sendErr = s.SendReply(ctx, ch, out)
	} else {
		sendErr = conn.Send(ctx, ch, out)
	}
	if rl, ok := channel.IsRateLimited(sendErr); ok {
		// The platform said when: wait until then without spending an attempt.
		w.Log.Info("platform rate limit; waiting", "message_id", m.ID, "until", rl.Reset)
		return river.JobSnooze(max(time.Until(rl.Reset), time.Second))
	}
	if errors.Is(sendErr, channel.ErrUnauthorized) {
		if err := w.Store.SetChannelHealth(ctx, ch.ID, "unhealthy", sendErr.Error()); err != nil {
			w.Log.Error("mark channel unhealthy", "channel_id", ch.ID, "error", err)
		}
	}
	if sendErr != nil {
		permanent := errors.Is(sendErr, channel.ErrPermanent)
		last := job.Attempt >= job.MaxAttempts
		return w.fail(ctx, m, job.Attempt, sendErr, permanent || last)
	}
	now := w.Store.Now()
	if err := w.Store.SetDelivery(ctx, m.ID, model.DeliverySent, "", job.Attempt, &now); err != nil {
		return err
	}
	if result.ExternalID != "" {
		// Recorded so the platform's echo of this reply is a duplicate; a
		// conflict means the echo won the race, which is harmless.
		if err := w.Store.SetMessageExternalID(ctx, m.ID, result.ExternalID); err != nil && !errors.Is(err, store.ErrConflict) {
			w.Log.Warn("record platform id of reply", "message_id", m.ID, "error", err)
		}
	}
	w.changed(m)
	return nil
}

// Timeout bounds one attempt (the connector's HTTP timeout is shorter).
func (w *Worker) Timeout(*river.Job[SendArgs]) time.Duration { return 8 * time.Second }

func (w *Worker) fail(ctx context.Context, m model.Message, attempt int, cause error, final bool) error {
	status := model.DeliveryQueued
	if final {
		status = model.DeliveryFailed
	}
	if err := w.Store.SetDelivery(ctx, m.ID, status, cause.Error(), attempt, nil); err != nil {
		w.Log.Error("record delivery failure", "message_id", m.ID, "error", err)
	}
	w.changed(m)
	if final {
		return river.JobCancel(cause)
	}
	return cause
}

func (w *Worker) changed(m model.Message) {
	w.Broker.Publish(realtime.ConversationTopic(m.ConversationID), realtime.Event{Type: "message", ID: m.ID, ConversationID: m.ConversationID})
	w.Broker.Publish(realtime.WorkspaceTopic(m.WorkspaceID), realtime.Event{Type: "conversation", ID: m.ConversationID, ConversationID: m.ConversationID})
}

// Outbox enqueues send jobs and re-enqueues forgotten ones.
type Outbox struct {
	Jobs  *jobs.Runner
	Store *store.Store
	Log   *slog.Logger
}

// EnqueueSend schedules delivery of a message. Uniqueness by message id keeps
// a reconciled message from being queued twice while its job is alive.
func (o *Outbox) EnqueueSend(ctx context.Context, messageID string) error {
	return o.Jobs.Insert(ctx, SendArgs{MessageID: messageID}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}})
}

// Reconcile enqueues messages that are still queued but were stored more than
// grace ago: a crash between commit and enqueue leaves such a message behind.
func (o *Outbox) Reconcile(ctx context.Context, grace time.Duration) (int, error) {
	ids, err := o.Store.ListQueuedMessageIDs(ctx, o.Store.Now().Add(-grace), 1000)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := o.EnqueueSend(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// RunReconciler reconciles at start and then every interval until ctx ends.
func (o *Outbox) RunReconciler(ctx context.Context, interval, grace time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := o.Reconcile(ctx, grace); err != nil && ctx.Err() == nil {
			o.Log.Error("outbox reconcile", "error", err)
		} else if n > 0 {
			o.Log.Info("outbox reconciled queued messages", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
