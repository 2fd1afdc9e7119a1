package x

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/channel"
)

// A stored raw event is one of two documented shapes, cut to a single event:
//
//   - an Account Activity delivery holding exactly one event
//     (tweet_create_events, direct_message_events with its users map,
//     tweet_delete_events or favorite_events), as Split stores it; a
//     tweet_create_events payload may carry "heed_conversation_id", the
//     conversation Split resolved for it (v1.1 tweets have no
//     conversation_id);
//   - a v2 single-tweet answer {"data":{tweet},"includes":{"users":[author]}},
//     as Poll stores it.
//
// Account Activity: https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/account-activity-data-objects
// v2 tweet:         https://developer.x.com/en/docs/twitter-api/data-dictionary/example-payloads

// ErrOwnEvent marks an event of the brand account itself (the echo of a reply
// sent from Heed or from X): not a customer message. Split never stores one.
var ErrOwnEvent = errors.New("x: event of the brand account itself")

// MaxTextBytes bounds a message's text (a DM is at most 10,000 characters).
const MaxTextBytes = 64 * 1024

// activity is an Account Activity API delivery.
type activity struct {
	ForUserID           string                     `json:"for_user_id"`
	UserHasBlocked      json.RawMessage            `json:"user_has_blocked,omitempty"`
	TweetCreateEvents   []json.RawMessage          `json:"tweet_create_events,omitempty"`
	TweetDeleteEvents   []json.RawMessage          `json:"tweet_delete_events,omitempty"`
	FavoriteEvents      []json.RawMessage          `json:"favorite_events,omitempty"`
	DirectMessageEvents []json.RawMessage          `json:"direct_message_events,omitempty"`
	Users               map[string]json.RawMessage `json:"users,omitempty"`
	Apps                map[string]json.RawMessage `json:"apps,omitempty"`
	// HeedConversationID is Heed's annotation of a stored tweet_create event.
	HeedConversationID string `json:"heed_conversation_id,omitempty"`
}

// v2Single is a stored polled tweet (and the data part of a v2 answer).
type v2Single struct {
	Data     json.RawMessage `json:"data"`
	Includes struct {
		Users []json.RawMessage `json:"users"`
	} `json:"includes"`
}

// flexString decodes a JSON string or number (ids and timestamps appear as
// both across X's payloads) and ignores other types.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] == 'n' {
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if (b[0] >= '0' && b[0] <= '9') || b[0] == '-' {
		*f = flexString(b)
	}
	return nil
}

// v1User is a v1.1 user object (tweet authors, the DM users map).
type v1User struct {
	ID             flexString `json:"id"`
	IDStr          string     `json:"id_str"`
	Name           string     `json:"name"`
	ScreenName     string     `json:"screen_name"`
	FollowersCount int64      `json:"followers_count"`
	Verified       bool       `json:"verified"`
}

func (u v1User) id() string {
	if u.IDStr != "" {
		return u.IDStr
	}
	return string(u.ID)
}

func (u v1User) author() channel.Author {
	a := channel.Author{ID: u.id(), Name: u.Name, Followers: u.FollowersCount, Verified: u.Verified}
	if u.ScreenName != "" {
		a.Handle = "@" + u.ScreenName
	}
	return a
}

// v1Tweet is a v1.1 tweet object as the Account Activity API delivers it
// (https://developer.x.com/en/docs/x-api/v1/data-dictionary/object-model/example-payloads):
// a post longer than 140 characters arrives truncated in "text" with the
// whole in extended_tweet.full_text.
type v1Tweet struct {
	CreatedAt     string `json:"created_at"`
	IDStr         string `json:"id_str"`
	Text          string `json:"text"`
	FullText      string `json:"full_text"`
	ExtendedTweet *struct {
		FullText string `json:"full_text"`
	} `json:"extended_tweet"`
	InReplyToStatusIDStr string          `json:"in_reply_to_status_id_str"`
	User                 v1User          `json:"user"`
	RetweetedStatus      json.RawMessage `json:"retweeted_status"`
	ReplyCount           int64           `json:"reply_count"`
	RetweetCount         int64           `json:"retweet_count"`
	FavoriteCount        int64           `json:"favorite_count"`
	QuoteCount           int64           `json:"quote_count"`
}

func (t v1Tweet) text() string {
	if t.ExtendedTweet != nil && t.ExtendedTweet.FullText != "" {
		return t.ExtendedTweet.FullText
	}
	if t.FullText != "" {
		return t.FullText
	}
	return t.Text
}

