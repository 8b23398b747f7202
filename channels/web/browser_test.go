package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	chromekb "github.com/chromedp/chromedp/kb"
)

// The browser tests drive the console in headless Chromium (Debian's
// chromium package), one browser with a tab per test. They skip when no
// browser is installed, except under CI=true, where that is a failure.

// findChromium returns the browser to drive, or skips (fails under CI).
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("ZHIYIN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "no Chromium found: the browser tests need Debian's chromium package " +
		"(apt-get install chromium fonts-wqy-microhei) or ZHIYIN_CHROMIUM=/path/to/chrome"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// artifactsDir is where screenshots go: $ZHIYIN_ARTIFACTS/screenshots, or
// testdata/screenshots (ignored by git).
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("testdata", "screenshots")
	if a := os.Getenv("ZHIYIN_ARTIFACTS"); a != "" {
		dir = filepath.Join(a, "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browserSuite is one browser, one server and what the tabs share.
type browserSuite struct {
	t       *testing.T
	url     string
	browser context.Context
	shots   string
}

func TestBrowser(t *testing.T) {
	exe := findChromium(t)
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	srv := httptest.NewServer(newTestServer(t, func(c *Config) { c.RateLimit = 0 }))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromiumOptions(t, exe)...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	// Let the console use the asynchronous clipboard, as a person's browser
	// would after they allowed it.
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(browserCtx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name, AllowWithoutSanitization: true},
			Setting:    browser.PermissionSettingGranted,
			Origin:     srv.URL,
		}); err != nil {
			t.Fatalf("grant %s: %v", name, err)
		}
	}
	s := &browserSuite{t: t, url: srv.URL, browser: browserCtx, shots: artifactsDir(t)}
	t.Run("ask, quote, copy, feedback", s.testAsk)
	t.Run("copy without the clipboard API", s.testCopyFallback)
	t.Run("tree and history", s.testTree)
	t.Run("search marks", s.testSearch)
	t.Run("deep link", s.testDeepLink)
	t.Run("refusal", s.testRefusal)
	t.Run("phone width", s.testPhone)
	t.Run("no XSS", s.testXSS)
}

// tab opens a tab on path; exceptions the page throws fail the test.
func (s *browserSuite) tab(t *testing.T, path string, actions ...chromedp.Action[chromedp.Void]) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(s.browser)
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("set up tab: %v", err)
	}
	report := watchPageErrors(ctx)
	t.Cleanup(func() {
		cancel()
		report(t)
	})
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+path), chromedp.WaitVisible(chromedp.CSS("#q"))); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return ctx
}

// watchPageErrors collects the exceptions and console errors (other than
// 4xx responses, which the pages show as messages) of the tab ctx; the
// report it returns, called once the tab is closed, fails tb with each.
func watchPageErrors(ctx context.Context) (report func(tb testing.TB)) {
	messages := chromedp.Console(ctx)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []string
	wg.Go(func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError && !strings.Contains(m.Text, "status of 4") {
				mu.Lock()
				errs = append(errs, m.Text)
				mu.Unlock()
			}
		}
	})
	return func(tb testing.TB) {
		wg.Wait()
		for _, e := range errs {
			tb.Errorf("page error: %s", e)
		}
	}
}

// eval runs JavaScript in the tab and returns its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor waits until the JavaScript predicate is true.
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		t.Fatalf("waiting for %s: %v\npage text:\n%s", what, err, pageText(ctx))
	}
}

func pageText(ctx context.Context) string {
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body.innerText"))
	return s
}

func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	return eval[string](t, ctx, "(document.querySelector("+jsString(css)+")||{}).textContent||''")
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func (s *browserSuite) screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(s.shots, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// pressEnter presses Enter (with Shift) in the focused element the way a
// keyboard does: one keydown carrying the text, so that a page which
// prevents the keydown's default also prevents the new line. (chromedp's
// key actions send the text in a separate char event, which no keydown
// handler can cancel.)
func pressEnter(t *testing.T, ctx context.Context, shift bool) {
	t.Helper()
	p := input.DispatchKeyEventParams{
		Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter",
		WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13, Text: "\r", UnmodifiedText: "\r",
	}
	if shift {
		p.Modifiers = 8
	}
	if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, p); err != nil {
		t.Fatalf("press Enter: %v", err)
	}
	p.Type, p.Text, p.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
	if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, p); err != nil {
		t.Fatalf("release Enter: %v", err)
	}
}

