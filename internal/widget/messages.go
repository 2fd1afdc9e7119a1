package widget

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/channel/webchat"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

const (
	maxBodyBytes     = 16 << 10 // one POST /messages body
	maxClientIDBytes = 64       // the script's external_id (a UUID)
	maxNameBytes     = 80       // the visitor's display name
	historyLimit     = 200      // messages GET /messages returns, the newest
)

// messageInput is what the script posts.
type messageInput struct {
	ExternalID string `json:"external_id"`
	Text       string `json:"text"`
	Name       string `json:"name"`
}

// fieldError is a visitor mistake, answered 400 naming the field.
type fieldError struct {
	Field   string
	Message string
}

func (e *fieldError) Error() string { return e.Field + ": " + e.Message }

// buildPayload turns a visitor's request body into the stored webchat event.
// The visitor id comes from the verified token, never from the body, and the
// external id is namespaced by it, so one visitor can neither write as
// another nor collide with another's ids. The result has passed
// webchat.Parse, the same check the pipeline applies.
func buildPayload(body []byte, visitorID string, now time.Time) (payload []byte, externalID string, err error) {
	var in messageInput
	if err := json.Unmarshal(body, &in); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" && te.Type != nil {
			return nil, "", &fieldError{Field: te.Field, Message: "must be a " + te.Type.String()}
		}
		return nil, "", &fieldError{Field: "body", Message: "malformed JSON"}
	}
	if in.ExternalID == "" || len(in.ExternalID) > maxClientIDBytes || !urlSafe(in.ExternalID) {
		return nil, "", &fieldError{Field: "external_id", Message: fmt.Sprintf("is required: 1 to %d letters, digits, - or _", maxClientIDBytes)}
	}
	p := webchat.Payload{
		ExternalID: visitorID + ":" + in.ExternalID,
		VisitorID:  visitorID,
		Name:       cleanName(in.Name),
		Text:       strings.TrimSpace(in.Text),
		CreatedAt:  now.UTC().Format(time.RFC3339Nano),
	}
	payload, err = json.Marshal(p)
	if err != nil {
		return nil, "", fmt.Errorf("encode webchat payload: %w", err)
	}
	if _, err := webchat.Parse(payload); err != nil {
		var fe *channel.FieldError
		if errors.As(err, &fe) {
			return nil, "", &fieldError{Field: fe.Field, Message: fe.Message}
		}
		return nil, "", &fieldError{Field: "body", Message: "invalid message"}
	}
	return payload, p.ExternalID, nil
}

// cleanName makes a display name safe to store: valid UTF-8, no control
// characters, at most maxNameBytes cut on a character boundary.
func cleanName(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxNameBytes {
		cut := maxNameBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = strings.TrimSpace(s[:cut])
	}
	return s
}

// createMessage stores a visitor's message durably and answers 202; the same
// external_id again answers 200 and stores nothing.
func (h *Handler) createMessage(w http.ResponseWriter, r *http.Request) {
	ch, ok := h.channel(w, r)
	if !ok {
		return
	}
	visitorID, ok := h.visitor(w, r, ch, false)
	if !ok {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body exceeds %d bytes", maxBodyBytes), "body")
			return
		}
		writeError(w, http.StatusBadRequest, "invalid", "could not read body", "body")
		return
	}
	payload, externalID, err := buildPayload(body, visitorID, time.Now())
	if err != nil {
		var fe *fieldError
		if errors.As(err, &fe) {
			writeError(w, http.StatusBadRequest, "invalid", fe.Message, fe.Field)
			return
		}
		h.fail(w, r, err)
		return
	}
	if ok, wait := h.limit.allow(ch.ID + "/" + visitorID); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		writeError(w, http.StatusTooManyRequests, "rate_limited", "too many messages; wait a moment", "")
		return
	}
	created, err := h.Processor.Accept(r.Context(), ch, externalID, payload)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	clientID := strings.TrimPrefix(externalID, visitorID+":")
	if !created {
		writeJSON(w, http.StatusOK, map[string]string{"status": "duplicate", "external_id": clientID})
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "accepted", "external_id": clientID})
}

// visitorMessage is one message as the visitor sees it.
type visitorMessage struct {
	ID         string `json:"id"`
	Direction  string `json:"direction"` // "in" (the visitor's) or "out" (the brand's)
	Text       string `json:"text"`
	CreatedAt  string `json:"created_at"`
	AuthorName string `json:"author_name"`
	ExternalID string `json:"external_id,omitempty"` // the script's id of an "in" message
}

// listMessages returns the visitor's conversation: their messages and the
// brand's replies, never internal notes; an empty list before they write.
func (h *Handler) listMessages(w http.ResponseWriter, r *http.Request) {
	ch, ok := h.channel(w, r)
	if !ok {
		return
	}
	visitorID, ok := h.visitor(w, r, ch, false)
	if !ok {
		return
	}
	out := []visitorMessage{}
	var srv *visitorSurvey
	conv, err := h.Store.GetConversationByThread(r.Context(), ch.ID, visitorID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.fail(w, r, err)
		return
	}
	if err == nil {
		msgs, err := h.Store.ListCustomerMessages(r.Context(), conv.ID, historyLimit)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, m := range msgs {
			vm := visitorMessage{ID: m.ID, Direction: m.Direction, Text: m.Text, CreatedAt: m.CreatedAt.UTC().Format(time.RFC3339Nano)}
			switch m.Direction {
			case model.DirectionIn:
				vm.ExternalID = strings.TrimPrefix(m.ExternalID, visitorID+":")
			case model.DirectionOut:
				vm.AuthorName = firstName(m.AuthorName)
			default:
				continue // notes are internal; the query excludes them already
			}
			out = append(out, vm)
		}
		if srv, err = h.currentSurvey(r.Context(), conv.ID, time.Now()); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, struct {
		Messages []visitorMessage `json:"messages"`
		Survey   *visitorSurvey   `json:"survey,omitempty"` // the CSAT/NPS question, once sent (survey.go)
	}{out, srv})
}

// firstName is how an agent signs to visitors: the first word of their name,
// so staff do not expose their full name on a public website.
func firstName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
