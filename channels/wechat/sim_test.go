package wechat_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// This file is a simulator of WeChat's server, written from WECHAT.md and
// WeChat's documentation without looking at (or importing) the code under
// test: its own SHA-1 signing and its own AES-CBC/PKCS#7, checked against
// the published test vectors first.

// simSign is WeChat's signature: sha1 over the sorted, concatenated parts.
func simSign(parts ...string) string {
	sorted := make([]string, len(parts))
	copy(sorted, parts)
	sort.Strings(sorted)
	sum := sha1.Sum([]byte(strings.Join(sorted, "")))
	return hex.EncodeToString(sum[:])
}

// simKey decodes an EncodingAESKey.
func simKey(t testing.TB, encodingAESKey string) []byte {
	t.Helper()
	k, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(k) != 32 {
		t.Fatalf("bad EncodingAESKey %q: %v", encodingAESKey, err)
	}
	return k
}

// simEncrypt builds random ‖ len ‖ msg ‖ appid, pads to 32 (PKCS#7),
// encrypts with AES-256-CBC (IV = key[:16]) and base64-encodes.
func simEncrypt(key, random, msg []byte, appID string) string {
	var plain bytes.Buffer
	plain.Write(random)
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(msg)))
	plain.Write(n[:])
	plain.Write(msg)
	plain.WriteString(appID)
	pad := 32 - plain.Len()%32
	plain.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	return simEncryptRaw(key, plain.Bytes())
}

// simEncryptRaw encrypts an already padded plaintext (hostile cases craft
// their own padding and length fields).
func simEncryptRaw(key, plain []byte) string {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out)
}

// simDecrypt reverses simEncrypt.
func simDecrypt(key []byte, b64 string) (random, msg []byte, appID string, err error) {
	ct, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, nil, "", err
	}
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, nil, "", errors.New("ciphertext not block aligned")
	}
	block, _ := aes.NewCipher(key)
	plain := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(plain, ct)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > 32 || pad > len(plain) {
		return nil, nil, "", fmt.Errorf("bad pad %d", pad)
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return nil, nil, "", errors.New("too short")
	}
	n := int(binary.BigEndian.Uint32(plain[16:20]))
	if 20+n > len(plain) {
		return nil, nil, "", errors.New("length past payload")
	}
	return plain[:16], plain[20 : 20+n], string(plain[20+n:]), nil
}

// Modes of a message push.
type pushMode string

const (
	plainMode  pushMode = "plain"
	compatMode pushMode = "compatible"
	safeMode   pushMode = "safe"
)

// inMsg is a message as WeChat pushes it.
type inMsg struct {
	To, From    string
	CreateTime  int64
	MsgType     string
	Content     string
	Recognition string // voice; "-" leaves the element out
	Event       string
	MsgID       int64 // 0 leaves MsgId out
}

