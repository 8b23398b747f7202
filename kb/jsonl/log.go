// Package jsonl is a kb.QuestionLog kept as JSON lines files in the data
// directory: questions.jsonl (one kb.LogEntry a line) and feedback.jsonl (one
// kb.Feedback a line). It is the simple durable log that serves until a
// database store replaces it.
//
// Answering never waits for the disk: Record hands the entry to a background
// writer through a bounded queue and, when the queue is full, drops the entry
// and counts it rather than slow the question down. The ids of recorded
// questions are remembered (a bounded number of the latest) as soon as Record
// is called, so feedback on a fresh answer is accepted before its entry is
// written; on Open the ids already in questions.jsonl are read back, so
// feedback on answers given before a restart still works.
package jsonl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	lru "github.com/hashicorp/golang-lru/v2"

	"zhiyin/kb"
)

// File names inside the log's directory.
const (
	QuestionsFile = "questions.jsonl"
	FeedbackFile  = "feedback.jsonl"
)

// MaxCommentRunes bounds a feedback comment, in characters.
const MaxCommentRunes = 1000

// Options configures a Log. The zero value is usable.
type Options struct {
	// Queue is how many records may wait for the writer (default 4096).
	// When it is full, questions are dropped and counted (see Dropped).
	Queue int
	// MaxIDs is how many of the latest question ids are remembered for
	// feedback (default 200,000: about 5 MB).
	MaxIDs int
	// Logger receives write failures and drop warnings (default: discard).
	Logger *slog.Logger
	// Now returns the time stamped on feedback (default time.Now).
	Now func() time.Time
}

// record is one line waiting for the writer.
type record struct {
	file *bufio.Writer
	v    any
}

// Log is a kb.QuestionLog writing JSON lines files. It is safe for
// concurrent use. Close flushes what is queued.
type Log struct {
	opts      Options
	questions *os.File
	feedback  *os.File
	qw, fw    *bufio.Writer
	ids       *lru.Cache[string, struct{}]

	mu     sync.RWMutex // guards closed against sends on a closed queue
	closed bool
	queue  chan record
	done   chan struct{}

	dropped   atomic.Int64
	failed    atomic.Int64
	lastWarn  atomic.Int64 // unix nanoseconds of the last drop warning
	writeErr  error        // the writer's first error, reported by Close
	closeOnce sync.Once
	closeErr  error
}

var _ kb.QuestionLog = (*Log)(nil)

// Open opens (creating where needed) the log in dir and starts its writer.
// It returns an error when the directory or the files cannot be created or
// read.
func Open(dir string, opts Options) (*Log, error) {
	if opts.Queue <= 0 {
		opts.Queue = 4096
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
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("jsonl: %w", err)
	}
	ids, err := lru.New[string, struct{}](opts.MaxIDs)
	if err != nil {
		return nil, fmt.Errorf("jsonl: %w", err)
	}
	l := &Log{opts: opts, ids: ids, queue: make(chan record, opts.Queue), done: make(chan struct{})}
	if l.questions, err = openAppend(filepath.Join(dir, QuestionsFile)); err != nil {
		return nil, err
	}
	if l.feedback, err = openAppend(filepath.Join(dir, FeedbackFile)); err != nil {
		l.questions.Close()
		return nil, err
	}
	if err := l.loadIDs(); err != nil {
		l.questions.Close()
		l.feedback.Close()
		return nil, err
	}
	l.qw = bufio.NewWriter(l.questions)
	l.fw = bufio.NewWriter(l.feedback)
	go l.write()
	return l, nil
}

// openAppend opens path for appending and makes sure it ends with a newline:
// a line cut short by a crash must not swallow the next one.
func openAppend(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("jsonl: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("jsonl: %w", err)
	}
	if st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err != nil {
			f.Close()
			return nil, fmt.Errorf("jsonl: %s: %w", path, err)
		}
		if last[0] != '\n' {
			if _, err := f.Write([]byte{'\n'}); err != nil {
				f.Close()
				return nil, fmt.Errorf("jsonl: %s: %w", path, err)
			}
		}
	}
	return f, nil
}

// loadIDs remembers the ids of the questions already in the file (the
// latest MaxIDs of them). Lines that do not parse, such as one cut short by
// a crash, are skipped: the log must open whatever happened to it.
func (l *Log) loadIDs() error {
	if _, err := l.questions.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	r := bufio.NewReaderSize(l.questions, 64*1024)
	var e struct {
		ID string `json:"id"`
	}
	for {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			e.ID = ""
			if json.Unmarshal(line, &e) == nil && e.ID != "" {
				l.ids.Add(e.ID, struct{}{})
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("jsonl: read %s: %w", QuestionsFile, err)
		}
	}
}

