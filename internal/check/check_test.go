package check_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"nyttig/internal/check"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

func TestMain(m *testing.M) { testenv.Run(m) }

// fixture is a database with one grant taken through its whole money
// life: approved, accepted, a tranche paid, a claw-back repaid.
type fixture struct {
	ctx     context.Context
	st      *store.Store
	g       *grants.Service
	app     model.Application
	tranche []model.Payout
	fund    model.Fund
	year    int
	officer model.User
}

func setup(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	st := testenv.Store(t)
	g := grants.New(st, testenv.Blobs(t))
	user := func(name string, roles ...workflow.Role) model.User {
		u, err := st.CreateUser(ctx, store.NewUser{Email: testenv.Unique("u@example.no"), Name: name, Unit: name, Roles: roles})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	applicant, officer := user("Søker", workflow.Applicant), user("Saksbehandler", workflow.CaseOfficer)
	decider, attestant := user("Beslutter", workflow.DecisionMaker), user("Attestant", workflow.FinanceAttestant)
	authoriser := user("Anviser", workflow.FinanceAuthoriser)
	fund, err := st.CreateFund(ctx, testenv.Unique("Fond"), "Sandnes kommune")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	year := now.In(workflow.Oslo).Year()
	if err := st.SetBudget(ctx, fund.ID, year, money.FromKroner(1_000_000)); err != nil {
		t.Fatal(err)
	}
	call, err := st.CreateCall(ctx, model.Call{FundID: fund.ID, Title: "Utlysning", OpensAt: now.Add(-time.Hour),
		ClosesAt: now.Add(time.Hour), MaxAmountOre: money.FromKroner(500_000), BudgetYear: year}, officer.ID)
	if err != nil {
		t.Fatal(err)
	}
	amount := money.FromKroner(100_000)
	a, err := g.CreateApplication(ctx, applicant, model.ApplicationFields{CallID: call.ID, Title: "Tittel", Summary: "s",
		Need: "n", Solution: "l", AdoptionPlan: "p", ExpectedBenefits: "b", Unit: "Helse", StartDate: "2027-01-01",
		EndDate: "2027-12-31", BudgetLines: []model.BudgetLine{{Category: "Utstyr", AmountOre: amount}}, RequestedAmountOre: amount,
		Recipient: model.Recipient{CostCentre: "4100", ProjectNumber: "P-1"}}, "t")
	if err != nil {
		t.Fatal(err)
	}
	step := func(u model.User, e workflow.Event) {
		t.Helper()
		if _, err := g.FireWith(ctx, u, a.ID, e, grants.EventInput{AmountOre: &amount}, "t"); err != nil {
			t.Fatalf("%s: %v", e, err)
		}
	}
	step(applicant, workflow.Submit)
	step(officer, workflow.StartReview)
	if _, err := g.SaveRecommendation(ctx, officer, a.ID, model.Recommendation{Outcome: model.OutcomeApprove, AmountOre: amount,
		Reasons: model.Reasons{Rules: "r", Facts: "f", Considerations: "c"}, OverrideReason: "Hast"}, "t"); err != nil {
		t.Fatal(err)
	}
	step(officer, workflow.Recommend)
	if _, err := g.Declare(ctx, decider, a.ID, false, "", "t"); err != nil {
		t.Fatal(err)
	}
	step(decider, workflow.Approve)
	step(applicant, workflow.Accept)
	// The final report written, submitted and returned: its history and
	// the application's steps with it.
	reports, err := st.Reports(ctx, a.ID)
	if err != nil || len(reports) == 0 {
		t.Fatalf("reports %v, %v", reports, err)
	}
	final := reports[len(reports)-1]
	if _, err := g.UpdateReport(ctx, applicant, final.ID, model.ReportContent{WorkDone: "w", Results: "r"}, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := g.FireReport(ctx, applicant, final.ID, workflow.SubmitReport, "", "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := g.FireReport(ctx, officer, final.ID, workflow.ReturnReport, "Mer", "t"); err != nil {
		t.Fatal(err)
	}
	tranches, err := st.Payouts(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	today := now.In(workflow.Oslo).Format(time.DateOnly)
	for _, f := range []struct {
		u model.User
		e workflow.Event
	}{{attestant, workflow.Attest}, {authoriser, workflow.Authorise}} {
		if _, err := g.FirePayout(ctx, f.u, tranches[0].ID, f.e, grants.PayoutInput{ERPReference: "B-1", PaidOn: today}, "t"); err != nil {
			t.Fatal(err)
		}
	}
	c, err := g.RaiseClawback(ctx, officer, a.ID, money.FromKroner(10_000), "Ubrukt", "t")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.FireClawback(ctx, attestant, c.ID, workflow.Repay, grants.ClawbackInput{ERPReference: "I-1", RepaidOn: today}, "t"); err != nil {
		t.Fatal(err)
	}
	a, err = st.Application(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{ctx: ctx, st: st, g: g, app: a, tranche: tranches, fund: fund, year: year, officer: officer}
}

func (f fixture) run(t *testing.T) []string {
	t.Helper()
	vs, err := check.Run(f.ctx, f.st, testenv.Blobs(t))
	if err != nil {
		t.Fatal(err)
	}
	return check.Names(vs)
}

func (f fixture) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := f.st.Pool().Exec(f.ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// TestCorruptionIsReportedByName first checks a clean world, then corrupts
// the database one way at a time — by INSERT where the history and ledger
// refuse changes, and by switching off a constraint where one stands in
// the way — and expects each corruption's invariant to be named. The
// corruptions accumulate: this test leaves the package's database broken,
// so it is the package's only test.
func TestCorruptionIsReportedByName(t *testing.T) {
	f := setup(t)
	if names := f.run(t); len(names) != 0 {
		vs, _ := check.Run(f.ctx, f.st, testenv.Blobs(t))
		t.Fatalf("a clean world violates %v: %+v", names, vs)
	}
	letters, err := f.st.Letters(f.ctx, f.app.ID)
	if err != nil || len(letters) == 0 {
		t.Fatalf("letters %v, %v", letters, err)
	}
	for _, tc := range []struct {
		invariant string
		corrupt   func()
	}{
		{"history_edges", func() {
			f.exec(t, `INSERT INTO application_events (application_id, version, event, from_state, to_state)
				VALUES ($1, NULL, 'teleport', 'accepted', 'accepted')`, f.app.ID)
		}},
		{"history_versions", func() { f.exec(t, "UPDATE applications SET version = version + 1 WHERE id = $1", f.app.ID) }},
		{"history_chain", func() { f.exec(t, "UPDATE payouts SET state = 'due' WHERE id = $1", f.tranche[1].ID) }},
		{"commitments_match_decisions", func() {
			f.exec(t, `INSERT INTO ledger_entries (fund_id, year, application_id, kind, amount_ore) VALUES ($1, $2, $3, 'commitment', 100)`,
				f.fund.ID, f.year, f.app.ID)
		}},
		{"within_frame", func() {
			f.exec(t, `INSERT INTO ledger_entries (fund_id, year, application_id, kind, amount_ore) VALUES ($1, $2, $3, 'commitment', $4)`,
				f.fund.ID, f.year, f.app.ID, money.FromKroner(1_000_000))
		}},
		{"entries_match_events", func() {
			f.exec(t, `INSERT INTO ledger_entries (fund_id, year, application_id, kind, amount_ore, payout_id) VALUES ($1, $2, $3, 'release', 5, $4)`,
				f.fund.ID, f.year, f.app.ID, f.tranche[1].ID)
		}},
		{"plan_sums_to_grant", func() {
			f.exec(t, `INSERT INTO payouts (application_id, position, share_percent, amount_ore, condition) VALUES ($1, 3, 1, 100, 'on_final_report')`, f.app.ID)
		}},
		{"demands_within_paid", func() {
			f.exec(t, "ALTER TABLE clawbacks DISABLE TRIGGER clawbacks_guarded")
			f.exec(t, `INSERT INTO clawbacks (application_id, amount_ore, reason, raised_by) VALUES ($1, $2, 'x', $3)`,
				f.app.ID, money.FromKroner(1_000_000), f.officer.ID)
		}},
		{"paid_within_grant", func() {
			f.exec(t, "ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_checked")
			f.exec(t, `INSERT INTO ledger_entries (fund_id, year, application_id, kind, amount_ore, payout_id) VALUES ($1, $2, $3, 'payment', $4, $5)`,
				f.fund.ID, f.year, f.app.ID, f.tranche[1].AmountOre+money.FromKroner(5_000), f.tranche[1].ID)
		}},
		{"tranche_paid_once", func() {
			f.exec(t, "DROP INDEX ledger_entries_one_payment_per_tranche")
			f.exec(t, `INSERT INTO ledger_entries (fund_id, year, application_id, kind, amount_ore, payout_id) VALUES ($1, $2, $3, 'payment', $4, $5)`,
				f.fund.ID, f.year, f.app.ID, f.tranche[0].AmountOre, f.tranche[0].ID)
		}},
		{"exports_match_tranches", func() {
			f.exec(t, `INSERT INTO payout_exports (created_by, count, total_ore) VALUES ($1, 1, 100)`, f.officer.ID)
		}},
		{"notifications_mailed", func() {
			// A mail job lost: the outbox wrote both, and the job went.
			f.exec(t, "DELETE FROM river_job WHERE kind = 'deliver_mail'")
		}},
		{"objects_exist", func() {
			if err := f.g.Blobs.Remove(f.ctx, letters[0].ObjectKey); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		if names := f.run(t); slices.Contains(names, tc.invariant) {
			t.Fatalf("%s is reported before its corruption: %v", tc.invariant, names)
		}
		tc.corrupt()
		if names := f.run(t); !slices.Contains(names, tc.invariant) {
			t.Errorf("after corrupting for %s, the check names %v", tc.invariant, names)
		}
	}
	// Every invariant but the ledger's own arithmetic has been broken.
	names := f.run(t)
	for _, inv := range check.Invariants {
		if inv.Name != "ledger_figures" && !slices.Contains(names, inv.Name) {
			t.Errorf("%s is not reported at the end: %v", inv.Name, names)
		}
		if inv.Description.NB == "" || inv.Description.EN == "" {
			t.Errorf("%s lacks a description in both languages", inv.Name)
		}
	}
}
