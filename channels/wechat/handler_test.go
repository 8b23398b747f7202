package wechat_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"zhiyin/channels/wechat"
	"zhiyin/kb"
)

func TestURLVerification(t *testing.T) {
	hs := newHarness(t)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	good := url.Values{"signature": {simSign(testToken, now, "4242")}, "timestamp": {now}, "nonce": {"4242"}, "echostr": {"8913456789012345678"}}
	with := func(edit func(url.Values)) url.Values {
		q := url.Values{}
		for k, v := range good {
			q[k] = append([]string(nil), v...)
		}
		edit(q)
		return q
	}
	stale := strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
	tests := []struct {
		name   string
		q      url.Values
		status int
	}{
		{"valid", good, http.StatusOK},
		{"wrong signature", with(func(q url.Values) { q.Set("signature", simSign("other", now, "4242")) }), http.StatusForbidden},
		{"upper-case hex", with(func(q url.Values) { q.Set("signature", strings.ToUpper(q.Get("signature"))) }), http.StatusForbidden},
		{"missing signature", with(func(q url.Values) { q.Del("signature") }), http.StatusForbidden},
		{"stale timestamp", with(func(q url.Values) {
			q.Set("timestamp", stale)
			q.Set("signature", simSign(testToken, stale, "4242"))
		}), http.StatusForbidden},
		{"duplicated signature", with(func(q url.Values) { q.Add("signature", q.Get("signature")) }), http.StatusBadRequest},
		{"missing echostr", with(func(q url.Values) { q.Del("echostr") }), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := hs.sim.do(http.MethodGet, tt.q, nil)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d (%s)", r.status, tt.status, r.body)
			}
			if tt.status == http.StatusOK && string(r.body) != "8913456789012345678" {
				t.Fatalf("echostr not echoed verbatim: %q", r.body)
			}
			if tt.status != http.StatusOK && bytes.Contains(r.body, []byte("8913456789012345678")) {
				t.Fatalf("echostr echoed to a refused request")
			}
		})
	}
}

// TestMessages drives every kind of message through plain, compatible and
// safe mode and checks each reply as WeChat would (signature, decryption,
// appid, swapped To/From, CreateTime), then what it says.
func TestMessages(t *testing.T) {
	hs := newHarness(t)
	tests := []struct {
		name  string
		msg   inMsg
		check func(t *testing.T, content string)
	}{
		{"text", inMsg{MsgType: "text", Content: "远程维护业务系统要用哪个VPN平台？"}, func(t *testing.T, c string) {
			if !strings.HasPrefix(c, "【") || !strings.Contains(c, "《"+docShort+"》") {
				t.Errorf("answer not in label-first form:\n%s", c)
			}
		}},
		{"voice with recognition", inMsg{MsgType: "voice", Recognition: "单位还能自己建机房吗？"}, func(t *testing.T, c string) {
			if !strings.HasPrefix(c, "【") {
				t.Errorf("voice not answered:\n%s", c)
			}
		}},
		{"voice without recognition", inMsg{MsgType: "voice", Recognition: "-"}, wantContains("请发送文字问题")},
		{"voice with empty recognition", inMsg{MsgType: "voice", Recognition: ""}, wantContains("请发送文字问题")},
		{"subscribe", inMsg{MsgType: "event", Event: "subscribe"}, func(t *testing.T, c string) {
			if !strings.Contains(c, "欢迎") || strings.Count(c, "？") < 2 {
				t.Errorf("welcome lacks greeting or two example questions:\n%s", c)
			}
		}},
		{"image", inMsg{MsgType: "image"}, wantContains("请发送文字问题")},
		{"location", inMsg{MsgType: "location"}, wantContains("请发送文字问题")},
		{"link", inMsg{MsgType: "link"}, wantContains("请发送文字问题")},
		{"video", inMsg{MsgType: "video"}, wantContains("请发送文字问题")},
		{"shortvideo", inMsg{MsgType: "shortvideo"}, wantContains("请发送文字问题")},
		{"unknown type", inMsg{MsgType: "hologram"}, wantContains("请发送文字问题")},
		{"upper-case TEXT", inMsg{MsgType: "TEXT", Content: "单位还能自己建机房吗？"}, wantContains("请发送文字问题")},
		{"menu click", inMsg{MsgType: "event", Event: "CLICK"}, wantContains("请发送文字问题")},
		{"greeting", inMsg{MsgType: "text", Content: "你好"}, wantContains(docTitle)},
		{"refusal", inMsg{MsgType: "text", Content: "今天广州天气怎么样"}, wantContains("020-12345678")},
	}
	for _, mode := range []pushMode{plainMode, compatMode, safeMode} {
		for i, tt := range tests {
			t.Run(string(mode)+"/"+tt.name, func(t *testing.T) {
				m := tt.msg
				m.To, m.From, m.CreateTime = testAccount, openID(string(mode)+strconv.Itoa(i)), time.Now().Unix()
				if m.MsgType != "event" {
					m.MsgID = nextID()
				}
				out := hs.sim.open(mode, hs.sim.push(mode, m))
				if out.ToUserName != m.From || out.FromUserName != m.To {
					t.Errorf("To/From %q/%q, want %q/%q", out.ToUserName, out.FromUserName, m.From, m.To)
				}
				tt.check(t, out.Content)
			})
		}
	}
	t.Run("unsubscribe", func(t *testing.T) {
		for _, mode := range []pushMode{plainMode, safeMode} {
			r := hs.sim.push(mode, inMsg{To: testAccount, From: openID("bye"), CreateTime: time.Now().Unix(), MsgType: "event", Event: "unsubscribe"})
			if r.status != http.StatusOK || string(r.body) != "success" {
				t.Errorf("%s: %d %q, want 200 success", mode, r.status, r.body)
			}
		}
	})
}

