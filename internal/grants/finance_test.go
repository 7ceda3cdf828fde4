package grants_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"nyttig/internal/apperr"
	"nyttig/internal/check"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// financePeople are a world's finance staff: an attestant, an authoriser,
// and one person who holds both roles.
type financePeople struct {
	attestant, authoriser, both model.User
}

func (w *world) finance() financePeople {
	w.t.Helper()
	return financePeople{
		attestant:  w.user("Åse Attestant", "Økonomi", nil, workflow.FinanceAttestant),
		authoriser: w.user("Arne Anviser", "Økonomi", nil, workflow.FinanceAuthoriser),
		both:       w.user("Bodil Begge", "Økonomi", nil, workflow.FinanceAttestant, workflow.FinanceAuthoriser),
	}
}

// approvedBy recommends and has decider approve amount of applicant's
// application in full.
func (w *world) approvedBy(applicant, decider model.User, amount money.Ore) model.Application {
	w.t.Helper()
	a := w.inReviewBy(applicant, amount)
	if _, err := w.g.SaveRecommendation(w.ctx, w.officer, a.ID, model.Recommendation{Outcome: model.OutcomeApprove,
		AmountOre: amount, Reasons: reasons, OverrideReason: "Hastesak"}, "t"); err != nil {
		w.t.Fatal(err)
	}
	w.must(w.g.Fire(w.ctx, w.officer, a.ID, workflow.Recommend, "", "t"))
	if _, err := w.g.Declare(w.ctx, decider, a.ID, false, "", "t"); err != nil {
		w.t.Fatal(err)
	}
	return w.must(w.g.FireWith(w.ctx, decider, a.ID, workflow.Approve, grants.EventInput{AmountOre: &amount}, "t"))
}

// accepted approves amount in full and accepts it, returning the tranches.
func (w *world) accepted(amount money.Ore) (model.Application, []model.Payout) {
	w.t.Helper()
	a := w.approved(amount, amount)
	a = w.must(w.g.Fire(w.ctx, w.applicant, a.ID, workflow.Accept, "", "t"))
	return a, w.payouts(a.ID)
}

func (w *world) payouts(appID int64) []model.Payout {
	w.t.Helper()
	ps, err := w.st.Payouts(w.ctx, appID)
	if err != nil {
		w.t.Fatal(err)
	}
	return ps
}

