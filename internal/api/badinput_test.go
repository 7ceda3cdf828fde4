package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"nyttig/workflow"
)

// TestBadInput sends what a careless or hostile client might, and expects a
// precise refusal in the one error body: never a 500, never internals.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	draft := e.create(t, owner, completeFields(e.call.ID))
	submitted := e.submitted(t, owner)

	// app returns a valid application body with changes merged in.
	app := func(changes string) string {
		var m map[string]any
		b, _ := json.Marshal(completeFields(e.call.ID))
		_ = json.Unmarshal(b, &m)
		if err := json.Unmarshal([]byte(changes), &m); err != nil {
			t.Fatalf("bad test case %s: %v", changes, err)
		}
		b, _ = json.Marshal(m)
		return string(b)
	}
	huge := `{"call_id": 1, "summary": "` + strings.Repeat("x", 1<<20) + `"}`
	draftPath := fmt.Sprintf("/applications/%d", draft.ID)
	event := fmt.Sprintf("/applications/%d/events/", submitted.ID)

	for _, c := range []struct {
		name   string
		q      req
		status int
		field  string // a field the error must name, if any
	}{
		// Bodies that are not one JSON object of the right shape.
		{"malformed JSON", req{method: "POST", path: "/applications", body: `{"title" "x"}`}, 400, ""},
		{"truncated JSON", req{method: "POST", path: "/applications", body: `{"title": "x"`}, 400, ""},
		{"unknown field", req{method: "POST", path: "/applications", body: app(`{"colour": "red"}`)}, 400, "colour"},
		{"title as number", req{method: "POST", path: "/applications", body: app(`{"title": 42}`)}, 400, "title"},
		{"amount as string", req{method: "POST", path: "/applications", body: app(`{"requested_amount_ore": "80000"}`)}, 400, "requested_amount_ore"},
		{"amount as fraction", req{method: "POST", path: "/applications", body: app(`{"requested_amount_ore": 800.5}`)}, 400, "requested_amount_ore"},
		{"amount beyond int64", req{method: "POST", path: "/applications", body: app(`{"own_contribution_ore": 1e30}`)}, 400, "own_contribution_ore"},
		{"partners as string", req{method: "POST", path: "/applications", body: app(`{"partners": "Nabokommunen"}`)}, 400, "partners"},
		{"budget line amount as string", req{method: "POST", path: "/applications", body: app(`{"budget_lines": [{"category": "x", "amount_ore": "1"}]}`)}, 400, ""},
		{"trailing object", req{method: "POST", path: "/applications", body: app(`{}`) + ` {"call_id": 2}`}, 400, ""},
		{"trailing garbage", req{method: "POST", path: "/applications", body: app(`{}`) + `garbage`}, 400, ""},
		{"empty body", req{method: "POST", path: "/applications", body: ""}, 400, ""},
		{"whitespace body", req{method: "POST", path: "/applications", body: "  \n"}, 400, ""},
		{"array body", req{method: "POST", path: "/applications", body: `[]`}, 400, ""},
		{"string body", req{method: "POST", path: "/applications", body: `"hello"`}, 400, ""},
		{"body over 1 MiB", req{method: "POST", path: "/applications", body: huge}, 413, ""},
		{"body over 1 MiB with Idempotency-Key", req{method: "POST", path: "/applications", body: huge, header: withKey("huge")}, 413, ""},
		{"text/plain", req{method: "POST", path: "/applications", body: app(`{}`), header: map[string]string{"Content-Type": "text/plain"}}, 415, ""},
		{"form", req{method: "POST", path: "/applications", body: "title=x", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415, ""},
		{"PATCH malformed", req{method: "PATCH", path: draftPath, body: `{"title":`}, 400, ""},
		{"PATCH unknown field", req{method: "PATCH", path: draftPath, body: `{"state": "approved"}`}, 400, "state"},
		{"PATCH version as string", req{method: "PATCH", path: draftPath, body: `{"version": "1"}`}, 400, "version"},
		{"PATCH read-only field", req{method: "PATCH", path: draftPath, body: `{"case_number": "2020/0001"}`}, 400, "case_number"},
		{"PATCH too large", req{method: "PATCH", path: draftPath, body: huge}, 413, ""},
		{"PATCH text/plain", req{method: "PATCH", path: draftPath, body: `{}`, header: map[string]string{"Content-Type": "text/plain"}}, 415, ""},
		{"event body malformed", req{method: "POST", path: event + "return", body: `{"comment": }`}, 400, ""},
		{"event comment as number", req{method: "POST", path: event + "return", body: `{"comment": 5}`}, 400, "comment"},
		{"event unknown field", req{method: "POST", path: event + "return", body: `{"reason": "x"}`}, 400, "reason"},
		{"event text/plain", req{method: "POST", path: event + "return", body: "why", header: map[string]string{"Content-Type": "text/plain"}}, 415, ""},
		{"event comment too long", req{method: "POST", path: event + "return", body: `{"comment": "` + strings.Repeat("x", 10001) + `"}`}, 422, "comment"},
		{"event comment with NUL", req{method: "POST", path: event + "return", body: `{"comment": "a\u0000b"}`}, 422, "comment"},
		{"call malformed", req{method: "POST", path: "/calls", body: `{`}, 400, ""},
		{"call time not RFC 3339", req{method: "POST", path: "/calls", body: fmt.Sprintf(`{"fund_id": %d, "title": "x", "opens_at": "01.08.2026", "closes_at": "2026-09-01T00:00:00Z", "max_amount_ore": 100}`, e.fund.ID)}, 400, ""},
		{"call closes before it opens", req{method: "POST", path: "/calls", body: fmt.Sprintf(`{"fund_id": %d, "title": "x", "opens_at": "2026-09-01T00:00:00Z", "closes_at": "2026-08-01T00:00:00Z", "max_amount_ore": 100}`, e.fund.ID)}, 422, "closes_at"},
		{"call without fund", req{method: "POST", path: "/calls", body: `{"fund_id": 999999999, "title": "x", "opens_at": "2026-08-01T00:00:00Z", "closes_at": "2026-09-01T00:00:00Z", "max_amount_ore": 100}`}, 422, "fund_id"},
		{"call negative maximum", req{method: "POST", path: "/calls", body: fmt.Sprintf(`{"fund_id": %d, "title": "x", "opens_at": "2026-08-01T00:00:00Z", "closes_at": "2026-09-01T00:00:00Z", "max_amount_ore": -1}`, e.fund.ID)}, 422, "max_amount_ore"},
		{"call title with NUL", req{method: "POST", path: "/calls", body: fmt.Sprintf(`{"fund_id": %d, "title": "x\u0000", "opens_at": "2026-08-01T00:00:00Z", "closes_at": "2026-09-01T00:00:00Z", "max_amount_ore": 100}`, e.fund.ID)}, 422, "title"},
		{"call description with NUL", req{method: "POST", path: "/calls", body: fmt.Sprintf(`{"fund_id": %d, "title": "x", "description": "\u0000", "opens_at": "2026-08-01T00:00:00Z", "closes_at": "2026-09-01T00:00:00Z", "max_amount_ore": 100}`, e.fund.ID)}, 422, "description"},

		// Ids that cannot name an application.
		{"id not a number", req{method: "GET", path: "/applications/abc"}, 404, ""},
		{"id negative", req{method: "GET", path: "/applications/-1"}, 404, ""},
		{"id zero", req{method: "GET", path: "/applications/0"}, 404, ""},
		{"id unknown", req{method: "GET", path: "/applications/999999999"}, 404, ""},
		{"id beyond int64", req{method: "GET", path: "/applications/99999999999999999999"}, 404, ""},
		{"id with spaces", req{method: "GET", path: "/applications/%201"}, 404, ""},
		{"PATCH bad id", req{method: "PATCH", path: "/applications/abc", body: `{}`}, 404, ""},
		{"history bad id", req{method: "GET", path: "/applications/abc/history"}, 404, ""},
		{"history unknown id", req{method: "GET", path: "/applications/999999999/history"}, 404, ""},
		{"event bad id", req{method: "POST", path: "/applications/-1/events/submit"}, 404, ""},
		{"event unknown id", req{method: "POST", path: "/applications/999999999/events/submit"}, 404, ""},
		{"unknown endpoint", req{method: "GET", path: "/applications/1/attachments"}, 404, ""},
		{"unknown method", req{method: "DELETE", path: draftPath}, 400, ""},

		// Query parameters.
		{"unknown state", req{method: "GET", path: "/applications?state=flying"}, 400, "state"},
		{"limit zero", req{method: "GET", path: "/applications?limit=0"}, 400, "limit"},
		{"limit too large", req{method: "GET", path: "/applications?limit=201"}, 400, "limit"},
		{"limit not a number", req{method: "GET", path: "/applications?limit=ten"}, 400, "limit"},
		{"after negative", req{method: "GET", path: "/applications?after=-5"}, 400, "after"},
		{"call_id not a number", req{method: "GET", path: "/applications?call_id=x"}, 400, "call_id"},

		// Well-formed JSON with values the rules refuse.
		{"no call", req{method: "POST", path: "/applications", body: `{"title": "x"}`}, 422, "call_id"},
		{"unknown call", req{method: "POST", path: "/applications", body: app(`{"call_id": 999999999}`)}, 422, "call_id"},
		{"negative requested amount", req{method: "POST", path: "/applications", body: app(`{"requested_amount_ore": -1}`)}, 422, "requested_amount_ore"},
		{"negative own contribution", req{method: "POST", path: "/applications", body: app(`{"own_contribution_ore": -100}`)}, 422, "own_contribution_ore"},
		{"absurd amount", req{method: "POST", path: "/applications", body: app(`{"requested_amount_ore": 9000000000000000000}`)}, 422, "requested_amount_ore"},
		{"negative budget line", req{method: "POST", path: "/applications", body: app(`{"budget_lines": [{"category": "x", "amount_ore": -5}]}`)}, 422, "budget_lines[0].amount_ore"},
		{"budget line without category", req{method: "POST", path: "/applications", body: app(`{"budget_lines": [{"amount_ore": 5}]}`)}, 422, "budget_lines[0].category"},
		{"budget line category with NUL", req{method: "POST", path: "/applications", body: app(`{"budget_lines": [{"category": "x\u0000", "amount_ore": 5}]}`)}, 422, "budget_lines[0].category"},
		{"budget line description with NUL", req{method: "POST", path: "/applications", body: app(`{"budget_lines": [{"category": "x", "description": "\u0000", "amount_ore": 5}]}`)}, 422, "budget_lines[0].description"},
		{"end before start", req{method: "POST", path: "/applications", body: app(`{"start_date": "2027-01-01", "end_date": "2026-12-31"}`)}, 422, "end_date"},
		{"date in Norwegian format", req{method: "POST", path: "/applications", body: app(`{"start_date": "01.08.2026"}`)}, 422, "start_date"},
		{"date that does not exist", req{method: "POST", path: "/applications", body: app(`{"end_date": "2027-02-30"}`)}, 422, "end_date"},
		{"date with time", req{method: "POST", path: "/applications", body: app(`{"start_date": "2026-08-01T00:00:00Z"}`)}, 422, "start_date"},
		{"year zero", req{method: "POST", path: "/applications", body: app(`{"start_date": "0000-01-01"}`)}, 422, "start_date"},
		{"title too long", req{method: "POST", path: "/applications", body: app(`{"title": "` + strings.Repeat("å", 201) + `"}`)}, 422, "title"},
		{"summary too long", req{method: "POST", path: "/applications", body: app(`{"summary": "` + strings.Repeat("x", 10001) + `"}`)}, 422, "summary"},
		{"title with NUL", req{method: "POST", path: "/applications", body: app(`{"title": "a\u0000"}`)}, 422, "title"},
		{"partner with NUL", req{method: "POST", path: "/applications", body: app(`{"partners": ["Nabo\u0000kommunen"]}`)}, 422, "partners"},
		{"blank partner", req{method: "POST", path: "/applications", body: app(`{"partners": [" "]}`)}, 422, "partners"},
		{"PATCH end before start", req{method: "PATCH", path: draftPath, body: `{"end_date": "2020-01-01"}`}, 422, "end_date"},
		{"PATCH title too long", req{method: "PATCH", path: draftPath, body: `{"title": "` + strings.Repeat("x", 201) + `"}`}, 422, "title"},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Calls and returns are staff work; everything else is the applicant's.
			c.q.token = owner.token
			if strings.HasPrefix(c.q.path, "/calls") || strings.Contains(c.q.path, "/events/return") {
				c.q.token = officer.token
			}
			res := e.do(t, c.q)
			if res.status != c.status {
				t.Errorf("got %s, want %d", res, c.status)
			}
			d := errorBody(t, res)
			if c.field != "" && d.Fields[c.field] == "" {
				t.Errorf("error fields %v do not name %q", d.Fields, c.field)
			}
		})
	}

	after := e.history(t, owner, draft.ID)
	if len(after) != 1 {
		t.Errorf("refused requests changed the draft: history %v", historyEvents(after))
	}
}