func wantContains(s string) func(*testing.T, string) {
	return func(t *testing.T, c string) {
		t.Helper()
		if !strings.Contains(c, s) {
			t.Errorf("reply lacks %q:\n%s", s, c)
		}
	}
}

// TestAnswerShape checks the answer's form against the citation the engine
// itself returns for the same question, so it holds whatever the ranking.
func TestAnswerShape(t *testing.T) {
	hs := newHarness(t)
	for i, q := range []string{"远程维护业务系统要用哪个VPN平台？", "单位还能自己建机房吗？", "运维巡检有什么要求？"} {
		a, err := service(t).Ask(context.Background(), kb.Question{Text: q})
		if err != nil || !a.Answered {
			t.Fatalf("engine: %v %+v", err, a)
		}
		c := a.Citations[0]
		title := c.Title
		if title == "" {
			title = strings.SplitN(c.Text, "。", 2)[0]
		}
		got := hs.sim.ask(safeMode, openID("shape"+strconv.Itoa(i)), nextID(), q)
		first, _, _ := strings.Cut(got, "\n")
		if want := "【" + c.Label + " " + title + "】"; first != want {
			t.Errorf("%s: first line %q, want %q", q, first, want)
		}
		if len(got) > 2000 {
			t.Errorf("%s: %d bytes", q, len(got))
		}
		if !strings.Contains(got, "——《"+docShort+"》") {
			t.Errorf("%s: no short title:\n%s", q, got)
		}
		if len(c.Quote) < 1500 && !strings.Contains(got, strings.TrimSpace(c.Quote)) {
			t.Errorf("%s: quote missing:\n%s\nquote: %s", q, got, c.Quote)
		}
	}
}