func (w *world) payout(id int64) model.Payout {
	w.t.Helper()
	p, err := w.st.Payout(w.ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *world) firePayout(u model.User, id int64, e workflow.Event, in grants.PayoutInput) model.Payout {
	w.t.Helper()
	p, err := w.g.FirePayout(w.ctx, u, id, e, in, "t")
	if err != nil {
		w.t.Fatalf("%s by %s: %v", e, u.Name, err)
	}
	return p
}

func today() string { return time.Now().In(workflow.Oslo).Format(time.DateOnly) }

func booked(ref string) grants.PayoutInput {
	return grants.PayoutInput{ERPReference: ref, PaidOn: today()}
}

func (w *world) ledger() model.Ledger {
	w.t.Helper()
	l, err := w.st.Ledger(w.ctx, w.fund.ID, w.call.BudgetYear)
	if err != nil {
		w.t.Fatal(err)
	}
	return l
}

// consistent runs the consistency check (as `nyttig check` does) and
// fails on any violation.
func (w *world) consistent() {
	w.t.Helper()
	vs, err := check.Run(w.ctx, w.st, testBlobs{w})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, v := range vs {
		w.t.Errorf("invariant %s violated: %s", v.Invariant, v.Detail.EN)
	}
}

// testBlobs is the package's bucket as the check's object lookup.
type testBlobs struct{ w *world }

func (b testBlobs) Exists(ctx context.Context, key string) (bool, error) {
	return b.w.g.Blobs.Exists(ctx, key)
}

func TestPayoutLifecycle(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	fin := w.finance()
	granted := money.FromKroner(200_000)
	a, plan := w.accepted(granted)
	if len(plan) != 2 || plan[0].State != "due" || plan[1].State != "planned" || plan[0].AmountOre+plan[1].AmountOre != granted {
		t.Fatalf("plan %+v", plan)
	}
	first := plan[0]
	p := w.firePayout(fin.attestant, first.ID, workflow.Attest, grants.PayoutInput{})
	if p.State != "attested" || p.AttestedBy == nil || *p.AttestedBy != fin.attestant.ID || p.Recipient == nil || p.Recipient.CostCentre != "4100" {
		t.Fatalf("attested %+v", p)
	}
	// Without a voucher the authoriser is asked for one.
	if _, err := w.g.FirePayout(w.ctx, fin.authoriser, first.ID, workflow.Authorise, grants.PayoutInput{PaidOn: today()}, "t"); apperr.As(err).Fields["erp_reference"].NB == "" {
		t.Fatalf("authorising without a voucher: %v", err)
	}
	p = w.firePayout(fin.authoriser, first.ID, workflow.Authorise, booked("BILAG-2026-0001"))
	if p.State != "paid" || p.ERPReference != "BILAG-2026-0001" || p.PaidOn != today() || *p.AuthorisedBy != fin.authoriser.ID {
		t.Fatalf("paid %+v", p)
	}
	l := w.ledger()
	if l.Paid != first.AmountOre || l.Committed != granted-first.AmountOre || l.Remaining != money.FromKroner(800_000) {
		t.Fatalf("ledger after the first payment: %+v", l)
	}
	h, err := w.g.PayoutHistory(w.ctx, fin.attestant, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for i, e := range h {
		if e.Version == nil || *e.Version != i+1 {
			t.Errorf("history row %d has version %v", i, e.Version)
		}
		steps = append(steps, e.Event+":"+e.To)
	}
	if got := strings.Join(steps, " "); got != "create:planned make_due:due attest:attested authorise:paid" {
		t.Fatalf("history %s", got)
	}
	// A paid tranche is finished: nothing moves it again.
	if _, err := w.g.FirePayout(w.ctx, w.officer, first.ID, workflow.Cancel, grants.PayoutInput{Comment: "angret"}, "t"); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("cancelling a paid tranche: %v", err)
	}
	// The last 25 % waits for the final report.
	if _, err := w.g.FirePayout(w.ctx, w.officer, plan[1].ID, workflow.MakeDue, grants.PayoutInput{}, "t"); apperr.As(err).Fields["condition"].NB == "" {
		t.Fatalf("making the final tranche due early: %v", err)
	}
	if n, err := w.g.FinalReportApproved(w.ctx, a.ID, "t"); err != nil || n != 1 || w.payout(plan[1].ID).State != "due" {
		t.Fatalf("final report approved: %d, %v", n, err)
	}
	inQueue := false
	for after := int64(0); ; {
		queue, err := w.g.PayoutQueue(w.ctx, fin.attestant, "", after)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range queue {
			if it.State != "due" {
				t.Errorf("the attestant's queue holds a tranche that is %s", it.State)
			}
			inQueue = inQueue || (it.ID == plan[1].ID && it.CaseNumber == a.CaseNumber)
		}
		if len(queue) == 0 {
			break
		}
		after = queue[len(queue)-1].ID
	}
	if !inQueue {
		t.Error("the due tranche is not in the attestant's queue")
	}
	if _, err := w.g.PayoutQueue(w.ctx, w.applicant, "", 0); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("an applicant's payout queue: %v", err)
	}
	w.consistent()
}

