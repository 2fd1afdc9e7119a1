package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"
)

// Backoff says how long a source waits before reconnecting, and before
// handing a post to a handler again after the handler failed. The wait
// after the n-th failure in a row is Initial·Multiplier^(n-1), capped at
// Max, of which the Jitter fraction is random so that many nodes dropped by
// one outage do not come back in lockstep. The count of failures resets
// once a connection delivered a post or stayed up for a minute (or, for
// handler retries, once the handler took the post). Zero fields take the defaults.
type Backoff struct {
	Initial    time.Duration // first wait; default 500 ms
	Max        time.Duration // cap; default 1 min
	Multiplier float64       // default 2
	// Jitter is the random part of each wait, 0..1 (default 0.5: a wait
	// of d is between d/2 and d). Negative means none (tests).
	Jitter float64

	// Sleep waits for d or until ctx ends; nil uses a timer. Tests set it
	// to record the waits a source asked for without waiting them.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0, 1) for the jitter; nil uses math/rand/v2.
	Rand func() float64
}

func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = 500 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = time.Minute
	}
	if b.Max < b.Initial {
		b.Max = b.Initial
	}
	if b.Multiplier < 1 {
		b.Multiplier = 2
	}
	switch {
	case b.Jitter == 0:
		b.Jitter = 0.5
	case b.Jitter > 1:
		b.Jitter = 1
	} // negative stays negative (none), so that defaulting twice is harmless
	if b.Sleep == nil {
		b.Sleep = sleep
	}
	if b.Rand == nil {
		b.Rand = rand.Float64
	}
	return b
}

// Delay is the wait after the given number of failures in a row (1 = the
// first failure), before jitter.
func (b Backoff) Delay(failures int) time.Duration {
	b = b.withDefaults()
	d := float64(b.Initial)
	for i := 1; i < failures && d < float64(b.Max); i++ {
		d *= b.Multiplier
	}
	return min(time.Duration(d), b.Max)
}

// wait sleeps the jittered Delay(failures).
func (b Backoff) wait(ctx context.Context, failures int) error {
	b = b.withDefaults()
	d := b.Delay(failures)
	d -= time.Duration(max(b.Jitter, 0) * b.Rand() * float64(d))
	return b.Sleep(ctx, d)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Options are what every network source shares. The zero value works.
type Options struct {
	Backoff Backoff
	Logger  *slog.Logger // nil discards
	// HTTPClient makes the requests and websocket handshakes; nil uses a
	// client without a total timeout (streams last for hours).
	HTTPClient *http.Client
	// IdleTimeout drops a connection that sent nothing, not even a
	// heartbeat, for this long (X sends a keep-alive every 20 s, Mastodon
	// a comment every 15 s). Default 90 s.
	IdleTimeout time.Duration
	// ConnectTimeout bounds a handshake (until the response headers) and
	// each plain request (rules, timeline pages). Default 30 s.
	ConnectTimeout time.Duration
}

func (o Options) withDefaults() Options {
	o.Backoff = o.Backoff.withDefaults()
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 90 * time.Second
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 30 * time.Second
	}
	return o
}

// ErrUnauthorized is returned by Run when the network refused the
// credentials: reconnecting cannot help, a person must fix the token.
var ErrUnauthorized = errors.New("source: credentials refused")

// ErrEnded is returned by a replay's Run once every line was delivered.
var ErrEnded = errors.New("source: replay ended")

// fatalError stops the reconnect loop.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }
func (e *fatalError) Unwrap() error { return e.err }

// RateLimitError is a connection refused until Reset (X's 429 with
// x-rate-limit-reset). The loop waits until then, or its backoff if that is
// longer.
type RateLimitError struct {
	Reset time.Time
	Err   error
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited until %s: %v", e.Reset.UTC().Format(time.RFC3339), e.Err)
}
func (e *RateLimitError) Unwrap() error { return e.Err }

// stableAfter is how long a connection must stay up to count as a
// success even if it delivered nothing.
const stableAfter = time.Minute

// session is one connection's outcome: whether it delivered at least one
// post (which resets the backoff) and why it ended.
type session func(ctx context.Context) (delivered bool, err error)

// reconnect runs sessions until ctx ends or one fails fatally. It is the
// one reconnect policy of every network source.
func reconnect(ctx context.Context, o Options, name string, now func() time.Time, connect session) error {
	failures := 0
	for {
		started := now()
		delivered, err := connect(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var fatal *fatalError
		if errors.As(err, &fatal) {
			return fmt.Errorf("%s: %w", name, fatal.err)
		}
		// A connection that delivered, or stayed up a while (a quiet
		// hashtag delivers nothing for hours), was a success.
		if delivered || now().Sub(started) >= stableAfter {
			failures = 0
		}
		failures++
		o.Logger.LogAttrs(ctx, slog.LevelWarn, "listening source disconnected",
			slog.String("source", name), slog.Int("failures", failures), slog.Any("err", err))
		var rl *RateLimitError
		if errors.As(err, &rl) {
			// Honour the network's reset as well as our own backoff.
			if d := rl.Reset.Sub(now()); d > o.Backoff.Delay(failures) {
				if err := o.Backoff.Sleep(ctx, d); err != nil {
					return err
				}
				continue
			}
		}
		if err := o.Backoff.wait(ctx, failures); err != nil {
			return err
		}
	}
}

// deliver hands p to h until h takes it. A failing handler means the post
// could not be taken care of (its storage is down, say); the post is tried
// again after a backoff rather than skipped, so nothing is lost, and the
// stream waits meanwhile (the network may drop us for being slow; we then
// resume from the last delivered cursor). Only ctx ends the retries.
func deliver(ctx context.Context, o Options, name string, h Handler, p Post) error {
	for failures := 1; ; failures++ {
		err := h(ctx, p)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		o.Logger.LogAttrs(ctx, slog.LevelWarn, "listening handler failed, retrying the post",
			slog.String("source", name), slog.String("post", p.ID), slog.Int("attempt", failures), slog.Any("err", err))
		if err := o.Backoff.wait(ctx, failures); err != nil {
			return err
		}
	}
}
