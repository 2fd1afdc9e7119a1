// Package xtest is an in-process emulator of the part of X (formerly Twitter)
// Heed uses, faithful to the documented wire format: X API v2 (mentions
// timeline with since_id and pagination, tweet lookup, posting and deleting
// tweets, hiding replies, likes, direct messages, users/me), the Account
// Activity API webhook (CRC challenge, signed deliveries of v1.1 payloads)
// and the OAuth 2.0 authorization code flow with PKCE. Rate-limit headers,
// 429s and error bodies follow X's.
//
// Tests drive the "platform" side through methods: customers post mentions
// and send DMs, pending webhook events are delivered to Heed's URL, and what
// Heed did (its tweets, DMs, likes, hidden replies) is inspected.
//
// Documentation the emulator follows (each shape is cited where it is built):
//
//	mentions:   https://docs.x.com/x-api/posts/timelines/quickstart/user-mention-quickstart
//	            https://docs.x.com/x-api/posts/user-mention-timeline-by-user-id
//	tweets:     https://docs.x.com/x-api/posts/create-or-edit-post
//	hide:       https://docs.x.com/x-api/posts/hide-replies/quickstart
//	likes:      https://docs.x.com/x-api/posts/likes/quickstart/manage-likes
//	DMs:        https://docs.x.com/x-api/direct-messages/send-a-new-message-to-a-user
//	            https://docs.x.com/x-api/direct-messages/create-dm-conversation (answer shape)
//	webhooks:   https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/securing-webhooks
//	            https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/account-activity-data-objects
//	rate limits: https://docs.x.com/fundamentals/rate-limits
//	OAuth 2.0:  https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
package xtest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/heed-dev/heed/internal/model"
)

// Endpoint names, for RateLimit and FailNext.
const (
	EndpointMentions    = "GET /2/users/:id/mentions"
	EndpointLookup      = "GET /2/tweets"
	EndpointCreateTweet = "POST /2/tweets"
	EndpointDeleteTweet = "DELETE /2/tweets/:id"
	EndpointHide        = "PUT /2/tweets/:id/hidden"
	EndpointLike        = "POST /2/users/:id/likes"
	EndpointSendDM      = "POST /2/dm_conversations/with/:participant_id/messages"
	EndpointMe          = "GET /2/users/me"
	EndpointToken       = "POST /2/oauth2/token"
)

// window is X's rate-limit window.
const window = 15 * time.Minute

// defaultLimits are requests per 15-minute window per user, from the API
// reference pages where the documentation at hand has them: likes 50
// (https://developer.x.com/en/docs/x-api/tweets/likes/api-reference/post-users-id-likes),
// hide replies 50 (https://developer.x.com/en/docs/twitter-api/tweets/hide-replies/api-reference),
// posting 100 (https://developer.x.com/en/docs/twitter-api/tweets/manage-tweets/api-reference/post-tweets;
// the manage-Posts introduction says 200), deleting 50
// (.../manage-tweets/api-reference/delete-tweets-id), users/me 75
// (https://developer.x.com/en/docs/twitter-api/users/lookup). Mentions,
// lookup and DMs were not in it and are plausible figures of the same order.
var defaultLimits = map[string]int{
	EndpointMentions:    180,
	EndpointLookup:      900,
	EndpointCreateTweet: 100,
	EndpointDeleteTweet: 50,
	EndpointHide:        50,
	EndpointLike:        50,
	EndpointSendDM:      200,
	EndpointMe:          75,
}

// User is an X account.
type User struct {
	ID        string
	Username  string // without "@"
	Name      string
	Followers int64
	Verified  bool
}

// Tweet is a post on the emulated X.
type Tweet struct {
	ID              string
	Text            string
	AuthorID        string
	ConversationID  string // the root tweet's id
	InReplyTo       string // the tweet answered; "" for a root
	InReplyToUserID string
	CreatedAt       time.Time
	Likes           int64
	Hidden          bool
	Deleted         bool
}

// DMEvent is a direct message.
type DMEvent struct {
	ID             string
	ConversationID string
	SenderID       string
	RecipientID    string
	Text           string
	CreatedAt      time.Time
}

type limitWindow struct {
	limit, remaining int
	reset            time.Time
}

type failure struct {
	status int
	detail string
}

type authCode struct {
	clientID, redirect, challenge, method, scope string
}

// Server is the emulator. Its exported fields are fixed at New.
type Server struct {
	// Brand is the account Heed manages (the webhook's subscribed user).
	Brand User
	// ConsumerSecret signs webhook deliveries and CRC answers.
	ConsumerSecret string
	// ClientID is the OAuth 2.0 client the authorize and token endpoints accept.
	ClientID string
	// AccessToken is a valid bearer token of the brand from the start.
	AccessToken string

	srv *httptest.Server

	mu        sync.Mutex
	now       func() time.Time
	lastID    uint64
	users     map[string]User
	tweets    map[string]*Tweet
	order     []string // tweet ids in creation order
	dms       []DMEvent
	likes     []string
	closedDMs map[string]bool
	pending   [][]byte
	limits    map[string]*limitWindow
	fails     map[string][]failure
	codes     map[string]authCode
	tokens    map[string]bool
	refreshes map[string]string // refresh token → scope
	requests  []string
}

