package wechat

import (
	"bytes"
	"encoding/xml"
	"strings"
	"sync"
	"testing"
	"time"
)

// The implementation against the vectors of WECHAT.md (the simulator in
// sim_test.go is checked against the same vectors with its own code).
func TestCryptoVectors(t *testing.T) {
	if got := sign("AAAAA", "1714036504", "1514711492"); got != "f464b24fc39322e44b38aa78f5edd27bd1441696" {
		t.Errorf("GET signature %s", got)
	}
	if !validSignature("899cf89e464efb63f54ddac96b0a0a235f53aa78", "AAAAA", "1714037059", "486452656") {
		t.Error("POST signature refused")
	}
	if validSignature("899CF89E464EFB63F54DDAC96B0A0A235F53AA78", "AAAAA", "1714037059", "486452656") {
		t.Error("upper-case signature accepted")
	}
	const enc3 = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
	if !validSignature("5d197aaffba7e9b25a30732f161a50dee96bd5fa", "spamtest", "1409735669", "1320562132", enc3) {
		t.Error("safe-mode msg_signature refused")
	}
	k3, err := parseAESKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
	if err != nil {
		t.Fatal(err)
	}
	msg, err := k3.decrypt(enc3, "wx2c2769f8efd9abc2")
	if err != nil {
		t.Fatal(err)
	}
	m, err := parseMessage(msg)
	if err != nil || m.Content != "abcdteT" || m.MsgID != 6054768590064713728 {
		t.Fatalf("%+v %v", m, err)
	}
	if _, err := k3.decrypt(enc3, "wx2c2769f8efd9abc3"); err != errAppID {
		t.Errorf("wrong appid: %v", err)
	}

	k4, err := parseAESKey("kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR")
	if err != nil {
		t.Fatal(err)
	}
	const xml4 = "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>"
	enc4 := k4.encryptWith([]byte("1234567890123456"), []byte(xml4), "wx49f0ab532d5d035a")
	if enc4 != "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3" {
		t.Errorf("Encrypt %s", enc4)
	}
	if got := sign("123456", "1411525903", "461056294", enc4); got != "407518b7649e86ef23978113f92d27afa9296533" {
		t.Errorf("MsgSignature %s", got)
	}
	back, err := k4.decrypt(enc4, "wx49f0ab532d5d035a")
	if err != nil || string(back) != xml4 {
		t.Errorf("round trip: %v %q", err, back)
	}
}

func TestPadding(t *testing.T) {
	k, _ := parseAESKey(strings.Repeat("b", 43))
	for n := range 70 { // every length mod 32, aligned texts included
		msg := bytes.Repeat([]byte("x"), n)
		enc, err := k.encrypt(msg, "wxapp")
		if err != nil {
			t.Fatal(err)
		}
		got, err := k.decrypt(enc, "wxapp")
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("len %d: %v", n, err)
		}
	}
}

func TestParseXML(t *testing.T) {
	for _, tt := range []struct {
		name string
		doc  string
		err  error
	}{
		{"ok", "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType></xml>", nil},
		{"declaration", `<?xml version="1.0" encoding="utf-8"?><xml><FromUserName>u</FromUserName><MsgType>text</MsgType></xml>`, nil},
		{"doctype", `<!DOCTYPE xml><xml><FromUserName>u</FromUserName><MsgType>text</MsgType></xml>`, errDoctype},
		{"entity", `<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><FromUserName>&e;</FromUserName></xml>`, errDoctype},
		{"undeclared entity", `<xml><FromUserName>&e;</FromUserName><MsgType>text</MsgType></xml>`, errMalformed},
		{"duplicate", "<xml><FromUserName>u</FromUserName><FromUserName>v</FromUserName><MsgType>text</MsgType></xml>", errDuplicate},
		{"other root", "<msg><FromUserName>u</FromUserName><MsgType>text</MsgType></msg>", errMalformed},
		{"trailing text", "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType></xml>junk", errMalformed},
		{"missing fields", "<xml><Content>hi</Content></xml>", errMissing},
		{"control character in CDATA", "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content><![CDATA[a\x0cb]]></Content></xml>", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseMessage([]byte(tt.doc))
			if tt.err == nil && err != nil || tt.err != nil && (err == nil || !strings.Contains(err.Error(), tt.err.Error())) {
				t.Errorf("err %v, want %v", err, tt.err)
			}
		})
	}
	// encoding/xml expands no entity it was not given: the check above is
	// a second wall, not the only one.
	var v struct {
		C string `xml:"C"`
	}
	err := xml.Unmarshal([]byte(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x><C>&e;</C></x>`), &v)
	if err == nil || strings.Contains(v.C, "root") {
		t.Errorf("encoding/xml expanded an external entity: %q %v", v.C, err)
	}
}

func TestMemCache(t *testing.T) {
	c := newMemCache()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 500 {
				key := string(rune('a' + (i+j)%5))
				_ = c.Set(key, j, time.Minute)
				_ = c.Get(key)
				_ = c.IsExist(key)
				if j%50 == 0 {
					_ = c.Delete(key)
				}
			}
		}()
	}
	wg.Wait()
	_ = c.Set("short", "v", time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	if c.Get("short") != nil || c.IsExist("short") {
		t.Error("expired value returned")
	}
}
