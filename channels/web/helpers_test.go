package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"zhiyin/kb"
	"zhiyin/kb/bleveindex"
	"zhiyin/nlp"
)

const (
	guideID  = "gz-2017-it-guideline"
	guideTtl = "2017年广州市财政投资信息化项目建设内容指引"
	xssDocID = "xss-test"
	// xssText is markup that would run script if a page rendered it as HTML.
	xssText = `<img src=x onerror=window.__xss=1><script>window.__xss=2</script>`
)

// testKnowledge is a small knowledge base: clauses of the 2017 guideline
// with FAQ entries, and a second document whose clause holds markup.
func testKnowledge() kb.Knowledge {
	guide := kb.Document{ID: guideID, Title: guideTtl, ShortTitle: "2017信息化建设内容指引", Year: 2017, Status: kb.StatusCurrent, Clauses: []kb.Clause{
		{ID: "0", Label: "引言", Title: "引言", Text: "为更好地指导各单位开展2017年的信息化项目建设，加快推进政府信息化云平台建设，制定本指引。"},
		{ID: "1", Label: "一、", Title: "基础设施层方面", Text: "政府信息化云平台、政府信息化核心网络、基础安全保障等建设运维交由专业化团队。"},
		{ID: "1.1", Label: "一、（一）", Title: "机房建设", Text: "各单位不再新建业务机房，可建设本单位的网络机房，用于本地部署网络设备和视频监控等。各单位业务应用系统应部署在市政府信息化云平台。"},
		{ID: "1.2", Label: "一、（二）", Title: "网络建设", Text: ""},
		{ID: "1.2.1", Label: "一、（二）1.", Title: "", Text: "统一使用电子政务内外网。非涉密业务系统应部署在电子政务外网，涉密业务系统应部署在电子政务内网。"},
		{ID: "1.2.3", Label: "一、（二）3.", Title: "", Text: "统一使用全市VPN系统。各单位原则上不再购置VPN设备，凡通过互联网进入电子政务外网开展业务系统维护的，应采用广州市信息化服务中心提供的VPN平台。"},
		{ID: "2", Label: "二、", Title: "应用支撑层方面", Text: "依托市政府信息共享平台开展业务共享协同。"},
	}}
	xss := kb.Document{ID: xssDocID, Title: "注入测试文件<b>粗体</b>", Status: kb.StatusCurrent, Clauses: []kb.Clause{
		{ID: "1", Label: "一、", Title: "脚本标记<script>", Text: "网页注入测试条款：" + xssText + "，这段文字必须原样显示。"},
	}}
	return kb.Knowledge{
		Documents: []kb.Document{guide, xss},
		FAQs: []kb.FAQ{
			{ID: "1.1-a", Doc: guideID, Clauses: []string{"1.1"}, Question: "单位还能自己建机房吗？", Similar: []string{"可以新建业务机房吗", "我们单位想建个机房"}},
			{ID: "1.2.3-a", Doc: guideID, Clauses: []string{"1.2.3", "1.2.1"}, Question: "值班人员晚上要远程登录系统处理故障怎么办？", Similar: []string{"远程维护业务系统用什么VPN", "能自己买VPN设备吗"}},
			{ID: "xss-a", Doc: xssDocID, Clauses: []string{"1"}, Question: "网页注入测试条款是什么？"},
		},
		Lexicon: kb.Lexicon{
			Words:    []nlp.Word{{Text: "机房"}, {Text: "业务机房"}, {Text: "VPN"}, {Text: "电子政务外网"}, {Text: "远程登录"}},
			Synonyms: []nlp.SynonymGroup{{"新建", "自建"}},
		},
	}
}

// shared is one service and question log for the whole test binary: the
// segmenter takes a while to load, and every test can share it.
var shared struct {
	once sync.Once
	svc  *kb.Service
	log  *memLog
	sink atomic.Pointer[kb.QuestionLog] // where the service's questions go
	err  error
}

