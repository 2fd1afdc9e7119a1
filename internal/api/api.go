// Package api serves Heed's JSON API under /api/v1: bearer-token
// authentication, one handler per action, errors as
// {"error":{"code","message","field"}}.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/inbound"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/listening"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
)

// MaxBodyBytes bounds every request body.
const MaxBodyBytes = 1 << 20

// Deps are what the API needs.
type Deps struct {
	Store     *store.Store
	Inbox     *inbox.Service
	Accounts  *accounts.Service
	Processor *inbound.Processor
	Registry  *channel.Registry
	BaseURL   string
	Log       *slog.Logger
	Router    *inbound.RouteStage // told when rules change
	Analyzer  *analyze.Analyzer   // for testing rules against a sample text
	Clocks    interface{ Forget(workspaceID string) }
	Composer  *compose.Checker
	Listening *listening.Service // nil: the listening endpoints answer 404
}

// Handler serves the API.
type Handler struct{ Deps }

// New returns the API handler.
func New(d Deps) *Handler { return &Handler{Deps: d} }

// Register mounts the API routes.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/openapi.json", h.showOpenAPI)
	mux.HandleFunc("POST /api/v1/channels/{id}/inbound", h.receiveInbound)
	mux.HandleFunc("POST /api/v1/channels/{id}/engagement", h.receiveEngagement)
	mux.HandleFunc("GET /hooks/{id}", h.handshakeWebhook)
	mux.HandleFunc("POST /hooks/{id}", h.receiveWebhook)

	mux.Handle("GET /api/v1/me", h.authed(model.RoleAgent, h.showMe))
	mux.Handle("POST /api/v1/compose/check", h.authed(model.RoleAgent, h.checkDraft))
	mux.Handle("GET /api/v1/saved-replies", h.authed(model.RoleAgent, h.listSavedReplies))
	mux.Handle("GET /api/v1/reports/live", h.authed(model.RoleSupervisor, h.showLiveBoard))
	mux.Handle("GET /api/v1/settings/signatures", h.authed(model.RoleAgent, h.showSignatures))
	mux.Handle("PUT /api/v1/settings/signatures", h.authed(model.RoleAdmin, h.saveSignatures))
	mux.Handle("GET /api/v1/settings/survey", h.authed(model.RoleSupervisor, h.showSurveySettings))
	mux.Handle("PUT /api/v1/settings/survey", h.authed(model.RoleAdmin, h.saveSurveySettings))
	mux.Handle("POST /api/v1/saved-replies", h.authed(model.RoleSupervisor, h.createSavedReply))
	mux.Handle("DELETE /api/v1/saved-replies/{id}", h.authed(model.RoleSupervisor, h.deleteSavedReply))
	mux.Handle("GET /api/v1/conversations/{id}/saved-replies", h.authed(model.RoleAgent, h.conversationSavedReplies))
	mux.Handle("POST /api/v1/channels", h.authed(model.RoleAdmin, h.createChannel))
	mux.Handle("GET /api/v1/channels", h.authed(model.RoleAgent, h.listChannels))
	mux.Handle("PATCH /api/v1/channels/{id}", h.authed(model.RoleAdmin, h.updateChannel))
	mux.Handle("GET /api/v1/conversations", h.authed(model.RoleAgent, h.listConversations))
	mux.Handle("GET /api/v1/conversations/{id}", h.authed(model.RoleAgent, h.showConversation))
	mux.Handle("POST /api/v1/conversations/{id}/messages", h.authed(model.RoleAgent, h.createMessage))
	mux.Handle("POST /api/v1/conversations/{id}/status", h.authed(model.RoleAgent, h.setStatus))
	mux.Handle("POST /api/v1/conversations/{id}/assign", h.authed(model.RoleAgent, h.assign))
	mux.Handle("POST /api/v1/conversations/{id}/spam", h.authed(model.RoleAgent, h.markSpam))
	mux.Handle("POST /api/v1/messages/{id}/{verb}", h.authed(model.RoleAgent, h.moderateMessage))
	mux.Handle("GET /api/v1/sla/policies", h.authed(model.RoleAgent, h.listSLAPolicies))
	mux.Handle("PUT /api/v1/sla/policies/{id}", h.authed(model.RoleAdmin, h.updateSLAPolicy))
	mux.Handle("GET /api/v1/sla/business-hours", h.authed(model.RoleAgent, h.showBusinessHours))
	mux.Handle("PUT /api/v1/sla/business-hours", h.authed(model.RoleAdmin, h.saveBusinessHours))
	mux.Handle("GET /api/v1/routing/rules", h.authed(model.RoleSupervisor, h.showRoutingRules))
	mux.Handle("PUT /api/v1/routing/rules", h.authed(model.RoleAdmin, h.saveRoutingRules))
	mux.Handle("POST /api/v1/routing/test", h.authed(model.RoleSupervisor, h.testRoutingRules))
	mux.Handle("POST /api/v1/me/availability", h.authed(model.RoleAgent, h.setAvailability))
	mux.Handle("PUT /api/v1/agents/{id}/routing", h.authed(model.RoleAdmin, h.setAgentRouting))
	mux.Handle("GET /api/v1/notifications", h.authed(model.RoleAgent, h.listNotifications))
	mux.Handle("GET /api/v1/webhooks", h.authed(model.RoleAdmin, h.listWebhooks))
	mux.Handle("POST /api/v1/webhooks", h.authed(model.RoleAdmin, h.createWebhook))
	mux.Handle("GET /api/v1/agents", h.authed(model.RoleAgent, h.listAgents))
	mux.Handle("POST /api/v1/agents", h.authed(model.RoleAdmin, h.createAgent))
	mux.Handle("GET /api/v1/teams", h.authed(model.RoleAgent, h.listTeams))
	mux.Handle("POST /api/v1/teams", h.authed(model.RoleAdmin, h.createTeam))
	h.registerReports(mux)
	h.registerListening(mux)
	h.registerCollab(mux)
	h.registerAssists(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint", "")
	})
}

