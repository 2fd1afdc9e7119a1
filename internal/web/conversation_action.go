package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/heed-dev/heed/internal/inbox"
)

// afterAction answers a conversation action. Success: the updated pane for
// htmx, or a redirect to the conversation (303) for a plain form. A
// validation error: the pane again with the message and the typed text.
func (h *Handler) afterAction(w http.ResponseWriter, r *http.Request, err error, keep func(*convData)) error {
	id := r.PathValue("id")
	q := parseListQuery(listValues(r))
	var ve *inbox.ValidationError
	if errors.As(err, &ve) {
		return h.respondConv(w, r, http.StatusUnprocessableEntity, id, q, func(c *convData) {
			c.Error = fieldMessage(ve.Field, ve.Message)
			keep(c)
		})
	}
	if err != nil {
		return err
	}
	if isFragment(r) {
		return h.respondConv(w, r, http.StatusOK, id, q, func(*convData) {})
	}
	http.Redirect(w, r, withQuery("/conversations/"+url.PathEscape(id), q.Encode()), http.StatusSeeOther)
	return nil
}

// listValues is the list query a form carried in its hidden "list" field.
func listValues(r *http.Request) url.Values {
	v, err := url.ParseQuery(r.PostFormValue("list"))
	if err != nil {
		return url.Values{}
	}
	return v
}

func noKeep(*convData) {}
