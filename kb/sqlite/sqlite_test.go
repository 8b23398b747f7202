package sqlite

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyin/corpus"
	"zhiyin/kb"
)

var admin = kb.Actor{Name: "tester", Remote: "127.0.0.1"}

// seeded opens a fresh database seeded with the embedded corpus.
func seeded(t *testing.T) (*DB, kb.Knowledge) { return seededB(t) }

func seededB(t testing.TB) (*DB, kb.Knowledge) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	k, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Seed(ctx, k, kb.Actor{Name: "system"}, "seed"); err != nil {
		t.Fatal(err)
	}
	return db, k
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMigrateIsIdempotent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		db, err := Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := db.SchemaVersion(ctx); err != nil || v != 2 {
			t.Errorf("open %d: schema version %d, %v", i, v, err)
		}
		var mode string
		if err := db.sql.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("journal mode %q, %v", mode, err)
		}
		db.Close()
	}
}

func TestSeedRoundTrips(t *testing.T) {
	ctx := context.Background()
	db, k := seeded(t)
	pub, rev, err := db.Published(ctx)
	if err != nil || rev != 1 {
		t.Fatalf("published revision %d, %v", rev, err)
	}
	work, err := db.Working(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if jsonOf(t, pub) != jsonOf(t, k) {
		t.Error("the published snapshot differs from the seed")
	}
	if jsonOf(t, work) != jsonOf(t, k) {
		t.Error("the working copy differs from the seed")
	}
	if ch, err := db.Drafts(ctx); err != nil || len(ch) != 0 {
		t.Errorf("drafts after seeding: %v, %v", ch, err)
	}
	if _, err := db.Seed(ctx, k, admin, "again"); kb.ErrorCode(err) != kb.CodeConflict {
		t.Errorf("second seed: %v", err)
	}
}

func TestEditPublishRestore(t *testing.T) {
	ctx := context.Background()
	db, k := seeded(t)
	doc := k.Documents[0].ID
	c, err := db.Clause(ctx, doc, "1.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateClause(ctx, doc, "1.1", c.Item.Title, "新的条款内容。", c.Version+1000, admin); kb.ErrorCode(err) != kb.CodeStale {
		t.Fatalf("stale update: %v", err)
	}
	v, err := db.UpdateClause(ctx, doc, "1.1", c.Item.Title, "新的条款内容。", c.Version, admin)
	if err != nil || v <= c.Version {
		t.Fatalf("update: version %d, %v", v, err)
	}
	if _, err := db.UpdateClause(ctx, doc, "9.9.9", "", "x", 1, admin); kb.ErrorCode(err) != kb.CodeNotFound {
		t.Errorf("missing clause: %v", err)
	}
	drafts, err := db.Drafts(ctx)
	if err != nil || len(drafts) != 1 || drafts[0].Key != kb.ClauseKey(doc, "1.1") || drafts[0].Op != "changed" {
		t.Fatalf("drafts: %+v, %v", drafts, err)
	}
	// Edits are not served before a publish.
	pub, _, _ := db.Published(ctx)
	if cl, _ := pub.Document(doc).Clause("1.1"); cl.Text == "新的条款内容。" {
		t.Error("an unpublished edit is in the published revision")
	}
	var built int64
	rev, err := db.Publish(ctx, admin, "改 1.1", func(k kb.Knowledge, n int64) error { built = n; return nil })
	if err != nil || rev.N != 2 || built != 2 || len(rev.Changes) != 1 {
		t.Fatalf("publish: %+v, %v", rev, err)
	}
	pub, n, _ := db.Published(ctx)
	if cl, _ := pub.Document(doc).Clause("1.1"); n != 2 || cl.Text != "新的条款内容。" {
		t.Errorf("revision %d serves %q", n, cl.Text)
	}
	// A failing build cancels the publish.
	if _, err := db.UpdateClause(ctx, doc, "1.1", "", "又改了。", v, admin); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Publish(ctx, admin, "坏的", func(kb.Knowledge, int64) error { return kb.Errorf(kb.CodeInvalid, "bad") }); kb.ErrorCode(err) != kb.CodeInvalid {
		t.Fatalf("failing build: %v", err)
	}
	if _, n, _ := db.Published(ctx); n != 2 {
		t.Errorf("a failed publish made revision %d", n)
	}
	rev, err = db.Restore(ctx, 1, admin, "", nil)
	if err != nil || rev.N != 3 {
		t.Fatalf("restore: %+v, %v", rev, err)
	}
	pub, _, _ = db.Published(ctx)
	if jsonOf(t, pub) != jsonOf(t, k) {
		t.Error("restoring revision 1 does not give the seed back")
	}
	if d, _ := db.Drafts(ctx); len(d) != 0 {
		t.Errorf("drafts after restore: %v", d)
	}
	revs, err := db.Revisions(ctx, 10)
	if err != nil || len(revs) != 3 || revs[0].N != 3 {
		t.Errorf("revisions: %+v, %v", revs, err)
	}
	log, err := db.AuditLog(ctx, 100)
	if err != nil || len(log) < 4 || log[0].Action != "publish" || log[0].Actor != "tester" || log[0].Remote != "127.0.0.1" {
		t.Errorf("audit: %+v, %v", log, err)
	}
}

// TestConcurrentUpdatesSameVersion: of 50 writers holding the same version,
// exactly one wins.
func TestConcurrentUpdatesSameVersion(t *testing.T) {
	ctx := context.Background()
	db, k := seeded(t)
	doc := k.Documents[0].ID
	c, err := db.Clause(ctx, doc, "2")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	codes := make(chan kb.Code, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := db.UpdateClause(ctx, doc, "2", c.Item.Title, c.Item.Text+string(rune('a'+i%26)), c.Version, admin)
			codes <- kb.ErrorCode(err)
		}(i)
	}
	wg.Wait()
	close(codes)
	n := map[kb.Code]int{}
	for code := range codes {
		n[code]++
	}
	if n[""] != 1 || n[kb.CodeStale] != 49 {
		t.Errorf("outcomes %v, want 1 success and 49 stale", n)
	}
}

