package api

import (
	"net/http"
	"net/http/httptest"
)

// RequestHash is what the idempotency middleware records for r, for tests
// that carry out a request's effect themselves and leave its response
// unsaved, as a server killed between the two would.
func RequestHash(r *http.Request) []byte {
	h, err := requestHash(httptest.NewRecorder(), r)
	if err != nil {
		panic(err)
	}
	return h
}