// TestLongClause: a clause of 7 KB fits one reply only cut, with the
// pointer to the whole text; "1" then delivers all of it in parts of at
// most 2000 bytes, the first as the reply and the rest through the API.
func TestLongClause(t *testing.T) {
	hs := newHarness(t)
	user := openID("long")
	const q = "运维巡检有什么要求？"
	a, err := service(t).Ask(context.Background(), kb.Question{Text: q})
	if err != nil || !a.Answered || a.Citations[0].Clause != "7.1" {
		t.Skipf("engine answers %+v: not the long clause", a.Citations)
	}
	got := hs.sim.ask(plainMode, user, nextID(), q)
	if len(got) > 2000 || !utf8.ValidString(got) {
		t.Fatalf("reply %d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
	}
	if len(a.Citations[0].Quote) > 2000 && !strings.Contains(got, "…回复1看全文") {
		t.Fatalf("cut answer does not say so:\n%s", got)
	}
	if len(got) < 1500 {
		t.Errorf("a %d-byte quote shown in only %d bytes", len(a.Citations[0].Quote), len(got))
	}
	first := hs.sim.ask(plainMode, user, nextID(), "1")
	parts := []string{first}
	for !strings.Contains(parts[len(parts)-1], "——《") {
		s := hs.api.wait(5 * time.Second)
		if s.ToUser != user {
			t.Fatalf("part sent to %q", s.ToUser)
		}
		parts = append(parts, s.Content)
	}
	if len(parts) < 4 {
		t.Fatalf("7 KB in %d parts", len(parts))
	}
	var all strings.Builder
	for i, p := range parts {
		if len(p) > 2000 || !utf8.ValidString(p) {
			t.Errorf("part %d: %d bytes", i+1, len(p))
		}
		if want := "（" + strconv.Itoa(i+1) + "/" + strconv.Itoa(len(parts)) + "）"; !strings.Contains(p, want) {
			t.Errorf("part %d lacks %s", i+1, want)
		}
		all.WriteString(p)
	}
	if n := strings.Count(all.String(), "巡检并形成巡检记录"); n != strings.Count(longText(), "巡检并形成巡检记录") {
		t.Errorf("parts hold %d of the clause's sentences, want all %d", n, strings.Count(longText(), "巡检并形成巡检记录"))
	}
	if !strings.Contains(all.String(), "巡检记录应保存三年") {
		t.Error("the clause's last sentence is missing")
	}
}

func TestFollowUps(t *testing.T) {
	hs := newHarness(t)
	user := openID("follow")
	if got := hs.sim.ask(plainMode, user, nextID(), "1"); !strings.Contains(got, "没有可以展开的上一条回答") {
		t.Errorf("1 with no history: %s", got)
	}
	ans := hs.sim.ask(plainMode, user, nextID(), "单位还能自己建机房吗？")
	if !strings.HasPrefix(ans, "【") {
		t.Fatalf("not answered: %s", ans)
	}
	a, _ := service(t).Ask(context.Background(), kb.Question{Text: "单位还能自己建机房吗？"})
	full := hs.sim.ask(plainMode, user, nextID(), "１") // full-width
	if !strings.Contains(full, a.Citations[0].Text) {
		t.Errorf("1 is not the whole clause:\n%s", full)
	}
	rel := hs.sim.ask(plainMode, user, nextID(), "2")
	if len(a.Citations) > 1 {
		for _, c := range a.Citations[1:] {
			if !strings.Contains(rel, c.Label) {
				t.Errorf("2 lacks related clause %s:\n%s", c.Label, rel)
			}
		}
		if !strings.Contains(ans, "回复2看相关条款") {
			t.Errorf("answer does not offer 2:\n%s", ans)
		}
	} else if !strings.Contains(rel, "没有更多相关条款") {
		t.Errorf("2 with nothing related: %s", rel)
	}
	// Another user's follow-up sees nothing of this one.
	if got := hs.sim.ask(plainMode, openID("other"), nextID(), "1"); !strings.Contains(got, "没有可以展开的上一条回答") {
		t.Errorf("1 leaked across users: %s", got)
	}
	// An elliptical follow-up goes to the engine with the user's session.
	if got := hs.sim.ask(plainMode, user, nextID(), "那网络机房呢？"); got == "" {
		t.Error("empty reply to a follow-up question")
	}
}

// TestRetries: WeChat's three tries of one message, one after another and
// overlapping a slow first try, get one processing and identical replies.
func TestRetries(t *testing.T) {
	for _, mode := range []pushMode{plainMode, safeMode} {
		t.Run(string(mode)+"/sequential", func(t *testing.T) {
			hs := newHarness(t)
			m := inMsg{To: testAccount, From: openID("retry"), CreateTime: time.Now().Unix(), MsgType: "text", Content: "单位还能自己建机房吗？", MsgID: nextID()}
			var bodies [][]byte
			for range 3 {
				r := hs.sim.push(mode, m)
				hs.sim.open(mode, r)
				bodies = append(bodies, r.body)
			}
			if n := hs.eng.calls.Load(); n != 1 {
				t.Errorf("engine called %d times, want 1", n)
			}
			for i := 1; i < 3; i++ {
				if !bytes.Equal(bodies[i], bodies[0]) {
					t.Errorf("retry %d got a different reply", i)
				}
			}
		})
		t.Run(string(mode)+"/overlapping", func(t *testing.T) {
			hs := newHarness(t, func(c *wechat.Config, e *engine) { e.delay = 600 * time.Millisecond })
			m := inMsg{To: testAccount, From: openID("overlap"), CreateTime: time.Now().Unix(), MsgType: "text", Content: "单位还能自己建机房吗？", MsgID: nextID()}
			var wg sync.WaitGroup
			replies := make([]reply, 3)
			for i := range replies {
				wg.Add(1)
				go func() {
					defer wg.Done()
					time.Sleep(time.Duration(i) * 100 * time.Millisecond)
					replies[i] = hs.sim.push(mode, m)
				}()
			}
			wg.Wait()
			if n := hs.eng.calls.Load(); n != 1 {
				t.Errorf("engine called %d times, want 1", n)
			}
			first := hs.sim.open(mode, replies[0]).Content
			for i, r := range replies {
				if got := hs.sim.open(mode, r).Content; got != first || !strings.HasPrefix(got, "【") {
					t.Errorf("try %d: %q, want the answer %q", i+1, got, first)
				}
			}
		})
	}
	t.Run("events and missing MsgId", func(t *testing.T) {
		hs := newHarness(t)
		ts := time.Now().Unix()
		for _, m := range []inMsg{
			{To: testAccount, From: openID("ev"), CreateTime: ts, MsgType: "event", Event: "subscribe"},
			{To: testAccount, From: openID("ev"), CreateTime: ts, MsgType: "text", Content: "运维巡检有什么要求？"}, // no MsgId
		} {
			var first string
			for i := range 3 {
				got := hs.sim.open(plainMode, hs.sim.push(plainMode, m)).Content
				if i == 0 {
					first = got
				} else if got != first {
					t.Errorf("%s retry %d differs", m.MsgType, i)
				}
			}
		}
		if n := hs.eng.calls.Load(); n != 1 {
			t.Errorf("engine called %d times for one text sent three times, want 1", n)
		}
	})
}

// TestRateLimit: beyond the per-user rate a polite text, never an HTTP
// error; a retry of an answered message is not counted and keeps its
// answer; other users are not affected.
func TestRateLimit(t *testing.T) {
	hs := newHarness(t, func(c *wechat.Config, _ *engine) { c.Rate, c.Burst = 1.0/60, 1 })
	user := openID("limited")
	m := inMsg{To: testAccount, From: user, CreateTime: time.Now().Unix(), MsgType: "text", Content: "单位还能自己建机房吗？", MsgID: nextID()}
	first := hs.sim.open(plainMode, hs.sim.push(plainMode, m)).Content
	if !strings.HasPrefix(first, "【") {
		t.Fatalf("first question not answered: %s", first)
	}
	for range 2 {
		if got := hs.sim.open(plainMode, hs.sim.push(plainMode, m)).Content; got != first {
			t.Fatalf("retry answered %q, want the answer", got)
		}
	}
	got := hs.sim.ask(plainMode, user, nextID(), "运维巡检有什么要求？")
	if !strings.Contains(got, "太频繁") {
		t.Errorf("second question: %q, want the rate-limit text", got)
	}
	if got := hs.sim.ask(plainMode, openID("unlimited"), nextID(), "运维巡检有什么要求？"); strings.Contains(got, "太频繁") {
		t.Error("another user was limited")
	}
	if n := hs.eng.calls.Load(); n != 2 {
		t.Errorf("engine called %d times, want 2", n)
	}
}

// TestSlowAnswer: an answer not ready within the budget is replied
// "success" and sent through the customer-service API once ready, with
// the access token fetched on first need, refreshed when WeChat calls it
// stale, and never a second send for a retry.
func TestSlowAnswer(t *testing.T) {
	hs := newHarness(t, func(c *wechat.Config, e *engine) {
		c.ReplyBudget = 300 * time.Millisecond
		e.delay = time.Second
	})
	if tokens, sends := hs.api.counts(); tokens != 0 || sends != 0 {
		t.Fatalf("WeChat called at start-up: %d tokens, %d sends", tokens, sends)
	}
	hs.api.mu.Lock()
	hs.api.stale = 1 // the first send meets an expired token
	hs.api.mu.Unlock()
	user := openID("slow")
	m := inMsg{To: testAccount, From: user, CreateTime: time.Now().Unix(), MsgType: "text", Content: "远程维护业务系统要用哪个VPN平台？", MsgID: nextID()}
	for _, mode := range []pushMode{safeMode} {
		r := hs.sim.push(mode, m)
		if r.status != http.StatusOK || string(r.body) != "success" {
			t.Fatalf("%d %q, want 200 success", r.status, r.body)
		}
		if r.took > time.Second {
			t.Errorf("reply took %v with a 300 ms budget", r.took)
		}
	}
	s := hs.api.wait(5 * time.Second)
	if s.ToUser != user || !strings.HasPrefix(s.Content, "【") || len(s.Content) > 2000 {
		t.Fatalf("sent %+v", s)
	}
	// A retry after the answer went out: "success", no second send.
	if r := hs.sim.push(safeMode, m); string(r.body) != "success" {
		t.Errorf("retry got %q, want success", r.body)
	}
	time.Sleep(200 * time.Millisecond)
	tokens, sends := hs.api.counts()
	if sends != 1 {
		t.Errorf("%d sends, want 1", sends)
	}
	if tokens != 2 {
		t.Errorf("%d token fetches, want 2 (first need, then after 40001)", tokens)
	}
	if n := hs.eng.calls.Load(); n != 1 {
		t.Errorf("engine called %d times, want 1", n)
	}
	// The token is cached: another late answer fetches none.
	hs.sim.push(plainMode, inMsg{To: testAccount, From: user, CreateTime: time.Now().Unix(), MsgType: "text", Content: "单位还能自己建机房吗？", MsgID: nextID()})
	hs.api.wait(5 * time.Second)
	if tokens2, _ := hs.api.counts(); tokens2 != tokens {
		t.Errorf("token fetched again: %d", tokens2)
	}
}

// TestConcurrentLateAnswers: many late answers at once share one token
// fetch (run with -race).
func TestConcurrentLateAnswers(t *testing.T) {
	hs := newHarness(t, func(c *wechat.Config, e *engine) {
		c.ReplyBudget = 50 * time.Millisecond
		e.delay = 300 * time.Millisecond
	})
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := hs.sim.push(safeMode, inMsg{To: testAccount, From: openID("many" + strconv.Itoa(i)), CreateTime: time.Now().Unix(), MsgType: "text", Content: "单位还能自己建机房吗？", MsgID: nextID()})
			if string(r.body) != "success" {
				t.Errorf("reply %q", r.body)
			}
		}()
	}
	wg.Wait()
	for range n {
		hs.api.wait(10 * time.Second)
	}
	if tokens, sends := hs.api.counts(); tokens != 1 || sends != n {
		t.Errorf("%d token fetches, %d sends; want 1, %d", tokens, sends, n)
	}
}

