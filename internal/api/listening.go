package api

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/heed-dev/heed/internal/listening"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

func (h *Handler) registerListening(mux *http.ServeMux) {
	if h.Listening == nil {
		return
	}
	mux.Handle("GET /api/v1/listening/rules", h.authed(model.RoleAgent, h.listListenRules))
	mux.Handle("POST /api/v1/listening/rules", h.authed(model.RoleSupervisor, h.createListenRule))
	mux.Handle("PUT /api/v1/listening/rules/{id}", h.authed(model.RoleSupervisor, h.updateListenRule))
	mux.Handle("DELETE /api/v1/listening/rules/{id}", h.authed(model.RoleSupervisor, h.deleteListenRule))
	mux.Handle("GET /api/v1/listening/mentions", h.authed(model.RoleAgent, h.listMentions))
	mux.Handle("POST /api/v1/listening/mentions/{id}/conversation", h.authed(model.RoleAgent, h.openMentionConversation))
	mux.Handle("GET /api/v1/listening/alerts", h.authed(model.RoleAgent, h.listListenAlerts))
}

type listenRuleJSON struct {
	ID        string `json:"id,omitempty"`
	Name      string `json:"name"`
	Query     string `json:"query"`
	Action    string `json:"action,omitempty"` // feed (default) or conversation
	Kind      string `json:"kind,omitempty"`   // brand (default) or competitor
	Enabled   *bool  `json:"enabled,omitempty"`
	CreatedAt string `json:"created_at,omitempty"`
	UpdatedAt string `json:"updated_at,omitempty"`
}

func toListenRuleJSON(r store.ListenRule) listenRuleJSON {
	on := r.Enabled
	return listenRuleJSON{ID: r.ID, Name: r.Name, Query: r.Query, Action: r.Action, Kind: r.Kind, Enabled: &on,
		CreatedAt: r.CreatedAt.Format(time.RFC3339), UpdatedAt: r.UpdatedAt.Format(time.RFC3339)}
}

