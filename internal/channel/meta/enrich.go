package meta

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
)

// LookupTimeout bounds each Graph lookup Split makes before the delivery is
// acknowledged (a sender's name, a mention's text).
const LookupTimeout = 3 * time.Second

// enricher looks up what a webhook leaves out: Messenger and Instagram
// messages carry only the sender's id, Instagram mentions only ids. Lookups
// are best-effort: a failure keeps the event without the detail.
type enricher struct {
	client *http.Client
	now    func() time.Time

	mu    sync.Mutex
	names map[string]cachedProfile // channel id + sender id
}

type cachedProfile struct {
	p   profile
	exp time.Time
}

const profileTTL = 24 * time.Hour
const maxCachedProfiles = 10000

func newEnricher(client *http.Client, now func() time.Time) *enricher {
	return &enricher{client: client, now: now, names: map[string]cachedProfile{}}
}

func (r *enricher) enrich(ctx context.Context, typ string, ch model.Channel, d delivery, ev channel.Event) *enrichment {
	if ev.Kind != channel.KindMessage || token(ch) == "" {
		return nil
	}
	g, err := newGraph(r.client, r.now, ch)
	if err != nil {
		return nil
	}
	if strings.HasPrefix(ev.ThreadID, "igmention:") {
		return &enrichment{Mention: r.mention(ctx, g, ch, d, ev)}
	}
	if ev.Public {
		return nil
	}
	if p, ok := r.profile(ctx, g, typ, ch, ev.Author.ID); ok {
		return &enrichment{Profile: &p}
	}
	return nil
}

func (r *enricher) profile(ctx context.Context, g graph, typ string, ch model.Channel, id string) (profile, bool) {
	key := ch.ID + "\x00" + id
	now := r.now()
	r.mu.Lock()
	c, ok := r.names[key]
	r.mu.Unlock()
	if ok && now.Before(c.exp) {
		return c.p, true
	}
	ctx, cancel := context.WithTimeout(ctx, LookupTimeout)
	defer cancel()
	var p profile
	if typ == TypeInstagram {
		// https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/messaging-api/user-profile
		var out struct {
			Name     string `json:"name"`
			Username string `json:"username"`
		}
		if err := g.do(ctx, http.MethodGet, seg(id), url.Values{"fields": {"name,username"}}, nil, &out); err != nil {
			return p, false
		}
		p = profile{Name: out.Name, Username: out.Username}
	} else {
		// https://developers.facebook.com/docs/messenger-platform/identity/user-profile
		var out struct {
			FirstName string `json:"first_name"`
			LastName  string `json:"last_name"`
		}
		if err := g.do(ctx, http.MethodGet, seg(id), url.Values{"fields": {"first_name,last_name"}}, nil, &out); err != nil {
			return p, false
		}
		p = profile{Name: strings.TrimSpace(out.FirstName + " " + out.LastName)}
	}
	if p.Name == "" && p.Username == "" {
		return p, false
	}
	r.mu.Lock()
	if len(r.names) >= maxCachedProfiles {
		r.names = map[string]cachedProfile{}
	}
	r.names[key] = cachedProfile{p: p, exp: now.Add(profileTTL)}
	r.mu.Unlock()
	return p, true
}

// mention fetches the text of a comment or caption the account was
// @mentioned in: GET /{ig-user-id}?fields=mentioned_comment.comment_id(…){…}
// (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/mentions).
func (r *enricher) mention(ctx context.Context, g graph, ch model.Channel, d delivery, ev channel.Event) *mention {
	var v igMentionValue
	if len(d.Entry) == 1 && len(d.Entry[0].Changes) == 1 {
		_ = json.Unmarshal(d.Entry[0].Changes[0].Value, &v)
	}
	ctx, cancel := context.WithTimeout(ctx, LookupTimeout)
	defer cancel()
	user := ch.Credentials[CredIGUserID]
	if user == "" && len(d.Entry) == 1 {
		user = string(d.Entry[0].ID)
	}
	var out struct {
		Comment *struct {
			Text      string `json:"text"`
			Username  string `json:"username"`
			Timestamp string `json:"timestamp"`
		} `json:"mentioned_comment"`
		Media *struct {
			Caption   string `json:"caption"`
			Username  string `json:"username"`
			Timestamp string `json:"timestamp"`
		} `json:"mentioned_media"`
	}
	var fields string
	if v.CommentID != "" {
		fields = "mentioned_comment.comment_id(" + string(v.CommentID) + "){id,text,timestamp,username}"
	} else {
		fields = "mentioned_media.media_id(" + string(v.MediaID) + "){id,caption,timestamp,username}"
	}
	if err := g.do(ctx, http.MethodGet, seg(user), url.Values{"fields": {fields}}, nil, &out); err != nil {
		return &mention{Error: err.Error()}
	}
	switch {
	case out.Comment != nil:
		return &mention{Text: out.Comment.Text, Username: out.Comment.Username, Timestamp: out.Comment.Timestamp}
	case out.Media != nil:
		return &mention{Text: out.Media.Caption, Username: out.Media.Username, Timestamp: out.Media.Timestamp}
	}
	return &mention{Error: "the mention is no longer available"}
}
