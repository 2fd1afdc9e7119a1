package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/widget"
)

// channelRow is a channel as the admin page shows it: never its secret,
// except once, right after creation.
type channelRow struct {
	ID          string
	Type        string
	Name        string
	CallbackURL string
	InboundURL  string // API channels
	Embed       string // web chat: the snippet to paste (shown as text)
	Secret      string // only in the creation answer
	WebhookURL  string // platforms: where their webhooks go
	Health      string
	Reason      string // why a channel is unhealthy (e.g. a revoked token)
}

func (h *Handler) channelRow(c model.Channel, withSecret bool) channelRow {
	row := channelRow{ID: c.ID, Type: c.Type, Name: c.Name, CallbackURL: c.CallbackURL, Health: c.Health, Reason: c.HealthReason}
	switch c.Type {
	case model.ChannelAPI:
		row.InboundURL = h.BaseURL + "/api/v1/channels/" + c.ID + "/inbound"
	case model.ChannelWebchat:
		row.Embed = widget.Snippet(h.BaseURL, c.ID)
	default:
		row.WebhookURL = h.BaseURL + "/hooks/" + c.ID
	}
	if withSecret {
		row.Secret = c.Secret
	}
	return row
}

type channelsPage struct {
	base
	Channels []channelRow
	Created  *channelRow
	Error    string
	Form     struct{ Type, Name, CallbackURL string }
}

func (h *Handler) channelsPage(r *http.Request) (channelsPage, error) {
	chans, err := h.Store.ListChannels(r.Context(), me(r).WorkspaceID)
	if err != nil {
		return channelsPage{}, err
	}
	p := channelsPage{base: h.base(r, "Channels", "channels")}
	for _, c := range chans {
		p.Channels = append(p.Channels, h.channelRow(c, false))
	}
	return p, nil
}

// listChannels lists channels with their inbound URL or embed snippet.
func (h *Handler) listChannels(w http.ResponseWriter, r *http.Request) error {
	p, err := h.channelsPage(r)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "admin_channels", p)
}
