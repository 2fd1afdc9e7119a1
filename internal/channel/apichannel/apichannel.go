// Package apichannel is the generic API channel: any system pushes customer
// messages in with a signed POST and receives replies as signed webhook POSTs
// to its callback URL.
package apichannel

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
)

// Header names of the signing scheme (inbound and outbound alike).
const (
	SignatureHeader = "X-Heed-Signature"
	DeliveryHeader  = "X-Heed-Delivery"
)

// MaxTextBytes bounds one message's text.
const MaxTextBytes = 64 * 1024

// Sign returns the X-Heed-Signature value for body.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature checks a X-Heed-Signature header in constant time.
func VerifySignature(secret string, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// Payload is the inbound JSON of the API channel.
type Payload struct {
	ExternalID string         `json:"external_id"`
	ThreadID   string         `json:"thread_id"`
	Author     channel.Author `json:"author"`
	Text       string         `json:"text"`
	Public     *bool          `json:"public"`
	CreatedAt  string         `json:"created_at"`
}

// Parse validates an inbound body; a *channel.FieldError names what is wrong.
func Parse(body []byte) (channel.InboundMessage, error) {
	var p Payload
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&p); err != nil {
		return channel.InboundMessage{}, &channel.FieldError{Field: "body", Message: "malformed JSON: " + err.Error()}
	}
	if dec.More() {
		return channel.InboundMessage{}, &channel.FieldError{Field: "body", Message: "trailing data after the JSON object"}
	}
	required := []struct{ field, value string }{
		{"external_id", p.ExternalID}, {"thread_id", p.ThreadID}, {"author.id", p.Author.ID}, {"text", p.Text},
	}
	for _, r := range required {
		if strings.TrimSpace(r.value) == "" {
			return channel.InboundMessage{}, &channel.FieldError{Field: r.field, Message: "is required"}
		}
	}
	if len(p.ExternalID) > 256 {
		return channel.InboundMessage{}, &channel.FieldError{Field: "external_id", Message: "longer than 256 bytes"}
	}
	if len(p.ThreadID) > 256 {
		return channel.InboundMessage{}, &channel.FieldError{Field: "thread_id", Message: "longer than 256 bytes"}
	}
	if len(p.Text) > MaxTextBytes {
		return channel.InboundMessage{}, &channel.FieldError{Field: "text", Message: fmt.Sprintf("longer than %d bytes", MaxTextBytes)}
	}
	if !utf8.ValidString(p.Text) {
		return channel.InboundMessage{}, &channel.FieldError{Field: "text", Message: "not valid UTF-8"}
	}
	m := channel.InboundMessage{ExternalID: p.ExternalID, ThreadID: p.ThreadID, Author: p.Author, Text: p.Text, Public: true, CreatedAt: time.Now().UTC()}
	if p.Public != nil {
		m.Public = *p.Public
	}
	if p.CreatedAt != "" {
		t, err := time.Parse(time.RFC3339, p.CreatedAt)
		if err != nil {
			return channel.InboundMessage{}, &channel.FieldError{Field: "created_at", Message: "must be RFC 3339"}
		}
		m.CreatedAt = t.UTC()
	}
	return m, nil
}

// Connector implements channel.Connector for the API channel.
type Connector struct {
	Client *http.Client
}

// New returns the API channel connector.
func New(client *http.Client) *Connector {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Connector{Client: client}
}

func (*Connector) Type() string    { return model.ChannelAPI }
func (*Connector) Network() string { return "api" }
func (*Connector) Capabilities() channel.Capabilities {
	return channel.Capabilities{PublicReply: true, PrivateMessage: true}
}

// Verify checks the X-Heed-Signature header.
func (*Connector) Verify(ch model.Channel, r *http.Request, body []byte) error {
	if !VerifySignature(ch.Secret, body, r.Header.Get(SignatureHeader)) {
		return channel.ErrBadSignature
	}
	return nil
}

// Normalize parses a stored payload.
func (*Connector) Normalize(payload []byte) (channel.InboundMessage, error) { return Parse(payload) }

// Reply is the JSON the callback URL receives.
type Reply struct {
	ID             string `json:"id"`
	ConversationID string `json:"conversation_id"`
	ThreadID       string `json:"thread_id"`
	InReplyTo      string `json:"in_reply_to"`
	Text           string `json:"text"`
	Public         bool   `json:"public"`
	Author         string `json:"author,omitempty"`
	CreatedAt      string `json:"created_at"`
	// Survey is set on a CSAT/NPS question: the receiver may show answer
	// buttons; the answer comes back as an inbound message whose text is
	// the score ("5").
	Survey *channel.SurveyQuestion `json:"survey,omitempty"`
}

// Send POSTs the reply to the channel's callback URL, signed, with the
// message id as X-Heed-Delivery so a receiver can drop a retried repeat.
func (c *Connector) Send(ctx context.Context, ch model.Channel, out channel.Outbound) error {
	if ch.CallbackURL == "" {
		return fmt.Errorf("api channel %s has no callback URL: %w", ch.ID, channel.ErrPermanent)
	}
	body, err := json.Marshal(Reply{ID: out.MessageID, ConversationID: out.ConversationID, ThreadID: out.ThreadID, InReplyTo: out.InReplyTo,
		Text: out.Text, Public: out.Public, Author: out.AgentName, CreatedAt: out.CreatedAt.UTC().Format(time.RFC3339), Survey: out.Survey})
	if err != nil {
		return fmt.Errorf("encode reply: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ch.CallbackURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("callback request: %v: %w", err, channel.ErrPermanent)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Heed-Webhook/1")
	req.Header.Set(SignatureHeader, Sign(ch.Secret, body))
	req.Header.Set(DeliveryHeader, out.MessageID)
	resp, err := c.Client.Do(req)
	if err != nil {
		return fmt.Errorf("callback: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout:
		return fmt.Errorf("callback answered %d", resp.StatusCode)
	default:
		return fmt.Errorf("callback answered %d: %w", resp.StatusCode, channel.ErrPermanent)
	}
}
