package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/model"
)

// registerCollab mounts presence, the approvals queue and the composer
// settings (issue 4), kept out of Register's list to keep edits to it small.
func (h *Handler) registerCollab(mux *http.ServeMux) {
	mux.Handle("POST /conversations/{id}/presence", h.authed(model.RoleContributor, h.beatPresence))
	mux.Handle("GET /presence", h.authed(model.RoleContributor, h.listPresence))
	mux.Handle("GET /approvals", h.authed(model.RoleSupervisor, h.listApprovals))
	mux.Handle("POST /approvals/{id}/approve", h.authed(model.RoleSupervisor, h.approveReply))
	mux.Handle("POST /approvals/{id}/reject", h.authed(model.RoleSupervisor, h.rejectReply))
	mux.Handle("GET /admin/compose", h.authed(model.RoleAdmin, h.showComposeSettings))
	mux.Handle("POST /admin/compose", h.authed(model.RoleAdmin, h.saveComposeSettings))
}

// roleChoices are the roles an admin gives new agents, the default first.
var roleChoices = []model.Role{model.RoleAgent, model.RoleSupervisor, model.RoleAdmin, model.RoleContributor}
