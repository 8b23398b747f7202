package wechat_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhiyin/channels/wechat"
	"zhiyin/kb"
)

const (
	testToken   = "zhiyin-test-token"
	testAppID   = "wx0123456789abcdef"
	testSecret  = "test-app-secret"
	testAccount = "gh_zhiyin"
)

// newAESKey returns a fresh EncodingAESKey.
func newAESKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return strings.TrimSuffix(base64.StdEncoding.EncodeToString(b), "=")
}

// engine wraps the test service: it counts calls and can be slowed down or
// made to panic.
type engine struct {
	inner wechat.Engine
	calls atomic.Int64
	delay time.Duration
	panic bool
}

func (e *engine) Ask(ctx context.Context, q kb.Question) (kb.Answer, error) {
	e.calls.Add(1)
	if e.panic {
		panic("engine exploded")
	}
	if e.delay > 0 {
		select {
		case <-time.After(e.delay):
		case <-ctx.Done():
			return kb.Answer{}, ctx.Err()
		}
	}
	return e.inner.Ask(ctx, q)
}

// sent is one message the fake API received.
type sent struct {
	ToUser  string
	Content string
}

// fakeAPI is WeChat's API on loopback: the access token and the
// customer-service message endpoints.
type fakeAPI struct {
	t      testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	tokens int    // tokens handed out
	cur    string // the valid token
	stale  int    // the next sends to refuse with 40001
	sends  []sent
	notify chan sent
}

func newFakeAPI(t testing.TB) *fakeAPI {
	f := &fakeAPI{t: t, notify: make(chan sent, 100)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cgi-bin/token", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("grant_type") != "client_credential" || q.Get("appid") != testAppID || q.Get("secret") != testSecret {
			fmt.Fprint(w, `{"errcode":40013,"errmsg":"invalid appid"}`)
			return
		}
		f.mu.Lock()
		f.tokens++
		f.cur = "TOKEN-" + strconv.Itoa(f.tokens)
		tok := f.cur
		f.mu.Unlock()
		fmt.Fprintf(w, `{"access_token":%q,"expires_in":7200}`, tok)
	})
	mux.HandleFunc("POST /cgi-bin/message/custom/send", func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			ToUser  string `json:"touser"`
			MsgType string `json:"msgtype"`
			Text    struct {
				Content string `json:"content"`
			} `json:"text"`
		}
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m.MsgType != "text" {
			fmt.Fprint(w, `{"errcode":44002,"errmsg":"empty post data"}`)
			return
		}
		f.mu.Lock()
		tok := r.URL.Query().Get("access_token")
		if tok != f.cur || f.stale > 0 {
			if f.stale > 0 {
				f.stale--
				f.cur = "" // WeChat invalidated it
			}
			f.mu.Unlock()
			fmt.Fprint(w, `{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest"}`)
			return
		}
		s := sent{ToUser: m.ToUser, Content: m.Text.Content}
		f.sends = append(f.sends, s)
		f.mu.Unlock()
		f.notify <- s
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) counts() (tokens, sends int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens, len(f.sends)
}

// wait returns the next message sent through the API, or fails after d.
func (f *fakeAPI) wait(d time.Duration) sent {
	f.t.Helper()
	select {
	case s := <-f.notify:
		return s
	case <-time.After(d):
		f.t.Fatalf("no customer-service message within %v", d)
		return sent{}
	}
}

// syncBuffer collects the handler's log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is one handler behind a loopback server, the simulator pointed at
// it, the fake API and the counting engine.
type harness struct {
	h   *wechat.Handler
	sim *wxSim
	api *fakeAPI
	eng *engine
	log *syncBuffer
	cfg wechat.Config
}

// newHarness starts a handler in safe-mode-capable configuration; edit
// adjusts the configuration first.
func newHarness(t testing.TB, edit ...func(*wechat.Config, *engine)) *harness {
	t.Helper()
	api := newFakeAPI(t)
	eng := &engine{inner: service(t)}
	logs := &syncBuffer{}
	aesKey := newAESKey()
	cfg := wechat.Config{
		Token: testToken, AppID: testAppID, AppSecret: testSecret, AESKey: aesKey,
		APIBase:  api.srv.URL,
		HashKey:  []byte("test-hash-key"),
		Rate:     -1,
		Helpdesk: "020-12345678",
		Logger:   slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, e := range edit {
		e(&cfg, eng)
	}
	cfg.Engine = func() wechat.Engine { return eng }
	h, err := wechat.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.Close(ctx); err != nil {
			t.Errorf("handler close: %v", err)
		}
	})
	sim := &wxSim{
		t: t, url: srv.URL + "/wechat", token: cfg.Token, appID: cfg.AppID, account: testAccount,
		client: &http.Client{Timeout: 20 * time.Second}, now: time.Now,
	}
	if cfg.AESKey != "" {
		sim.key = simKey(t, cfg.AESKey)
	}
	return &harness{h: h, sim: sim, api: api, eng: eng, log: logs, cfg: cfg}
}

var msgIDs atomic.Int64

func init() { msgIDs.Store(6054768590064713728) }

// nextID returns a fresh MsgId.
func nextID() int64 { return msgIDs.Add(1) }

// serve calls h directly, without a server in between.
func serve(h http.Handler, method string, q url.Values, body string) reply {
	req := httptest.NewRequest(method, "/wechat?"+q.Encode(), strings.NewReader(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return reply{status: rec.Code, body: rec.Body.Bytes()}
}

// openID returns a distinct, realistic-looking OpenID for a test.
func openID(name string) string {
	return "oZhiyin" + strings.Repeat("x", max(0, 21-len(name))) + name
}
