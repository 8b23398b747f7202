package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"zhiyin/corpus"
	"zhiyin/kb"
	"zhiyin/kb/bleveindex"
	"zhiyin/kb/sqlite"
)

const testToken = "test-admin-token-0123456789"

// adminEnv is a server with the admin API over a real database and its own
// service (publishing changes it, so it is not the shared one).
type adminEnv struct {
	srv   *Server
	db    *sqlite.DB
	svc   *kb.Service
	store kb.Store
	log   *sqlite.Log // nil unless made by newAdminEnvLog(…, true)
}

func newAdminEnv(t testing.TB, wrap func(kb.Store) kb.Store) *adminEnv {
	t.Helper()
	return newAdminEnvLog(t, wrap, false)
}

// newAdminEnvLog is newAdminEnv whose service logs questions and feedback to
// the database (e.log) when withLog is set.
func newAdminEnvLog(t testing.TB, wrap func(kb.Store) kb.Store, withLog bool) *adminEnv {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	k := testKnowledge()
	rev, err := db.Seed(ctx, k, kb.Actor{Name: "system"}, "seed")
	if err != nil {
		t.Fatal(err)
	}
	var qlog *sqlite.Log
	opts := kb.Options{Index: bleveindex.Build}
	if withLog {
		if qlog, err = db.OpenLog(sqlite.LogOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { qlog.Close() })
		opts.Log = qlog
	}
	svc, err := kb.NewService(ctx, k, rev.N, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	var store kb.Store = db
	if wrap != nil {
		store = wrap(db)
	}
	for _, u := range []struct {
		name string
		role kb.Role
	}{{"viewer", kb.RoleViewer}, {"editor", kb.RoleEditor}, {"boss", kb.RoleAdmin}} {
		h, _ := bcrypt.GenerateFromPassword([]byte(u.name+"-password"), bcrypt.MinCost)
		if err := db.CreateUser(ctx, kb.User{Name: u.name, Role: u.role}, h, kb.Actor{Name: "system"}); err != nil {
			t.Fatal(err)
		}
	}
	var fb FeedbackStore
	if qlog != nil {
		fb = qlog
	}
	s, err := New(Config{
		Engine:   func() Engine { return svc },
		Feedback: fb,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Admin: &AdminConfig{
			Store: store, Token: testToken, Publish: svc.Publish, Review: db,
			Try: func(ctx context.Context, k kb.Knowledge, q string) (kb.Answer, error) {
				return kb.TryAsk(ctx, k, q, bleveindex.Build)
			},
			Import: func(name string, data []byte) (kb.Document, []string, error) {
				d, rep, err := corpus.ParseWithReport(name, data)
				return d, rep.Warnings, err
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &adminEnv{srv: s, db: db, svc: svc, store: store, log: qlog}
}

// req sends a request with the given credentials ("" none, "token", or a
// session cookie value) and headers.
func (e *adminEnv) req(t testing.TB, method, target, cred string, body any, hdr map[string]string) response {
	t.Helper()
	var r io.Reader
	h := map[string]string{}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = strings.NewReader(string(b))
		h["Content-Type"] = "application/json"
	}
	switch {
	case cred == "token":
		h["Authorization"] = "Bearer " + testToken
	case cred != "":
		h["Cookie"] = sessionCookie + "=" + cred
	}
	for k, v := range hdr {
		h[k] = v
	}
	return do(t, e.srv, method, target, r, h)
}

// login returns a session cookie value for user.
func (e *adminEnv) login(t testing.TB, user string) string {
	t.Helper()
	r := e.req(t, "POST", "/api/v1/admin/login", "", loginRequest{Name: user, Password: user + "-password"}, nil)
	if r.status != 200 {
		t.Fatalf("login %s: %d %s", user, r.status, r.body)
	}
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == sessionCookie {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie not HttpOnly/SameSite=Lax: %+v", c)
			}
			return c.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

// adminRouteRoles is the role every admin route needs. A route missing here
// fails TestAdminRoutesNeedRoles, so a new route cannot forget its check.
var adminRouteRoles = map[string]kb.Role{
	"POST /api/v1/admin/logout":                           kb.RoleViewer,
	"GET /api/v1/admin/me":                                kb.RoleViewer,
	"GET /api/v1/admin/users":                             kb.RoleAdmin,
	"POST /api/v1/admin/users":                            kb.RoleAdmin,
	"DELETE /api/v1/admin/users/:name":                    kb.RoleAdmin,
	"GET /api/v1/admin/audit":                             kb.RoleAdmin,
	"GET /api/v1/admin/documents":                         kb.RoleViewer,
	"POST /api/v1/admin/documents":                        kb.RoleEditor,
	"GET /api/v1/admin/documents/:doc":                    kb.RoleViewer,
	"PUT /api/v1/admin/documents/:doc":                    kb.RoleEditor,
	"DELETE /api/v1/admin/documents/:doc":                 kb.RoleEditor,
	"GET /api/v1/admin/documents/:doc/clauses/:clause":    kb.RoleViewer,
	"PUT /api/v1/admin/documents/:doc/clauses/:clause":    kb.RoleEditor,
	"POST /api/v1/admin/documents/:doc/clauses":           kb.RoleEditor,
	"DELETE /api/v1/admin/documents/:doc/clauses/:clause": kb.RoleEditor,
	"GET /api/v1/admin/faqs":                              kb.RoleViewer,
	"POST /api/v1/admin/faqs":                             kb.RoleEditor,
	"GET /api/v1/admin/faqs/:id":                          kb.RoleViewer,
	"PUT /api/v1/admin/faqs/:id":                          kb.RoleEditor,
	"DELETE /api/v1/admin/faqs/:id":                       kb.RoleEditor,
	"GET /api/v1/admin/lexicon/words":                     kb.RoleViewer,
	"POST /api/v1/admin/lexicon/words":                    kb.RoleEditor,
	"GET /api/v1/admin/lexicon/words/:word":               kb.RoleViewer,
	"PUT /api/v1/admin/lexicon/words/:word":               kb.RoleEditor,
	"DELETE /api/v1/admin/lexicon/words/:word":            kb.RoleEditor,
	"GET /api/v1/admin/lexicon/synonyms":                  kb.RoleViewer,
	"POST /api/v1/admin/lexicon/synonyms":                 kb.RoleEditor,
	"GET /api/v1/admin/lexicon/synonyms/:id":              kb.RoleViewer,
	"PUT /api/v1/admin/lexicon/synonyms/:id":              kb.RoleEditor,
	"DELETE /api/v1/admin/lexicon/synonyms/:id":           kb.RoleEditor,
	"GET /api/v1/admin/drafts":                            kb.RoleViewer,
	"POST /api/v1/admin/publish":                          kb.RoleEditor,
	"GET /api/v1/admin/revisions":                         kb.RoleViewer,
	"POST /api/v1/admin/revisions/:n/restore":             kb.RoleEditor,
	"GET /api/v1/admin/review":                            kb.RoleViewer,
	"POST /api/v1/admin/review/resolve":                   kb.RoleEditor,
	"GET /api/v1/admin/stats":                             kb.RoleViewer,
	"GET /api/v1/admin/impact":                            kb.RoleViewer,
	"POST /api/v1/admin/try":                              kb.RoleEditor,
	"POST /api/v1/admin/segment":                          kb.RoleViewer,
}

// TestAdminRoutesNeedRoles walks every registered admin route: 401 without
// credentials or with a wrong token, 403 with too small a role.
func TestAdminRoutesNeedRoles(t *testing.T) {
	e := newAdminEnv(t, nil)
	cookies := map[kb.Role]string{kb.RoleViewer: e.login(t, "viewer"), kb.RoleEditor: e.login(t, "editor")}
	n := 0
	for _, ri := range e.srv.routeInfo() {
		if !strings.HasPrefix(ri.Path, "/api/v1/admin/") || ri.Path == "/api/v1/admin/login" {
			continue
		}
		n++
		op := ri.Method + " " + ri.Path
		need, ok := adminRouteRoles[op]
		if !ok {
			t.Errorf("%s: no role listed for this route", op)
			continue
		}
		path := strings.NewReplacer(":doc", guideID, ":clause", "1.1", ":id", "1", ":word", "机房", ":name", "viewer", ":n", "1").Replace(ri.Path)
		hdr := map[string]string{"If-Match": `"1"`}
		if r := e.req(t, ri.Method, path, "", map[string]string{}, hdr); r.status != 401 {
			t.Errorf("%s without credentials: %d", op, r.status)
		}
		if r := e.req(t, ri.Method, path, "", map[string]string{}, map[string]string{"Authorization": "Bearer wrong"}); r.status != 401 {
			t.Errorf("%s with a wrong token: %d", op, r.status)
		}
		if r := e.req(t, ri.Method, path, "not-a-session", map[string]string{}, hdr); r.status != 401 {
			t.Errorf("%s with an unknown session: %d", op, r.status)
		}
		for _, role := range []kb.Role{kb.RoleViewer, kb.RoleEditor} {
			if role.Allows(need) {
				continue
			}
			if r := e.req(t, ri.Method, path, cookies[role], map[string]string{}, hdr); r.status != 403 {
				t.Errorf("%s as %s: %d, want 403", op, role, r.status)
			}
		}
	}
	if n != len(adminRouteRoles) {
		t.Errorf("%d admin routes registered, %d listed", n, len(adminRouteRoles))
	}
}

func TestAdminClauseEditPublishAsk(t *testing.T) {
	e := newAdminEnv(t, nil)
	const path = "/api/v1/admin/documents/" + guideID + "/clauses/1.1"
	r := e.req(t, "GET", path, "token", nil, nil)
	tag := r.header.Get("ETag")
	if r.status != 200 || tag == "" {
		t.Fatalf("GET: %d %q", r.status, tag)
	}
	newText := "各单位不再新建业务机房，确需建设的须报市信息化主管部门审批，审批时限为十个工作日。"
	body := map[string]string{"title": "机房建设", "text": newText}
	if r := e.req(t, "PUT", path, "token", body, nil); r.status != 428 {
		t.Errorf("PUT without If-Match: %d", r.status)
	}
	if r := e.req(t, "PUT", path, "token", body, map[string]string{"If-Match": `"999999"`}); r.status != 412 {
		t.Errorf("PUT with a stale If-Match: %d", r.status)
	}
	r = e.req(t, "PUT", path, "token", body, map[string]string{"If-Match": tag})
	if r.status != 200 || r.header.Get("ETag") == tag {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	if r := e.req(t, "PUT", path, "token", body, map[string]string{"If-Match": tag}); r.status != 412 {
		t.Errorf("PUT with the old ETag again: %d", r.status)
	}
	// Not served before a publish.
	ask := func() answerJSON {
		var a struct {
			answerJSON
			Revision int64 `json:"revision"`
		}
		postJSON(t, e.srv, "/api/v1/ask", map[string]string{"question": "单位建机房审批要几个工作日？"}).json(t, &a)
		if a.Revision != e.svc.Revision() {
			t.Errorf("answer revision %d, serving %d", a.Revision, e.svc.Revision())
		}
		return a.answerJSON
	}
	if a := ask(); a.Answered && strings.Contains(a.Citations[0].Text, "十个工作日") {
		t.Error("an unpublished edit is answered")
	}
	var drafts struct {
		Changes []kb.Change `json:"changes"`
	}
	e.req(t, "GET", "/api/v1/admin/drafts", "token", nil, nil).json(t, &drafts)
	if len(drafts.Changes) != 1 || drafts.Changes[0].Key != guideID+"#1.1" || !strings.Contains(drafts.Changes[0].After, "十个工作日") {
		t.Errorf("drafts: %+v", drafts.Changes)
	}
	r = e.req(t, "POST", "/api/v1/admin/publish", "token", publishRequest{Message: "机房审批时限"}, nil)
	var rev kb.Revision
	r.json(t, &rev)
	if r.status != 200 || rev.N != 2 || e.svc.Revision() != 2 {
		t.Fatalf("publish: %d %s", r.status, r.body)
	}
	if a := ask(); !a.Answered || !strings.Contains(a.Citations[0].Text, "十个工作日") {
		t.Errorf("after publish: %+v", a)
	}
	// Restore revision 1 as revision 3.
	r = e.req(t, "POST", "/api/v1/admin/revisions/1/restore", "token", nil, nil)
	if r.status != 200 || e.svc.Revision() != 3 {
		t.Fatalf("restore: %d %s", r.status, r.body)
	}
	if a := ask(); a.Answered && strings.Contains(a.Citations[0].Text, "十个工作日") {
		t.Error("the restored revision still answers from revision 2")
	}
	var revs struct {
		Revisions []kb.Revision `json:"revisions"`
	}
	e.req(t, "GET", "/api/v1/admin/revisions", "token", nil, nil).json(t, &revs)
	if len(revs.Revisions) != 3 || revs.Revisions[0].N != 3 || revs.Revisions[1].Message != "机房审批时限" {
		t.Errorf("revisions: %+v", revs.Revisions)
	}
	var audit struct {
		Entries []kb.AuditEntry `json:"entries"`
	}
	e.req(t, "GET", "/api/v1/admin/audit", "token", nil, nil).json(t, &audit)
	actions := []string{}
	for _, a := range audit.Entries {
		actions = append(actions, a.Action+"/"+a.Actor)
	}
	if got := strings.Join(actions, " "); !strings.Contains(got, "publish/token publish/token clause.update/token") {
		t.Errorf("audit: %s", got)
	}
	if audit.Entries[0].Remote == "" {
		t.Error("audit entries lack the remote address")
	}
}

// TestAdminConcurrentPUTs: 50 PUTs carrying the same ETag, exactly one 200.
func TestAdminConcurrentPUTs(t *testing.T) {
	e := newAdminEnv(t, nil)
	const path = "/api/v1/admin/documents/" + guideID + "/clauses/2"
	tag := e.req(t, "GET", path, "token", nil, nil).header.Get("ETag")
	var wg sync.WaitGroup
	statuses := make([]int, 50)
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := map[string]string{"title": "应用支撑层方面", "text": fmt.Sprintf("第 %d 个编辑的文字。", i)}
			statuses[i] = e.req(t, "PUT", path, "token", body, map[string]string{"If-Match": tag}).status
		}(i)
	}
	wg.Wait()
	n := map[int]int{}
	for _, s := range statuses {
		n[s]++
	}
	if n[200] != 1 || n[412] != 49 {
		t.Errorf("statuses %v, want one 200 and 49 412", n)
	}
}

// TestAskDuringPublishes: questions asked during 20 publishes never fail
// and are answered wholly from one revision: the cited text is the text
// of the revision the answer names.
func TestAskDuringPublishes(t *testing.T) {
	e := newAdminEnv(t, nil)
	const path = "/api/v1/admin/documents/" + guideID + "/clauses/1.1"
	var textOf sync.Map // revision → marker in clause 1.1
	textOf.Store(int64(1), "各单位不再新建业务机房")
	stop := make(chan struct{})
	var asked, failed atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond): // leave the publisher some CPU
				}
				r := postJSON(t, e.srv, "/api/v1/ask", map[string]string{"question": "单位还能自己建机房吗？"})
				asked.Add(1)
				var a struct {
					answerJSON
					Revision int64 `json:"revision"`
				}
				if r.status != 200 {
					failed.Add(1)
					t.Errorf("ask: %d %s", r.status, r.body)
					continue
				}
				r.json(t, &a)
				want, ok := textOf.Load(a.Revision)
				if !ok || !a.Answered || !strings.Contains(a.Citations[0].Text, want.(string)) {
					failed.Add(1)
					t.Errorf("revision %d answered %+v, want text with %v", a.Revision, a.Citations, want)
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		g := e.req(t, "GET", path, "token", nil, nil)
		marker := fmt.Sprintf("第%d版", i+2)
		body := map[string]string{"title": "机房建设", "text": "各单位不再新建业务机房（" + marker + "），可建设本单位的网络机房。"}
		if r := e.req(t, "PUT", path, "token", body, map[string]string{"If-Match": g.header.Get("ETag")}); r.status != 200 {
			t.Fatalf("PUT: %d %s", r.status, r.body)
		}
		textOf.Store(int64(i+2), marker)
		if r := e.req(t, "POST", "/api/v1/admin/publish", "token", publishRequest{Message: marker}, nil); r.status != 200 {
			t.Fatalf("publish: %d %s", r.status, r.body)
		}
	}
	close(stop)
	wg.Wait()
	if e.svc.Revision() != 21 || failed.Load() != 0 || asked.Load() < 20 {
		t.Errorf("revision %d, %d asked, %d failed", e.svc.Revision(), asked.Load(), failed.Load())
	}
	t.Logf("%d questions answered during 20 publishes", asked.Load())
}

func TestAdminLoginCSRFAndRateLimit(t *testing.T) {
	e := newAdminEnv(t, nil)
	ck := e.login(t, "editor")
	const path = "/api/v1/admin/documents/" + guideID + "/clauses/2"
	tag := e.req(t, "GET", path, ck, nil, nil).header.Get("ETag")
	body := map[string]string{"title": "", "text": "跨站写入"}
	if r := e.req(t, "PUT", path, ck, body, map[string]string{"If-Match": tag, "Sec-Fetch-Site": "cross-site"}); r.status != 403 {
		t.Errorf("cross-site cookie write: %d", r.status)
	}
	if r := e.req(t, "PUT", path, ck, body, map[string]string{"If-Match": tag, "Origin": "https://evil.example", "Host": "zhiyin.local"}); r.status != 403 {
		t.Errorf("cross-origin cookie write: %d", r.status)
	}
	if r := e.req(t, "PUT", path, ck, body, map[string]string{"If-Match": tag, "Sec-Fetch-Site": "same-origin"}); r.status != 200 {
		t.Errorf("same-origin cookie write: %d %s", r.status, r.body)
	}
	if r := e.req(t, "POST", "/api/v1/admin/logout", ck, nil, nil); r.status != 204 {
		t.Errorf("logout: %d", r.status)
	}
	if r := e.req(t, "GET", "/api/v1/admin/me", ck, nil, nil); r.status != 401 {
		t.Errorf("after logout: %d", r.status)
	}
	// Wrong passwords: refused, then rate limited (the login above used
	// one of the five attempts).
	codes := []int{}
	for i := 0; i < 5; i++ {
		codes = append(codes, e.req(t, "POST", "/api/v1/admin/login", "", loginRequest{Name: "editor", Password: "wrong"}, nil).status)
	}
	if fmt.Sprint(codes) != "[401 401 401 401 429]" {
		t.Errorf("login attempts: %v", codes)
	}
}

// failingStore fails every write as a full disk would.
type failingStore struct {
	kb.Store
	fail atomic.Bool
}

func (f *failingStore) UpdateClause(ctx context.Context, doc, id, title, text string, ifMatch int64, by kb.Actor) (int64, error) {
	if f.fail.Load() {
		return 0, kb.WrapError(kb.CodeUnavailable, syscall.ENOSPC, "知识库存储暂时无法写入，本次修改未保存，请稍后再试")
	}
	return f.Store.UpdateClause(ctx, doc, id, title, text, ifMatch, by)
}

func (f *failingStore) Publish(ctx context.Context, by kb.Actor, message string, build func(kb.Knowledge, int64) error) (kb.Revision, error) {
	if f.fail.Load() {
		// The new generation is built, then the commit fails.
		return kb.Revision{}, errors.Join(build(kb.Knowledge{}, 99), kb.WrapError(kb.CodeUnavailable, syscall.EIO, "知识库存储暂时无法写入，本次修改未保存，请稍后再试"))
	}
	return f.Store.Publish(ctx, by, message, build)
}

func TestAdminWriteFailure(t *testing.T) {
	var fs *failingStore
	e := newAdminEnv(t, func(s kb.Store) kb.Store { fs = &failingStore{Store: s}; return fs })
	const path = "/api/v1/admin/documents/" + guideID + "/clauses/1.1"
	before := e.req(t, "GET", path, "token", nil, nil)
	fs.fail.Store(true)
	r := e.req(t, "PUT", path, "token", map[string]string{"text": "写不进去"}, map[string]string{"If-Match": before.header.Get("ETag")})
	if r.status != 503 || !strings.Contains(r.errorOf(t).Message, "未保存") {
		t.Errorf("failed write: %d %s", r.status, r.body)
	}
	r = e.req(t, "POST", "/api/v1/admin/publish", "token", publishRequest{Message: "x"}, nil)
	if r.status != 503 || e.svc.Revision() != 1 {
		t.Errorf("failed publish: %d, serving revision %d", r.status, e.svc.Revision())
	}
	var a answerJSON
	if r := postJSON(t, e.srv, "/api/v1/ask", map[string]string{"question": "单位还能自己建机房吗？"}); r.status != 200 {
		t.Errorf("ask while the store fails: %d", r.status)
	} else if r.json(t, &a); !a.Answered {
		t.Errorf("ask while the store fails: %+v", a)
	}
	if after := e.req(t, "GET", path, "token", nil, nil); string(after.body) != string(before.body) {
		t.Error("a failed write changed the stored clause")
	}
}

func TestAdminDocumentsFAQLexicon(t *testing.T) {
	e := newAdminEnv(t, nil)
	md := "---\nid: test-upload\ntitle: 测试上传文件\nyear: 2020\nstatus: 现行\n---\n\n# 一、总则\n\n本文件用于测试上传。\n"
	up := func(q string, body string) response {
		return do(t, e.srv, "POST", "/api/v1/admin/documents"+q, strings.NewReader(body),
			map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": "text/markdown"})
	}
	var res importResult
	r := up("?dry_run=1", md)
	r.json(t, &res)
	if r.status != 200 || res.Saved || res.Document.ID != "test-upload" || len(res.Document.Clauses) == 0 {
		t.Fatalf("dry run: %d %s", r.status, r.body)
	}
	if r := e.req(t, "GET", "/api/v1/admin/documents/test-upload", "token", nil, nil); r.status != 404 {
		t.Errorf("a dry run saved the document: %d", r.status)
	}
	if r := up("?dry_run=1", "---\nid: x\n"); r.status != 400 {
		t.Errorf("broken upload: %d %s", r.status, r.body)
	}
	if r := up("", md); r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	if r := up("", md); r.status != 409 {
		t.Errorf("second upload: %d", r.status)
	}
	g := e.req(t, "GET", "/api/v1/admin/documents/test-upload", "token", nil, nil)
	st := kb.StatusRepealed
	if r := e.req(t, "PUT", "/api/v1/admin/documents/test-upload", "token", documentMeta{Status: &st}, map[string]string{"If-Match": g.header.Get("ETag")}); r.status != 200 {
		t.Errorf("status update: %d %s", r.status, r.body)
	}
	bad := kb.Status("作废")
	g = e.req(t, "GET", "/api/v1/admin/documents/test-upload", "token", nil, nil)
	if r := e.req(t, "PUT", "/api/v1/admin/documents/test-upload", "token", documentMeta{Status: &bad}, map[string]string{"If-Match": g.header.Get("ETag")}); r.status != 400 {
		t.Errorf("bad status: %d", r.status)
	}
	// Clauses added get the next number; removing one keeps the others'
	// ids, and a clause an FAQ entry points at cannot go.
	r = e.req(t, "POST", "/api/v1/admin/documents/"+guideID+"/clauses", "token", addClauseRequest{Parent: "1.2", Text: "新增的条款。"}, nil)
	var added kb.Clause
	r.json(t, &added)
	if r.status != 201 || added.ID != "1.2.4" || added.Label != "一、（二）4." {
		t.Errorf("add clause: %d %s", r.status, r.body)
	}
	if r := e.req(t, "DELETE", "/api/v1/admin/documents/"+guideID+"/clauses/1.2.4", "token", nil, map[string]string{"If-Match": r.header.Get("ETag")}); r.status != 204 {
		t.Errorf("delete clause: %d %s", r.status, r.body)
	}
	g = e.req(t, "GET", "/api/v1/admin/documents/"+guideID+"/clauses/1.2.3", "token", nil, nil)
	if r := e.req(t, "DELETE", "/api/v1/admin/documents/"+guideID+"/clauses/1.2.3", "token", nil, map[string]string{"If-Match": g.header.Get("ETag")}); r.status != 409 {
		t.Errorf("delete a clause an FAQ entry points at: %d %s", r.status, r.body)
	}
	g = e.req(t, "GET", "/api/v1/admin/documents/"+guideID+"/clauses/1.2", "token", nil, nil)
	if r := e.req(t, "DELETE", "/api/v1/admin/documents/"+guideID+"/clauses/1.2", "token", nil, map[string]string{"If-Match": g.header.Get("ETag")}); r.status != 409 {
		t.Errorf("delete a clause with children: %d %s", r.status, r.body)
	}
	// FAQ CRUD with ETags.
	f := kb.FAQ{ID: "new-1", Doc: guideID, Clauses: []string{"1.2.3"}, Question: "出差在外怎么连内网？"}
	r = e.req(t, "POST", "/api/v1/admin/faqs", "token", f, nil)
	if r.status != 201 {
		t.Fatalf("create faq: %d %s", r.status, r.body)
	}
	f.Similar = []string{"在外地怎么登录业务系统"}
	if r := e.req(t, "PUT", "/api/v1/admin/faqs/new-1", "token", f, nil); r.status != 428 {
		t.Errorf("faq PUT without If-Match: %d", r.status)
	}
	r = e.req(t, "PUT", "/api/v1/admin/faqs/new-1", "token", f, map[string]string{"If-Match": r.header.Get("ETag")})
	if r.status != 200 {
		t.Fatalf("faq PUT: %d %s", r.status, r.body)
	}
	if d := e.req(t, "DELETE", "/api/v1/admin/faqs/new-1", "token", nil, map[string]string{"If-Match": `"1"`}); d.status != 412 {
		t.Errorf("faq DELETE stale: %d", d.status)
	}
	// Lexicon: a word and a synonym group, then publish (a new segmenter).
	if r := e.req(t, "POST", "/api/v1/admin/lexicon/words", "token", kb.LexiconWord{Text: "内网穿透"}, nil); r.status != 201 {
		t.Errorf("create word: %d %s", r.status, r.body)
	}
	r = e.req(t, "POST", "/api/v1/admin/lexicon/synonyms", "token", kb.SynonymEntry{Words: []string{"VPN", "内网穿透"}}, nil)
	if r.status != 201 {
		t.Errorf("create synonym: %d %s", r.status, r.body)
	}
	if r := e.req(t, "POST", "/api/v1/admin/publish", "token", publishRequest{Message: "lexicon"}, nil); r.status != 200 {
		t.Fatalf("publish: %d %s", r.status, r.body)
	}
	if _, err := e.svc.Document("test-upload"); err != nil {
		t.Errorf("the uploaded document is not served: %v", err)
	}
	if r := e.req(t, "GET", "/api/v1/admin/users", "token", nil, nil); r.status != 200 || !strings.Contains(string(r.body), "editor") {
		t.Errorf("users: %d", r.status)
	}
	if r := e.req(t, "POST", "/api/v1/admin/users", "token", userRequest{Name: "new", Role: kb.RoleViewer, Password: "short"}, nil); r.status != 400 {
		t.Errorf("short password: %d", r.status)
	}
}
