package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

var msgSyntheticCount = i18n.T("Antall søknader må være mellom 1 og 1 000 000.", "The number of applications must be from 1 to 1,000,000.")

// fate is where an application is headed; the clock may stop it earlier.
type fate int

const (
	fateDraft fate = iota
	fateSubmitted
	fateInReview
	fateWithdrawn
	fateReturned
	fateDismissed
	fateRejected
	fateGrantWaiting
	fateGrantLapsed
	fateGrantAccepted
	fateGrantReported
	fateGrantCompleted
)

// fateWeights are per mille: most applications are decided, a third of
// those granted, and most grants run to completion.
var fateWeights = []int{40, 30, 50, 30, 20, 100, 400, 10, 15, 120, 45, 140}

func (g *generator) fate() fate {
	n := g.rng.IntN(1000)
	for f, w := range fateWeights {
		if n < w {
			return fate(f)
		}
		n -= w
	}
	return fateRejected
}

// rows are the tables a generation fills, in the order they are written.
type rows struct {
	apps, events, reviews, decisions, payouts, payoutEvents, ledger, clawbacks, clawbackEvents, repayments,
	reports, reportEvents, evaluations *table
}

func newRows() *rows {
	return &rows{
		apps: newTable("applications", "id", "case_number", "call_id", "applicant_id", "title", "summary", "requested_amount_ore",
			"unit", "state", "version", "created_at", "updated_at", "submitted_at", "cost_centre"),
		events:    newTable("application_events", "application_id", "version", "actor_id", "event", "from_state", "to_state", "created_at"),
		reviews:   newTable("reviews", "application_id", "reviewer_id", "version", "recommendation", "scores", "submitted_at", "updated_at"),
		decisions: newTable("decisions", "id", "application_id", "outcome", "amount_ore", "requested_ore", "rules", "facts", "considerations", "decided_by", "decided_at"),
		payouts: newTable("payouts", "id", "application_id", "position", "share_percent", "amount_ore", "condition", "state", "created_at",
			"version", "updated_at", "recipient", "attested_by", "attested_at", "authorised_by", "authorised_at", "erp_reference", "paid_on"),
		payoutEvents: newTable("payout_events", "payout_id", "version", "actor_id", "event", "from_state", "to_state", "created_at"),
		ledger:       newTable("ledger_entries", "fund_id", "year", "application_id", "kind", "amount_ore", "decision_id", "payout_id", "clawback_id", "created_at"),
		clawbacks: newTable("clawbacks", "id", "application_id", "amount_ore", "reason", "state", "version", "raised_by", "raised_at",
			"resolved_by", "resolved_at", "erp_reference", "repaid_on"),
		clawbackEvents: newTable("clawback_events", "clawback_id", "version", "actor_id", "event", "from_state", "to_state", "created_at"),
		repayments:     newTable("ledger_entries", "fund_id", "year", "application_id", "kind", "amount_ore", "decision_id", "payout_id", "clawback_id", "created_at"),
		reports: newTable("reports", "id", "application_id", "kind", "due_date", "state", "results", "summary", "version",
			"submitted_at", "created_at", "updated_at"),
		reportEvents: newTable("report_events", "report_id", "version", "actor_id", "event", "from_state", "to_state", "created_at"),
		evaluations: newTable("evaluations", "application_id", "quality_rating", "efficiency_rating", "avoided_costs_rating", "avoided_costs_ore",
			"employee_rating", "citizen_rating", "continues", "nominate", "author_id", "updated_at"),
	}
}

func (r *rows) all() []*table {
	return []*table{r.apps, r.events, r.reviews, r.decisions, r.payouts, r.payoutEvents, r.ledger, r.clawbacks, r.clawbackEvents,
		r.repayments, r.reports, r.reportEvents, r.evaluations}
}

// pools are the reserved ids of the tables whose rows others refer to.
type pools struct{ apps, decisions, payouts, clawbacks, reports idPool }

