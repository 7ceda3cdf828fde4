package api_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

type criteriaBody struct {
	Criteria []model.Criterion `json:"criteria"`
}

type assignmentList struct {
	Items []model.Assignment `json:"items"`
}

type queue struct {
	Items []model.QueueItem `json:"items"`
}

// expectedTotal is a review's weighted mean, computed here from the
// rubric's weights rather than by the code under test.
func expectedTotal(rubric []model.Criterion, scores map[int64]int) float64 {
	sum, weights := 0, 0
	for _, c := range rubric {
		sum += scores[c.ID] * c.Weight
		weights += c.Weight
	}
	return float64(sum) / float64(weights)
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.006 }

// checkAggregate compares an aggregate with the one expected of totals
// under a call's disagreement margin.
func checkAggregate(t *testing.T, got model.Aggregate, totals []float64, marginTenths int) {
	t.Helper()
	lo, hi, sum := totals[0], totals[0], 0.0
	for _, v := range totals {
		lo, hi, sum = math.Min(lo, v), math.Max(hi, v), sum+v
	}
	mean, spread := sum/float64(len(totals)), hi-lo
	if got.Reviews != len(totals) || !near(got.Mean, mean) || !near(got.Min, lo) || !near(got.Max, hi) ||
		!near(got.Spread, spread) || got.Disagree != (spread*10 > float64(marginTenths)) {
		t.Errorf("aggregate %+v; want %d reviews, mean %.2f, min %.2f, max %.2f, spread %.2f, disagree %v",
			got, len(totals), mean, lo, hi, spread, spread*10 > float64(marginTenths))
	}
}

