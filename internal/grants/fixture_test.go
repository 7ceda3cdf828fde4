package grants_test

import (
	"context"
	"testing"
	"time"

	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// world is a fund with a call, its people, and helpers to move
// applications along.
type world struct {
	t         *testing.T
	ctx       context.Context
	st        *store.Store
	g         *grants.Service
	fund      model.Fund
	call      model.Call
	leader    model.User
	applicant model.User
	officer   model.User
	decider   model.User
	reviewers []model.User // [0] shares the applicant's unit
}

func newWorld(t *testing.T, frame money.Ore, blind bool) *world {
	t.Helper()
	ctx := context.Background()
	st := testenv.Store(t)
	w := &world{t: t, ctx: ctx, st: st, g: grants.New(st, testenv.Blobs(t))}
	w.leader = w.user("Siri Leder", "Helse", nil, workflow.UnitLeader, workflow.Reviewer)
	w.applicant = w.user("Kari Søker", "Helse", &w.leader.ID, workflow.Applicant)
	w.officer = w.user("Ola Saksbehandler", "Stab", nil, workflow.CaseOfficer)
	w.decider = w.user("Anne Beslutter", "Stab", nil, workflow.DecisionMaker)
	w.reviewers = []model.User{
		w.user("Rita Samme Enhet", "Helse", nil, workflow.Reviewer),
		w.user("Per Fagvurderer", "Oppvekst", nil, workflow.Reviewer),
		w.user("Liv Fagvurderer", "Kultur", nil, workflow.Reviewer),
		w.user("Tor Fagvurderer", "Teknisk", nil, workflow.Reviewer),
	}
	var err error
	w.fund, err = st.CreateFund(ctx, testenv.Unique("Fond"), "Sandnes kommune")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	year := now.In(workflow.Oslo).Year()
	if err := st.SetBudget(ctx, w.fund.ID, year, frame); err != nil {
		t.Fatal(err)
	}
	w.call, err = st.CreateCall(ctx, model.Call{FundID: w.fund.ID, Title: "Utlysning", OpensAt: now.Add(-time.Hour),
		ClosesAt: now.Add(time.Hour), MaxAmountOre: money.FromKroner(1_000_000), BudgetYear: year, BlindReview: blind}, w.officer.ID)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) user(name, unit string, leader *int64, roles ...workflow.Role) model.User {
	w.t.Helper()
	u, err := w.st.CreateUser(w.ctx, store.NewUser{Email: testenv.Unique("u@example.no"), Name: name, Unit: unit, LeaderID: leader, Roles: roles})
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

// inReview makes a complete application asking for amount and moves it
// to review.
func (w *world) inReview(amount money.Ore, partners ...string) model.Application {
	w.t.Helper()
	return w.inReviewBy(w.applicant, amount, partners...)
}

// inReviewBy is inReview for an application by applicant.
func (w *world) inReviewBy(applicant model.User, amount money.Ore, partners ...string) model.Application {
	w.t.Helper()
	f := model.ApplicationFields{CallID: w.call.ID, Title: "Digitalt tilsyn", Summary: "s", Need: "n", Solution: "l",
		AdoptionPlan: "p", ExpectedBenefits: "b", Unit: "Helse", StartDate: "2027-01-01", EndDate: "2027-12-31",
		BudgetLines: []model.BudgetLine{{Category: "Utstyr", AmountOre: amount}}, RequestedAmountOre: amount, Partners: partners,
		Recipient: model.Recipient{CostCentre: "4100", ProjectNumber: "P-2026-17"}}
	a, err := w.g.CreateApplication(w.ctx, applicant, f, "t")
	if err != nil {
		w.t.Fatal(err)
	}
	w.must(w.g.Fire(w.ctx, applicant, a.ID, workflow.Submit, "", "t"))
	return w.must(w.g.Fire(w.ctx, w.officer, a.ID, workflow.StartReview, "", "t"))
}

func (w *world) must(a model.Application, err error) model.Application {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

var reasons = model.Reasons{Rules: "Retningslinjer for innovasjonsfondet § 3", Facts: "Søknaden gjelder ...", Considerations: "Høy nytte"}

// recommended reviews (by override) and recommends approval of amount.
func (w *world) recommended(amount money.Ore) model.Application {
	w.t.Helper()
	a := w.inReview(amount)
	if _, err := w.g.SaveRecommendation(w.ctx, w.officer, a.ID, model.Recommendation{Outcome: model.OutcomeApprove,
		AmountOre: amount, Reasons: reasons, OverrideReason: "Hastesak"}, "t"); err != nil {
		w.t.Fatal(err)
	}
	return w.must(w.g.Fire(w.ctx, w.officer, a.ID, workflow.Recommend, "", "t"))
}