// memLog is an in-memory kb.QuestionLog: the stores' own tests cover the
// durable logs; the web tests need to see what was recorded.
type memLog struct {
	mu       sync.Mutex
	entries  []kb.LogEntry
	feedback []kb.Feedback
}

func (l *memLog) Record(e kb.LogEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
}

func (l *memLog) Feedback(_ context.Context, f kb.Feedback) error {
	if err := kb.ValidateFeedback(f); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.entries {
		if e.ID == f.ID {
			l.feedback = append(l.feedback, f)
			return nil
		}
	}
	return kb.Errorf(kb.CodeNotFound, "没有找到这条问答记录，无法提交反馈")
}

// questions returns the recorded entries for a question text.
func (l *memLog) questions(text string) []kb.LogEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []kb.LogEntry
	for _, e := range l.entries {
		if e.Question == text {
			out = append(out, e)
		}
	}
	return out
}

// forwardLog sends the service's questions to the current test server's
// counting wrapper, so each server's metrics see the questions it served.
type forwardLog struct{}

func (forwardLog) Record(e kb.LogEntry) {
	if p := shared.sink.Load(); p != nil {
		(*p).Record(e)
		return
	}
	shared.log.Record(e)
}

func (forwardLog) Feedback(ctx context.Context, f kb.Feedback) error {
	return shared.log.Feedback(ctx, f)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.svc != nil {
		shared.svc.Close()
	}
	os.Exit(code)
}

func sharedService(t testing.TB) *kb.Service {
	t.Helper()
	shared.once.Do(func() {
		shared.log = &memLog{}
		shared.svc, shared.err = kb.NewService(context.Background(), testKnowledge(), 7,
			kb.Options{Index: bleveindex.Build, Log: forwardLog{}})
	})
	if shared.err != nil {
		t.Fatalf("test service: %v", shared.err)
	}
	return shared.svc
}

// feedbackLines returns the feedback recorded so far by the shared log.
func feedbackLines(t testing.TB) []kb.Feedback {
	t.Helper()
	shared.log.mu.Lock()
	defer shared.log.mu.Unlock()
	return append([]kb.Feedback(nil), shared.log.feedback...)
}

// newTestServer builds a Server over the shared service. Options adjust the
// config before it is built.
func newTestServer(t testing.TB, opts ...func(*Config)) *Server {
	t.Helper()
	svc := sharedService(t)
	cfg := Config{
		Engine:   func() Engine { return svc },
		Feedback: forwardLog{},
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var sink kb.QuestionLog = s.CountQuestions(shared.log)
	shared.sink.Store(&sink)
	t.Cleanup(func() { shared.sink.CompareAndSwap(&sink, nil) })
	return s
}

// response is a recorded response with its JSON decoded where it is JSON.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response is not JSON (%v): %.300s", err, r.body)
	}
}

// errorOf decodes the error shape, failing the test if the body is not it.
func (r response) errorOf(t testing.TB) errorDetail {
	t.Helper()
	var e errorBody
	r.json(t, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("not the error shape: %.300s", r.body)
	}
	return e.Error
}

// do sends a request to h and records the response.
func do(t testing.TB, h http.Handler, method, target string, body io.Reader, header map[string]string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

var jsonHeader = map[string]string{"Content-Type": "application/json"}

func postJSON(t testing.TB, h http.Handler, target string, v any) response {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, h, http.MethodPost, target, bytes.NewReader(b), jsonHeader)
}

func get(t testing.TB, h http.Handler, target string) response {
	t.Helper()
	return do(t, h, http.MethodGet, target, nil, nil)
}

// answerJSON is the ask response as a client reads it.
type answerJSON struct {
	Answered   bool          `json:"answered"`
	Answer     string        `json:"answer"`
	Confidence float64       `json:"confidence"`
	Kind       string        `json:"kind"`
	Citations  []kb.Citation `json:"citations"`
	ID         string        `json:"id"`
	Session    string        `json:"session"`
}
