package source

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MastodonConfig configures the Mastodon source.
type MastodonConfig struct {
	// BaseURL is the instance, e.g. https://mastodon.social.
	BaseURL string
	// StreamingURL is where the streaming API lives when the instance
	// serves it elsewhere (Instance.urls.streaming_api); default BaseURL.
	StreamingURL string
	AccessToken  string
	// Hashtag (without #) follows one tag; "" follows the whole public
	// (federated) timeline.
	Hashtag string
	// PageLimit is the page size of the catch-up requests; default 40,
	// Mastodon's maximum for timelines.
	PageLimit int
	// MaxEvent is the largest event accepted; default 1 MiB.
	MaxEvent int
	Options
	// Now is the clock for rate-limit resets; nil is time.Now.
	Now func() time.Time
}

// Mastodon follows an instance's public timeline or one hashtag through
// the streaming API. Its cursor is the last delivered status id. On every
// (re)connect it first opens the stream, then fetches from the REST
// timeline what it missed, then delivers the stream's statuses that are
// newer: opening the stream first leaves no gap between the two.
type Mastodon struct {
	cfg MastodonConfig
	o   Options
}

// NewMastodon returns the Mastodon source.
func NewMastodon(cfg MastodonConfig) *Mastodon {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.StreamingURL == "" {
		cfg.StreamingURL = cfg.BaseURL
	}
	cfg.StreamingURL = strings.TrimRight(cfg.StreamingURL, "/")
	if cfg.PageLimit <= 0 || cfg.PageLimit > 40 {
		cfg.PageLimit = 40
	}
	if cfg.MaxEvent <= 0 {
		cfg.MaxEvent = 1 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Hashtag = strings.TrimPrefix(cfg.Hashtag, "#")
	return &Mastodon{cfg: cfg, o: cfg.Options.withDefaults()}
}

// Name is the network's name.
func (m *Mastodon) Name() string { return "mastodon" }

// Run streams statuses after cursor ("" = from now) until ctx ends, or
// until the instance refuses the token (ErrUnauthorized).
func (m *Mastodon) Run(ctx context.Context, cursor string, h Handler) error {
	if cursor != "" && !xID(cursor) {
		return fmt.Errorf("mastodon: cursor %q is not a status id", cursor)
	}
	if _, err := url.Parse(m.cfg.BaseURL); err != nil || m.cfg.BaseURL == "" {
		return fmt.Errorf("mastodon: instance url %q: %v", m.cfg.BaseURL, err)
	}
	last := cursor
	return reconnect(ctx, m.o, m.Name(), m.cfg.Now, func(ctx context.Context) (bool, error) {
		return m.session(ctx, &last, h)
	})
}

func (m *Mastodon) streamURL() string {
	if m.cfg.Hashtag != "" {
		return m.cfg.StreamingURL + "/api/v1/streaming/hashtag?tag=" + url.QueryEscape(m.cfg.Hashtag)
	}
	return m.cfg.StreamingURL + "/api/v1/streaming/public"
}

func (m *Mastodon) timelineURL(minID string) string {
	q := url.Values{}
	q.Set("min_id", minID)
	q.Set("limit", strconv.Itoa(m.cfg.PageLimit))
	if m.cfg.Hashtag != "" {
		return m.cfg.BaseURL + "/api/v1/timelines/tag/" + url.PathEscape(m.cfg.Hashtag) + "?" + q.Encode()
	}
	return m.cfg.BaseURL + "/api/v1/timelines/public?" + q.Encode()
}

func (m *Mastodon) get(ctx context.Context, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &fatalError{fmt.Errorf("request %s: %w", u, err)}
	}
	if m.cfg.AccessToken != "" {
		req.Header.Set("Authorization", "Bearer "+m.cfg.AccessToken)
	}
	resp, err := m.o.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	if err := m.statusError(resp); err != nil {
		resp.Body.Close()
		return nil, err
	}
	return resp, nil
}