func (t v1Tweet) isRetweet() bool {
	r := bytes.TrimSpace(t.RetweetedStatus)
	return len(r) > 0 && !bytes.Equal(r, []byte("null"))
}

// dmEvent is a v1.1 message_create event
// (https://developer.x.com/en/docs/x-api/v1/direct-messages/sending-and-receiving/guides/message-create-object).
type dmEvent struct {
	Type             string     `json:"type"`
	ID               flexString `json:"id"`
	CreatedTimestamp flexString `json:"created_timestamp"`
	MessageCreate    struct {
		Target struct {
			RecipientID flexString `json:"recipient_id"`
		} `json:"target"`
		SenderID    flexString `json:"sender_id"`
		MessageData struct {
			Text string `json:"text"`
		} `json:"message_data"`
	} `json:"message_create"`
}

// deleteEvent is a tweet_delete_events entry.
type deleteEvent struct {
	Status struct {
		ID     flexString `json:"id"`
		UserID flexString `json:"user_id"`
	} `json:"status"`
	TimestampMS flexString `json:"timestamp_ms"`
}

// favoriteEvent is a favorite_events entry: who liked which post.
type favoriteEvent struct {
	ID              flexString `json:"id"`
	CreatedAt       string     `json:"created_at"`
	TimestampMS     flexString `json:"timestamp_ms"`
	FavoritedStatus v1Tweet    `json:"favorited_status"`
	User            v1User     `json:"user"`
}

