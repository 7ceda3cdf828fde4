package server

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/metrics"
	"nyttig/internal/store"
)

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID takes a sane X-Request-Id from a proxy or makes one, and echoes it.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID.MatchString(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(httpx.WithRequestID(r.Context(), id)))
	})
}

// recoverPanics turns a panic into a logged 500 without a stack trace in
// the response.
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				slog.ErrorContext(r.Context(), "panic", "request_id", httpx.RequestID(r.Context()), "panic", v)
				httpx.WriteError(w, r, apperr.New(apperr.Internal, i18n.T("Noe gikk galt hos oss.", "Something went wrong on our side.")))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logAndMeasure logs each request as JSON and records its metrics under the
// route pattern (never the raw path, which would explode the label set).
func logAndMeasure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		elapsed := time.Since(start)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		metrics.Requests.WithLabelValues(route, r.Method, strconv.Itoa(rec.status)).Inc()
		metrics.Latency.WithLabelValues(route, r.Method).Observe(elapsed.Seconds())
		slog.InfoContext(r.Context(), "request", "request_id", httpx.RequestID(r.Context()), "method", r.Method,
			"route", route, "status", rec.status, "ms", float64(elapsed.Microseconds())/1000)
	})
}

// authenticate puts the user of a bearer token or a session cookie in the
// request's context. A bad bearer token is refused at once; a stale cookie
// just means nobody is signed in.
func authenticate(st *store.Store, g *grants.Service) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if h := r.Header.Get("Authorization"); h != "" {
				token, ok := strings.CutPrefix(h, "Bearer ")
				if !ok || strings.TrimSpace(token) == "" {
					httpx.WriteError(w, r, apperr.New(apperr.Unauthenticated, i18n.T("Bruk «Authorization: Bearer <token>».", "Use “Authorization: Bearer <token>”.")))
					return
				}
				u, err := st.UserByToken(r.Context(), strings.TrimSpace(token))
				if err != nil {
					if apperr.Is(err, apperr.Unauthenticated) {
						err = apperr.New(apperr.Unauthenticated, i18n.T("Ukjent eller tilbakekalt token.", "Unknown or revoked token."))
					}
					httpx.WriteError(w, r, err)
					return
				}
				r = r.WithContext(httpx.WithUser(r.Context(), u))
			} else if c, err := r.Cookie(httpx.SessionCookie); err == nil && c.Value != "" {
				u, err := st.UserBySession(r.Context(), c.Value, g.Now())
				switch {
				case err == nil:
					r = r.WithContext(httpx.WithUser(r.Context(), u))
				case !apperr.Is(err, apperr.Unauthenticated):
					httpx.WriteError(w, r, err) // the database is down: 503, not a silent sign-out
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
