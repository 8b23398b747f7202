package wechat

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// Bounds on the work behind the replies.
const (
	// answerTimeout bounds one answer, long after the reply budget: a late
	// answer still goes out through the customer-service API.
	answerTimeout = 30 * time.Second
	// sendTimeout bounds delivering one message's texts through the API.
	sendTimeout = 30 * time.Second
	// maxSends bounds concurrent customer-service API calls.
	maxSends = 16
)

// Handler is the WeChat callback: an http.Handler for GET (URL
// verification) and POST (messages). It is safe for concurrent use.
type Handler struct {
	cfg     Config
	keys    []aesKey // current first, then previous
	oa      *officialaccount.OfficialAccount
	cs      *customerService // nil without AppID and AppSecret
	jobs    *jobs
	limits  *limiters
	turns   *turns
	hashKey []byte
	sem     chan struct{} // concurrent engine calls
	sends   chan struct{} // concurrent API sends
	log     *slog.Logger
	bg      sync.WaitGroup // processing and sends still running
}

// New returns the handler for cfg. It returns an error when the token is
// missing, an EncodingAESKey is malformed, or a setting is out of range.
// Nothing calls WeChat here: the access token is fetched when first needed.
func New(cfg Config) (*Handler, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	h := &Handler{
		cfg:    cfg,
		jobs:   newJobs(),
		limits: newLimiters(cfg.Rate, cfg.Burst),
		turns:  newTurns(),
		sem:    make(chan struct{}, 4*runtime.GOMAXPROCS(0)),
		sends:  make(chan struct{}, maxSends),
		log:    cfg.Logger,
	}
	for _, s := range []string{cfg.AESKey, cfg.PreviousAESKey} {
		if s == "" {
			continue
		}
		k, err := parseAESKey(s)
		if err != nil {
			return nil, err
		}
		h.keys = append(h.keys, k)
	}
	h.hashKey = cfg.HashKey
	if len(h.hashKey) == 0 {
		h.hashKey = make([]byte, 32)
		_, _ = rand.Read(h.hashKey) // crypto/rand.Read does not fail on supported platforms
	}
	// The library's account object holds the configuration and our token
	// handle, with our cache (its memory cache races, #888).
	tokens := newMemCache()
	h.oa = officialaccount.NewOfficialAccount(&config.Config{
		AppID: cfg.AppID, AppSecret: cfg.AppSecret, Token: cfg.Token,
		EncodingAESKey: cfg.AESKey, Cache: tokens,
	})
	if cfg.AppID != "" && cfg.AppSecret != "" {
		h.cs = &customerService{
			base: cfg.APIBase, appID: cfg.AppID, secret: cfg.AppSecret,
			client: cfg.HTTPClient, cache: tokens, oa: h.oa, retryWait: 300 * time.Millisecond,
			key: fmt.Sprintf("%s_access_token_%s", credential.CacheKeyOfficialAccountPrefix, cfg.AppID),
		}
		h.oa.SetAccessTokenHandle(h.cs)
	} else {
		h.log.Warn("wechat: no AppID/AppSecret: answers later than the reply budget and long clause texts cannot be sent")
	}
	return h, nil
}

// Close waits until the answers still being worked out have been sent, or
// ctx is done.
func (h *Handler) Close(ctx context.Context) error {
	done := make(chan struct{})
	go func() { h.bg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// userHash stands for an OpenID in logs, sessions and the engine's question
// log: HMAC-SHA256 under the hash key, 16 hex digits.
func (h *Handler) userHash(openid string) string {
	m := hmac.New(sha256.New, h.hashKey)
	m.Write([]byte(openid))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// ServeHTTP answers WeChat. A panic is recovered and answered "success" as
// a last line of defence: WeChat shows its users an error page for a 5xx.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tw := &trackingWriter{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.Error("wechat: panic", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !tw.wrote {
				writeBody(tw, http.StatusOK, "text/plain; charset=utf-8", success)
			}
		}
	}()
	switch r.Method {
	case http.MethodGet:
		h.verify(tw, r)
	case http.MethodPost:
		h.receive(tw, r)
	default:
		tw.Header().Set("Allow", "GET, POST")
		fail(tw, http.StatusMethodNotAllowed)
	}
}

// verify answers URL verification: echostr back when the signature holds.
func (h *Handler) verify(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		fail(w, http.StatusBadRequest)
		return
	}
	if !fresh(q.timestamp, h.cfg.Now(), h.cfg.MaxSkew) || q.nonce == "" ||
		!validSignature(q.signature, h.cfg.Token, q.timestamp, q.nonce) {
		h.log.Warn("wechat: URL verification refused", "remote", r.RemoteAddr)
		fail(w, http.StatusForbidden)
		return
	}
	if q.echostr == "" {
		fail(w, http.StatusBadRequest)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	writeBody(w, http.StatusOK, "text/plain; charset=utf-8", []byte(q.echostr))
}