// v2Tweet is an X API v2 tweet with the fields Heed requests.
type v2Tweet struct {
	ID               string `json:"id"`
	Text             string `json:"text"`
	AuthorID         string `json:"author_id"`
	ConversationID   string `json:"conversation_id"`
	CreatedAt        string `json:"created_at"`
	InReplyToUserID  string `json:"in_reply_to_user_id"`
	ReferencedTweets []struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"referenced_tweets"`
	PublicMetrics *struct {
		RetweetCount int64 `json:"retweet_count"`
		ReplyCount   int64 `json:"reply_count"`
		LikeCount    int64 `json:"like_count"`
		QuoteCount   int64 `json:"quote_count"`
	} `json:"public_metrics"`
}

// repliedTo is the id of the tweet this one answers, if any.
func (t v2Tweet) repliedTo() string {
	for _, r := range t.ReferencedTweets {
		if r.Type == "replied_to" {
			return r.ID
		}
	}
	return ""
}

func (t v2Tweet) isRetweet() bool {
	for _, r := range t.ReferencedTweets {
		if r.Type == "retweeted" {
			return true
		}
	}
	return false
}

// v2User is an X API v2 user.
type v2User struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Username      string `json:"username"`
	Verified      bool   `json:"verified"`
	PublicMetrics *struct {
		FollowersCount int64 `json:"followers_count"`
	} `json:"public_metrics"`
}

func (u v2User) author() channel.Author {
	a := channel.Author{ID: u.ID, Name: u.Name, Verified: u.Verified}
	if u.Username != "" {
		a.Handle = "@" + u.Username
	}
	if u.PublicMetrics != nil {
		a.Followers = u.PublicMetrics.FollowersCount
	}
	return a
}

// Normalize turns a stored raw event into a message; events that are not
// messages (deletions, engagement) are an error here (use NormalizeEvent).
func (c *Connector) Normalize(payload []byte) (channel.InboundMessage, error) {
	ev, err := c.NormalizeEvent(payload)
	if err != nil {
		return channel.InboundMessage{}, err
	}
	if ev.Kind != channel.KindMessage {
		return channel.InboundMessage{}, &channel.FieldError{Field: "body", Message: "a " + ev.Kind + " event is not a message"}
	}
	return ev.InboundMessage, nil
}

// NormalizeEvent turns one stored raw event (see the shapes above) into an
// Event. A *channel.FieldError names what is wrong; ErrOwnEvent marks the
// brand's own post or message.
func (*Connector) NormalizeEvent(payload []byte) (channel.Event, error) {
	var probe struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil {
		return channel.Event{}, &channel.FieldError{Field: "body", Message: "malformed JSON: " + err.Error()}
	}
	if len(bytes.TrimSpace(probe.Data)) > 0 && !bytes.Equal(bytes.TrimSpace(probe.Data), []byte("null")) {
		return normalizeV2(payload)
	}
	var a activity
	if err := json.Unmarshal(payload, &a); err != nil {
		return channel.Event{}, &channel.FieldError{Field: "body", Message: "malformed JSON: " + err.Error()}
	}
	n := len(a.TweetCreateEvents) + len(a.DirectMessageEvents) + len(a.TweetDeleteEvents) + len(a.FavoriteEvents)
	if n != 1 {
		return channel.Event{}, &channel.FieldError{Field: "body", Message: "a stored event holds exactly one Account Activity event, not " + strconv.Itoa(n)}
	}
	switch {
	case len(a.TweetCreateEvents) == 1:
		return normalizeTweetCreate(a)
	case len(a.DirectMessageEvents) == 1:
		return normalizeDM(a)
	case len(a.TweetDeleteEvents) == 1:
		return normalizeDelete(a)
	default:
		return normalizeFavorite(a)
	}
}

func normalizeTweetCreate(a activity) (channel.Event, error) {
	var t v1Tweet
	if err := json.Unmarshal(a.TweetCreateEvents[0], &t); err != nil {
		return channel.Event{}, &channel.FieldError{Field: "tweet_create_events", Message: "malformed tweet: " + err.Error()}
	}
	if err := checkID("tweet_create_events.id_str", t.IDStr); err != nil {
		return channel.Event{}, err
	}
	author := t.User.author()
	if err := checkID("tweet_create_events.user.id_str", author.ID); err != nil {
		return channel.Event{}, err
	}
	if a.ForUserID != "" && author.ID == a.ForUserID {
		return channel.Event{}, ErrOwnEvent
	}
	if t.isRetweet() {
		return channel.Event{}, &channel.FieldError{Field: "tweet_create_events.retweeted_status", Message: "a retweet is not a message"}
	}
	thread := a.HeedConversationID
	if thread == "" {
		thread = t.InReplyToStatusIDStr
	}
	if thread == "" {
		thread = t.IDStr
	}
	if err := checkID("heed_conversation_id", thread); err != nil {
		return channel.Event{}, err
	}
	text, err := cleanText("tweet_create_events.text", t.text())
	if err != nil {
		return channel.Event{}, err
	}
	return channel.Event{
		InboundMessage: channel.InboundMessage{ExternalID: t.IDStr, ThreadID: thread, Author: author, Text: text, Public: true,
			CreatedAt: parseTime(t.CreatedAt)},
		Likes: t.FavoriteCount, Replies: t.ReplyCount, Reposts: t.RetweetCount + t.QuoteCount,
	}, nil
}

func normalizeDM(a activity) (channel.Event, error) {
	var e dmEvent
	if err := json.Unmarshal(a.DirectMessageEvents[0], &e); err != nil {
		return channel.Event{}, &channel.FieldError{Field: "direct_message_events", Message: "malformed event: " + err.Error()}
	}
	if e.Type != "message_create" {
		return channel.Event{}, &channel.FieldError{Field: "direct_message_events.type", Message: "only message_create is a message"}
	}
	if err := checkID("direct_message_events.id", string(e.ID)); err != nil {
		return channel.Event{}, err
	}
	sender := string(e.MessageCreate.SenderID)
	if err := checkID("direct_message_events.message_create.sender_id", sender); err != nil {
		return channel.Event{}, err
	}
	if a.ForUserID != "" && sender == a.ForUserID {
		return channel.Event{}, ErrOwnEvent
	}
	author := channel.Author{ID: sender}
	if raw, ok := a.Users[sender]; ok {
		var u v1User
		if err := json.Unmarshal(raw, &u); err == nil {
			author = u.author()
			author.ID = sender
		}
	}
	text, err := cleanText("direct_message_events.message_create.message_data.text", e.MessageCreate.MessageData.Text)
	if err != nil {
		return channel.Event{}, err
	}
	return channel.Event{InboundMessage: channel.InboundMessage{ExternalID: string(e.ID), ThreadID: DMThread(sender), Author: author,
		Text: text, Public: false, CreatedAt: parseMillis(string(e.CreatedTimestamp))}}, nil
}

func normalizeDelete(a activity) (channel.Event, error) {
	var d deleteEvent
	if err := json.Unmarshal(a.TweetDeleteEvents[0], &d); err != nil {
		return channel.Event{}, &channel.FieldError{Field: "tweet_delete_events", Message: "malformed event: " + err.Error()}
	}
	if err := checkID("tweet_delete_events.status.id", string(d.Status.ID)); err != nil {
		return channel.Event{}, err
	}
	ev := channel.Event{Kind: channel.KindDelete, TargetExternalID: string(d.Status.ID)}
	ev.Author.ID = string(d.Status.UserID)
	ev.CreatedAt = parseMillis(string(d.TimestampMS))
	return ev, nil
}

func normalizeFavorite(a activity) (channel.Event, error) {
	var f favoriteEvent
	if err := json.Unmarshal(a.FavoriteEvents[0], &f); err != nil {
		return channel.Event{}, &channel.FieldError{Field: "favorite_events", Message: "malformed event: " + err.Error()}
	}
	t := f.FavoritedStatus
	if err := checkID("favorite_events.favorited_status.id_str", t.IDStr); err != nil {
		return channel.Event{}, err
	}
	ev := channel.Event{Kind: channel.KindEngagement, TargetExternalID: t.IDStr,
		Likes: t.FavoriteCount, Replies: t.ReplyCount, Reposts: t.RetweetCount + t.QuoteCount}
	ev.Author = f.User.author()
	ev.CreatedAt = parseMillis(string(f.TimestampMS))
	if ev.CreatedAt.IsZero() {
		ev.CreatedAt = parseTime(f.CreatedAt)
	}
	return ev, nil
}

func normalizeV2(payload []byte) (channel.Event, error) {
	var s v2Single
	if err := json.Unmarshal(payload, &s); err != nil {
		return channel.Event{}, &channel.FieldError{Field: "body", Message: "malformed JSON: " + err.Error()}
	}
	var t v2Tweet
	if err := json.Unmarshal(s.Data, &t); err != nil {
		return channel.Event{}, &channel.FieldError{Field: "data", Message: "malformed tweet: " + err.Error()}
	}
	if err := checkID("data.id", t.ID); err != nil {
		return channel.Event{}, err
	}
	if err := checkID("data.author_id", t.AuthorID); err != nil {
		return channel.Event{}, err
	}
	if t.isRetweet() {
		return channel.Event{}, &channel.FieldError{Field: "data.referenced_tweets", Message: "a retweet is not a message"}
	}
	author := channel.Author{ID: t.AuthorID}
	for _, raw := range s.Includes.Users {
		var u v2User
		if json.Unmarshal(raw, &u) == nil && u.ID == t.AuthorID {
			author = u.author()
			break
		}
	}
	thread := t.ConversationID
	if thread == "" {
		thread = t.repliedTo()
	}
	if thread == "" {
		thread = t.ID
	}
	if err := checkID("data.conversation_id", thread); err != nil {
		return channel.Event{}, err
	}
	text, err := cleanText("data.text", t.Text)
	if err != nil {
		return channel.Event{}, err
	}
	ev := channel.Event{InboundMessage: channel.InboundMessage{ExternalID: t.ID, ThreadID: thread, Author: author, Text: text,
		Public: true, CreatedAt: parseTime(t.CreatedAt)}}
	if m := t.PublicMetrics; m != nil {
		ev.Likes, ev.Replies, ev.Reposts = m.LikeCount, m.ReplyCount, m.RetweetCount+m.QuoteCount
	}
	return ev, nil
}

// DMThread is the thread id of the direct messages with a customer.
func DMThread(customerID string) string { return "dm:" + customerID }

// DMParticipant returns the customer id of a direct-message thread id.
func DMParticipant(threadID string) (string, bool) {
	id, ok := strings.CutPrefix(threadID, "dm:")
	return id, ok && validID(id)
}

// validID reports whether s is an X id: 1 to 19 digits (the documented
// pattern ^[0-9]{1,19}$).
func validID(s string) bool {
	if len(s) == 0 || len(s) > 19 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func checkID(field, s string) error {
	if s == "" {
		return &channel.FieldError{Field: field, Message: "is required"}
	}
	if !validID(s) {
		return &channel.FieldError{Field: field, Message: "is not an X id"}
	}
	return nil
}

// entities are the three characters X escapes in post text.
var entities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func cleanText(field, s string) (string, error) {
	if len(s) > MaxTextBytes {
		return "", &channel.FieldError{Field: field, Message: "longer than 64 KiB"}
	}
	if !utf8.ValidString(s) {
		return "", &channel.FieldError{Field: field, Message: "not valid UTF-8"}
	}
	s = entities.Replace(s)
	if strings.TrimSpace(s) == "" {
		// A media-only message: keep it visible to the agent.
		s = "[attachment]"
	}
	return s, nil
}

// parseTime reads X's two timestamp formats (v1.1 "Wed Oct 10 20:19:24 +0000
// 2018", v2 RFC 3339); unknown formats give the zero time.
func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, time.RubyDate} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// parseMillis reads an epoch-milliseconds string.
func parseMillis(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}