func TestSendBackFixAndCancel(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	fin := w.finance()
	granted := money.FromKroner(100_000)
	a, plan := w.accepted(granted)
	first := plan[0]
	w.firePayout(fin.attestant, first.ID, workflow.Attest, grants.PayoutInput{})
	if _, err := w.g.FirePayout(w.ctx, fin.authoriser, first.ID, workflow.SendBack, grants.PayoutInput{Comment: "  "}, "t"); apperr.As(err).Fields["comment"].NB == "" {
		t.Fatalf("sending back without a reason: %v", err)
	}
	p := w.firePayout(fin.authoriser, first.ID, workflow.SendBack, grants.PayoutInput{Comment: "Feil prosjektnummer"})
	if p.State != "sent_back" || p.AttestedBy != nil || p.Recipient != nil {
		t.Fatalf("sent back %+v", p)
	}
	// The case officer corrects the recipient and sends it on again.
	if _, err := w.g.SetRecipient(w.ctx, w.officer, a.ID, model.Recipient{CostCentre: "4100", ProjectNumber: "P-2026-18"}, "t"); err != nil {
		t.Fatal(err)
	}
	w.firePayout(w.officer, first.ID, workflow.Reopen, grants.PayoutInput{})
	p = w.firePayout(fin.attestant, first.ID, workflow.Attest, grants.PayoutInput{})
	if p.Recipient.ProjectNumber != "P-2026-18" {
		t.Fatalf("the new attestation carries %+v", p.Recipient)
	}
	// The project stops: the officer cancels the last tranche, which
	// gives its money back to the frame as lapsed.
	w.firePayout(w.officer, plan[1].ID, workflow.Cancel, grants.PayoutInput{Comment: "Prosjektet er avsluttet tidlig"})
	l := w.ledger()
	if l.Lapsed != plan[1].AmountOre || l.Committed != first.AmountOre || l.Remaining != money.FromKroner(1_000_000)-first.AmountOre {
		t.Fatalf("ledger after the cancellation: %+v", l)
	}
	h, _ := w.g.History(w.ctx, w.officer, a.ID)
	if !strings.Contains(historyEvents(h), model.EventRecipientChanged) {
		t.Errorf("the recipient change is not in the history: %s", historyEvents(h))
	}
	w.consistent()
}

