package api

import (
	"errors"
	"net/http"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// receiveInbound stores a signed platform message and answers 202 once it is
// durable; a repeat of the same external id answers 200 and stores nothing.
func (h *Handler) receiveInbound(w http.ResponseWriter, r *http.Request) {
	body, ch, conn, ok := h.signedRequest(w, r)
	if !ok {
		return
	}
	msg, err := conn.Normalize(body)
	if err != nil {
		var fe *channel.FieldError
		if errors.As(err, &fe) {
			writeError(w, http.StatusBadRequest, "invalid", fe.Message, fe.Field)
			return
		}
		writeError(w, http.StatusBadRequest, "invalid", err.Error(), "body")
		return
	}
	created, err := h.Processor.Accept(r.Context(), ch, msg.ExternalID, body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !created {
		writeJSON(w, http.StatusOK, map[string]string{"status": "duplicate", "external_id": msg.ExternalID})
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "accepted", "external_id": msg.ExternalID})
}

// signedRequest reads a request a platform (or an integrator) signed for
// the channel in the path: the body within its limit, the channel, and its
// connector, once the signature verified. It answers the error itself.
func (h *Handler) signedRequest(w http.ResponseWriter, r *http.Request) ([]byte, model.Channel, channel.Connector, bool) {
	body, ok := readBody(w, r)
	if !ok {
		return nil, model.Channel{}, nil, false
	}
	ch, err := h.Store.GetChannel(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "not_found", "no such channel", "")
		return nil, ch, nil, false
	}
	if err != nil {
		h.fail(w, r, err)
		return nil, ch, nil, false
	}
	conn, ok := h.Registry.Get(ch.Type)
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "channel type has no inbound endpoint", "")
		return nil, ch, nil, false
	}
	if err := conn.Verify(ch, r, body); err != nil {
		writeError(w, http.StatusUnauthorized, "bad_signature", "bad or missing X-Heed-Signature", "")
		return nil, ch, nil, false
	}
	return body, ch, conn, true
}
