package source

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"time"
)

// errIdle is why a connection that went silent was dropped.
var errIdle = errors.New("no data or heartbeat within the idle timeout")

// idleBody cancels a streaming response when no byte arrived for the idle
// timeout. A half-open TCP connection otherwise blocks a read forever; the
// networks send heartbeats precisely so that clients can notice.
type idleBody struct {
	r     io.Reader
	timer *time.Timer
	d     time.Duration
	fired atomic.Bool
}

// watchIdle returns a reader over r that calls cancel after d without
// data, and a stop function to release the timer.
func watchIdle(r io.Reader, d time.Duration, cancel context.CancelFunc) (*idleBody, func()) {
	b := &idleBody{r: r, d: d}
	b.timer = time.AfterFunc(d, func() {
		b.fired.Store(true)
		cancel()
	})
	return b, func() { b.timer.Stop() }
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if n > 0 {
		b.timer.Reset(b.d)
	}
	if err != nil && b.fired.Load() {
		return n, errIdle
	}
	return n, err
}
