package kb

import (
	"errors"
	"fmt"
)

// Code is the small vocabulary of error kinds every channel maps to its own
// form (an HTTP status and JSON error, a WeChat text).
type Code string

// The error codes.
const (
	CodeInvalid      Code = "invalid"      // the input is malformed or breaks a limit
	CodeNotFound     Code = "not_found"    // no such document, clause, entry, id
	CodeConflict     Code = "conflict"     // a stale version or a duplicate
	CodeUnauthorized Code = "unauthorized" // no valid credentials
	CodeForbidden    Code = "forbidden"    // credentials, but too small a role
	CodeUnavailable  Code = "unavailable"  // not ready, shutting down, store failing
	CodeInternal     Code = "internal"     // a bug or an unexpected failure
	CodeTooLarge     Code = "too_large"    // body or upload over its limit
	CodeRateLimited  Code = "rate_limited" // too many requests
	CodePrecondition Code = "precondition" // a required precondition (If-Match) is missing
	CodeStale        Code = "stale"        // the precondition (If-Match) names an older version
)

// Error is an error with a code and a message for end users (in Chinese).
type Error struct {
	Code    Code
	Message string // shown to end users
	Err     error  // the cause, for logs; may be nil
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted user message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with code and message whose cause is err.
func WrapError(code Code, err error, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, CodeInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user message of the first *Error in err's chain,
// or a generic Chinese message for other errors (whose text may hold details
// not meant for users).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "服务内部错误，请稍后再试"
}
