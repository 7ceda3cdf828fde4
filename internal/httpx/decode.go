package httpx

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
)

// MaxJSONBody is the largest JSON body accepted (applications hold a few
// long texts; 1 MiB is far above any honest one).
const MaxJSONBody = 1 << 20

// DecodeJSON reads exactly one JSON object from r's body into dst, refusing
// unknown fields, wrong types, trailing data and bodies over MaxJSONBody,
// each with a message that says what was wrong.
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return apperr.New(apperr.Unsupported, i18n.T("Send JSON med Content-Type: application/json.", "Send JSON with Content-Type: application/json."))
	}
	body := http.MaxBytesReader(w, r.Body, MaxJSONBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return jsonError(err)
		}
		return apperr.New(apperr.BadRequest, i18n.T("Forespørselen må inneholde ett JSON-objekt.", "The body must hold exactly one JSON object."))
	}
	return nil
}

func jsonError(err error) error {
	var (
		syntax   *json.SyntaxError
		typeErr  *json.UnmarshalTypeError
		maxBytes *http.MaxBytesError
	)
	switch {
	case errors.As(err, &maxBytes):
		return apperr.New(apperr.TooLarge, i18n.Tf("Forespørselen er for stor (høyst %d byte).", "The request body is too large (at most %d bytes).", maxBytes.Limit))
	case errors.As(err, &syntax):
		return apperr.New(apperr.BadRequest, i18n.Tf("Ugyldig JSON ved tegn %d.", "Malformed JSON at character %d.", syntax.Offset))
	case errors.Is(err, io.EOF):
		return apperr.New(apperr.BadRequest, i18n.T("Forespørselen mangler innhold.", "The request body is empty."))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.BadRequest, i18n.T("JSON-en slutter for tidlig.", "The JSON ends too early."))
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return apperr.New(apperr.BadRequest, i18n.T("Forespørselen må være et JSON-objekt.", "The body must be a JSON object."))
		}
		return &apperr.Error{Kind: apperr.BadRequest,
			Message: i18n.Tf("Feltet «%s» har feil type.", "The field “%s” has the wrong type.", field),
			Fields:  map[string]i18n.Text{field: i18n.Tf("Forventet %s.", "Expected %s.", typeName(typeErr.Type.String()))}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &apperr.Error{Kind: apperr.BadRequest,
			Message: i18n.Tf("Ukjent felt «%s».", "Unknown field “%s”.", field),
			Fields:  map[string]i18n.Text{field: i18n.T("Ukjent felt.", "Unknown field.")}}
	}
	return apperr.New(apperr.BadRequest, i18n.T("Ugyldig JSON.", "Malformed JSON."))
}

func typeName(goType string) string {
	switch {
	case strings.Contains(goType, "int") || strings.HasSuffix(goType, "Ore"):
		return "integer"
	case strings.HasPrefix(goType, "[]"):
		return "array"
	case goType == "string" || strings.HasSuffix(goType, "State") || strings.HasSuffix(goType, "Lang"):
		return "string"
	case goType == "bool":
		return "boolean"
	case strings.Contains(goType, "Time"):
		return "RFC 3339 time"
	}
	return "object"
}

// IDParam parses a positive integer id from a URL parameter value; anything
// else is a 404, since no such resource can exist.
func IDParam(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, i18n.Tf("Finnes ikke: %q.", "Not found: %q.", s))
	}
	return id, nil
}
