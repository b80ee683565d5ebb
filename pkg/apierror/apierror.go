// Package apierror defines the JSON error envelope every todo-app service
// returns, so clients handle failures from any of them in one way.
package apierror

import (
	"errors"
	"fmt"
	"net/http"
)

// Stable machine-readable codes. Clients branch on these, never on messages.
const (
	CodeValidation    = "validation_failed"
	CodeMalformedJSON = "malformed_json"
	CodeBadRequest    = "bad_request"
	CodeUnauthorized  = "unauthorized"
	CodeForbidden     = "forbidden"
	CodeNotFound      = "not_found"
	CodeConflict      = "conflict"
	CodeTooLarge      = "payload_too_large"
	CodeUnsupported   = "unsupported_media_type"
	CodeRateLimited   = "rate_limited"
	CodeInternal      = "internal_error"
	CodeUnavailable   = "unavailable"
	CodeMethod        = "method_not_allowed"
	CodeTimeout       = "timeout"
	// CodeQuotaExceeded: a write past one of the person's quotas (403).
	CodeQuotaExceeded = "quota_exceeded"
)

// Error is both a Go error and the body of an error response.
type Error struct {
	Status  int               `json:"-"`
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	// Details carry a structured account of the failure where fields are
	// not enough (an import's row-by-row report).
	Details any `json:"details,omitempty"`
}

// Envelope is the top-level JSON shape: {"error": {...}}.
type Envelope struct {
	Error *Error `json:"error"`
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s (%d): %s", e.Code, e.Status, e.Message)
	}
	return fmt.Sprintf("%s (%d): %s %v", e.Code, e.Status, e.Message, e.Fields)
}

// New builds an error with an explicit status and code.
func New(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}

// Validation reports which fields are wrong and why (422).
func Validation(fields map[string]string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: CodeValidation, Message: "some fields are invalid", Fields: fields}
}

// Field is a shortcut for a validation error on a single field.
func Field(name, problem string) *Error {
	return Validation(map[string]string{name: problem})
}

// BadRequest is for requests that cannot be understood at all (400).
func BadRequest(message string) *Error {
	return New(http.StatusBadRequest, CodeBadRequest, message)
}

// Unauthorized means the caller is not authenticated (401).
func Unauthorized(message string) *Error {
	return New(http.StatusUnauthorized, CodeUnauthorized, message)
}

// Forbidden means the caller is authenticated but may not do this (403).
func Forbidden(message string) *Error {
	return New(http.StatusForbidden, CodeForbidden, message)
}

// NotFound names what could not be found (404).
func NotFound(what string) *Error {
	return New(http.StatusNotFound, CodeNotFound, what+" not found")
}

// Conflict reports a uniqueness or state conflict (409).
func Conflict(message string) *Error {
	return New(http.StatusConflict, CodeConflict, message)
}

// Internal hides the cause from the client; log it where it happened (500).
func Internal() *Error {
	return New(http.StatusInternalServerError, CodeInternal, "something went wrong on our side; please try again")
}

// Unavailable is for dependencies that are down or a server shutting down (503).
func Unavailable(message string) *Error {
	return New(http.StatusServiceUnavailable, CodeUnavailable, message)
}

// As extracts an *Error from err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// IsNotFound reports whether err is a 404 error.
func IsNotFound(err error) bool {
	e, ok := As(err)
	return ok && e.Status == http.StatusNotFound
}
