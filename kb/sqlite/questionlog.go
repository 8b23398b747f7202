package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
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
	// Delay is how long the writer waits, after a record arrives at an
	// empty queue, for more to join it in the same transaction (default
	// 50 ms; negative: no wait). See write.
	Delay time.Duration
	// MaxIDs is how many of the latest question ids are remembered in
	// memory for feedback (default 20,000); older ones are looked up in the
	// database. The memory is for ids not written yet — at most a full
	// queue and a batch — so that feedback given at once is not refused;
	// 200,000 ids were ~30 MB of heap the collector marked on every cycle
	// under load, for lookups that feedback (rare) can make in the table.
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

	// conn is the log's own connection to the database, with
	// synchronous=NORMAL (see OpenLog); only the writer uses it, through
	// the statements prepared on it.
	conn           *sql.DB
	insertMany     *sql.Stmt // logRows questions
	insertOne      *sql.Stmt // one question
	insertFeedback *sql.Stmt
	args           []any // the writer's, reused from batch to batch

	mu     sync.RWMutex // guards closed against sends on a closed queue
	closed bool
	queue  chan record
	stop   chan struct{} // closed by Close: the writer stops waiting
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

// record is one queued write: a question, or feedback when fb is set. The
// queue holds records by value, so that Record does not allocate for it.
type record struct {
	q  kb.LogEntry
	fb *kb.Feedback
}

// logRows is how many questions one INSERT statement writes: one statement
// of many rows costs SQLite and database/sql much less than as many
// one-row statements. 32 rows are 416 parameters, well under SQLite's
// limit of 32,766; more rows saved little in BenchmarkLogRecord.
const logRows = 32

// questionCols are the columns of one question row, in the order of
// appendQuestion.
const questionCols = 13

const insertQuestions = `INSERT OR IGNORE INTO questions
	(id, time, channel, user, session, question, answered, kind, confidence, doc, clause, latency_ms, revision) VALUES `

