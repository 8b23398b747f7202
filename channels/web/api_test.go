package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"zhiyin/kb"
)

func TestAskAnswersWithCitation(t *testing.T) {
	s := newTestServer(t)
	r := postJSON(t, s, "/api/v1/ask", map[string]string{"question": "单位还能自己建机房吗？"})
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	var a answerJSON
	r.json(t, &a)
	if !a.Answered || len(a.Citations) == 0 {
		t.Fatalf("not answered: %s", r.body)
	}
	c := a.Citations[0]
	if c.Doc == "" || c.Clause == "" || c.Ref == "" || c.Text == "" {
		t.Errorf("citation incomplete: %+v", c)
	}
	if c.Quote == "" || !strings.Contains(c.Text, c.Quote) {
		t.Errorf("quote %q is not verbatim in the clause text %q", c.Quote, c.Text)
	}
	if !strings.HasPrefix(c.Ref, "《"+guideTtl+"》") {
		t.Errorf("citation line %q", c.Ref)
	}
	if a.ID == "" {
		t.Error("no id for feedback")
	}
	if a.Session == "" {
		t.Error("no session generated")
	}
	// The raw JSON keeps the contract's names.
	for _, key := range []string{`"answered"`, `"answer"`, `"confidence"`, `"citations"`, `"doc_title"`, `"quote"`, `"citation"`, `"id"`, `"session"`} {
		if !bytes.Contains(r.body, []byte(key)) {
			t.Errorf("response lacks %s: %s", key, r.body)
		}
	}
}

func TestAskKeepsGivenSession(t *testing.T) {
	s := newTestServer(t)
	var a answerJSON
	postJSON(t, s, "/api/v1/ask", map[string]string{"question": "单位还能自己建机房吗？", "session": "call-42"}).json(t, &a)
	if a.Session != "call-42" {
		t.Errorf("session = %q, want the one given", a.Session)
	}
	var b answerJSON
	postJSON(t, s, "/api/v1/ask", map[string]string{"question": "单位还能自己建机房吗？"}).json(t, &b)
	var c answerJSON
	postJSON(t, s, "/api/v1/ask", map[string]string{"question": "单位还能自己建机房吗？"}).json(t, &c)
	if b.Session == c.Session {
		t.Errorf("two requests without a session got the same one: %q", b.Session)
	}
}

func TestAskStatuses(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name   string
		body   string
		header map[string]string
		status int
		code   kb.Code
	}{
		{"empty question", `{"question":""}`, jsonHeader, 400, kb.CodeInvalid},
		{"whitespace question", `{"question":"  \n\t　"}`, jsonHeader, 400, kb.CodeInvalid},
		{"missing question", `{}`, jsonHeader, 400, kb.CodeInvalid},
		{"null question", `{"question":null}`, jsonHeader, 400, kb.CodeInvalid},
		{"not JSON", `question=机房`, jsonHeader, 400, kb.CodeInvalid},
		{"number for string", `{"question":42}`, jsonHeader, 400, kb.CodeInvalid},
		{"array instead of object", `["机房"]`, jsonHeader, 400, kb.CodeInvalid},
		{"two objects", `{"question":"机房"}{"question":"机房"}`, jsonHeader, 400, kb.CodeInvalid},
		{"bad session", `{"question":"机房","session":"<script>"}`, jsonHeader, 400, kb.CodeInvalid},
		{"501 characters", `{"question":"` + strings.Repeat("问", 501) + `"}`, jsonHeader, 400, kb.CodeInvalid},
		{"over 16 KiB", `{"question":"` + strings.Repeat("a", 17<<10) + `"}`, jsonHeader, 413, kb.CodeTooLarge},
		{"form content type", `{"question":"机房"}`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, codeUnsupportedType},
		{"no content type", `{"question":"机房"}`, nil, 415, codeUnsupportedType},
		{"empty body", ``, jsonHeader, 400, kb.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, http.MethodPost, "/api/v1/ask", strings.NewReader(tt.body), tt.header)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			e := r.errorOf(t)
			if e.Code != tt.code {
				t.Errorf("code %q, want %q", e.Code, tt.code)
			}
			if !hasHan(e.Message) {
				t.Errorf("message %q is not Chinese", e.Message)
			}
		})
	}
}

