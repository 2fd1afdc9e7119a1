// Package x is the X (formerly Twitter) connector: mentions, replies and
// direct messages of one brand account, received through the Account Activity
// API webhook (and the mentions timeline as a poller), answered through X API
// v2. Its emulator is the xtest package.
//
// Thread ids: a public thread is keyed by the conversation_id of the tweets in
// it (the id of the conversation's root tweet), so a mention and every reply
// under it are one conversation; a direct-message thread is "dm:<customer user
// id>".
package x

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
)

// Type is the channel type, and Network the identity namespace, of X.
const (
	Type    = "x"
	Network = "x"
)

// DefaultAPIBase is X's API host; a channel overrides it with the Settings
// key "api_base" (the emulator's URL in tests and the demo).
const DefaultAPIBase = "https://api.x.com"

// Keys of model.Channel.Credentials the connector reads.
const (
	CredConsumerSecret = "consumer_secret" // the app's API secret: webhook signatures and CRC
	CredAccessToken    = "access_token"    // OAuth 2.0 user token of the brand account
	CredUserID         = "user_id"         // the brand account's numeric id
	CredHandle         = "handle"          // the brand account's username, without "@"
)

// Limits of the platform.
const (
	MaxLength  = 280   // characters of a post (X weighs URLs and CJK; the platform has the last word)
	MaxPrivate = 10000 // characters of a direct message
)

// Settings is the channel's Settings JSON.
type Settings struct {
	APIBase string `json:"api_base"`
}

// Options configure the connector.
type Options struct {
	// Client makes the API calls; nil means a client with a 15 s timeout.
	Client *http.Client
	// Now is the clock used when a rate-limit answer lacks a reset header;
	// nil means time.Now.
	Now func() time.Time
	// LookupTimeout bounds the conversation lookup Split makes for replies
	// it cannot place (see Split); zero means 2 s.
	LookupTimeout time.Duration
}

// Connector implements channel.Connector, channel.Webhook, channel.Poller,
// channel.Sender and channel.Moderator for X.
type Connector struct {
	client        *http.Client
	now           func() time.Time
	lookupTimeout time.Duration
	convs         *convCache
}

// New returns the X connector.
func New(opts Options) *Connector {
	c := &Connector{client: opts.Client, now: opts.Now, lookupTimeout: opts.LookupTimeout, convs: newConvCache(50000)}
	if c.client == nil {
		c.client = &http.Client{Timeout: 15 * time.Second}
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.lookupTimeout <= 0 {
		c.lookupTimeout = 2 * time.Second
	}
	return c
}

var (
	_ channel.Connector = (*Connector)(nil)
	_ channel.Webhook   = (*Connector)(nil)
	_ channel.Poller    = (*Connector)(nil)
	_ channel.Sender    = (*Connector)(nil)
	_ channel.Moderator = (*Connector)(nil)
)

func (*Connector) Type() string    { return Type }
func (*Connector) Network() string { return Network }

// Capabilities: public replies (280 characters), direct messages, hiding
// replies and liking. Deleting is not offered: X lets the brand delete only
// its own posts.
func (*Connector) Capabilities() channel.Capabilities {
	return channel.Capabilities{
		PublicReply: true, PrivateMessage: true, Hide: true, Like: true,
		MaxLength: MaxLength, MaxPrivate: MaxPrivate,
		DMLink: DMLink,
	}
}

// DMLink is the one-click "send us a private message" link of the brand
// account: X's compose deep link
// (https://developer.x.com/en/docs/twitter-api/tweets/manage-tweets/api-reference/post-tweets,
// direct_message_deep_link).
func DMLink(ch model.Channel) string {
	id := strings.TrimSpace(ch.Credentials[CredUserID])
	if id == "" {
		return ""
	}
	return "https://x.com/messages/compose?recipient_id=" + url.QueryEscape(id)
}

// apiBase returns the channel's API base URL without a trailing slash.
func apiBase(ch model.Channel) (string, error) {
	base := DefaultAPIBase
	if len(ch.Settings) > 0 && string(ch.Settings) != "null" {
		var s Settings
		if err := json.Unmarshal(ch.Settings, &s); err != nil {
			return "", fmt.Errorf("x: channel %s settings: %v: %w", ch.ID, err, channel.ErrPermanent)
		}
		if s.APIBase != "" {
			base = s.APIBase
		}
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("x: channel %s api_base %q is not an http(s) URL: %w", ch.ID, base, channel.ErrPermanent)
	}
	return strings.TrimRight(base, "/"), nil
}

// brandID is the brand account's user id.
func brandID(ch model.Channel) string { return strings.TrimSpace(ch.Credentials[CredUserID]) }

// convCache remembers which conversation a tweet belongs to (from our own
// replies, polled mentions and resolved webhook tweets), so a webhook reply
// to a known tweet is threaded without an API lookup. It is only a shortcut:
// a miss costs one lookup. Bounded: it starts over when full.
type convCache struct {
	mu  sync.Mutex
	max int
	m   map[string]string
}

func newConvCache(max int) *convCache { return &convCache{max: max, m: map[string]string{}} }

func (c *convCache) get(id string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[id]
	return v, ok
}

func (c *convCache) put(id, conv string) {
	if !validID(id) || !validID(conv) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		c.m = map[string]string{}
	}
	c.m[id] = conv
}