// TestReviewAndDecisionFlow walks one application from submission to a
// partial grant over HTTP: rubric, reviewers by hand and automatically,
// declarations, draft and submitted reviews, their aggregate, the
// recommendation, the decision and the budget it takes.
func TestReviewAndDecisionFlow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	frame := money.FromKroner(200_000)
	e.setFrame(t, frame)
	applicant := e.person(t, "Kari Nordmann", "Helse", workflow.Applicant)
	officer := e.person(t, "Ola Saksbehandler", "Stab", workflow.CaseOfficer)
	decider := e.person(t, "Anne Beslutter", "Stab", workflow.DecisionMaker)
	r1 := e.person(t, "Per Fagvurderer", "Kultur", workflow.Reviewer)
	// Reviewers the automatic assignment must pass over.
	sameUnit := e.person(t, "Aase Samme Enhet", "Helse", workflow.Reviewer)
	leader := e.person(t, "Aase Leder", "Ledelse", workflow.Reviewer, workflow.UnitLeader)
	if err := e.store.SetUserLeader(ctx, applicant.ID, &leader.ID); err != nil {
		t.Fatal(err)
	}
	callPath := "/calls/" + itoa(e.call.ID)

	// The rubric: three weighted criteria.
	rubricIn := map[string]any{"criteria": []map[string]any{
		{"name_nb": "Nytte", "name_en": "Benefit", "description_nb": "Hvem får det bedre?", "weight": 50},
		{"name_nb": "Nyhet", "name_en": "Novelty", "weight": 30},
		{"name_nb": "Gjennomførbarhet", "name_en": "Feasibility", "weight": 20},
	}}
	put := decode[criteriaBody](t, e.expect(t, req{method: "PUT", path: callPath + "/rubric", token: officer.token, body: rubricIn}, http.StatusOK))
	rubric := decode[criteriaBody](t, e.expect(t, req{method: "GET", path: callPath + "/rubric", token: applicant.token}, http.StatusOK)).Criteria
	if !slices.Equal(put.Criteria, rubric) || len(rubric) != 3 {
		t.Fatalf("PUT answered %+v, GET %+v; want the same three criteria", put.Criteria, rubric)
	}
	for i, want := range []int{50, 30, 20} {
		if c := rubric[i]; c.Weight != want || c.Position != i+1 || c.CallID != e.call.ID || c.ID <= 0 {
			t.Errorf("criterion %d = %+v, want weight %d at position %d", i, c, want, i+1)
		}
	}

	// Submitted, then taken into review.
	f := completeFields(e.call.ID)
	f.Unit = "Helse"
	app := e.create(t, applicant, f)
	if res := e.fire(t, applicant, app.ID, workflow.Submit, nil); res.status != http.StatusOK {
		t.Fatalf("submit: %s", res)
	}
	if res := e.fire(t, officer, app.ID, workflow.StartReview, nil); res.status != http.StatusOK {
		t.Fatalf("start_review: %s", res)
	}
	appPath := "/applications/" + itoa(app.ID)

	// One reviewer by hand, the rest (the call wants two) automatically.
	hand := decode[assignmentList](t, e.expect(t, req{method: "POST", path: appPath + "/reviewers", token: officer.token,
		body: map[string]any{"reviewer_ids": []int64{r1.ID}}}, http.StatusOK)).Items
	if len(hand) != 1 || hand[0].ReviewerID != r1.ID || hand[0].ReviewerName != r1.Name || hand[0].Status != model.AssignmentAssigned {
		t.Fatalf("assigned by hand: %+v", hand)
	}
	auto := decode[struct{ Assigned int }](t, e.expect(t, req{method: "POST", path: callPath + "/reviewer-assignments", token: officer.token}, http.StatusOK))
	if auto.Assigned != 1 {
		t.Fatalf("automatic assignment made %d, want 1 (the call wants 2 reviewers, 1 was there)", auto.Assigned)
	}
	all := decode[assignmentList](t, e.expect(t, req{method: "GET", path: appPath + "/reviewers", token: officer.token}, http.StatusOK)).Items
	if len(all) != 2 || all[0].ReviewerID != r1.ID {
		t.Fatalf("reviewers after automatic assignment: %+v", all)
	}
	if id := all[1].ReviewerID; id == sameUnit.ID || id == leader.ID || id == applicant.ID {
		t.Fatalf("the automatic assignment picked a conflicted reviewer: %+v", all[1])
	}
	picked, err := e.store.UserByID(ctx, all[1].ReviewerID)
	if err != nil {
		t.Fatal(err)
	}
	r2 := e.withToken(t, picked)

	// A reviewer declares before opening the application.
	errorBody(t, e.expect(t, req{method: "GET", path: appPath, token: r1.token}, http.StatusForbidden))
	for _, r := range []user{r1, r2} {
		d := decode[model.Declaration](t, e.expect(t, req{method: "POST", path: appPath + "/declarations", token: r.token,
			body: map[string]any{"conflict": false}}, http.StatusCreated))
		if d.UserID != r.ID || d.ApplicationID != app.ID || d.Capacity != string(workflow.Reviewer) || d.Conflict || d.ID <= 0 {
			t.Errorf("declaration %+v", d)
		}
	}
	e.expect(t, req{method: "GET", path: appPath, token: r1.token}, http.StatusOK)
	q := decode[queue](t, e.expect(t, req{method: "GET", path: "/me/review-queue", token: r1.token}, http.StatusOK)).Items
	if len(q) != 1 || q[0].ApplicationID != app.ID || q[0].Status != model.AssignmentActive || q[0].ReviewState != "none" {
		t.Fatalf("r1's queue: %+v", q)
	}
	mine := appPath + "/reviews/mine"
	errorBody(t, e.expect(t, req{method: "GET", path: mine, token: r1.token}, http.StatusNotFound))

	// A partial draft saves; submitting it is refused, naming what is missing.
	draft := decode[model.Review](t, e.expect(t, req{method: "PUT", path: mine, token: r1.token, body: map[string]any{
		"comment": "Foreløpig", "scores": []map[string]any{{"criterion_id": rubric[0].ID, "score": 5, "comment": "Klar nytte"}},
	}}, http.StatusOK))
	if draft.Version != 1 || draft.Submitted() || draft.WeightedTotal != 0 || len(draft.Scores) != 1 || draft.ReviewerID != r1.ID {
		t.Fatalf("draft %+v", draft)
	}
	if got := decode[model.Review](t, e.expect(t, req{method: "GET", path: mine, token: r1.token}, http.StatusOK)); !slices.Equal(got.Scores, draft.Scores) || got.Comment != "Foreløpig" {
		t.Fatalf("GET mine = %+v, want the draft %+v", got, draft)
	}
	incomplete := errorBody(t, e.expect(t, req{method: "POST", path: mine + "/submit", token: r1.token}, http.StatusUnprocessableEntity))
	for _, c := range rubric[1:] {
		if incomplete.Fields[fmt.Sprintf("criterion_%d", c.ID)] == "" {
			t.Errorf("submitting without %q: fields %v do not name it", c.NameNB, incomplete.Fields)
		}
	}
	if incomplete.Fields[fmt.Sprintf("criterion_%d", rubric[0].ID)] != "" || incomplete.Fields["recommendation"] == "" {
		t.Errorf("fields %v: want the scored criterion left out and the recommendation named", incomplete.Fields)
	}

	// Both reviewers complete and submit.
	scores := map[int64]map[int64]int{
		r1.ID: {rubric[0].ID: 5, rubric[1].ID: 4, rubric[2].ID: 3},
		r2.ID: {rubric[0].ID: 2, rubric[1].ID: 2, rubric[2].ID: 1},
	}
	for _, r := range []user{r1, r2} {
		var body []model.Score
		for _, c := range rubric {
			body = append(body, model.Score{CriterionID: c.ID, Score: scores[r.ID][c.ID]})
		}
		saved := decode[model.Review](t, e.expect(t, req{method: "PUT", path: mine, token: r.token,
			body: map[string]any{"recommendation": "yes", "scores": body}}, http.StatusOK))
		if want := expectedTotal(rubric, scores[r.ID]); !near(saved.WeightedTotal, want) {
			t.Errorf("weighted total %.2f, want %.2f", saved.WeightedTotal, want)
		}
		sub := decode[model.Review](t, e.expect(t, req{method: "POST", path: mine + "/submit", token: r.token}, http.StatusOK))
		if !sub.Submitted() || sub.Version != 1 {
			t.Errorf("submitted review %+v", sub)
		}
	}
	sum := decode[grants.ReviewSummary](t, e.expect(t, req{method: "GET", path: appPath + "/reviews", token: officer.token}, http.StatusOK))
	if len(sum.Reviews) != 2 || len(sum.Rubric) != 3 {
		t.Fatalf("reviews %+v", sum)
	}
	checkAggregate(t, sum.Aggregate, []float64{expectedTotal(rubric, scores[r1.ID]), expectedTotal(rubric, scores[r2.ID])},
		e.call.DisagreementMarginTenths)
	if !sum.Aggregate.Disagree {
		t.Errorf("totals 4.3 and 1.8 under a margin of 1.5 must disagree: %+v", sum.Aggregate)
	}
	if q := decode[queue](t, e.expect(t, req{method: "GET", path: "/me/review-queue", token: r1.token}, http.StatusOK)).Items; len(q) != 1 || q[0].ReviewState != "submitted" {
		t.Errorf("r1's queue after submitting: %+v", q)
	}

	// The case officer's recommendation, then the decision.
	recIn := map[string]any{"outcome": "approve", "amount_ore": money.FromKroner(60_000), "reasons": testReasons}
	rec := decode[model.Recommendation](t, e.expect(t, req{method: "PUT", path: appPath + "/recommendation", token: officer.token, body: recIn}, http.StatusOK))
	if rec.Outcome != model.OutcomeApprove || rec.AmountOre != money.FromKroner(60_000) || rec.Reasons != testReasons || rec.AuthorID != officer.ID {
		t.Fatalf("recommendation %+v", rec)
	}
	if got := decode[model.Recommendation](t, e.expect(t, req{method: "GET", path: appPath + "/recommendation", token: decider.token}, http.StatusOK)); got.Reasons != testReasons || got.AmountOre != rec.AmountOre {
		t.Fatalf("GET recommendation = %+v", got)
	}
	if res := e.fire(t, officer, app.ID, workflow.Recommend, nil); res.status != http.StatusOK || decode[model.Application](t, res).State != workflow.Recommended {
		t.Fatalf("recommend: %s", res)
	}
	d := decode[model.Declaration](t, e.expect(t, req{method: "POST", path: appPath + "/declarations", token: decider.token,
		body: map[string]any{"conflict": false}}, http.StatusCreated))
	if d.Capacity != string(workflow.DecisionMaker) {
		t.Errorf("the decision maker declared as %q", d.Capacity)
	}
	granted := money.FromKroner(50_000)
	reasons := model.Reasons{Rules: "Retningslinjene § 4", Facts: "Budsjettet har en post som ikke er nødvendig.", Considerations: "Delvis innvilget."}
	res := e.fire(t, decider, app.ID, workflow.Approve, map[string]any{"comment": "Delvis innvilget", "amount_ore": granted, "reasons": reasons})
	if res.status != http.StatusOK || decode[model.Application](t, res).State != workflow.Approved {
		t.Fatalf("approve: %s", res)
	}
	ds, err := e.store.Decisions(ctx, app.ID)
	if err != nil || len(ds) != 1 || ds[0].AmountOre != granted || ds[0].Reasons != reasons || !ds[0].Partial() || ds[0].DecidedBy != decider.ID {
		t.Fatalf("decisions %+v, %v", ds, err)
	}
	ledger := decode[model.Ledger](t, e.expect(t, req{method: "GET", path: fmt.Sprintf("/funds/%d/ledger?year=%d", e.fund.ID, e.call.BudgetYear),
		token: officer.token}, http.StatusOK))
	if want := (model.Ledger{FundID: e.fund.ID, Year: e.call.BudgetYear, Frame: frame, Committed: granted, Remaining: frame - granted}); ledger != want {
		t.Errorf("ledger %+v, want %+v", ledger, want)
	}

	// Rows after the decision (its letter) belong to other features.
	want := []string{"create", "submit", "start_review", "reviewer_assigned", "reviewer_assigned", "declaration", "declaration",
		"review_submitted", "review_submitted", "recommendation_saved", "recommend", "declaration", "approve"}
	if got := historyEvents(e.history(t, officer, app.ID)); len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Errorf("history %v, want it to begin %v", got, want)
	}
}