// askInPage types a question into the ask box and presses Enter.
func askInPage(t *testing.T, ctx context.Context, question string) {
	t.Helper()
	eval[bool](t, ctx, "(document.querySelector('#q').value = '', true)")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#q"), question)); err != nil {
		t.Fatalf("ask: %v", err)
	}
	pressEnter(t, ctx, false)
	waitFor(t, ctx, "the answer", `(() => { const c = document.querySelector('#answer-card, .error-card');
		return !!c && !c.classList.contains('loading'); })()`)
	if eval[bool](t, ctx, `/\b(null|undefined|NaN)\b|\[object /.test(document.querySelector('#answer').innerText)`) {
		t.Errorf("the answer shows a JavaScript placeholder:\n%s", text(t, ctx, "#answer"))
	}
}

func (s *browserSuite) testAsk(t *testing.T) {
	ctx := s.tab(t, "/")
	// The ask box has the focus on arrival: staff type straight away.
	if id := eval[string](t, ctx, "document.activeElement.id"); id != "q" {
		t.Errorf("focused element %q, want the ask box", id)
	}
	const question = "单位还能自己建机房吗？"
	askInPage(t, ctx, question)
	ref := text(t, ctx, "#answer-card .cite-ref")
	if ref != "《"+guideTtl+"》一、（一）" {
		t.Errorf("citation line %q\n%s", ref, pageText(ctx))
	}
	clause := text(t, ctx, "#answer-card blockquote.clause-text")
	quote := text(t, ctx, "#answer-card blockquote.clause-text mark.quote")
	if quote == "" || !strings.Contains(clause, quote) || !strings.Contains(clause, "各单位不再新建业务机房") {
		t.Errorf("quote %q not highlighted inside the clause %q", quote, clause)
	}
	// Enter asked; it did not add a line to the question.
	if v := eval[string](t, ctx, "document.querySelector('#q').value"); v != question {
		t.Errorf("ask box holds %q after Enter", v)
	}
	if got := text(t, ctx, "#recent-list li"); got != question {
		t.Errorf("recent questions start with %q", got)
	}
	s.screenshot(t, ctx, "01-answer-desktop")

	// Copy the citation with the clipboard API.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#answer-card .copy-btn"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "copy confirmation", `document.querySelector('#answer-card .copy-status').textContent === '已复制'`)
	if clip := eval[string](t, ctx, "navigator.clipboard.readText()"); clip != ref {
		t.Errorf("clipboard holds %q, want %q", clip, ref)
	}

	// Feedback: the page confirms, and the log stores it.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#answer-card .fb-yes"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "feedback confirmation", `document.querySelector('#answer-card .fb-status').textContent === '已收到反馈'`)
	ids := questionIDs(t, question)
	deadline := time.Now().Add(5 * time.Second)
	for {
		found := false
		for _, f := range feedbackLines(t) {
			if ids[f.ID] && f.Helpful {
				found = true
			}
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the feedback did not reach the question log")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Shift+Enter makes a new line instead of asking.
	eval[bool](t, ctx, "(document.querySelector('#q').value = '', true)")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#q"), "第一行")); err != nil {
		t.Fatal(err)
	}
	pressEnter(t, ctx, true)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#q"), "第二行")); err != nil {
		t.Fatal(err)
	}
	if v := eval[string](t, ctx, "document.querySelector('#q').value"); v != "第一行\n第二行" {
		t.Errorf("Shift+Enter: ask box holds %q", v)
	}
}

