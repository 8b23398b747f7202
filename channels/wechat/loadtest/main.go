// Command loadtest plays WeChat's servers against a running Zhiyin: it
// pushes safe-mode (AES) text messages at a fixed rate from many OpenIDs
// and reports the reply latency (p50, p99, max) and every message that got
// no answer or more than one.
//
// It also serves a fake WeChat API on loopback (access token and
// customer-service messages), so that answers later than the reply budget
// are counted too: start the server with ZHIYIN_WECHAT_API_BASE pointing at
// it. A small share of messages is sent again with the same MsgId, as
// WeChat retries; each retry must get the same reply as the first try.
//
// Only loopback targets are accepted, and the run is bounded in rate and
// time. Example:
//
//	ZHIYIN_WECHAT_TOKEN=t ZHIYIN_WECHAT_APPID=wx0123456789abcdef \
//	ZHIYIN_WECHAT_APPSECRET=s ZHIYIN_WECHAT_AES_KEY=$KEY \
//	ZHIYIN_WECHAT_API_BASE=http://127.0.0.1:18081 ZHIYIN_RATE_LIMIT=0 \
//	ZHIYIN_WECHAT_RATE=0 go run ./cmd/zhiyin serve --addr 127.0.0.1:18080 &
//	ZHIYIN_WECHAT_TOKEN=t ZHIYIN_WECHAT_APPID=wx0123456789abcdef \
//	ZHIYIN_WECHAT_APPSECRET=s ZHIYIN_WECHAT_AES_KEY=$KEY \
//	go run ./channels/wechat/loadtest -url http://127.0.0.1:18080/wechat
package main

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Questions unit staff ask; a few greetings and a "2" follow-up mixed in.
var questions = []string{
	"单位还能自己建机房吗？", "值班人员晚上要远程登录系统处理故障，用什么VPN？", "新建项目要用国产的数据库吗？",
	"业务系统应该部署在哪里？", "涉密业务系统部署在哪个网？", "项目合同签订后还能变更吗？",
	"项目存档备查什么时候完成？", "信息资源归谁所有？", "政府智能服务机器人云平台是什么？",
	"我们单位能不能新建业务机房？", "移动办公要用哪个VPN平台？", "项目立项要先报谁审核？",
	"非涉密系统部署在哪里", "信息化项目要不要做等保", "项目可以买服务器吗",
	"你好", "谢谢", "今天天气怎么样", "2", "那网络机房呢？",
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type config struct {
	target    string
	token     string
	appID     string
	aesKey    []byte
	rate      int
	duration  time.Duration
	users     int
	retryFrac float64
	apiListen string
	grace     time.Duration
}

func run() error {
	var c config
	var key string
	flag.StringVar(&c.target, "url", "http://127.0.0.1:8080/wechat", "callback URL (loopback only)")
	flag.StringVar(&c.token, "token", os.Getenv("ZHIYIN_WECHAT_TOKEN"), "token (env ZHIYIN_WECHAT_TOKEN)")
	flag.StringVar(&c.appID, "appid", os.Getenv("ZHIYIN_WECHAT_APPID"), "AppID (env ZHIYIN_WECHAT_APPID)")
	flag.StringVar(&key, "aes-key", os.Getenv("ZHIYIN_WECHAT_AES_KEY"), "EncodingAESKey (env ZHIYIN_WECHAT_AES_KEY)")
	flag.IntVar(&c.rate, "rate", 200, "messages per second (at most 1000)")
	flag.DurationVar(&c.duration, "duration", 30*time.Second, "how long to send (at most 5m)")
	flag.IntVar(&c.users, "users", 2000, "distinct OpenIDs")
	flag.Float64Var(&c.retryFrac, "retry", 0.05, "share of messages sent again with the same MsgId")
	flag.StringVar(&c.apiListen, "api", "127.0.0.1:18081", "listen address of the fake WeChat API (loopback)")
	flag.DurationVar(&c.grace, "grace", 15*time.Second, "how long to wait for late answers after the last reply")
	flag.Parse()
	switch {
	case c.token == "" || c.appID == "" || key == "":
		return errors.New("token, appid and aes-key are required (safe mode)")
	case c.rate < 1 || c.rate > 1000:
		return errors.New("rate must be 1..1000")
	case c.duration <= 0 || c.duration > 5*time.Minute:
		return errors.New("duration must be within 5m")
	case c.users < 1 || c.users > 100_000:
		return errors.New("users must be 1..100000")
	}
	k, err := base64.StdEncoding.DecodeString(key + "=")
	if err != nil || len(k) != 32 {
		return errors.New("aes-key is not a 43-character EncodingAESKey")
	}
	c.aesKey = k
	u, err := url.Parse(c.target)
	if err != nil {
		return err
	}
	if err := loopbackOnly(u.Host); err != nil {
		return err
	}
	if err := loopbackOnly(c.apiListen); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return load(ctx, c)
}

// loopbackOnly refuses any address that is not on this machine's loopback.
func loopbackOnly(hostport string) error {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is not a loopback address: refusing", hostport)
	}
	return nil
}

