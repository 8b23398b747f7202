package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyin/kb"
)

// blockingEngine answers only when released, so tests decide exactly how
// many requests are being answered at any moment.
type blockingEngine struct {
	Engine  // nil: only Ask and Revision are called
	entered chan struct{}
	release chan struct{}
}

func newBlockingEngine() *blockingEngine {
	return &blockingEngine{entered: make(chan struct{}, 1024), release: make(chan struct{})}
}

// Revision is read by /metrics.
func (e *blockingEngine) Revision() int64 { return 1 }

func (e *blockingEngine) Ask(ctx context.Context, q kb.Question) (kb.Answer, error) {
	e.entered <- struct{}{}
	select {
	case <-e.release:
		return kb.Answer{Answered: true}, nil
	case <-ctx.Done():
		return kb.Answer{}, ctx.Err()
	}
}

func newShedServer(t *testing.T, eng *blockingEngine, cfg ShedConfig) *Server {
	t.Helper()
	s, err := New(Config{Engine: func() Engine { return eng }, Shed: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func askOnce(t *testing.T, s *Server) response {
	return do(t, s, http.MethodPost, "/api/v1/ask", strings.NewReader(`{"question":"单位还能建机房吗"}`), jsonHeader)
}

// askMany starts n requests at once and returns a func that waits for their
// statuses.
func askMany(t *testing.T, s *Server, n int) func() []int {
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { statuses[i] = askOnce(t, s).status })
	}
	return func() []int { wg.Wait(); return statuses }
}

// waitFor polls cond with a generous deadline: the goroutines it waits for
// are only scheduled, never timed.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// shedCount reads zhiyin_http_shed_total for the ask route from /metrics.
func shedCount(t *testing.T, s *Server, reason string) float64 {
	r := do(t, s, http.MethodGet, "/metrics", nil, nil)
	prefix := `zhiyin_http_shed_total{reason="` + reason + `",route="/api/v1/ask"} `
	for _, line := range strings.Split(string(r.body), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			n, _ := strconv.ParseFloat(v, 64)
			return n
		}
	}
	return 0
}

// 64 concurrent clients is normal operation: with only two answered at a
// time, the other 62 wait their turn and every one is answered, even when
// the machine is so slow that each would wait longer than QueueWait.
func TestLoadShedQueues64Clients(t *testing.T) {
	eng := newBlockingEngine()
	s := newShedServer(t, eng, ShedConfig{MaxConcurrent: 2, QueueWait: time.Nanosecond})
	s.shedder.avgHold.Store(int64(time.Hour)) // "each question takes an hour"
	wait := askMany(t, s, NeverShedBelow)
	waitUntil(t, "2 answering and 62 waiting", func() bool {
		return len(eng.entered) == 2 && s.shedder.waiting.Load() == 62
	})
	close(eng.release)
	for i, st := range wait() {
		if st != http.StatusOK {
			t.Errorf("request %d: status %d, want 200", i, st)
		}
	}
	for _, r := range []string{shedQueueFull, shedPredicted, shedTimeout} {
		if n := shedCount(t, s, r); n != 0 {
			t.Errorf("shed %v requests (%s), want none", n, r)
		}
	}
}

// fillToFloor starts 1+NeverShedBelow requests against a server answering
// one at a time and waits until one is being answered and the rest queue:
// the next request is beyond normal operation.
func fillToFloor(t *testing.T, s *Server, eng *blockingEngine) func() []int {
	wait := askMany(t, s, 1+NeverShedBelow)
	waitUntil(t, "the queue full to the floor", func() bool {
		return len(eng.entered) == 1 && s.shedder.waiting.Load() == NeverShedBelow
	})
	return wait
}

// Beyond the floor, a request that cannot get a turn within QueueWait gets
// 503 with Retry-After; once the load is gone, requests are answered again.
func TestLoadShedTimesOutAndRecovers(t *testing.T) {
	eng := newBlockingEngine()
	s := newShedServer(t, eng, ShedConfig{MaxConcurrent: 1, QueueWait: 20 * time.Millisecond})
	first := fillToFloor(t, s, eng)

	start := time.Now()
	r := askOnce(t, s)
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503: %s", r.status, r.body)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("shed after %v: it must not queue without bound", took)
	}
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q, want 1", r.header.Get("Retry-After"))
	}
	if e := r.errorOf(t); e.Code != kb.CodeUnavailable {
		t.Errorf("code %q, want unavailable", e.Code)
	}
	if n := shedCount(t, s, shedTimeout); n != 1 {
		t.Errorf("shed_total{reason=timeout} = %v, want 1", n)
	}

	close(eng.release)
	for i, st := range first() {
		if st != http.StatusOK {
			t.Errorf("request %d within the floor: status %d, want 200", i, st)
		}
	}
	if r := askOnce(t, s); r.status != http.StatusOK {
		t.Errorf("after the load: status %d, want 200", r.status)
	}
}

