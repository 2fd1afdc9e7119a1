// Package channel is the boundary between Heed and the platforms customers
// write on. Each platform is a Connector in a sub-package; the pipeline and
// the outbox speak only to this interface.
package channel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/heed-dev/heed/internal/model"
)

// Author is who wrote an inbound message, as the platform knows them.
type Author struct {
	ID     string `json:"id"`
	Handle string `json:"handle"`
	Name   string `json:"name"`
	// Followers and Verified feed influence and routing where the platform
	// reports them.
	Followers int64 `json:"followers,omitempty"`
	Verified  bool  `json:"verified,omitempty"`
}

// InboundMessage is a platform message normalised for the pipeline.
type InboundMessage struct {
	ExternalID string
	ThreadID   string
	Author     Author
	Text       string
	Public     bool
	CreatedAt  time.Time
}

// Outbound is a reply to deliver.
type Outbound struct {
	MessageID      string // stable across retries: the delivery id
	ConversationID string
	ThreadID       string
	InReplyTo      string // external id of the customer message answered
	Text           string
	Public         bool
	AgentName      string
	CreatedAt      time.Time
	// RecipientID is the customer's id on the platform (for private
	// messages); LastInboundAt is when the customer last wrote (reply windows).
	RecipientID   string
	LastInboundAt time.Time
	// ThreadPublic tells a private reply on a public thread (Meta's private
	// replies) from a message in a private conversation.
	ThreadPublic bool
	// Survey is set when the message is a CSAT/NPS question (internal/survey):
	// connectors that can render answer buttons may use it.
	Survey *SurveyQuestion
}

// SurveyQuestion describes a survey message: its kind and scale.
type SurveyQuestion struct {
	ID   string `json:"id"`
	Kind string `json:"kind"` // "csat" or "nps"
	Min  int    `json:"min"`
	Max  int    `json:"max"`
}

// Capabilities declare what a connector can do; the UI offers only these.
type Capabilities struct {
	PublicReply    bool
	PrivateMessage bool
	PrivateReply   bool // answer a public comment privately (Meta's private replies)
	Hide           bool
	Delete         bool
	Like           bool
	MaxLength      int           // public replies; 0 means unlimited
	MaxPrivate     int           // private messages; 0 means MaxLength
	ReplyWindow    time.Duration // private messages; 0 means none (Messenger has 24 h)
	// DMLink builds the one-click "send us a private message" link of the
	// account (empty when the platform has none).
	DMLink func(ch model.Channel) string
}

// Connector is one platform.
type Connector interface {
	// Type is the channel type this connector serves ("api", "webchat", "x"…).
	Type() string
	// Network names the identity namespace of authors (customers seen on two
	// channels of the same network are the same identity).
	Network() string
	Capabilities() Capabilities
	// Verify checks an inbound webhook's signature against the channel secret.
	Verify(ch model.Channel, r *http.Request, body []byte) error
	// Normalize turns a stored raw inbound payload into a message.
	Normalize(payload []byte) (InboundMessage, error)
	// Send delivers a reply. Errors wrapping ErrPermanent are not retried.
	Send(ctx context.Context, ch model.Channel, out Outbound) error
}

// Errors shared by connectors.
var (
	ErrBadSignature = errors.New("bad or missing signature")
	ErrPermanent    = errors.New("permanent delivery failure")
)

// FieldError names the field of a payload that is wrong.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Message) }

// Registry maps channel types to connectors.
type Registry struct {
	byType map[string]Connector
}

// NewRegistry builds a registry of the given connectors.
func NewRegistry(cs ...Connector) *Registry {
	r := &Registry{byType: map[string]Connector{}}
	for _, c := range cs {
		r.byType[c.Type()] = c
	}
	return r
}

// Get returns the connector of a channel type.
func (r *Registry) Get(typ string) (Connector, bool) {
	if r == nil {
		return nil, false // a nil registry knows no platform
	}
	c, ok := r.byType[typ]
	return c, ok
}

// Types lists the registered channel types.
func (r *Registry) Types() []string {
	out := make([]string, 0, len(r.byType))
	for t := range r.byType {
		out = append(out, t)
	}
	return out
}
