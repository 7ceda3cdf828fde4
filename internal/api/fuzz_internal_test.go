package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/letter"
	"nyttig/internal/model"
)

// requestBodies makes one of each type the API decodes a request body
// into, in the order of the handlers.
var requestBodies = []func() any{
	func() any { return new(model.ApplicationFields) }, // POST /applications
	func() any { return new(applicationPatch) },        // PATCH /applications/{id}
	func() any { return new(grants.EventInput) },       // POST /applications/{id}/events/{event}
	func() any { return new(model.Call) },              // POST /calls
	func() any { return new(rubricBody) },              // PUT /calls/{id}/rubric
	func() any { return new(reviewersBody) },           // PUT …/reviewers
	func() any { return new(declarationBody) },         // POST …/declaration
	func() any { return new(reviewBody) },              // PUT …/review
	func() any { return new(recommendationBody) },      // PUT …/recommendation
	func() any { return new(batchBody) },               // POST /calls/{id}/decisions
	func() any { return new(model.ReportContent) },     // PUT /reports/{id}
	func() any {
		return new(struct {
			Comment string `json:"comment"`
		})
	}, // POST /reports/{id}/events/{event}
	func() any { return new(model.EvaluationFields) }, // PUT …/evaluation
	func() any { return new(grants.PayoutInput) },     // POST /payouts/{id}/events/{event}
	func() any { return new(payoutPlan) },             // PUT …/payout-plan
	func() any { return new(model.Recipient) },        // PUT …/recipient
	func() any { return new(clawbackRequest) },        // POST …/clawbacks
	func() any { return new(grants.ClawbackInput) },   // POST /clawbacks/{id}/events/{event}
	func() any { return new(letter.Template) },        // PUT /funds/{id}/letter-template
	func() any {
		return new(struct {
			Preferences map[string]string `json:"preferences"`
		})
	}, // PUT …/preferences
}

// FuzzDecodeJSON sends any body with any Content-Type to DecodeJSON for
// every request type of the API: never a panic; either a value, which
// encodes to JSON that decodes again to the same value, or an apperr with
// a 4xx status and a message in both languages.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"call_id": 1, "title": "Digitalt tilsyn", "summary": "<script>alert(1)</script>", "requested_amount_ore": 8000000,
		  "budget_lines": [{"category": "Innleie", "description": "x", "amount_ore": 100}], "partners": ["Nabokommunen"],
		  "start_date": "2026-08-01", "end_date": "2027-07-31"}`,
		`{"version": 3, "title": "\u0000", "cost_centre": "1234"}`,
		`{"comment": "ok", "amount_ore": 500, "reasons": {"rules": "r", "facts": "f", "considerations": "c"}}`,
		`{"fund_id": 1, "title": "x", "opens_at": "2026-08-01T00:00:00Z", "closes_at": "2026-09-01T00:00:00+02:00", "max_amount_ore": 100}`,
		`{"criteria": [{"name": "Nytte", "weight": 3, "description": "d"}]}`,
		`{"reviewer_ids": [1, 2, 9223372036854775807]}`,
		`{"conflict": true, "reason": "Søster"}`,
		`{"recommendation": "approve", "comment": "", "scores": [{"criterion_id": 1, "score": 5, "comment": "x"}]}`,
		`{"outcome": "approve", "amount_ore": 1e30, "reasons": {}, "override_reason": ""}`,
		`{"declare_no_conflict": true}`,
		`{"preferences": {"decision_made": "digest"}}`,
		`{"tranches": [{"amount_ore": 1, "condition": "x", "due_date": "2026-01-01"}]}`,
		`{"appeal_address": "{{.Fund}}", "nb": {"intro": "x"}, "en": {}}`,
		`{"opens_at": "not a time"}`, `{"amount_ore": "80000"}`, `{"x": 1}`, `{"a":1} {"b":2}`, `{"a":1} x`,
		`[]`, `"s"`, `null`, ``, `   `, `{`, `{"title": "\ud800"}`, `{"title": "a\u0000"}`,
		`{"budget_lines": [{"amount_ore": -9223372036854775808}]}`, `{"reviewer_ids": [1.5]}`,
		`{"title": {"nested": [[[[[[[[[[]]]]]]]]]]}}`, `{"call_id": 1, "call_id": "x"}`, `{"CALL_ID": 2}`,
	} {
		f.Add([]byte(s), "application/json", uint8(0))
	}
	f.Add([]byte(`{"title": "x"}`), "text/plain", uint8(0))
	f.Add([]byte(`title=x`), "application/x-www-form-urlencoded", uint8(0))
	f.Add([]byte(`{}`), "APPLICATION/JSON; charset=utf-8", uint8(3))
	f.Add([]byte(`{}`), "", uint8(18))
	f.Fuzz(func(t *testing.T, body []byte, contentType string, which uint8) {
		newBody := requestBodies[int(which)%len(requestBodies)]
		dst := newBody()
		r := httptest.NewRequest(http.MethodPost, "/api/v1/x", strings.NewReader(string(body)))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		err := httpx.DecodeJSON(httptest.NewRecorder(), r, dst)
		if err != nil {
			e, ok := err.(*apperr.Error)
			if !ok {
				t.Fatalf("DecodeJSON(%T, %q) = %T %v, not an apperr", dst, body, err, err)
			}
			if s := apperr.Status(e); s < 400 || s > 499 {
				t.Fatalf("DecodeJSON(%T, %q) = %v, status %d", dst, body, err, s)
			}
			if e.Message.NB == "" || e.Message.EN == "" {
				t.Fatalf("DecodeJSON(%T, %q) = %v without a message in both languages", dst, body, err)
			}
			return
		}
		again, err := json.Marshal(dst)
		if err != nil {
			t.Fatalf("a decoded %T does not encode: %v", dst, err)
		}
		back := newBody()
		r = httptest.NewRequest(http.MethodPost, "/api/v1/x", strings.NewReader(string(again)))
		r.Header.Set("Content-Type", "application/json")
		if err := httpx.DecodeJSON(httptest.NewRecorder(), r, back); err != nil {
			t.Fatalf("%q decoded to a %T that encodes as %s, which does not decode: %v", body, dst, again, err)
		}
		if !reflect.DeepEqual(dst, back) {
			t.Fatalf("%q decoded to %+v, which goes through JSON as %+v", body, dst, back)
		}
	})
}