func TestAttestationNeedsAValidRecipient(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	fin := w.finance()
	a, plan := w.accepted(money.FromKroner(50_000))
	for _, tc := range []struct {
		name  string
		r     model.Recipient
		field string
	}{
		{"a bad account number", model.Recipient{OrgNumber: "974760673", AccountNumber: "86011117946"}, "account_number"},
		{"an external recipient in a call without them", model.Recipient{OrgNumber: "974760673", AccountNumber: "86011117947"}, "org_number"},
	} {
		if _, err := w.g.SetRecipient(w.ctx, w.officer, a.ID, tc.r, "t"); apperr.As(err).Fields[tc.field].NB == "" {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := w.g.SetRecipient(w.ctx, w.applicant, a.ID, model.Recipient{CostCentre: "1"}, "t"); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("the applicant changing the recipient after submission: %v", err)
	}
	// An emptied recipient stops attestation, naming what is missing.
	if _, err := w.g.SetRecipient(w.ctx, w.officer, a.ID, model.Recipient{CostCentre: "4100"}, "t"); err != nil {
		t.Fatal(err)
	}
	_, err := w.g.FirePayout(w.ctx, fin.attestant, plan[0].ID, workflow.Attest, grants.PayoutInput{}, "t")
	if !apperr.Is(err, apperr.Invalid) || apperr.As(err).Fields["project_number"].NB == "" {
		t.Fatalf("attesting without a project number: %v", err)
	}
}

// TestSegregationOfDuties fires every payout event as every relation to the
// application and tranche on real users and a real database. The applicant
// and the decision maker hold both finance roles, so only their relation
// bars them.
func TestSegregationOfDuties(t *testing.T) {
	w := newWorld(t, money.FromKroner(10_000_000), false)
	fin := w.finance()
	applicantFin := w.user("Siv Søker og Attestant", "Helse", nil, workflow.Applicant, workflow.FinanceAttestant, workflow.FinanceAuthoriser)
	deciderFin := w.user("Dag Beslutter og Anviser", "Stab", nil, workflow.DecisionMaker, workflow.FinanceAttestant, workflow.FinanceAuthoriser)
	relations := []struct {
		name string
		u    model.User
	}{
		{"applicant", applicantFin}, {"decision_maker", deciderFin}, {"attester", fin.both},
		{"other_attestant", fin.attestant}, {"authoriser", fin.authoriser}, {"case_officer", w.officer},
	}

	// Six applications of twelve tranches each: six due at acceptance and
	// six dated a year and more ahead.
	later := time.Now().In(workflow.Oslo).AddDate(0, 0, 400).Format(time.DateOnly)
	var due, planned []int64
	for range 6 {
		a := w.approvedBy(applicantFin, deciderFin, money.FromKroner(120_000))
		var plan []model.PlanTranche
		for i := range 12 {
			t := model.PlanTranche{AmountOre: money.FromKroner(10_000), Condition: model.OnAcceptance}
			if i >= 6 {
				t.Condition, t.DueDate = model.OnDate, later
			}
			plan = append(plan, t)
		}
		if _, err := w.g.AdjustPayoutPlan(w.ctx, w.officer, a.ID, plan, "t"); err != nil {
			t.Fatal(err)
		}
		w.must(w.g.Fire(w.ctx, applicantFin, a.ID, workflow.Accept, "", "t"))
		for _, p := range w.payouts(a.ID) {
			if p.State == "due" {
				due = append(due, p.ID)
			} else {
				planned = append(planned, p.ID)
			}
		}
	}
	if len(due) != 36 || len(planned) != 36 {
		t.Fatalf("%d due and %d planned tranches, want 36 of each", len(due), len(planned))
	}
	take := func(pool *[]int64) int64 { id := (*pool)[0]; *pool = (*pool)[1:]; return id }
	prepare := map[string]func() int64{
		"due": func() int64 { return take(&due) },
		"attested": func() int64 {
			id := take(&due)
			w.firePayout(fin.both, id, workflow.Attest, grants.PayoutInput{})
			return id
		},
		"sent_back": func() int64 {
			id := take(&due)
			w.firePayout(fin.attestant, id, workflow.SendBack, grants.PayoutInput{Comment: "Mangler avtale"})
			return id
		},
		"planned": func() int64 { return take(&planned) },
	}
	const ok, duty, role = "ok", "duty", "role"
	for _, tc := range []struct {
		from   string
		event  workflow.Event
		in     grants.PayoutInput
		to     string
		expect [6]string // by relation, in order
	}{
		{"due", workflow.Attest, grants.PayoutInput{}, "attested", [6]string{duty, duty, ok, ok, role, role}},
		{"attested", workflow.Authorise, booked("BILAG-7"), "paid", [6]string{duty, duty, duty, role, ok, role}},
		{"due", workflow.SendBack, grants.PayoutInput{Comment: "Feil konto"}, "sent_back", [6]string{duty, duty, ok, ok, role, role}},
		{"attested", workflow.SendBack, grants.PayoutInput{Comment: "Feil konto"}, "sent_back", [6]string{duty, duty, ok, role, ok, role}},
		{"sent_back", workflow.Reopen, grants.PayoutInput{}, "due", [6]string{role, role, role, role, role, ok}},
		{"due", workflow.Cancel, grants.PayoutInput{Comment: "Avbrutt"}, "cancelled", [6]string{role, role, role, role, role, ok}},
		{"planned", workflow.MakeDue, grants.PayoutInput{}, "due", [6]string{role, role, role, role, role, ok}},
	} {
		for i, r := range relations {
			name := tc.from + "/" + string(tc.event) + "/" + r.name
			id := prepare[tc.from]()
			if tc.event == workflow.MakeDue { // the date has come
				real := w.g.Now
				w.g.Now = func() time.Time { return real().AddDate(0, 0, 401) }
				_, err := w.g.FirePayout(w.ctx, r.u, id, tc.event, tc.in, "t")
				w.g.Now = real
				expectOutcome(t, w, name, id, err, tc.expect[i], tc.from, tc.to)
				continue
			}
			_, err := w.g.FirePayout(w.ctx, r.u, id, tc.event, tc.in, "t")
			expectOutcome(t, w, name, id, err, tc.expect[i], tc.from, tc.to)
		}
	}
	w.consistent()
}

// expectOutcome checks one cell of the segregation matrix: allowed and
// moved, or refused (403) for the expected reason and not moved.
func expectOutcome(t *testing.T, w *world, name string, id int64, err error, want, from, to string) {
	t.Helper()
	state := w.payout(id).State
	roleRefusal := err != nil && strings.HasPrefix(apperr.As(err).Message.EN, "You may not")
	switch {
	case want == "ok" && (err != nil || state != to):
		t.Errorf("%s: want allowed to %s, got %v (state %s)", name, to, err, state)
	case want != "ok" && !apperr.Is(err, apperr.Forbidden):
		t.Errorf("%s: want refused (403), got %v", name, err)
	case want == "duty" && roleRefusal:
		t.Errorf("%s: refused for the role, want refused by segregation of duties", name)
	case want == "role" && !roleRefusal:
		t.Errorf("%s: want refused for the role, got %v", name, err)
	case want != "ok" && state != from:
		t.Errorf("%s: refused, yet the tranche moved to %s", name, state)
	}
}

func TestConcurrentAuthorisationsPayOnce(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	fin := w.finance()
	_, plan := w.accepted(money.FromKroner(100_000))
	tranche := plan[0]
	w.firePayout(fin.attestant, tranche.ID, workflow.Attest, grants.PayoutInput{})
	const n = 20
	authorisers := make([]model.User, n)
	for i := range authorisers {
		authorisers[i] = w.user("Anviser", "Økonomi", nil, workflow.FinanceAuthoriser)
	}
	start := make(chan struct{})
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, u := range authorisers {
		wg.Go(func() {
			<-start
			_, errs[i] = w.g.FirePayout(w.ctx, u, tranche.ID, workflow.Authorise, booked("BILAG-"+u.Email), "t")
		})
	}
	close(start)
	wg.Wait()
	succeeded := 0
	for _, err := range errs {
		switch {
		case err == nil:
			succeeded++
		case !apperr.Is(err, apperr.Conflict):
			t.Errorf("a losing authorisation failed with %v, want a conflict", err)
		}
	}
	if succeeded != 1 {
		t.Fatalf("%d authorisations succeeded, want exactly 1", succeeded)
	}
	var payments int
	if err := w.st.Pool().QueryRow(w.ctx, "SELECT count(*) FROM ledger_entries WHERE payout_id = $1 AND kind = 'payment'", tranche.ID).Scan(&payments); err != nil {
		t.Fatal(err)
	}
	if l := w.ledger(); payments != 1 || l.Paid != tranche.AmountOre {
		t.Fatalf("%d payment entries, ledger %+v", payments, l)
	}
	w.consistent()
}

// TestDatabaseRefusesWhatTheCodeRefuses goes around the code with SQL: the
// constraints hold on their own.
func TestDatabaseRefusesWhatTheCodeRefuses(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	fin := w.finance()
	// Four tranches of a quarter each: paying one twice would stay within
	// the grant, so only the unique index stands in the way.
	a := w.approved(money.FromKroner(100_000), money.FromKroner(100_000))
	quarter := model.PlanTranche{AmountOre: money.FromKroner(25_000), Condition: model.OnAcceptance}
	if _, err := w.g.AdjustPayoutPlan(w.ctx, w.officer, a.ID, []model.PlanTranche{quarter, quarter, quarter, quarter}, "t"); err != nil {
		t.Fatal(err)
	}
	w.must(w.g.Fire(w.ctx, w.applicant, a.ID, workflow.Accept, "", "t"))
	plan := w.payouts(a.ID)
	paid := plan[0]
	w.firePayout(fin.attestant, paid.ID, workflow.Attest, grants.PayoutInput{})
	w.firePayout(fin.authoriser, paid.ID, workflow.Authorise, booked("BILAG-1"))
	db := w.st.Pool()
	for _, tc := range []struct {
		name, code, sql string
		args            []any
	}{
		{"a second payment of a paid tranche", "23505", `INSERT INTO ledger_entries (fund_id, year, application_id, kind, amount_ore, payout_id)
			VALUES ($1, $2, $3, 'payment', $4, $5)`, []any{w.fund.ID, w.call.BudgetYear, a.ID, paid.AmountOre, paid.ID}},
		{"a payment of an unpaid tranche", "23514", `INSERT INTO ledger_entries (fund_id, year, application_id, kind, amount_ore, payout_id)
			VALUES ($1, $2, $3, 'payment', $4, $5)`, []any{w.fund.ID, w.call.BudgetYear, a.ID, plan[1].AmountOre, plan[1].ID}},
		{"a paid tranche changed", "42501", `UPDATE payouts SET erp_reference = 'annet' WHERE id = $1`, []any{paid.ID}},
		{"one person attesting and authorising", "23514", `UPDATE payouts SET state = 'paid', attested_by = $2, attested_at = now(),
			recipient = '{}', authorised_by = $2, authorised_at = now(), erp_reference = 'x', paid_on = current_date WHERE id = $1`,
			[]any{plan[1].ID, fin.both.ID}},
		{"the applicant attesting", "23514", `UPDATE payouts SET state = 'attested', attested_by = $2, attested_at = now(), recipient = '{}' WHERE id = $1`,
			[]any{plan[1].ID, w.applicant.ID}},
		{"a demand beyond what was paid", "23514", `INSERT INTO clawbacks (application_id, amount_ore, reason, raised_by) VALUES ($1, $2, 'x', $3)`,
			[]any{a.ID, paid.AmountOre + 1, w.officer.ID}},
		{"a payout history rewritten", "42501", `UPDATE payout_events SET comment = 'x' WHERE payout_id = $1`, []any{paid.ID}},
	} {
		_, err := db.Exec(w.ctx, tc.sql, tc.args...)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != tc.code {
			t.Errorf("%s: got %v, want SQLSTATE %s", tc.name, err, tc.code)
		}
	}
	w.consistent()
}

func TestPayoutPlanAdjustedBeforeAcceptance(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	granted := money.FromKroner(90_000)
	a := w.approved(granted, granted)
	def, err := w.g.PlannedPayouts(w.ctx, w.officer, a.ID)
	if err != nil || len(def) != 2 || def[0].AmountOre != money.FromKroner(67_500) {
		t.Fatalf("the default plan: %+v, %v", def, err)
	}
	in30 := time.Now().In(workflow.Oslo).AddDate(0, 0, 30).Format(time.DateOnly)
	plan := []model.PlanTranche{
		{AmountOre: money.FromKroner(30_000), Condition: model.OnAcceptance},
		{AmountOre: money.FromKroner(30_000), Condition: model.OnDate, DueDate: in30},
		{AmountOre: money.FromKroner(30_000), Condition: model.OnFinalReport},
	}
	short := append([]model.PlanTranche(nil), plan...)
	short[2].AmountOre--
	if _, err := w.g.AdjustPayoutPlan(w.ctx, w.officer, a.ID, short, "t"); apperr.As(err).Fields["tranches"].NB == "" {
		t.Fatalf("a plan one øre short: %v", err)
	}
	if _, err := w.g.AdjustPayoutPlan(w.ctx, w.applicant, a.ID, plan, "t"); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("the applicant adjusting the plan: %v", err)
	}
	if _, err := w.g.AdjustPayoutPlan(w.ctx, w.officer, a.ID, plan, "t"); err != nil {
		t.Fatal(err)
	}
	w.must(w.g.Fire(w.ctx, w.applicant, a.ID, workflow.Accept, "", "t"))
	got := w.payouts(a.ID)
	if len(got) != 3 || got[0].State != "due" || got[1].State != "planned" || got[1].DueDate != in30 ||
		got[2].State != "planned" || got[0].SharePercent != 33 {
		t.Fatalf("tranches after acceptance: %+v", got)
	}
	if _, err := w.g.AdjustPayoutPlan(w.ctx, w.officer, a.ID, plan, "t"); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("adjusting after acceptance: %v", err)
	}
	// The scheduler makes the dated tranche due when its day comes, not before.
	if _, err := w.g.MakeDueTranches(w.ctx); err != nil || w.payout(got[1].ID).State != "planned" {
		t.Fatalf("before the date: %s, %v", w.payout(got[1].ID).State, err)
	}
	real := w.g.Now
	w.g.Now = func() time.Time { return real().AddDate(0, 0, 30) }
	defer func() { w.g.Now = real }()
	if n, err := w.g.MakeDueTranches(w.ctx); err != nil || n < 1 || w.payout(got[1].ID).State != "due" || w.payout(got[2].ID).State != "planned" {
		t.Fatalf("on the date: made %d due, %v", n, err)
	}
	h, _ := w.g.History(w.ctx, w.officer, a.ID)
	if !strings.Contains(historyEvents(h), model.EventPayoutPlanAdjusted) {
		t.Errorf("the adjustment is not in the history: %s", historyEvents(h))
	}
	w.consistent()
}

