package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"nyttig/internal/grants"
	"nyttig/internal/loadgen"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// race is one request of a race.
type race struct {
	method, path, token, key, body string
}

// race sends every request at once, released together, and returns the
// answers in order.
func (s *server) race(reqs []race) []answer {
	out := make([]answer, len(reqs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, q := range reqs {
		wg.Go(func() {
			<-start
			ctype := ""
			if q.body != "" {
				ctype = "application/json"
			}
			out[i] = s.probe(q.method, q.path, q.token, q.key, q.body, ctype)
		})
	}
	close(start)
	wg.Wait()
	return out
}

// tallyRace counts the answers by status; a 500 or no answer is a
// violation, and any status other than ok and refused an error.
func tallyRace(t *testing.T, what string, answers []answer) map[int]int {
	t.Helper()
	statuses := map[int]int{}
	for _, a := range answers {
		switch {
		case a.err != nil || a.status >= 500:
			violation(t, "%s: %s", what, a)
		case a.status != http.StatusOK && a.status != http.StatusConflict:
			t.Errorf("%s: %s, want 200 or 409", what, a)
		}
		statuses[a.status]++
	}
	return statuses
}

// TestRaces races the real server: transitions on one application,
// decisions over a frame that fits only some of them, and authorisations
// of one tranche; then `nyttig check` must find every invariant holding.
// The same races through the handler in-process are in
// internal/api/concurrency_test.go, decide_test.go and finance_test.go.
func TestRaces(t *testing.T) {
	svc := sharedServices(t)
	s := startServer(t, svc)
	amount := money.FromKroner(10_000)
	n := scale.racers
	fits := n / 4
	frame := money.Ore(fits) * amount
	f := newFixture(t, svc.databaseURL, 1, frame)
	g := f.grantsFor(t, svc)
	ctx := context.Background()
	applicant, token := f.applicants[0], f.tokens[0]

	t.Run("transitions on one application", func(t *testing.T) {
		one, err := g.CreateApplication(ctx, applicant, loadgen.Fields(f.call.ID, "Kappløp om innsending"), "setup")
		if err != nil {
			t.Fatal(err)
		}
		reqs := make([]race, n)
		for i := range reqs {
			reqs[i] = race{"POST", fmt.Sprintf("/api/v1/applications/%d/events/submit", one.ID), token, fmt.Sprintf("submit-%d-%d", one.ID, i), ""}
		}
		if st := tallyRace(t, "concurrent submits", s.race(reqs)); st[http.StatusOK] != 1 {
			violation(t, "%d of %d concurrent submits went through, want 1: %v", st[http.StatusOK], n, st)
		}

		// Submit against withdraw: each may happen once, in either order.
		two, err := g.CreateApplication(ctx, applicant, loadgen.Fields(f.call.ID, "Kappløp om tilbaketrekking"), "setup")
		if err != nil {
			t.Fatal(err)
		}
		events := []workflow.Event{workflow.Submit, workflow.Withdraw}
		for i := range reqs {
			ev := events[i%2]
			reqs[i] = race{"POST", fmt.Sprintf("/api/v1/applications/%d/events/%s", two.ID, ev), token, fmt.Sprintf("%s-%d-%d", ev, two.ID, i), ""}
		}
		answers := s.race(reqs)
		tallyRace(t, "concurrent submits and withdrawals", answers)
		done := map[workflow.Event]int{}
		for i, a := range answers {
			if a.status == http.StatusOK {
				done[events[i%2]]++
			}
		}
		after, err := g.Application(ctx, applicant, two.ID)
		if err != nil {
			t.Fatal(err)
		}
		if done[workflow.Submit] > 1 || done[workflow.Withdraw] != 1 || after.State != workflow.Withdrawn {
			violation(t, "submit went through %d times and withdraw %d times, and it is %s: want withdrawn once, submitted at most once",
				done[workflow.Submit], done[workflow.Withdraw], after.State)
		}
	})

	decider, deciderToken := f.person(t, "Anne Beslutter", "Utvalg", workflow.DecisionMaker)
	t.Run("decisions over a tight budget", func(t *testing.T) {
		reqs := make([]race, n)
		for i := range reqs {
			a := f.recommended(t, g, decider, fmt.Sprintf("Vedtak %d", i), amount)
			reqs[i] = race{"POST", fmt.Sprintf("/api/v1/applications/%d/events/approve", a.ID), deciderToken, fmt.Sprintf("approve-%d", i), ""}
		}
		st := tallyRace(t, "concurrent approvals", s.race(reqs))
		if st[http.StatusOK] != fits {
			violation(t, "%d of %d concurrent approvals went through over a frame for %d: %v", st[http.StatusOK], n, fits, st)
		}
		l, err := f.st.Ledger(ctx, f.fund.ID, f.call.BudgetYear)
		if err != nil {
			t.Fatal(err)
		}
		if l.Committed != frame || l.Remaining != 0 {
			violation(t, "ledger after the race %+v, want the whole frame of %s committed", l, frame)
		}
	})

	t.Run("payout authorisations", func(t *testing.T) {
		if err := f.st.SetBudget(ctx, f.fund.ID, f.call.BudgetYear, frame+amount); err != nil {
			t.Fatal(err)
		}
		a := f.recommended(t, g, decider, "Utbetaling", amount)
		if _, err := g.FireWith(ctx, decider, a.ID, workflow.Approve, grants.EventInput{AmountOre: &amount}, "setup"); err != nil {
			t.Fatal(err)
		}
		if _, err := g.Fire(ctx, applicant, a.ID, workflow.Accept, "", "setup"); err != nil {
			t.Fatal(err)
		}
		if _, err := g.SetRecipient(ctx, f.officer, a.ID, model.Recipient{CostCentre: "4100", ProjectNumber: "P-2026-17"}, "setup"); err != nil {
			t.Fatal(err)
		}
		ps, err := f.st.Payouts(ctx, a.ID)
		if err != nil || len(ps) == 0 {
			t.Fatalf("tranches: %+v, %v", ps, err)
		}
		attestant, _ := f.person(t, "Åse Attestant", "Økonomi", workflow.FinanceAttestant)
		if _, err := g.FirePayout(ctx, attestant, ps[0].ID, workflow.Attest, grants.PayoutInput{}, "setup"); err != nil {
			t.Fatal(err)
		}
		before, err := f.st.Ledger(ctx, f.fund.ID, f.call.BudgetYear)
		if err != nil {
			t.Fatal(err)
		}
		today := time.Now().In(workflow.Oslo).Format("2006-01-02")
		reqs := make([]race, n)
		for i := range reqs {
			_, tok := f.person(t, fmt.Sprintf("Anviser %d", i), "Økonomi", workflow.FinanceAuthoriser)
			body, _ := json.Marshal(grants.PayoutInput{ERPReference: fmt.Sprintf("BILAG-%d", i), PaidOn: today})
			reqs[i] = race{"POST", fmt.Sprintf("/api/v1/payouts/%d/events/authorise", ps[0].ID), tok, fmt.Sprintf("authorise-%d", i), string(body)}
		}
		st := tallyRace(t, "concurrent authorisations", s.race(reqs))
		if st[http.StatusOK] != 1 {
			violation(t, "%d of %d concurrent authorisations of one tranche went through, want 1: %v", st[http.StatusOK], n, st)
		}
		l, err := f.st.Ledger(ctx, f.fund.ID, f.call.BudgetYear)
		if err != nil {
			t.Fatal(err)
		}
		if l.Paid-before.Paid != ps[0].AmountOre {
			violation(t, "paid %s by the race, want the tranche's %s once", l.Paid-before.Paid, ps[0].AmountOre)
		}
	})

	violated := s.check(t)
	note("races: %d concurrent requests in each of 4 races (submits; submits against withdrawals; approvals over a frame for %d; authorisations of one tranche); %d invariants violated",
		n, fits, len(violated))
}

// recommended makes an application asking for amount, submitted, in review
// and recommended for approval, with decider declared free of conflicts.
func (f fixture) recommended(t *testing.T, g *grants.Service, decider model.User, title string, amount money.Ore) model.Application {
	t.Helper()
	ctx := context.Background()
	fields := loadgen.Fields(f.call.ID, title)
	fields.RequestedAmountOre, fields.OwnContributionOre = amount, 0
	fields.BudgetLines = []model.BudgetLine{{Category: "Innleie", Description: "Konsulent", AmountOre: amount}}
	a, err := g.CreateApplication(ctx, f.applicants[0], fields, "setup")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Fire(ctx, f.applicants[0], a.ID, workflow.Submit, "", "setup"); err != nil {
		t.Fatalf("submit: %v", err)
	}
	if _, err := g.Fire(ctx, f.officer, a.ID, workflow.StartReview, "", "setup"); err != nil {
		t.Fatalf("start review: %v", err)
	}
	rec := model.Recommendation{Outcome: model.OutcomeApprove, AmountOre: amount, OverrideReason: "Hastesak",
		Reasons: model.Reasons{Rules: "Retningslinjer for innovasjonsfondet § 3", Facts: "Søknaden gjelder en chatbot.",
			Considerations: "Høy nytte og lav risiko."}}
	if _, err := g.SaveRecommendation(ctx, f.officer, a.ID, rec, "setup"); err != nil {
		t.Fatalf("recommendation: %v", err)
	}
	if a, err = g.Fire(ctx, f.officer, a.ID, workflow.Recommend, "", "setup"); err != nil {
		t.Fatalf("recommend: %v", err)
	}
	if _, err := g.Declare(ctx, decider, a.ID, false, "", "setup"); err != nil {
		t.Fatalf("declare: %v", err)
	}
	return a
}