func (g *generator) generate(ctx context.Context, tx pgx.Tx) error {
	n := g.o.Applications
	var p pools
	for _, x := range []struct {
		pool  *idPool
		table string
		n     int
	}{{&p.apps, "applications", n}, {&p.decisions, "decisions", n}, {&p.payouts, "payouts", 2 * n},
		{&p.clawbacks, "clawbacks", n}, {&p.reports, "reports", n}} {
		var err error
		if x.pool.ids, err = ids(ctx, tx, x.table, x.n); err != nil {
			return err
		}
	}
	var last int
	err := tx.QueryRow(ctx, `INSERT INTO case_number_counters (year, last) VALUES ($1, $2)
		ON CONFLICT (year) DO UPDATE SET last = case_number_counters.last + $2 RETURNING last`, g.o.Year, n).Scan(&last)
	if err != nil {
		return err
	}
	r := newRows()
	var committed money.Ore
	var nominees []int64
	for i := 0; i < n; i++ {
		a := g.application(r, &p, fmt.Sprintf("%d/%04d", g.o.Year, last-n+i+1))
		committed += a.committed
		if a.nominated {
			nominees = append(nominees, a.id)
		}
	}
	// The frame leaves a little room above what the grants use.
	frame := (committed*108/100/money.FromKroner(100_000) + 1) * money.FromKroner(100_000)
	if _, err := tx.Exec(ctx, `INSERT INTO fund_budgets (fund_id, year, frame_ore) VALUES ($1, $2, $3)
		ON CONFLICT (fund_id, year) DO UPDATE SET frame_ore = GREATEST(fund_budgets.frame_ore, EXCLUDED.frame_ore)`,
		g.fund.ID, g.o.Year, frame); err != nil {
		return err
	}
	for _, t := range r.all() {
		if err := t.insert(ctx, tx); err != nil {
			return err
		}
	}
	return g.prize(ctx, tx, nominees)
}

