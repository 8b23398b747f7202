package wechat

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// query is the callback's query string. Every field appears at most once.
type query struct {
	signature    string
	timestamp    string
	nonce        string
	echostr      string
	encryptType  string // "" (plain) or "aes" (safe or compatible)
	msgSignature string
}

// errBadQuery is a query that cannot be read: bad escaping or a repeated
// parameter (two signatures leave it open which one was checked).
var errBadQuery = errors.New("wechat: malformed query")

func parseQuery(raw string) (query, error) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return query{}, errBadQuery
	}
	one := func(name string) (string, error) {
		if len(v[name]) > 1 {
			return "", errBadQuery
		}
		return v.Get(name), nil
	}
	var q query
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"signature", &q.signature}, {"timestamp", &q.timestamp}, {"nonce", &q.nonce},
		{"echostr", &q.echostr}, {"encrypt_type", &q.encryptType}, {"msg_signature", &q.msgSignature},
	} {
		if *f.dst, err = one(f.name); err != nil {
			return query{}, err
		}
	}
	return q, nil
}

// fresh reports whether the request's timestamp (decimal Unix seconds) is
// within skew of now: a captured request stops working once it is stale.
func fresh(ts string, now time.Time, skew time.Duration) bool {
	if ts == "" || len(ts) > 12 || strings.TrimLeft(ts, "0123456789") != "" {
		return false
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	d := now.Sub(time.Unix(n, 0))
	if d < 0 {
		d = -d
	}
	return d <= skew
}

// Limits on a message document, far above anything WeChat sends.
const (
	maxBody     = 64 << 10
	maxDepth    = 8
	maxElements = 256
)

// Reasons a document is refused (400).
var (
	errDoctype   = errors.New("wechat: DOCTYPE or other directive in message")
	errMalformed = errors.New("wechat: malformed message XML")
	errDuplicate = errors.New("wechat: repeated field in message")
	errMissing   = errors.New("wechat: message lacks FromUserName or MsgType")
)

// parseXML decodes a WeChat document (<xml>…</xml>) into v after checking
// its shape token by token: no DOCTYPE or other directive (so no entity can
// ever be declared, let alone expanded: encoding/xml does not expand
// external entities, and with no DTD billion laughs has nothing to grow
// from), exactly one root named xml, no field of the root twice (with two
// <Content>, encoding/xml silently keeps the last), bounded depth and size.
// A declared encoding other than UTF-8 is refused by encoding/xml itself
// (no CharsetReader), as is invalid UTF-8.
func parseXML(doc []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	depth, elements := 0, 0
	root := false
	fields := map[string]bool{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: %v", errMalformed, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return errDoctype
		case xml.StartElement:
			depth++
			elements++
			if depth > maxDepth || elements > maxElements {
				return errMalformed
			}
			if depth == 1 {
				if root || t.Name.Local != "xml" {
					return errMalformed
				}
				root = true
			}
			if depth == 2 {
				if fields[t.Name.Local] {
					return errDuplicate
				}
				fields[t.Name.Local] = true
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return errMalformed // text outside the root
			}
		}
	}
	if !root || depth != 0 {
		return errMalformed
	}
	if err := xml.Unmarshal(doc, v); err != nil {
		return fmt.Errorf("%w: %v", errMalformed, err)
	}
	return nil
}

// cleanControls returns doc with the C0 control characters XML forbids
// (all but tab, LF, CR) replaced by spaces. WeChat passes such characters
// from users' messages through unescaped; refusing the whole message for
// one stray U+000C would show the user "该公众号暂时无法提供服务".
func cleanControls(doc []byte) []byte {
	i := bytes.IndexFunc(doc, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' })
	if i < 0 {
		return doc
	}
	out := append([]byte(nil), doc...)
	for j := i; j < len(out); j++ {
		if c := out[j]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			out[j] = ' '
		}
	}
	return out
}

// parseMessage decodes a plain message document (a plain-mode body, or
// the decrypted text of a safe-mode one) into the library's MixMessage. It
// returns errMalformed, errDoctype, errDuplicate or errMissing.
func parseMessage(doc []byte) (*message.MixMessage, error) {
	if !utf8.Valid(doc) {
		return nil, errMalformed
	}
	var m message.MixMessage
	if err := parseXML(cleanControls(doc), &m); err != nil {
		return nil, err
	}
	if m.FromUserName == "" || m.MsgType == "" {
		return nil, errMissing
	}
	return &m, nil
}

// parseEnvelope decodes a safe- or compatible-mode body. Only ToUserName
// and Encrypt are read: in compatible mode the plain fields beside Encrypt
// are not signed, so nothing is taken from them.
func parseEnvelope(doc []byte) (*message.EncryptedXMLMsg, error) {
	var env message.EncryptedXMLMsg
	if err := parseXML(cleanControls(doc), &env); err != nil {
		return nil, err
	}
	return &env, nil
}
