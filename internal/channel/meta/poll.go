package meta

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
)

// Poll limits: posts older than PollPostAge are not scanned for new
// comments; at most PollMaxPages pages of 100 are read per list.
const (
	PollPostAge      = 7 * 24 * time.Hour
	PollFirstWindow  = 24 * time.Hour
	PollMaxPages     = 10
	pollPageSize     = "100"
	pollFeedFields   = "id,message,created_time,from"
	pollCommentField = "id,message,created_time,from,parent{id}"
)

type graphList struct {
	Data   []json.RawMessage `json:"data"`
	Paging *struct {
		Cursors struct {
			After string `json:"after"`
		} `json:"cursors"`
		Next string `json:"next"`
	} `json:"paging"`
}

type polledObject struct {
	ID          string   `json:"id"`
	Message     string   `json:"message"`
	CreatedTime flexTime `json:"created_time"`
	From        *fromID  `json:"from"`
	Parent      *struct {
		ID string `json:"id"`
	} `json:"parent"`
}

// list reads every page of a Graph list edge (cursor pagination), up to
// PollMaxPages.
func (g graph) list(ctx context.Context, path string, q url.Values) ([]polledObject, error) {
	var out []polledObject
	q.Set("limit", pollPageSize)
	for page := 0; page < PollMaxPages; page++ {
		var l graphList
		if err := g.do(ctx, http.MethodGet, path, q, nil, &l); err != nil {
			return nil, err
		}
		for _, raw := range l.Data {
			var o polledObject
			if err := json.Unmarshal(raw, &o); err != nil {
				return nil, fmt.Errorf("meta: unreadable %s item: %w", path, err)
			}
			out = append(out, o)
		}
		if l.Paging == nil || l.Paging.Next == "" || l.Paging.Cursors.After == "" {
			break
		}
		q.Set("after", l.Paging.Cursors.After)
	}
	return out, nil
}

// Poll fetches the visitor posts and comments created since the cursor (a
// Unix time in seconds; empty means the last 24 hours) — what the feed
// webhook may have missed. Raw events have the webhook's stored format and
// keys, so a poll and a webhook of the same comment are stored once. The
// next cursor is the newest creation time seen. Rate limits come back as a
// *channel.RateLimitError.
func (c *Facebook) Poll(ctx context.Context, ch model.Channel, cursor string) ([]channel.RawEvent, string, error) {
	g, err := c.graph(ch)
	if err != nil {
		return nil, cursor, err
	}
	page, err := needCred(ch, CredPageID)
	if err != nil {
		return nil, cursor, err
	}
	now := g.now()
	since := now.Add(-PollFirstWindow)
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil {
			return nil, cursor, fmt.Errorf("meta: poll cursor %q: %w", cursor, channel.ErrPermanent)
		}
		since = time.Unix(n, 0)
	}
	newest := since
	posts, err := g.list(ctx, seg(page)+"/feed", url.Values{"fields": {pollFeedFields},
		"since": {strconv.FormatInt(since.Add(-PollPostAge).Unix(), 10)}})
	if err != nil {
		return nil, cursor, err
	}
	var events []channel.RawEvent
	seen := map[string]bool{}
	emit := func(value map[string]any, at time.Time) {
		v, _ := json.Marshal(value)
		d := delivery{Object: "page", Entry: []entry{{ID: flexID(page), Time: json.Number(strconv.FormatInt(at.Unix(), 10)),
			Changes: []change{{Field: "feed", Value: v}}}}}
		_, key, ok, err := interpret(TypeFacebook, d)
		if !ok || err != nil || seen[key] {
			return
		}
		seen[key] = true
		payload, _ := json.Marshal(d)
		events = append(events, channel.RawEvent{ExternalID: key, Payload: payload})
		if at.After(newest) {
			newest = at
		}
	}
	for _, p := range posts {
		if p.From != nil && string(p.From.ID) != page && !p.CreatedTime.T.Before(since) {
			emit(map[string]any{"item": "status", "verb": "add", "post_id": p.ID, "message": p.Message,
				"created_time": p.CreatedTime.T.Unix(), "from": p.From}, p.CreatedTime.T)
		}
		comments, err := g.list(ctx, seg(p.ID)+"/comments", url.Values{"fields": {pollCommentField}, "filter": {"stream"},
			"since": {strconv.FormatInt(since.Unix(), 10)}})
		if err != nil {
			return nil, cursor, err
		}
		for _, cm := range comments {
			if cm.CreatedTime.T.Before(since) {
				continue
			}
			parent := p.ID
			if cm.Parent != nil && cm.Parent.ID != "" {
				parent = cm.Parent.ID
			}
			emit(map[string]any{"item": "comment", "verb": "add", "comment_id": cm.ID, "post_id": p.ID, "parent_id": parent,
				"message": cm.Message, "created_time": cm.CreatedTime.T.Unix(), "from": cm.From}, cm.CreatedTime.T)
		}
	}
	return events, strconv.FormatInt(newest.Unix(), 10), nil
}

var _ channel.Poller = (*Facebook)(nil)
