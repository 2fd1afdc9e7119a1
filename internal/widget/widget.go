// Package widget serves the embeddable web chat widget: its script, the
// visitor's message endpoint and the visitor's live event stream.
//
// The endpoints are called from the brand's site, another origin, so they
// answer CORS with Access-Control-Allow-Origin: * and use no cookies: a
// visitor proves who they are with a stateless token (see token.go) sent in
// the X-Heed-Visitor header, or as the token query parameter on the event
// stream, which EventSource cannot give headers to. Only channels of type
// webchat serve them.
//
//	GET     /widget/{channel_id}.js          the script (Snippet embeds it)
//	POST    /widget/{channel_id}/session     a new visitor id and its token
//	POST    /widget/{channel_id}/messages    a visitor message → 202 (200 if a repeat)
//	GET     /widget/{channel_id}/messages    the visitor's conversation, never notes
//	GET     /widget/{channel_id}/events      SSE: "message" when the conversation changed
//	POST    /widget/{channel_id}/survey      the visitor's one-click CSAT/NPS answer (survey.go)
//	GET     /widget/{channel_id}/demo        a test page embedding the widget
//	OPTIONS /widget/{channel_id}/...         CORS preflight
package widget

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/heed-dev/heed/internal/inbound"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/store"
)

// Deps are what the widget endpoints need.
type Deps struct {
	Store     *store.Store
	Processor *inbound.Processor
	Broker    realtime.Broker
	BaseURL   string
	Log       *slog.Logger
	Surveys   SurveyAnswerer // nil: surveys cannot be answered in the widget
}

// Handler serves the widget.
type Handler struct {
	Deps
	limit   *rateLimiter
	threads *threadCache
	sse     realtime.SSEOptions // zero: ServeSSE's defaults
}

// Messages a visitor may send per minute (burst included), per node.
const messagesPerMinute = 30

// New returns the widget handler.
func New(d Deps) *Handler {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{Deps: d, limit: newRateLimiter(messagesPerMinute, time.Minute), threads: newThreadCache()}
}

// Register mounts the widget routes.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /widget/{script}", cors(http.HandlerFunc(h.serveScript)))
	mux.Handle("POST /widget/{channel_id}/session", cors(http.HandlerFunc(h.createSession)))
	mux.Handle("POST /widget/{channel_id}/messages", cors(http.HandlerFunc(h.createMessage)))
	mux.Handle("GET /widget/{channel_id}/messages", cors(http.HandlerFunc(h.listMessages)))
	mux.Handle("GET /widget/{channel_id}/events", cors(http.HandlerFunc(h.streamEvents)))
	mux.Handle("POST /widget/{channel_id}/survey", cors(http.HandlerFunc(h.answerSurvey)))
	mux.HandleFunc("GET /widget/{channel_id}/demo", h.showDemo)
	mux.Handle("OPTIONS /widget/{channel_id}/{action}", cors(http.HandlerFunc(h.preflight)))
}

// Snippet returns the HTML a brand pastes into its site to show the widget.
func Snippet(baseURL, channelID string) string {
	return `<script src="` + baseURL + `/widget/` + channelID + `.js" async></script>`
}

// cors lets any origin call the widget endpoints. No cookies or other
// ambient credentials are involved, so "*" grants nothing a visitor token
// does not.
func cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "Retry-After")
		h.Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

func (h *Handler) preflight(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.channel(w, r); !ok {
		return
	}
	hd := w.Header()
	hd.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	hd.Set("Access-Control-Allow-Headers", "Content-Type, X-Heed-Visitor")
	hd.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

// channel returns the webchat channel named in the path, or answers 404.
func (h *Handler) channel(w http.ResponseWriter, r *http.Request) (model.Channel, bool) {
	return h.channelByID(w, r, r.PathValue("channel_id"))
}

func (h *Handler) channelByID(w http.ResponseWriter, r *http.Request, id string) (model.Channel, bool) {
	if id == "" || len(id) > 64 || !urlSafe(id) {
		writeError(w, http.StatusNotFound, "not_found", "no such widget", "")
		return model.Channel{}, false
	}
	ch, err := h.Store.GetChannel(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && ch.Type != model.ChannelWebchat) {
		writeError(w, http.StatusNotFound, "not_found", "no such widget", "")
		return model.Channel{}, false
	}
	if err != nil {
		h.fail(w, r, err)
		return model.Channel{}, false
	}
	if len(ch.Secret) < minSecretBytes {
		h.fail(w, r, errors.New("widget: channel secret too short to sign visitor tokens"))
		return model.Channel{}, false
	}
	return ch, true
}

// visitor returns the visitor a request's token proves, or answers 401. The
// token comes from the X-Heed-Visitor header, or from the token query
// parameter where allowQuery (EventSource cannot send headers).
func (h *Handler) visitor(w http.ResponseWriter, r *http.Request, ch model.Channel, allowQuery bool) (string, bool) {
	token := r.Header.Get("X-Heed-Visitor")
	if token == "" && allowQuery {
		token = r.URL.Query().Get("token")
	}
	id, ok := verifyVisitor(ch.Secret, ch.ID, token)
	if ok && allowQuery {
		if q := r.URL.Query().Get("visitor_id"); q != "" && q != id {
			ok = false
		}
	}
	if !ok {
		writeError(w, http.StatusUnauthorized, "unauthorized", "missing or invalid visitor token", "")
		return "", false
	}
	return id, true
}

type session struct {
	VisitorID string `json:"visitor_id"`
	Token     string `json:"token"`
}

// createSession starts a visitor: nothing is stored until they write.
func (h *Handler) createSession(w http.ResponseWriter, r *http.Request) {
	ch, ok := h.channel(w, r)
	if !ok {
		return
	}
	id := newVisitorID()
	writeJSON(w, http.StatusOK, session{VisitorID: id, Token: signVisitor(ch.Secret, ch.ID, id)})
}

// apiError is the error body, the same shape as the JSON API's.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg, field string) {
	writeJSON(w, status, map[string]apiError{"error": {Code: code, Message: msg, Field: field}})
}

// fail logs an unexpected error once and answers 500 without its details.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.Log.Error("widget error", "method", r.Method, "path", r.URL.Path, "error", err)
	writeError(w, http.StatusInternalServerError, "internal", "internal error", "")
}
