package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// TestReviewBadInput sends bad bodies and parameters to the review and
// decision endpoints: each is refused with 400 (not JSON of the right
// shape) or 422 (values the rules refuse) in the one error body, naming
// the field, and changes nothing.
func TestReviewBadInput(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.setFrame(t, money.FromKroner(1_000_000))
	applicant := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	decider := e.user(t, workflow.DecisionMaker)
	reviewer := e.user(t, workflow.Reviewer)
	requested := money.FromKroner(80_000)
	inReview := e.inReview(t, applicant, officer, fieldsAsking(e.call, requested, "Byggesak"))
	e.assignActive(t, officer, reviewer, inReview.ID)
	recommended := e.inReview(t, applicant, officer, fieldsAsking(e.call, requested, "Byggesak"))
	e.recommend(t, officer, recommended.ID, model.OutcomeApprove, requested)
	e.declareFree(t, decider, recommended.ID)
	rubric, err := e.grants.Rubric(ctx, e.call.ID)
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.grants.Rubric(ctx, e.newCall(t, e.call.OpensAt, e.call.ClosesAt).ID)
	if err != nil {
		t.Fatal(err)
	}
	historyBefore := len(e.history(t, officer, inReview.ID))

	rubricPath := fmt.Sprintf("/calls/%d/rubric", e.call.ID)
	reviewersPath := fmt.Sprintf("/applications/%d/reviewers", inReview.ID)
	declPath := fmt.Sprintf("/applications/%d/declarations", inReview.ID)
	minePath := fmt.Sprintf("/applications/%d/reviews/mine", inReview.ID)
	recPath := fmt.Sprintf("/applications/%d/recommendation", inReview.ID)
	approvePath := fmt.Sprintf("/applications/%d/events/approve", recommended.ID)
	batchPath := fmt.Sprintf("/calls/%d/decisions", e.call.ID)
	ledgerPath := fmt.Sprintf("/funds/%d/ledger", e.fund.ID)
	c0, c1 := rubric[0].ID, rubric[1].ID
	criterion := func(changes string) string {
		return `{"criteria": [{"name_nb": "Nytte", "name_en": "Benefit", "weight": 10` + changes + `}]}`
	}
	score := func(s string) string { return fmt.Sprintf(`{"scores": [{"criterion_id": %d, "score": %s}]}`, c0, s) }
	call := func(changes string) string {
		return fmt.Sprintf(`{"fund_id": %d, "title": "x", "opens_at": "2026-08-01T00:00:00Z", "closes_at": "2026-09-01T00:00:00Z", "max_amount_ore": 100%s}`,
			e.fund.ID, changes)
	}
	reasons := `"reasons": {"rules": "r", "facts": "f", "considerations": "c"}`

	for _, c := range []struct {
		name   string
		who    user
		q      req
		status int
		field  string // a field the error must name, if any
	}{
		// Rubric.
		{"rubric weight 0", officer, req{method: "PUT", path: rubricPath, body: criterion(`, "weight": 0`)}, 422, "criteria[0].weight"},
		{"rubric weight 101", officer, req{method: "PUT", path: rubricPath, body: criterion(`, "weight": 101`)}, 422, "criteria[0].weight"},
		{"rubric negative weight", officer, req{method: "PUT", path: rubricPath, body: criterion(`, "weight": -5`)}, 422, "criteria[0].weight"},
		{"rubric empty name", officer, req{method: "PUT", path: rubricPath, body: criterion(`, "name_nb": ""`)}, 422, "criteria[0].name_nb"},
		{"rubric blank English name", officer, req{method: "PUT", path: rubricPath, body: criterion(`, "name_en": "   "`)}, 422, "criteria[0].name_en"},
		{"rubric name with NUL", officer, req{method: "PUT", path: rubricPath, body: criterion(`, "name_nb": "a\u0000"`)}, 422, "criteria[0].name_nb"},
		{"rubric name too long", officer, req{method: "PUT", path: rubricPath, body: criterion(`, "name_en": "` + strings.Repeat("x", 201) + `"`)}, 422, "criteria[0].name_en"},
		{"rubric without criteria", officer, req{method: "PUT", path: rubricPath, body: `{"criteria": []}`}, 422, "criteria"},
		{"rubric of 31 criteria", officer, req{method: "PUT", path: rubricPath, body: `{"criteria": [` + strings.Repeat(`{"name_nb": "a", "name_en": "a", "weight": 1},`, 30) + `{"name_nb": "a", "name_en": "a", "weight": 1}]}`}, 422, "criteria"},
		{"rubric weight as string", officer, req{method: "PUT", path: rubricPath, body: criterion(`, "weight": "10"`)}, 400, ""},
		{"rubric weight as fraction", officer, req{method: "PUT", path: rubricPath, body: criterion(`, "weight": 10.5`)}, 400, ""},
		{"rubric unknown field", officer, req{method: "PUT", path: rubricPath, body: `{"criteria": [], "colour": "red"}`}, 400, "colour"},
		{"rubric criterion unknown field", officer, req{method: "PUT", path: rubricPath, body: criterion(`, "points": 5`)}, 400, "points"},
		{"rubric as array", officer, req{method: "PUT", path: rubricPath, body: `[]`}, 400, ""},
		{"rubric empty body", officer, req{method: "PUT", path: rubricPath, body: ""}, 400, ""},
		{"rubric text/plain", officer, req{method: "PUT", path: rubricPath, body: criterion(""), header: map[string]string{"Content-Type": "text/plain"}}, 415, ""},
		{"rubric of an unknown call", officer, req{method: "PUT", path: "/calls/999999999/rubric", body: criterion("")}, 404, ""},
		{"rubric of a bad call id", officer, req{method: "GET", path: "/calls/x/rubric"}, 404, ""},

		// Reviewers.
		{"reviewer ids as string", officer, req{method: "POST", path: reviewersPath, body: `{"reviewer_ids": "1"}`}, 400, "reviewer_ids"},
		{"reviewer id as string", officer, req{method: "POST", path: reviewersPath, body: `{"reviewer_ids": ["1"]}`}, 400, "reviewer_ids"},
		{"reviewers unknown field", officer, req{method: "POST", path: reviewersPath, body: `{"reviewers": [1]}`}, 400, "reviewers"},
		{"no reviewers", officer, req{method: "POST", path: reviewersPath, body: `{"reviewer_ids": []}`}, 422, "reviewer_ids"},
		{"21 reviewers", officer, req{method: "POST", path: reviewersPath, body: `{"reviewer_ids": [` + strings.Repeat("1,", 20) + `1]}`}, 422, "reviewer_ids"},
		{"reviewer who is no reviewer", officer, req{method: "POST", path: reviewersPath, body: fmt.Sprintf(`{"reviewer_ids": [%d]}`, applicant.ID)}, 422, "reviewer_ids"},
		{"reviewer who does not exist", officer, req{method: "POST", path: reviewersPath, body: `{"reviewer_ids": [999999999]}`}, 422, "reviewer_ids"},
		{"automatic assignment of an unknown call", officer, req{method: "POST", path: "/calls/999999999/reviewer-assignments"}, 404, ""},

		// Declarations.
		{"conflict as string", reviewer, req{method: "POST", path: declPath, body: `{"conflict": "yes"}`}, 400, "conflict"},
		{"declaration unknown field", reviewer, req{method: "POST", path: declPath, body: `{"conflict": false, "why": "x"}`}, 400, "why"},
		{"declaration empty body", reviewer, req{method: "POST", path: declPath, body: ""}, 400, ""},
		{"conflict without reason", reviewer, req{method: "POST", path: declPath, body: `{"conflict": true}`}, 422, "reason"},
		{"conflict reason with NUL", reviewer, req{method: "POST", path: declPath, body: `{"conflict": true, "reason": "a\u0000"}`}, 422, "reason"},
		{"conflict reason too long", reviewer, req{method: "POST", path: declPath, body: `{"conflict": true, "reason": "` + strings.Repeat("x", 10001) + `"}`}, 422, "reason"},

		// Reviews.
		{"score 0", reviewer, req{method: "PUT", path: minePath, body: score("0")}, 422, "scores[0].score"},
		{"score 6", reviewer, req{method: "PUT", path: minePath, body: score("6")}, 422, "scores[0].score"},
		{"score as string", reviewer, req{method: "PUT", path: minePath, body: score(`"5"`)}, 400, ""},
		{"score as fraction", reviewer, req{method: "PUT", path: minePath, body: score("4.5")}, 400, ""},
		{"score beyond int64", reviewer, req{method: "PUT", path: minePath, body: score("1e30")}, 400, ""},
		{"unknown criterion", reviewer, req{method: "PUT", path: minePath, body: `{"scores": [{"criterion_id": 999999999, "score": 3}]}`}, 422, "scores[0].criterion_id"},
		{"another call's criterion", reviewer, req{method: "PUT", path: minePath, body: fmt.Sprintf(`{"scores": [{"criterion_id": %d, "score": 3}]}`, other[0].ID)}, 422, "scores[0].criterion_id"},
		{"criterion twice", reviewer, req{method: "PUT", path: minePath, body: fmt.Sprintf(`{"scores": [{"criterion_id": %d, "score": 3}, {"criterion_id": %d, "score": 4}, {"criterion_id": %d, "score": 2}]}`, c0, c1, c0)}, 422, "scores[2].criterion_id"},
		{"review recommendation perhaps", reviewer, req{method: "PUT", path: minePath, body: `{"recommendation": "perhaps"}`}, 422, "recommendation"},
		{"review comment with NUL", reviewer, req{method: "PUT", path: minePath, body: `{"comment": "\u0000"}`}, 422, "comment"},
		{"score comment too long", reviewer, req{method: "PUT", path: minePath, body: fmt.Sprintf(`{"scores": [{"criterion_id": %d, "score": 3, "comment": "%s"}]}`, c0, strings.Repeat("x", 10001))}, 422, "scores[0].comment"},
		{"review unknown field", reviewer, req{method: "PUT", path: minePath, body: `{"grade": 5}`}, 400, "grade"},
		{"review read-only field", reviewer, req{method: "PUT", path: minePath, body: `{"version": 3}`}, 400, "version"},
		{"scores as object", reviewer, req{method: "PUT", path: minePath, body: `{"scores": {"1": 5}}`}, 400, "scores"},
		{"review malformed", reviewer, req{method: "PUT", path: minePath, body: `{"scores": [`}, 400, ""},

		// Recommendations.
		{"outcome maybe", officer, req{method: "PUT", path: recPath, body: `{"outcome": "maybe", ` + reasons + `}`}, 422, "outcome"},
		{"outcome missing", officer, req{method: "PUT", path: recPath, body: `{` + reasons + `}`}, 422, "outcome"},
		{"proposed amount over requested", officer, req{method: "PUT", path: recPath, body: fmt.Sprintf(`{"outcome": "approve", "amount_ore": %d, %s}`, requested+1, reasons)}, 422, "amount_ore"},
		{"approval of nothing", officer, req{method: "PUT", path: recPath, body: `{"outcome": "approve", "amount_ore": 0, ` + reasons + `}`}, 422, "amount_ore"},
		{"negative proposed amount", officer, req{method: "PUT", path: recPath, body: `{"outcome": "approve", "amount_ore": -1, ` + reasons + `}`}, 422, "amount_ore"},
		{"recommendation without reasons", officer, req{method: "PUT", path: recPath, body: `{"outcome": "reject"}`}, 422, "reasons.rules"},
		{"recommendation without facts", officer, req{method: "PUT", path: recPath, body: `{"outcome": "reject", "reasons": {"rules": "r", "considerations": "c"}}`}, 422, "reasons.facts"},
		{"recommendation blank considerations", officer, req{method: "PUT", path: recPath, body: `{"outcome": "reject", "reasons": {"rules": "r", "facts": "f", "considerations": " "}}`}, 422, "reasons.considerations"},
		{"reasons as string", officer, req{method: "PUT", path: recPath, body: `{"outcome": "reject", "reasons": "fordi"}`}, 400, "reasons"},
		{"reasons unknown field", officer, req{method: "PUT", path: recPath, body: `{"outcome": "reject", "reasons": {"rules": "r", "law": "x"}}`}, 400, "law"},
		{"recommendation unknown field", officer, req{method: "PUT", path: recPath, body: `{"outcome": "reject", "amount": 5, ` + reasons + `}`}, 400, "amount"},
		{"proposed amount as string", officer, req{method: "PUT", path: recPath, body: `{"outcome": "approve", "amount_ore": "5", ` + reasons + `}`}, 400, "amount_ore"},
		{"override reason with NUL", officer, req{method: "PUT", path: recPath, body: `{"outcome": "reject", "override_reason": "\u0000", ` + reasons + `}`}, 422, "override_reason"},

		// Decisions.
		{"granted amount over requested", decider, req{method: "POST", path: approvePath, body: fmt.Sprintf(`{"amount_ore": %d}`, requested+1)}, 422, "amount_ore"},
		{"granted amount 0", decider, req{method: "POST", path: approvePath, body: `{"amount_ore": 0}`}, 422, "amount_ore"},
		{"granted amount negative", decider, req{method: "POST", path: approvePath, body: `{"amount_ore": -100}`}, 422, "amount_ore"},
		{"granted amount as string", decider, req{method: "POST", path: approvePath, body: `{"amount_ore": "100"}`}, 400, "amount_ore"},
		{"decision with empty reasons", decider, req{method: "POST", path: approvePath, body: `{"reasons": {}}`}, 422, "reasons.rules"},
		{"decision without facts", decider, req{method: "POST", path: approvePath, body: `{"reasons": {"rules": "r", "considerations": "c"}}`}, 422, "reasons.facts"},
		{"decision reasons unknown field", decider, req{method: "POST", path: approvePath, body: `{"reasons": {"rules": "r", "law": "x"}}`}, 400, "law"},
		{"decision unknown field", decider, req{method: "POST", path: approvePath, body: `{"amount": 100}`}, 400, "amount"},
		{"batch flag as string", decider, req{method: "POST", path: batchPath, body: `{"declare_no_conflict": "yes"}`}, 400, "declare_no_conflict"},
		{"batch unknown field", decider, req{method: "POST", path: batchPath, body: `{"declare": true}`}, 400, "declare"},
		{"batch as array", decider, req{method: "POST", path: batchPath, body: `[]`}, 400, ""},
		{"batch text/plain", decider, req{method: "POST", path: batchPath, body: `{}`, header: map[string]string{"Content-Type": "text/plain"}}, 415, ""},
		{"batch of an unknown call", decider, req{method: "POST", path: "/calls/999999999/decisions", body: `{}`}, 404, ""},

		// Ranking and ledger.
		{"ranking of an unknown call", officer, req{method: "GET", path: "/calls/999999999/ranking"}, 404, ""},
		{"ledger year not a number", officer, req{method: "GET", path: ledgerPath + "?year=abc"}, 400, "year"},
		{"ledger year 1999", officer, req{method: "GET", path: ledgerPath + "?year=1999"}, 400, "year"},
		{"ledger year without a frame", officer, req{method: "GET", path: ledgerPath + "?year=2199"}, 404, ""},
		{"ledger of an unknown fund", officer, req{method: "GET", path: "/funds/999999999/ledger"}, 404, ""},

		// Review settings of a new call.
		{"call with 11 reviewers each", officer, req{method: "POST", path: "/calls", body: call(`, "reviewers_per_application": 11`)}, 422, "reviewers_per_application"},
		{"call with negative reviewers", officer, req{method: "POST", path: "/calls", body: call(`, "reviewers_per_application": -1`)}, 422, "reviewers_per_application"},
		{"call with margin 41", officer, req{method: "POST", path: "/calls", body: call(`, "disagreement_margin_tenths": 41`)}, 422, "disagreement_margin_tenths"},
		{"call with budget year 99", officer, req{method: "POST", path: "/calls", body: call(`, "budget_year": 99`)}, 422, "budget_year"},
		{"call with review deadline before the application deadline", officer, req{method: "POST", path: "/calls", body: call(`, "review_deadline": "2026-08-15T00:00:00Z"`)}, 422, "review_deadline"},
		{"call with blind review as string", officer, req{method: "POST", path: "/calls", body: call(`, "blind_review": "yes"`)}, 400, "blind_review"},
		{"call with review deadline not a time", officer, req{method: "POST", path: "/calls", body: call(`, "review_deadline": "neste uke"`)}, 400, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.q.token = c.who.token
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

	// Nothing was changed by the refused requests.
	if n := len(e.history(t, officer, inReview.ID)); n != historyBefore {
		t.Errorf("the history grew from %d to %d rows", historyBefore, n)
	}
	e.expect(t, req{method: "GET", path: minePath, token: reviewer.token}, http.StatusNotFound)
	e.expect(t, req{method: "GET", path: recPath, token: officer.token}, http.StatusNotFound)
	if got, err := e.grants.Rubric(ctx, e.call.ID); err != nil || len(got) != len(rubric) || got[0] != rubric[0] {
		t.Errorf("the rubric changed: %+v, %v", got, err)
	}
	if a, err := e.store.Application(ctx, recommended.ID); err != nil || a.State != workflow.Recommended {
		t.Errorf("the recommended application is now %s (%v)", a.State, err)
	}
	if l := e.ledger(t, officer); l.Committed != 0 {
		t.Errorf("ledger %+v, want nothing committed", l)
	}
}