func TestKeyRotation(t *testing.T) {
	oldKey := newAESKey()
	hs := newHarness(t, func(c *wechat.Config, _ *engine) { c.PreviousAESKey = oldKey })
	current := hs.sim.key
	for _, k := range []struct {
		name string
		key  []byte
	}{{"current", current}, {"previous", simKey(t, oldKey)}} {
		t.Run(k.name, func(t *testing.T) {
			hs.sim.key = k.key // WeChat encrypts with this one; the reply must open with it too
			if got := hs.sim.ask(safeMode, openID("rot"+k.name), nextID(), "单位还能自己建机房吗？"); !strings.HasPrefix(got, "【") {
				t.Errorf("not answered: %s", got)
			}
		})
	}
}

// TestCompatibleModeTrustsCiphertext: in compatible mode the unsigned
// plain fields beside Encrypt are ignored.
func TestCompatibleModeTrustsCiphertext(t *testing.T) {
	hs := newHarness(t)
	real := inMsg{To: testAccount, From: openID("compat"), CreateTime: time.Now().Unix(), MsgType: "text", Content: "单位还能自己建机房吗？", MsgID: nextID()}
	fake := real
	fake.From, fake.Content = openID("victim"), "运维巡检有什么要求？"
	q, body := hs.sim.seal(safeMode, real.xml())
	env := strings.TrimPrefix(body, "<xml>")
	body = strings.Replace(fake.xml(), "</xml>", "", 1) + strings.Replace(env, "<ToUserName>"+cdata(testAccount)+"</ToUserName>", "", 1)
	out := hs.sim.open(compatMode, hs.sim.post(q, body))
	if out.ToUserName != real.From {
		t.Errorf("reply to %q, want the encrypted sender %q", out.ToUserName, real.From)
	}
	if strings.Contains(out.Content, "运维巡检") {
		t.Errorf("answered the unsigned plain Content:\n%s", out.Content)
	}
}

