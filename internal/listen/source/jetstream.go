package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/coder/websocket"
)

// DefaultJetstreamURL is one of Bluesky's public Jetstream instances.
const DefaultJetstreamURL = "wss://jetstream2.us-east.bsky.network/subscribe"

// JetstreamConfig configures the Bluesky source.
type JetstreamConfig struct {
	// URL of the subscribe endpoint (ws:// or wss://); default
	// DefaultJetstreamURL.
	URL string
	// Fallbacks are other instances, tried in turn when connecting to
	// the current one fails.
	Fallbacks []string
	// Rewind is how far the cursor goes back when switching instances
	// (default 5 s): each instance stamps its own time_us, so the
	// README advises rewinding "a few seconds" for gapless playback; the
	// posts seen again are dropped by id.
	Rewind time.Duration
	// ReadLimit is the largest frame accepted; default 1 MiB (a post
	// record is limited to 3000 bytes of text, but embeds add more).
	ReadLimit int64
	Options
}

// Jetstream is the Bluesky source: Jetstream's websocket, filtered to
// app.bsky.feed.post. Its cursor is the time_us of the last delivered
// post.
type Jetstream struct {
	cfg JetstreamConfig
	o   Options
}

// NewJetstream returns the Bluesky source.
func NewJetstream(cfg JetstreamConfig) *Jetstream {
	if cfg.URL == "" {
		cfg.URL = DefaultJetstreamURL
	}
	if cfg.ReadLimit <= 0 {
		cfg.ReadLimit = 1 << 20
	}
	if cfg.Rewind <= 0 {
		cfg.Rewind = 5 * time.Second
	}
	return &Jetstream{cfg: cfg, o: cfg.Options.withDefaults()}
}

// Name is the network's name.
func (j *Jetstream) Name() string { return "bluesky" }

// Run streams posts from cursor ("" = live tail) until ctx ends.
func (j *Jetstream) Run(ctx context.Context, cursor string, h Handler) error {
	st := newJetstreamState(j.cfg.Rewind.Microseconds())
	if cursor != "" {
		us, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || us <= 0 {
			return fmt.Errorf("bluesky: cursor %q is not a time_us", cursor)
		}
		st.start(us)
	}
	urls := append([]string{j.cfg.URL}, j.cfg.Fallbacks...)
	return reconnect(ctx, j.o, j.Name(), time.Now, func(ctx context.Context) (bool, error) {
		delivered, err := j.session(ctx, urls[st.instance%len(urls)], st, h)
		var dial *dialError
		if errors.As(err, &dial) && len(urls) > 1 {
			st.instance++ // this instance is down: try the next one
		}
		return delivered, err
	})
}

// dialError is a failed handshake: the instance is down or refusing.
type dialError struct{ err error }

func (e *dialError) Error() string { return "dial jetstream: " + e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

func subscribeURL(base string, cursor int64) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("jetstream url: %w", err)
	}
	q := u.Query()
	q.Set("wantedCollections", bskyPostCollection)
	q.Del("cursor")
	if cursor > 0 {
		q.Set("cursor", strconv.FormatInt(cursor, 10))
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// session is one websocket connection.
func (j *Jetstream) session(ctx context.Context, base string, st *jetstreamState, h Handler) (delivered bool, err error) {
	cursor := st.cursorFor(st.instance)
	if st.instance != st.lastFrom {
		// Another instance's time_us are not comparable with the
		// cursor Run was given: from now on only ids dedup.
		st.floor = min(st.floor, cursor)
	}
	u, err := subscribeURL(base, cursor)
	if err != nil {
		return false, &fatalError{err}
	}
	dctx, cancel := context.WithTimeout(ctx, j.o.ConnectTimeout)
	conn, resp, err := websocket.Dial(dctx, u, &websocket.DialOptions{HTTPClient: j.o.HTTPClient})
	cancel()
	if err != nil {
		if resp != nil && resp.StatusCode == 401 {
			return false, &fatalError{fmt.Errorf("%w: jetstream answered %s", ErrUnauthorized, resp.Status)}
		}
		return false, &dialError{err}
	}
	defer conn.CloseNow()
	conn.SetReadLimit(j.cfg.ReadLimit)
	j.o.Logger.LogAttrs(ctx, slog.LevelInfo, "listening source connected",
		slog.String("source", j.Name()), slog.String("url", base), slog.Int64("cursor", cursor))

	var ev jetstreamEvent
	for {
		// Each read has the idle timeout: a silent socket is dropped
		// (coder/websocket closes the connection when a read's context
		// ends) and the loop reconnects from the cursor.
		rctx, cancel := context.WithTimeout(ctx, j.o.IdleTimeout)
		_, frame, err := conn.Read(rctx)
		idle := rctx.Err() != nil && ctx.Err() == nil
		cancel()
		if err != nil {
			if idle {
				err = errIdle
			}
			return delivered, fmt.Errorf("read jetstream: %w", err)
		}
		if err := decodeJetstream(frame, &ev); err != nil {
			// One bad frame is the server's bug; skipping it loses at
			// most that event, and nothing else can be done with it.
			j.o.Logger.LogAttrs(ctx, slog.LevelWarn, "skipping undecodable jetstream frame",
				slog.String("source", j.Name()), slog.Any("err", err))
			continue
		}
		if ev.Kind == "identity" && ev.Identity != nil && ev.Identity.Handle != "" {
			if len(st.handles) >= maxHandles {
				clear(st.handles) // bounded memory beats a perfect cache
			}
			st.handles[ev.DID] = ev.Identity.Handle
			continue
		}
		p, ok := jetstreamPost(&ev, st.handles[ev.DID])
		if !ok || !st.fresh(ev.TimeUS, p.ID) {
			continue
		}
		p.Cursor = strconv.FormatInt(max(ev.TimeUS, st.last), 10)
		if err := deliver(ctx, j.o, j.Name(), h, p); err != nil {
			return delivered, err
		}
		delivered = true
		st.mark(ev.TimeUS, p.ID, st.instance)
	}
}