// questionIDs returns the ids the log recorded for a question text.
func questionIDs(t *testing.T, question string) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	deadline := time.Now().Add(5 * time.Second)
	for len(ids) == 0 && time.Now().Before(deadline) {
		for _, e := range shared.log.questions(question) {
			ids[e.ID] = true
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(ids) == 0 {
		t.Fatalf("question %q not in the log", question)
	}
	return ids
}

// testCopyFallback: on a plain-http intranet page navigator.clipboard does
// not exist; the copy button must still copy.
func (s *browserSuite) testCopyFallback(t *testing.T) {
	ctx := s.tab(t, "/c/"+guideID+"/1.2.3")
	waitFor(t, ctx, "the clause", `!!document.querySelector('#clause-card')`)
	eval[bool](t, ctx, `(() => {
		Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
		window.__copied = null;
		document.addEventListener('copy', (e) => {
			const t = e.target;
			window.__copied = (t && t.value !== undefined) ? t.value.substring(t.selectionStart, t.selectionEnd) : String(getSelection());
		});
		return true; })()`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#clause-card .copy-btn"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "copy confirmation", `document.querySelector('#clause-card .copy-status').textContent === '已复制'`)
	if got := eval[string](t, ctx, "window.__copied || ''"); got != "《"+guideTtl+"》一、（二）3." {
		t.Errorf("copied %q", got)
	}
}

func (s *browserSuite) testTree(t *testing.T) {
	ctx := s.tab(t, "/")
	waitFor(t, ctx, "the tree", `!!document.querySelector('#tree .node-link[data-clause="1.2.3"]')`)
	if got := text(t, ctx, "#doc-title"); !strings.Contains(got, guideTtl) {
		t.Errorf("document title %q", got)
	}
	// Collapse and expand 一、.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#tree > ul > li:nth-child(2) > .node-row > .toggle"))); err != nil {
		t.Fatal(err)
	}
	if eval[bool](t, ctx, `!!document.querySelector('#tree .node-link[data-clause="1.1"]').offsetParent`) {
		t.Error("collapsing 一、 left its children visible")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#tree > ul > li:nth-child(2) > .node-row > .toggle"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#tree .node-link[data-clause="1.2.3"]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "clause 1.2.3", `(document.querySelector('#clause-card')||{}).dataset?.clause === '1.2.3'`)
	if h := text(t, ctx, "#clause-card h2"); !strings.HasPrefix(h, "一、（二）3.") {
		t.Errorf("clause heading %q", h)
	}
	if body := text(t, ctx, "#clause-card .clause-body"); !strings.Contains(body, "统一使用全市VPN系统") {
		t.Errorf("clause text %q", body)
	}
	if p := eval[string](t, ctx, "location.pathname"); p != "/c/"+guideID+"/1.2.3" {
		t.Errorf("address %q", p)
	}
	if a := text(t, ctx, "#tree .node-link.active"); !strings.HasPrefix(a, "一、（二）3.") {
		t.Errorf("active tree node %q", a)
	}
	s.screenshot(t, ctx, "03-tree-clause-desktop")
	// Next clause, then back with the browser's Back button.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#clause-card .pager .next"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "clause 2", `(document.querySelector('#clause-card')||{}).dataset?.clause === '2'`)
	if err := chromedp.Do(ctx, chromedp.NavigateBack()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "clause 1.2.3 again", `(document.querySelector('#clause-card')||{}).dataset?.clause === '1.2.3'`)
}

func (s *browserSuite) testSearch(t *testing.T) {
	ctx := s.tab(t, "/")
	waitFor(t, ctx, "the tree", `!!document.querySelector('#tree .node-link')`)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#search-q"), "机房"+chromekb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "search hits", `document.querySelectorAll('#search-results .hits li').length > 0`)
	marks := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('#search-results mark'), (m) => m.textContent)`)
	if len(marks) == 0 {
		t.Fatal("no highlighted matches")
	}
	for _, m := range marks {
		if !strings.Contains(m, "机房") {
			t.Errorf("highlighted %q", m)
		}
	}
	if first := text(t, ctx, "#search-results .hit-ref"); !strings.Contains(first, "一、（一）") {
		t.Errorf("first hit %q", first)
	}
	s.screenshot(t, ctx, "04-search-desktop")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#search-results .hit-ref"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the hit's clause", `(document.querySelector('#clause-card')||{}).dataset?.clause === '1.1'`)
}

func (s *browserSuite) testDeepLink(t *testing.T) {
	ctx := s.tab(t, "/c/"+guideID+"/1.2.3")
	waitFor(t, ctx, "the linked clause", `(document.querySelector('#clause-card')||{}).dataset?.clause === '1.2.3'`)
	if ref := text(t, ctx, "#clause-card .cite-ref"); ref != "《"+guideTtl+"》一、（二）3." {
		t.Errorf("citation %q", ref)
	}
	if crumbs := text(t, ctx, "#clause-card .crumbs"); !strings.Contains(crumbs, "一、（二） 网络建设") {
		t.Errorf("breadcrumbs %q", crumbs)
	}
	waitFor(t, ctx, "the tree marks it", `!!document.querySelector('#tree .node-link.active[data-clause="1.2.3"]')`)
	if title := eval[string](t, ctx, "document.title"); !strings.HasPrefix(title, "一、（二）3.") {
		t.Errorf("page title %q", title)
	}
	s.screenshot(t, ctx, "05-deeplink-desktop")

	bad := s.tab(t, "/c/"+guideID+"/9.9")
	waitFor(t, bad, "not-found message", `(document.querySelector('#clause-view .error-card')||{}).textContent?.includes('没有找到这条条款')`)
}

func (s *browserSuite) testRefusal(t *testing.T) {
	ctx := s.tab(t, "/")
	askInPage(t, ctx, "电子政务外网的带宽是多少兆？")
	if got := text(t, ctx, "#answer-card .refusal-title"); got != "指引未作规定" {
		t.Errorf("refusal heading %q\n%s", got, pageText(ctx))
	}
	if got := text(t, ctx, "#answer-card .answer-text"); !strings.Contains(got, "指引未作规定") {
		t.Errorf("refusal text %q", got)
	}
	s.screenshot(t, ctx, "02-refusal-desktop")
	askInPage(t, ctx, "你好")
	if got := text(t, ctx, "#answer-card .answer-text"); !strings.Contains(got, "您好") {
		t.Errorf("greeting %q", got)
	}
}

func (s *browserSuite) testPhone(t *testing.T) {
	ctx := s.tab(t, "/", chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	askInPage(t, ctx, "值班人员晚上要远程登录系统处理故障怎么办？")
	if ref := text(t, ctx, "#answer-card .cite-ref"); !strings.HasPrefix(ref, "《"+guideTtl+"》") {
		t.Errorf("citation %q\n%s", ref, pageText(ctx))
	}
	// Nothing is wider than the phone: no sideways scrolling.
	if w := eval[float64](t, ctx, "document.documentElement.scrollWidth"); w > 375 {
		t.Errorf("page is %v px wide at 375 px", w)
	}
	// The panes stack: the tree comes below the answer.
	if eval[bool](t, ctx, `document.querySelector('.browse-pane').getBoundingClientRect().top <= document.querySelector('#answer').getBoundingClientRect().top`) {
		t.Error("panes are side by side at phone width")
	}
	s.screenshot(t, ctx, "06-answer-phone")
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"/c/"+guideID+"/1.1")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the clause", `!!document.querySelector('#clause-card')`)
	if w := eval[float64](t, ctx, "document.documentElement.scrollWidth"); w > 375 {
		t.Errorf("clause page is %v px wide at 375 px", w)
	}
	s.screenshot(t, ctx, "07-clause-phone")
}

// testXSS puts markup in a question and reads a clause holding markup: it
// shows as text and no script runs.
func (s *browserSuite) testXSS(t *testing.T) {
	ctx := s.tab(t, "/")
	const question = `<img src=x onerror=window.__xss=1>`
	askInPage(t, ctx, question)
	if got := text(t, ctx, "#answer-card .asked, .error-card .asked"); !strings.Contains(got, question) {
		t.Errorf("question shown as %q", got)
	}
	if got := text(t, ctx, "#recent-list li"); got != question {
		t.Errorf("recent list shows %q", got)
	}
	askInPage(t, ctx, "网页注入测试条款是什么？")
	if got := pageText(ctx); !strings.Contains(got, xssText) {
		t.Errorf("the clause with markup is not shown literally:\n%s", got)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#search-q"), "onerror"+chromekb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "search hits", `document.querySelectorAll('#search-results .hits li').length > 0`)
	s.screenshot(t, ctx, "08-xss-desktop")

	link := s.tab(t, "/c/"+xssDocID+"/1")
	waitFor(t, link, "the clause", `!!document.querySelector('#clause-card')`)
	if got := text(t, link, "#clause-card .clause-body"); !strings.Contains(got, xssText) {
		t.Errorf("clause body %q", got)
	}
	if got := text(t, link, "#clause-card h2"); !strings.Contains(got, "脚本标记<script>") {
		t.Errorf("clause heading %q", got)
	}
	for _, c := range []context.Context{ctx, link} {
		if v := eval[string](t, c, "typeof window.__xss"); v != "undefined" {
			t.Errorf("injected script ran: window.__xss is %s", v)
		}
		if n := eval[int](t, c, "document.querySelectorAll('img, main script, #answer script, #clause-view script').length"); n != 0 {
			t.Errorf("%d injected elements in the page", n)
		}
	}
}

// chromiumOptions start Debian's Chromium headless as root on a machine
// with no internet: the background-networking flags stop it from trying to
// reach Google's hosts (LIBRARIES.md), and a fresh profile keeps runs apart.
func chromiumOptions(t *testing.T, exe string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
}
