// Package httpx owns the HTTP plumbing the JSON API and the web pages share:
// the request id, the signed-in user and the language of a request, strict
// JSON decoding, the one way errors become responses, and how an
// attachment is sent as a download.
package httpx

import (
	"context"
	"net/http"
	"strings"

	"nyttig/internal/i18n"
	"nyttig/internal/model"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyUser
)

// WithRequestID returns ctx carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, keyRequestID, id)
}

// RequestID returns the request's id ("" outside a request).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

// WithUser returns ctx carrying the signed-in user.
func WithUser(ctx context.Context, u model.User) context.Context {
	return context.WithValue(ctx, keyUser, u)
}

// User returns the signed-in user, if any.
func User(ctx context.Context) (model.User, bool) {
	u, ok := ctx.Value(keyUser).(model.User)
	return u, ok
}

// LangCookie is the cookie that keeps a visitor's choice of language.
const LangCookie = "nyttig_lang"

// Lang is the language to answer r in. An API request that names a
// language in Accept-Language gets it; otherwise the signed-in user's
// setting, else the language cookie, else the browser's Accept-Language, else bokmål.
func Lang(r *http.Request) i18n.Lang {
	if al := r.Header.Get("Accept-Language"); al != "" && strings.HasPrefix(r.URL.Path, "/api/") {
		return i18n.FromAcceptLanguage(al)
	}
	if u, ok := User(r.Context()); ok && u.Language != "" {
		return u.Language
	}
	if c, err := r.Cookie(LangCookie); err == nil {
		return i18n.Parse(c.Value)
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// SessionCookie is the cookie that carries a web session id.
const SessionCookie = "nyttig_session"
