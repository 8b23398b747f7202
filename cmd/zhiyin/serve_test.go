package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyin/kb"
	"zhiyin/kb/sqlite"
)

// startServer runs the serve Server on a free port with a fresh data
// directory, as `zhiyin serve` does, and stops it when the test ends.
func startServer(t *testing.T, rate float64) (*Server, string) {
	t.Helper()
	dir := t.TempDir()
	s := &Server{
		Addr: "127.0.0.1:0", DataDir: dir, RateLimit: rate,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if err := s.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

// testWriter sends the server's log to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

var client = &http.Client{Timeout: 30 * time.Second}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func call(t *testing.T, method, url, body string) reply {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, b}
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("not JSON (%v): %.300s", err, r.body)
	}
}

// waitReady polls /readyz until it answers 200. Before that, it must answer
// 503 in the error shape with Retry-After.
func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := call(t, "GET", base+"/readyz", "")
		if r.status == 200 {
			return
		}
		if r.status != 503 || r.header.Get("Retry-After") == "" || !bytes.Contains(r.body, []byte(`"error"`)) {
			t.Fatalf("readyz while loading: %d %q %s", r.status, r.header.Get("Retry-After"), r.body)
		}
		if time.Now().After(deadline) {
			t.Fatal("not ready after 60 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestServeEndToEnd(t *testing.T) {
	s, dir := startServer(t, 0)
	base := s.URL()

	// Alive at once, before the knowledge base is loaded.
	if r := call(t, "GET", base+"/healthz", ""); r.status != 200 {
		t.Fatalf("healthz: %d", r.status)
	}
	waitReady(t, base)

	// Ask.
	r := call(t, "POST", base+"/api/v1/ask", `{"question":"单位还能自己建机房吗？"}`)
	if r.status != 200 {
		t.Fatalf("ask: %d %s", r.status, r.body)
	}
	var a struct {
		kb.Answer
		Session string `json:"session"`
	}
	r.decode(t, &a)
	if !a.Answered || len(a.Citations) == 0 || a.ID == "" || a.Session == "" {
		t.Fatalf("ask: %s", r.body)
	}
	c := a.Citations[0]
	if c.Quote == "" || !strings.Contains(c.Text, c.Quote) || !strings.HasPrefix(c.Ref, "《") {
		t.Errorf("citation %+v: the quote must be verbatim in the clause", c)
	}
	if r := call(t, "POST", base+"/api/v1/ask", `{"question":"   "}`); r.status != 400 {
		t.Errorf("blank question: %d", r.status)
	}

	// Feedback on the issued id; an unknown id is 404.
	if r := call(t, "POST", base+"/api/v1/feedback", fmt.Sprintf(`{"id":%q,"helpful":true,"comment":"清楚"}`, a.ID)); r.status != 202 {
		t.Errorf("feedback: %d %s", r.status, r.body)
	}
	if r := call(t, "POST", base+"/api/v1/feedback", `{"id":"no-such-id","helpful":true}`); r.status != 404 {
		t.Errorf("feedback on unknown id: %d", r.status)
	}

	// Documents, one document's tree, one clause.
	var docs struct {
		Documents []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"documents"`
	}
	call(t, "GET", base+"/api/v1/documents", "").decode(t, &docs)
	if len(docs.Documents) == 0 || docs.Documents[0].ID != "gz-2017-it-guideline" {
		t.Fatalf("documents: %+v", docs)
	}
	var doc struct {
		Clauses []struct {
			ID       string            `json:"id"`
			Children []json.RawMessage `json:"children"`
		} `json:"clauses"`
	}
	r = call(t, "GET", base+"/api/v1/documents/gz-2017-it-guideline", "")
	r.decode(t, &doc)
	nested := false
	for _, n := range doc.Clauses {
		if strings.Contains(n.ID, ".") {
			t.Errorf("clause %s at the top level of the tree", n.ID)
		}
		nested = nested || len(n.Children) > 0
	}
	if !nested {
		t.Error("the clause tree has no children")
	}
	var cv kb.ClauseView
	call(t, "GET", base+"/api/v1/documents/gz-2017-it-guideline/clauses/1.2.3", "").decode(t, &cv)
	if cv.Clause.Label != "一、（二）3." || cv.Ref != "《2017年广州市财政投资信息化项目建设内容指引》一、（二）3." {
		t.Errorf("clause 1.2.3: %+v", cv)
	}
	if r := call(t, "GET", base+"/api/v1/documents/gz-2017-it-guideline/clauses/99", ""); r.status != 404 {
		t.Errorf("unknown clause: %d", r.status)
	}

	// Search marks its matches.
	var sr struct {
		Hits []kb.SearchHit `json:"hits"`
	}
	call(t, "GET", base+"/api/v1/search?q=%E6%9C%BA%E6%88%BF", "").decode(t, &sr)
	marked := false
	for _, h := range sr.Hits {
		for _, sp := range h.Text {
			marked = marked || sp.Match && strings.Contains(sp.Text, "机房")
		}
	}
	if !marked {
		t.Errorf("search for 机房 marked nothing: %+v", sr.Hits)
	}

	// OpenAPI, metrics, the console.
	var spec struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	call(t, "GET", base+"/api/v1/openapi.json", "").decode(t, &spec)
	if !strings.HasPrefix(spec.OpenAPI, "3.") || spec.Paths["/api/v1/ask"] == nil {
		t.Errorf("openapi: %v", spec.OpenAPI)
	}
	metrics := string(call(t, "GET", base+"/metrics", "").body)
	for _, want := range []string{
		`zhiyin_questions_total{channel="web",outcome="answered"} 1`,
		`zhiyin_http_requests_total{method="POST",route="/api/v1/ask",status="200"} 1`,
		"zhiyin_ready 1",
		"zhiyin_index_revision ",
		"zhiyin_build_info{",
		"zhiyin_question_log_dropped_total 0",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if r := call(t, "GET", base+"/", ""); r.status != 200 || !bytes.Contains(r.body, []byte(`<textarea id="q"`)) {
		t.Errorf("console: %d", r.status)
	}
	if r := call(t, "GET", base+"/c/gz-2017-it-guideline/1.2.3", ""); r.status != 200 {
		t.Errorf("deep link: %d", r.status)
	}

	// After Close the question and the feedback are on disk.
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	qlog, err := db.OpenLog(sqlite.LogOptions{})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := qlog.Entries(context.Background(), 10)
	if err != nil || len(entries) != 1 || entries[0].ID != a.ID || entries[0].Question != "单位还能自己建机房吗？" {
		t.Errorf("logged questions: %+v, %v", entries, err)
	}
	if n, err := qlog.FeedbackCount(context.Background()); err != nil || n != 1 {
		t.Errorf("logged feedback: %d, %v", n, err)
	}
	qlog.Close()
	if _, err := client.Get(base + "/healthz"); err == nil {
		t.Error("still serving after Close")
	}
}

// TestServeFinishesInFlightRequests: a request still arriving when the
// shutdown starts is answered, not cut off.
func TestServeFinishesInFlightRequests(t *testing.T) {
	s, _ := startServer(t, 0)
	base := s.URL()
	waitReady(t, base)

	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", base+"/api/v1/ask", pr)
	req.Header.Set("Content-Type", "application/json")
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := client.Do(req)
		if err != nil {
			done <- result{0, err}
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		done <- result{resp.StatusCode, nil}
	}()
	if _, err := pw.Write([]byte(`{"question":"单位还能`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the request is now being read

	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	time.Sleep(100 * time.Millisecond) // the shutdown has begun
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) with a request in flight", err)
	default:
	}
	if _, err := pw.Write([]byte(`自己建机房吗？"}`)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	res := <-done
	if res.err != nil || res.status != 200 {
		t.Errorf("in-flight request: status %d, err %v", res.status, res.err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestServeRateLimit(t *testing.T) {
	s, _ := startServer(t, 1)
	base := s.URL()
	waitReady(t, base)
	var statuses []int
	for range 4 {
		statuses = append(statuses, call(t, "POST", base+"/api/v1/ask", `{"question":"？"}`).status)
	}
	// Burst 2, then refused with Retry-After.
	if statuses[0] != 200 || statuses[1] != 200 || statuses[3] != 429 {
		t.Errorf("statuses %v, want 200 200 … 429", statuses)
	}
	r := call(t, "POST", base+"/api/v1/ask", `{"question":"？"}`)
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Errorf("rate limited: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
}

func TestServeFailsOnBusyAddress(t *testing.T) {
	s, _ := startServer(t, 0)
	addr := strings.TrimPrefix(s.URL(), "http://")
	other := &Server{Addr: addr, DataDir: t.TempDir()}
	if err := other.Run(context.Background()); err == nil {
		other.Close()
		t.Fatal("a second server listened on the same address")
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestServeCommand runs `zhiyin serve` itself: flags and environment, JSON
// logs, and a clean exit when the signal context ends.
func TestServeCommand(t *testing.T) {
	t.Setenv("ZHIYIN_RATE_LIMIT", "0")
	t.Setenv("ZHIYIN_LOG_FORMAT", "json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, strings.NewReader(""), io.Discard, &stderr)
	}()
	addr := regexp.MustCompile(`"addr":"(127\.0\.0\.1:\d+)"`)
	var base string
	deadline := time.Now().Add(30 * time.Second)
	for base == "" {
		if m := addr.FindStringSubmatch(stderr.String()); m != nil {
			base = "http://" + m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no listening line in the log:\n%s", stderr.String())
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if r := call(t, "GET", base+"/healthz", ""); r.status != 200 {
		t.Errorf("healthz: %d", r.status)
	}
	waitReady(t, base)
	cancel() // as SIGTERM does
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d\n%s", c, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after the signal")
	}
	// Every log line is JSON.
	sc := bufio.NewScanner(strings.NewReader(stderr.String()))
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Errorf("log line is not JSON: %s", sc.Text())
		}
	}
	if !strings.Contains(stderr.String(), `"msg":"ready"`) {
		t.Errorf("no ready line:\n%s", stderr.String())
	}
}

func TestServeFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"bad log format", []string{"--log-format", "xml"}, nil},
		{"bad log level", []string{"--log-level", "loud"}, nil},
		{"negative rate limit", []string{"--rate-limit", "-1"}, nil},
		{"rate limit not a number", nil, map[string]string{"ZHIYIN_RATE_LIMIT": "many"}},
		{"unknown flag", []string{"--port", "80"}, nil},
		{"stray argument", []string{"now"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var stderr bytes.Buffer
			args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, tt.args...)
			if c := run(context.Background(), args, strings.NewReader(""), io.Discard, &stderr); c != 2 {
				t.Errorf("exit code %d, want 2\n%s", c, stderr.String())
			}
		})
	}
}

func TestServeBadTrustedProxy(t *testing.T) {
	var stderr bytes.Buffer
	args := []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--trusted-proxies", "10.0.0.0/8, nonsense"}
	if c := run(context.Background(), args, strings.NewReader(""), io.Discard, &stderr); c != 1 || !strings.Contains(stderr.String(), "nonsense") {
		t.Errorf("exit code %d\n%s", c, stderr.String())
	}
}

// TestServeStopsWhenKnowledgeBaseFails: a server that can never become
// ready says so and stops, instead of answering 503 for ever.
func TestServeStopsWhenKnowledgeBaseFails(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "corpus", "documents"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "corpus", "documents", "broken.md"), []byte("no front matter\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	args := []string{"serve", "--addr", "127.0.0.1:0", "--data", dir}
	code := make(chan int, 1)
	go func() { code <- run(context.Background(), args, strings.NewReader(""), io.Discard, &stderr) }()
	select {
	case c := <-code:
		if c != 1 || !strings.Contains(stderr.String(), "broken.md") {
			t.Errorf("exit code %d\n%s", c, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve kept running without a knowledge base")
	}
}

// TestServePprof: --pprof serves profiles on its own listener only; the
// public address never does.
func TestServePprof(t *testing.T) {
	s := &Server{Addr: "127.0.0.1:0", DataDir: t.TempDir(), PprofAddr: "127.0.0.1:0"}
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if r := call(t, "GET", "http://"+s.pprofAt.String()+"/debug/pprof/", ""); r.status != 200 {
		t.Errorf("pprof index: %d, want 200", r.status)
	}
	if r := call(t, "GET", s.URL()+"/debug/pprof/", ""); r.status == 200 {
		t.Errorf("the public address serves pprof")
	}
	busy := &Server{Addr: "127.0.0.1:0", DataDir: t.TempDir(), PprofAddr: s.pprofAt.String()}
	if err := busy.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "--pprof") {
		busy.Close()
		t.Errorf("pprof on a busy address: %v, want a --pprof error", err)
	}
}