func TestCRUDItems(t *testing.T) {
	ctx := context.Background()
	db, k := seeded(t)
	f := kb.FAQ{ID: "new-faq", Doc: k.Documents[0].ID, Clauses: []string{"1"}, Question: "测试问题"}
	v, err := db.PutFAQ(ctx, f, 0, admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutFAQ(ctx, f, 0, admin); kb.ErrorCode(err) != kb.CodeConflict {
		t.Errorf("duplicate faq: %v", err)
	}
	f.Question = "改过的问题"
	if _, err := db.PutFAQ(ctx, f, v+99, admin); kb.ErrorCode(err) != kb.CodeStale {
		t.Errorf("stale faq: %v", err)
	}
	if v, err = db.PutFAQ(ctx, f, v, admin); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FAQ(ctx, "new-faq"); err != nil || got.Item.Question != "改过的问题" || got.Version != v {
		t.Errorf("faq: %+v, %v", got, err)
	}
	if err := db.DeleteFAQ(ctx, "new-faq", v, admin); err != nil {
		t.Fatal(err)
	}
	wv, err := db.PutWord(ctx, kb.LexiconWord{Text: "测试新词"}, 0, admin)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteWord(ctx, "测试新词", wv, admin); err != nil {
		t.Fatal(err)
	}
	s, sv, err := db.PutSynonym(ctx, kb.SynonymEntry{Words: []string{"机房", "服务器间"}}, 0, admin)
	if err != nil || s.ID == 0 {
		t.Fatalf("synonym: %+v, %v", s, err)
	}
	if err := db.DeleteSynonym(ctx, s.ID, sv, admin); err != nil {
		t.Fatal(err)
	}
	d := kb.Document{ID: "test-doc", Title: "测试文件", Status: kb.StatusCurrent, Clauses: []kb.Clause{{ID: "1", Label: "一、", Text: "内容"}}}
	dv, err := db.CreateDocument(ctx, d, admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateDocument(ctx, d, admin); kb.ErrorCode(err) != kb.CodeConflict {
		t.Errorf("duplicate document: %v", err)
	}
	d.Status = kb.StatusRepealed
	if dv, err = db.UpdateDocument(ctx, d, dv, admin); err != nil {
		t.Fatal(err)
	}
	got, err := db.Document(ctx, "test-doc")
	if err != nil || got.Item.Status != kb.StatusRepealed || len(got.Item.Clauses) != 1 {
		t.Errorf("document: %+v, %v", got, err)
	}
	if err := db.DeleteDocument(ctx, "test-doc", dv, admin); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Clause(ctx, "test-doc", "1"); kb.ErrorCode(err) != kb.CodeNotFound {
		t.Errorf("clause of a deleted document: %v", err)
	}
	if d, _ := db.Drafts(ctx); len(d) != 0 {
		t.Errorf("drafts after undoing everything: %+v", d)
	}
}

func TestQuestionLog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := db.OpenLog(LogOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 500; i++ {
		l.Record(kb.LogEntry{ID: "q" + string(rune('A'+i%26)) + time.Duration(i).String(), Time: time.Now(), Channel: "web", Question: "问题"})
	}
	l.Record(kb.LogEntry{ID: "fresh", Time: time.Now(), Channel: "web", Question: "问题", Answered: true, Doc: "d", Clause: "1"})
	// Feedback on an id just issued is accepted before the write.
	if err := l.Feedback(ctx, kb.Feedback{ID: "fresh", Helpful: true}); err != nil {
		t.Errorf("feedback on a fresh id: %v", err)
	}
	if err := l.Feedback(ctx, kb.Feedback{ID: "never"}); kb.ErrorCode(err) != kb.CodeNotFound {
		t.Errorf("feedback on an unknown id: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l2, err := db.OpenLog(LogOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// After a restart the id is found in the database.
	if err := l2.Feedback(ctx, kb.Feedback{ID: "fresh", Helpful: false}); err != nil {
		t.Errorf("feedback after a restart: %v", err)
	}
	if err := l2.Close(); err != nil {
		t.Fatal(err)
	}
	es, err := l2.Entries(ctx, 1000)
	if err != nil || len(es) != 501 {
		t.Errorf("%d entries, %v", len(es), err)
	}
	if n, err := l2.FeedbackCount(ctx); err != nil || n != 2 {
		t.Errorf("%d feedback, %v", n, err)
	}
	db.Close()
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	db, k := seeded(t)
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, path); err == nil {
		t.Error("a backup over an existing file was allowed")
	}
	cp, err := OpenFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if err := cp.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	pub, n, err := cp.Published(ctx)
	if err != nil || n != 1 || jsonOf(t, pub) != jsonOf(t, k) {
		t.Errorf("backup serves revision %d, %v", n, err)
	}
}

// TestWriteFailure: a write the database refuses (here: query_only, as a
// read-only or failing disk would) is CodeUnavailable with a message saying
// nothing was saved, and what is stored stays readable and intact.
func TestWriteFailure(t *testing.T) {
	ctx := context.Background()
	db, k := seeded(t)
	doc := k.Documents[0].ID
	c, err := db.Clause(ctx, doc, "1.1")
	if err != nil {
		t.Fatal(err)
	}
	db.sql.SetMaxOpenConns(1)
	if _, err := db.sql.ExecContext(ctx, `PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	_, err = db.UpdateClause(ctx, doc, "1.1", "", "写不进去", c.Version, admin)
	if kb.ErrorCode(err) != kb.CodeUnavailable || !strings.Contains(kb.ErrorMessage(err), "未保存") {
		t.Errorf("refused write: %v", err)
	}
	if _, err := db.Publish(ctx, admin, "x", nil); kb.ErrorCode(err) != kb.CodeUnavailable {
		t.Errorf("refused publish: %v", err)
	}
	if got, err := db.Clause(ctx, doc, "1.1"); err != nil || got != c {
		t.Errorf("after a refused write: %+v, %v", got, err)
	}
	if _, err := db.sql.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	if _, err := db.UpdateClause(ctx, doc, "1.1", "", "又能写了", c.Version, admin); err != nil {
		t.Errorf("after the disk recovers: %v", err)
	}
}

func TestAddClausePosition(t *testing.T) {
	ctx := context.Background()
	db, k := seeded(t)
	doc := k.Documents[0].ID
	c, err := db.AddClause(ctx, doc, "1", "新的一节", "新增内容。", admin)
	if err != nil {
		t.Fatal(err)
	}
	w, err := db.Working(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, cl := range w.Document(doc).Clauses {
		ids = append(ids, cl.ID)
	}
	at := strings.Index(strings.Join(ids, " "), " "+c.Item.ID+" 2 ")
	if at < 0 {
		t.Errorf("added %s (%s) is not right before section 2: %v", c.Item.ID, c.Item.Label, ids)
	}
	if _, err := db.AddClause(ctx, doc, "99", "", "x", admin); kb.ErrorCode(err) != kb.CodeInvalid {
		t.Errorf("under a missing parent: %v", err)
	}
	if _, err := db.AddClause(ctx, "no-such-doc", "", "", "x", admin); kb.ErrorCode(err) != kb.CodeNotFound {
		t.Errorf("in a missing document: %v", err)
	}
}
