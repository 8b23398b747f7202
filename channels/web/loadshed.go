package web

import (
	"runtime"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"zhiyin/kb"
)

// ShedConfig bounds the work the answering endpoints take on at once.
// Answering is CPU-bound: past a few requests per core, more concurrency only
// makes every request slower. Requests beyond MaxConcurrent wait in a queue;
// one that would wait longer than QueueWait is refused at once with 503 and
// Retry-After, so that under overload clients hear "busy" quickly instead of
// queueing without bound, and the requests that are served stay fast.
//
// Nothing is shed while at most NeverShedBelow requests wait: those wait
// their turn however slow the machine is, so normal operation (up to 64
// concurrent clients, each with one request at a time) is never refused.
// The count is of waiting requests, not of all in the server, because a
// client may send its next request before the goroutine that answered its
// last one has given its turn back. Only requests beyond that are held to
// QueueWait.
type ShedConfig struct {
	// Off turns shedding off: every request goes straight to the engine.
	Off bool
	// MaxConcurrent is how many requests are answered at once; 0 means
	// twice the number of usable cores, at least 4.
	MaxConcurrent int
	// QueueWait is the longest a request waits for its turn; 0 means
	// DefaultQueueWait.
	QueueWait time.Duration
	// MaxQueue bounds the requests waiting; 0 means DefaultMaxQueue. It is
	// never below NeverShedBelow.
	MaxQueue int
}

// Defaults of ShedConfig.
const (
	DefaultQueueWait = 100 * time.Millisecond
	DefaultMaxQueue  = 1024
	NeverShedBelow   = 64
)

// shedder is a counting semaphore with a bounded, time-limited queue.
type shedder struct {
	slots    chan struct{} // a token per request being answered
	wait     time.Duration
	maxQueue int64
	waiting  atomic.Int64
	// avgHold is a moving average of how long a request holds its slot, in
	// nanoseconds: the queue drains at about len(slots)/avgHold requests per
	// second, so a newcomer's wait can be predicted and a hopeless wait
	// refused at once rather than after QueueWait.
	avgHold atomic.Int64
	now     func() time.Time

	shed    *prometheus.CounterVec
	queued  prometheus.GaugeFunc
	working prometheus.GaugeFunc
}

// newShedder returns nil when shedding is off.
func newShedder(cfg ShedConfig, reg prometheus.Registerer) *shedder {
	if cfg.Off {
		return nil
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = max(4, 2*runtime.GOMAXPROCS(0))
	}
	if cfg.QueueWait <= 0 {
		cfg.QueueWait = DefaultQueueWait
	}
	if cfg.MaxQueue <= 0 {
		cfg.MaxQueue = DefaultMaxQueue
	}
	cfg.MaxQueue = max(cfg.MaxQueue, NeverShedBelow)
	s := &shedder{
		slots:    make(chan struct{}, cfg.MaxConcurrent),
		wait:     cfg.QueueWait,
		maxQueue: int64(cfg.MaxQueue),
		now:      time.Now,
	}
	s.shed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "zhiyin_http_shed_total",
		Help: "Requests refused with 503 because the server was saturated, by route and reason " +
			"(queue_full, predicted: the wait would exceed the limit, timeout: waited the limit).",
	}, []string{"route", "reason"})
	s.queued = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "zhiyin_http_queue_waiting",
		Help: "Requests waiting for a turn on the answering endpoints.",
	}, func() float64 { return float64(s.waiting.Load()) })
	s.working = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "zhiyin_http_answering",
		Help: "Requests being answered (at most the concurrency limit).",
	}, func() float64 { return float64(len(s.slots)) })
	reg.MustRegister(s.shed, s.queued, s.working)
	return s
}

// Reasons a request is shed, the label of zhiyin_http_shed_total.
const (
	shedQueueFull = "queue_full"
	shedPredicted = "predicted"
	shedTimeout   = "timeout"
	// gaveUp is not a shed: the client went away while waiting.
	gaveUp = "gave_up"
)

// acquire takes a slot, waiting at most s.wait. It returns "" on success
// (the caller must release), or the reason it gave up. done is the request's
// context: a client that hangs up stops waiting.
func (s *shedder) acquire(done <-chan struct{}) string {
	select {
	case s.slots <- struct{}{}:
		return ""
	default:
	}
	n := s.waiting.Add(1)
	defer s.waiting.Add(-1)
	if n <= NeverShedBelow {
		// Normal operation: wait for a turn, however long it takes; the
		// wait is bounded by the few requests ahead.
		select {
		case s.slots <- struct{}{}:
			return ""
		case <-done:
			return gaveUp
		}
	}
	if n > s.maxQueue {
		return shedQueueFull
	}
	// The requests ahead of this one leave at about one per
	// avgHold/len(slots): refuse now what would time out anyway.
	if hold := s.avgHold.Load(); hold > 0 {
		if predicted := time.Duration(n * hold / int64(cap(s.slots))); predicted > s.wait {
			return shedPredicted
		}
	}
	t := time.NewTimer(s.wait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return ""
	case <-t.C:
		return shedTimeout
	case <-done:
		return gaveUp
	}
}

// release gives the slot back and folds the time it was held into the
// average (weight 1/16: smooth enough to ignore one slow question).
func (s *shedder) release(held time.Duration) {
	<-s.slots
	old := s.avgHold.Load()
	if old == 0 {
		s.avgHold.Store(int64(held))
		return
	}
	s.avgHold.Store(old + (int64(held)-old)/16)
}

// loadShed is the middleware of the answering endpoints; see ShedConfig.
// A shed request gets 503 with Retry-After: 1, in the usual error shape.
func (s *Server) loadShed(c *gin.Context) {
	sh := s.shedder
	if sh == nil {
		c.Next()
		return
	}
	if reason := sh.acquire(c.Request.Context().Done()); reason != "" {
		if reason == gaveUp {
			// Nobody to answer; the request is logged as cancelled.
			s.writeError(c, c.Request.Context().Err())
			return
		}
		sh.shed.WithLabelValues(c.FullPath(), reason).Inc()
		c.Header("Retry-After", "1")
		s.writeError(c, kb.Errorf(kb.CodeUnavailable, "当前咨询人数较多，请稍后再试"))
		return
	}
	start := sh.now()
	defer func() { sh.release(sh.now().Sub(start)) }()
	c.Next()
}
