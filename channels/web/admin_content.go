package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// AdminConfig turns on the admin API under /api/v1/admin.
type AdminConfig struct {
	// Store keeps the knowledge base, its history, users and audit log.
	Store kb.Store
	// Review keeps the unanswered-question loop (the question log, the
	// editors' resolutions) and the dashboard's figures; nil leaves the
	// review, impact-free stats routes answering 503.
	Review kb.ReviewStore
	// Try answers a question from a throwaway generation built from k (the
	// draft): the editors' "try it" box. Nil leaves it answering 503.
	Try func(ctx context.Context, k kb.Knowledge, question string) (kb.Answer, error)
	// Token, when set, is an admin credential (Authorization: Bearer).
	Token string
	// Publish serves a new generation of the knowledge base (kb.Service.Publish).
	Publish func(ctx context.Context, k kb.Knowledge, rev int64) error
	// Import parses an uploaded guideline (raw extracted text or Markdown)
	// into a document, with warnings an editor should check.
	Import func(name string, data []byte) (kb.Document, []string, error)
	// SessionTTL is how long a console login lasts (default 12 hours).
	SessionTTL time.Duration
	// Now returns the current time (default time.Now); tests set it.
	Now func() time.Time
}

// MaxUploadBytes bounds an uploaded document.
const MaxUploadBytes = 4 << 20

// publishTimeout bounds a publish, which must not stop half-way because the
// client went away.
const publishTimeout = 5 * time.Minute

// adminState is what the admin handlers share besides the config.
type adminState struct {
	publishMu sync.Mutex // one publish at a time: generations follow revisions
}

// etag is the ETag of an item's version.
func etag(v int64) string { return `"` + strconv.FormatInt(v, 10) + `"` }

// ifMatch returns the version an If-Match header names: CodePrecondition
// (428) when there is none, CodeStale (412) when it names no version.
func ifMatch(c *gin.Context) (int64, error) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" {
		return 0, kb.Errorf(kb.CodePrecondition, "缺少 If-Match 请求头：请先获取内容及其 ETag，再带上 ETag 修改")
	}
	h = strings.TrimPrefix(h, "W/")
	if n, err := strconv.ParseInt(strings.Trim(h, `"`), 10, 64); err == nil && n > 0 {
		return n, nil
	}
	return 0, kb.Errorf(kb.CodeStale, "If-Match 与当前版本不符，请重新获取后再修改")
}

func queryLimit(c *gin.Context, def int) int {
	if n, err := strconv.Atoi(c.Query("limit")); err == nil && n > 0 && n <= 1000 {
		return n
	}
	return def
}

// versionedJSON is an item with its version as one JSON object: the item's
// fields plus "etag", as the admin lists send them.
type versionedJSON[T any] kb.Versioned[T]

func (v versionedJSON[T]) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(v.Item)
	if err != nil {
		return nil, err
	}
	if len(b) < 2 || b[len(b)-1] != '}' {
		return nil, fmt.Errorf("web: %T is not a JSON object", v.Item)
	}
	tag, _ := json.Marshal(etag(v.Version)) // a string always marshals
	out := append(b[:len(b)-1:len(b)-1], `,"etag":`...)
	if len(b) == 2 {
		out = append(b[:1:1], `"etag":`...)
	}
	return append(append(out, tag...), '}'), nil
}

// sendVersionedList answers a list read (items, err) as {key: [item+etag…]}.
func sendVersionedList[T any](s *Server, c *gin.Context, key string, items []kb.Versioned[T], err error) {
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := make([]versionedJSON[T], len(items))
	for i, v := range items {
		out[i] = versionedJSON[T](v)
	}
	c.JSON(http.StatusOK, gin.H{key: out})
}

func sendVersioned[T any](c *gin.Context, status int, v kb.Versioned[T]) {
	c.Header("ETag", etag(v.Version))
	c.JSON(status, v.Item)
}

// putItem answers the create (POST: key nil, no If-Match, 201) or the
// update (PUT with If-Match: key sets the item's key from the path, 200) of
// one admin item that its store keeps by that key: it reads the body, checks
// it with valid, stores it with put and sends it back with its ETag.
func putItem[T any](s *Server, c *gin.Context, key func(*T), valid func(T) error,
	put func(ctx context.Context, x T, ifMatch int64, by kb.Actor) (int64, error),
) {
	var ver int64
	status := http.StatusCreated
	if key != nil {
		var err error
		if ver, err = ifMatch(c); err != nil {
			s.writeError(c, err)
			return
		}
		status = http.StatusOK
	}
	var x T
	if err := decodeJSON(c, &x); err != nil {
		s.writeError(c, err)
		return
	}
	if key != nil {
		key(&x)
	}
	if err := valid(x); err != nil {
		s.writeError(c, err)
		return
	}
	v, err := put(c.Request.Context(), x, ver, actor(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sendVersioned(c, status, kb.Versioned[T]{Item: x, Version: v})
}

// checkText refuses text that cannot be stored or shown.
func checkText(field, s string, max int) error {
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return kb.Errorf(kb.CodeInvalid, "%s 含有无效字符", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return kb.Errorf(kb.CodeInvalid, "%s 太长（%d 字），不能超过 %d 字", field, n, max)
	}
	return nil
}
