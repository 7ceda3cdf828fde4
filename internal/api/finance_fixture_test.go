package api_test

import (
	"context"
	"fmt"
	"testing"

	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// financeStaff are the people who move tranches in fixtures: never the
// principals whose access a test checks.
type financeStaff struct {
	attestant, authoriser user
}

func (e *env) financeStaff(t testing.TB) financeStaff {
	t.Helper()
	return financeStaff{
		attestant:  e.person(t, "Åse Attestant", "Økonomi", workflow.FinanceAttestant),
		authoriser: e.person(t, "Arne Anviser", "Økonomi", workflow.FinanceAuthoriser),
	}
}

// internalRecipient is a unit's cost centre and project.
var internalRecipient = model.Recipient{CostCentre: "4100", ProjectNumber: "P-2026-17"}

// acceptedGrant has decider grant owner's application amount in full, the
// owner accept it, and officer name the recipient. It returns the
// application and its tranches, the first due.
func (e *env) acceptedGrant(t testing.TB, owner, officer, decider user, amount money.Ore) (model.Application, []model.Payout) {
	t.Helper()
	ctx := context.Background()
	a := e.decided(t, owner, officer, decider, model.OutcomeApprove, amount, amount)
	if _, err := e.grants.Fire(ctx, owner.User, a.ID, workflow.Accept, "", "setup"); err != nil {
		t.Fatalf("accept: %v", err)
	}
	a, err := e.grants.SetRecipient(ctx, officer.User, a.ID, internalRecipient, "setup")
	if err != nil {
		t.Fatalf("set recipient: %v", err)
	}
	ps, err := e.store.Payouts(ctx, a.ID)
	if err != nil || len(ps) == 0 || ps[0].State != string(workflow.PayoutDue) {
		t.Fatalf("tranches after acceptance: %+v, %v", ps, err)
	}
	return a, ps
}

// moveTranche fires e on tranche id as u through the service.
func (e *env) moveTranche(t testing.TB, u user, id int64, ev workflow.Event, in grants.PayoutInput) model.Payout {
	t.Helper()
	p, err := e.grants.FirePayout(context.Background(), u.User, id, ev, in, "setup")
	if err != nil {
		t.Fatalf("%s tranche %d: %v", ev, id, err)
	}
	return p
}

// paidTranche attests and authorises the first tranche of a fresh grant.
func (e *env) paidTranche(t testing.TB, fin financeStaff, owner, officer, decider user, amount money.Ore) (model.Application, model.Payout) {
	t.Helper()
	a, ps := e.acceptedGrant(t, owner, officer, decider, amount)
	e.moveTranche(t, fin.attestant, ps[0].ID, workflow.Attest, grants.PayoutInput{})
	return a, e.moveTranche(t, fin.authoriser, ps[0].ID, workflow.Authorise, grants.PayoutInput{ERPReference: "BILAG-1", PaidOn: e.today()})
}

func (e *env) today() string { return e.grants.Now().In(workflow.Oslo).Format("2006-01-02") }

func payoutEventPath(id int64, ev workflow.Event) string {
	return fmt.Sprintf("/payouts/%d/events/%s", id, ev)
}

func clawbackEventPath(id int64, ev workflow.Event) string {
	return fmt.Sprintf("/clawbacks/%d/events/%s", id, ev)
}