// statusError maps Mastodon's answers: 401 (and 403, a token without the
// read scope) stop; 429 waits for X-RateLimit-Reset (an ISO 8601 time,
// https://docs.joinmastodon.org/api/rate-limits/); others reconnect.
func (m *Mastodon) statusError(resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	var body struct {
		Error string `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	detail := strings.TrimSpace(string(raw))
	if json.Unmarshal(raw, &body) == nil && body.Error != "" {
		detail = body.Error
	}
	if len(detail) > 200 {
		detail = detail[:200]
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return &fatalError{fmt.Errorf("%w: mastodon answered %s: %s", ErrUnauthorized, resp.Status, detail)}
	case http.StatusTooManyRequests:
		reset := m.cfg.Now().Add(5 * time.Minute) // Mastodon's windows are 5 minutes
		if t, err := time.Parse(time.RFC3339Nano, resp.Header.Get("X-RateLimit-Reset")); err == nil {
			reset = t
		}
		return &RateLimitError{Reset: reset, Err: fmt.Errorf("mastodon answered %s: %s", resp.Status, detail)}
	}
	return fmt.Errorf("mastodon answered %s: %s", resp.Status, detail)
}

// streamItem is a status from the stream, or the error that ended it.
type streamItem struct {
	post Post
	err  error
}

func (m *Mastodon) session(ctx context.Context, last *string, h Handler) (delivered bool, err error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	timer := time.AfterFunc(m.o.ConnectTimeout, cancel) // until the headers; then the idle watch
	resp, err := m.get(sctx, m.streamURL())
	if !timer.Stop() && err == nil {
		resp.Body.Close()
		err = errors.New("connect timeout")
	}
	if err != nil {
		return false, fmt.Errorf("open mastodon stream: %w", err)
	}
	defer resp.Body.Close()
	m.o.Logger.LogAttrs(ctx, slog.LevelInfo, "listening source connected",
		slog.String("source", m.Name()), slog.String("cursor", *last))

	// The stream is read from now on, while the catch-up runs; what it
	// brings waits in the channel (and, when that is full, in TCP).
	items := make(chan streamItem, 256)
	body, stop := watchIdle(resp.Body, m.o.IdleTimeout, cancel)
	defer stop()
	go m.readStream(sctx, body, items)

	// Ids the catch-up delivered: the stream may bring them again.
	caught := map[string]struct{}{}
	if *last != "" {
		if err := m.catchUp(ctx, last, h, &delivered, caught); err != nil {
			return delivered, err
		}
	}
	for {
		var it streamItem
		select {
		case <-sctx.Done():
			if ctx.Err() != nil {
				return delivered, ctx.Err()
			}
			// Only the idle watch cancels the session on its own. Posts
			// still queued are not lost: the cursor has not passed them,
			// so the next catch-up fetches them.
			return delivered, fmt.Errorf("read mastodon stream: %w", errIdle)
		case it = <-items:
		}
		if it.err != nil {
			if ctx.Err() != nil {
				return delivered, ctx.Err()
			}
			return delivered, fmt.Errorf("read mastodon stream: %w", it.err)
		}
		// Dedup by the catch-up's ids, not by id order: a remote status
		// that federates late may carry an id below ones we delivered
		// (ids derive from timestamps) and still be new to us.
		if _, dup := caught[it.post.Cursor]; dup {
			continue
		}
		if err := deliver(ctx, m.o, m.Name(), h, it.post); err != nil {
			return delivered, err
		}
		delivered = true
		if *last == "" || idAfter(it.post.Cursor, *last) {
			*last = it.post.Cursor
		}
	}
}

// readStream turns the event stream into posts until it ends.
func (m *Mastodon) readStream(ctx context.Context, body io.Reader, items chan<- streamItem) {
	sse := newSSEReader(bufio.NewReaderSize(body, 64<<10), m.cfg.MaxEvent)
	send := func(it streamItem) bool {
		select {
		case items <- it:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		ev, err := sse.Next()
		if err != nil {
			send(streamItem{err: err})
			return
		}
		// "status.update" (an edit) and "delete" are not new posts.
		if ev.Name != "update" {
			continue
		}
		p, ok, err := decodeStatus(ev.Data)
		if err != nil {
			m.o.Logger.LogAttrs(ctx, slog.LevelWarn, "skipping undecodable mastodon status",
				slog.String("source", m.Name()), slog.Any("err", err))
			continue
		}
		if ok && !send(streamItem{post: p}) {
			return
		}
	}
}

// catchUp delivers what was published after *last, oldest first. It
// pages forward with min_id ("results immediately newer than this id"):
// since_id would return the newest page first and leave a gap behind it
// when more than a page was missed
// (https://docs.joinmastodon.org/methods/timelines/).
func (m *Mastodon) catchUp(ctx context.Context, last *string, h Handler, delivered *bool, caught map[string]struct{}) error {
	for {
		page, err := m.timelinePage(ctx, *last)
		if err != nil {
			return fmt.Errorf("mastodon catch-up: %w", err)
		}
		// A page is newest first; deliver oldest first.
		slices.SortFunc(page, func(a, b mastodonStatus) int {
			switch {
			case idAfter(a.ID, b.ID):
				return 1
			case idAfter(b.ID, a.ID):
				return -1
			}
			return 0
		})
		advanced := false
		for i := range page {
			s := &page[i]
			if !xID(s.ID) || !idAfter(s.ID, *last) {
				continue
			}
			p, ok, err := statusPost(s)
			if err == nil && ok {
				if err := deliver(ctx, m.o, m.Name(), h, p); err != nil {
					return err
				}
				*delivered = true
				caught[s.ID] = struct{}{}
			}
			// Boosts and private statuses are skipped, but the cursor
			// moves past them so the next page starts after them.
			*last = s.ID
			advanced = true
		}
		if !advanced || len(page) < m.cfg.PageLimit {
			return nil
		}
	}
}

// timelinePage fetches the page of statuses right after minID.
func (m *Mastodon) timelinePage(ctx context.Context, minID string) ([]mastodonStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, m.o.ConnectTimeout)
	defer cancel()
	resp, err := m.get(ctx, m.timelineURL(minID))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var page []mastodonStatus
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&page); err != nil {
		return nil, fmt.Errorf("decode timeline: %w", err)
	}
	return page, nil
}
