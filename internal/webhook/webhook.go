// Package webhook delivers a workspace's outbound webhook events (SLA
// warnings and breaches, …) as durable River jobs, signed like the API
// channel: X-Heed-Signature over the body with the webhook's secret, and an
// X-Heed-Delivery id that stays the same on every retry.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"github.com/heed-dev/heed/internal/channel/apichannel"
	"github.com/heed-dev/heed/internal/jobs"
	"github.com/heed-dev/heed/internal/store"
)

// Args is one delivery of one event to one webhook.
type Args struct {
	WebhookID  string          `json:"webhook_id"`
	DeliveryID string          `json:"delivery_id"`
	Event      string          `json:"event"`
	Payload    json.RawMessage `json:"payload"`
}

// Kind names the job.
func (Args) Kind() string { return "deliver_webhook" }

// Dispatcher enqueues deliveries.
type Dispatcher struct {
	Jobs *jobs.Runner
	Log  *slog.Logger
}

// Enqueue schedules event for every webhook of the workspace that subscribed
// to it (an empty subscription list means every event). Jobs are inserted
// once tx commits.
func (d *Dispatcher) Enqueue(ctx context.Context, tx *store.Store, workspaceID, event string, payload any) error {
	hooks, err := tx.ListWebhooks(ctx, workspaceID)
	if err != nil || len(hooks) == 0 {
		return err
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("webhook payload: %w", err)
	}
	var args []Args
	for _, h := range hooks {
		if len(h.Events) > 0 && !slices.Contains(h.Events, event) {
			continue
		}
		args = append(args, Args{WebhookID: h.ID, DeliveryID: store.NewID(), Event: event, Payload: body})
	}
	tx.AfterCommit(func() {
		for _, a := range args {
			if err := d.Jobs.Insert(context.WithoutCancel(ctx), a, nil); err != nil {
				d.Log.Error("enqueue webhook", "webhook_id", a.WebhookID, "event", a.Event, "error", err)
			}
		}
	})
	return nil
}

// Worker POSTs deliveries.
type Worker struct {
	river.WorkerDefaults[Args]
	Store  *store.Store
	Client *http.Client
}

// Work delivers one event; 5xx and network errors are retried with backoff,
// other 4xx are final.
func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error {
	h, err := w.Store.GetWebhook(ctx, job.Args.WebhookID)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err) // deleted since
	}
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"id": job.Args.DeliveryID, "event": job.Args.Event, "data": job.Args.Payload})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return river.JobCancel(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Heed-Webhook/1")
	req.Header.Set(apichannel.SignatureHeader, apichannel.Sign(h.Secret, body))
	req.Header.Set(apichannel.DeliveryHeader, job.Args.DeliveryID)
	req.Header.Set("X-Heed-Event", job.Args.Event)
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", h.ID, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode < 300:
		return nil
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("webhook %s answered %d", h.ID, resp.StatusCode)
	default:
		return river.JobCancel(fmt.Errorf("webhook %s answered %d", h.ID, resp.StatusCode))
	}
}
