package grants_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// TestLedgerInvariantsAfterARandomSequence runs a seeded random sequence of
// decisions, declines, lapses, acceptances, attestations, authorisations,
// returns, cancellations and claw-backs over up to forty applications, keeping
// its own account of the money. Afterwards the consistency check finds
// nothing, the ledger equals the test's account, and every tranche and
// demand is where the test says.
func TestLedgerInvariantsAfterARandomSequence(t *testing.T) {
	const seed, steps = 20260504, 240
	rng := rand.New(rand.NewPCG(seed, seed))
	frame := money.FromKroner(700_000)
	w := newWorld(t, frame, false)
	fin := w.finance()
	attestants := []model.User{fin.attestant, fin.both}
	authorisers := []model.User{fin.authoriser, fin.both}

	type application struct {
		id               int64
		requested        money.Ore
		state            workflow.State
		granted          money.Ore
		declared         bool
		paid, demanded   money.Ore
		finalReportWaits bool
	}
	type tranche struct {
		id, appID int64
		amount    money.Ore
		state     workflow.State
		attester  int64
	}
	type demand struct {
		id     int64
		amount money.Ore
		state  workflow.State
	}
	var apps []*application
	apply := func() {
		requested := money.FromKroner(int64(100_000 + 12_500*rng.IntN(20)))
		a := w.recommended(requested)
		apps = append(apps, &application{id: a.ID, requested: requested, state: workflow.Recommended})
	}
	for range 8 {
		apply()
	}
	var tranches []*tranche
	var demands []*demand
	// The test's own account of the ledger.
	var committed, paid, clawedBack, lapsed money.Ore

	appsIn := func(states ...workflow.State) []*application {
		var out []*application
		for _, a := range apps {
			if slices.Contains(states, a.state) {
				out = append(out, a)
			}
		}
		return out
	}
	tranchesIn := func(states ...workflow.State) []*tranche {
		var out []*tranche
		for _, p := range tranches {
			if slices.Contains(states, p.state) {
				out = append(out, p)
			}
		}
		return out
	}
	raised := func() []*demand {
		var out []*demand
		for _, d := range demands {
			if d.state == workflow.ClawbackRaised {
				out = append(out, d)
			}
		}
		return out
	}
	// owing are the applications of which a claw-back of at least 1 000 kr
	// may still be demanded.
	owing := func() []*application {
		var out []*application
		for _, a := range apps {
			if a.paid-a.demanded >= money.FromKroner(1_000) {
				out = append(out, a)
			}
		}
		return out
	}
	appByID := func(id int64) *application {
		for _, a := range apps {
			if a.id == id {
				return a
			}
		}
		t.Fatalf("no application %d", id)
		return nil
	}
	declare := func(a *application) {
		if !a.declared {
			if _, err := w.g.Declare(w.ctx, w.decider, a.id, false, "", "t"); err != nil {
				t.Fatal(err)
			}
			a.declared = true
		}
	}
	fail := func(step int, op string, err error) {
		t.Helper()
		t.Fatalf("seed %d, step %d, %s: %v", seed, step, op, err)
	}

	// withdraw declines or lapses a grant, which gives its money up.
	withdraw := func(step int, a *application, who model.User, e workflow.Event) string {
		if _, err := w.g.Fire(w.ctx, who, a.id, e, "", "t"); err != nil {
			fail(step, string(e), err)
		}
		a.state = workflow.Withdrawn
		committed -= a.granted
		lapsed += a.granted
		return string(e)
	}

	type op struct {
		name     string
		weight   int
		eligible func() bool
		run      func(step int) string // what happened, counted by name
	}
	ops := []op{
		{"apply", 1, func() bool { return len(apps) < 40 }, func(int) string { apply(); return "apply" }},
		{"approve", 4, func() bool { return len(appsIn(workflow.Recommended)) > 0 }, func(step int) string {
			a := pick(rng, appsIn(workflow.Recommended))
			declare(a)
			amount := a.requested * money.Ore(50+rng.IntN(51)) / 100
			_, err := w.g.FireWith(w.ctx, w.decider, a.id, workflow.Approve, grants.EventInput{AmountOre: &amount}, "t")
			if apperr.Is(err, apperr.Conflict) {
				return "approve_over_frame"
			}
			if err != nil {
				fail(step, "approve", err)
			}
			a.state, a.granted = workflow.Approved, amount
			committed += amount
			return "approve"
		}},
		{"reject", 1, func() bool { return len(appsIn(workflow.Recommended)) > 0 }, func(step int) string {
			a := pick(rng, appsIn(workflow.Recommended))
			declare(a)
			if _, err := w.g.FireWith(w.ctx, w.decider, a.id, workflow.Reject, grants.EventInput{}, "t"); err != nil {
				fail(step, "reject", err)
			}
			a.state = workflow.Rejected
			return "reject"
		}},
		{"decline", 1, func() bool { return len(appsIn(workflow.Approved)) > 0 }, func(step int) string {
			return withdraw(step, pick(rng, appsIn(workflow.Approved)), w.applicant, workflow.Decline)
		}},
		{"lapse", 1, func() bool { return len(appsIn(workflow.Approved)) > 0 }, func(step int) string {
			return withdraw(step, pick(rng, appsIn(workflow.Approved)), grants.SystemUser, workflow.Lapse)
		}},
		{"accept", 4, func() bool { return len(appsIn(workflow.Approved)) > 0 }, func(step int) string {
			a := pick(rng, appsIn(workflow.Approved))
			if _, err := w.g.Fire(w.ctx, w.applicant, a.id, workflow.Accept, "", "t"); err != nil {
				fail(step, "accept", err)
			}
			a.state, a.finalReportWaits = workflow.Accepted, true
			// The call's default plan: 75 % due now, the rest after the final report.
			first := a.granted * 75 / 100
			want := []struct {
				amount money.Ore
				state  workflow.State
			}{{first, workflow.PayoutDue}, {a.granted - first, workflow.PayoutPlanned}}
			got := w.payouts(a.id)
			if len(got) != 2 {
				t.Fatalf("step %d: %d tranches, want 2", step, len(got))
			}
			for i, p := range got {
				if p.AmountOre != want[i].amount || workflow.State(p.State) != want[i].state {
					t.Fatalf("step %d: tranche %+v, want %+v", step, p, want[i])
				}
				tranches = append(tranches, &tranche{id: p.ID, appID: a.id, amount: p.AmountOre, state: want[i].state})
			}
			return "accept"
		}},
		{"final report", 2, func() bool {
			for _, a := range appsIn(workflow.Accepted) {
				if a.finalReportWaits {
					return true
				}
			}
			return false
		}, func(step int) string {
			var waiting []*application
			for _, a := range appsIn(workflow.Accepted) {
				if a.finalReportWaits {
					waiting = append(waiting, a)
				}
			}
			a := pick(rng, waiting)
			n, err := w.g.FinalReportApproved(w.ctx, a.id, "t")
			if err != nil {
				fail(step, "final report", err)
			}
			a.finalReportWaits = false
			made := 0
			for _, p := range tranchesIn(workflow.PayoutPlanned) {
				if p.appID == a.id {
					p.state = workflow.PayoutDue
					made++
				}
			}
			if n != made {
				t.Fatalf("step %d: %d tranches made due, want %d", step, n, made)
			}
			return "final_report"
		}},
		{"attest", 5, func() bool { return len(tranchesIn(workflow.PayoutDue)) > 0 }, func(step int) string {
			p, u := pick(rng, tranchesIn(workflow.PayoutDue)), pick(rng, attestants)
			if _, err := w.g.FirePayout(w.ctx, u, p.id, workflow.Attest, grants.PayoutInput{}, "t"); err != nil {
				fail(step, "attest", err)
			}
			p.state, p.attester = workflow.PayoutAttested, u.ID
			return "attest"
		}},
		{"authorise", 5, func() bool { return len(tranchesIn(workflow.PayoutAttested)) > 0 }, func(step int) string {
			p, u := pick(rng, tranchesIn(workflow.PayoutAttested)), pick(rng, authorisers)
			_, err := w.g.FirePayout(w.ctx, u, p.id, workflow.Authorise, booked("BILAG"), "t")
			if u.ID == p.attester {
				if !apperr.Is(err, apperr.Forbidden) {
					fail(step, "authorising one's own attestation", err)
				}
				return "authorise_own_refused"
			}
			if err != nil {
				fail(step, "authorise", err)
			}
			p.state = workflow.PayoutPaid
			committed -= p.amount
			paid += p.amount
			appByID(p.appID).paid += p.amount
			return "authorise"
		}},
		{"send back", 1, func() bool { return len(tranchesIn(workflow.PayoutDue, workflow.PayoutAttested)) > 0 }, func(step int) string {
			p := pick(rng, tranchesIn(workflow.PayoutDue, workflow.PayoutAttested))
			u := pick(rng, attestants)
			if p.state == workflow.PayoutAttested {
				u = pick(rng, authorisers)
			}
			if _, err := w.g.FirePayout(w.ctx, u, p.id, workflow.SendBack, grants.PayoutInput{Comment: "Sjekk kontoen"}, "t"); err != nil {
				fail(step, "send back", err)
			}
			p.state, p.attester = workflow.PayoutSentBack, 0
			return "send_back"
		}},
		{"reopen", 2, func() bool { return len(tranchesIn(workflow.PayoutSentBack)) > 0 }, func(step int) string {
			p := pick(rng, tranchesIn(workflow.PayoutSentBack))
			if _, err := w.g.FirePayout(w.ctx, w.officer, p.id, workflow.Reopen, grants.PayoutInput{}, "t"); err != nil {
				fail(step, "reopen", err)
			}
			p.state = workflow.PayoutDue
			return "reopen"
		}},
		{"cancel", 1, func() bool {
			return len(tranchesIn(workflow.PayoutPlanned, workflow.PayoutDue, workflow.PayoutAttested, workflow.PayoutSentBack)) > 0
		}, func(step int) string {
			p := pick(rng, tranchesIn(workflow.PayoutPlanned, workflow.PayoutDue, workflow.PayoutAttested, workflow.PayoutSentBack))
			if _, err := w.g.FirePayout(w.ctx, w.officer, p.id, workflow.Cancel, grants.PayoutInput{Comment: "Prosjektet stanset"}, "t"); err != nil {
				fail(step, "cancel", err)
			}
			p.state = workflow.PayoutCancelled
			committed -= p.amount
			lapsed += p.amount
			return "cancel"
		}},
		{"raise claw-back", 2, func() bool { return len(owing()) > 0 }, func(step int) string {
			a := pick(rng, owing())
			open := a.paid - a.demanded
			amount := open/2 + money.Ore(rng.Int64N(int64(open-open/2))) + 1
			c, err := w.g.RaiseClawback(w.ctx, w.officer, a.id, amount, "Ubrukte midler", "t")
			if err != nil {
				fail(step, "raise", err)
			}
			a.demanded += amount
			demands = append(demands, &demand{id: c.ID, amount: amount, state: workflow.ClawbackRaised})
			return "raise"
		}},
		{"repay", 2, func() bool { return len(raised()) > 0 }, func(step int) string {
			d := pick(rng, raised())
			u := pick(rng, append(attestants, fin.authoriser))
			if _, err := w.g.FireClawback(w.ctx, u, d.id, workflow.Repay, grants.ClawbackInput{ERPReference: "INN", RepaidOn: today()}, "t"); err != nil {
				fail(step, "repay", err)
			}
			d.state = workflow.ClawbackRepaid
			clawedBack += d.amount
			return "repay"
		}},
		{"write off", 1, func() bool { return len(raised()) > 0 }, func(step int) string {
			d := pick(rng, raised())
			if _, err := w.g.FireClawback(w.ctx, pick(rng, authorisers), d.id, workflow.WriteOff, grants.ClawbackInput{Comment: "Konkurs"}, "t"); err != nil {
				fail(step, "write off", err)
			}
			d.state = workflow.ClawbackWrittenOff
			return "write_off"
		}},
	}

	happened := map[string]int{}
	for step := range steps {
		var open []op
		total := 0
		for _, o := range ops {
			if o.eligible() {
				open = append(open, o)
				total += o.weight
			}
		}
		if len(open) == 0 {
			break
		}
		n := rng.IntN(total)
		for _, o := range open {
			if n -= o.weight; n < 0 {
				happened[o.run(step)]++
				break
			}
		}
	}

	w.consistent()
	want := model.Ledger{FundID: w.fund.ID, Year: w.call.BudgetYear, Frame: frame, Committed: committed, Released: lapsed,
		Paid: paid, ClawedBack: clawedBack, Lapsed: lapsed, Remaining: frame - committed - paid + clawedBack}
	if got := w.ledger(); got != want {
		t.Errorf("ledger\n got %+v\nwant %+v", got, want)
	}
	for _, p := range tranches {
		if got := w.payout(p.id).State; workflow.State(got) != p.state {
			t.Errorf("tranche %d is %s, want %s", p.id, got, p.state)
		}
	}
	for _, d := range demands {
		c, err := w.st.Clawback(w.ctx, d.id)
		if err != nil || workflow.State(c.State) != d.state {
			t.Errorf("demand %d is %s (%v), want %s", d.id, c.State, err, d.state)
		}
	}
	for _, a := range apps {
		got, err := w.st.Application(w.ctx, a.id)
		if err != nil || got.State != a.state {
			t.Errorf("application %d is %s (%v), want %s", a.id, got.State, err, a.state)
		}
	}
	// The sequence must have exercised every kind of step, or it proves
	// less than it claims.
	for _, name := range []string{"approve", "approve_over_frame", "reject", "decline", "lapse", "accept", "final_report", "attest",
		"authorise", "authorise_own_refused", "send_back", "reopen", "cancel", "raise", "repay", "write_off"} {
		if happened[name] == 0 {
			t.Errorf("the sequence never did %s: %v", name, happened)
		}
	}
	t.Logf("seed %d: %v", seed, happened)
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }
