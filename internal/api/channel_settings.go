package api

import (
	"encoding/json"
	"net/http"
)

// updateChannel changes a channel's name, callback URL, settings (e.g.
// {"service_handle":true,"service_team_id":"…"}) and credentials (admin);
// new credentials reconnect an unhealthy channel without losing history.
func (h *Handler) updateChannel(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name        *string           `json:"name"`
		CallbackURL *string           `json:"callback_url"`
		Settings    json.RawMessage   `json:"settings"`
		Credentials map[string]string `json:"credentials"`
	}
	if !decode(w, r, &in) {
		return
	}
	a := agentFrom(r.Context())
	c, err := h.Store.GetChannel(r.Context(), r.PathValue("id"))
	if err != nil || c.WorkspaceID != a.WorkspaceID {
		writeError(w, http.StatusNotFound, "not_found", "no such channel", "")
		return
	}
	if in.Name != nil {
		c.Name = *in.Name
	}
	if in.CallbackURL != nil {
		c.CallbackURL = *in.CallbackURL
	}
	if len(in.Settings) > 0 {
		var obj map[string]any
		if json.Unmarshal(in.Settings, &obj) != nil {
			writeError(w, http.StatusBadRequest, "invalid", "must be a JSON object", "settings")
			return
		}
		c.Settings = in.Settings
	}
	if err := h.Store.UpdateChannel(r.Context(), c); err != nil {
		h.fail(w, r, err)
		return
	}
	if in.Credentials != nil {
		// Reconnecting: new tokens, the channel is healthy again, history stays.
		if err := h.Store.SetChannelCredentials(r.Context(), a.WorkspaceID, c.ID, in.Credentials); err != nil {
			h.fail(w, r, err)
			return
		}
		if c, err = h.Store.GetChannel(r.Context(), c.ID); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, h.channelJSON(c, true))
}
