package web

import (
	"errors"
	"net/http"

	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/store"
)

// saveComposeSettings stores the admin's choice for every check (form
// fields "check.<name>" = off|warn|block) and whether blocking checks send
// the reply to approval instead of refusing it.
func (h *Handler) saveComposeSettings(w http.ResponseWriter, r *http.Request) error {
	modes := map[string]string{}
	for _, c := range compose.Checks {
		if v := r.PostFormValue("check." + c); v != "" {
			modes[c] = v
		}
	}
	needsApproval := r.PostFormValue("blocking_needs_approval") != ""
	_, err := h.Inbox.SaveComposeSettings(r.Context(), me(r), modes, needsApproval)
	var ve *inbox.ValidationError
	if errors.As(err, &ve) {
		p := composeSettingsPage{base: h.base(r, "Composer checks", "compose"), BlockingNeedsApproval: needsApproval,
			Modes: inbox.CheckModes(store.ComposeSettings{Checks: map[string]string{}}), Error: fieldMessage(ve.Field, ve.Message)}
		return h.render(w, r, http.StatusUnprocessableEntity, "admin_compose", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/compose?done=saved", http.StatusSeeOther)
	return nil
}
