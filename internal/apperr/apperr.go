// Package apperr owns Nyttig's few kinds of error and the one table that maps
// them to HTTP status codes. Every layer returns these; only the HTTP edge
// turns them into responses, and only Internal and Unavailable are logged.
package apperr

import (
	"errors"
	"fmt"
	"net/http"

	"nyttig/internal/i18n"
)

// Kind classifies an error for the caller.
type Kind string

const (
	NotFound        Kind = "not_found"
	Invalid         Kind = "invalid"          // the input is wrong; Fields says where
	BadRequest      Kind = "bad_request"      // the request itself is malformed
	TooLarge        Kind = "too_large"        // the body is over the limit
	Conflict        Kind = "conflict"         // the state of things does not allow it now
	Forbidden       Kind = "forbidden"        // this user may not
	Unauthenticated Kind = "unauthenticated"  // no valid session or token
	Unavailable     Kind = "unavailable"      // a dependency is down; try again
	Internal        Kind = "internal"         // a bug; logged, never detailed to the user
	Unsupported     Kind = "unsupported_type" // the media type is refused
)

var statusByKind = map[Kind]int{
	NotFound:        http.StatusNotFound,
	Invalid:         http.StatusUnprocessableEntity,
	BadRequest:      http.StatusBadRequest,
	TooLarge:        http.StatusRequestEntityTooLarge,
	Conflict:        http.StatusConflict,
	Forbidden:       http.StatusForbidden,
	Unauthenticated: http.StatusUnauthorized,
	Unavailable:     http.StatusServiceUnavailable,
	Internal:        http.StatusInternalServerError,
	Unsupported:     http.StatusUnsupportedMediaType,
}

// Error is an error with a kind, a message safe to show a user (in both
// languages), and optional per-field messages. Cause is kept for logs and
// never shown.
type Error struct {
	Kind    Kind
	Message i18n.Text
	Fields  map[string]i18n.Text
	Cause   error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, e.Message.EN, e.Cause)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Message.EN)
}

func (e *Error) Unwrap() error { return e.Cause }

// New returns an error of kind k with a user-facing message.
func New(k Kind, msg i18n.Text) *Error { return &Error{Kind: k, Message: msg} }

// Fields returns an Invalid error carrying per-field messages.
func Fields(fields map[string]i18n.Text) *Error {
	return &Error{Kind: Invalid, Message: msgInvalid, Fields: fields}
}

// Wrap attaches a kind and a user-facing message to a cause.
func Wrap(k Kind, msg i18n.Text, cause error) *Error {
	return &Error{Kind: k, Message: msg, Cause: cause}
}

var (
	msgInvalid  = i18n.T("Noen felt må rettes.", "Some fields need correcting.")
	msgInternal = i18n.T("Noe gikk galt hos oss. Prøv igjen senere.", "Something went wrong on our side. Please try again later.")
)

// As returns err as *Error; anything else becomes Internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: Internal, Message: msgInternal, Cause: err}
}

// KindOf returns the kind of err (Internal for foreign errors).
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	return As(err).Kind
}

// Is reports whether err is of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// Status is the HTTP status for err.
func Status(err error) int {
	if s, ok := statusByKind[As(err).Kind]; ok {
		return s
	}
	return http.StatusInternalServerError
}