// failListen answers a rule the user must fix with its field and, for a
// query that does not parse, the column.
func (h *Handler) failListen(w http.ResponseWriter, r *http.Request, err error) {
	var ie *listening.InputError
	if errors.As(err, &ie) {
		body := map[string]any{"code": "invalid", "message": ie.Message, "field": ie.Field}
		if ie.Col > 0 {
			body["column"] = ie.Col
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": body})
		return
	}
	h.fail(w, r, err)
}

func (h *Handler) listListenRules(w http.ResponseWriter, r *http.Request) {
	rs, err := h.Store.ListListenRules(r.Context(), agentFrom(r.Context()).WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]listenRuleJSON, 0, len(rs))
	for _, x := range rs {
		out = append(out, toListenRuleJSON(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": out})
}

func (h *Handler) createListenRule(w http.ResponseWriter, r *http.Request) {
	var in listenRuleJSON
	if !decode(w, r, &in) {
		return
	}
	rule := store.ListenRule{WorkspaceID: agentFrom(r.Context()).WorkspaceID, Name: in.Name, Query: in.Query, Action: in.Action, Kind: in.Kind,
		Enabled: in.Enabled == nil || *in.Enabled}
	rule, err := h.Listening.CreateRule(r.Context(), rule)
	if err != nil {
		h.failListen(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toListenRuleJSON(rule))
}

// updateListenRule replaces a rule; an absent "enabled" keeps the current value.
func (h *Handler) updateListenRule(w http.ResponseWriter, r *http.Request) {
	var in listenRuleJSON
	if !decode(w, r, &in) {
		return
	}
	ws := agentFrom(r.Context()).WorkspaceID
	cur, err := h.Store.GetListenRule(r.Context(), ws, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cur.Name, cur.Query, cur.Action, cur.Kind = in.Name, in.Query, in.Action, in.Kind
	if in.Enabled != nil {
		cur.Enabled = *in.Enabled
	}
	rule, err := h.Listening.UpdateRule(r.Context(), cur)
	if err != nil {
		h.failListen(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toListenRuleJSON(rule))
}

func (h *Handler) deleteListenRule(w http.ResponseWriter, r *http.Request) {
	if err := h.Listening.DeleteRule(r.Context(), agentFrom(r.Context()).WorkspaceID, r.PathValue("id")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type mentionJSON struct {
	ID             string         `json:"id"`
	Network        string         `json:"network"`
	PostID         string         `json:"post_id"`
	URL            string         `json:"url,omitempty"`
	Author         string         `json:"author"`
	AuthorID       string         `json:"author_id,omitempty"`
	Text           string         `json:"text"`
	Language       string         `json:"language"`
	PostedAt       string         `json:"posted_at"`
	Sentiment      map[string]any `json:"sentiment"`
	Spam           bool           `json:"spam"`
	Intent         string         `json:"intent"`
	RuleIDs        []string       `json:"rule_ids"`
	ConversationID string         `json:"conversation_id,omitempty"`
}

func toMentionJSON(m store.Mention) mentionJSON {
	rules := m.RuleIDs
	if rules == nil {
		rules = []string{}
	}
	return mentionJSON{ID: m.ID, Network: m.Network, PostID: m.PostID, URL: m.URL, Author: m.Author, AuthorID: m.AuthorID, Text: m.Text,
		Language: m.Language(), PostedAt: m.PostedAt.Format(time.RFC3339Nano),
		Sentiment: map[string]any{"label": m.SentimentLabel, "compound": m.Sentiment}, Spam: m.Spam, Intent: m.Intent,
		RuleIDs: rules, ConversationID: m.ConversationID}
}

// listMentions answers the feed, newest first; filters rule, sentiment,
// language and network; paging with before=<the last id of a page>.
func (h *Handler) listMentions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.MentionFilter{WorkspaceID: agentFrom(r.Context()).WorkspaceID, RuleID: q.Get("rule"), Sentiment: q.Get("sentiment"),
		Language: q.Get("language"), Network: q.Get("network"), Before: q.Get("before")}
	switch f.Sentiment {
	case "", "positive", "neutral", "negative":
	default:
		writeError(w, http.StatusBadRequest, "invalid", "must be positive, neutral or negative", "sentiment")
		return
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			writeError(w, http.StatusBadRequest, "invalid", "must be a number from 1 to 500", "limit")
			return
		}
		f.Limit = n
	}
	ms, err := h.Store.ListMentions(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]mentionJSON, 0, len(ms))
	for _, m := range ms {
		if m.ConversationID == "" {
			// A conversation opened by the pipeline since: remember it.
			if cid, err := h.Listening.ConversationOf(r.Context(), m); err == nil {
				m.ConversationID = cid
			}
		}
		out = append(out, toMentionJSON(m))
	}
	body := map[string]any{"mentions": out}
	if limit := cmp.Or(f.Limit, 50); len(ms) == limit {
		body["next_before"] = ms[len(ms)-1].ID
	}
	writeJSON(w, http.StatusOK, body)
}

// openMentionConversation opens an inbox conversation for a mention; the
// answer's conversation_id is set once the pipeline has made it (poll the
// mention list, or the answer is immediate for one opened before).
func (h *Handler) openMentionConversation(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	m, err := h.Listening.OpenConversation(r.Context(), a.WorkspaceID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cid, _ := h.Listening.ConversationOf(r.Context(), m)
	m.ConversationID = cid
	writeJSON(w, http.StatusAccepted, toMentionJSON(m))
}

type alertJSON struct {
	ID        string   `json:"id"`
	RuleID    string   `json:"rule_id"`
	RuleName  string   `json:"rule_name"`
	Start     string   `json:"start"` // the hour the burst was detected in
	End       string   `json:"end"`   // the end of its last anomalous hour
	Volume    int      `json:"volume"`
	Baseline  float64  `json:"baseline"`
	Threshold float64  `json:"threshold"`
	TopTerms  []string `json:"top_terms"`
	TopPosts  []string `json:"top_mention_ids"`
	CreatedAt string   `json:"created_at"`
}

func (h *Handler) listListenAlerts(w http.ResponseWriter, r *http.Request) {
	as, err := h.Store.ListListenAlerts(r.Context(), agentFrom(r.Context()).WorkspaceID, 100)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]alertJSON, 0, len(as))
	for _, a := range as {
		terms, posts := a.TopTerms, a.TopPosts
		if terms == nil {
			terms = []string{}
		}
		if posts == nil {
			posts = []string{}
		}
		out = append(out, alertJSON{ID: a.ID, RuleID: a.RuleID, RuleName: a.RuleName,
			Start: time.UnixMilli(a.StartHour * store.HourMs).UTC().Format(time.RFC3339), End: time.UnixMilli((a.LastHour + 1) * store.HourMs).UTC().Format(time.RFC3339),
			Volume: a.Volume, Baseline: a.Baseline, Threshold: a.Threshold, TopTerms: terms, TopPosts: posts, CreatedAt: a.CreatedAt.Format(time.RFC3339)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": out})
}
