package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// MaxBodyBytes bounds a request body; larger ones get 413.
const MaxBodyBytes = 16 << 10

// decodeJSON reads the body (at most MaxBodyBytes) as one JSON object into
// v. It returns a kb error with a Chinese message: CodeTooLarge for a body
// over the limit, codeUnsupportedType for anything but application/json,
// CodeInvalid for a body that is not one JSON object of the right types.
// Unknown fields are ignored, so that clients written for a later version
// keep working.
func decodeJSON(c *gin.Context, v any) error {
	r := c.Request
	if r.ContentLength > MaxBodyBytes {
		return tooLarge()
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		// Requiring JSON also keeps other sites' plain HTML forms out: a
		// browser cannot send application/json across origins without
		// asking first.
		return kb.Errorf(codeUnsupportedType, "请求内容类型必须是 application/json")
	}
	data, err := io.ReadAll(http.MaxBytesReader(c.Writer, r.Body, MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge()
		}
		return kb.WrapError(kb.CodeInvalid, err, "请求体读取失败")
	}
	// Some Windows tools start JSON with a byte order mark; RFC 8259
	// allows ignoring it.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if len(bytes.TrimSpace(data)) == 0 {
		return kb.Errorf(kb.CodeInvalid, "请求体为空，应为 JSON 对象")
	}
	if !utf8.Valid(data) {
		return kb.Errorf(kb.CodeInvalid, "请求体不是有效的 UTF-8 编码")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return kb.Errorf(kb.CodeInvalid, "请求体只能包含一个 JSON 对象")
	}
	return nil
}

func tooLarge() error {
	return kb.Errorf(kb.CodeTooLarge, "请求体太大，不能超过 %d KB", MaxBodyBytes>>10)
}

// jsonError turns a decoding error into a message that tells the caller
// what to fix, without echoing their input.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return kb.WrapError(kb.CodeInvalid, err, "请求体必须是 JSON 对象")
		}
		return kb.WrapError(kb.CodeInvalid, err, "字段 "+te.Field+" 的类型不正确，应为"+jsonTypeName(te.Type.Kind().String()))
	}
	return kb.WrapError(kb.CodeInvalid, err, "请求体不是有效的 JSON")
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "字符串"
	case "bool":
		return "布尔值（true 或 false）"
	case "int", "int64", "float64":
		return "数字"
	case "struct", "map":
		return "JSON 对象"
	case "slice":
		return "数组"
	case "ptr":
		return "字符串"
	}
	return kind
}

// queryText returns a query parameter, refusing invalid UTF-8 (which cannot
// be shown or searched) with CodeInvalid.
func queryText(c *gin.Context, name string) (string, error) {
	v := c.Query(name)
	if !utf8.ValidString(v) {
		return "", kb.Errorf(kb.CodeInvalid, "参数 %s 含有无效字符", name)
	}
	return v, nil
}

// pathID returns a path parameter that names a document or clause. Values
// no id can have get CodeNotFound straight away.
func pathID(c *gin.Context, name string) (string, error) {
	v := c.Param(name)
	if v == "" || len(v) > 200 || !utf8.ValidString(v) || strings.ContainsAny(v, "\x00/") {
		return "", kb.Errorf(kb.CodeNotFound, "没有找到该文件或条款")
	}
	return v, nil
}

// wantsHTML reports whether a request not for the API comes from a browser
// showing a page.
func wantsHTML(r *http.Request) bool {
	return !strings.HasPrefix(r.URL.Path, "/api/") && strings.Contains(r.Header.Get("Accept"), "text/html")
}