func cdata(s string) string {
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

// xml renders the message the way WeChat does (CDATA for strings).
func (m inMsg) xml() string {
	var b strings.Builder
	b.WriteString("<xml>")
	b.WriteString("<ToUserName>" + cdata(m.To) + "</ToUserName>")
	b.WriteString("<FromUserName>" + cdata(m.From) + "</FromUserName>")
	b.WriteString("<CreateTime>" + strconv.FormatInt(m.CreateTime, 10) + "</CreateTime>")
	b.WriteString("<MsgType>" + cdata(m.MsgType) + "</MsgType>")
	switch strings.ToLower(m.MsgType) {
	case "text":
		b.WriteString("<Content>" + cdata(m.Content) + "</Content>")
	case "voice":
		b.WriteString("<MediaId>" + cdata("media-1") + "</MediaId><Format>" + cdata("amr") + "</Format>")
		if m.Recognition != "-" {
			b.WriteString("<Recognition>" + cdata(m.Recognition) + "</Recognition>")
		}
	case "event":
		b.WriteString("<Event>" + cdata(m.Event) + "</Event><EventKey>" + cdata("") + "</EventKey>")
	case "image":
		b.WriteString("<PicUrl>" + cdata("http://example.invalid/p.jpg") + "</PicUrl><MediaId>" + cdata("m") + "</MediaId>")
	case "location":
		b.WriteString("<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label>" + cdata("广州") + "</Label>")
	case "link":
		b.WriteString("<Title>" + cdata("t") + "</Title><Description>" + cdata("d") + "</Description><Url>" + cdata("http://example.invalid/") + "</Url>")
	case "video", "shortvideo":
		b.WriteString("<MediaId>" + cdata("m") + "</MediaId><ThumbMediaId>" + cdata("t") + "</ThumbMediaId>")
	}
	if m.MsgID != 0 {
		b.WriteString("<MsgId>" + strconv.FormatInt(m.MsgID, 10) + "</MsgId>")
	}
	b.WriteString("</xml>")
	return b.String()
}

// wxSim posts to one callback URL as WeChat would.
type wxSim struct {
	t       testing.TB
	url     string
	token   string
	appID   string
	key     []byte // the key WeChat encrypts with
	account string // the Official Account's id (ToUserName)
	client  *http.Client
	now     func() time.Time
}

// signedQuery is the query WeChat sends for a push in mode: the plain
// signature always, msg_signature over encrypt in safe and compatible mode.
func (s *wxSim) signedQuery(mode pushMode, encrypt string) url.Values {
	ts := strconv.FormatInt(s.now().Unix(), 10)
	nonce := strconv.FormatInt(time.Now().UnixNano()%1_000_000_000, 10)
	q := url.Values{
		"signature": {simSign(s.token, ts, nonce)},
		"timestamp": {ts},
		"nonce":     {nonce},
		"openid":    {"ignored-openid"},
	}
	if mode != plainMode {
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", simSign(s.token, ts, nonce, encrypt))
	}
	return q
}

// seal returns the query and body for pushing msgXML in mode.
func (s *wxSim) seal(mode pushMode, msgXML string) (url.Values, string) {
	switch mode {
	case plainMode:
		return s.signedQuery(mode, ""), msgXML
	}
	random := make([]byte, 16)
	_, _ = rand.Read(random)
	enc := simEncrypt(s.key, random, []byte(msgXML), s.appID)
	body := "<xml><ToUserName>" + cdata(s.account) + "</ToUserName><Encrypt>" + cdata(enc) + "</Encrypt></xml>"
	if mode == compatMode {
		// Compatible mode: the plain fields beside Encrypt.
		body = strings.Replace(msgXML, "</xml>", "<Encrypt>"+cdata(enc)+"</Encrypt></xml>", 1)
	}
	return s.signedQuery(mode, enc), body
}

// reply is one HTTP response from the handler.
type reply struct {
	status int
	body   []byte
	took   time.Duration
}

// post sends body with query q.
func (s *wxSim) post(q url.Values, body string) reply {
	s.t.Helper()
	return s.do(http.MethodPost, q, strings.NewReader(body))
}

func (s *wxSim) do(method string, q url.Values, body io.Reader) reply {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+"?"+q.Encode(), body)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/xml")
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, body: b, took: time.Since(start)}
}

// push sends m in mode and returns the response.
func (s *wxSim) push(mode pushMode, m inMsg) reply {
	s.t.Helper()
	q, body := s.seal(mode, m.xml())
	return s.post(q, body)
}

// outMsg is a passive text reply.
type outMsg struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string   `xml:"ToUserName"`
	FromUserName string   `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      string   `xml:"MsgType"`
	Content      string   `xml:"Content"`
}

// encReply is a safe-mode reply envelope.
type encReply struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      string   `xml:"Encrypt"`
	MsgSignature string   `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        string   `xml:"Nonce"`
}

// wellFormed fails the test unless doc is well-formed XML with no character
// XML forbids: what WeChat needs to show the reply at all.
func wellFormed(t testing.TB, doc []byte) {
	t.Helper()
	if !utf8.Valid(doc) {
		t.Fatalf("reply is not UTF-8: %q", doc)
	}
	for _, r := range string(doc) {
		if (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0xfffe || r == 0xffff {
			t.Fatalf("reply holds U+%04X: %q", r, doc)
		}
	}
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("reply is not well-formed XML: %v\n%s", err, doc)
		}
	}
}

