package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"zhiyin/kb"
)

// TestQuestionLogBatches: questions written many to a statement and one by
// one, with feedback among them, arrive whole and in order; a repeated id
// keeps its first entry, as INSERT OR IGNORE did one row at a time.
func TestQuestionLogBatches(t *testing.T) {
	ctx := context.Background()
	_, l := openTestLog(t, LogOptions{})
	base := time.Date(2026, 3, 1, 8, 0, 0, 123456789, time.UTC)
	n := 3*logRows + 5 // three full statements and five single rows
	want := make([]kb.LogEntry, n)
	for i := range want {
		want[i] = kb.LogEntry{ID: fmt.Sprintf("id%03d", i), Time: base.Add(time.Duration(i) * time.Second), Channel: "web",
			User: fmt.Sprint("u", i), Session: fmt.Sprint("s", i), Question: fmt.Sprint("问题", i), Answered: i%2 == 0,
			Kind: kb.KindAnswer, Confidence: float64(i) / 100, Doc: "d", Clause: fmt.Sprint("1.", i), LatencyMS: 0.25, Revision: int64(i)}
		l.Record(want[i])
		if i%40 == 7 {
			if err := l.Feedback(ctx, kb.Feedback{ID: want[i].ID, Helpful: false, Comment: "没用"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	dup := want[3]
	dup.Question = "重复的编号"
	l.Record(dup)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := l.Entries(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d entries, want %d", len(got), n)
	}
	for i, e := range got { // newest first
		w := want[n-1-i]
		if !e.Time.Equal(w.Time) {
			t.Errorf("entry %s: time %v, want %v", w.ID, e.Time, w.Time)
		}
		e.Time = w.Time
		if e != w {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, e, w)
		}
	}
	if c, err := l.FeedbackCount(ctx); err != nil || c != 3 {
		t.Errorf("%d feedback, %v", c, err)
	}
}

// TestQuestionLogSynchronous: the log's own connection commits with
// synchronous=NORMAL; the store's connections keep FULL.
func TestQuestionLogSynchronous(t *testing.T) {
	ctx := context.Background()
	db, l := openTestLog(t, LogOptions{})
	var logSync, storeSync int
	if err := l.conn.QueryRow(`PRAGMA synchronous`).Scan(&logSync); err != nil {
		t.Fatal(err)
	}
	// Several store connections at once, so that more than one is checked.
	tx1, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback()
	for _, q := range []interface {
		QueryRow(string, ...any) *sql.Row
	}{tx1, db.sql} {
		if err := q.QueryRow(`PRAGMA synchronous`).Scan(&storeSync); err != nil {
			t.Fatal(err)
		}
		if storeSync != 2 {
			t.Errorf("store connection: synchronous=%d, want 2 (FULL)", storeSync)
		}
	}
	if logSync != 1 {
		t.Errorf("log connection: synchronous=%d, want 1 (NORMAL)", logSync)
	}
}

// TestQuestionLogDelay: the writer waits Delay to fill a batch, then
// writes without Close; Close does not wait out the delay.
func TestQuestionLogDelay(t *testing.T) {
	ctx := context.Background()
	db, l := openTestLog(t, LogOptions{Delay: 20 * time.Millisecond})
	l.Record(kb.LogEntry{ID: "a", Time: time.Now(), Channel: "web", Question: "问题"})
	deadline := time.Now().Add(5 * time.Second)
	for {
		es, err := l.Entries(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not written within 5 s of a 20 ms delay")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l, err := db.OpenLog(LogOptions{Delay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	l.Record(kb.LogEntry{ID: "b", Time: time.Now(), Channel: "web", Question: "问题"})
	start := time.Now()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Close took %v with a delay of an hour", d)
	}
	if es, err := l.Entries(ctx, 10); err != nil || len(es) != 2 {
		t.Errorf("%d entries after Close, %v", len(es), err)
	}
}

// openTestLog opens a database in a temporary directory and its question
// log with opts; the test's end closes both (closing a log twice is fine).
func openTestLog(t *testing.T, opts LogOptions) (*DB, *Log) {
	t.Helper()
	db, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	l, err := db.OpenLog(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return db, l
}
