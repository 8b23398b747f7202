package jsonl_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyin/kb"
	"zhiyin/kb/jsonl"
)

func open(t *testing.T, dir string, opts jsonl.Options) *jsonl.Log {
	t.Helper()
	l, err := jsonl.Open(dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func entry(id, q string) kb.LogEntry {
	return kb.LogEntry{ID: id, Time: time.Unix(1700000000, 0).UTC(), Channel: "web", Question: q, Kind: kb.KindAnswer, Answered: true}
}

// readLines decodes every line of a file of the log.
func readLines[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: bad line %q: %v", path, sc.Text(), err)
		}
		out = append(out, v)
	}
	return out
}

func TestRecordAndFeedbackAreWritten(t *testing.T) {
	dir := t.TempDir()
	l := open(t, dir, jsonl.Options{})
	l.Record(entry("a1", "单位还能自己建机房吗？"))
	// Feedback is accepted at once, whether or not the entry is on disk yet.
	if err := l.Feedback(context.Background(), kb.Feedback{ID: "a1", Helpful: true, Comment: "很清楚 <b>"}); err != nil {
		t.Fatalf("Feedback on a recorded id: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	qs := readLines[kb.LogEntry](t, filepath.Join(dir, jsonl.QuestionsFile))
	if len(qs) != 1 || qs[0].ID != "a1" || qs[0].Question != "单位还能自己建机房吗？" {
		t.Errorf("questions.jsonl = %+v", qs)
	}
	fs := readLines[kb.Feedback](t, filepath.Join(dir, jsonl.FeedbackFile))
	if len(fs) != 1 || fs[0].ID != "a1" || !fs[0].Helpful || fs[0].Comment != "很清楚 <b>" || fs[0].Time.IsZero() {
		t.Errorf("feedback.jsonl = %+v", fs)
	}
}

func TestFeedbackErrors(t *testing.T) {
	l := open(t, t.TempDir(), jsonl.Options{})
	l.Record(entry("known", "问题"))
	tests := []struct {
		name string
		f    kb.Feedback
		want kb.Code
	}{
		{"unknown id", kb.Feedback{ID: "nope"}, kb.CodeNotFound},
		{"empty id", kb.Feedback{}, kb.CodeNotFound},
		{"comment too long", kb.Feedback{ID: "known", Comment: strings.Repeat("长", jsonl.MaxCommentRunes+1)}, kb.CodeInvalid},
		{"comment at the limit", kb.Feedback{ID: "known", Comment: strings.Repeat("长", jsonl.MaxCommentRunes)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := l.Feedback(context.Background(), tt.f)
			if got := kb.ErrorCode(err); got != tt.want {
				t.Fatalf("Feedback error code = %q (%v), want %q", got, err, tt.want)
			}
			if err != nil && kb.ErrorMessage(err) == "" {
				t.Error("error without a user message")
			}
		})
	}
}

func TestReopenKeepsIDsForFeedback(t *testing.T) {
	dir := t.TempDir()
	l, err := jsonl.Open(dir, jsonl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.Record(entry("before-restart", "问题一"))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// A crash cut the last line short: the log must still open, and the
	// next line must not be glued to the broken one.
	f, err := os.OpenFile(filepath.Join(dir, jsonl.QuestionsFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"id":"half`)
	f.Close()

	l2 := open(t, dir, jsonl.Options{})
	if err := l2.Feedback(context.Background(), kb.Feedback{ID: "before-restart", Helpful: false}); err != nil {
		t.Fatalf("feedback on an id issued before the restart: %v", err)
	}
	if err := l2.Feedback(context.Background(), kb.Feedback{ID: "half"}); kb.ErrorCode(err) != kb.CodeNotFound {
		t.Errorf("feedback on a cut-short line's id: %v, want not found", err)
	}
	l2.Record(entry("after-restart", "问题二"))
	if err := l2.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, jsonl.QuestionsFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 3 || !strings.Contains(lines[2], `"after-restart"`) || strings.Contains(lines[2], "half") {
		t.Errorf("questions.jsonl after restart:\n%s", data)
	}
}

func TestFullQueueDropsInsteadOfBlocking(t *testing.T) {
	dir := t.TempDir()
	l := open(t, dir, jsonl.Options{Queue: 1})
	const n = 5000
	done := make(chan struct{})
	go func() {
		for i := range n {
			l.Record(entry("id"+string(rune('a'+i%26))+strings.Repeat("x", i%7), "问题"))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Record blocked")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	written := len(readLines[kb.LogEntry](t, filepath.Join(dir, jsonl.QuestionsFile)))
	if int64(written)+l.Dropped() != n {
		t.Errorf("written %d + dropped %d != recorded %d", written, l.Dropped(), n)
	}
}

func TestBoundedIDs(t *testing.T) {
	l := open(t, t.TempDir(), jsonl.Options{MaxIDs: 2})
	for _, id := range []string{"one", "two", "three"} {
		l.Record(entry(id, "问题"))
	}
	if err := l.Feedback(context.Background(), kb.Feedback{ID: "one"}); kb.ErrorCode(err) != kb.CodeNotFound {
		t.Errorf("oldest id should be forgotten, got %v", err)
	}
	if err := l.Feedback(context.Background(), kb.Feedback{ID: "three"}); err != nil {
		t.Errorf("latest id: %v", err)
	}
}

func TestConcurrentUseAndClose(t *testing.T) {
	dir := t.TempDir()
	l, err := jsonl.Open(dir, jsonl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				id := string(rune('A'+g)) + "-" + strings.Repeat("i", i%5) + string(rune('0'+i%10))
				l.Record(entry(id, "并发"))
				_ = l.Feedback(context.Background(), kb.Feedback{ID: id, Helpful: true})
			}
		})
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// After Close nothing panics and nothing more is accepted.
	l.Record(entry("late", "晚到"))
	if err := l.Feedback(context.Background(), kb.Feedback{ID: "late"}); kb.ErrorCode(err) != kb.CodeUnavailable {
		t.Errorf("feedback after Close: %v, want unavailable", err)
	}
	if got := len(readLines[kb.LogEntry](t, filepath.Join(dir, jsonl.QuestionsFile))); int64(got)+l.Dropped() != 801 {
		t.Errorf("questions written %d, dropped %d", got, l.Dropped())
	}
}

func TestOpenFailsOnUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := jsonl.Open(filepath.Join(file, "sub"), jsonl.Options{}); err == nil {
		t.Fatal("Open under a regular file succeeded")
	}
}