// TestReviewAmendmentIsANewVersion checks that a submitted review is
// frozen: changing it makes version 2, both versions stay, the aggregate
// counts the latest submitted one, and the database refuses an UPDATE.
func TestReviewAmendmentIsANewVersion(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	applicant := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	r1 := e.person(t, "Per Fagvurderer", "Kultur", workflow.Reviewer)
	r2 := e.person(t, "Liv Fagvurderer", "Oppvekst", workflow.Reviewer)
	app := e.inReview(t, applicant, officer, completeFields(e.call.ID))
	for _, r := range []user{r1, r2} {
		e.assignActive(t, officer, r, app.ID)
	}
	e.submitReview(t, r1, app, 5)
	e.submitReview(t, r2, app, 2)
	rubric, err := e.grants.Rubric(ctx, e.call.ID)
	if err != nil {
		t.Fatal(err)
	}
	reviews := func() grants.ReviewSummary {
		t.Helper()
		return decode[grants.ReviewSummary](t, e.expect(t, req{method: "GET", path: fmt.Sprintf("/applications/%d/reviews", app.ID), token: officer.token}, http.StatusOK))
	}
	mine := fmt.Sprintf("/applications/%d/reviews/mine", app.ID)

	v2 := decode[model.Review](t, e.expect(t, req{method: "PUT", path: mine, token: r2.token,
		body: map[string]any{"recommendation": "maybe", "scores": scoresAll(rubric, 4)}}, http.StatusOK))
	if v2.Version != 2 || v2.Submitted() {
		t.Fatalf("amending a submitted review gave %+v, want a version 2 draft", v2)
	}
	sum := reviews()
	if len(sum.Reviews) != 3 {
		t.Fatalf("%d review versions, want r1 v1, r2 v1 and r2's draft v2", len(sum.Reviews))
	}
	checkAggregate(t, sum.Aggregate, []float64{5, 2}, e.call.DisagreementMarginTenths) // a draft does not count

	e.expect(t, req{method: "POST", path: mine + "/submit", token: r2.token}, http.StatusOK)
	sum = reviews()
	var versions []int
	for _, r := range sum.Reviews {
		if r.ReviewerID != r2.ID {
			continue
		}
		versions = append(versions, r.Version)
		if want := map[int]int{1: 2, 2: 4}[r.Version]; r.Scores[0].Score != want || !r.Submitted() {
			t.Errorf("r2's version %d: %+v, want submitted with scores of %d", r.Version, r, want)
		}
	}
	if !slices.Equal(versions, []int{1, 2}) {
		t.Errorf("r2's versions %v, want [1 2]", versions)
	}
	checkAggregate(t, sum.Aggregate, []float64{5, 4}, e.call.DisagreementMarginTenths)
	if got := decode[model.Review](t, e.expect(t, req{method: "GET", path: mine, token: r2.token}, http.StatusOK)); got.Version != 2 {
		t.Errorf("GET mine is version %d, want the latest, 2", got.Version)
	}

	for _, stmt := range []string{
		"UPDATE reviews SET comment = 'endret' WHERE application_id = $1 AND submitted_at IS NOT NULL",
		"UPDATE reviews SET scores = '[]' WHERE application_id = $1 AND version = 1",
		"DELETE FROM reviews WHERE application_id = $1",
	} {
		if _, err := e.store.Pool().Exec(ctx, stmt, app.ID); err == nil || !strings.Contains(err.Error(), "immutable") {
			t.Errorf("%s: got %v, want the database to refuse", stmt, err)
		}
	}
	if got := reviews(); len(got.Reviews) != 3 {
		t.Errorf("after the refused changes %d versions remain, want 3", len(got.Reviews))
	}
}

