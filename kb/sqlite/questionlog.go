package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"zhiyin/kb"
)

// LogOptions configures a Log. The zero value is usable.
type LogOptions struct {
	// Queue is how many records may wait for the writer (default 4096).
	// When it is full, questions are dropped and counted (see Dropped).
	Queue int
	// Batch is the most records written in one transaction (default 256).
	Batch int
	// MaxIDs is how many of the latest question ids are remembered in
	// memory for feedback (default 200,000); older ones are looked up.
	MaxIDs int
	Logger *slog.Logger
	Now    func() time.Time
}

// Log is the question log kept in the database: a kb.QuestionLog. Record
// never waits for the disk: entries go through a bounded queue to one
// writer, which writes them in batches, one transaction each, so a slow
// disk costs dropped log lines (counted), never slow answers.
type Log struct {
	db   *DB
	opts LogOptions
	ids  *lru.Cache[string, struct{}]

	mu     sync.RWMutex // guards closed against sends on a closed queue
	closed bool
	queue  chan any // kb.LogEntry or kb.Feedback
	done   chan struct{}

	dropped   atomic.Int64
	failed    atomic.Int64
	lastWarn  atomic.Int64
	errMu     sync.Mutex
	writeErr  error
	closeOnce sync.Once
	closeErr  error
}

var _ kb.QuestionLog = (*Log)(nil)

// OpenLog starts the question log's writer on d.
func (d *DB) OpenLog(opts LogOptions) (*Log, error) {
	if opts.Queue <= 0 {
		opts.Queue = 4096
	}
	if opts.Batch <= 0 {
		opts.Batch = 256
	}
	if opts.MaxIDs <= 0 {
		opts.MaxIDs = 200_000
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ids, err := lru.New[string, struct{}](opts.MaxIDs)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	l := &Log{db: d, opts: opts, ids: ids, queue: make(chan any, opts.Queue), done: make(chan struct{})}
	go l.write()
	return l, nil
}

// Record queues e and remembers its id for feedback; it never blocks.
func (l *Log) Record(e kb.LogEntry) {
	if e.ID != "" {
		l.ids.Add(e.ID, struct{}{})
	}
	if !l.enqueue(e) {
		n := l.dropped.Add(1)
		now := time.Now().UnixNano()
		last := l.lastWarn.Load()
		if now-last >= int64(10*time.Second) && l.lastWarn.CompareAndSwap(last, now) {
			l.opts.Logger.Warn("question log: queue full, questions dropped", "dropped_total", n)
		}
	}
}

func (l *Log) enqueue(v any) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return false
	}
	select {
	case l.queue <- v:
		return true
	default:
		return false
	}
}

// Feedback queues f. It returns CodeNotFound for an id never recorded,
// CodeInvalid for an over-long comment, CodeUnavailable when the log is
// closed or ctx ends while the queue is full.
func (l *Log) Feedback(ctx context.Context, f kb.Feedback) error {
	if f.ID == "" || len(f.ID) > 100 {
		return kb.Errorf(kb.CodeNotFound, "没有找到这条问答记录，无法提交反馈")
	}
	if !l.ids.Contains(f.ID) {
		var n int
		err := l.db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM questions WHERE id = ?`, f.ID).Scan(&n)
		if err != nil {
			return kb.WrapError(kb.CodeUnavailable, err, "服务繁忙，请稍后再试")
		}
		if n == 0 {
			return kb.Errorf(kb.CodeNotFound, "没有找到这条问答记录，无法提交反馈")
		}
	}
	if err := kb.ValidateFeedback(f); err != nil {
		return err
	}
	if f.Time.IsZero() {
		f.Time = l.opts.Now()
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return kb.Errorf(kb.CodeUnavailable, "服务正在停止，请稍后再试")
	}
	select {
	case l.queue <- f:
		return nil
	case <-ctx.Done():
		return kb.WrapError(kb.CodeUnavailable, ctx.Err(), "服务繁忙，请稍后再试")
	}
}

// Dropped returns how many questions were dropped on a full queue.
func (l *Log) Dropped() int64 { return l.dropped.Load() }

// Failed returns how many records could not be written.
func (l *Log) Failed() int64 { return l.failed.Load() }

// write takes what is queued, up to a batch, and writes it in one
// transaction.
func (l *Log) write() {
	defer close(l.done)
	batch := make([]any, 0, l.opts.Batch)
	for v := range l.queue {
		batch = append(batch[:0], v)
	fill:
		for len(batch) < l.opts.Batch {
			select {
			case v, ok := <-l.queue:
				if !ok {
					break fill
				}
				batch = append(batch, v)
			default:
				break fill
			}
		}
		l.writeBatch(batch)
	}
}

func (l *Log) writeBatch(batch []any) {
	err := l.db.tx(context.Background(), func(tx *sql.Tx) error {
		for _, v := range batch {
			var err error
			switch r := v.(type) {
			case kb.LogEntry:
				_, err = tx.Exec(`INSERT OR IGNORE INTO questions (id, time, channel, user, session, question, answered, kind, confidence, doc, clause, latency_ms, revision)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					r.ID, fmtTime(r.Time), r.Channel, r.User, r.Session, r.Question, r.Answered, string(r.Kind), r.Confidence,
					r.Doc, r.Clause, r.LatencyMS, r.Revision)
			case kb.Feedback:
				_, err = tx.Exec(`INSERT INTO feedback (question_id, helpful, comment, time) VALUES (?, ?, ?, ?)`,
					r.ID, r.Helpful, r.Comment, fmtTime(r.Time))
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if l.failed.Add(int64(len(batch))) == int64(len(batch)) {
			l.errMu.Lock()
			l.writeErr = fmt.Errorf("sqlite: question log: %w", err)
			l.errMu.Unlock()
		}
		l.opts.Logger.Error("question log: write failed", "records", len(batch), "err", err)
	}
}

// Entries returns the latest logged questions, newest first (for tests and
// reports).
func (l *Log) Entries(ctx context.Context, limit int) ([]kb.LogEntry, error) {
	rows, err := l.db.sql.QueryContext(ctx, `SELECT id, time, channel, user, session, question, answered, kind, confidence, doc, clause, latency_ms, revision
		FROM questions ORDER BY time DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kb.LogEntry
	for rows.Next() {
		var e kb.LogEntry
		var t, kind string
		if err := rows.Scan(&e.ID, &t, &e.Channel, &e.User, &e.Session, &e.Question, &e.Answered, &kind, &e.Confidence,
			&e.Doc, &e.Clause, &e.LatencyMS, &e.Revision); err != nil {
			return nil, err
		}
		e.Time, e.Kind = parseTime(t), kb.Kind(kind)
		out = append(out, e)
	}
	return out, rows.Err()
}

// FeedbackCount returns how many feedback records are stored.
func (l *Log) FeedbackCount(ctx context.Context) (int, error) {
	var n int
	err := l.db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback`).Scan(&n)
	return n, err
}

// Close stops accepting records and writes everything queued. It returns
// the first write error, if any.
func (l *Log) Close() error {
	l.closeOnce.Do(func() {
		l.mu.Lock()
		l.closed = true
		close(l.queue)
		l.mu.Unlock()
		<-l.done
		l.errMu.Lock()
		l.closeErr = l.writeErr
		l.errMu.Unlock()
	})
	return l.closeErr
}
