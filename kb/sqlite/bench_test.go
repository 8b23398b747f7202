package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zhiyin/kb"
)

// BenchmarkQuestionLog measures the writer: questions recorded and written
// to the database (in batched transactions) per second.
func BenchmarkQuestionLog(b *testing.B) {
	db, err := Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	l, err := db.OpenLog(LogOptions{Queue: b.N + 1})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Record(kb.LogEntry{ID: fmt.Sprint(i), Time: now, Channel: "web", Question: "值班人员晚上要远程登录系统处理故障", Answered: true, Doc: "d", Clause: "1.2.3"})
	}
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	if l.Dropped() != 0 {
		b.Fatalf("%d dropped", l.Dropped())
	}
}

// BenchmarkClauseUpdate measures one acknowledged (fsynced) clause edit.
func BenchmarkClauseUpdate(b *testing.B) {
	ctx := context.Background()
	db, k := seededB(b)
	doc := k.Documents[0].ID
	c, err := db.Clause(ctx, doc, "1.1")
	if err != nil {
		b.Fatal(err)
	}
	v := c.Version
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if v, err = db.UpdateClause(ctx, doc, "1.1", "", fmt.Sprint("内容", i), v, admin); err != nil {
			b.Fatal(err)
		}
	}
}