// receive handles one message push.
func (h *Handler) receive(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	q, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		fail(w, http.StatusBadRequest)
		return
	}
	aes := q.encryptType == "aes"
	switch {
	case q.encryptType != "" && !aes:
		fail(w, http.StatusBadRequest)
		return
	case !aes && h.cfg.RequireAES:
		h.log.Warn("wechat: plain-mode message refused (ZHIYIN_WECHAT_REQUIRE_AES)", "remote", r.RemoteAddr)
		fail(w, http.StatusForbidden)
		return
	case !fresh(q.timestamp, h.cfg.Now(), h.cfg.MaxSkew) || q.nonce == "":
		h.log.Warn("wechat: stale or missing timestamp", "remote", r.RemoteAddr)
		fail(w, http.StatusForbidden)
		return
	case !aes && !validSignature(q.signature, h.cfg.Token, q.timestamp, q.nonce):
		h.log.Warn("wechat: bad signature", "remote", r.RemoteAddr)
		fail(w, http.StatusForbidden)
		return
	}
	body, status := h.readBody(w, r)
	if status != 0 {
		fail(w, status)
		return
	}
	var m *message.MixMessage
	mode := replyMode{aes: aes}
	if aes {
		env, err := parseEnvelope(body)
		if err != nil {
			fail(w, http.StatusBadRequest)
			return
		}
		// msg_signature covers the Encrypt text: no body byte is trusted
		// before it holds.
		if !validSignature(q.msgSignature, h.cfg.Token, q.timestamp, q.nonce, env.EncryptedMsg) {
			h.log.Warn("wechat: bad msg_signature", "remote", r.RemoteAddr)
			fail(w, http.StatusForbidden)
			return
		}
		if len(h.keys) == 0 {
			h.log.Error("wechat: safe-mode message but ZHIYIN_WECHAT_AES_KEY is not set")
			fail(w, http.StatusBadRequest)
			return
		}
		plain, key, err := h.open(env.EncryptedMsg)
		if err != nil {
			h.log.Warn("wechat: cannot open message", "err", err)
			if errors.Is(err, errAppID) {
				fail(w, http.StatusForbidden)
			} else {
				fail(w, http.StatusBadRequest)
			}
			return
		}
		mode.key = key
		body = plain
	}
	if m, err = parseMessage(body); err != nil {
		h.log.Warn("wechat: bad message", "err", err)
		fail(w, http.StatusBadRequest)
		return
	}
	h.dispatch(w, r, m, mode, start)
}

// open decrypts with each key in turn: during a key rotation WeChat may
// still use the previous one. It returns the key that worked, for the reply.
func (h *Handler) open(encrypted string) ([]byte, aesKey, error) {
	var firstErr error
	for _, k := range h.keys {
		plain, err := k.decrypt(encrypted, h.cfg.AppID)
		if err == nil {
			return plain, k, nil
		}
		if firstErr == nil || errors.Is(err, errAppID) {
			firstErr = err
		}
	}
	return nil, aesKey{}, firstErr
}