func TestClawback(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	fin := w.finance()
	a, plan := w.accepted(money.FromKroner(100_000))
	w.firePayout(fin.attestant, plan[0].ID, workflow.Attest, grants.PayoutInput{})
	w.firePayout(fin.authoriser, plan[0].ID, workflow.Authorise, booked("BILAG-1"))
	paid := plan[0].AmountOre
	if _, err := w.g.RaiseClawback(w.ctx, w.officer, a.ID, paid+1, "Ubrukte midler", "t"); apperr.As(err).Fields["amount_ore"].NB == "" {
		t.Fatalf("demanding more than was paid: %v", err)
	}
	if _, err := w.g.RaiseClawback(w.ctx, fin.attestant, a.ID, 100, "x", "t"); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("finance raising a demand: %v", err)
	}
	repay, err := w.g.RaiseClawback(w.ctx, w.officer, a.ID, money.FromKroner(20_000), "Ubrukte midler", "t")
	if err != nil || repay.State != "raised" {
		t.Fatalf("raise: %+v, %v", repay, err)
	}
	forgive, err := w.g.RaiseClawback(w.ctx, w.officer, a.ID, money.FromKroner(5_000), "Feilbruk", "t")
	if err != nil {
		t.Fatal(err)
	}
	// The two demands together use up what may still be demanded.
	if _, err := w.g.RaiseClawback(w.ctx, w.officer, a.ID, paid-money.FromKroner(25_000)+1, "Mer", "t"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("demanding beyond the open amount: %v", err)
	}
	if _, err := w.g.FireClawback(w.ctx, fin.attestant, repay.ID, workflow.Repay, grants.ClawbackInput{ERPReference: "INN-1"}, "t"); apperr.As(err).Fields["repaid_on"].NB == "" {
		t.Fatalf("repaid without a date: %v", err)
	}
	got, err := w.g.FireClawback(w.ctx, fin.attestant, repay.ID, workflow.Repay, grants.ClawbackInput{ERPReference: "INN-1", RepaidOn: today()}, "t")
	if err != nil || got.State != "repaid" || got.RepaidOn != today() {
		t.Fatalf("repay: %+v, %v", got, err)
	}
	if _, err := w.g.FireClawback(w.ctx, fin.attestant, forgive.ID, workflow.WriteOff, grants.ClawbackInput{Comment: "Konkurs"}, "t"); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("an attestant writing off: %v", err)
	}
	if _, err := w.g.FireClawback(w.ctx, fin.authoriser, forgive.ID, workflow.WriteOff, grants.ClawbackInput{Comment: "Konkurs"}, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.g.FireClawback(w.ctx, fin.authoriser, forgive.ID, workflow.Repay, grants.ClawbackInput{ERPReference: "x", RepaidOn: today()}, "t"); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("repaying a written-off demand: %v", err)
	}
	l := w.ledger()
	if l.ClawedBack != money.FromKroner(20_000) || l.Paid != paid || l.Remaining != money.FromKroner(1_000_000)-money.FromKroner(100_000)+money.FromKroner(20_000) {
		t.Fatalf("ledger after the claw-back: %+v", l)
	}
	h, err := w.g.ClawbackHistory(w.ctx, w.officer, forgive.ID)
	if err != nil || len(h) != 2 || h[1].Event != "write_off" || h[1].Comment != "Konkurs" {
		t.Fatalf("history of the written-off demand: %+v, %v", h, err)
	}
	w.consistent()
}