// fakeAPI is WeChat's API: tokens, and customer-service messages counted by
// OpenID.
type fakeAPI struct {
	mu     sync.Mutex
	tokens int
	byUser map[string]int
	total  int
	last   time.Time
}

func (f *fakeAPI) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cgi-bin/token", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.tokens++
		n := f.tokens
		f.mu.Unlock()
		fmt.Fprintf(w, `{"access_token":"LOADTEST-%d","expires_in":7200}`, n)
	})
	mux.HandleFunc("POST /cgi-bin/message/custom/send", func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			ToUser string `json:"touser"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&m); err != nil || m.ToUser == "" {
			fmt.Fprint(w, `{"errcode":44002,"errmsg":"empty post data"}`)
			return
		}
		f.mu.Lock()
		f.byUser[m.ToUser]++
		f.total++
		f.last = time.Now()
		f.mu.Unlock()
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
	})
	return mux
}

// outcome is what became of one message.
type outcome struct {
	user    string
	latency time.Duration
	status  int
	passive bool // a text reply (else "success": an API send is due)
	body    []byte
	err     error
	bad     string // a reply that failed a check
}

func load(ctx context.Context, c config) error {
	api := &fakeAPI{byUser: map[string]int{}}
	ln, err := net.Listen("tcp", c.apiListen)
	if err != nil {
		return fmt.Errorf("fake API: %w", err)
	}
	apiSrv := &http.Server{Handler: api.handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = apiSrv.Serve(ln) }()
	defer apiSrv.Close()

	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 0, IdleConnTimeout: 30 * time.Second},
	}
	// Users send one message at a time, as people do: a free user is taken
	// for each tick.
	free := make(chan string, c.users)
	for i := range c.users {
		free <- fmt.Sprintf("oLoad%023d", i)
	}
	var (
		mu        sync.Mutex
		outcomes  []outcome
		retries   int
		retryBad  int
		skipped   int
		wg        sync.WaitGroup
		msgID     atomic.Int64
		expectAPI = map[string]int{} // user → late answers due through the API
	)
	msgID.Store(time.Now().UnixNano() / 1000)
	interval := time.Second / time.Duration(c.rate)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	deadline := time.After(c.duration)
	start := time.Now()
	fmt.Printf("loadtest: %d msg/s for %v from %d OpenIDs, %.0f%% retried, target %s, fake API %s\n",
		c.rate, c.duration, c.users, c.retryFrac*100, c.target, c.apiListen)
	sendOne := func() {
		var user string
		select {
		case user = <-free:
		default:
			skipped++
			return
		}
		id := msgID.Add(1)
		q := questions[mrand.IntN(len(questions))]
		retry := mrand.Float64() < c.retryFrac
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { free <- user }()
			msg := textXML(user, id, q)
			o := push(ctx, client, c, user, msg)
			if retry && o.err == nil {
				// WeChat retries with a fresh timestamp and nonce; the reply
				// must be the same text, or both "success".
				r := push(ctx, client, c, user, msg)
				mu.Lock()
				retries++
				if r.err != nil || r.passive != o.passive || (o.passive && !bytes.Equal(r.body, o.body)) {
					retryBad++
				}
				mu.Unlock()
			}
			mu.Lock()
			outcomes = append(outcomes, o)
			if o.err == nil && o.status == 200 && !o.passive {
				expectAPI[user]++
			}
			mu.Unlock()
		}()
	}
	scheduled := 0
send:
	for {
		select {
		case <-ctx.Done():
			break send
		case <-deadline:
			break send
		case <-tick.C:
		}
		// Open loop: as many messages as the clock says are due, so a slow
		// tick (a busy machine) does not quietly lower the rate.
		due := int(time.Since(start).Seconds() * float64(c.rate))
		for ; scheduled < due; scheduled++ {
			sendOne()
		}
	}

	sent := time.Since(start)
	wg.Wait()
	// Late answers: wait until the API has been quiet for a while.
	waitUntil := time.Now().Add(c.grace)
	for time.Now().Before(waitUntil) {
		api.mu.Lock()
		quiet := time.Since(api.last) > 3*time.Second
		got := api.total
		api.mu.Unlock()
		due := 0
		mu.Lock()
		for _, n := range expectAPI {
			due += n
		}
		mu.Unlock()
		if got >= due && quiet {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}

	// Tally.
	var lat []time.Duration
	statuses := map[int]int{}
	var errs, bad, passive, late int
	var firstErr, firstBad string
	for _, o := range outcomes {
		if o.err != nil {
			errs++
			if firstErr == "" {
				firstErr = o.err.Error()
			}
			continue
		}
		statuses[o.status]++
		lat = append(lat, o.latency)
		if o.bad != "" {
			bad++
			if firstBad == "" {
				firstBad = o.bad
			}
		}
		if o.status == 200 {
			if o.passive {
				passive++
			} else {
				late++
			}
		}
	}
	api.mu.Lock()
	lost, dup := 0, 0
	users := map[string]bool{}
	for u := range expectAPI {
		users[u] = true
	}
	for u := range api.byUser {
		users[u] = true
	}
	for u := range users {
		d := api.byUser[u] - expectAPI[u]
		if d > 0 {
			dup += d // sent through the API without a "success" to ask for it
		} else {
			lost -= d
		}
	}
	apiSends, tokens := api.total, api.tokens
	api.mu.Unlock()
	lost += errs
	for s, n := range statuses {
		if s != 200 {
			lost += n
		}
	}

	slices.Sort(lat)
	fmt.Printf("sent %d messages in %v (%.1f msg/s), %d skipped (no free user)\n",
		len(outcomes), sent.Round(time.Millisecond), float64(len(outcomes))/sent.Seconds(), skipped)
	fmt.Printf("replies: %d text, %d \"success\" + customer-service API, statuses %v, %d transport errors\n",
		passive, late, statuses, errs)
	if firstErr != "" {
		fmt.Printf("  first error: %s\n", firstErr)
	}
	fmt.Printf("latency: p50 %v  p90 %v  p99 %v  max %v\n",
		pct(lat, 50), pct(lat, 90), pct(lat, 99), pct(lat, 100))
	fmt.Printf("customer-service API: %d sends, %d token fetches\n", apiSends, tokens)
	fmt.Printf("retries: %d, %d with a different reply\n", retries, retryBad)
	fmt.Printf("bad replies (signature, decryption, addressing): %d %s\n", bad, firstBad)
	fmt.Printf("lost: %d  duplicated: %d\n", lost, dup)
	if lost > 0 || dup > 0 || bad > 0 || retryBad > 0 || pct(lat, 100) > 4500*time.Millisecond {
		return errors.New("FAILED: lost, duplicated or bad replies, or max latency over 4.5 s")
	}
	fmt.Println("PASS")
	return nil
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i].Round(time.Millisecond)
}

func textXML(user string, id int64, content string) []byte {
	return []byte("<xml><ToUserName><![CDATA[gh_loadtest]]></ToUserName><FromUserName><![CDATA[" + user +
		"]]></FromUserName><CreateTime>" + strconv.FormatInt(time.Now().Unix(), 10) +
		"</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + content +
		"]]></Content><MsgId>" + strconv.FormatInt(id, 10) + "</MsgId></xml>")
}

// push sends one safe-mode message and checks the reply.
func push(ctx context.Context, client *http.Client, c config, user string, msg []byte) outcome {
	o := outcome{user: user}
	random := make([]byte, 16)
	_, _ = rand.Read(random)
	enc := encrypt(c.aesKey, random, msg, c.appID)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := strconv.Itoa(mrand.IntN(1_000_000_000))
	q := url.Values{
		"signature": {signature(c.token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce},
		"openid": {user}, "encrypt_type": {"aes"}, "msg_signature": {signature(c.token, ts, nonce, enc)},
	}
	body := "<xml><ToUserName><![CDATA[gh_loadtest]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.target+"?"+q.Encode(), strings.NewReader(body))
	if err != nil {
		o.err = err
		return o
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		o.err = err
		return o
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	o.latency = time.Since(start)
	o.status = resp.StatusCode
	if err != nil {
		o.err = err
		return o
	}
	if resp.StatusCode != 200 || string(b) == "success" || len(b) == 0 {
		return o
	}
	o.passive, o.body = true, b
	o.bad = checkReply(c, user, b)
	return o
}

// checkReply opens a safe-mode reply and returns what is wrong with it.
func checkReply(c config, user string, b []byte) string {
	var env struct {
		Encrypt      string `xml:"Encrypt"`
		MsgSignature string `xml:"MsgSignature"`
		TimeStamp    string `xml:"TimeStamp"`
		Nonce        string `xml:"Nonce"`
	}
	if err := xml.Unmarshal(b, &env); err != nil {
		return "envelope: " + err.Error()
	}
	if signature(c.token, env.TimeStamp, env.Nonce, env.Encrypt) != env.MsgSignature {
		return "MsgSignature"
	}
	msg, appID, err := decrypt(c.aesKey, env.Encrypt)
	if err != nil {
		return "decrypt: " + err.Error()
	}
	if appID != c.appID {
		return "appid " + appID
	}
	var m struct {
		ToUserName string `xml:"ToUserName"`
		MsgType    string `xml:"MsgType"`
		Content    string `xml:"Content"`
	}
	if err := xml.Unmarshal(msg, &m); err != nil {
		return "message: " + err.Error()
	}
	if m.ToUserName != user || m.MsgType != "text" || m.Content == "" || len(m.Content) > 2000 {
		return fmt.Sprintf("reply to %q type %q, %d bytes", m.ToUserName, m.MsgType, len(m.Content))
	}
	return ""
}

// WeChat's crypto, written here again so the load test shares no code with
// the server it measures.

func signature(parts ...string) string {
	p := slices.Clone(parts)
	sort.Strings(p)
	sum := sha1.Sum([]byte(strings.Join(p, "")))
	return hex.EncodeToString(sum[:])
}

func encrypt(key, random, msg []byte, appID string) string {
	var plain bytes.Buffer
	plain.Write(random)
	_ = binary.Write(&plain, binary.BigEndian, uint32(len(msg)))
	plain.Write(msg)
	plain.WriteString(appID)
	pad := 32 - plain.Len()%32
	plain.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	block, _ := aes.NewCipher(key)
	out := make([]byte, plain.Len())
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, plain.Bytes())
	return base64.StdEncoding.EncodeToString(out)
}

func decrypt(key []byte, b64 string) ([]byte, string, error) {
	ct, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(ct) == 0 || len(ct)%32 != 0 {
		return nil, "", errors.New("bad ciphertext")
	}
	block, _ := aes.NewCipher(key)
	p := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(p, ct)
	pad := int(p[len(p)-1])
	if pad < 1 || pad > 32 {
		return nil, "", errors.New("bad padding")
	}
	p = p[:len(p)-pad]
	if len(p) < 20 {
		return nil, "", errors.New("too short")
	}
	n := int(binary.BigEndian.Uint32(p[16:20]))
	if 20+n > len(p) {
		return nil, "", errors.New("bad length")
	}
	return p[20 : 20+n], string(p[20+n:]), nil
}
