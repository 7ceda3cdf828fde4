package api_test

import (
	"context"
	"testing"

	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// Setup through the grants service, for tests whose subject is a later
// step: each step's HTTP path is exercised where that step is the subject.

// testReasons are complete grounds for a recommendation or decision.
var testReasons = model.Reasons{
	Rules:          "Retningslinjer for innovasjonsfondet § 3",
	Facts:          "Søknaden gjelder en chatbot for byggesak.",
	Considerations: "Høy nytte for innbyggerne og lav risiko.",
}

// setFrame gives the env's fund frame for its call's budget year.
func (e *env) setFrame(t testing.TB, frame money.Ore) {
	t.Helper()
	if err := e.store.SetBudget(context.Background(), e.fund.ID, e.call.BudgetYear, frame); err != nil {
		t.Fatalf("set budget: %v", err)
	}
}

// fieldsAsking are complete fields for call asking for amount, in unit.
func fieldsAsking(call model.Call, amount money.Ore, unit string) model.ApplicationFields {
	f := completeFields(call.ID)
	f.RequestedAmountOre, f.OwnContributionOre = amount, 0
	f.BudgetLines = []model.BudgetLine{{Category: "Innleie", Description: "Konsulent", AmountOre: amount}}
	f.Unit = unit
	return f
}

// inReview makes owner's application with fields, submitted and taken
// into review by officer.
func (e *env) inReview(t testing.TB, owner, officer user, f model.ApplicationFields) model.Application {
	t.Helper()
	ctx := context.Background()
	a, err := e.grants.CreateApplication(ctx, owner.User, f, "setup")
	if err != nil {
		t.Fatalf("create application: %v", err)
	}
	if _, err := e.grants.Fire(ctx, owner.User, a.ID, workflow.Submit, "", "setup"); err != nil {
		t.Fatalf("submit: %v", err)
	}
	a, err = e.grants.Fire(ctx, officer.User, a.ID, workflow.StartReview, "", "setup")
	if err != nil {
		t.Fatalf("start review: %v", err)
	}
	return a
}

// assignActive assigns reviewer to application appID and has them declare
// that they have no conflict of interest.
func (e *env) assignActive(t testing.TB, officer, reviewer user, appID int64) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.grants.AssignReviewers(ctx, officer.User, appID, []int64{reviewer.ID}, "setup"); err != nil {
		t.Fatalf("assign reviewer: %v", err)
	}
	if _, err := e.grants.Declare(ctx, reviewer.User, appID, false, "", "setup"); err != nil {
		t.Fatalf("declare: %v", err)
	}
}

// scoresAll scores every criterion of rubric with score.
func scoresAll(rubric []model.Criterion, score int) []model.Score {
	out := make([]model.Score, len(rubric))
	for i, c := range rubric {
		out[i] = model.Score{CriterionID: c.ID, Score: score}
	}
	return out
}

// submitReview has reviewer score every criterion of a's call with score,
// and submit.
func (e *env) submitReview(t testing.TB, reviewer user, a model.Application, score int) {
	t.Helper()
	ctx := context.Background()
	rubric, err := e.grants.Rubric(ctx, a.CallID)
	if err != nil {
		t.Fatal(err)
	}
	r := model.Review{Recommendation: model.RecommendYes, Scores: scoresAll(rubric, score)}
	if _, err := e.grants.SaveReview(ctx, reviewer.User, a.ID, r, "setup"); err != nil {
		t.Fatalf("save review: %v", err)
	}
	if _, err := e.grants.SubmitReview(ctx, reviewer.User, a.ID, "setup"); err != nil {
		t.Fatalf("submit review: %v", err)
	}
}

// recommend writes officer's recommendation of outcome (approving amount)
// without waiting for reviews, and recommends the application.
func (e *env) recommend(t testing.TB, officer user, appID int64, outcome string, amount money.Ore) model.Application {
	t.Helper()
	ctx := context.Background()
	rec := model.Recommendation{Outcome: outcome, AmountOre: amount, Reasons: testReasons, OverrideReason: "Hastesak"}
	if _, err := e.grants.SaveRecommendation(ctx, officer.User, appID, rec, "setup"); err != nil {
		t.Fatalf("save recommendation: %v", err)
	}
	a, err := e.grants.Fire(ctx, officer.User, appID, workflow.Recommend, "", "setup")
	if err != nil {
		t.Fatalf("recommend: %v", err)
	}
	return a
}

// declareFree has u declare no conflict of interest on application appID.
func (e *env) declareFree(t testing.TB, u user, appID int64) {
	t.Helper()
	if _, err := e.grants.Declare(context.Background(), u.User, appID, false, "", "setup"); err != nil {
		t.Fatalf("declare: %v", err)
	}
}