// TestRequireAES refuses plain bodies but still takes safe ones.
func TestRequireAES(t *testing.T) {
	hs := newHarness(t, func(c *wechat.Config, _ *engine) { c.RequireAES = true })
	m := inMsg{To: testAccount, From: openID("strict"), CreateTime: time.Now().Unix(), MsgType: "text", Content: "单位还能自己建机房吗？", MsgID: nextID()}
	if r := hs.sim.push(plainMode, m); r.status != http.StatusForbidden {
		t.Errorf("plain: %d, want 403", r.status)
	}
	m.MsgID = nextID()
	hs.sim.open(safeMode, hs.sim.push(safeMode, m))
	if n := hs.eng.calls.Load(); n != 1 {
		t.Errorf("engine called %d times, want 1", n)
	}
}

func TestEngineTroubles(t *testing.T) {
	t.Run("not loaded", func(t *testing.T) {
		hs := newHarness(t)
		cfg := hs.cfg
		cfg.Engine = func() wechat.Engine { return nil }
		h, err := wechat.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		q, body := hs.sim.seal(plainMode, inMsg{To: testAccount, From: openID("early"), CreateTime: time.Now().Unix(), MsgType: "text", Content: "单位还能自己建机房吗？", MsgID: nextID()}.xml())
		rec := serve(h, http.MethodPost, q, body)
		if rec.status != http.StatusOK || !strings.Contains(hs.sim.open(plainMode, rec).Content, "正在启动") {
			t.Errorf("%d %s", rec.status, rec.body)
		}
	})
	t.Run("panics", func(t *testing.T) {
		hs := newHarness(t, func(_ *wechat.Config, e *engine) { e.panic = true })
		got := hs.sim.ask(safeMode, openID("boom"), nextID(), "单位还能自己建机房吗？")
		if !strings.Contains(got, "稍后再试") {
			t.Errorf("reply %q", got)
		}
	})
	t.Run("question too long", func(t *testing.T) {
		hs := newHarness(t)
		got := hs.sim.ask(plainMode, openID("toolong"), nextID(), strings.Repeat("机房", kb.MaxQuestionRunes))
		if !strings.Contains(got, "太长") {
			t.Errorf("reply %q", got)
		}
	})
}

