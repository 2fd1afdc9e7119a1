// Package webchat is the embeddable web chat widget channel. Visitors post
// through Heed's public widget endpoints; replies reach them live over SSE,
// so Send has nothing to carry: the reply is delivered once it is stored.
package webchat

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
)

// MaxTextBytes bounds one visitor message.
const MaxTextBytes = 8 * 1024

// Payload is what the widget posts (and what is stored as the raw event).
type Payload struct {
	ExternalID string `json:"external_id"`
	VisitorID  string `json:"visitor_id"`
	Name       string `json:"name"`
	Text       string `json:"text"`
	CreatedAt  string `json:"created_at,omitempty"`
}

// Parse validates a widget message.
func Parse(body []byte) (channel.InboundMessage, error) {
	var p Payload
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&p); err != nil {
		return channel.InboundMessage{}, &channel.FieldError{Field: "body", Message: "malformed JSON"}
	}
	if strings.TrimSpace(p.ExternalID) == "" || len(p.ExternalID) > 128 {
		return channel.InboundMessage{}, &channel.FieldError{Field: "external_id", Message: "is required (at most 128 bytes)"}
	}
	if strings.TrimSpace(p.VisitorID) == "" || len(p.VisitorID) > 128 {
		return channel.InboundMessage{}, &channel.FieldError{Field: "visitor_id", Message: "is required (at most 128 bytes)"}
	}
	if strings.TrimSpace(p.Text) == "" {
		return channel.InboundMessage{}, &channel.FieldError{Field: "text", Message: "is required"}
	}
	if len(p.Text) > MaxTextBytes || !utf8.ValidString(p.Text) {
		return channel.InboundMessage{}, &channel.FieldError{Field: "text", Message: "too long or not UTF-8"}
	}
	name := strings.TrimSpace(p.Name)
	if len(name) > 100 {
		name = name[:100]
	}
	if name == "" {
		name = "Visitor"
	}
	m := channel.InboundMessage{ExternalID: p.ExternalID, ThreadID: p.VisitorID, Author: channel.Author{ID: p.VisitorID, Name: name},
		Text: p.Text, Public: false, CreatedAt: time.Now().UTC()}
	if t, err := time.Parse(time.RFC3339Nano, p.CreatedAt); err == nil {
		m.CreatedAt = t.UTC()
	}
	return m, nil
}

// Connector implements channel.Connector for the widget.
type Connector struct{}

func (Connector) Type() string    { return model.ChannelWebchat }
func (Connector) Network() string { return "webchat" }
func (Connector) Capabilities() channel.Capabilities {
	return channel.Capabilities{PrivateMessage: true}
}

// Verify refuses every webhook: widget posts arrive only through the widget
// endpoints, which check the visitor token and take the visitor id from it.
// Accepting the generic inbound endpoint would let anyone who knows the
// (public) channel id write as any visitor.
func (Connector) Verify(model.Channel, *http.Request, []byte) error { return channel.ErrBadSignature }

func (Connector) Normalize(payload []byte) (channel.InboundMessage, error) { return Parse(payload) }

// Send has nothing to do: the widget fetches stored replies when told.
func (Connector) Send(context.Context, model.Channel, channel.Outbound) error { return nil }
