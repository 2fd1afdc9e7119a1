package api

import (
	"net/http"
	"time"

	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// registerAssists mounts the composer's assists: knowledge-base articles,
// the workspace dictionary, the `/` search and the private move.
func (h *Handler) registerAssists(mux *http.ServeMux) {
	mux.Handle("GET /api/v1/kb/articles", h.authed(model.RoleAgent, h.listArticles))
	mux.Handle("POST /api/v1/kb/articles", h.authed(model.RoleAdmin, h.createArticle))
	mux.Handle("GET /api/v1/kb/articles/{id}", h.authed(model.RoleAgent, h.showArticle))
	mux.Handle("PUT /api/v1/kb/articles/{id}", h.authed(model.RoleAdmin, h.updateArticle))
	mux.Handle("DELETE /api/v1/kb/articles/{id}", h.authed(model.RoleAdmin, h.deleteArticle))
	mux.Handle("GET /api/v1/settings/words", h.authed(model.RoleAgent, h.listWords))
	mux.Handle("POST /api/v1/settings/words", h.authed(model.RoleAgent, h.addWord))
	mux.Handle("DELETE /api/v1/settings/words/{word}", h.authed(model.RoleAdmin, h.deleteWord))
	mux.Handle("GET /api/v1/conversations/{id}/assists", h.authed(model.RoleContributor, h.searchAssists))
	mux.Handle("POST /api/v1/conversations/{id}/private-move", h.authed(model.RoleAgent, h.movePrivate))
	mux.Handle("PUT /api/v1/saved-replies/{id}/tags", h.authed(model.RoleSupervisor, h.setSavedReplyTags))
}

// setSavedReplyTags replaces a saved reply's tags, which the composer's `/`
// search matches besides its name and text.
func (h *Handler) setSavedReplyTags(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Tags []string `json:"tags"`
	}
	if !decode(w, r, &in) {
		return
	}
	tags, err := inbox.CheckTags(in.Tags)
	if err == nil {
		err = h.Store.SetSavedReplyTags(r.Context(), agentFrom(r.Context()).WorkspaceID, r.PathValue("id"), tags)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if tags == nil {
		tags = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "tags": tags})
}

type articleJSON struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	URL       string    `json:"url"`
	Tags      []string  `json:"tags"`
	Link      string    `json:"link"` // what inserting it puts into a reply
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toArticleJSON(a store.KBArticle) articleJSON {
	tags := a.Tags
	if tags == nil {
		tags = []string{}
	}
	return articleJSON{ID: a.ID, Title: a.Title, URL: a.URL, Tags: tags, Link: inbox.ArticleLink(a), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

type articleInput struct {
	Title string   `json:"title"`
	URL   string   `json:"url"`
	Tags  []string `json:"tags"`
}

func (h *Handler) listArticles(w http.ResponseWriter, r *http.Request) {
	as, err := h.Store.ListKBArticles(r.Context(), agentFrom(r.Context()).WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]articleJSON, 0, len(as))
	for _, a := range as {
		out = append(out, toArticleJSON(a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"articles": out})
}

func (h *Handler) showArticle(w http.ResponseWriter, r *http.Request) {
	a, err := h.Store.GetKBArticle(r.Context(), agentFrom(r.Context()).WorkspaceID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toArticleJSON(a))
}

func (h *Handler) saveArticleAs(w http.ResponseWriter, r *http.Request, id string, status int) {
	var in articleInput
	if !decode(w, r, &in) {
		return
	}
	a, err := h.Inbox.SaveArticle(r.Context(), agentFrom(r.Context()), store.KBArticle{ID: id, Title: in.Title, URL: in.URL, Tags: in.Tags})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, status, toArticleJSON(a))
}

func (h *Handler) createArticle(w http.ResponseWriter, r *http.Request) {
	h.saveArticleAs(w, r, "", http.StatusCreated)
}

func (h *Handler) updateArticle(w http.ResponseWriter, r *http.Request) {
	h.saveArticleAs(w, r, r.PathValue("id"), http.StatusOK)
}

func (h *Handler) deleteArticle(w http.ResponseWriter, r *http.Request) {
	if err := h.Store.DeleteKBArticle(r.Context(), agentFrom(r.Context()).WorkspaceID, r.PathValue("id")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type wordJSON struct {
	Word      string    `json:"word"`
	AddedBy   string    `json:"added_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func (h *Handler) listWords(w http.ResponseWriter, r *http.Request) {
	ws, err := h.Store.ListWorkspaceWords(r.Context(), agentFrom(r.Context()).WorkspaceID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]wordJSON, 0, len(ws))
	for _, x := range ws {
		out = append(out, wordJSON{Word: x.Word, AddedBy: x.AddedBy, CreatedAt: x.CreatedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"words": out})
}

// addWord adds a brand or product name to the workspace's dictionary; the
// spelling check accepts it from the next check on, for every agent.
func (h *Handler) addWord(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Word string `json:"word"`
	}
	if !decode(w, r, &in) {
		return
	}
	x, err := h.Inbox.AddWord(r.Context(), agentFrom(r.Context()), in.Word)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, wordJSON{Word: x.Word, AddedBy: x.AddedBy, CreatedAt: x.CreatedAt})
}

func (h *Handler) deleteWord(w http.ResponseWriter, r *http.Request) {
	if err := h.Store.DeleteWorkspaceWord(r.Context(), agentFrom(r.Context()).WorkspaceID, r.PathValue("word")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// searchAssists is the composer's `/` search: saved replies (expanded for
// the conversation) and articles matching ?q=.
func (h *Handler) searchAssists(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	conv, err := h.Store.GetConversation(r.Context(), a.WorkspaceID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.Inbox.SearchAssists(r.Context(), a, conv, r.URL.Query().Get("q"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": res})
}

// movePrivate sends text privately to the customer of a public
// conversation and links it to the private conversation (both directions).
// The optional "reason" (a key of inbox.RedirectReasons) says why.
func (h *Handler) movePrivate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Text         string    `json:"text"`
		Reason       string    `json:"reason"`
		SeenAt       time.Time `json:"seen_at"`
		Acknowledged []string  `json:"acknowledged"`
	}
	if !decode(w, r, &in) {
		return
	}
	a := agentFrom(r.Context())
	mv, err := h.Inbox.MovePrivate(r.Context(), h.Registry, a, r.PathValue("id"), inbox.ReplyInput{Text: in.Text, Seen: in.SeenAt, Acknowledged: in.Acknowledged}, in.Reason)
	if replyHeld(w, err) {
		return // awaiting approval, held by a collision or blocked: collab.go
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"public_conversation_id":  mv.Public.ID,
		"private_conversation_id": mv.Private.ID,
		"redirect_reason":         mv.Public.RedirectReason,
		"message":                 toMessageJSON(mv.Message, a),
	})
}
