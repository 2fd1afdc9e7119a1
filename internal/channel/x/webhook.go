package x

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
)

// SignatureHeader carries the signature of an Account Activity delivery:
// "sha256=" and the base64 HMAC-SHA256 of the body keyed with the app's
// consumer secret. The CRC answer uses the same scheme over the crc_token.
// https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/securing-webhooks
const SignatureHeader = "X-Twitter-Webhooks-Signature"

// Sign returns the "sha256=<base64>" signature of msg.
func Sign(consumerSecret string, msg []byte) string {
	m := hmac.New(sha256.New, []byte(consumerSecret))
	m.Write(msg)
	return "sha256=" + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// ParseSignature reads a signature header: "sha256=" and a base64 SHA-256
// digest (32 bytes).
func ParseSignature(header string) ([]byte, bool) {
	b64, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return nil, false
	}
	sum, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(sum) != sha256.Size {
		return nil, false
	}
	return sum, true
}

// VerifySignature checks a signature header over body in constant time.
func VerifySignature(consumerSecret string, body []byte, header string) bool {
	if consumerSecret == "" {
		return false
	}
	got, ok := ParseSignature(header)
	if !ok {
		return false
	}
	m := hmac.New(sha256.New, []byte(consumerSecret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// Verify checks the x-twitter-webhooks-signature header of a delivery.
func (*Connector) Verify(ch model.Channel, r *http.Request, body []byte) error {
	secret := ch.Credentials[CredConsumerSecret]
	if secret == "" {
		return fmt.Errorf("x: channel %s has no consumer secret: %w", ch.ID, channel.ErrBadSignature)
	}
	if !VerifySignature(secret, body, r.Header.Get(SignatureHeader)) {
		return channel.ErrBadSignature
	}
	return nil
}

// CRCResponse is the answer to a challenge-response check.
type CRCResponse struct {
	ResponseToken string `json:"response_token"`
}

// Handshake answers X's challenge-response check: a GET with crc_token, to
// be answered within 3 seconds with {"response_token":"sha256=<base64
// HMAC-SHA256(crc_token, consumer secret)>"}.
// https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/securing-webhooks
func (*Connector) Handshake(ch model.Channel, r *http.Request) (int, string, []byte) {
	token := r.URL.Query().Get("crc_token")
	if token == "" {
		return http.StatusBadRequest, "text/plain; charset=utf-8", []byte("missing crc_token\n")
	}
	secret := ch.Credentials[CredConsumerSecret]
	if secret == "" {
		return http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("the channel has no consumer secret\n")
	}
	body, _ := json.Marshal(CRCResponse{ResponseToken: Sign(secret, []byte(token))})
	return http.StatusOK, "application/json", body
}

// Split cuts one verified Account Activity delivery into raw events:
//
//   - tweet_create_events: one event per tweet, keyed by the tweet id; the
//     brand's own tweets (the echo of our replies) and retweets are left
//     out; each is stored with the conversation it belongs to (see below);
//   - direct_message_events: one per message_create, keyed by the DM event
//     id, stored with its sender's entry of the users map; messages the brand
//     sent (our echo) are left out;
//   - tweet_delete_events: one per deletion, keyed "delete:<tweet id>";
//   - favorite_events on customer posts (the brand liked one): keyed
//     "favorite:<event id>", read as engagement counts;
//   - anything else (follows, typing indicators…) is ignored.
//
// A delivery for another subscribed account than the channel's is ignored.
//
// v1.1 tweets carry no conversation_id, so a reply is placed by the
// conversation of the tweet it answers, from memory (our replies, polled
// mentions, earlier deliveries) or else one X API lookup of the replies'
// conversation_id (bounded by Options.LookupTimeout); when that fails too,
// the reply threads under the tweet it answers.
func (c *Connector) Split(ch model.Channel, body []byte) ([]channel.RawEvent, error) {
	var a activity
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, &channel.FieldError{Field: "body", Message: "malformed JSON: " + err.Error()}
	}
	brand := brandID(ch)
	if brand != "" && a.ForUserID != "" && a.ForUserID != brand {
		return nil, nil
	}
	if a.ForUserID == "" {
		a.ForUserID = brand
	}
	if a.ForUserID == "" {
		return nil, &channel.FieldError{Field: "for_user_id", Message: "is required (and the channel has no user_id)"}
	}
	var out []channel.RawEvent
	tweets, err := c.splitTweets(ch, a)
	if err != nil {
		return nil, err
	}
	out = append(out, tweets...)
	for _, raw := range a.DirectMessageEvents {
		var e dmEvent
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, &channel.FieldError{Field: "direct_message_events", Message: "malformed event: " + err.Error()}
		}
		sender := string(e.MessageCreate.SenderID)
		if e.Type != "message_create" || !validID(string(e.ID)) || !validID(sender) || sender == a.ForUserID {
			continue
		}
		one := activity{ForUserID: a.ForUserID, DirectMessageEvents: []json.RawMessage{raw}}
		if u, ok := a.Users[sender]; ok {
			one.Users = map[string]json.RawMessage{sender: u}
		}
		if err := appendEvent(&out, string(e.ID), one); err != nil {
			return nil, err
		}
	}
	for _, raw := range a.TweetDeleteEvents {
		var d deleteEvent
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, &channel.FieldError{Field: "tweet_delete_events", Message: "malformed event: " + err.Error()}
		}
		if !validID(string(d.Status.ID)) {
			continue
		}
		if err := appendEvent(&out, "delete:"+string(d.Status.ID), activity{ForUserID: a.ForUserID, TweetDeleteEvents: []json.RawMessage{raw}}); err != nil {
			return nil, err
		}
	}
	for _, raw := range a.FavoriteEvents {
		var f favoriteEvent
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, &channel.FieldError{Field: "favorite_events", Message: "malformed event: " + err.Error()}
		}
		target := f.FavoritedStatus
		if string(f.ID) == "" || len(f.ID) > 128 || !validID(target.IDStr) || target.User.id() == a.ForUserID {
			continue
		}
		if err := appendEvent(&out, "favorite:"+string(f.ID), activity{ForUserID: a.ForUserID, FavoriteEvents: []json.RawMessage{raw}}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func appendEvent(out *[]channel.RawEvent, key string, a activity) error {
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("x: encode event %s: %w", key, err)
	}
	*out = append(*out, channel.RawEvent{ExternalID: key, Payload: b})
	return nil
}

// splitTweets cuts the tweet_create_events and places each in its
// conversation.
func (c *Connector) splitTweets(ch model.Channel, a activity) ([]channel.RawEvent, error) {
	type kept struct {
		raw json.RawMessage
		t   v1Tweet
	}
	var tweets []kept
	var unknown []string // replies whose conversation is not in memory
	for _, raw := range a.TweetCreateEvents {
		var t v1Tweet
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, &channel.FieldError{Field: "tweet_create_events", Message: "malformed tweet: " + err.Error()}
		}
		if !validID(t.IDStr) || t.User.id() == "" || t.User.id() == a.ForUserID || t.isRetweet() {
			continue
		}
		tweets = append(tweets, kept{raw, t})
		if parent := t.InReplyToStatusIDStr; parent != "" {
			if _, ok := c.convs.get(parent); !ok {
				if _, ok := c.convs.get(t.IDStr); !ok {
					unknown = append(unknown, t.IDStr)
				}
			}
		}
	}
	if len(unknown) > 0 {
		c.resolveConversations(ch, unknown)
	}
	var out []channel.RawEvent
	for _, k := range tweets {
		conv := k.t.IDStr
		if parent := k.t.InReplyToStatusIDStr; parent != "" {
			if v, ok := c.convs.get(k.t.IDStr); ok {
				conv = v
			} else if v, ok := c.convs.get(parent); ok {
				conv = v
			} else {
				conv = parent
			}
		}
		c.convs.put(k.t.IDStr, conv)
		one := activity{ForUserID: a.ForUserID, UserHasBlocked: a.UserHasBlocked, TweetCreateEvents: []json.RawMessage{k.raw}, HeedConversationID: conv}
		if err := appendEvent(&out, k.t.IDStr, one); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// resolveConversations looks the conversation_id of tweets up (GET
// /2/tweets?ids=…&tweet.fields=conversation_id) and remembers it. Failures
// are ignored: the caller falls back to the parent tweet.
func (c *Connector) resolveConversations(ch model.Channel, ids []string) {
	if ch.Credentials[CredAccessToken] == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.lookupTimeout)
	defer cancel()
	for len(ids) > 0 {
		n := min(len(ids), 100)
		tweets, err := c.lookup(ctx, ch, ids[:n], "conversation_id")
		if err != nil {
			return
		}
		for _, t := range tweets {
			c.convs.put(t.ID, t.ConversationID)
		}
		ids = ids[n:]
	}
}

// lookup fetches tweets by id with the given tweet.fields (GET /2/tweets,
// https://docs.x.com/x-api/posts/lookup/integrate); ids X cannot find are
// simply missing from the answer.
func (c *Connector) lookup(ctx context.Context, ch model.Channel, ids []string, fields string) ([]v2Tweet, error) {
	q := url.Values{"ids": {strings.Join(ids, ",")}}
	if fields != "" {
		q.Set("tweet.fields", fields)
	}
	var resp struct {
		Data []v2Tweet `json:"data"`
	}
	if _, err := c.do(ctx, ch, apiCall{method: http.MethodGet, path: "/2/tweets", query: q}, &resp); err != nil {
		return nil, err
	}
	return resp.Data, nil
}
