package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// listQuery is the state of the conversation list: view, filters, search
// and page. It travels in URLs so every list is a link.
type listQuery struct {
	View      string
	Channel   string
	Status    string
	Q         string
	Cursor    string
	Sentiment string // positive, neutral, negative
	Intent    string // an intent, or "request" for all requests
	PII       string // "true": only conversations with personal data
}

// analysis filter choices offered in the inbox.
var (
	sentimentChoices = []string{"negative", "neutral", "positive"}
	intentChoices    = []string{"complaint", "question", "request", "praise", "chatter"}
)

func oneOf(v string, choices []string) string {
	for _, c := range choices {
		if v == c {
			return v
		}
	}
	return ""
}

// views of the inbox, in tab order.
var inboxViews = []struct{ Key, Label string }{
	{store.ViewMine, "Mine"}, {store.ViewQueue, "Queue"}, {store.ViewUnassigned, "Unassigned"}, {store.ViewOpen, "All open"}, {store.ViewResolved, "Resolved"}, {store.ViewSpam, "Spam"},
}

const defaultView = store.ViewOpen

// parseListQuery reads a list query leniently: an unknown view or status
// falls back to the default rather than failing the page.
func parseListQuery(v url.Values) listQuery {
	q := listQuery{View: v.Get("view"), Channel: v.Get("channel"), Status: v.Get("status"),
		Q: strings.TrimSpace(v.Get("q")), Cursor: v.Get("cursor"),
		Sentiment: oneOf(v.Get("sentiment"), sentimentChoices), Intent: oneOf(v.Get("intent"), intentChoices), PII: oneOf(v.Get("pii"), []string{"true"})}
	known := false
	for _, iv := range inboxViews {
		known = known || iv.Key == q.View
	}
	if !known {
		q.View = defaultView
	}
	if q.Status != "" && !model.ValidStatus(q.Status) {
		q.Status = ""
	}
	if len(q.Q) > 200 {
		q.Q = q.Q[:200]
	}
	return q
}

// values encodes the query without its cursor (the first page) unless asked.
func (q listQuery) values(withCursor bool) url.Values {
	v := url.Values{}
	if q.View != defaultView {
		v.Set("view", q.View)
	}
	for k, val := range map[string]string{"channel": q.Channel, "status": q.Status, "q": q.Q, "sentiment": q.Sentiment, "intent": q.Intent, "pii": q.PII} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if withCursor && q.Cursor != "" {
		v.Set("cursor", q.Cursor)
	}
	return v
}

// Encode is the query string of the list's current page.
func (q listQuery) Encode() string { return q.values(true).Encode() }

// ViewURL links to another view with the same filters.
func (q listQuery) ViewURL(view string) string {
	q.View, q.Cursor = view, ""
	return withQuery("/inbox", q.values(false).Encode())
}

func withQuery(path, qs string) string {
	if qs == "" {
		return path
	}
	return path + "?" + qs
}

// listData is the conversation list fragment.
type listData struct {
	Rows     []model.Conversation
	Query    listQuery
	Selected string // the open conversation
	Older    string // link to the next page
}

// Src is the URL app.js re-fetches the list from.
func (l listData) Src() string { return withQuery("/inbox", l.Query.Encode()) }

// Href links a row to its conversation, keeping the list as it is.
func (l listData) Href(id string) string {
	return withQuery("/conversations/"+url.PathEscape(id), l.Query.Encode())
}

func (h *Handler) loadList(ctx context.Context, a model.Agent, q listQuery) (listData, error) {
	f := store.ConversationFilter{WorkspaceID: a.WorkspaceID, View: q.View,
		AgentID: a.ID, Status: q.Status, ChannelID: q.Channel, Query: q.Q, Cursor: q.Cursor, Limit: 50,
		Sentiment: q.Sentiment, Intent: q.Intent, PersonalData: q.PII}
	if a.Role == model.RoleContributor {
		f.AssigneeID = a.ID // contributors see only what is assigned to them
	}
	rows, next, err := h.Store.ListConversations(ctx, f)
	if err != nil {
		return listData{}, err
	}
	l := listData{Rows: rows, Query: q}
	if next != "" {
		older := q
		older.Cursor = next
		l.Older = withQuery("/inbox", older.Encode())
	}
	return l, nil
}

type inboxPage struct {
	base
	List     listData
	Views    []struct{ Key, Label string }
	Channels []model.Channel
	Conv     *convData // the open conversation, if any
}

func (h *Handler) inboxPage(r *http.Request, q listQuery, title string) (inboxPage, error) {
	a := me(r)
	list, err := h.loadList(r.Context(), a, q)
	if err != nil {
		return inboxPage{}, err
	}
	chans, err := h.Store.ListChannels(r.Context(), a.WorkspaceID)
	if err != nil {
		return inboxPage{}, err
	}
	for i := range chans {
		chans[i].Secret = "" // never near a template
	}
	b := h.base(r, title, "inbox")
	b.Live = true
	return inboxPage{base: b, List: list, Views: inboxViews, Channels: chans}, nil
}

// showInbox is the home of a signed-in agent: the conversation list with its
// views and filters. For htmx and app.js it answers the list fragment alone.
func (h *Handler) showInbox(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Vary", "HX-Request")
	q := parseListQuery(r.URL.Query())
	if isFragment(r) {
		list, err := h.loadList(r.Context(), me(r), q)
		if err != nil {
			return err
		}
		return h.renderFragment(w, http.StatusOK, "inbox", "conv_list", list)
	}
	p, err := h.inboxPage(r, q, "Inbox")
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "inbox", p)
}