// open checks a reply to a message in mode and returns the text message in
// it: in safe and compatible mode the envelope's MsgSignature, the
// decryption, the appid.
func (s *wxSim) open(mode pushMode, r reply) outMsg {
	s.t.Helper()
	if r.status != http.StatusOK {
		s.t.Fatalf("status %d: %s", r.status, r.body)
	}
	wellFormed(s.t, r.body)
	inner := r.body
	if mode != plainMode {
		var env encReply
		if err := xml.Unmarshal(r.body, &env); err != nil {
			s.t.Fatalf("reply envelope: %v\n%s", err, r.body)
		}
		if !bytes.Contains(r.body, []byte("<TimeStamp>")) {
			s.t.Errorf("reply has no <TimeStamp> (capital S): %s", r.body)
		}
		if want := simSign(s.token, env.TimeStamp, env.Nonce, env.Encrypt); env.MsgSignature != want {
			s.t.Fatalf("reply MsgSignature %q, want %q", env.MsgSignature, want)
		}
		_, msg, appID, err := simDecrypt(s.key, env.Encrypt)
		if err != nil {
			s.t.Fatalf("decrypt reply: %v", err)
		}
		if appID != s.appID {
			s.t.Fatalf("reply appid %q, want %q", appID, s.appID)
		}
		wellFormed(s.t, msg)
		inner = msg
	}
	var m outMsg
	if err := xml.Unmarshal(inner, &m); err != nil {
		s.t.Fatalf("reply message: %v\n%s", err, inner)
	}
	if m.MsgType != "text" {
		s.t.Fatalf("reply MsgType %q", m.MsgType)
	}
	if d := time.Since(time.Unix(m.CreateTime, 0)); d < -5*time.Second || d > 30*time.Second {
		s.t.Errorf("reply CreateTime %d is %v from now", m.CreateTime, d)
	}
	if !utf8.ValidString(m.Content) || len(m.Content) > 2000 {
		s.t.Errorf("reply content: %d bytes, valid UTF-8 %v", len(m.Content), utf8.ValidString(m.Content))
	}
	return m
}

// ask pushes a text from user in mode and returns the reply text, checking
// the swapped To/From.
func (s *wxSim) ask(mode pushMode, user string, msgID int64, text string) string {
	s.t.Helper()
	m := inMsg{To: s.account, From: user, CreateTime: time.Now().Unix(), MsgType: "text", Content: text, MsgID: msgID}
	out := s.open(mode, s.push(mode, m))
	if out.ToUserName != user || out.FromUserName != s.account {
		s.t.Errorf("reply To/From = %q/%q, want %q/%q", out.ToUserName, out.FromUserName, user, s.account)
	}
	return out.Content
}

// Test vectors of WECHAT.md, run against the simulator first so that a
// failure elsewhere is the handler's, not the simulator's.
func TestSimulatorVectors(t *testing.T) {
	t.Run("GET signature", func(t *testing.T) {
		if got := simSign("AAAAA", "1714036504", "1514711492"); got != "f464b24fc39322e44b38aa78f5edd27bd1441696" {
			t.Fatal(got)
		}
	})
	t.Run("POST signature", func(t *testing.T) {
		if got := simSign("AAAAA", "1714037059", "486452656"); got != "899cf89e464efb63f54ddac96b0a0a235f53aa78" {
			t.Fatal(got)
		}
	})
	t.Run("safe mode sample", func(t *testing.T) {
		if got := simSign("spamtest", "1409735669", "1320562132", vector3Encrypt); got != "5d197aaffba7e9b25a30732f161a50dee96bd5fa" {
			t.Fatalf("msg_signature %s", got)
		}
		random, msg, appID, err := simDecrypt(simKey(t, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"), vector3Encrypt)
		if err != nil {
			t.Fatal(err)
		}
		if string(random) != "89465c840c5f116f" || appID != "wx2c2769f8efd9abc2" {
			t.Fatalf("random %q appid %q", random, appID)
		}
		var m struct {
			Content string `xml:"Content"`
			MsgID   int64  `xml:"MsgId"`
		}
		if err := xml.Unmarshal(msg, &m); err != nil || m.Content != "abcdteT" || m.MsgID != 6054768590064713728 {
			t.Fatalf("%+v %v\n%s", m, err, msg)
		}
	})
	t.Run("deterministic encryption", func(t *testing.T) {
		key := simKey(t, "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR")
		got := simEncrypt(key, []byte("1234567890123456"), []byte(vector4XML), "wx49f0ab532d5d035a")
		if got != vector4Encrypt {
			t.Fatalf("Encrypt\n got %s\nwant %s", got, vector4Encrypt)
		}
		if sig := simSign("123456", "1411525903", "461056294", got); sig != "407518b7649e86ef23978113f92d27afa9296533" {
			t.Fatalf("MsgSignature %s", sig)
		}
	})
}

const vector3Encrypt = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="

const vector4XML = `<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>`

const vector4Encrypt = "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
