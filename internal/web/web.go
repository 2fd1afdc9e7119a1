// Package web serves the agent web UI: server-rendered html/template pages
// with htmx, live updates over SSE, embedded assets at content-hashed URLs.
//
// One file per page or action (resource_action.go), each a method on
// Handler returning an error; fail (errors.go) is the one place that turns
// errors into responses. Every agent action goes through inbox.Service so the
// UI and the API behave alike.
package web

import (
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/auth"
	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/clientip"
	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/listening"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/store"
)

// The static directory is embedded whole. static/vendor/ (htmx, copied from
// node_modules by the Makefile) is gitignored and may be absent: the pattern
// still matches the committed app.js and app.css, and pages then work with
// plain forms and app.js alone.
//
//go:embed templates static
var files embed.FS

// Deps are what the UI needs.
type Deps struct {
	Store        *store.Store
	Inbox        *inbox.Service
	Accounts     *accounts.Service
	Broker       realtime.Broker
	Limiter      *auth.Limiter
	ClientIP     *clientip.Resolver // the client's address for the login limit; nil: the peer (HEED_TRUSTED_PROXIES)
	BaseURL      string
	SecureCookie bool
	Log          *slog.Logger
	// Router is told when routing rules change; Analyzer reads the sample
	// post of the rule tester. Both optional.
	Router   interface{ Forget(workspaceID string) }
	Analyzer *analyze.Analyzer
	// Registry tells what each channel's platform can do; the UI offers only that.
	Registry *channel.Registry
	// X is the X app for connecting accounts (nil: not configured).
	X *XOAuth
	// Composer runs the pre-send checks (nil: none).
	Composer *compose.Checker
	// Listening is the listening service (nil: no listening page).
	Listening *listening.Service
}

// Handler serves the UI.
type Handler struct {
	Deps
	assets *assets
	views  *views
	cop    *http.CrossOriginProtection

	setupDone atomic.Bool // once true, never false again: skips a query per visit

	dummyOnce sync.Once
	dummy     string // a password hash checked when the email is unknown
}

// SessionLifetime is how long a login lasts.
const SessionLifetime = 14 * 24 * time.Hour

// New builds the UI handler (parsing templates; an error means a broken build).
func New(d Deps) (*Handler, error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Limiter == nil {
		d.Limiter = auth.NewLimiter(10, 5*time.Minute)
	}
	static, err := fs.Sub(files, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static: %w", err)
	}
	a, err := loadAssets(static)
	if err != nil {
		return nil, err
	}
	tmpl, err := fs.Sub(files, "templates")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	v, err := parseViews(tmpl, a)
	if err != nil {
		return nil, err
	}
	if !a.has(htmxAsset) {
		d.Log.Warn("htmx is not embedded; the UI falls back to plain forms (the build copies node_modules/htmx.org/dist/htmx.min.js to internal/web/static/vendor/)")
	}
	h := &Handler{Deps: d, assets: a, views: v, cop: http.NewCrossOriginProtection()}
	if u, err := url.Parse(d.BaseURL); err == nil && u.Scheme != "" && u.Host != "" {
		// Behind a proxy that rewrites Host, the public origin is still ours.
		_ = h.cop.AddTrustedOrigin(u.Scheme + "://" + u.Host)
	}
	return h, nil
}

// Register mounts the UI routes.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /static/{hash}/{file...}", h.showStatic)

	mux.Handle("GET /{$}", h.public(h.showRoot))
	mux.Handle("GET /setup", h.public(h.showSetup))
	mux.Handle("POST /setup", h.public(h.createSetup))
	mux.Handle("GET /login", h.public(h.showLogin))
	mux.Handle("POST /login", h.public(h.submitLogin))
	mux.Handle("POST /logout", h.authed(model.RoleContributor, h.submitLogout))

	mux.Handle("GET /inbox", h.authed(model.RoleContributor, h.showInbox))
	mux.Handle("GET /events", h.authed(model.RoleContributor, h.streamEvents))
	mux.Handle("GET /conversations/{id}", h.authed(model.RoleContributor, h.showConversation))
	mux.Handle("POST /conversations/{id}/reply", h.authed(model.RoleContributor, h.replyConversation))
	mux.Handle("POST /conversations/{id}/note", h.authed(model.RoleAgent, h.noteConversation))
	mux.Handle("POST /conversations/{id}/assign", h.authed(model.RoleAgent, h.assignConversation))
	mux.Handle("POST /conversations/{id}/status", h.authed(model.RoleAgent, h.statusConversation))
	mux.Handle("POST /conversations/{id}/spam", h.authed(model.RoleAgent, h.spamConversation))
	mux.Handle("GET /notifications", h.authed(model.RoleContributor, h.showNotifications))
	mux.Handle("GET /listening", h.authed(model.RoleAgent, h.showListening))
	mux.Handle("POST /listening/preview", h.authed(model.RoleAgent, h.previewListenRule))
	mux.Handle("POST /listening/rules", h.authed(model.RoleSupervisor, h.saveListenRule))
	mux.Handle("POST /listening/rules/{id}/delete", h.authed(model.RoleSupervisor, h.deleteListenRule))
	mux.Handle("POST /listening/mentions/{id}/conversation", h.authed(model.RoleAgent, h.openMentionConversation))
	mux.Handle("GET /listening/mentions/{id}/conversation", h.authed(model.RoleAgent, h.showMentionConversation))
	mux.Handle("POST /messages/{id}/{verb}", h.authed(model.RoleAgent, h.moderateMessage))
	mux.Handle("POST /conversations/{id}/check", h.authed(model.RoleContributor, h.checkDraft))

	mux.Handle("GET /admin/agents", h.authed(model.RoleAdmin, h.listAgents))
	mux.Handle("POST /admin/agents", h.authed(model.RoleAdmin, h.createAgent))
	mux.Handle("GET /admin/channels/x/connect", h.authed(model.RoleAdmin, h.connectX))
	mux.Handle("GET /oauth/x/callback", h.authed(model.RoleAdmin, h.xCallback))
	mux.Handle("GET /admin/routing", h.authed(model.RoleAdmin, h.showRouting))
	mux.Handle("POST /admin/routing", h.authed(model.RoleAdmin, h.saveRouting))
	mux.Handle("GET /admin/survey", h.authed(model.RoleAdmin, h.showSurveySettings))
	mux.Handle("POST /admin/survey", h.authed(model.RoleAdmin, h.saveSurveySettings))
	mux.Handle("POST /admin/routing/test", h.authed(model.RoleAdmin, h.testRouting))
	mux.Handle("POST /availability", h.authed(model.RoleContributor, h.setAvailability))
	mux.Handle("GET /admin/teams", h.authed(model.RoleAdmin, h.listTeams))
	mux.Handle("POST /admin/teams", h.authed(model.RoleAdmin, h.createTeam))
	mux.Handle("GET /admin/channels", h.authed(model.RoleAdmin, h.listChannels))
	mux.Handle("POST /admin/channels", h.authed(model.RoleAdmin, h.createChannel))
	mux.Handle("GET /admin/tokens", h.authed(model.RoleAdmin, h.listTokens))
	mux.Handle("POST /admin/tokens", h.authed(model.RoleAdmin, h.createToken))
	mux.Handle("POST /admin/tokens/{id}/revoke", h.authed(model.RoleAdmin, h.revokeToken))
	h.registerCollab(mux)
	h.registerReports(mux)
	h.registerAssists(mux)
}