// New starts an emulator; Close stops it.
func New() *Server {
	s := &Server{
		Brand:          User{ID: "1800000000000000001", Username: "heedbrand", Name: "Heed Brand", Followers: 12000, Verified: true},
		ConsumerSecret: "emulator-consumer-secret",
		ClientID:       "emulator-client-id",
		AccessToken:    "emulator-access-token",
		now:            time.Now,
		lastID:         1800000000000000100,
		users:          map[string]User{},
		tweets:         map[string]*Tweet{},
		closedDMs:      map[string]bool{},
		limits:         map[string]*limitWindow{},
		fails:          map[string][]failure{},
		codes:          map[string]authCode{},
		tokens:         map[string]bool{},
		refreshes:      map[string]string{},
	}
	s.users[s.Brand.ID] = s.Brand
	s.tokens[s.AccessToken] = true
	s.srv = httptest.NewServer(s.routes())
	return s
}

// URL is the emulator's base URL (the channel's api_base).
func (s *Server) URL() string { return s.srv.URL }

// Close stops the emulator.
func (s *Server) Close() { s.srv.Close() }

// Channel returns a channel configured for the emulator: Settings api_base
// and the brand's credentials (keys as the x package reads them).
func (s *Server) Channel() model.Channel {
	settings, _ := json.Marshal(map[string]string{"api_base": s.URL()})
	return model.Channel{
		ID: "ch-x-emulator", Type: "x", Name: "X (emulator)", Settings: settings, Health: "ok",
		Credentials: map[string]string{
			"consumer_secret": s.ConsumerSecret,
			"access_token":    s.AccessToken,
			"user_id":         s.Brand.ID,
			"handle":          s.Brand.Username,
		},
	}
}

// SetClock replaces the emulator's clock (timestamps and rate-limit windows).
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// nextID returns a fresh snowflake-like id (19 digits, increasing).
func (s *Server) nextID() string {
	s.lastID++
	return strconv.FormatUint(s.lastID, 10)
}

func (s *Server) addUser(u User) {
	if u.ID == "" {
		panic("xtest: a user needs an ID")
	}
	if u.Username == "" {
		u.Username = "user" + u.ID
	}
	if u.Name == "" {
		u.Name = u.Username
	}
	s.users[u.ID] = u
}

// hasMention reports whether text names @username.
func hasMention(text, username string) bool {
	return strings.Contains(strings.ToLower(text), "@"+strings.ToLower(username))
}

// mentionsBrand reports whether a tweet belongs on the brand's mentions
// timeline: it names @brand or replies to the brand.
func (s *Server) mentionsBrand(t *Tweet) bool {
	if t.AuthorID == s.Brand.ID || t.Deleted {
		return false
	}
	return t.InReplyToUserID == s.Brand.ID || hasMention(t.Text, s.Brand.Username)
}

// PostMention has a customer post a tweet mentioning the brand, or, with
// replyTo, reply to that tweet (which threads it into its conversation). As
// on X, a reply's text starts with "@<author answered>" (added unless the
// text starts so); a tweet that neither names the brand nor answers it is
// prefixed with "@<brand>". The tweet appears on the mentions timeline and
// is queued for the webhook.
func (s *Server) PostMention(from User, text, replyTo string) Tweet {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUser(from)
	t := &Tweet{ID: s.nextID(), Text: text, AuthorID: from.ID, CreatedAt: s.now().UTC()}
	t.ConversationID = t.ID
	if replyTo != "" {
		t.InReplyTo = replyTo
		t.ConversationID = replyTo
		if p, ok := s.tweets[replyTo]; ok {
			t.ConversationID = p.ConversationID
			t.InReplyToUserID = p.AuthorID
		}
	}
	// Leading mentions, as X writes a reply: the author answered, then the
	// brand if the text does not name it.
	var lead []string
	if a, ok := s.users[t.InReplyToUserID]; ok && !hasMention(t.Text, a.Username) {
		lead = append(lead, "@"+a.Username)
	}
	if t.InReplyToUserID != s.Brand.ID && !hasMention(t.Text, s.Brand.Username) {
		lead = append(lead, "@"+s.Brand.Username)
	}
	if len(lead) > 0 {
		t.Text = strings.Join(lead, " ") + " " + t.Text
	}
	s.storeTweet(t)
	return *t
}