// prize awards the year's innovation prize to the first nominee and an
// honourable mention to the second.
func (g *generator) prize(ctx context.Context, tx pgx.Tx, nominees []int64) error {
	for i, id := range nominees[:min(2, len(nominees))] {
		rank, citation := model.PrizeWinner, "Vinneren viste at en liten idé kan endre en hel tjeneste."
		if i > 0 {
			rank, citation = model.PrizeMention, "Hedrende omtale for godt samarbeid med innbyggerne."
		}
		if _, err := tx.Exec(ctx, `INSERT INTO prize_awards (fund_id, year, application_id, rank, citation, awarded_by, awarded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, g.fund.ID, g.o.Year, id, rank, citation, g.staff.admin, g.o.Now); err != nil {
			return err
		}
	}
	return nil
}

// generated is what one application adds up to.
type generated struct {
	id        int64
	committed money.Ore
	nominated bool
}

// history writes an application's versioned events as they happen.
type history struct {
	r         *rows
	applicant int64
	id        int64
	version   int
	state     workflow.State
	at        time.Time
}

func (h *history) step(actor any, e workflow.Event, to workflow.State, at time.Time) {
	h.version++
	from := string(h.state)
	if e == "create" {
		from = ""
	}
	h.r.events.add(h.id, h.version, actor, string(e), from, string(to), at)
	h.state, h.at = to, at
}

func (g *generator) application(r *rows, p *pools, caseNumber string) generated {
	f := g.fate()
	now := g.o.Now
	start := time.Date(g.o.Year, time.January, 2, 8, 0, 0, 0, workflow.Oslo)
	end := time.Date(g.o.Year, time.December, 20, 16, 0, 0, 0, workflow.Oslo)
	if end.After(now) {
		end = now.Add(-24 * time.Hour)
	}
	submitted := start.Add(time.Duration(g.rng.Int64N(int64(max(end.Sub(start), time.Hour)))))
	created := submitted.Add(-time.Duration(g.rng.IntN(10*24)) * time.Hour)
	if created.Before(start) {
		created = start
	}
	u := g.applicants[g.rng.IntN(len(g.applicants))]
	call := g.calls[g.rng.IntN(len(g.calls))]
	requested := money.FromKroner(int64(50+g.rng.IntN(40)*25) * 1000)
	id := p.apps.take()
	h := &history{r: r, id: id, applicant: u.id}
	h.step(u.id, "create", workflow.Draft, created)
	out := generated{id: id}
	// reached moves the application on when the clock has come that far.
	reached := func(actor any, e workflow.Event, to workflow.State, at time.Time) bool {
		if at.After(now) || at.Before(h.at) {
			return false
		}
		h.step(actor, e, to, at)
		return true
	}
	var subAt *time.Time
	defer func() {
		r.apps.add(id, caseNumber, call.ID, u.id, g.title(), "Syntetisk søknad generert for ytelsestester.", requested,
			u.unit, string(h.state), h.version, created, h.at, subAt, "")
	}()
	if f == fateDraft || !reached(u.id, workflow.Submit, workflow.Submitted, submitted) {
		return out
	}
	subAt = &submitted
	if f == fateSubmitted {
		return out
	}
	if f == fateWithdrawn {
		reached(u.id, workflow.Withdraw, workflow.Withdrawn, submitted.Add(g.days(8)))
		return out
	}
	if !reached(g.staff.officer, workflow.StartReview, workflow.InReview, submitted.Add(g.days(3))) {
		return out
	}
	decided := h.at.Add(g.days(30))
	g.reviews(r, id, call.ID, f, h.at, decided)
	if f == fateInReview {
		return out
	}
	if f == fateReturned {
		reached(g.staff.officer, workflow.Return, workflow.Returned, h.at.Add(g.days(5)))
		return out
	}
	if f == fateDismissed {
		if reached(g.staff.officer, workflow.Dismiss, workflow.Dismissed, decided) {
			g.decision(r, p, id, model.OutcomeDismiss, 0, requested, g.staff.officer, decided)
		}
		return out
	}
	if !reached(g.staff.officer, workflow.Recommend, workflow.Recommended, h.at.Add(decided.Sub(h.at)*3/4)) {
		return out
	}
	// approve grants an amount at a time and carries the grant on.
	approve := func(at time.Time) {
		granted := requested
		if g.rng.IntN(10) < 4 {
			granted = requested * money.Ore(50+g.rng.IntN(41)) / 100 / 100_000 * 100_000
		}
		if !reached(g.staff.decider, workflow.Approve, workflow.Approved, at) {
			return
		}
		decisionID := g.decision(r, p, id, model.OutcomeApprove, granted, requested, g.staff.decider, at)
		r.ledger.add(g.fund.ID, g.o.Year, id, "commitment", granted, decisionID, nil, nil, at)
		out.committed = granted
		g.grant(r, p, h, f, granted, reached, &out)
	}
	if f != fateRejected {
		approve(decided)
		return out
	}
	if !reached(g.staff.decider, workflow.Reject, workflow.Rejected, decided) {
		return out
	}
	g.decision(r, p, id, model.OutcomeReject, 0, requested, g.staff.decider, decided)
	// One rejection in fifteen is appealed: half are upheld, half reversed,
	// reviewed again and granted, so that the latest decision is not the
	// first.
	if g.rng.IntN(15) != 0 || !reached(u.id, workflow.Appeal, workflow.Appealed, decided.Add(g.days(10))) {
		return out
	}
	again := h.at.Add(g.days(25))
	if g.rng.IntN(2) == 0 {
		if reached(g.staff.decider, workflow.Reject, workflow.Rejected, again) {
			g.decision(r, p, id, model.OutcomeReject, 0, requested, g.staff.decider, again)
		}
		return out
	}
	if reached(g.staff.officer, workflow.Reverse, workflow.InReview, h.at.Add(g.days(3))) &&
		reached(g.staff.officer, workflow.Recommend, workflow.Recommended, h.at.Add(g.days(5))) {
		f = fateGrantAccepted + fate(g.rng.IntN(3))
		approve(h.at.Add(g.days(7)))
	}
	return out
}

func (g *generator) decision(r *rows, p *pools, appID int64, outcome string, amount, requested money.Ore, by int64, at time.Time) int64 {
	id := p.decisions.take()
	r.decisions.add(id, appID, outcome, amount, requested, "Vedtektene for innovasjonsfondet.", "Søknaden er vurdert etter kriteriene.",
		"Nytte, nyhet og gjennomførbarhet er vektlagt.", by, at)
	return id
}

func (g *generator) reviews(r *rows, appID, callID int64, f fate, from, until time.Time) {
	quality := map[fate]float64{fateDismissed: 2.1, fateRejected: 2.8}[f]
	if quality == 0 {
		quality = 3.3
	}
	if f >= fateGrantWaiting {
		quality = 3.9
	}
	first := g.rng.IntN(len(g.reviewers))
	for k := 0; k < 2; k++ {
		at := from.Add(g.days(7))
		if at.After(until) || at.After(g.o.Now) {
			continue
		}
		reviewer := g.reviewers[(first+k)%len(g.reviewers)]
		rec := map[bool]string{true: model.RecommendYes, false: "no"}[quality > 3]
		r.reviews.add(appID, reviewer, 1, rec, mustJSON(g.scores(callID, quality)), at, at)
		// One review in twenty is amended: a second version, scored anew.
		if amended := at.Add(g.days(2)); g.rng.IntN(20) == 0 && !amended.After(until) && !amended.After(g.o.Now) {
			r.reviews.add(appID, reviewer, 2, rec, mustJSON(g.scores(callID, quality+0.5)), amended, amended)
		}
	}
}

// scores scores every criterion of a call about quality, give or take.
func (g *generator) scores(callID int64, quality float64) []model.Score {
	scores := make([]model.Score, 0, len(g.criteria[callID]))
	for _, c := range g.criteria[callID] {
		s := int(quality + g.rng.NormFloat64()*0.8 + 0.5)
		scores = append(scores, model.Score{CriterionID: c, Score: min(5, max(1, s))})
	}
	return scores
}