type ctxKey struct{}

func agentFrom(ctx context.Context) model.Agent {
	a, _ := ctx.Value(ctxKey{}).(model.Agent)
	return a
}

// authed checks the bearer token and the agent's role.
func (h *Handler) authed(min model.Role, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || strings.TrimSpace(token) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="heed"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "missing bearer token", "")
			return
		}
		t, err := h.Store.GetAPITokenByHash(r.Context(), secret.Hash(strings.TrimSpace(token)))
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="heed", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "invalid token", "")
			return
		}
		a, err := h.Store.GetAgent(r.Context(), t.AgentID)
		if err != nil || a.Disabled {
			writeError(w, http.StatusUnauthorized, "unauthorized", "token's agent is disabled", "")
			return
		}
		if !a.Role.AtLeast(min) {
			writeError(w, http.StatusForbidden, "forbidden", fmt.Sprintf("requires the %s role", min), "")
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, a)))
	})
}

// APIError is the error body.
type APIError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg, field string) {
	writeJSON(w, status, map[string]APIError{"error": {Code: code, Message: msg, Field: field}})
}

// fail maps an error to a response, logging only what the user cannot fix.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ive *inbox.ValidationError
	var ave *accounts.ValidationError
	var fe *channel.FieldError
	switch {
	case errors.As(err, &ive):
		writeError(w, http.StatusBadRequest, "invalid", ive.Message, ive.Field)
	case errors.As(err, &ave):
		writeError(w, http.StatusBadRequest, "invalid", ave.Message, ave.Field)
	case errors.As(err, &fe):
		writeError(w, http.StatusBadRequest, "invalid", fe.Message, fe.Field)
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "not found", "")
	case errors.Is(err, store.ErrBadCursor):
		writeError(w, http.StatusBadRequest, "invalid", "bad cursor", "cursor")
	case errors.Is(err, store.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", "conflicts with existing data", "")
	default:
		h.Log.Error("api error", "method", r.Method, "path", r.URL.Path, "error", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error", "")
	}
}

// readBody reads at most MaxBodyBytes; it answers 413 itself when over.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body exceeds %d bytes", MaxBodyBytes), "body")
		} else {
			writeError(w, http.StatusBadRequest, "invalid", "could not read body", "body")
		}
		return nil, false
	}
	return body, true
}

// decode reads a JSON request body into v, rejecting unknown fields.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, ok := readBody(w, r)
	if !ok {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		field := "body"
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			field = ute.Field
		} else if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			field = strings.Trim(f, `"`)
			writeError(w, http.StatusBadRequest, "invalid", "unknown field", field)
			return false
		}
		writeError(w, http.StatusBadRequest, "invalid", "malformed JSON: "+err.Error(), field)
		return false
	}
	return true
}
