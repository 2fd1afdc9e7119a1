package widget

import (
	"sync"
	"time"
)

// rateLimiter is an in-memory token bucket per key: burst tokens, refilled at
// burst per period. It is per node; with several nodes behind a balancer a
// visitor gets at most that many times the limit, which is still a bound.
type rateLimiter struct {
	burst  float64
	period time.Duration
	now    func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds memory under a spray of visitor ids.
const maxBuckets = 100_000

func newRateLimiter(burst int, period time.Duration) *rateLimiter {
	return &rateLimiter{burst: float64(burst), period: period, now: time.Now, buckets: map[string]*bucket{}}
}

// allow takes one token for key. When none is left it returns false and how
// long until the next token.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	rate := l.burst / l.period.Seconds() // tokens per second
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.prune(now, rate)
		}
		if len(l.buckets) >= maxBuckets {
			// Still full: every bucket is in use, as under a spray of fresh
			// visitor ids. Forget them all rather than scan on every request.
			clear(l.buckets)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	} else {
		b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*rate)
		b.at = now
	}
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) / rate * float64(time.Second))
	}
	b.tokens--
	return true, 0
}

// prune drops buckets that have refilled completely (they carry no state).
func (l *rateLimiter) prune(now time.Time, rate float64) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
