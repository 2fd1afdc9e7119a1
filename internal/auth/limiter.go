package auth

import (
	"sync"
	"time"
)

// Limiter allows at most Max failures per key within Window (a fixed window
// per key, enough to make password guessing slow).
type Limiter struct {
	Max    int
	Window time.Duration
	Now    func() time.Time

	mu   sync.Mutex
	hits map[string]*window
}

type window struct {
	start time.Time
	n     int
}

// NewLimiter returns a limiter of max failures per window.
func NewLimiter(max int, win time.Duration) *Limiter {
	return &Limiter{Max: max, Window: win, Now: time.Now, hits: map[string]*window{}}
}

// Allowed reports whether key may try again now.
func (l *Limiter) Allowed(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.hits[key]
	if w == nil || l.Now().Sub(w.start) > l.Window {
		return true
	}
	return w.n < l.Max
}

// Fail records a failed attempt for key.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	w := l.hits[key]
	if w == nil || now.Sub(w.start) > l.Window {
		w = &window{start: now}
		l.hits[key] = w
	}
	w.n++
	if len(l.hits) > 100_000 { // bound memory under a spray of keys
		for k, v := range l.hits {
			if now.Sub(v.start) > l.Window {
				delete(l.hits, k)
			}
		}
	}
}

// Reset clears key after a success.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	delete(l.hits, key)
	l.mu.Unlock()
}
