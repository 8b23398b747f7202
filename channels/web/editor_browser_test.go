package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The editor console's browser tests: the unanswered-question loop from a
// question asked over the API to the answer after a publish, an import with
// a structural error, and a conflicting edit in two browser contexts. Every
// editor page is saved as a screenshot (editor-*.png).

type editorSuite struct {
	t       *testing.T
	env     *adminEnv
	url     string
	browser context.Context
	shots   string
	// Logins are limited to 5 a minute per client: the sub-tests share
	// one session per user.
	sessions map[string]context.Context
}

func TestBrowserEditor(t *testing.T) {
	exe := findChromium(t)
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	env := newAdminEnvLog(t, nil, true)
	srv := httptest.NewServer(env.srv)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromiumOptions(t, exe)...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	s := &editorSuite{t: t, env: env, url: srv.URL, browser: browserCtx, shots: artifactsDir(t), sessions: map[string]context.Context{}}
	t.Run("unanswered-question loop", s.testLoop)
	t.Run("import with a structural error", s.testImport)
	t.Run("conflicting edits", s.testConflict)
	t.Run("other pages", s.testPages)
}

// session returns user's tab: /admin in a browser context of its own (its
// own cookies), logged in; page errors fail the whole test.
func (s *editorSuite) session(t *testing.T, user string) context.Context {
	t.Helper()
	if ctx := s.sessions[user]; ctx != nil {
		return ctx
	}
	ctx, cancel := chromedp.NewContext(s.browser, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	report := watchPageErrors(ctx)
	s.t.Cleanup(func() {
		cancel()
		report(s.t)
	})
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"/admin"), chromedp.WaitVisible(chromedp.CSS("#login-form"))); err != nil {
		t.Fatalf("open /admin: %v", err)
	}
	if user == "editor" {
		s.screenshot(t, ctx, "editor-01-login")
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#login-name"), user),
		chromedp.SendKeys(chromedp.CSS("#login-password"), user+"-password"),
		chromedp.Click(chromedp.CSS("#login-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#app"))); err != nil {
		t.Fatalf("log in as %s: %v", user, err)
	}
	s.sessions[user] = ctx
	return ctx
}

// open shows a page of the console and waits for js to hold.
func (s *editorSuite) open(t *testing.T, ctx context.Context, hash, what, js string) {
	t.Helper()
	eval[bool](t, ctx, "(location.hash = "+jsString(hash)+", true)")
	waitFor(t, ctx, what, js)
}

func (s *editorSuite) screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	(&browserSuite{shots: s.shots}).screenshot(t, ctx, name)
}

// click clicks the element css selects, from the page's JavaScript.
func click(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	if !eval[bool](t, ctx, "(() => { const e = document.querySelector("+jsString(css)+"); if (!e) return false; e.click(); return true; })()") {
		t.Fatalf("nothing to click at %s\n%s", css, pageText(ctx))
	}
}

// setValue sets a form field as typing would (with an input event).
func setValue(t *testing.T, ctx context.Context, css, v string) {
	t.Helper()
	if !eval[bool](t, ctx, "(() => { const e = document.querySelector("+jsString(css)+"); if (!e) return false; e.value = "+jsString(v)+
		"; e.dispatchEvent(new Event('input', {bubbles: true})); return true; })()") {
		t.Fatalf("no field %s", css)
	}
}

func (s *editorSuite) ask(t *testing.T, q string) askResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"question": q})
	res, err := http.Post(s.url+"/api/v1/ask", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var a askResponse
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return a
}

