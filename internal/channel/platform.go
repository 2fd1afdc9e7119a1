package channel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/heed-dev/heed/internal/model"
)

// Kinds of inbound events. A message is a post, comment, reply, mention or
// private message; the others change something already stored.
const (
	KindMessage    = ""           // the default: a new customer message
	KindEdit       = "edit"       // TargetExternalID's text changed upstream
	KindDelete     = "delete"     // TargetExternalID was deleted upstream
	KindEngagement = "engagement" // new reaction counts for TargetExternalID
)

// Event is the normalised form of one platform event. Message fields are in
// the embedded InboundMessage; edits, deletions and engagement name their
// target.
type Event struct {
	InboundMessage
	Kind             string
	TargetExternalID string
	// Engagement counts (KindEngagement), or the post's counts at delivery.
	Likes, Replies, Reposts int64
}

// RawEvent is one event cut from a webhook delivery, with its idempotency
// key (unique per channel), stored before the platform is acknowledged.
type RawEvent struct {
	ExternalID string
	Payload    []byte
}

// Webhook is implemented by connectors whose platform pushes events to
// Heed's generic webhook endpoint, /hooks/{channel_id}.
type Webhook interface {
	// Handshake answers the platform's verification request (X's CRC
	// challenge, Meta's hub.challenge), a GET on the webhook URL. It returns
	// the status and body to answer.
	Handshake(ch model.Channel, r *http.Request) (status int, contentType string, body []byte)
	// Split cuts one verified delivery (Verify ran first) into events; a
	// delivery may carry several, or none that concern Heed.
	Split(ch model.Channel, body []byte) ([]RawEvent, error)
	// NormalizeEvent turns one stored raw event into an Event.
	NormalizeEvent(payload []byte) (Event, error)
}

// Poller is implemented by connectors that can fetch what a webhook missed
// (or replace webhooks): it returns new raw events since the cursor and the
// next cursor. It honours the platform's rate limits by returning a
// *RateLimitError.
type Poller interface {
	Poll(ctx context.Context, ch model.Channel, cursor string) (events []RawEvent, next string, err error)
}

// SendResult is what the platform says about a delivered reply.
type SendResult struct {
	// ExternalID is the platform's id of the reply, stored on the message so
	// the platform's echo of our own reply is recognised as a duplicate.
	ExternalID string
}

// Sender is implemented by connectors whose platform returns the id of what
// was sent (most do). Connectors without it use Connector.Send.
type Sender interface {
	SendReply(ctx context.Context, ch model.Channel, out Outbound) (SendResult, error)
}

// Moderator is implemented by connectors whose platform lets the brand act on
// customer posts. Capabilities says which verbs work.
type Moderator interface {
	Hide(ctx context.Context, ch model.Channel, externalID string, hidden bool) error
	Delete(ctx context.Context, ch model.Channel, externalID string) error
	Like(ctx context.Context, ch model.Channel, externalID string) error
}

// RateLimitError says the platform refused for now and when to try again
// (from its rate-limit headers); the outbox waits until then without
// counting a failed attempt.
type RateLimitError struct {
	Reset time.Time
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited until %s", e.Reset.UTC().Format(time.RFC3339))
}

// ErrWindowClosed is returned for a private message outside the platform's
// reply window (Messenger's 24 hours); it wraps ErrPermanent.
var ErrWindowClosed = fmt.Errorf("the platform's reply window has closed: %w", ErrPermanent)

// ErrUnauthorized marks an expired or revoked token: the channel needs to be
// reconnected; it wraps ErrPermanent.
var ErrUnauthorized = fmt.Errorf("the platform refused the channel's token: %w", ErrPermanent)

// IsRateLimited returns the rate-limit error in err's chain, if any.
func IsRateLimited(err error) (*RateLimitError, bool) {
	var rl *RateLimitError
	ok := errors.As(err, &rl)
	return rl, ok
}

// FanOut is implemented by connectors whose platform posts several
// accounts' events to one callback URL (Meta: one per app and object).
// After the URL's channel verified a delivery, every channel of the same app
// in the workspace that Concerns the delivery gets what Split cuts for it.
type FanOut interface {
	Concerns(ch model.Channel, body []byte) bool
	// SameApp reports whether two channels share the app whose secret signed
	// the delivery.
	SameApp(a, b model.Channel) bool
}
