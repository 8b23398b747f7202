package wechat

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/time/rate"
)

// maxLimiters bounds the per-user limiters kept; an evicted user simply
// starts again with a full bucket.
const maxLimiters = 100_000

// limiters is a token bucket per user (by OpenID hash). Never per IP: every
// request comes from WeChat's few servers.
type limiters struct {
	mu    sync.Mutex
	lru   *expirable.LRU[string, *rate.Limiter]
	limit rate.Limit
	burst int
}

// newLimiters returns nil (no limit) for a negative limit.
func newLimiters(limit rate.Limit, burst int) *limiters {
	if limit < 0 {
		return nil
	}
	// A limiter idle for longer than it takes to refill is as good as a
	// new one: that is how long one is kept.
	ttl := 10 * time.Minute
	if refill := time.Duration(float64(burst) / float64(limit) * float64(time.Second)); limit > 0 && refill > ttl {
		ttl = refill
	}
	return &limiters{lru: expirable.NewLRU[string, *rate.Limiter](maxLimiters, nil, ttl), limit: limit, burst: burst}
}

// allow reports whether user may send one more message now.
func (l *limiters) allow(user string, now time.Time) bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	lim, ok := l.lru.Get(user)
	if !ok {
		lim = rate.NewLimiter(l.limit, l.burst)
	}
	l.lru.Add(user, lim) // refreshes the expiry of an active user
	l.mu.Unlock()
	return lim.AllowN(now, 1)
}
