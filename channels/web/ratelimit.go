package web

import (
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"zhiyin/kb"
)

// Bounds on the limiter's memory: idle clients are forgotten after
// limiterIdle (a client idle that long has a full bucket again, so forgetting
// it changes nothing), and at most maxClients are tracked at once.
const (
	limiterIdle  = time.Minute
	limiterSweep = time.Minute
	maxClients   = 100_000
)

// limiter is a token bucket per client address.
type limiter struct {
	rate  rate.Limit
	burst int

	mu        sync.Mutex
	clients   map[string]*client
	lastSweep time.Time
	now       func() time.Time
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perSecond, burst float64) *limiter {
	b := int(burst)
	if b < 1 {
		b = 1
	}
	return &limiter{rate: rate.Limit(perSecond), burst: b, clients: map[string]*client{}, now: time.Now}
}

// allow takes a token for key; when there is none it returns how long until
// there will be.
func (l *limiter) allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= limiterSweep || len(l.clients) >= maxClients {
		l.sweep(now)
	}
	c := l.clients[key]
	if c == nil {
		c = &client{lim: rate.NewLimiter(l.rate, l.burst)}
		l.clients[key] = c
	}
	c.seen = now
	r := c.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now) // a refused request must not use up a future token
		return false, d
	}
	return true, 0
}

// sweep forgets idle clients; if too many are still active (a flood from
// many addresses), it forgets arbitrary ones: a forgotten client only gets a
// fresh bucket, which is the worst case of forgetting.
func (l *limiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, c := range l.clients {
		if now.Sub(c.seen) >= limiterIdle {
			delete(l.clients, k)
		}
	}
	for k := range l.clients {
		if len(l.clients) < maxClients*9/10 {
			break
		}
		delete(l.clients, k)
	}
}

// size returns how many clients are tracked, for tests.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// rateLimit refuses a client's request with 429 and Retry-After once it
// exceeds its rate. The client is its address, or the forwarded address
// when the request comes through a trusted proxy (gin's ClientIP).
func (s *Server) rateLimit(c *gin.Context) {
	if s.limiter == nil {
		c.Next()
		return
	}
	ok, wait := s.limiter.allow(c.ClientIP())
	if !ok {
		c.Header("Retry-After", retryAfter(wait))
		s.writeError(c, kb.Errorf(kb.CodeRateLimited, "请求过于频繁，请稍后再试"))
		return
	}
	c.Next()
}
