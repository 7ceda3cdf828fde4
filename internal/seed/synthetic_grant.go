package seed

import (
	"strconv"
	"time"

	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// grant carries an approved application on: it lapses, or is accepted
// with two tranches (75 % at once, 25 % on the final report), reports,
// and is completed with an evaluation and sometimes a claw-back.
func (g *generator) grant(r *rows, p *pools, h *history, f fate, granted money.Ore,
	reached func(any, workflow.Event, workflow.State, time.Time) bool, out *generated) {
	s := g.staff
	applicant := h.applicant
	decided := h.at
	if f == fateGrantWaiting {
		return
	}
	if f == fateGrantLapsed {
		at := decided.AddDate(0, 0, 31)
		if reached(nil, workflow.Lapse, workflow.Withdrawn, at) { // the system lapses it
			r.ledger.add(g.fund.ID, g.o.Year, h.id, "release", granted, nil, nil, nil, at)
			out.committed = 0
		}
		return
	}
	acceptedAt := decided.Add(g.days(10))
	if !reached(applicant, workflow.Accept, workflow.Accepted, acceptedAt) {
		return
	}
	first := granted * 75 / 100
	t1 := g.tranche(r, p, h.id, 1, 75, first, "on_acceptance", acceptedAt, acceptedAt, acceptedAt.Add(g.days(10)))
	report := &reportRows{r: r, id: p.reports.take(), appID: h.id}
	report.create(acceptedAt, acceptedAt.AddDate(0, 8, 0))
	reportedAt := acceptedAt.Add(g.days(150))
	var approvedAt, paid2At, completedAt time.Time
	if f >= fateGrantReported && reached(applicant, workflow.SubmitFinalReport, workflow.FinalReportSubmitted, reportedAt) {
		report.submit(applicant, reportedAt, g.summary())
		approvedAt = reportedAt.Add(g.days(8))
		paid2At = approvedAt.Add(g.days(4))
		completedAt = paid2At.Add(g.days(3))
		if f == fateGrantCompleted && !completedAt.After(g.o.Now) && t1 {
			report.approve(s.officer, approvedAt)
		}
	}
	due2 := time.Time{}
	if report.state == workflow.ReportApproved {
		due2 = approvedAt
	}
	t2 := g.tranche(r, p, h.id, 2, 25, granted-first, "on_final_report", acceptedAt, due2, paid2At)
	if !t1 || !t2 || report.state != workflow.ReportApproved {
		return
	}
	r.evaluations.add(h.id, g.rating(), g.rating(), g.rating(), money.FromKroner(int64(g.rng.IntN(40))*25_000),
		g.rating(), g.rating(), g.rng.IntN(10) < 7, g.rng.IntN(10) == 0, s.leader, completedAt.Add(-time.Hour))
	if !reached(s.officer, workflow.Complete, workflow.Completed, completedAt) {
		return
	}
	out.nominated = r.evaluations.rows[len(r.evaluations.rows)-1][8].(bool)
	if g.rng.IntN(25) == 0 {
		g.clawback(r, p, h.id, granted/10, completedAt.Add(g.days(20)))
	}
}

// rating is a unit leader's 1–5, mostly favourable.
func (g *generator) rating() int { return min(5, max(1, int(3.6+g.rng.NormFloat64()+0.5))) }

func (g *generator) summary() string {
	return "Prosjektet prøvde ut en ny løsning sammen med brukerne og målte effekten underveis. " +
		"Løsningen er tatt i bruk i enheten, og to andre enheter vurderer å ta den i bruk."
}

// tranche writes one tranche, planned; due from due when that is set and
// has come; paid at paidAt when that has come too. It reports whether the
// tranche is paid.
func (g *generator) tranche(r *rows, p *pools, appID int64, position, share int, amount money.Ore, condition string,
	created, due, paidAt time.Time) bool {
	s := g.staff
	id := p.payouts.take()
	ev := func(v int, actor any, e workflow.Event, from, to workflow.State, at time.Time) {
		r.payoutEvents.add(id, v, actor, string(e), string(from), string(to), at)
	}
	ev(1, nil, workflow.CreatePayout, "", workflow.PayoutPlanned, created)
	state, version := workflow.PayoutPlanned, 1
	paid := false
	var recipient []byte
	var attestedBy, authorisedBy, attestedAt, authorisedAt, paidOn any
	erp := ""
	if !due.IsZero() && !due.After(g.o.Now) {
		ev(2, nil, workflow.MakeDue, workflow.PayoutPlanned, workflow.PayoutDue, due)
		state, version = workflow.PayoutDue, 2
		if !paidAt.IsZero() && paidAt.After(due) && !paidAt.After(g.o.Now) {
			attested := paidAt.Add(-24 * time.Hour)
			if attested.Before(due) {
				attested = due
			}
			ev(3, s.attestant, workflow.Attest, workflow.PayoutDue, workflow.PayoutAttested, attested)
			ev(4, s.authoriser, workflow.Authorise, workflow.PayoutAttested, workflow.PayoutPaid, paidAt)
			state, version, paid = workflow.PayoutPaid, 4, true
			recipient = mustJSON(model.Recipient{CostCentre: "1000", ProjectNumber: "P-SYN"})
			attestedBy, attestedAt, authorisedBy, authorisedAt = s.attestant, attested, s.authoriser, paidAt
			erp = "SYN-" + caseRef(id)
			paidOn = osloDate(paidAt)
			r.ledger.add(g.fund.ID, g.o.Year, appID, "payment", amount, nil, id, nil, paidAt)
		}
	}
	r.payouts.add(id, appID, position, share, amount, condition, string(state), created, version,
		created, recipient, attestedBy, attestedAt, authorisedBy, authorisedAt, erp, paidOn)
	return paid
}

// clawback demands money back and, when the clock has come that far,
// records it repaid.
func (g *generator) clawback(r *rows, p *pools, appID int64, amount money.Ore, raised time.Time) {
	if raised.After(g.o.Now) || amount <= 0 {
		return
	}
	s := g.staff
	id := p.clawbacks.take()
	r.clawbackEvents.add(id, 1, s.officer, string(workflow.RaiseClawback), "", string(workflow.ClawbackRaised), raised)
	repaid := raised.Add(g.days(20))
	if repaid.After(g.o.Now) {
		r.clawbacks.add(id, appID, amount, "Deler av tilskuddet ble ikke brukt.", string(workflow.ClawbackRaised), 1, s.officer, raised,
			nil, nil, "", nil)
		return
	}
	r.clawbackEvents.add(id, 2, s.attestant, string(workflow.Repay), string(workflow.ClawbackRaised), string(workflow.ClawbackRepaid), repaid)
	r.clawbacks.add(id, appID, amount, "Deler av tilskuddet ble ikke brukt.", string(workflow.ClawbackRepaid), 2, s.officer, raised,
		s.attestant, repaid, "SYN-R-"+caseRef(id), osloDate(repaid))
	r.repayments.add(g.fund.ID, g.o.Year, appID, "repayment", amount, nil, nil, id, repaid)
}

// reportRows writes the final report and its history as it moves.
type reportRows struct {
	r       *rows
	id      int64
	appID   int64
	version int
	state   workflow.State
	due     time.Time
	created time.Time
	summary string
	results string
	at      time.Time
	subAt   any
}

func (rr *reportRows) event(actor any, e workflow.Event, to workflow.State, at time.Time) {
	rr.version++
	rr.r.reportEvents.add(rr.id, rr.version, actor, string(e), string(rr.state), string(to), at)
	rr.state, rr.at = to, at
}

func (rr *reportRows) create(at, due time.Time) {
	rr.created, rr.due = at, due
	rr.event(nil, workflow.CreateReport, workflow.ReportDraft, at)
	rr.r.reports.add(rr.id, rr.appID, model.ReportFinal, osloDate(due), "", "", "", 0, nil, at, at)
	rr.set()
}

// set rewrites the report's row, which create added last for this report.
func (rr *reportRows) set() {
	for i := len(rr.r.reports.rows) - 1; i >= 0; i-- {
		if rr.r.reports.rows[i][0] == rr.id {
			rr.r.reports.rows[i] = []any{rr.id, rr.appID, model.ReportFinal, osloDate(rr.due), string(rr.state), rr.results,
				rr.summary, rr.version, rr.subAt, rr.created, rr.at}
			return
		}
	}
}

func (rr *reportRows) submit(by int64, at time.Time, summary string) {
	rr.event(by, workflow.SubmitReport, workflow.ReportSubmitted, at)
	rr.summary, rr.results, rr.subAt = summary, "Målene ble nådd.", at
	rr.set()
}

func (rr *reportRows) approve(by int64, at time.Time) {
	rr.event(by, workflow.ApproveReport, workflow.ReportApproved, at)
	rr.set()
}

func osloDate(t time.Time) time.Time {
	l := t.In(workflow.Oslo)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

func caseRef(id int64) string { return strconv.FormatInt(id, 10) }