func (s *editorSuite) testLoop(t *testing.T) {
	const q = "机房空调坏了找谁修"
	if a := s.ask(t, q); a.Answered {
		t.Fatalf("%s answered before the loop: %+v", q, a)
	}
	s.ask(t, "单位机房空调坏了找谁修") // a near duplicate: the same item
	s.ask(t, "单位还能自己建机房吗？")
	waitLogged(t, s.env.log, 3)

	ctx := s.session(t, "editor")
	if role := text(t, ctx, "#who-role"); role != "编辑" {
		t.Errorf("role shown %q", role)
	}
	if eval[bool](t, ctx, `!document.querySelector('#nav a[data-page=audit]').hidden`) {
		t.Error("an editor sees the audit log page")
	}
	waitFor(t, ctx, "the dashboard", `!!document.querySelector('.kpis')`)
	if got := text(t, ctx, "#top-unanswered"); !strings.Contains(got, q) {
		t.Errorf("top unanswered: %q", got)
	}
	s.screenshot(t, ctx, "editor-02-dashboard")

	item := `document.querySelector('#queue-list article[data-key]')`
	s.open(t, ctx, "#queue", "the queue", "!!"+item)
	if got := eval[string](t, ctx, item+".innerText"); !strings.Contains(got, q) || !strings.Contains(got, "单位机房空调坏了找谁修") ||
		eval[string](t, ctx, item+".querySelector('.count').textContent") != "2" {
		t.Errorf("queue item:\n%s", got)
	}
	s.screenshot(t, ctx, "editor-03-queue")
	click(t, ctx, "#queue-list article[data-key] [data-action=link]")
	waitFor(t, ctx, "the clause picker", `!!document.querySelector('.link-picker button[data-clause="1.1"]')`)
	click(t, ctx, `.link-picker button[data-clause="1.1"]`)
	s.screenshot(t, ctx, "editor-04-queue-link")
	click(t, ctx, "[data-action=confirm-link]")
	waitFor(t, ctx, "the resolution", `(document.querySelector('#queue-list article.resolved .resolution')||{textContent:''}).textContent.includes('待发布')`)
	if got := text(t, ctx, "#queue-list article.resolved .resolution"); !strings.Contains(got, "editor") || !strings.Contains(got, "1.1") {
		t.Errorf("resolution line %q", got)
	}

	s.open(t, ctx, "#publish", "the publish page", `!!document.querySelector('#changes .change')`)
	if got := text(t, ctx, "#changes"); !strings.Contains(got, q) {
		t.Errorf("pending changes lack the question:\n%s", got)
	}
	setValue(t, ctx, "#publish-message", "处理未答问题")
	s.screenshot(t, ctx, "editor-05-publish")
	click(t, ctx, "#publish-btn")
	waitFor(t, ctx, "the new revision", `(document.querySelector('#history')||{textContent:''}).textContent.includes('处理未答问题')`)

	a := s.ask(t, q)
	if !a.Answered || len(a.Citations) == 0 || a.Citations[0].Clause != "1.1" {
		t.Errorf("%s after the publish: %+v", q, a)
	}
	s.open(t, ctx, "#queue", "the queue after the publish", `(() => { const s = document.querySelector('#queue-status'); if (!s) return false;
		if (s.value !== 'resolved') { s.value = 'resolved'; s.dispatchEvent(new Event('change')); return false; }
		return (document.querySelector('#queue-list .resolution')||{textContent:''}).textContent.includes('已生效'); })()`)
	s.screenshot(t, ctx, "editor-06-queue-resolved")
}

func (s *editorSuite) testImport(t *testing.T) {
	ctx := s.session(t, "editor")
	s.open(t, ctx, "#documents", "the documents page", `!!document.querySelector('#import-text')`)
	bad := "---\nid: bad-doc\ntitle: 结构有误的文件\nstatus: 现行\n---\n\n# 一、总则\n\n文字一。\n\n### 3. 跳级\n\n文字二。\n"
	setValue(t, ctx, "#import-id", "bad-doc")
	setValue(t, ctx, "#import-text", bad)
	click(t, ctx, "#import-preview")
	waitFor(t, ctx, "the marked line", `!!document.querySelector('#import-lines .bad')`)
	if got := text(t, ctx, "#import-lines .bad"); !strings.HasPrefix(got, "11") || !strings.Contains(got, "### 3. 跳级") {
		t.Errorf("marked line %q", got)
	}
	if got := text(t, ctx, "#import-result .error"); !strings.Contains(got, "line 11") {
		t.Errorf("error %q", got)
	}
	s.screenshot(t, ctx, "editor-07-import-error")
	setValue(t, ctx, "#import-text", strings.Replace(bad, "### 3. 跳级", "# 二、附则", 1))
	click(t, ctx, "#import-preview")
	waitFor(t, ctx, "the preview", `!!document.querySelector('#import-result .picker')`)
	if got := text(t, ctx, "#import-result .picker"); !strings.Contains(got, "二、") {
		t.Errorf("preview tree %q", got)
	}
	s.screenshot(t, ctx, "editor-08-import-preview")
}