// TestConflictRulesThroughTheAPI checks that each automatic rule refuses an
// assignment naming the rule, and that a reviewer who declares a conflict
// loses sight of the case.
func TestConflictRulesThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	applicant := e.person(t, "Kari Nordmann", "Helse", workflow.Applicant, workflow.Reviewer)
	officer := e.person(t, "Ola Saksbehandler", "Stab", workflow.CaseOfficer)
	partner := e.person(t, "Per Partner", "Kultur", workflow.Reviewer)
	colleague := e.person(t, "Siri Kollega", "Helse", workflow.Reviewer)
	leader := e.person(t, "Lars Leder", "Ledelse", workflow.Reviewer)
	free := e.person(t, "Fri Fagvurderer", "Teknisk", workflow.Reviewer)
	if err := e.store.SetUserLeader(ctx, applicant.ID, &leader.ID); err != nil {
		t.Fatal(err)
	}
	f := completeFields(e.call.ID)
	f.Unit, f.Partners = "Helse", []string{"Per Partner"}
	app := e.inReview(t, applicant, officer, f)
	appPath := "/applications/" + itoa(app.ID)

	assign := func(ids ...int64) response {
		return e.do(t, req{method: "POST", path: appPath + "/reviewers", token: officer.token,
			body: map[string]any{"reviewer_ids": ids}, header: map[string]string{"Accept-Language": "en"}})
	}
	for _, c := range []struct {
		name     string
		reviewer user
		rule     string
	}{
		{"self", applicant, "The reviewer is the applicant"},
		{"partner", partner, "The reviewer is listed as a partner in the application"},
		{"same unit", colleague, "The reviewer works in the applicant's unit"},
		{"leader", leader, "The reviewer is the applicant's leader"},
		{"one of several", colleague, "The reviewer works in the applicant's unit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ids := []int64{c.reviewer.ID}
			if c.name == "one of several" {
				ids = []int64{free.ID, colleague.ID}
			}
			res := assign(ids...)
			if res.status != http.StatusConflict {
				t.Fatalf("got %s, want 409", res)
			}
			if msg := errorBody(t, res).Message; !strings.Contains(msg, c.rule) || !strings.Contains(msg, c.reviewer.Name) {
				t.Errorf("message %q does not name %s and the rule %q", msg, c.reviewer.Name, c.rule)
			}
		})
	}
	if got := decode[assignmentList](t, e.expect(t, req{method: "GET", path: appPath + "/reviewers", token: officer.token}, http.StatusOK)).Items; len(got) != 0 {
		t.Fatalf("refused assignments left reviewers behind: %+v", got)
	}

	// A conflict declared by hand needs a reason, and locks the reviewer out.
	if res := assign(free.ID); res.status != http.StatusOK {
		t.Fatalf("assigning a free reviewer: %s", res)
	}
	declare := func(body any) response {
		return e.do(t, req{method: "POST", path: appPath + "/declarations", token: free.token, body: body})
	}
	if res := declare(map[string]any{"conflict": true, "reason": "  "}); res.status != http.StatusUnprocessableEntity || errorBody(t, res).Fields["reason"] == "" {
		t.Errorf("a conflict without a reason: got %s, want 422 naming the reason", res)
	}
	const reason = "Søkeren er min svoger"
	res := declare(map[string]any{"conflict": true, "reason": reason})
	if res.status != http.StatusCreated || !decode[model.Declaration](t, res).Conflict {
		t.Fatalf("declaring a conflict: %s", res)
	}
	for _, q := range []req{
		{method: "GET", path: appPath},
		{method: "GET", path: appPath + "/history"},
		{method: "GET", path: appPath + "/attachments"},
		{method: "GET", path: appPath + "/reviews"},
		{method: "GET", path: appPath + "/reviews/mine"},
		{method: "PUT", path: appPath + "/reviews/mine", body: map[string]any{"comment": "x"}},
		{method: "POST", path: appPath + "/reviews/mine/submit"},
		{method: "POST", path: appPath + "/declarations", body: map[string]any{"conflict": false}},
	} {
		q.token = free.token
		if res := e.do(t, q); res.status != http.StatusNotFound {
			t.Errorf("%s %s after recusal: got %s, want 404", q.method, q.path, res)
		} else {
			errorBody(t, res)
		}
	}
	if q := decode[queue](t, e.expect(t, req{method: "GET", path: "/me/review-queue", token: free.token}, http.StatusOK)).Items; len(q) != 0 {
		t.Errorf("the recused case is still in the queue: %+v", q)
	}
	as := decode[assignmentList](t, e.expect(t, req{method: "GET", path: appPath + "/reviewers", token: officer.token}, http.StatusOK)).Items
	if len(as) != 1 || as[0].ReviewerID != free.ID || as[0].Status != model.AssignmentRecused {
		t.Errorf("assignments after recusal: %+v", as)
	}
	if res := assign(free.ID); res.status != http.StatusConflict {
		t.Errorf("assigning the recused reviewer again: got %s, want 409", res)
	}
	h := e.history(t, officer, app.ID)
	last := h[len(h)-1]
	if last.Event != "declaration" || last.ActorID == nil || *last.ActorID != free.ID || !strings.Contains(last.Comment, reason) {
		t.Errorf("the history's last row is %+v, want the declaration with its reason", last)
	}
}

