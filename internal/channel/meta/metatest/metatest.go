// Package metatest emulates the part of Meta's platform Heed uses: the Graph
// API endpoints of the facebook, messenger and instagram connectors and the
// webhooks Meta sends, with their documented wire formats.
//
// It is an in-process HTTP server holding one Facebook Page (with its
// Messenger inbox) and one Instagram professional account. Tests play the
// customers (Comment, VisitorPost, Message, IGComment…), deliver the queued
// webhooks to Heed (DeliverWebhook), inject failures (Throttle, FailNext,
// SetWindowClosed, RevokeToken) and inspect what Heed did (Replies,
// PrivateReplies, Messages, Hidden, Deleted, Likes, Requests).
//
// Documented behaviour it follows (pages searched when it was written):
//   - webhook envelope, verification GET and X-Hub-Signature-256:
//     https://developers.facebook.com/docs/graph-api/webhooks/getting-started
//   - Page feed changes: https://developers.facebook.com/docs/pages-api/webhooks-for-pages
//   - Messenger messages and echoes:
//     https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messages
//     https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-echoes
//   - Send API windows and HUMAN_AGENT (7 days):
//     https://developers.facebook.com/docs/messenger-platform/send-messages
//   - private replies (one per comment, within 7 days):
//     https://developers.facebook.com/documentation/business-messaging/messenger-platform/discovery/private-replies
//     https://developers.facebook.com/docs/instagram-platform/private-replies
//   - Instagram webhooks: https://developers.facebook.com/docs/instagram-platform/webhooks/examples/
//     https://developers.facebook.com/docs/graph-api/webhooks/reference/instagram
//   - Instagram comment moderation (replies, hide, delete):
//     https://developers.facebook.com/docs/instagram-platform/comment-moderation
//   - Instagram mentions: https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/mentions
//   - errors: https://developers.facebook.com/docs/graph-api/guides/error-handling
//     https://developers.facebook.com/docs/messenger-platform/error-codes
//   - rate limits and usage headers: https://developers.facebook.com/docs/graph-api/overview/rate-limiting
//
// Where those pages give no detail the emulator follows the closest
// documented shape; such places say so in a comment.
package metatest

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/heed-dev/heed/internal/model"
)

// Version is the Graph API version prefix the emulator serves (any vNN.N
// prefix is accepted).
const Version = "v21.0"

// Defaults of a new emulator.
const (
	DefaultAppSecret   = "emulated-app-secret"
	DefaultVerifyToken = "emulated-verify-token"
	DefaultToken       = "EAAemulatedPageToken"
	DefaultPageID      = "104000000000001"
	DefaultIGUserID    = "17841400000000001"
)

// User is a customer acting on the platform. ID is their Page-scoped id on
// Messenger and the feed (the emulator uses one id per person), their
// Instagram-scoped id on Instagram.
type User struct {
	ID       string
	Name     string
	Username string
}

// Post is a Page post or a visitor post.
type Post struct {
	ID      string
	From    User
	Message string
	Created time.Time
	Visitor bool
}

// Comment is a Facebook or Instagram comment.
type Comment struct {
	ID       string
	Platform string // "facebook" or "instagram"
	PostID   string // facebook: the post; instagram: the media
	ParentID string // the comment replied to ("" for a top-level comment)
	From     User
	Message  string
	Created  time.Time
}

// Media is an Instagram media object.
type Media struct {
	ID       string
	Caption  string
	Username string // owner
	Created  time.Time
}

// Message is a customer's Messenger or Instagram DM.
type Message struct {
	Mid      string
	Platform string // "messenger" or "instagram"
	From     User
	Text     string
	At       time.Time
}

// Reply is a public reply Heed made (comment reply, Instagram reply or
// mention reply).
type Reply struct {
	ID       string
	Platform string
	Parent   string // the object replied to, as requested
	Text     string
	Mention  bool
	At       time.Time
}

// PrivateReply is a private reply Heed sent to a comment or visitor post.
type PrivateReply struct {
	MessageID   string
	Platform    string
	CommentID   string
	PostID      string
	RecipientID string
	Text        string
	At          time.Time
}

