package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/widget"
)

type channelJSON struct {
	ID           string            `json:"id"`
	Type         string            `json:"type"`
	Name         string            `json:"name"`
	CallbackURL  string            `json:"callback_url,omitempty"`
	Secret       string            `json:"secret,omitempty"`
	InboundURL   string            `json:"inbound_url,omitempty"`
	Embed        string            `json:"embed,omitempty"`
	Settings     json.RawMessage   `json:"settings,omitempty"`
	Health       string            `json:"health,omitempty"`
	HealthReason string            `json:"health_reason,omitempty"`
	WebhookURL   string            `json:"webhook_url,omitempty"`
	Capabilities *capabilitiesJSON `json:"capabilities,omitempty"`
	CreatedAt    string            `json:"created_at"`
}

func (h *Handler) channelJSON(c model.Channel, withSecret bool) channelJSON {
	j := channelJSON{ID: c.ID, Type: c.Type, Name: c.Name, CallbackURL: c.CallbackURL, CreatedAt: c.CreatedAt.Format(time.RFC3339),
		Settings: c.Settings, Health: c.Health, HealthReason: c.HealthReason}
	if withSecret {
		j.Secret = c.Secret
	}
	switch c.Type {
	case model.ChannelAPI:
		j.InboundURL = h.BaseURL + "/api/v1/channels/" + c.ID + "/inbound"
	case model.ChannelWebchat:
		j.Embed = widget.Snippet(h.BaseURL, c.ID)
	default:
		if conn, ok := h.Registry.Get(c.Type); ok {
			if _, hook := conn.(channel.Webhook); hook {
				j.WebhookURL = h.BaseURL + "/hooks/" + c.ID
			}
			j.Capabilities = capsJSON(conn.Capabilities())
		}
	}
	return j
}

func (h *Handler) createChannel(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Type        string            `json:"type"`
		Name        string            `json:"name"`
		CallbackURL string            `json:"callback_url"`
		Settings    json.RawMessage   `json:"settings"`
		Credentials map[string]string `json:"credentials"`
	}
	if !decode(w, r, &in) {
		return
	}
	a := agentFrom(r.Context())
	c, err := h.Accounts.CreateChannel(r.Context(), accounts.NewChannel{WorkspaceID: a.WorkspaceID, Type: in.Type, Name: in.Name,
		CallbackURL: in.CallbackURL, Settings: in.Settings, Credentials: in.Credentials})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, h.channelJSON(c, true))
}

func (h *Handler) listChannels(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	cs, err := h.Store.ListChannels(r.Context(), a.WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]channelJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, h.channelJSON(c, a.Role == model.RoleAdmin))
	}
	writeJSON(w, http.StatusOK, map[string]any{"channels": out})
}

type capabilitiesJSON struct {
	PublicReply    bool  `json:"public_reply"`
	PrivateMessage bool  `json:"private_message"`
	PrivateReply   bool  `json:"private_reply"`
	Hide           bool  `json:"hide"`
	Delete         bool  `json:"delete"`
	Like           bool  `json:"like"`
	MaxLength      int   `json:"max_length,omitempty"`
	MaxPrivate     int   `json:"max_private,omitempty"`
	ReplyWindowSec int64 `json:"reply_window_seconds,omitempty"`
}

func capsJSON(c channel.Capabilities) *capabilitiesJSON {
	return &capabilitiesJSON{PublicReply: c.PublicReply, PrivateMessage: c.PrivateMessage, PrivateReply: c.PrivateReply, Hide: c.Hide,
		Delete: c.Delete, Like: c.Like, MaxLength: c.MaxLength, MaxPrivate: c.MaxPrivate, ReplyWindowSec: int64(c.ReplyWindow.Seconds())}
}
