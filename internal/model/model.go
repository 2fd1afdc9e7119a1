// Package model holds Heed's plain domain types, shared by the store, the
// pipeline, the API and the web UI. It has no behaviour beyond validation of
// its own enumerations.
package model

import (
	"encoding/json"
	"time"
)

// Workspace is one brand using Heed.
type Workspace struct {
	ID            string
	Name          string
	OrderPattern  string // regular expression of the brand's order numbers ("" for none)
	BusinessHours string // JSON of sla.Schedule ("" for none)
	// Virality escalation: at or above this score (and, if NegativeOnly, only
	// for negative customers) a conversation is escalated.
	ViralityThreshold    float64
	ViralityNegativeOnly bool
	CreatedAt            time.Time
}

// Role decides what an agent may do.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleSupervisor Role = "supervisor"
	RoleAgent      Role = "agent"
	// RoleContributor is a store employee: sees the conversations assigned to
	// them and writes replies, each of which waits for a supervisor's approval.
	RoleContributor Role = "contributor"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleAdmin || r == RoleSupervisor || r == RoleAgent || r == RoleContributor
}

// AtLeast reports whether r carries the rights of min (admin > supervisor > agent > contributor).
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() }

func (r Role) rank() int {
	switch r {
	case RoleAdmin:
		return 4
	case RoleSupervisor:
		return 3
	case RoleAgent:
		return 2
	case RoleContributor:
		return 1
	}
	return 0
}

// Agent is a person who works the inbox.
type Agent struct {
	ID           string
	WorkspaceID  string
	Email        string
	Name         string
	Role         Role
	PasswordHash string
	Availability string
	Disabled     bool
	CreatedAt    time.Time

	// For auto-assignment: open conversations at most, and skills (empty
	// lists mean any).
	Capacity       int
	Languages      []string
	ChannelTypes   []string
	Locations      []string
	LastAssignedAt *time.Time
}

// Team groups agents; conversations can be assigned to a team.
type Team struct {
	ID          string
	WorkspaceID string
	Name        string
	CreatedAt   time.Time
	MemberIDs   []string
}

// Session is a logged-in browser.
type Session struct {
	TokenHash string
	AgentID   string
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken is a bearer token for /api/v1, acting as its agent.
type APIToken struct {
	ID          string
	WorkspaceID string
	AgentID     string
	Name        string
	TokenHash   string
	CreatedAt   time.Time
	LastUsedAt  *time.Time
}

// Channel types of the spine; social connectors add their own.
const (
	ChannelAPI     = "api"
	ChannelWebchat = "webchat"
)

// Channel is one connected account (an API channel, a web chat widget, an X
// account…).
type Channel struct {
	ID          string
	WorkspaceID string
	Type        string
	Name        string
	Secret      string // plain text in memory; sealed at rest by the store
	CallbackURL string
	Settings    json.RawMessage
	CreatedAt   time.Time
	// Credentials are the platform's tokens and app secrets; plain in memory,
	// sealed at rest.
	Credentials  map[string]string
	Health       string // "ok" or "unhealthy"
	HealthReason string
}

// InboundEvent is a raw event from a platform, stored before it is acknowledged.
type InboundEvent struct {
	ID          string
	ChannelID   string
	ExternalID  string
	Payload     []byte
	ReceivedAt  time.Time
	ProcessedAt *time.Time
	Attempts    int
	Error       string
}

// Customer is one person, possibly with identities on several networks.
type Customer struct {
	ID          string
	WorkspaceID string
	Name        string
	CreatedAt   time.Time
}

// Identity is a customer's handle on one network.
type Identity struct {
	ID          string
	WorkspaceID string
	CustomerID  string
	Network     string
	ExternalID  string
	Handle      string
	Name        string
	CreatedAt   time.Time
}

// Conversation statuses.
const (
	StatusNew          = "new"
	StatusAcknowledged = "acknowledged"
	StatusWaiting      = "waiting"
	StatusResolved     = "resolved"
)

// ValidStatus reports whether s is a conversation status.
func ValidStatus(s string) bool {
	switch s {
	case StatusNew, StatusAcknowledged, StatusWaiting, StatusResolved:
		return true
	}
	return false
}

// Conversation is one thread with one customer on one channel.
type Conversation struct {
	ID                   string
	WorkspaceID          string
	ChannelID            string
	CustomerID           string
	IdentityID           string
	ThreadID             string
	Public               bool
	Status               string
	Priority             int
	AssigneeID           string
	TeamID               string
	Preview              string
	CreatedAt            time.Time
	LastMessageAt        time.Time
	WaitingSince         *time.Time
	FirstResponseAt      *time.Time
	FirstResponseSeconds *int64
	ResolvedAt           *time.Time
	ResolutionSeconds    *int64

	// SLA state (see internal/slaclock): thresholds of the open clocks.
	SLAPolicyID         string
	FirstResponseWarnAt *time.Time
	FirstResponseDueAt  *time.Time
	NextResponseWarnAt  *time.Time
	NextResponseDueAt   *time.Time
	ResolutionWarnAt    *time.Time
	ResolutionDueAt     *time.Time
	AcknowledgedAt      *time.Time
	AcknowledgedSeconds *int64
	SLANextCheckAt      *time.Time
	SLABreached         bool
	SLAPolicyOverride   string // set by a routing rule
	Tags                []string
	Escalated           bool
	Virality            float64 // 0..1, from engagement velocity
	ReplyChannelID      string  // answer from this channel (service handle) instead of ChannelID

	// Analysis of the customer's latest message (see internal/analyze).
	Language       string
	SentimentScore *float64
	SentimentLabel string
	Intent         string
	Spam           bool
	PersonalData   bool
	NeedsResponse  bool

	// RedirectReason is why a public conversation was taken private (a key
	// of inbox.RedirectReasons; "" when not given or never moved): the
	// first move's reason.
	RedirectReason string

	// Joined for display; filled by list and get queries.
	CustomerName   string
	CustomerHandle string
	ChannelName    string
	ChannelType    string
	AssigneeName   string
	TeamName       string
}

// Message directions.
const (
	DirectionIn   = "in"
	DirectionOut  = "out"
	DirectionNote = "note"
)

// Delivery states of an outbound message.
const (
	DeliveryQueued = "queued"
	DeliverySent   = "sent"
	DeliveryFailed = "failed"
)

// Message is an inbound post, an outbound reply or an internal note.
type Message struct {
	ID               string
	WorkspaceID      string
	ConversationID   string
	ChannelID        string
	Direction        string
	AuthorAgentID    string
	ExternalID       string
	InReplyTo        string
	Text             string
	Public           bool
	Analysis         json.RawMessage
	CreatedAt        time.Time
	DeliveryStatus   string
	DeliveryAttempts int
	DeliveryError    string
	DeliveredAt      *time.Time
	SpamVerdict      string // an agent's correction: "", "spam" or "not_spam"
	EditedAt         *time.Time
	DeletedAt        *time.Time
	Hidden           bool
	Holding          bool // a holding reply: acknowledges, does not answer
	// ChecksPassed is whether an agent's reply had no warning from the
	// composer's checks when sent; nil when not checked (customer messages,
	// notes, imported history, no composer configured).
	ChecksPassed *bool

	AuthorName string // agent name for out/note, filled by queries
}

// Event is one entry of the audit trail.
type Event struct {
	ID             string
	WorkspaceID    string
	ConversationID string
	ActorAgentID   string
	Kind           string
	Data           json.RawMessage
	CreatedAt      time.Time
}
