package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
)

// registerAssists mounts the composer's assists: the `/` search, the
// one-click private move, "Add to dictionary", and the knowledge-base and
// dictionary admin page.
func (h *Handler) registerAssists(mux *http.ServeMux) {
	mux.Handle("GET /conversations/{id}/assists", h.authed(model.RoleContributor, h.searchAssists))
	mux.Handle("POST /conversations/{id}/private-move", h.authed(model.RoleAgent, h.movePrivate))
	mux.Handle("POST /words", h.authed(model.RoleAgent, h.addWord))
	mux.Handle("GET /admin/kb", h.authed(model.RoleAdmin, h.showKB))
	mux.Handle("POST /admin/kb", h.authed(model.RoleAdmin, h.saveArticle))
	mux.Handle("POST /admin/kb/{id}", h.authed(model.RoleAdmin, h.saveArticle))
	mux.Handle("POST /admin/kb/{id}/delete", h.authed(model.RoleAdmin, h.deleteArticle))
	mux.Handle("POST /admin/words/delete", h.authed(model.RoleAdmin, h.deleteWord))
}

// CanMovePrivate tells the composer to offer the one-click private move
// (the platform can message the customer privately); otherwise it offers
// the channel's private-message link.
func (c convData) CanMovePrivate() bool {
	return c.Conv.Public && (c.Caps.PrivateReply || c.Caps.PrivateMessage)
}

// RedirectReasons are the private move's reasons, for its select.
func (convData) RedirectReasons() []inbox.RedirectReason { return inbox.RedirectReasons }

// TakenPrivate is why this public conversation was taken private, shown
// next to the link to the private one ("Not given" when no reason was picked).
func (c convData) TakenPrivate() string { return inbox.RedirectReasonLabel(c.Conv.RedirectReason) }

// warningView is a composer warning with the word it is about, for the
// spelling warning's "Add to dictionary".
type warningView struct {
	compose.Warning
	Word string
}

// warningsData is the compose_warnings fragment's data: Start and End are
// byte offsets into the text that was checked.
func warningsData(text string, ws []compose.Warning) struct{ Warnings []warningView } {
	out := make([]warningView, 0, len(ws))
	for _, w := range ws {
		v := warningView{Warning: w}
		if w.Check == compose.CheckSpelling && 0 <= w.Start && w.Start < w.End && w.End <= len(text) {
			v.Word = text[w.Start:w.End]
		}
		out = append(out, v)
	}
	return struct{ Warnings []warningView }{out}
}