func TestAskExactly500Characters(t *testing.T) {
	s := newTestServer(t)
	r := postJSON(t, s, "/api/v1/ask", map[string]string{"question": strings.Repeat("机房", 250)})
	if r.status != http.StatusOK {
		t.Fatalf("500 characters: status %d: %s", r.status, r.body)
	}
}

func TestAskWithoutLettersIsNotAnError(t *testing.T) {
	s := newTestServer(t)
	r := postJSON(t, s, "/api/v1/ask", map[string]string{"question": "？？？"})
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var a answerJSON
	r.json(t, &a)
	if a.Answered || a.Answer == "" {
		t.Errorf("？？？ should get answered=false with a message, got %s", r.body)
	}
	if a.Citations == nil {
		t.Error("citations should be a list, even empty")
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestFeedback(t *testing.T) {
	s := newTestServer(t)
	var a answerJSON
	postJSON(t, s, "/api/v1/ask", map[string]string{"question": "单位还能自己建机房吗？"}).json(t, &a)
	if a.ID == "" {
		t.Fatal("no id")
	}
	tests := []struct {
		name   string
		body   any
		status int
	}{
		{"helpful", map[string]any{"id": a.ID, "helpful": true}, 202},
		{"not helpful with comment", map[string]any{"id": a.ID, "helpful": false, "comment": "没说清楚<script>"}, 202},
		{"unknown id", map[string]any{"id": "0123456789abcdef01234567", "helpful": true}, 404},
		{"missing id", map[string]any{"helpful": true}, 400},
		{"missing helpful", map[string]any{"id": a.ID}, 400},
		{"helpful as string", map[string]any{"id": a.ID, "helpful": "yes"}, 400},
		{"comment too long", map[string]any{"id": a.ID, "helpful": true, "comment": strings.Repeat("长", 1001)}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postJSON(t, s, "/api/v1/feedback", tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if r.status >= 400 {
				r.errorOf(t)
			}
		})
	}
	// The accepted feedback reaches the log file.
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := 0
		for _, f := range feedbackLines(t) {
			if f.ID == a.ID {
				n++
			}
		}
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("feedback for %s in the log: %d lines, want 2", a.ID, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestFeedbackWithoutStore(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.Feedback = nil })
	r := postJSON(t, s, "/api/v1/feedback", map[string]any{"id": "x", "helpful": true})
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("status %d", r.status)
	}
	r.errorOf(t)
}

func TestDocuments(t *testing.T) {
	s := newTestServer(t)
	r := get(t, s, "/api/v1/documents")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var list struct {
		Documents []documentView `json:"documents"`
		Revision  int64          `json:"revision"`
	}
	r.json(t, &list)
	if len(list.Documents) != 2 || list.Documents[0].ID != guideID || list.Documents[0].Title != guideTtl {
		t.Fatalf("documents = %+v", list.Documents)
	}
	if list.Documents[0].Clauses != nil {
		t.Error("the list should not carry clauses")
	}
	if list.Revision != 7 {
		t.Errorf("revision = %d", list.Revision)
	}

	var d documentView
	r = get(t, s, "/api/v1/documents/"+guideID)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	r.json(t, &d)
	// Top level: 0, 1, 2; 1 holds 1.1 and 1.2; 1.2 holds 1.2.1 and 1.2.3.
	var ids []string
	for _, n := range d.Clauses {
		ids = append(ids, n.ID)
	}
	if strings.Join(ids, " ") != "0 1 2" {
		t.Fatalf("top level = %v", ids)
	}
	one := d.Clauses[1]
	if len(one.Children) != 2 || one.Children[1].ID != "1.2" || len(one.Children[1].Children) != 2 ||
		one.Children[1].Children[1].ID != "1.2.3" || one.Children[1].Children[1].Label != "一、（二）3." {
		t.Errorf("tree under 一、 = %+v", one)
	}
	if one.Children[0].Ref != "《"+guideTtl+"》一、（一）" {
		t.Errorf("node citation = %q", one.Children[0].Ref)
	}
}

func TestClauseTreeKeepsOrphans(t *testing.T) {
	d := kb.Document{ID: "d", Title: "T", Clauses: []kb.Clause{{ID: "1"}, {ID: "2.1"}, {ID: "1.1"}}}
	tree := clauseTree(d)
	if len(tree) != 2 || tree[0].ID != "1" || tree[1].ID != "2.1" || len(tree[0].Children) != 1 {
		t.Errorf("tree = %+v", tree)
	}
}

func TestClause(t *testing.T) {
	s := newTestServer(t)
	r := get(t, s, "/api/v1/documents/"+guideID+"/clauses/1.2.3")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var v kb.ClauseView
	r.json(t, &v)
	if v.Clause.ID != "1.2.3" || v.Ref != "《"+guideTtl+"》一、（二）3." || v.Parent == nil || v.Parent.ID != "1.2" ||
		v.Prev == nil || v.Prev.ID != "1.2.1" || v.Next == nil || v.Next.ID != "2" {
		t.Errorf("clause view = %+v", v)
	}
	for _, path := range []string{
		"/api/v1/documents/" + guideID + "/clauses/9.9",
		"/api/v1/documents/nope/clauses/1",
		"/api/v1/documents/nope",
		"/api/v1/documents/" + guideID + "/clauses/%FF",
	} {
		r := get(t, s, path)
		if r.status != 404 {
			t.Errorf("%s: status %d, want 404", path, r.status)
			continue
		}
		if e := r.errorOf(t); e.Code != kb.CodeNotFound {
			t.Errorf("%s: code %q", path, e.Code)
		}
	}
}

func TestSearch(t *testing.T) {
	s := newTestServer(t)
	r := get(t, s, "/api/v1/search?q=机房")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var res searchResponse
	r.json(t, &res)
	if res.Query != "机房" || len(res.Hits) == 0 {
		t.Fatalf("search = %s", r.body)
	}
	for _, h := range res.Hits {
		var text strings.Builder
		marked := false
		for _, sp := range h.Text {
			text.WriteString(sp.Text)
			if sp.Match {
				marked = true
				if !strings.Contains(sp.Text, "机房") {
					t.Errorf("marked span %q does not hold the term", sp.Text)
				}
			}
		}
		if h.Ref == "" || (!marked && len(h.TitleSpans) == 0) {
			t.Errorf("hit without citation or marks: %+v", h)
		}
		_ = text
	}

	tests := []struct {
		target string
		status int
	}{
		{"/api/v1/search?q=", 400},
		{"/api/v1/search", 400},
		{"/api/v1/search?q=%20%20", 400},
		{"/api/v1/search?q=%FF%FE", 400},
		{"/api/v1/search?q=机房&limit=0", 400},
		{"/api/v1/search?q=机房&limit=abc", 400},
		{"/api/v1/search?q=机房&limit=101", 400},
		{"/api/v1/search?q=机房&limit=1", 200},
		{"/api/v1/search?q=机房&doc=" + xssDocID, 200},
		{"/api/v1/search?q=" + strings.Repeat("长", 501), 400},
		{"/api/v1/search?q=%2Ba+-b+%22x", 200},
		{"/api/v1/search?q=*", 200},
		{"/api/v1/search?q=a~100", 200},
	}
	for _, tt := range tests {
		r := get(t, s, tt.target)
		if r.status != tt.status {
			t.Errorf("%s: status %d, want %d: %.200s", tt.target, r.status, tt.status, r.body)
		}
		if r.status >= 400 {
			r.errorOf(t)
		}
	}
	var one searchResponse
	get(t, s, "/api/v1/search?q=机房&limit=1").json(t, &one)
	if len(one.Hits) != 1 {
		t.Errorf("limit=1 gave %d hits", len(one.Hits))
	}
	var none searchResponse
	get(t, s, "/api/v1/search?q=机房&doc="+xssDocID).json(t, &none)
	if none.Hits == nil || len(none.Hits) != 0 {
		t.Errorf("doc filter: %+v", none.Hits)
	}
}

func TestUnknownRouteAndMethod(t *testing.T) {
	s := newTestServer(t)
	r := get(t, s, "/api/v1/nope")
	if r.status != 404 || r.errorOf(t).Code != kb.CodeNotFound {
		t.Errorf("unknown API route: %d %s", r.status, r.body)
	}
	r = do(t, s, http.MethodGet, "/nope", nil, map[string]string{"Accept": "text/html"})
	if r.status != 404 || !strings.Contains(string(r.body), "页面不存在") {
		t.Errorf("unknown page: %d %.200s", r.status, r.body)
	}
	r = get(t, s, "/api/v1/ask")
	if r.status != 405 || r.errorOf(t).Code != codeMethodNotAllowed {
		t.Errorf("GET /api/v1/ask: %d %s", r.status, r.body)
	}
	if allow := r.header.Get("Allow"); allow != "POST" {
		t.Errorf("Allow = %q", allow)
	}
	r = do(t, s, http.MethodDelete, "/api/v1/documents", nil, nil)
	if r.status != 405 {
		t.Errorf("DELETE /api/v1/documents: %d", r.status)
	}
}

func TestNotReady(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.Engine = func() Engine { return nil } })
	for _, tt := range []struct{ method, target string }{
		{"POST", "/api/v1/ask"},
		{"GET", "/api/v1/documents"},
		{"GET", "/api/v1/documents/" + guideID},
		{"GET", "/api/v1/documents/" + guideID + "/clauses/1"},
		{"GET", "/api/v1/search?q=机房"},
		{"GET", "/readyz"},
	} {
		r := do(t, s, tt.method, tt.target, strings.NewReader(`{"question":"机房"}`), jsonHeader)
		if r.status != 503 || r.header.Get("Retry-After") == "" {
			t.Errorf("%s %s before ready: %d, Retry-After %q", tt.method, tt.target, r.status, r.header.Get("Retry-After"))
			continue
		}
		if e := r.errorOf(t); e.Code != kb.CodeUnavailable {
			t.Errorf("%s: code %q", tt.target, e.Code)
		}
	}
	for _, target := range []string{"/healthz", "/metrics", "/api/v1/openapi.json", "/"} {
		if r := get(t, s, target); r.status != 200 {
			t.Errorf("%s before ready: %d", target, r.status)
		}
	}
}

