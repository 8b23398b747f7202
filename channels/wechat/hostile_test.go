package wechat_test

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhiyin/channels/wechat"
)

// TestHostileInputs runs every hostile input of WECHAT.md as one case: no
// 5xx, no panic, and nothing forged reaches the engine or gets an answer.
// (The same MsgId three times within 15 s is TestRetries; a plain body
// refused outright is TestRequireAES.)
func TestHostileInputs(t *testing.T) {
	hs := newHarness(t)
	sim := hs.sim
	text := func(from string) inMsg {
		return inMsg{To: testAccount, From: openID(from), CreateTime: time.Now().Unix(), MsgType: "text", Content: "单位还能自己建机房吗？", MsgID: nextID()}
	}
	plain := func(body string) func(*harness) (url.Values, string) {
		return func(*harness) (url.Values, string) { return sim.signedQuery(plainMode, ""), body }
	}
	// plainQuery signs a plain push with the given timestamp and nonce.
	plainQuery := func(ts, nonce string) url.Values {
		return url.Values{"signature": {simSign(testToken, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}}
	}
	edit := func(f func(q url.Values)) func(*harness) (url.Values, string) {
		return func(*harness) (url.Values, string) {
			q, body := sim.seal(plainMode, text("edit").xml())
			f(q)
			return q, body
		}
	}
	// safeWith posts a safe-mode envelope around enc, correctly signed.
	safeWith := func(enc string) func(*harness) (url.Values, string) {
		return func(*harness) (url.Values, string) {
			return sim.signedQuery(safeMode, enc), "<xml><ToUserName>" + cdata(testAccount) + "</ToUserName><Encrypt>" + cdata(enc) + "</Encrypt></xml>"
		}
	}
	// rawPlain encrypts a hand-made padded plaintext.
	rawPlain := func(xmlLen uint32, payload []byte, appID string, pad int) string {
		var b bytes.Buffer
		b.Write(make([]byte, 16))
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], xmlLen)
		b.Write(n[:])
		b.Write(payload)
		b.WriteString(appID)
		fill := 32 - b.Len()%32
		if fill < 2 {
			fill += 32
		}
		b.Write(bytes.Repeat([]byte{'x'}, fill-1))
		b.WriteByte(byte(pad))
		return simEncryptRaw(sim.key, b.Bytes())
	}
	msgXML := []byte(text("raw").xml())
	randomB64 := func(n int) string {
		b := make([]byte, n)
		_, _ = rand.Read(b)
		return base64.StdEncoding.EncodeToString(b)
	}
	xxe := `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>a</ToUserName><FromUserName>` + openID("xxe") + `</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>77</MsgId></xml>`
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><ToUserName>a</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol3;</Content><MsgId>78</MsgId></xml>`

	tests := []struct {
		name   string
		req    func(*harness) (url.Values, string)
		status int
		forged bool // must not reach the engine nor get an answer
		check  func(t *testing.T, r reply)
	}{
		// Query parameters.
		{name: "missing signature", req: edit(func(q url.Values) { q.Del("signature") }), status: 403, forged: true},
		{name: "empty signature", req: edit(func(q url.Values) { q.Set("signature", "") }), status: 403, forged: true},
		{name: "missing timestamp", req: edit(func(q url.Values) { q.Del("timestamp") }), status: 403, forged: true},
		{name: "missing nonce", req: edit(func(q url.Values) { q.Del("nonce") }), status: 403, forged: true},
		{name: "duplicated signature", req: edit(func(q url.Values) { q.Add("signature", q.Get("signature")) }), status: 400, forged: true},
		{name: "duplicated timestamp", req: edit(func(q url.Values) { q.Add("timestamp", "1") }), status: 400, forged: true},
		{name: "duplicated msg_signature", req: func(*harness) (url.Values, string) {
			q, body := sim.seal(safeMode, text("dupmsgsig").xml())
			q.Add("msg_signature", q.Get("msg_signature"))
			return q, body
		}, status: 400, forged: true},
		{name: "unknown encrypt_type", req: edit(func(q url.Values) { q.Set("encrypt_type", "des") }), status: 400, forged: true},
		{name: "upper-case hex signature", req: edit(func(q url.Values) { q.Set("signature", strings.ToUpper(q.Get("signature"))) }), status: 403, forged: true},
		{name: "upper-case hex msg_signature", req: func(*harness) (url.Values, string) {
			q, body := sim.seal(safeMode, text("upper").xml())
			q.Set("msg_signature", strings.ToUpper(q.Get("msg_signature")))
			return q, body
		}, status: 403, forged: true},
		{name: "wrong token", req: edit(func(q url.Values) {
			q.Set("signature", simSign("guessed", q.Get("timestamp"), q.Get("nonce")))
		}), status: 403, forged: true},
		// Timestamps.
		{name: "stale timestamp", req: func(*harness) (url.Values, string) {
			return plainQuery(strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10), "1"), text("stale").xml()
		}, status: 403, forged: true},
		{name: "future timestamp", req: func(*harness) (url.Values, string) {
			return plainQuery(strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10), "1"), text("future").xml()
		}, status: 403, forged: true},
		{name: "non-numeric timestamp", req: func(*harness) (url.Values, string) { return plainQuery("yesterday", "1"), text("nonnum").xml() }, status: 403, forged: true},
		{name: "negative timestamp", req: func(*harness) (url.Values, string) { return plainQuery("-1", "1"), text("neg").xml() }, status: 403, forged: true},
		// Bodies swapped under a valid signature.
		{name: "plain: valid query signature, swapped body", req: func(*harness) (url.Values, string) {
			// The plain signature covers no body byte: a leaked triple
			// authorises any body. Accepted (this is why RequireAES
			// exists); the reply goes to the body's sender, nobody else.
			q, _ := sim.seal(plainMode, text("orig").xml())
			return q, text("swapped").xml()
		}, status: 200},
		{name: "safe: valid query, swapped Encrypt", req: func(*harness) (url.Values, string) {
			q, _ := sim.seal(safeMode, text("origsafe").xml())
			_, other := sim.seal(safeMode, text("swappedsafe").xml())
			return q, other
		}, status: 403, forged: true},
		{name: "safe: msg_signature missing", req: func(*harness) (url.Values, string) {
			q, body := sim.seal(safeMode, text("nomsgsig").xml())
			q.Del("msg_signature")
			return q, body
		}, status: 403, forged: true},
		// Encrypt.
		{name: "Encrypt missing", req: func(*harness) (url.Values, string) {
			return sim.signedQuery(safeMode, ""), "<xml><ToUserName>" + cdata(testAccount) + "</ToUserName></xml>"
		}, status: 400, forged: true},
		{name: "Encrypt empty", req: safeWith(""), status: 400, forged: true},
		{name: "Encrypt not base64", req: safeWith("!!!not*base64!!!"), status: 400, forged: true},
		{name: "Encrypt not a multiple of 32 bytes", req: safeWith(randomB64(48)), status: 400, forged: true},
		{name: "Encrypt not a multiple of 16 bytes", req: safeWith(randomB64(40)), status: 400, forged: true},
		{name: "Encrypt random blocks", req: safeWith(randomB64(256)), status: 400, forged: true},
		{name: "pad 0", req: safeWith(rawPlain(uint32(len(msgXML)), msgXML, testAppID, 0)), status: 400, forged: true},
		{name: "pad 33", req: safeWith(rawPlain(uint32(len(msgXML)), msgXML, testAppID, 33)), status: 400, forged: true},
		{name: "length field past the payload", req: safeWith(rawPlain(1<<20, msgXML, testAppID, 1)), status: 400, forged: true},
		{name: "length field at 2^32-1", req: safeWith(rawPlain(^uint32(0), msgXML, testAppID, 1)), status: 400, forged: true},
		{name: "wrong appid", req: safeWith(simEncrypt(sim.key, make([]byte, 16), msgXML, "wxevilevilevil00")), status: 403, forged: true},
		{name: "encrypted with another key", req: safeWith(simEncrypt(simKey(t, newAESKey()), make([]byte, 16), msgXML, testAppID)), status: 400, forged: true},
		// XML.
		{name: "XXE", req: plain(xxe), status: 400, forged: true},
		{name: "billion laughs", req: plain(laughs), status: 400, forged: true},
		{name: "DOCTYPE without entities", req: plain(`<!DOCTYPE xml><xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>hi</Content></xml>`), status: 400, forged: true},
		{name: "XXE inside Encrypt", req: safeWith(simEncrypt(sim.key, make([]byte, 16), []byte(xxe), testAppID)), status: 400, forged: true},
		{name: "encoding GBK", req: plain(`<?xml version="1.0" encoding="GBK"?>` + text("gbk").xml()), status: 400, forged: true},
		{name: "GBK bytes", req: plain(strings.Replace(text("gbkbytes").xml(), "单位还能自己建机房吗？", "\xb5\xa5\xce\xbb", 1)), status: 400, forged: true},
		{name: "duplicate Content", req: plain(strings.Replace(text("dup").xml(), "</xml>", "<Content>"+cdata("运维巡检有什么要求？")+"</Content></xml>", 1)), status: 400, forged: true},
		{name: "malformed XML", req: plain(`<xml><FromUserName>u</FromUserName><MsgType>text`), status: 400, forged: true},
		{name: "not XML", req: plain(`{"msgtype":"text"}`), status: 400, forged: true},
		{name: "two roots", req: plain(text("tworoots").xml() + text("tworoots2").xml()), status: 400, forged: true},
		{name: "empty body", req: plain(""), status: 400, forged: true},
		{name: "no FromUserName", req: plain(`<xml><MsgType>text</MsgType><Content>hi</Content></xml>`), status: 400, forged: true},
		{name: "non-numeric CreateTime", req: plain(strings.Replace(text("ct").xml(), "<CreateTime>", "<CreateTime>x", 1)), status: 400, forged: true},
		{name: "deep nesting", req: plain(`<xml>` + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + `</xml>`), status: 400, forged: true},
		// Message types and fields (accepted).
		{name: "MsgType TEXT", req: plain(func() string { m := text("upper"); m.MsgType = "TEXT"; return m.xml() }()), status: 200, check: contentHas("请发送文字问题")},
		{name: "MsgType location", req: plain(func() string { m := text("loc"); m.MsgType = "location"; return m.xml() }()), status: 200, check: contentHas("请发送文字问题")},
		{name: "MsgType unknown", req: plain(func() string { m := text("unk"); m.MsgType = "miniprogrampage"; return m.xml() }()), status: 200, check: contentHas("请发送文字问题")},
		{name: "voice without Recognition", req: plain(func() string { m := text("voice"); m.MsgType, m.Recognition = "voice", "-"; return m.xml() }()), status: 200, check: contentHas("请发送文字问题")},
		{name: "MsgId missing", req: plain(func() string { m := text("noid"); m.MsgID = 0; return m.xml() }()), status: 200, check: contentHas("【")},
		{name: "MsgId 0", req: plain(strings.Replace(func() string { m := text("zeroid"); m.MsgID = 0; return m.xml() }(), "</xml>", "<MsgId>0</MsgId></xml>", 1)), status: 200, check: contentHas("【")},
		{name: "Content with ]]> and U+000C", req: plain(func() string {
			m := text("cdata")
			m.Content = "机房]]>监控\f数据<![CDATA[怎么保存\x00？"
			return m.xml()
		}()), status: 200},
		{name: "answer holding ]]> and U+000C", req: plain(func() string {
			m := text("nasty")
			m.Content = "机房温湿度监控数据怎么保存？"
			return m.xml()
		}()), status: 200, check: func(t *testing.T, r reply) {
			c := sim.open(plainMode, r).Content
			if strings.Contains(c, nastyMarker) && (!strings.Contains(c, "]]>") || strings.ContainsRune(c, '\f')) {
				t.Errorf("]]> lost or U+000C kept: %q", c)
			}
		}},
		{name: "emoji and astral characters", req: plain(func() string { m := text("emoji"); m.Content = "😀𠀀机房？"; return m.xml() }()), status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := hs.eng.calls.Load()
			q, body := tt.req(hs)
			r := sim.post(q, body)
			if r.status >= 500 {
				t.Fatalf("status %d", r.status)
			}
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if r.status == http.StatusOK {
				if string(r.body) != "success" {
					sim.open(plainMode, r) // well-formed, valid, within the limit
				}
			}
			if tt.forged {
				if n := hs.eng.calls.Load(); n != before {
					t.Errorf("a refused request reached the engine")
				}
				if bytes.Contains(r.body, []byte("【")) || bytes.Contains(r.body, []byte("机房")) {
					t.Errorf("answer leaked: %s", r.body)
				}
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
	t.Run("same MsgId, other content", func(t *testing.T) {
		m := text("replayed")
		sim.open(plainMode, sim.push(plainMode, m))
		before := hs.eng.calls.Load()
		other := m
		other.Content = "运维巡检有什么要求？"
		r := sim.push(plainMode, other)
		if r.status != 200 || string(r.body) != "success" {
			t.Errorf("%d %q, want 200 success", r.status, r.body)
		}
		if hs.eng.calls.Load() != before {
			t.Error("processed")
		}
	})
	t.Run("still answering afterwards", func(t *testing.T) {
		if got := sim.ask(safeMode, openID("after"), nextID(), "单位还能自己建机房吗？"); !strings.HasPrefix(got, "【") {
			t.Errorf("reply %q", got)
		}
	})
}

func contentHas(s string) func(*testing.T, reply) {
	return func(t *testing.T, r reply) {
		t.Helper()
		var sim wxSim
		sim.t = t
		if c := (&sim).open(plainMode, r).Content; !strings.Contains(c, s) {
			t.Errorf("reply lacks %q: %s", s, c)
		}
	}
}

// zeros is an endless reader of 'a'.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// TestHugeBody: 10 MB is refused after 64 KiB, not read to the end.
func TestHugeBody(t *testing.T) {
	hs := newHarness(t)
	q := hs.sim.signedQuery(plainMode, "")
	r := hs.sim.do(http.MethodPost, q, io.MultiReader(strings.NewReader("<xml><Content>"), io.LimitReader(zeros{}, 10<<20)))
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", r.status)
	}
	if hs.eng.calls.Load() != 0 {
		t.Error("engine called")
	}
}

// TestSlowClient: a client that sends half a body and stalls is cut off
// after the read timeout, not held for ever.
func TestSlowClient(t *testing.T) {
	hs := newHarness(t, func(c *wechat.Config, _ *engine) { c.ReadTimeout = 300 * time.Millisecond })
	u, _ := url.Parse(hs.sim.url)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	q := hs.sim.signedQuery(plainMode, "")
	body := inMsg{To: testAccount, From: openID("slowclient"), CreateTime: time.Now().Unix(), MsgType: "text", Content: "单位还能自己建机房吗？", MsgID: nextID()}.xml()
	start := time.Now()
	_, err = io.WriteString(conn, "POST "+u.Path+"?"+q.Encode()+" HTTP/1.1\r\nHost: "+u.Host+"\r\nContent-Type: text/xml\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body[:len(body)/2])
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	took := time.Since(start)
	if err != nil {
		// The server may also just close the connection: fine, as long as
		// it did so promptly.
		if took > 3*time.Second {
			t.Fatalf("connection held %v: %v", took, err)
		}
		return
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 || resp.StatusCode == 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	if took > 3*time.Second {
		t.Errorf("answered after %v", took)
	}
	if hs.eng.calls.Load() != 0 {
		t.Error("engine called")
	}
}