// TestNoOpenIDInLogs: the log names users by keyed hash only.
func TestNoOpenIDInLogs(t *testing.T) {
	hs := newHarness(t, func(c *wechat.Config, e *engine) {
		c.ReplyBudget = 100 * time.Millisecond
		c.Rate, c.Burst = 1.0/60, 1
		e.delay = 300 * time.Millisecond
	})
	user := openID("secretuser")
	hs.sim.push(plainMode, inMsg{To: testAccount, From: user, CreateTime: time.Now().Unix(), MsgType: "text", Content: "单位还能自己建机房吗？", MsgID: nextID()})
	hs.api.wait(5 * time.Second)
	hs.sim.ask(plainMode, user, nextID(), "运维巡检有什么要求？") // rate limited: logged
	if strings.Contains(hs.log.String(), user) {
		t.Fatalf("OpenID in the log:\n%s", hs.log.String())
	}
	if !strings.Contains(hs.log.String(), "user=") {
		t.Fatalf("log names no user at all:\n%s", hs.log.String())
	}
}

func TestMethodNotAllowed(t *testing.T) {
	hs := newHarness(t)
	if r := hs.sim.do(http.MethodPut, url.Values{}, nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d", r.status)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  wechat.Config
	}{
		{"no token", wechat.Config{}},
		{"short AES key", wechat.Config{Token: "t", AppID: "wx1", AESKey: "short"}},
		{"AES key without appid", wechat.Config{Token: "t", AESKey: newAESKey()}},
		{"require AES without key", wechat.Config{Token: "t", RequireAES: true}},
		{"budget past WeChat's 5 s", wechat.Config{Token: "t", ReplyBudget: 5 * time.Second}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := wechat.New(tt.cfg); err == nil {
				t.Error("no error")
			}
		})
	}
}