// PostAsBrand has the brand post a tweet from X itself (not through Heed),
// starting a conversation customers can reply to (and the brand can hide
// replies in). The webhook echoes it like any tweet of the brand.
func (s *Server) PostAsBrand(text string) Tweet {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &Tweet{ID: s.nextID(), Text: text, AuthorID: s.Brand.ID, CreatedAt: s.now().UTC()}
	t.ConversationID = t.ID
	s.storeTweet(t)
	return *t
}

func (s *Server) storeTweet(t *Tweet) {
	s.tweets[t.ID] = t
	s.order = append(s.order, t.ID)
	s.queueTweetCreate(t)
}

// SendDM has a customer send the brand a direct message; it is queued for
// the webhook.
func (s *Server) SendDM(from User, text string) DMEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUser(from)
	e := DMEvent{ID: s.nextID(), ConversationID: dmConversation(from.ID, s.Brand.ID), SenderID: from.ID, RecipientID: s.Brand.ID,
		Text: text, CreatedAt: s.now().UTC()}
	s.queueDM(e)
	return e
}

// DeleteTweet has a tweet's author delete it (a tweet_delete_events is
// queued); false if there is no such tweet.
func (s *Server) DeleteTweet(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tweets[id]
	if !ok || t.Deleted {
		return false
	}
	s.deleteTweet(t)
	return true
}

func (s *Server) deleteTweet(t *Tweet) {
	t.Deleted = true
	s.queue(map[string]any{"for_user_id": s.Brand.ID, "tweet_delete_events": []any{map[string]any{
		"status":       map[string]any{"id": t.ID, "user_id": t.AuthorID},
		"timestamp_ms": strconv.FormatInt(s.now().UnixMilli(), 10),
	}}})
}

// CloseDMs makes a user refuse direct messages from the brand (X answers
// 403).
func (s *Server) CloseDMs(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closedDMs[userID] = true
}

// RevokeToken invalidates a bearer token (the API then answers 401).
func (s *Server) RevokeToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
}

// RateLimit sets an endpoint's window: remaining requests, and when the
// window resets (then it refills to the endpoint's limit). With remaining 0
// the next request gets a 429.
func (s *Server) RateLimit(endpoint string, remaining int, reset time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.window(endpoint)
	w.remaining = remaining
	w.reset = reset
}

// FailNext makes the next request to an endpoint fail with status and an X
// problem body carrying detail (a 429 also says remaining 0).
func (s *Server) FailNext(endpoint string, status int, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails[endpoint] = append(s.fails[endpoint], failure{status, detail})
}

// Tweets returns the brand's tweets (what Heed posted), oldest first.
func (s *Server) Tweets() []Tweet {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Tweet
	for _, id := range s.order {
		if t := s.tweets[id]; t.AuthorID == s.Brand.ID {
			out = append(out, *t)
		}
	}
	return out
}

// Tweet returns any tweet by id.
func (s *Server) Tweet(id string) (Tweet, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tweets[id]
	if !ok {
		return Tweet{}, false
	}
	return *t, true
}

// DMs returns the direct messages the brand sent, oldest first.
func (s *Server) DMs() []DMEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []DMEvent
	for _, e := range s.dms {
		if e.SenderID == s.Brand.ID {
			out = append(out, e)
		}
	}
	return out
}

// Likes returns the ids of the tweets the brand liked, in order.
func (s *Server) Likes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.likes)
}

// Hidden returns the ids of the replies currently hidden, sorted.
func (s *Server) Hidden() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id, t := range s.tweets {
		if t.Hidden {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// Requests returns the API requests received ("METHOD /path?query"), in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Pending returns how many webhook deliveries are waiting.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// window returns an endpoint's current rate-limit window (s.mu held).
func (s *Server) window(endpoint string) *limitWindow {
	now := s.now()
	w, ok := s.limits[endpoint]
	if !ok {
		limit := defaultLimits[endpoint]
		if limit == 0 {
			limit = 300
		}
		w = &limitWindow{limit: limit, remaining: limit, reset: now.Add(window)}
		s.limits[endpoint] = w
	}
	if !now.Before(w.reset) {
		w.remaining, w.reset = w.limit, now.Add(window)
	}
	return w
}

// Sign is the X signature of msg: "sha256=" and base64 HMAC-SHA256 keyed
// with the consumer secret.
func Sign(secret string, msg []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(msg)
	return "sha256=" + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// S256 is the PKCE challenge of a verifier.
func S256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// dmConversation is X's one-to-one conversation id: both user ids, the
// smaller first, joined by "-" (the documented example "123123123-456456456").
func dmConversation(a, b string) string {
	if len(a) > len(b) || (len(a) == len(b) && a > b) {
		a, b = b, a
	}
	return a + "-" + b
}

// writeJSON answers v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// IssueToken makes token a valid bearer token (as if the brand reconnected).
func (s *Server) IssueToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = true
}
