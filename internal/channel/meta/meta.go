// Package meta connects Heed to Meta's platforms: a Facebook Page's feed
// (posts, visitor posts, comments and replies), the Page's Messenger inbox,
// and an Instagram professional account (comments, @mentions and DMs).
//
// Three connectors share one webhook parser and one Graph API client:
//
//	type        network    conversations
//	facebook    facebook   public: visitor posts, comments and their replies
//	messenger   messenger  private: Page DMs (identities are Page-scoped ids)
//	instagram   instagram  public comments and mentions, private DMs
//
// Thread ids (one conversation = one customer on one channel):
//
//	comment:<top-level comment id>  a customer's comment and the replies under it
//	post:<post id>                  a visitor post (comments on it thread by comment)
//	psid:<page-scoped id>           a Messenger inbox thread
//	igcomment:<top-level comment>   an Instagram comment and its replies
//	igmention:<media>[:<comment>]   an @mention in a caption or a comment
//	igsid:<instagram-scoped id>     an Instagram DM thread
//
// Threads are per top-level comment, not per post: a Page post with two
// hundred commenters is two hundred conversations, each with its customer,
// its SLA clock and its reply under the customer's own comment.
//
// Meta delivers every object of an app to one callback URL, signed with the
// app secret (X-Hub-Signature-256). Split keeps only the entries of the
// channel's own account (page_id / ig_user_id) and the events its type
// serves, so the same delivery can be offered to every Meta channel of the
// app; see Accounts.
//
// Credentials (sealed at rest): app_secret, verify_token,
// page_access_token (or access_token), page_id, ig_user_id.
// Settings: {"api_base": "...", "human_agent": true, "username": "..."}.
package meta

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
)

// Channel types served by this package.
const (
	TypeFacebook  = "facebook"
	TypeMessenger = "messenger"
	TypeInstagram = "instagram"
)

// Identity namespaces. Messenger ids are Page-scoped (PSIDs) and differ from
// the ids a Page's feed reports, so they get their own network.
const (
	NetworkFacebook  = "facebook"
	NetworkMessenger = "messenger"
	NetworkInstagram = "instagram"
)

// DefaultAPIBase is the Graph API root used when the channel's settings name
// none. Tests and `heed demo` point api_base at the emulator (metatest).
const DefaultAPIBase = "https://graph.facebook.com/v21.0"

// SignatureHeader carries "sha256=<hex HMAC-SHA256(body, app secret)>".
const SignatureHeader = "X-Hub-Signature-256"

// Limits of the platforms, in characters.
const (
	MaxFacebookComment  = 8000
	MaxMessengerText    = 2000
	MaxInstagramComment = 2200
	MaxInstagramDM      = 1000
)

// Credential keys of model.Channel.Credentials.
const (
	CredAppSecret   = "app_secret"
	CredVerifyToken = "verify_token"
	CredPageToken   = "page_access_token"
	CredAccessToken = "access_token" // fallback (Instagram Login tokens)
	CredPageID      = "page_id"
	CredIGUserID    = "ig_user_id"
)

// Settings are a Meta channel's non-secret options (model.Channel.Settings).
type Settings struct {
	// APIBase is the Graph API root, e.g. https://graph.facebook.com/v21.0.
	APIBase string `json:"api_base,omitempty"`
	// HumanAgent allows a reply outside the 24-hour standard window to be
	// retried with the HUMAN_AGENT message tag (7 days; human replies only).
	HumanAgent bool `json:"human_agent,omitempty"`
	// Username is the Page's or Instagram account's username, used for the
	// DM deep link (m.me/<username>, ig.me/m/<username>).
	Username string `json:"username,omitempty"`
}

// ParseSettings reads a channel's settings; empty means defaults.
func ParseSettings(raw json.RawMessage) (Settings, error) {
	var s Settings
	if len(strings.TrimSpace(string(raw))) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &s); err != nil {
			return s, &channel.FieldError{Field: "settings", Message: "malformed JSON: " + err.Error()}
		}
	}
	if s.APIBase == "" {
		s.APIBase = DefaultAPIBase
	}
	u, err := url.Parse(s.APIBase)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return s, &channel.FieldError{Field: "settings.api_base", Message: "must be an http(s) URL"}
	}
	s.APIBase = strings.TrimRight(s.APIBase, "/")
	return s, nil
}

// Sign returns the X-Hub-Signature-256 value Meta sends for body.
func Sign(appSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature checks an X-Hub-Signature-256 header in constant time. An
// empty secret never verifies.
func VerifySignature(appSecret string, body []byte, header string) bool {
	if appSecret == "" {
		return false
	}
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// verify is the Connector.Verify of every Meta connector.
func verify(ch model.Channel, r *http.Request, body []byte) error {
	if !VerifySignature(ch.Credentials[CredAppSecret], body, r.Header.Get(SignatureHeader)) {
		return channel.ErrBadSignature
	}
	return nil
}

// handshake answers Meta's verification GET: hub.mode=subscribe with the
// channel's verify token is answered with hub.challenge as plain text.
func handshake(ch model.Channel, r *http.Request) (int, string, []byte) {
	q := r.URL.Query()
	mode, token, challenge := q.Get("hub.mode"), q.Get("hub.verify_token"), q.Get("hub.challenge")
	if mode != "subscribe" || challenge == "" {
		return http.StatusBadRequest, "text/plain; charset=utf-8", []byte("expected hub.mode=subscribe with a hub.challenge\n")
	}
	want := ch.Credentials[CredVerifyToken]
	if want == "" || subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
		return http.StatusForbidden, "text/plain; charset=utf-8", []byte("verify token mismatch\n")
	}
	if len(challenge) > 256 || strings.Trim(challenge, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.") != "" {
		// Meta's challenge is a number; anything else is not echoed back.
		return http.StatusBadRequest, "text/plain; charset=utf-8", []byte("malformed challenge\n")
	}
	return http.StatusOK, "text/plain; charset=utf-8", []byte(challenge)
}

// accountID is the id of the channel's own account: the Page or the
// Instagram professional account.
func accountID(typ string, ch model.Channel) string {
	if typ == TypeInstagram {
		return ch.Credentials[CredIGUserID]
	}
	return ch.Credentials[CredPageID]
}

func token(ch model.Channel) string {
	if t := ch.Credentials[CredPageToken]; t != "" {
		return t
	}
	return ch.Credentials[CredAccessToken]
}

// dmLink builds the one-click private-message link of an account.
func dmLink(prefix, fallback string) func(ch model.Channel) string {
	return func(ch model.Channel) string {
		s, _ := ParseSettings(ch.Settings)
		name := s.Username
		if name == "" {
			name = ch.Credentials["username"]
		}
		if name == "" && fallback != "" {
			name = ch.Credentials[fallback]
		}
		if name == "" {
			return ""
		}
		return prefix + url.PathEscape(strings.TrimPrefix(name, "@"))
	}
}

// ErrNotMessage is returned by Normalize for stored events that are not new
// messages (edits, deletions): the pipeline must use NormalizeEvent for them.
var ErrNotMessage = errors.New("meta: the stored event is an edit or a deletion, not a message")

// normalizeMessage implements Connector.Normalize on top of NormalizeEvent.
func normalizeMessage(ev channel.Event, err error) (channel.InboundMessage, error) {
	if err != nil {
		return channel.InboundMessage{}, err
	}
	if ev.Kind != channel.KindMessage {
		return channel.InboundMessage{}, fmt.Errorf("%w (kind %q, target %s)", ErrNotMessage, ev.Kind, ev.TargetExternalID)
	}
	return ev.InboundMessage, nil
}