// panicky is a log handler that panics on warnings: a stand-in for any bug
// on the request path.
type panicky struct{}

func (panicky) Enabled(context.Context, slog.Level) bool { return true }
func (panicky) Handle(_ context.Context, r slog.Record) error {
	if r.Level == slog.LevelWarn {
		panic("log exploded")
	}
	return nil
}
func (p panicky) WithAttrs([]slog.Attr) slog.Handler { return p }
func (p panicky) WithGroup(string) slog.Handler      { return p }

// TestPanicRecovered: a panic on the request path is the last line's
// business: "success", no 5xx, no crash, and the next request is served.
func TestPanicRecovered(t *testing.T) {
	hs := newHarness(t)
	cfg := hs.cfg
	cfg.Logger = slog.New(panicky{})
	cfg.Engine = func() wechat.Engine { return hs.eng }
	h, err := wechat.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	q, body := hs.sim.seal(plainMode, inMsg{To: testAccount, From: openID("panic"), CreateTime: time.Now().Unix(), MsgType: "text", Content: "单位还能自己建机房吗？", MsgID: nextID()}.xml())
	q.Set("signature", "0000") // refused, and the refusal is logged as a warning
	r := serve(h, http.MethodPost, q, body)
	if r.status != http.StatusOK || string(r.body) != "success" {
		t.Errorf("%d %q, want 200 success", r.status, r.body)
	}
	q, body = hs.sim.seal(plainMode, inMsg{To: testAccount, From: openID("panic"), CreateTime: time.Now().Unix(), MsgType: "text", Content: "单位还能自己建机房吗？", MsgID: nextID()}.xml())
	if c := hs.sim.open(plainMode, serve(h, http.MethodPost, q, body)).Content; !strings.HasPrefix(c, "【") {
		t.Errorf("next request: %q", c)
	}
}