func TestReadinessAndDrain(t *testing.T) {
	s := newTestServer(t)
	if r := get(t, s, "/readyz"); r.status != 200 {
		t.Fatalf("readyz: %d", r.status)
	}
	s.Drain()
	if r := get(t, s, "/readyz"); r.status != 503 {
		t.Errorf("readyz while draining: %d", r.status)
	}
	if r := get(t, s, "/healthz"); r.status != 200 {
		t.Errorf("healthz while draining: %d", r.status)
	}
}

func TestRateLimit(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.RateLimit = 2; c.TrustedProxies = []string{"10.0.0.0/8"} })
	now := time.Unix(1_700_000_000, 0)
	s.limiter.now = func() time.Time { return now }
	send := func(remote, xff string) response {
		req := strings.NewReader(`{"question":"？"}`)
		h := map[string]string{"Content-Type": "application/json"}
		if xff != "" {
			h["X-Forwarded-For"] = xff
		}
		return doFrom(t, s, remote, req, h)
	}
	// Burst is twice the rate: four requests pass, the fifth is refused.
	for i := range 4 {
		if r := send("192.0.2.1:1234", ""); r.status != 200 {
			t.Fatalf("request %d: %d %s", i+1, r.status, r.body)
		}
	}
	r := send("192.0.2.1:1234", "")
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Fatalf("fifth request: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	if e := r.errorOf(t); e.Code != kb.CodeRateLimited {
		t.Errorf("code %q", e.Code)
	}
	// Another client is not affected; GETs are not limited.
	if r := send("192.0.2.2:1234", ""); r.status != 200 {
		t.Errorf("other client: %d", r.status)
	}
	if r := doFrom(t, s, "192.0.2.1:1234", nil, nil); r.status == 429 {
		t.Error("GET was rate limited")
	}
	// An untrusted sender cannot pick its address with X-Forwarded-For.
	if r := send("192.0.2.1:1234", "198.51.100.7"); r.status != 429 {
		t.Errorf("spoofed X-Forwarded-For escaped the limit: %d", r.status)
	}
	// Behind a trusted proxy, each forwarded client has its own bucket.
	for i := range 4 {
		if r := send("10.1.1.1:80", fmt.Sprintf("198.51.100.%d", i)); r.status != 200 {
			t.Errorf("forwarded client %d: %d", i, r.status)
		}
	}
	// Time refills the bucket.
	now = now.Add(time.Second)
	if r := send("192.0.2.1:1234", ""); r.status != 200 {
		t.Errorf("after a second: %d", r.status)
	}
}

