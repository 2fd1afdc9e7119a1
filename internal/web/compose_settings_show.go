package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/store"
)

type composeSettingsPage struct {
	base
	Modes                 []inbox.CheckMode
	BlockingNeedsApproval bool
	Error                 string
}

// checkLabels explain each check on the settings page.
var checkLabels = map[string]string{
	"spelling":             "Spelling (the conversation's language and the workspace's words)",
	"wrong_name":           "Greets someone other than the customer",
	"boilerplate":          "Copy of a saved reply or another customer's reply",
	"acknowledgement_only": "Promises to look into it but answers nothing",
	"deflection":           "Sends the customer elsewhere without a reason",
	"personal_data":        "Personal data (card, IBAN, phone, e-mail, address) in a public reply",
	"empathy":              "Upset customer, no empathy",
	"arguing":              "Confrontational wording or shouting",
	"length":               "Over the channel's limit, markup shown raw",
	"consistency":          "Compensation over the policy or out of line",
}

// showComposeSettings lets an admin switch each composer check off, make it
// warn, or make it block sending.
func (h *Handler) showComposeSettings(w http.ResponseWriter, r *http.Request) error {
	set, err := h.Store.GetComposeSettings(r.Context(), me(r).WorkspaceID)
	if err != nil {
		return err
	}
	p := composeSettingsPage{base: h.base(r, "Composer checks", "compose"), Modes: inbox.CheckModes(set), BlockingNeedsApproval: set.BlockingNeedsApproval}
	if r.URL.Query().Get("done") == "saved" {
		p.Flash = "Saved: the composer uses these settings from now on."
	}
	return h.render(w, r, http.StatusOK, "admin_compose", p)
}

// checkLabel is the human name of a check on the settings page.
func (p composeSettingsPage) Label(check string) string {
	if l := checkLabels[check]; l != "" {
		return l
	}
	return check
}

// Choices are the modes an admin picks from.
func (composeSettingsPage) Choices() []string {
	return []string{store.CheckOff, store.CheckWarn, store.CheckBlock}
}
