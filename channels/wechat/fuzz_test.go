package wechat

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseMessage: any document is parsed or refused, never a panic, and
// whatever is accepted renders into a well-formed reply.
func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{
		"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[机房]]></Content><MsgId>1</MsgId></xml>",
		"<xml><FromUserName>u</FromUserName><MsgType>voice</MsgType><Recognition></Recognition></xml>",
		"<xml><FromUserName>u</FromUserName><MsgType>event</MsgType><Event>subscribe</Event></xml>",
		`<?xml version="1.0" encoding="GBK"?><xml/>`,
		`<!DOCTYPE x [<!ENTITY a "b">]><xml>&a;</xml>`,
		"<xml><Content><![CDATA[]]]]><![CDATA[>\x0c]]></Content></xml>",
		"<xml><ToUserName>gh</ToUserName><Encrypt>abc</Encrypt></xml>",
	} {
		f.Add([]byte(s))
	}
	h, err := New(Config{Token: "t"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		_, _ = parseEnvelope(doc)
		m, err := parseMessage(doc)
		if err != nil {
			return
		}
		if m.FromUserName == "" || m.MsgType == "" {
			t.Fatal("accepted a message without sender or type")
		}
		b, err := h.renderText(m, fitReply(m.Content), replyMode{})
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(b) {
			t.Fatalf("reply not UTF-8: %q", b)
		}
		d := xml.NewDecoder(bytes.NewReader(b))
		for {
			_, err := d.Token()
			if err != nil {
				if err.Error() != "EOF" {
					t.Fatalf("reply not well-formed: %v\n%q", err, b)
				}
				break
			}
		}
	})
}

// FuzzDecrypt: any Encrypt text is opened or refused, never a panic, and
// what opens is what was sealed.
func FuzzDecrypt(f *testing.F) {
	k, err := parseAESKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
	if err != nil {
		f.Fatal(err)
	}
	good, _ := k.encrypt([]byte("<xml><Content>hi</Content></xml>"), "wxapp")
	for _, s := range []string{good, "", "not base64!", strings.Repeat("A", 44), strings.Repeat("AAAA", 11), good[:len(good)-4]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, enc string) {
		msg, err := k.decrypt(enc, "wxapp")
		if err != nil {
			if msg != nil {
				t.Fatal("message returned with an error")
			}
			return
		}
		again, err := k.encrypt(msg, "wxapp")
		if err != nil {
			t.Fatal(err)
		}
		if back, err := k.decrypt(again, "wxapp"); err != nil || !bytes.Equal(back, msg) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