// TestBlindReview checks that a reviewer of a blind call learns nothing
// of who applied from any response they get.
func TestBlindReview(t *testing.T) {
	e := newEnv(t)
	applicant := e.person(t, "Blenda Søkersen", "Blindeenheten", workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	reviewer := e.person(t, "Per Fagvurderer", "Kultur", workflow.Reviewer)
	call := decode[model.Call](t, e.expect(t, req{method: "POST", path: "/calls", token: officer.token, body: map[string]any{
		"fund_id": e.fund.ID, "title": "Blind utlysning", "opens_at": e.call.OpensAt, "closes_at": e.call.ClosesAt,
		"max_amount_ore": 500_000_00, "blind_review": true, "reviewers_per_application": 1,
	}}, http.StatusCreated))
	if !call.BlindReview || call.ReviewersPerApplication != 1 || call.BudgetYear != e.call.BudgetYear || call.DisagreementMarginTenths != 15 {
		t.Fatalf("created call %+v", call)
	}
	f := completeFields(call.ID)
	f.Unit = applicant.Unit
	app := e.create(t, applicant, f)
	e.attach(t, applicant, app.ID, "plan.pdf", pdfFile())
	if res := e.fire(t, applicant, app.ID, workflow.Submit, nil); res.status != http.StatusOK {
		t.Fatalf("submit: %s", res)
	}
	if res := e.fire(t, officer, app.ID, workflow.StartReview, nil); res.status != http.StatusOK {
		t.Fatalf("start_review: %s", res)
	}
	e.assignActive(t, officer, reviewer, app.ID)
	e.submitReview(t, reviewer, app, 4)

	appPath := "/applications/" + itoa(app.ID)
	secrets := []string{applicant.Name, applicant.Email, applicant.Unit}
	for _, path := range []string{appPath, appPath + "/history", appPath + "/attachments", appPath + "/reviews", appPath + "/reviews/mine", "/me/review-queue"} {
		res := e.expect(t, req{method: "GET", path: path, token: reviewer.token}, http.StatusOK)
		for _, s := range secrets {
			if strings.Contains(string(res.body), s) {
				t.Errorf("GET %s shows the blind reviewer %q: %s", path, s, res.body)
			}
		}
		if refs := personRefs(t, res.body, applicant.ID); len(refs) > 0 {
			t.Errorf("GET %s names the applicant's id in %v: %s", path, refs, res.body)
		}
	}
	// The case officer is not blind: the same search finds the applicant.
	res := e.expect(t, req{method: "GET", path: appPath + "/history", token: officer.token}, http.StatusOK)
	if !strings.Contains(string(res.body), applicant.Name) || len(personRefs(t, res.body, applicant.ID)) == 0 {
		t.Errorf("the case officer does not see who applied: %s", res.body)
	}
}

// personKeys are the JSON fields that refer to a person by id.
var personKeys = []string{"applicant_id", "actor_id", "uploaded_by", "user_id", "reviewer_id", "author_id", "decided_by", "leader_id"}

// personRefs lists the fields of a JSON body that refer to person id.
func personRefs(t *testing.T, body []byte, id int64) []string {
	t.Helper()
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if n, ok := x.(float64); ok && slices.Contains(personKeys, k) && int64(n) == id {
					out = append(out, k)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(decode[any](t, response{body: body}))
	return out
}
