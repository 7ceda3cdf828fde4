package httpx

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
)

// ErrorBody is the one error body of the API:
// {"error": {"code": "...", "message": "...", "fields": {"title": "..."}}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// LogIfFault logs err when it is a fault of ours or a dependency's (5xx),
// with the request id; a user's mistake is not logged.
func LogIfFault(r *http.Request, err error) {
	if status := apperr.Status(err); status >= 500 {
		slog.ErrorContext(r.Context(), "request failed", "request_id", RequestID(r.Context()),
			"method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
}

// Detail renders err for a user in lang, without internals.
func Detail(err error, lang i18n.Lang) ErrorDetail {
	e := apperr.As(err)
	d := ErrorDetail{Code: string(e.Kind), Message: e.Message.In(lang)}
	if len(e.Fields) > 0 {
		d.Fields = make(map[string]string, len(e.Fields))
		for k, v := range e.Fields {
			d.Fields[k] = v.In(lang)
		}
	}
	return d
}

// WriteError answers with the JSON error body for err.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	LogIfFault(r, err)
	status := apperr.Status(err)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	WriteJSON(w, status, ErrorBody{Error: Detail(err, Lang(r))})
}

// WriteJSON answers with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}
