package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhiyin/kb"
	"zhiyin/kb/sqlite"
)

const (
	durToken  = "durability-test-token"
	durClause = "/api/v1/admin/documents/gz-2017-it-guideline/clauses/1.1"
)

// TestHelperServe is not a test: it is `zhiyin serve`, run as a child
// process by TestKillDuringEdits.
func TestHelperServe(t *testing.T) {
	if os.Getenv("ZHIYIN_HELPER_SERVE") != "1" {
		t.Skip("child process of TestKillDuringEdits")
	}
	os.Exit(run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--rate-limit", "0"}, nil, io.Discard, os.Stderr))
}

// adminCall sends an admin request with the bearer token.
func adminCall(base, method, path, ifMatch string, body any) (int, http.Header, []byte, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, base+path, r)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+durToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

var listenRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startChild starts the server as a child process and returns its base URL
// once it is ready.
func startChild(t *testing.T, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServe$")
	cmd.Env = append(os.Environ(), "ZHIYIN_HELPER_SERVE=1", "ZHIYIN_DATA="+dir, "ZHIYIN_ADMIN_TOKEN="+durToken, "ZHIYIN_LOG_LEVEL=info")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("child did not listen")
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd, base
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("child not ready")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// editNumber reads the edit counter out of the clause text written by
// TestKillDuringEdits ("…第N次编辑"), 0 for the original text.
func editNumber(text string) int {
	var n int
	if i := strings.LastIndex(text, "第"); i >= 0 {
		fmt.Sscanf(text[i:], "第%d次编辑", &n)
	}
	return n
}

// TestKillDuringEdits kills the server with SIGKILL at random moments
// during a stream of clause edits and publishes, restarts it, and checks
// that every acknowledged edit and publish is there and the database is
// intact. The index is in memory and rebuilt from the database at every
// start, so there is no index directory to corrupt.
func TestKillDuringEdits(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server 50 times")
	}
	rounds := 50
	dir := t.TempDir()
	ackEdit, ackRev := 0, int64(1)
	start := time.Now()
	for round := 0; round < rounds; round++ {
		cmd, base := startChild(t, dir)
		// What the previous rounds acknowledged is there.
		code, hdr, body, err := adminCall(base, "GET", durClause, "", nil)
		if err != nil || code != 200 {
			cmd.Process.Kill()
			t.Fatalf("round %d: GET clause: %d %v", round, code, err)
		}
		var cl kb.Clause
		json.Unmarshal(body, &cl)
		if n := editNumber(cl.Text); n < ackEdit {
			t.Errorf("round %d: clause holds edit %d, edit %d was acknowledged", round, n, ackEdit)
		} else {
			ackEdit = n // an edit in flight at the kill may have committed
		}
		var revs struct {
			Revision int64 `json:"revision"`
		}
		_, _, body, _ = adminCall(base, "GET", "/api/v1/admin/revisions?limit=1", "", nil)
		json.Unmarshal(body, &revs)
		if revs.Revision < ackRev {
			t.Errorf("round %d: serving revision %d, revision %d was acknowledged", round, revs.Revision, ackRev)
		}
		ackRev = max(ackRev, revs.Revision)

		// Edit and publish until killed.
		killAt := time.Duration(rand.IntN(1500)+20) * time.Millisecond
		timer := time.AfterFunc(killAt, func() { cmd.Process.Kill() })
		tag := hdr.Get("ETag")
		for i := 0; ; i++ {
			next := ackEdit + 1
			text := fmt.Sprintf("各单位不再新建业务机房，可建设本单位的网络机房。第%d次编辑", next)
			code, hdr, _, err := adminCall(base, "PUT", durClause, tag, map[string]string{"title": "机房建设", "text": text})
			if err != nil {
				break // killed
			}
			if code != 200 {
				t.Fatalf("round %d: PUT: %d", round, code)
			}
			ackEdit, tag = next, hdr.Get("ETag")
			if i%2 == 1 {
				code, _, body, err := adminCall(base, "POST", "/api/v1/admin/publish", "", map[string]string{"message": "kill test"})
				if err != nil {
					break
				}
				var rev kb.Revision
				if code != 200 || json.Unmarshal(body, &rev) != nil {
					t.Fatalf("round %d: publish: %d %s", round, code, body)
				}
				ackRev = rev.N
			}
		}
		timer.Stop()
		cmd.Process.Kill()
		cmd.Wait()
	}
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(context.Background()); err != nil {
		t.Error(err)
	}
	c, err := db.Clause(context.Background(), "gz-2017-it-guideline", "1.1")
	if err != nil || editNumber(c.Item.Text) < ackEdit {
		t.Errorf("after the last kill: %q, %v; edit %d was acknowledged", c.Item.Text, err, ackEdit)
	}
	if _, n, err := db.Published(context.Background()); err != nil || n < ackRev {
		t.Errorf("after the last kill: revision %d, %v; revision %d was acknowledged", n, err, ackRev)
	}
	t.Logf("%d rounds in %v: %d edits and %d revisions acknowledged", rounds, time.Since(start).Round(time.Millisecond), ackEdit, ackRev)
}

// TestBackupRestore backs up a served, edited database and restores it into
// a fresh directory, which then answers the same.
func TestBackupRestore(t *testing.T) {
	dir := t.TempDir()
	ask := func(base string) (string, int64) {
		t.Helper()
		var a struct {
			Citations []kb.Citation `json:"citations"`
			Revision  int64         `json:"revision"`
		}
		call(t, "POST", base+"/api/v1/ask", `{"question":"单位建机房审批要几个工作日？"}`).decode(t, &a)
		if len(a.Citations) == 0 {
			return "", a.Revision
		}
		return a.Citations[0].Text, a.Revision
	}
	serve := func(dir string) *Server {
		s := &Server{Addr: "127.0.0.1:0", DataDir: dir, AdminToken: durToken,
			Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		waitReady(t, s.URL())
		return s
	}
	s := serve(dir)
	_, hdr, _, _ := adminCall(s.URL(), "GET", durClause, "", nil)
	text := "各单位不再新建业务机房，确需建设的须报审批，审批时限为十个工作日。"
	if code, _, body, _ := adminCall(s.URL(), "PUT", durClause, hdr.Get("ETag"), map[string]string{"title": "机房建设", "text": text}); code != 200 {
		t.Fatalf("PUT: %d %s", code, body)
	}
	if code, _, body, _ := adminCall(s.URL(), "POST", "/api/v1/admin/publish", "", map[string]string{"message": "审批时限"}); code != 200 {
		t.Fatalf("publish: %d %s", code, body)
	}
	wantText, wantRev := ask(s.URL())
	if wantText != text || wantRev != 2 {
		t.Fatalf("after publish: revision %d cites %q", wantRev, wantText)
	}
	backup := filepath.Join(t.TempDir(), "zhiyin-backup.db")
	var out, errb strings.Builder
	// The backup is taken while the server runs.
	if code := run(context.Background(), []string{"backup", "--data", dir, backup}, nil, &out, &errb); code != 0 {
		t.Fatalf("backup: %d %s", code, errb.String())
	}
	s.Close()
	fresh := filepath.Join(t.TempDir(), "fresh")
	if code := run(context.Background(), []string{"restore", "--data", fresh, backup}, nil, &out, &errb); code != 0 {
		t.Fatalf("restore: %d %s", code, errb.String())
	}
	if code := run(context.Background(), []string{"restore", "--data", fresh, backup}, nil, &out, &errb); code != 1 {
		t.Errorf("restore over a database without --force: %d", code)
	}
	s2 := serve(fresh)
	defer s2.Close()
	if gotText, gotRev := ask(s2.URL()); gotText != wantText || gotRev != wantRev {
		t.Errorf("restored: revision %d cites %q, want %d %q", gotRev, gotText, wantRev, wantText)
	}
	if code := run(context.Background(), []string{"restore", "--data", t.TempDir(), filepath.Join(dir, "nonexistent")}, nil, &out, &errb); code != 1 {
		t.Errorf("restore of a missing file: %d", code)
	}
}
