package x

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
)

// Fields Heed asks of the mentions timeline (the brand's user token sees
// public_metrics).
const (
	mentionTweetFields = "author_id,conversation_id,created_at,in_reply_to_user_id,public_metrics,referenced_tweets"
	mentionUserFields  = "name,username,verified,public_metrics"
	// maxPollPages bounds one poll: the timeline serves at most the 800
	// most recent mentions, 100 a page.
	maxPollPages = 8
)

// mentionsPage is an answer of GET /2/users/{id}/mentions
// (https://docs.x.com/x-api/posts/timelines/quickstart/user-mention-quickstart).
type mentionsPage struct {
	Data     []json.RawMessage `json:"data"`
	Includes struct {
		Users []json.RawMessage `json:"users"`
	} `json:"includes"`
	Meta struct {
		ResultCount int    `json:"result_count"`
		NewestID    string `json:"newest_id"`
		OldestID    string `json:"oldest_id"`
		NextToken   string `json:"next_token"`
	} `json:"meta"`
}

// pollCursor is where the mentions poll stands: the newest mention already
// fetched (since_id), and, while a run over several pages was cut short by a
// rate limit, the page to resume at and the newest id of that run.
type pollCursor struct {
	since, token, newest string
}

// parseCursor reads a cursor: a bare tweet id, or the query-string form of a
// run in progress.
func parseCursor(s string) (pollCursor, error) {
	if s == "" {
		return pollCursor{}, nil
	}
	if validID(s) {
		return pollCursor{since: s}, nil
	}
	q, err := url.ParseQuery(s)
	if err != nil {
		return pollCursor{}, fmt.Errorf("x: bad poll cursor %q: %w", s, channel.ErrPermanent)
	}
	c := pollCursor{since: q.Get("since_id"), token: q.Get("pagination_token"), newest: q.Get("newest_id")}
	if (c.since != "" && !validID(c.since)) || (c.newest != "" && !validID(c.newest)) || len(c.token) > 512 {
		return pollCursor{}, fmt.Errorf("x: bad poll cursor %q: %w", s, channel.ErrPermanent)
	}
	if c.token == "" { // no run in progress: its newest id is simply the since_id
		c.since, c.newest = newer(c.since, c.newest), ""
	}
	return c, nil
}

func (c pollCursor) String() string {
	if c.token == "" {
		return c.since
	}
	q := url.Values{"pagination_token": {c.token}}
	if c.since != "" {
		q.Set("since_id", c.since)
	}
	if c.newest != "" {
		q.Set("newest_id", c.newest)
	}
	return q.Encode()
}

// Poll fetches the mentions of the brand account newer than the cursor (GET
// /2/users/{id}/mentions with since_id, following next_token page by page),
// oldest first, keyed by tweet id like webhook tweets, so a mention seen both
// ways is stored once. The cursor is the newest mention id seen (meta.newest_id).
// The first poll (empty cursor) takes the most recent page (up to 100).
//
// Rate limits: on a 429, or when an answer says x-rate-limit-remaining: 0,
// Poll returns a *channel.RateLimitError with the reset time, together with
// the events fetched so far and a cursor that resumes where it stopped; both
// are safe to store (the keys are idempotent), and a caller that drops them
// simply fetches them again. Other errors also return what was fetched and a
// resumable cursor.
func (c *Connector) Poll(ctx context.Context, ch model.Channel, cursor string) ([]channel.RawEvent, string, error) {
	cur, err := parseCursor(cursor)
	if err != nil {
		return nil, cursor, err
	}
	uid, err := needBrand(ch)
	if err != nil {
		return nil, cursor, err
	}
	var events []channel.RawEvent
	finish := func(next pollCursor, err error) ([]channel.RawEvent, string, error) {
		slices.Reverse(events) // X answers newest first
		return events, next.String(), err
	}
	for page := 0; page < maxPollPages; page++ {
		q := url.Values{
			"max_results":  {"100"},
			"tweet.fields": {mentionTweetFields},
			"expansions":   {"author_id"},
			"user.fields":  {mentionUserFields},
		}
		if cur.since != "" {
			q.Set("since_id", cur.since)
		}
		if cur.token != "" {
			q.Set("pagination_token", cur.token)
		}
		var p mentionsPage
		h, err := c.do(ctx, ch, apiCall{method: http.MethodGet, path: "/2/users/" + url.PathEscape(uid) + "/mentions", query: q}, &p)
		if err != nil {
			return finish(cur, err)
		}
		if cur.newest == "" {
			cur.newest = p.Meta.NewestID
		}
		if err := c.collect(&events, uid, p); err != nil {
			return finish(cur, err)
		}
		done := p.Meta.NextToken == "" || cur.since == "" || page == maxPollPages-1
		next := cur
		if done {
			next = pollCursor{since: newer(cur.since, cur.newest)}
		} else {
			next.token = p.Meta.NextToken
		}
		if reset, ok := c.exhausted(h); ok {
			return finish(next, &channel.RateLimitError{Reset: reset})
		}
		if done {
			return finish(next, nil)
		}
		cur = next
	}
	return finish(pollCursor{since: newer(cur.since, cur.newest)}, nil)
}

// collect turns a page into raw events, one v2 single-tweet answer each,
// leaving out the brand's own posts and retweets.
func (c *Connector) collect(events *[]channel.RawEvent, brand string, p mentionsPage) error {
	users := map[string]json.RawMessage{}
	for _, raw := range p.Includes.Users {
		var u v2User
		if json.Unmarshal(raw, &u) == nil && u.ID != "" {
			users[u.ID] = raw
		}
	}
	for _, raw := range p.Data {
		var t v2Tweet
		if err := json.Unmarshal(raw, &t); err != nil {
			return fmt.Errorf("x: malformed mention: %w", err)
		}
		if !validID(t.ID) || t.AuthorID == "" || t.AuthorID == brand || t.isRetweet() {
			continue
		}
		if t.ConversationID != "" {
			c.convs.put(t.ID, t.ConversationID)
		}
		one := v2Single{Data: raw}
		if u, ok := users[t.AuthorID]; ok {
			one.Includes.Users = []json.RawMessage{u}
		}
		b, err := json.Marshal(one)
		if err != nil {
			return fmt.Errorf("x: encode mention %s: %w", t.ID, err)
		}
		*events = append(*events, channel.RawEvent{ExternalID: t.ID, Payload: b})
	}
	return nil
}

// newer returns the larger of two tweet ids (ids grow with time).
func newer(a, b string) string {
	if compareIDs(a, b) >= 0 {
		return a
	}
	return b
}

// compareIDs orders decimal ids numerically; "" is the smallest.
func compareIDs(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