func (s *editorSuite) testConflict(t *testing.T) {
	a := s.session(t, "editor")
	b := s.session(t, "boss")
	hash := "#clauses/" + guideID + "/1.2.1"
	for _, ctx := range []context.Context{a, b} {
		s.open(t, ctx, hash, "the clause editor", `!!document.querySelector('#clause-text')`)
	}
	orig := eval[string](t, a, "document.querySelector('#clause-text').value")
	setValue(t, a, "#clause-text", orig+"甲的补充。")
	click(t, a, "#clause-save")
	waitFor(t, a, "the first save", `(document.querySelector('#clause-msg')||{textContent:''}).textContent.includes('已保存')`)
	if got := text(t, a, "#clause-diff ins"); got != "甲的补充。" {
		t.Errorf("diff against the published text marks %q", got)
	}
	s.screenshot(t, a, "editor-09-clause")

	setValue(t, b, "#clause-text", orig+"乙的补充。")
	click(t, b, "#clause-save")
	waitFor(t, b, "the conflict", `!!document.querySelector('#conflict')`)
	if got := text(t, b, "#theirs-text"); !strings.Contains(got, "甲的补充。") {
		t.Errorf("their version %q", got)
	}
	if got := text(t, b, "#mine-text"); !strings.Contains(got, "乙的补充。") {
		t.Errorf("my version %q", got)
	}
	setValue(t, b, "#merge-text", orig+"甲的补充。乙的补充。")
	s.screenshot(t, b, "editor-10-conflict")
	click(t, b, "#save-merged")
	waitFor(t, b, "the merged save", `!document.querySelector('#conflict') && (document.querySelector('#clause-msg')||{textContent:''}).textContent.includes('已保存')`)
	c, err := s.env.store.Clause(context.Background(), guideID, "1.2.1")
	if err != nil || c.Item.Text != orig+"甲的补充。乙的补充。" {
		t.Errorf("stored text %q, %v", c.Item.Text, err)
	}
	// The publish page lists the FAQ entry linked to the changed clause.
	s.open(t, b, "#publish", "the impact list", `(document.querySelector('#impact')||{textContent:''}).textContent.includes('1.2.1')`)
	if got := text(t, b, "#impact"); !strings.Contains(got, "1.2.3-a") {
		t.Errorf("impact list: %q", got)
	}
}

func (s *editorSuite) testPages(t *testing.T) {
	ctx := s.session(t, "boss")
	s.open(t, ctx, "#faqs", "the FAQ page", `!!document.querySelector('#try-q')`)
	setValue(t, ctx, "#try-q", "单位还能自己建机房吗")
	click(t, ctx, "#try-btn")
	waitFor(t, ctx, "the try answer", `!!document.querySelector('#try-citation')`)
	if got := text(t, ctx, "#try-citation"); !strings.Contains(got, "1.1") {
		t.Errorf("try citation %q", got)
	}
	s.screenshot(t, ctx, "editor-11-faqs")
	s.open(t, ctx, "#lexicon", "the lexicon page", `!!document.querySelector('#seg-result .tok')`)
	if !eval[bool](t, ctx, `[...document.querySelectorAll('#seg-result .tok.domain')].some(e => e.textContent === '远程登录')`) {
		t.Errorf("segmentation preview: %s", text(t, ctx, "#seg-result"))
	}
	s.screenshot(t, ctx, "editor-12-lexicon")
	s.open(t, ctx, "#documents", "the documents page", `!!document.querySelector('tr[data-doc]')`)
	s.screenshot(t, ctx, "editor-13-documents")
	s.open(t, ctx, "#audit", "the audit log", `(document.querySelector('#audit-table')||{textContent:''}).textContent.includes('review.link')`)
	s.screenshot(t, ctx, "editor-14-audit")
	// Markup from the knowledge base is shown as text.
	s.open(t, ctx, "#clauses/"+xssDocID+"/1", "the XSS clause", `!!document.querySelector('#clause-text')`)
	if eval[bool](t, ctx, `!!document.querySelector('#page script, #page b')`) {
		t.Error("markup from the knowledge base became elements")
	}
	// A viewer sees no editing controls; the API refuses them anyway.
	v := s.session(t, "viewer")
	s.open(t, v, "#queue", "the viewer's queue", `!!document.querySelector('#queue-list')`)
	if eval[bool](t, v, `!!document.querySelector('#queue-list [data-action], #publish-btn')`) {
		t.Error("a viewer sees editing controls")
	}
}