// readBody reads at most maxBody bytes, within ReadTimeout. It returns a
// status (413, 408 or 400) when it cannot.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, int) {
	rc := http.NewResponseController(w)
	// A slow client must not hold a connection and a goroutine for long;
	// not every ResponseWriter can set a deadline, hence the ignored error.
	_ = rc.SetReadDeadline(time.Now().Add(h.cfg.ReadTimeout))
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		// The deadline stays: net/http tries to drain an unread body before
		// it writes the response, and must not wait on the slow client to
		// do so. The connection is closed after the reply.
		w.Header().Set("Connection", "close")
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return nil, http.StatusRequestEntityTooLarge
		case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
			return nil, http.StatusRequestTimeout
		}
		return nil, http.StatusBadRequest
	}
	_ = rc.SetReadDeadline(time.Time{})
	return body, 0
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// dispatch gives the message its reply: the one job per message (WeChat's
// retries share it), the rate limit for new messages only, then waiting
// for the answer until the reply budget runs out.
func (h *Handler) dispatch(w http.ResponseWriter, r *http.Request, m *message.MixMessage, mode replyMode, start time.Time) {
	openid := string(m.FromUserName)
	user := h.userHash(openid)
	if silent(m) {
		writeBody(w, http.StatusOK, "text/plain; charset=utf-8", success)
		return
	}
	fp := fingerprint(m)
	key := messageKey(m, fp)
	j, first := h.jobs.get(key, fp)
	if j == nil {
		// Same MsgId, different content: not WeChat's retry.
		h.log.Warn("wechat: message id reused with other content", "user", user, "msgid", m.MsgID)
		writeBody(w, http.StatusOK, "text/plain; charset=utf-8", success)
		return
	}
	if first {
		// De-duplication first, then the rate limit: a retry never counts
		// and never gets the rate-limit text instead of its answer.
		if isQuestion(m) && !h.limits.allow(user, h.cfg.Now()) {
			h.log.Info("wechat: rate limited", "user", user)
			j.finish(one(textLimited))
		} else {
			h.bg.Add(1)
			go h.process(j, *m, user)
		}
	} else {
		h.log.Info("wechat: retry", "user", user, "msgid", m.MsgID)
	}

	wait := time.NewTimer(h.cfg.ReplyBudget - time.Since(start))
	defer wait.Stop()
	select {
	case <-j.done:
	case <-wait.C:
	case <-r.Context().Done():
		return // WeChat gave up on this try; a retry will come for the reply
	}

	var body []byte
	var rest []string
	j.mu.Lock()
	switch {
	case !j.finished && h.cs != nil:
		// Out of time: "success" now, the answer through the API when it is
		// ready (process sends it), and "success" to any later retry.
		j.async = true
		body = success
		h.log.Info("wechat: answer late, will send through the customer-service API", "user", user)
	case !j.finished:
		// No API to send through: say so rather than lose the answer
		// silently. Not stored: a retry may still find the answer ready.
		b, err := h.renderText(m, fitReply(textLate), mode)
		if err != nil {
			b = success
		}
		body = b
	case j.async || j.res.silent || len(j.res.texts) == 0:
		body = success
	default:
		if j.reply == nil || !j.mode.same(mode) {
			b, err := h.renderText(m, j.res.texts[0], mode)
			if err != nil {
				h.log.Error("wechat: render reply", "err", err)
				b = success
			}
			j.reply, j.mode = b, mode
		}
		body = j.reply
		if len(j.res.texts) > 1 && !j.restSent {
			j.restSent = true
			rest = j.res.texts[1:]
		}
	}
	j.mu.Unlock()
	if len(rest) > 0 {
		h.sendLater(openid, user, rest)
	}
	ctype := "application/xml; charset=utf-8"
	if string(body) == string(success) {
		ctype = "text/plain; charset=utf-8"
	}
	writeBody(w, http.StatusOK, ctype, body)
	h.log.Debug("wechat: replied", "user", user, "type", string(m.MsgType), "retry", !first,
		"ms", time.Since(start).Milliseconds())
}

// process works out a message's reply in the background, detached from the
// request (WeChat drops it after 5 s; the answer must still go out).
func (h *Handler) process(j *job, m message.MixMessage, user string) {
	defer h.bg.Done()
	var res result
	defer func() {
		if v := recover(); v != nil {
			h.log.Error("wechat: panic while answering", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			res = one(textFailed)
		}
		if j.finish(res) && !res.silent && len(res.texts) > 0 {
			h.sendNow(string(m.FromUserName), user, res.texts)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), answerTimeout)
	defer cancel()
	res = h.respond(ctx, &m, user)
}

// sendLater sends texts through the customer-service API in the background.
func (h *Handler) sendLater(openid, user string, texts []string) {
	if h.cs == nil {
		h.log.Warn("wechat: texts dropped: no AppID/AppSecret for the customer-service API", "user", user, "n", len(texts))
		return
	}
	h.bg.Add(1)
	go func() {
		defer h.bg.Done()
		h.sendNow(openid, user, texts)
	}()
}

// sendNow sends texts in order through the customer-service API, stopping
// at the first failure (a later text without the earlier would confuse).
func (h *Handler) sendNow(openid, user string, texts []string) {
	if h.cs == nil {
		h.log.Warn("wechat: late answer dropped: no AppID/AppSecret for the customer-service API", "user", user)
		return
	}
	h.sends <- struct{}{}
	defer func() { <-h.sends }()
	ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
	defer cancel()
	for i, t := range texts {
		if err := h.cs.sendText(ctx, openid, t); err != nil {
			h.log.Error("wechat: customer-service send failed", "user", user, "part", i+1, "of", len(texts), "err", err)
			return
		}
	}
	h.log.Info("wechat: sent through the customer-service API", "user", user, "parts", len(texts))
}

// trackingWriter remembers whether anything was written, for the panic
// handler.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *trackingWriter) WriteHeader(code int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *trackingWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (w *trackingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// writeBody writes a complete response. Write errors are ignored: the
// client is gone and nobody is left to tell (the library panics here).
func writeBody(w http.ResponseWriter, status int, ctype string, body []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// fail writes a bare status: nothing about why goes back to the caller.
func fail(w http.ResponseWriter, status int) {
	writeBody(w, status, "text/plain; charset=utf-8", []byte(http.StatusText(status)+"\n"))
}