// When the queue is full a newcomer is refused at once, without waiting.
func TestLoadShedQueueFull(t *testing.T) {
	eng := newBlockingEngine()
	s := newShedServer(t, eng, ShedConfig{MaxConcurrent: 1, MaxQueue: 1, QueueWait: time.Minute})
	if s.shedder.maxQueue != NeverShedBelow {
		t.Fatalf("queue bound %d, want it raised to %d", s.shedder.maxQueue, NeverShedBelow)
	}
	wait := askMany(t, s, 1+NeverShedBelow)
	waitUntil(t, "a full queue", func() bool {
		return len(eng.entered) == 1 && s.shedder.waiting.Load() == NeverShedBelow
	})
	if r := askOnce(t, s); r.status != http.StatusServiceUnavailable {
		t.Errorf("status %d with a full queue, want 503", r.status)
	}
	if n := shedCount(t, s, shedQueueFull); n != 1 {
		t.Errorf("shed_total{reason=queue_full} = %v, want 1", n)
	}
	close(eng.release)
	for i, st := range wait() {
		if st != http.StatusOK {
			t.Errorf("queued request %d: status %d, want 200", i, st)
		}
	}
}

// When the requests ahead would keep a newcomer waiting past QueueWait, it
// is refused at once rather than after waiting QueueWait for nothing.
func TestLoadShedPredictsLongWait(t *testing.T) {
	eng := newBlockingEngine()
	s := newShedServer(t, eng, ShedConfig{MaxConcurrent: 1, QueueWait: time.Minute})
	s.shedder.avgHold.Store(int64(2 * time.Minute)) // each request holds its turn for minutes
	first := fillToFloor(t, s, eng)
	if r := askOnce(t, s); r.status != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", r.status)
	}
	if n := shedCount(t, s, shedPredicted); n != 1 {
		t.Errorf("shed_total{reason=predicted} = %v, want 1", n)
	}
	close(eng.release)
	first()
}

func TestLoadShedOff(t *testing.T) {
	eng := newBlockingEngine()
	s := newShedServer(t, eng, ShedConfig{Off: true, MaxConcurrent: 1})
	if s.shedder != nil {
		t.Fatal("shedder built although Off")
	}
	wait := askMany(t, s, 3)
	waitUntil(t, "all three answering", func() bool { return len(eng.entered) == 3 })
	close(eng.release)
	for _, st := range wait() {
		if st != http.StatusOK {
			t.Errorf("status %d, want 200", st)
		}
	}
}

// A client that hangs up while waiting stops waiting, and is not counted as
// shed: the server was not refusing it.
func TestLoadShedClientGivesUp(t *testing.T) {
	eng := newBlockingEngine()
	s := newShedServer(t, eng, ShedConfig{MaxConcurrent: 1, QueueWait: time.Minute})
	first := askMany(t, s, 1)
	<-eng.entered

	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan int, 1)
	go func() {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/ask", strings.NewReader(`{"question":"单位还能建机房吗"}`)).WithContext(ctx)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		got <- w.Code
	}()
	waitUntil(t, "the second request waiting", func() bool { return s.shedder.waiting.Load() == 1 })
	cancel()
	if st := <-got; st != http.StatusServiceUnavailable {
		t.Errorf("status %d after the client gave up, want 503", st)
	}
	if n := s.shedder.waiting.Load(); n != 0 {
		t.Errorf("%d still waiting", n)
	}
	for _, r := range []string{shedQueueFull, shedPredicted, shedTimeout} {
		if n := shedCount(t, s, r); n != 0 {
			t.Errorf("shed_total{reason=%s} = %v, want 0", r, n)
		}
	}
	close(eng.release)
	first()
}