// SentMessage is a DM Heed sent through the Send API.
type SentMessage struct {
	MessageID     string
	Platform      string
	Recipient     string
	Text          string
	MessagingType string
	Tag           string
	At            time.Time
}

// Request is one Graph API call the emulator received.
type Request struct {
	Method string
	Path   string // without the version prefix, e.g. "/104…/messages"
	Params map[string]string
	Token  string
	Proof  string
}

// Delivery is a webhook body the emulator would POST.
type Delivery struct {
	Object string
	Body   []byte
}

type failure struct {
	path                  string
	status, code, subcode int
	message               string
}

// Server is the emulator. Configure the exported fields before the first
// request; use the methods afterwards (they are safe for concurrent use).
type Server struct {
	AppSecret    string
	VerifyToken  string
	Token        string // the Page access token (also used for Instagram)
	PageID       string
	PageName     string
	PageUsername string
	IGUserID     string
	IGUsername   string
	// RequireProof makes calls without appsecret_proof fail (the app
	// setting "Require App Secret").
	RequireProof bool

	srv *httptest.Server

	mu        sync.Mutex
	fixedNow  time.Time
	offset    time.Duration
	seq       int64
	posts     map[string]*postState
	comments  map[string]*commentState
	media     map[string]*Media
	mentions  map[string]*Comment // by comment id, or "media:"+media id for captions
	users     map[string]User
	inbound   map[string]time.Time // last customer message per PSID / IGSID
	closed    map[string]bool      // standard window forced closed
	private   map[string]bool      // comments and posts answered privately
	pending   []pendingEvent
	replies   []Reply
	privates  []PrivateReply
	messages  []SentMessage
	hidden    map[string]bool
	deleted   []string
	likes     []string
	requests  []Request
	failures  []failure
	throttleN int
	throttle  failure
	regain    time.Duration
	calls     int
	revoked   bool
}

type postState struct {
	Post
	hidden, deleted bool
}

type commentState struct {
	Comment
	hidden, deleted bool
}

// New starts an emulator with one Page and one Instagram account.
func New() *Server {
	s := &Server{
		AppSecret: DefaultAppSecret, VerifyToken: DefaultVerifyToken, Token: DefaultToken,
		PageID: DefaultPageID, PageName: "Heed Emulated Page", PageUsername: "heedemulated",
		IGUserID: DefaultIGUserID, IGUsername: "heedemulated",
		seq:   1000,
		posts: map[string]*postState{}, comments: map[string]*commentState{}, media: map[string]*Media{},
		mentions: map[string]*Comment{}, users: map[string]User{}, inbound: map[string]time.Time{},
		closed: map[string]bool{}, private: map[string]bool{}, hidden: map[string]bool{},
	}
	s.srv = httptest.NewServer(s)
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// URL is the server's root.
func (s *Server) URL() string { return s.srv.URL }

// APIBase is the Graph API root to put in a channel's api_base setting.
func (s *Server) APIBase() string { return s.srv.URL + "/" + Version }

// Credentials returns the channel credentials of the emulated accounts.
func (s *Server) Credentials() map[string]string {
	return map[string]string{
		"app_secret": s.AppSecret, "verify_token": s.VerifyToken, "page_access_token": s.Token,
		"page_id": s.PageID, "ig_user_id": s.IGUserID,
	}
}

// Channel returns a channel of the given type ("facebook", "messenger",
// "instagram") wired to the emulator; extra settings are merged in.
func (s *Server) Channel(typ string, extra map[string]any) model.Channel {
	settings := map[string]any{"api_base": s.APIBase()}
	if typ == "instagram" {
		settings["username"] = s.IGUsername
	} else {
		settings["username"] = s.PageUsername
	}
	for k, v := range extra {
		settings[k] = v
	}
	raw, _ := json.Marshal(settings)
	return model.Channel{ID: "ch-" + typ, WorkspaceID: "ws-1", Type: typ, Name: "Emulated " + typ,
		Settings: raw, Credentials: s.Credentials(), CreatedAt: time.Now().UTC()}
}

// ---- clock ----

// SetNow fixes the emulator's clock.
func (s *Server) SetNow(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fixedNow, s.offset = t, 0
}

// Advance moves the emulator's clock forward.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

// Now is the emulator's current time.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

func (s *Server) now() time.Time {
	t := time.Now()
	if !s.fixedNow.IsZero() {
		t = s.fixedNow
	}
	return t.Add(s.offset).UTC().Truncate(time.Millisecond)
}

func (s *Server) nextID() string {
	s.seq++
	return strconv.FormatInt(s.seq, 10)
}

// ---- customers act ----

// Post publishes a post as the Page (its webhook comes from the Page itself,
// which Heed ignores).
func (s *Server) Post(text string) Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := &postState{Post: Post{ID: s.PageID + "_" + s.nextID(), From: s.pageUser(), Message: text, Created: s.now()}}
	s.posts[p.ID] = p
	s.queueFeed(map[string]any{"item": "status", "verb": "add", "post_id": p.ID, "published": 1,
		"message": text, "created_time": p.Created.Unix(), "from": userJSON(p.From)})
	return p.Post
}

