package sqlite

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"syscall"
	"testing"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"zhiyin/kb"
)

// The question log benchmarks report cpu-ns/record: user plus system CPU
// time of the whole process (Record, the writer, SQLite, the kernel's
// writes and fsyncs) divided by the records written, because the log's
// cost under load is CPU taken from answering, not wall time. Run them with
// a fixed count, so that the prefilled database is built once:
//
//	go test ./kb/sqlite -run '^$' -bench 'BenchmarkLog' -benchtime 20000x -count 3

// BenchmarkLogRecord: b.N records through Record, then Close (which writes
// everything queued); the queue holds them all, so the writer works in full
// batches. "empty" starts from a new database; "200k" from one already
// holding 200,000 questions, where the random ids of new questions fall on
// different pages of the id index, as they do in a log in service.
func BenchmarkLogRecord(b *testing.B) {
	for _, prefill := range []int{0, 200_000} {
		name := "empty"
		if prefill > 0 {
			name = fmt.Sprintf("%dk", prefill/1000)
		}
		b.Run(name, func(b *testing.B) {
			db := benchLogDB(b, prefill)
			es := benchEntries(b.N)
			l, err := db.OpenLog(LogOptions{Queue: b.N + 1})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			cpu := processCPU()
			b.ResetTimer()
			for i := range es {
				l.Record(es[i])
			}
			if err := l.Close(); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/record")
			checkLogged(b, db, l, prefill+b.N)
		})
	}
}

// BenchmarkLogPaced: records arrive at about 4,000 a second, four every
// millisecond, as under the HTTP load test. The writer then sees short
// queues, so this measures the cost per record at the batch sizes of a
// busy server rather than of a backlog. ns/op is the pacing; read
// cpu-ns/record, less that of "pacing" (the ticker alone, whose wake-ups
// are not free on an otherwise idle process).
func BenchmarkLogPaced(b *testing.B) {
	pace := func(b *testing.B, record func(i int)) {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for i := 0; i < b.N; i++ {
			if i%4 == 0 {
				<-tick.C
			}
			record(i)
		}
	}
	b.Run("pacing", func(b *testing.B) {
		cpu := processCPU()
		pace(b, func(int) {})
		b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/record")
	})
	b.Run("log", func(b *testing.B) {
		db := benchLogDB(b, 200_000)
		es := benchEntries(b.N)
		l, err := db.OpenLog(LogOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		cpu := processCPU()
		b.ResetTimer()
		pace(b, func(i int) { l.Record(es[i]) })
		if err := l.Close(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/record")
		checkLogged(b, db, l, 200_000+b.N)
	})
}

// BenchmarkLogRecordCall measures Record alone: the id cache and the send
// to the queue. The Log has no writer and a queue that holds every record,
// so nothing is dropped; the cache holds fewer ids than are recorded, so it
// evicts, as it does in a server that has run a while. Run it with a count
// such as -benchtime 200000x (the queue takes some 200 bytes a record).
func BenchmarkLogRecordCall(b *testing.B) {
	es := benchEntries(b.N)
	ids, err := lru.New[string, struct{}](b.N/4 + 1)
	if err != nil {
		b.Fatal(err)
	}
	l := &Log{opts: LogOptions{Logger: slog.New(slog.DiscardHandler)}, ids: ids, queue: make(chan record, b.N)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range es {
		l.Record(es[i])
	}
	b.StopTimer()
	if l.Dropped() != 0 {
		b.Fatalf("%d dropped", l.Dropped())
	}
}

func benchLogDB(b *testing.B, prefill int) *DB {
	b.Helper()
	db, err := Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if prefill > 0 {
		// Random ids like kb's (24 hex digits) and times before the
		// benchmark's, so new questions go to the end of the time index.
		_, err := db.sql.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO questions (id, time, channel, question, answered, kind, confidence, doc, clause, latency_ms, revision)
			SELECT lower(hex(randomblob(12))), strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || i || ' seconds'),
				'web', '值班人员晚上要远程登录系统处理故障' || i, i % 3 != 0, 'answer', 0.8, 'gz-2017-it-guideline', '1.2.3', 0.12, 7
			FROM n`, prefill)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.sql.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// benchEntries makes n entries like the service's: random ids, times a
// little apart, questions of different lengths.
func benchEntries(n int) []kb.LogEntry {
	qs := []string{"值班人员晚上要远程登录系统处理故障，需要走什么审批流程？", "VPN账号如何开通", "单位还能自己建机房吗",
		"政务云上的业务系统等保测评由谁负责，费用从哪里出", "你好"}
	now := time.Now()
	es := make([]kb.LogEntry, n)
	for i := range es {
		var id [12]byte
		_, _ = rand.Read(id[:])
		es[i] = kb.LogEntry{ID: hex.EncodeToString(id[:]), Time: now.Add(time.Duration(i) * time.Microsecond),
			Channel: "web", User: "u" + fmt.Sprint(i%97), Session: fmt.Sprint("s", i%1000), Question: qs[i%len(qs)],
			Answered: i%3 != 0, Kind: kb.KindAnswer, Confidence: 0.83, Doc: "gz-2017-it-guideline", Clause: "1.2.3",
			LatencyMS: 0.104, Revision: 7}
	}
	return es
}

func checkLogged(b *testing.B, db *DB, l *Log, want int) {
	b.Helper()
	if l.Dropped() != 0 || l.Failed() != 0 {
		b.Fatalf("%d dropped, %d failed", l.Dropped(), l.Failed())
	}
	var n int
	if err := db.sql.QueryRow(`SELECT COUNT(*) FROM questions`).Scan(&n); err != nil || n != want {
		b.Fatalf("%d questions logged, want %d (%v)", n, want, err)
	}
}

// processCPU is the user and system CPU time of the process so far, in ns.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