// Record queues e for writing and remembers its id for feedback. It never
// blocks: when the queue is full the entry is dropped and counted.
func (l *Log) Record(e kb.LogEntry) {
	if e.ID != "" {
		l.ids.Add(e.ID, struct{}{})
	}
	if !l.enqueue(record{file: l.qw, v: e}) {
		n := l.dropped.Add(1)
		l.warnDrop(n)
	}
}

// warnDrop logs a dropped entry at most once every ten seconds, with the
// running count, so an overload does not also flood the logs.
func (l *Log) warnDrop(total int64) {
	now := time.Now().UnixNano()
	last := l.lastWarn.Load()
	if now-last < int64(10*time.Second) || !l.lastWarn.CompareAndSwap(last, now) {
		return
	}
	l.opts.Logger.Warn("question log: queue full, questions dropped", "dropped_total", total)
}

// enqueue sends r to the writer without waiting; false when the queue is
// full or the log is closed.
func (l *Log) enqueue(r record) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return false
	}
	select {
	case l.queue <- r:
		return true
	default:
		return false
	}
}

// Feedback stores f. It returns a CodeNotFound error for an id this log
// never issued (or has forgotten), CodeInvalid for an over-long comment,
// and CodeUnavailable when the log is closed or ctx ends while the queue is
// full. Unlike a question, feedback waits for room in the queue: a person
// clicked a button and expects it to count.
func (l *Log) Feedback(ctx context.Context, f kb.Feedback) error {
	if f.ID == "" || !l.ids.Contains(f.ID) {
		return kb.Errorf(kb.CodeNotFound, "没有找到这条问答记录，无法提交反馈")
	}
	if utf8.RuneCountInString(f.Comment) > MaxCommentRunes {
		return kb.Errorf(kb.CodeInvalid, "反馈意见太长了，请精简到 %d 字以内", MaxCommentRunes)
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
	case l.queue <- record{file: l.fw, v: f}:
		return nil
	case <-ctx.Done():
		return kb.WrapError(kb.CodeUnavailable, ctx.Err(), "服务繁忙，请稍后再试")
	}
}

// Dropped returns how many questions were dropped because the queue was full.
func (l *Log) Dropped() int64 { return l.dropped.Load() }

// Failed returns how many records could not be written.
func (l *Log) Failed() int64 { return l.failed.Load() }

// write is the writer goroutine: it writes records in arrival order and
// flushes whenever the queue runs empty, so a quiet log is on disk at once
// and a busy one is written in large pieces.
func (l *Log) write() {
	defer close(l.done)
	for r := range l.queue {
		l.writeOne(r)
		if len(l.queue) == 0 {
			l.flush()
		}
	}
	l.flush()
}

func (l *Log) writeOne(r record) {
	line, err := json.Marshal(r.v)
	if err == nil {
		line = append(line, '\n')
		_, err = r.file.Write(line)
	}
	if err != nil {
		l.fail(fmt.Errorf("jsonl: write: %w", err))
	}
}

func (l *Log) flush() {
	for _, w := range []*bufio.Writer{l.qw, l.fw} {
		if err := w.Flush(); err != nil {
			l.fail(fmt.Errorf("jsonl: flush: %w", err))
			// bufio.Writer keeps failing after its first error; start a
			// new one so that the log recovers when the disk does (the
			// buffered lines are lost and counted).
			w.Reset(fileOf(l, w))
		}
	}
}

func fileOf(l *Log, w *bufio.Writer) io.Writer {
	if w == l.qw {
		return l.questions
	}
	return l.feedback
}

// fail counts a failed write; the first error is logged and kept for Close,
// later ones only counted.
func (l *Log) fail(err error) {
	if l.failed.Add(1) == 1 {
		l.writeErr = err
		l.opts.Logger.Error("question log: write failed", "err", err)
	}
}

// Close stops accepting records, writes everything queued, syncs and closes
// the files. It returns the first write error, if any. Calling it again
// returns the same result.
func (l *Log) Close() error {
	l.closeOnce.Do(func() {
		l.mu.Lock()
		l.closed = true
		close(l.queue)
		l.mu.Unlock()
		<-l.done
		errs := []error{l.writeErr}
		for _, f := range []*os.File{l.questions, l.feedback} {
			if err := f.Sync(); err != nil {
				errs = append(errs, fmt.Errorf("jsonl: sync: %w", err))
			}
			if err := f.Close(); err != nil {
				errs = append(errs, fmt.Errorf("jsonl: close: %w", err))
			}
		}
		l.closeErr = errors.Join(errs...)
	})
	return l.closeErr
}