// VisitorPost publishes a post by a customer on the Page.
func (s *Server) VisitorPost(from User, text string) Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[from.ID] = from
	p := &postState{Post: Post{ID: s.PageID + "_" + s.nextID(), From: from, Message: text, Created: s.now(), Visitor: true}}
	s.posts[p.ID] = p
	s.queueFeed(map[string]any{"item": "status", "verb": "add", "post_id": p.ID, "published": 1,
		"message": text, "created_time": p.Created.Unix(), "from": userJSON(from)})
	return p.Post
}

// Comment comments on a Facebook post, or replies to a comment (on is a
// comment id). Replies to replies attach to the top-level comment, as on
// Facebook.
func (s *Server) Comment(on string, from User, text string) Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.addFBComment(on, from, text)
	if err != nil {
		panic("metatest: " + err.Error())
	}
	return c
}

// EditComment changes a comment's text (verb "edited").
func (s *Server) EditComment(id, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.comments[id]
	if c == nil {
		panic("metatest: no comment " + id)
	}
	c.Message = text
	if c.Platform == "facebook" {
		s.queueFeed(s.commentChange(c, "edited", s.now()))
	}
}

// RemoveComment deletes a comment as its author did (verb "remove").
func (s *Server) RemoveComment(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.comments[id]
	if c == nil {
		panic("metatest: no comment " + id)
	}
	c.deleted = true
	if c.Platform == "facebook" {
		v := s.commentChange(c, "remove", s.now())
		delete(v, "message")
		s.queueFeed(v)
	}
}

// EditPost changes a visitor post's text (verb "edited").
func (s *Server) EditPost(id, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.posts[id]
	if p == nil {
		panic("metatest: no post " + id)
	}
	p.Message = text
	s.queueFeed(map[string]any{"item": "status", "verb": "edited", "post_id": p.ID, "published": 1,
		"message": text, "created_time": s.now().Unix(), "from": userJSON(p.From)})
}

// RemovePost deletes a visitor post as its author did.
func (s *Server) RemovePost(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.posts[id]
	if p == nil {
		panic("metatest: no post " + id)
	}
	p.deleted = true
	s.queueFeed(map[string]any{"item": "post", "verb": "remove", "post_id": p.ID, "recipient_id": s.PageID,
		"created_time": s.now().Unix(), "from": map[string]any{"id": p.From.ID}})
}

// Message sends a Messenger message from a customer to the Page, opening
// the 24-hour window.
func (s *Server) Message(from User, text string) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addMessage("messenger", from, text)
}

// EditMessage edits a customer's Messenger message (message_edit event).
func (s *Server) EditMessage(from User, mid, text string, numEdit int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.queueMessaging("page", s.PageID, map[string]any{
		"sender": map[string]any{"id": from.ID}, "recipient": map[string]any{"id": s.PageID}, "timestamp": now.UnixMilli(),
		"message_edit": map[string]any{"mid": mid, "text": text, "num_edit": numEdit}})
}

// IGMedia publishes media on the Instagram account.
func (s *Server) IGMedia(caption string) Media {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &Media{ID: "1790" + s.nextID(), Caption: caption, Username: s.IGUsername, Created: s.now()}
	s.media[m.ID] = m
	return *m
}

