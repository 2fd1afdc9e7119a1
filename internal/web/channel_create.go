package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/heed-dev/heed/internal/accounts"
)

// createChannel adds an API channel (its id, inbound URL and signing secret
// are shown once, in this answer) or a web chat channel (its embed snippet).
func (h *Handler) createChannel(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	c, err := h.Accounts.CreateChannel(r.Context(), accounts.NewChannel{WorkspaceID: me(r).WorkspaceID, Type: f.Get("type"),
		Name: f.Get("name"), CallbackURL: strings.TrimSpace(f.Get("callback_url"))})
	var ve *accounts.ValidationError
	if err != nil && !errors.As(err, &ve) {
		return err
	}
	p, perr := h.channelsPage(r)
	if perr != nil {
		return perr
	}
	if ve != nil {
		p.Error = fieldMessage(ve.Field, ve.Message)
		p.Form.Type, p.Form.Name, p.Form.CallbackURL = f.Get("type"), f.Get("name"), f.Get("callback_url")
		return h.render(w, r, http.StatusUnprocessableEntity, "admin_channels", p)
	}
	row := h.channelRow(c, true)
	p.Created = &row
	p.Flash = "Channel created. Copy its secret now: it is not shown again."
	return h.render(w, r, http.StatusCreated, "admin_channels", p)
}
