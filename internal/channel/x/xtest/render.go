package xtest

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// fieldSet is a comma-separated fields parameter (tweet.fields, user.fields,
// expansions).
type fieldSet map[string]bool

func parseFields(s string) fieldSet {
	f := fieldSet{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			f[p] = true
		}
	}
	return f
}

// replyCount counts the live replies to a tweet (s.mu held).
func (s *Server) replyCount(id string) int64 {
	var n int64
	for _, t := range s.tweets {
		if t.InReplyTo == id && !t.Deleted {
			n++
		}
	}
	return n
}

// v2Tweet renders a tweet in X API v2 form with the requested tweet.fields;
// id, text and edit_history_tweet_ids are the defaults
// (https://developer.x.com/en/docs/twitter-api/data-dictionary/example-payloads).
func (s *Server) v2Tweet(t *Tweet, fields fieldSet) map[string]any {
	m := map[string]any{"id": t.ID, "text": t.Text, "edit_history_tweet_ids": []string{t.ID}}
	if fields["author_id"] {
		m["author_id"] = t.AuthorID
	}
	if fields["conversation_id"] {
		m["conversation_id"] = t.ConversationID
	}
	if fields["created_at"] {
		m["created_at"] = t.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	if fields["in_reply_to_user_id"] && t.InReplyToUserID != "" {
		m["in_reply_to_user_id"] = t.InReplyToUserID
	}
	if fields["referenced_tweets"] && t.InReplyTo != "" {
		m["referenced_tweets"] = []map[string]string{{"type": "replied_to", "id": t.InReplyTo}}
	}
	if fields["public_metrics"] {
		m["public_metrics"] = map[string]int64{"retweet_count": 0, "reply_count": s.replyCount(t.ID), "like_count": t.Likes, "quote_count": 0}
	}
	return m
}

// v2User renders a user in X API v2 form; id, name and username are the
// defaults.
func (s *Server) v2User(u User, fields fieldSet) map[string]any {
	m := map[string]any{"id": u.ID, "name": u.Name, "username": u.Username}
	if fields["verified"] {
		m["verified"] = u.Verified
	}
	if fields["protected"] {
		m["protected"] = false
	}
	if fields["public_metrics"] {
		m["public_metrics"] = map[string]int64{"followers_count": u.Followers, "following_count": 0, "tweet_count": s.tweetCount(u.ID), "listed_count": 0}
	}
	return m
}

func (s *Server) tweetCount(uid string) int64 {
	var n int64
	for _, t := range s.tweets {
		if t.AuthorID == uid && !t.Deleted {
			n++
		}
	}
	return n
}

// v1User renders a user as the v1.1 tweet object's "user"
// (https://developer.x.com/en/docs/x-api/v1/data-dictionary/object-model/example-payloads).
func (s *Server) v1User(u User) map[string]any {
	return map[string]any{
		"id": json.Number(u.ID), "id_str": u.ID, "name": u.Name, "screen_name": u.Username,
		"protected": false, "verified": u.Verified, "followers_count": u.Followers, "friends_count": 0,
		"statuses_count": s.tweetCount(u.ID),
	}
}

// v1Tweet renders a tweet as the Account Activity API delivers it: a v1.1
// tweet object; text over 140 characters is truncated in "text", whole in
// extended_tweet.full_text (the streaming format).
func (s *Server) v1Tweet(t *Tweet) map[string]any {
	u := s.users[t.AuthorID]
	m := map[string]any{
		"created_at": t.CreatedAt.UTC().Format(time.RubyDate),
		"id":         json.Number(t.ID), "id_str": t.ID,
		"text":                  t.Text,
		"source":                `<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>`,
		"truncated":             false,
		"in_reply_to_status_id": nil, "in_reply_to_status_id_str": nil,
		"in_reply_to_user_id": nil, "in_reply_to_user_id_str": nil, "in_reply_to_screen_name": nil,
		"user":            s.v1User(u),
		"is_quote_status": false,
		"quote_count":     0, "reply_count": s.replyCount(t.ID), "retweet_count": 0, "favorite_count": t.Likes,
		"favorited": false, "retweeted": false, "lang": "en",
		"timestamp_ms": strconv.FormatInt(t.CreatedAt.UnixMilli(), 10),
	}
	if n := utf8.RuneCountInString(t.Text); n > 140 {
		r := []rune(t.Text)
		m["text"] = string(r[:139]) + "…"
		m["truncated"] = true
		m["extended_tweet"] = map[string]any{"full_text": t.Text, "display_text_range": []int{0, n}}
	}
	if t.InReplyTo != "" {
		m["in_reply_to_status_id"] = json.Number(t.InReplyTo)
		m["in_reply_to_status_id_str"] = t.InReplyTo
		if t.InReplyToUserID != "" {
			m["in_reply_to_user_id"] = json.Number(t.InReplyToUserID)
			m["in_reply_to_user_id_str"] = t.InReplyToUserID
			m["in_reply_to_screen_name"] = s.users[t.InReplyToUserID].Username
		}
	}
	return m
}

// dmUser renders a user of a direct_message_events users map (ids as
// strings there), per the Account Activity DM payload.
func (s *Server) dmUser(u User) map[string]any {
	return map[string]any{
		"id": u.ID, "created_timestamp": "1476091912921", "name": u.Name, "screen_name": u.Username,
		"protected": false, "verified": u.Verified, "followers_count": u.Followers, "friends_count": 0,
		"statuses_count":          s.tweetCount(u.ID),
		"profile_image_url_https": "https://pbs.twimg.com/profile_images/0/default_normal.jpg",
	}
}

// queue adds a webhook delivery (s.mu held).
func (s *Server) queue(payload map[string]any) {
	b, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	s.pending = append(s.pending, b)
}

// queueTweetCreate queues the tweet_create_events delivery of a tweet; a
// mention of the brand carries user_has_blocked
// (https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/account-activity-data-objects).
func (s *Server) queueTweetCreate(t *Tweet) {
	p := map[string]any{"for_user_id": s.Brand.ID, "tweet_create_events": []any{s.v1Tweet(t)}}
	if t.AuthorID != s.Brand.ID {
		p["user_has_blocked"] = "false"
	}
	s.queue(p)
}

// queueDM queues the direct_message_events delivery of a message, with the
// apps and users maps
// (https://developer.x.com/en/docs/x-api/v1/direct-messages/sending-and-receiving/guides/message-create-object).
func (s *Server) queueDM(e DMEvent) {
	s.dms = append(s.dms, e)
	ev := map[string]any{
		"type": "message_create", "id": e.ID, "created_timestamp": strconv.FormatInt(e.CreatedAt.UnixMilli(), 10),
		"message_create": map[string]any{
			"target":        map[string]any{"recipient_id": e.RecipientID},
			"sender_id":     e.SenderID,
			"source_app_id": "268278",
			"message_data": map[string]any{"text": e.Text,
				"entities": map[string]any{"hashtags": []any{}, "symbols": []any{}, "user_mentions": []any{}, "urls": []any{}}},
		},
	}
	s.queue(map[string]any{
		"for_user_id":           s.Brand.ID,
		"direct_message_events": []any{ev},
		"apps":                  map[string]any{"268278": map[string]any{"id": "268278", "name": "Twitter Web Client", "url": "http://twitter.com"}},
		"users": map[string]any{
			e.SenderID:    s.dmUser(s.users[e.SenderID]),
			e.RecipientID: s.dmUser(s.users[e.RecipientID]),
		},
	})
}

// queueFavorite queues the favorite_events delivery of a like by the brand.
// The search tool's copy of the data-objects page lacks the favorite
// example body; the shape follows the page's description ("Favorite (like)
// event status with the user and target") as X has published it: an event
// id, created_at, timestamp_ms, favorited_status (v1.1 tweet) and user.
func (s *Server) queueFavorite(t *Tweet) {
	now := s.now().UTC()
	s.lastID++
	s.queue(map[string]any{"for_user_id": s.Brand.ID, "favorite_events": []any{map[string]any{
		"id":               strconv.FormatUint(s.lastID, 16) + strings.Repeat("0", 16),
		"created_at":       now.Format(time.RubyDate),
		"timestamp_ms":     now.UnixMilli(),
		"favorited_status": s.v1Tweet(t),
		"user":             s.v1User(s.Brand),
	}}})
}