// IGComment comments on the account's media, or replies to a comment (on is
// a comment id; replies to replies attach to the top-level comment).
func (s *Server) IGComment(on string, from User, text string) Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.addIGComment(on, from, text)
	if err != nil {
		panic("metatest: " + err.Error())
	}
	return c
}

// IGMention @mentions the account in a comment on another account's media
// (mentions webhook; the text is only available through the API).
func (s *Server) IGMention(from User, text string) Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &Comment{ID: "1800" + s.nextID(), Platform: "instagram", PostID: "1790" + s.nextID(), From: from, Message: text, Created: s.now()}
	s.mentions[c.ID] = c
	s.queueIGChange("mentions", map[string]any{"comment_id": c.ID, "media_id": c.PostID})
	return *c
}

// IGCaptionMention @mentions the account in the caption of another
// account's media.
func (s *Server) IGCaptionMention(from User, caption string) Media {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &Comment{ID: "1790" + s.nextID(), Platform: "instagram", From: from, Message: caption, Created: s.now()}
	m.PostID = m.ID
	s.mentions["media:"+m.ID] = m
	s.queueIGChange("mentions", map[string]any{"media_id": m.ID})
	return Media{ID: m.ID, Caption: caption, Username: from.Username, Created: m.Created}
}

// IGMessage sends an Instagram DM from a customer to the account.
func (s *Server) IGMessage(from User, text string) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addMessage("instagram", from, text)
}

// IGUnsendMessage deletes a customer's Instagram DM (is_deleted event).
func (s *Server) IGUnsendMessage(from User, mid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queueMessaging("instagram", s.IGUserID, map[string]any{
		"sender": map[string]any{"id": from.ID}, "recipient": map[string]any{"id": s.IGUserID}, "timestamp": s.now().UnixMilli(),
		"message": map[string]any{"mid": mid, "is_deleted": true}})
}

// ---- failure injection ----

// Throttle makes the next n Graph calls fail with a rate-limit error code
// (4, 17, 32, 613 or a Business Use Case code 8000x) and usage headers
// whose estimated_time_to_regain_access is regain (rounded up to minutes).
func (s *Server) Throttle(n, code int, regain time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := map[int]string{
		4: "(#4) Application request limit reached", 17: "(#17) User request limit reached",
		32: "(#32) Page request limit reached", 613: "(#613) Calls to this api have exceeded the rate limit.",
	}[code]
	if msg == "" {
		msg = fmt.Sprintf("(#%d) There have been too many calls from this Page. Wait a bit and try again.", code)
	}
	s.throttleN, s.regain = n, regain
	s.throttle = failure{status: 400, code: code, message: msg}
}

// FailNext makes the next call to path (e.g. "/104…/messages"; "" for any
// path) fail with the given HTTP status and Graph error.
func (s *Server) FailNext(path string, status, code, subcode int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{path: path, status: status, code: code, subcode: subcode, message: message})
}

// SetWindowClosed closes the standard 24-hour messaging window of a PSID or
// IGSID as if their last message were 25 hours old (HUMAN_AGENT still works
// within 7 days of it).
func (s *Server) SetWindowClosed(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed[id] = true
	s.inbound[id] = s.now().Add(-25 * time.Hour)
}

// SetLastInbound sets when a PSID or IGSID last wrote to the account.
func (s *Server) SetLastInbound(id string, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inbound[id] = t
	delete(s.closed, id)
}

// RevokeToken makes the access token invalid (code 190 / 460).
func (s *Server) RevokeToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = true
}

// ---- inspection ----

// Replies are the public replies Heed made, in order.
func (s *Server) Replies() []Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Reply(nil), s.replies...)
}

// PrivateReplies are the private replies Heed sent, in order.
func (s *Server) PrivateReplies() []PrivateReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]PrivateReply(nil), s.privates...)
}

// Messages are the DMs Heed sent, in order.
func (s *Server) Messages() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentMessage(nil), s.messages...)
}

// Hidden lists the ids currently hidden, sorted.
func (s *Server) Hidden() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id, h := range s.hidden {
		if h {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// Deleted lists the ids Heed deleted, in order.
func (s *Server) Deleted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.deleted...)
}

