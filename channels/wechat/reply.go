package wechat

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// success is the body that tells WeChat there is nothing to say now.
var success = []byte("success")

// clean returns s fit for XML and a phone: invalid UTF-8 dropped, CR LF
// made LF, tabs made spaces, and every other character XML 1.0 forbids or
// discourages (C0 and C1 controls, DEL, U+FFFE, U+FFFF) dropped. Go's CDATA
// encoder passes U+0000, U+000C and invalid UTF-8 through, producing a
// document WeChat rejects; it does split "]]>" correctly.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if !keepRune(r) || r == utf8.RuneError || r == '\r' || r == '\t' {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			// invalid byte: dropped
		case r == '\t':
			b.WriteByte(' ')
		case r == '\r':
			b.WriteByte('\n')
		case keepRune(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func keepRune(r rune) bool {
	switch {
	case r == '\n':
		return true
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return false
	case r >= 0xd800 && r <= 0xdfff, r == 0xfffe, r == 0xffff:
		return false
	}
	return r <= utf8.MaxRune
}

// replyMode is how the reply to one request is sealed: in the request's own
// mode, with the key that opened it.
type replyMode struct {
	aes bool
	key aesKey
}

// same reports whether a reply rendered in mode o can be sent in mode m.
func (m replyMode) same(o replyMode) bool {
	return m.aes == o.aes && bytes.Equal(m.key.key, o.key.key)
}

// renderText returns the passive text reply to m (To and From swapped),
// sealed as mode says. text must already be clean and within the limit.
func (h *Handler) renderText(m *message.MixMessage, text string, mode replyMode) ([]byte, error) {
	reply := message.NewText(text)
	reply.SetToUserName(message.CDATA(clean(string(m.FromUserName))))
	reply.SetFromUserName(message.CDATA(clean(string(m.ToUserName))))
	reply.SetCreateTime(h.cfg.Now().Unix())
	reply.SetMsgType(message.MsgTypeText)
	plain, err := xml.Marshal(reply)
	if err != nil {
		return nil, fmt.Errorf("wechat: render reply: %w", err)
	}
	if !mode.aes {
		return plain, nil
	}
	enc, err := mode.key.encrypt(plain, h.cfg.AppID)
	if err != nil {
		return nil, err
	}
	ts := h.cfg.Now().Unix()
	n := nonce()
	// Our own struct, not message.ResponseEncryptedXMLMsg: WeChat's sample
	// code wraps Encrypt, MsgSignature and Nonce in CDATA; the library's
	// struct writes them as plain text.
	out, err := xml.Marshal(encryptedReply{
		Encrypt:      message.CDATA(enc),
		MsgSignature: message.CDATA(sign(h.cfg.Token, fmt.Sprint(ts), n, enc)),
		TimeStamp:    ts,
		Nonce:        message.CDATA(n),
	})
	if err != nil {
		return nil, fmt.Errorf("wechat: render encrypted reply: %w", err)
	}
	return out, nil
}

// encryptedReply is the safe-mode reply (note TimeStamp, capital S).
type encryptedReply struct {
	XMLName      xml.Name      `xml:"xml"`
	Encrypt      message.CDATA `xml:"Encrypt"`
	MsgSignature message.CDATA `xml:"MsgSignature"`
	TimeStamp    int64         `xml:"TimeStamp"`
	Nonce        message.CDATA `xml:"Nonce"`
}
