package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"zhiyin/kb"
)

// Codes the web channel adds to kb's vocabulary: they describe HTTP itself,
// which kb knows nothing of.
const (
	codeMethodNotAllowed kb.Code = "method_not_allowed"
	codeUnsupportedType  kb.Code = "unsupported_media_type"
)

// statusOf maps every error code to its HTTP status. A code missing here is
// a bug and answers 500.
var statusOf = map[kb.Code]int{
	kb.CodeInvalid:       http.StatusBadRequest,
	kb.CodeNotFound:      http.StatusNotFound,
	kb.CodeConflict:      http.StatusConflict,
	kb.CodeUnauthorized:  http.StatusUnauthorized,
	kb.CodeForbidden:     http.StatusForbidden,
	kb.CodeUnavailable:   http.StatusServiceUnavailable,
	kb.CodeInternal:      http.StatusInternalServerError,
	kb.CodeTooLarge:      http.StatusRequestEntityTooLarge,
	kb.CodeRateLimited:   http.StatusTooManyRequests,
	kb.CodePrecondition:  http.StatusPreconditionRequired,
	kb.CodeStale:         http.StatusPreconditionFailed,
	codeMethodNotAllowed: http.StatusMethodNotAllowed,
	codeUnsupportedType:  http.StatusUnsupportedMediaType,
}

// errorBody is the one shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    kb.Code `json:"code"`
	Message string  `json:"message"` // in Chinese, for end users
}

// writeError writes err in the error shape with the status of its code.
// Server-side failures are attached to the request so the request log
// records the cause once; people only see a generic message.
func (s *Server) writeError(c *gin.Context, err error) {
	code := kb.ErrorCode(err)
	msg := kb.ErrorMessage(err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// The caller went away or ran out of time: not a fault of ours.
		code, msg = kb.CodeUnavailable, "请求已取消或超时，请重试"
	}
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		_ = c.Error(err)
	}
	c.AbortWithStatusJSON(status, errorBody{Error: errorDetail{Code: code, Message: msg}})
}

// notFound answers every path no route matches: JSON for the API and for
// clients that do not ask for HTML, a small page for people in a browser.
func (s *Server) notFound(c *gin.Context) {
	if wantsHTML(c.Request) {
		s.console.notFoundPage(c)
		return
	}
	s.writeError(c, kb.Errorf(kb.CodeNotFound, "请求的接口或页面不存在"))
}

// methodNotAllowed answers a known path asked with the wrong method; gin has
// already set the Allow header.
func (s *Server) methodNotAllowed(c *gin.Context) {
	s.writeError(c, kb.Errorf(codeMethodNotAllowed, "不支持该请求方法（%s）", c.Request.Method))
}
