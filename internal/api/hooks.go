package api

import (
	"errors"
	"net/http"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// webhookChannel finds the channel of a /hooks URL and its webhook-capable connector.
func (h *Handler) webhookChannel(w http.ResponseWriter, r *http.Request) (model.Channel, channel.Connector, channel.Webhook, bool) {
	ch, err := h.Store.GetChannel(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "not_found", "no such channel", "")
		return ch, nil, nil, false
	}
	if err != nil {
		h.fail(w, r, err)
		return ch, nil, nil, false
	}
	conn, ok := h.Registry.Get(ch.Type)
	wh, isHook := conn.(channel.Webhook)
	if !ok || !isHook {
		writeError(w, http.StatusNotFound, "not_found", "this channel takes no webhooks", "")
		return ch, nil, nil, false
	}
	return ch, conn, wh, true
}

// handshakeWebhook answers a platform's verification of the webhook URL
// (X's CRC challenge, Meta's hub.challenge).
func (h *Handler) handshakeWebhook(w http.ResponseWriter, r *http.Request) {
	ch, _, wh, ok := h.webhookChannel(w, r)
	if !ok {
		return
	}
	status, ctype, body := wh.Handshake(ch, r)
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.WriteHeader(status)
	w.Write(body)
}

// receiveWebhook stores every event of a signed platform delivery before
// answering 200; repeats of an event are stored once.
func (h *Handler) receiveWebhook(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	ch, conn, _, ok := h.webhookChannel(w, r)
	if !ok {
		return
	}
	if err := conn.Verify(ch, r, body); err != nil {
		writeError(w, http.StatusUnauthorized, "bad_signature", "bad or missing signature", "")
		return
	}
	targets := []model.Channel{ch}
	if fan, ok := conn.(channel.FanOut); ok {
		// One callback carries several accounts' events: offer the delivery
		// to every channel of the same app that it names.
		all, err := h.Store.ListChannels(r.Context(), ch.WorkspaceID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		targets = targets[:0]
		for _, other := range all {
			oc, ok := h.Registry.Get(other.Type)
			if _, isFan := oc.(channel.FanOut); !ok || !isFan || (other.ID != ch.ID && !fan.SameApp(ch, other)) {
				continue
			}
			if oc.(channel.FanOut).Concerns(other, body) {
				targets = append(targets, other)
			}
		}
	}
	accepted, dups := 0, 0
	for _, target := range targets {
		tc, _ := h.Registry.Get(target.Type)
		events, err := tc.(channel.Webhook).Split(target, body)
		if err != nil {
			var fe *channel.FieldError
			if errors.As(err, &fe) {
				writeError(w, http.StatusBadRequest, "invalid", fe.Message, fe.Field)
				return
			}
			writeError(w, http.StatusBadRequest, "invalid", "unreadable delivery: "+err.Error(), "body")
			return
		}
		for _, ev := range events {
			created, err := h.Processor.Accept(r.Context(), target, ev.ExternalID, ev.Payload)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			if created {
				accepted++
			} else {
				dups++
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]int{"accepted": accepted, "duplicates": dups})
}
