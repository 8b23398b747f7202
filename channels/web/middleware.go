package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

const requestIDHeader = "X-Request-ID"

// requestID takes the caller's X-Request-ID when it is a sane token (a
// proxy's id lets logs be joined across systems) or makes one, and echoes it.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader(requestIDHeader)
	if !validToken(id, 64) {
		var b [8]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
		id = hex.EncodeToString(b[:])
	}
	c.Set(requestIDHeader, id)
	c.Header(requestIDHeader, id)
	c.Next()
}

// validToken reports whether s is 1..max characters of [A-Za-z0-9._:-].
func validToken(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', b == '.', b == '_', b == ':', b == '-':
		default:
			return false
		}
	}
	return true
}

// quietRoutes are polled by machines; their successes are logged at debug
// level only, so that the log shows what people do.
var quietRoutes = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// observe logs one line per request and records the request metrics, by
// route template (never the raw path, whose values are unbounded).
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	s.metrics.inFlight.Inc()
	defer s.metrics.inFlight.Dec()
	c.Next()
	elapsed := time.Since(start)
	status := c.Writer.Status()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	s.metrics.observe(c.Request.Method, route, status, elapsed)

	level := slog.LevelInfo
	switch {
	case status == http.StatusServiceUnavailable:
		// Starting up or draining: expected, and said by /readyz already.
		level = slog.LevelWarn
	case status >= 500:
		level = slog.LevelError
	case quietRoutes[route]:
		level = slog.LevelDebug
	}
	ctx := c.Request.Context()
	if !s.log.Enabled(ctx, level) {
		return
	}
	path := c.Request.URL.Path
	if len(path) > 256 {
		path = path[:256] + "…"
	}
	attrs := []slog.Attr{
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.String("path", path),
		slog.Int("status", status),
		slog.Float64("ms", float64(elapsed.Microseconds())/1000),
		slog.Int("bytes", c.Writer.Size()),
		slog.String("client", c.ClientIP()),
		slog.String("request_id", c.GetString(requestIDHeader)),
	}
	if len(c.Errors) > 0 {
		attrs = append(attrs, slog.String("err", c.Errors.String()))
	}
	s.log.LogAttrs(ctx, level, "http request", attrs...)
}

// recover is the last line of defence: a panic in a handler becomes a 500
// in the usual error shape instead of a dropped connection, and its stack is
// logged.
func (s *Server) recover(c *gin.Context) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if r == http.ErrAbortHandler {
			panic(r) // the handler chose to abort the response: let net/http do it
		}
		err := fmt.Errorf("web: panic: %v", r)
		s.log.Error("handler panic", "err", err, "route", c.FullPath(), "stack", string(debug.Stack()))
		if c.Writer.Written() {
			c.Abort()
			return
		}
		s.writeError(c, kb.WrapError(kb.CodeInternal, errors.New("recovered panic"), "服务内部错误，请稍后再试"))
	}()
	c.Next()
}

// securityHeaders are sent with every response. The content security policy
// allows nothing but this server's own files: the console loads no external
// script, style or font, and an injected inline script or event handler
// would not run even if escaping failed somewhere.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	c.Next()
}

// retryAfter formats a wait in whole seconds, at least one.
func retryAfter(d time.Duration) string {
	secs := int((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return strconv.Itoa(secs)
}