const questionValues = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// OpenLog starts the question log's writer on d.
//
// The log writes through its own connection, with synchronous=NORMAL
// instead of the store's FULL: in WAL mode a commit then appends to the WAL
// without an fsync, and the WAL is synced at each checkpoint. A power loss
// or an OS crash may lose the questions logged since the last sync, never
// corrupt the database (SQLite's documented guarantee for WAL with NORMAL);
// a crash of the process loses nothing written. That is acceptable for a
// log of questions, and it is the writer's main cost saved. The store's
// writes keep synchronous=FULL on their own connections: the setting is per
// connection, and each FULL commit syncs the whole WAL, including any log
// frames before it, so an acknowledged edit stays durable.
func (d *DB) OpenLog(opts LogOptions) (*Log, error) {
	if opts.Queue <= 0 {
		opts.Queue = 4096
	}
	if opts.Batch <= 0 {
		opts.Batch = 256
	}
	if opts.Delay == 0 {
		opts.Delay = 50 * time.Millisecond
	}
	if opts.MaxIDs <= 0 {
		opts.MaxIDs = 20_000
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
	l := &Log{db: d, opts: opts, ids: ids, queue: make(chan record, opts.Queue),
		stop: make(chan struct{}), done: make(chan struct{}), args: make([]any, 0, logRows*questionCols)}
	if err := l.openConn(); err != nil {
		return nil, fmt.Errorf("sqlite: question log: %w", err)
	}
	go l.write()
	return l, nil
}

// openConn opens the log's connection and prepares its statements.
func (l *Log) openConn() error {
	conn, err := sql.Open("sqlite", dsn(l.db.path, "NORMAL"))
	if err != nil {
		return err
	}
	// One connection, kept open: the statements stay prepared on it.
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	l.conn = conn
	many := insertQuestions + questionValues + strings.Repeat(", "+questionValues, logRows-1)
	if l.insertMany, err = conn.Prepare(many); err != nil {
		conn.Close()
		return err
	}
	if l.insertOne, err = conn.Prepare(insertQuestions + questionValues); err != nil {
		conn.Close()
		return err
	}
	l.insertFeedback, err = conn.Prepare(`INSERT INTO feedback (question_id, helpful, comment, time) VALUES (?, ?, ?, ?)`)
	if err != nil {
		conn.Close()
		return err
	}
	return nil
}

// Record queues e and remembers its id for feedback; it never blocks.
func (l *Log) Record(e kb.LogEntry) {
	if e.ID != "" {
		l.ids.Add(e.ID, struct{}{})
	}
	if !l.enqueue(record{q: e}) {
		n := l.dropped.Add(1)
		now := time.Now().UnixNano()
		last := l.lastWarn.Load()
		if now-last >= int64(10*time.Second) && l.lastWarn.CompareAndSwap(last, now) {
			l.opts.Logger.Warn("question log: queue full, questions dropped", "dropped_total", n)
		}
	}
}

func (l *Log) enqueue(v record) bool {
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
	case l.queue <- record{fb: &f}:
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
//
// Each transaction has a fixed cost (the commit writes the pages it
// changed to the WAL, and the table's and the time index's last pages are
// written again by every commit), so the writer, woken by a record at an
// empty queue, first waits Delay for more to come: at 4,000 questions a
// second, 50 ms gathers some 200 records into one transaction instead of a
// few. When a batch is already waiting, or the log is closing, it does not
// wait. A record waits at most Delay plus one write before it is written.
// Waiting drops nothing: the default queue of 4,096 is a second of
// questions at the engine's fastest, twenty times Delay.
func (l *Log) write() {
	defer close(l.done)
	batch := make([]record, 0, l.opts.Batch)
	wait := time.NewTimer(time.Hour)
	wait.Stop()
	for r := range l.queue {
		batch = append(batch[:0], r)
		if l.opts.Delay > 0 && len(l.queue) < l.opts.Batch-1 {
			wait.Reset(l.opts.Delay)
			select {
			case <-wait.C:
			case <-l.stop:
				wait.Stop()
			}
		}
	fill:
		for len(batch) < l.opts.Batch {
			select {
			case r, ok := <-l.queue:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		l.writeBatch(batch)
	}
}

func (l *Log) writeBatch(batch []record) {
	err := inTx(context.Background(), l.conn, func(tx *sql.Tx) error {
		// Questions go logRows to a statement, the rest one by one; they
		// keep their order (INSERT OR IGNORE keeps the first of an id).
		// Feedback, rare, is written as it comes, perhaps before questions
		// queued ahead of it: nothing orders the two tables' rows.
		many, one, feedback := tx.Stmt(l.insertMany), tx.Stmt(l.insertOne), tx.Stmt(l.insertFeedback)
		args := l.args[:0]
		for i := range batch {
			if f := batch[i].fb; f != nil {
				if _, err := feedback.Exec(f.ID, f.Helpful, f.Comment, fmtTime(f.Time)); err != nil {
					return err
				}
				continue
			}
			args = appendQuestion(args, &batch[i].q)
			if len(args) == logRows*questionCols {
				if _, err := many.Exec(args...); err != nil {
					return err
				}
				args = args[:0]
			}
		}
		for len(args) > 0 {
			if _, err := one.Exec(args[:questionCols]...); err != nil {
				return err
			}
			args = args[questionCols:]
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

// appendQuestion appends the questionCols column values of e.
func appendQuestion(args []any, e *kb.LogEntry) []any {
	return append(args, e.ID, fmtTime(e.Time), e.Channel, e.User, e.Session, e.Question, e.Answered, string(e.Kind),
		e.Confidence, e.Doc, e.Clause, e.LatencyMS, e.Revision)
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
		close(l.stop)
		close(l.queue)
		l.mu.Unlock()
		<-l.done
		l.errMu.Lock()
		l.closeErr = l.writeErr
		l.errMu.Unlock()
		// The writer has stopped: the statements and the connection are
		// no longer used.
		if err := l.conn.Close(); err != nil && l.closeErr == nil {
			l.closeErr = fmt.Errorf("sqlite: question log: %w", err)
		}
	})
	return l.closeErr
}