// doFrom sends a POST to /api/v1/ask (or a GET of /api/v1/documents when body
// is nil) from the given remote address.
func doFrom(t testing.TB, h http.Handler, remote string, body *strings.Reader, header map[string]string) response {
	t.Helper()
	method, target := http.MethodPost, "/api/v1/ask"
	var req *http.Request
	if body == nil {
		method, target = http.MethodGet, "/api/v1/documents"
		req, _ = http.NewRequest(method, target, nil)
	} else {
		req, _ = http.NewRequest(method, target, body)
	}
	req.RemoteAddr = remote
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

func TestRateLimitOff(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.RateLimit = 0 })
	for i := range 50 {
		if r := doFrom(t, s, "192.0.2.9:1", strings.NewReader(`{"question":"？"}`), jsonHeader); r.status != 200 {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
}

func TestLimiterForgetsIdleClients(t *testing.T) {
	l := newLimiter(1, 2)
	now := time.Unix(0, 0)
	l.now = func() time.Time { return now }
	for i := range 1000 {
		l.allow(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
	}
	if l.size() != 1000 {
		t.Fatalf("tracked %d", l.size())
	}
	now = now.Add(2 * limiterIdle)
	l.allow("10.9.9.9")
	if l.size() != 1 {
		t.Errorf("after idle time, %d clients tracked, want 1", l.size())
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	tests := []struct {
		name string
		cfg  Config
	}{
		{"bad proxy", Config{TrustedProxies: []string{"not-a-cidr"}}},
		{"negative rate", Config{RateLimit: -1}},
		{"mount on the API", Config{Mounts: []Mount{{Path: "/api/v1/ask", Handler: h}}}},
		{"mount on a route", Config{Mounts: []Mount{{Path: "/healthz", Handler: h}}}},
		{"mount at root", Config{Mounts: []Mount{{Path: "/", Handler: h}}}},
		{"mount with a parameter", Config{Mounts: []Mount{{Path: "/x/:y", Handler: h}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); err == nil {
				t.Error("New succeeded")
			}
		})
	}
}

func TestMount(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "wechat %s", r.Method)
	})
	s := newTestServer(t, func(c *Config) { c.Mounts = []Mount{{Path: "/wechat", Handler: h}} })
	for _, m := range []string{"GET", "POST"} {
		r := do(t, s, m, "/wechat", strings.NewReader(""), nil)
		if r.status != 200 || string(r.body) != "wechat "+m {
			t.Errorf("%s /wechat: %d %q", m, r.status, r.body)
		}
	}
}

func TestPanicIsA500InTheErrorShape(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.Engine = func() Engine { return panicEngine{} } })
	r := get(t, s, "/api/v1/documents")
	if r.status != 500 {
		t.Fatalf("status %d", r.status)
	}
	e := r.errorOf(t)
	if e.Code != kb.CodeInternal || strings.Contains(e.Message, "boom") {
		t.Errorf("error = %+v", e)
	}
}

type panicEngine struct{ Engine }

func (panicEngine) Documents() []kb.Document { panic("boom") }
func (panicEngine) Revision() int64          { return 1 }

func TestErrorMessagesAreValidUTF8(t *testing.T) {
	// Path values are echoed in not-found messages; they must stay valid
	// text whatever the path holds.
	s := newTestServer(t)
	r := get(t, s, "/api/v1/documents/%E4%B8")
	if r.status != 404 || !utf8.Valid(r.body) {
		t.Errorf("status %d body %q", r.status, r.body)
	}
}