// Likes lists the ids Heed liked, in order.
func (s *Server) Likes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.likes...)
}

// Requests lists the Graph calls received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ---- internals (s.mu held) ----

func (s *Server) pageUser() User {
	return User{ID: s.PageID, Name: s.PageName, Username: s.PageUsername}
}
func (s *Server) igUser() User {
	return User{ID: s.IGUserID, Name: s.IGUsername, Username: s.IGUsername}
}

func userJSON(u User) map[string]any {
	m := map[string]any{"id": u.ID}
	if u.Name != "" {
		m["name"] = u.Name
	}
	return m
}

func (s *Server) addFBComment(on string, from User, text string) (Comment, error) {
	s.users[from.ID] = from
	var postID, parent string
	if p := s.posts[on]; p != nil {
		if p.deleted {
			return Comment{}, fmt.Errorf("post %s was deleted", on)
		}
		postID = p.ID
	} else if c := s.comments[on]; c != nil && c.Platform == "facebook" {
		if c.deleted {
			return Comment{}, fmt.Errorf("comment %s was deleted", on)
		}
		postID, parent = c.PostID, c.ID
		if c.ParentID != "" {
			parent = c.ParentID
		}
	} else {
		return Comment{}, fmt.Errorf("no post or comment %s", on)
	}
	_, postObj, _ := cut(postID)
	c := &commentState{Comment: Comment{ID: postObj + "_" + s.nextID(), Platform: "facebook", PostID: postID, ParentID: parent,
		From: from, Message: text, Created: s.now()}}
	s.comments[c.ID] = c
	s.queueFeed(s.commentChange(c, "add", c.Created))
	return c.Comment, nil
}

func (s *Server) commentChange(c *commentState, verb string, at time.Time) map[string]any {
	parent := c.ParentID
	if parent == "" {
		parent = c.PostID
	}
	return map[string]any{"item": "comment", "verb": verb, "comment_id": c.ID, "post_id": c.PostID, "parent_id": parent,
		"message": c.Message, "created_time": at.Unix(), "from": userJSON(c.From)}
}

func (s *Server) addIGComment(on string, from User, text string) (Comment, error) {
	s.users[from.ID] = from
	var mediaID, parent string
	if m := s.media[on]; m != nil {
		mediaID = m.ID
	} else if c := s.comments[on]; c != nil && c.Platform == "instagram" {
		if c.deleted {
			return Comment{}, fmt.Errorf("comment %s was deleted", on)
		}
		mediaID, parent = c.PostID, c.ID
		if c.ParentID != "" {
			parent = c.ParentID
		}
	} else {
		return Comment{}, fmt.Errorf("no media or comment %s", on)
	}
	c := &commentState{Comment: Comment{ID: "1800" + s.nextID(), Platform: "instagram", PostID: mediaID, ParentID: parent,
		From: from, Message: text, Created: s.now()}}
	s.comments[c.ID] = c
	v := map[string]any{"id": c.ID, "text": text, "from": map[string]any{"id": from.ID, "username": from.Username},
		"media": map[string]any{"id": mediaID, "media_product_type": "FEED"}}
	if parent != "" {
		v["parent_id"] = parent
	}
	s.queueIGChange("comments", v)
	return c.Comment, nil
}

func (s *Server) addMessage(platform string, from User, text string) Message {
	s.users[from.ID] = from
	now := s.now()
	m := Message{Mid: "m_" + s.nextID() + "emu", Platform: platform, From: from, Text: text, At: now}
	s.inbound[from.ID] = now
	delete(s.closed, from.ID)
	object, account := "page", s.PageID
	if platform == "instagram" {
		object, account = "instagram", s.IGUserID
	}
	s.queueMessaging(object, account, map[string]any{
		"sender": map[string]any{"id": from.ID}, "recipient": map[string]any{"id": account}, "timestamp": now.UnixMilli(),
		"message": map[string]any{"mid": m.Mid, "text": text}})
	return m
}

func cut(id string) (string, string, bool) {
	for i := 0; i < len(id); i++ {
		if id[i] == '_' {
			return id[:i], id[i+1:], true
		}
	}
	return "", id, false
}