// TestCompletedCaseMakesTheFinalTrancheDue: should the reporting feature
// complete a case without calling FinalReportApproved, the scheduler still
// pays the held-back share.
func TestCompletedCaseMakesTheFinalTrancheDue(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	a, plan := w.accepted(money.FromKroner(40_000))
	if _, err := w.g.MakeDueTranches(w.ctx); err != nil || w.payout(plan[1].ID).State != "planned" {
		t.Fatalf("before the report: %s, %v", w.payout(plan[1].ID).State, err)
	}
	// Walk the lifecycle in the store, past the reports and their guard.
	for _, e := range []workflow.Event{workflow.SubmitFinalReport, workflow.Complete} {
		if _, err := w.st.Transition(w.ctx, a.ID, store.Change{ActorID: w.officer.ID, Now: time.Now()},
			func(cur model.Application, _ model.Call) (store.Decision, error) {
				to, err := workflow.Application.Fire(w.ctx, cur.State, e, workflow.Actor{Roles: []workflow.Role{workflow.Applicant, workflow.CaseOfficer}, Owner: true},
					workflow.Facts{FinalReportApproved: true, EvaluationIn: true})
				return store.Decision{To: to, Event: e}, err
			}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := w.g.MakeDueTranches(w.ctx); err != nil || n < 1 || w.payout(plan[1].ID).State != "due" {
		t.Fatalf("after completion: made %d due, %v, state %s", n, err, w.payout(plan[1].ID).State)
	}
	w.consistent()
}

func TestActionsLeaveOutWhatSegregationBars(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	fin := w.finance()
	a, plan := w.accepted(money.FromKroner(100_000))
	p := w.firePayout(fin.both, plan[0].ID, workflow.Attest, grants.PayoutInput{})
	names := func(es []workflow.Event, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, string(e))
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		who  model.User
		want string
	}{
		{fin.both, "send_back"}, // attested it: may not authorise it
		{fin.authoriser, "authorise send_back"},
		{w.officer, "cancel"},
		{w.applicant, ""},
	} {
		if got := names(w.g.PayoutActions(w.ctx, tc.who, p)); got != tc.want {
			t.Errorf("%s may %q, want %q", tc.who.Name, got, tc.want)
		}
	}
	w.firePayout(fin.authoriser, p.ID, workflow.Authorise, booked("B-1"))
	c, err := w.g.RaiseClawback(w.ctx, w.officer, a.ID, money.FromKroner(1_000), "Ubrukt", "t")
	if err != nil {
		t.Fatal(err)
	}
	if got := names(w.g.ClawbackActions(w.ctx, fin.both, c)); got != "repay write_off" {
		t.Errorf("finance may %q on the demand", got)
	}
	if got := names(w.g.ClawbackActions(w.ctx, w.decider, c)); got != "" {
		t.Errorf("the decision maker may %q on the demand", got)
	}
}
