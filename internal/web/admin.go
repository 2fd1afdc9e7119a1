package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/model"
)

// adminFlashes are the fixed notices a redirect after an admin action may
// ask for (?done=…); nothing from the URL is echoed.
var adminFlashes = map[string]string{
	"agent":   "Agent created.",
	"team":    "Team created.",
	"revoked": "Token revoked.",
}

func adminFlash(r *http.Request) string { return adminFlashes[r.URL.Query().Get("done")] }

// agentNames maps agent ids to names for display.
func agentNames(agents []model.Agent) map[string]string {
	m := make(map[string]string, len(agents))
	for _, a := range agents {
		m[a.ID] = a.Name
	}
	return m
}
