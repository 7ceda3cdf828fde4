// Package check owns Nyttig's consistency check (`nyttig check`): the
// invariants the database holds whatever has happened — a ledger whose
// figures are the sums of its entries and stay within the frame, every
// entry matching the event it books, no tranche paid twice, no application
// paid more than granted, histories without gaps or illegal steps, and an
// object behind every stored document. It reads; it never repairs.
package check

import (
	"context"
	"fmt"
	"slices"

	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// Objects tells whether an object is stored; *blob.Store satisfies it.
type Objects interface {
	Exists(ctx context.Context, key string) (bool, error)
}

// Invariant is one rule the database must hold.
type Invariant struct {
	Name        string
	Description i18n.Text
	check       func(ctx context.Context, c *checker) error
}

// Violation is one place where an invariant does not hold.
type Violation struct {
	Invariant string    `json:"invariant"`
	Detail    i18n.Text `json:"detail"`
}

// Invariants are the rules Run checks, in order.
var Invariants = []Invariant{
	{"ledger_figures", i18n.T("Hver ramme- og årsoppstilling er summen av postene i hovedboken.",
		"Every fund and year's ledger figures are the sums of its entries."), checkLedgerFigures},
	{"within_frame", i18n.T("Bundet og utbetalt, minus tilbakebetalt, går aldri over rammen.",
		"Committed plus paid, less repaid, never exceeds the frame."), checkWithinFrame},
	{"commitments_match_decisions", i18n.T("Hver søknad binder det siste vedtaket innvilget, minus kansellerte utbetalinger.",
		"Each application holds what its latest decision granted, less cancelled tranches."), checkCommitments},
	{"paid_within_grant", i18n.T("Ingen søknad har fått utbetalt mer enn den ble innvilget.",
		"No application has been paid more than it was granted."), checkPaidWithinGrant},
	{"tranche_paid_once", i18n.T("Ingen utbetaling er utbetalt to ganger.", "No tranche is paid twice."), checkPaidOnce},
	{"entries_match_events", i18n.T("Hver utbetalt, kansellert eller tilbakebetalt post har nøyaktig én føring av sitt beløp, og omvendt.",
		"Every paid, cancelled or repaid item has exactly one entry of its amount, and every such entry its item."), checkEntriesMatch},
	{"demands_within_paid", i18n.T("Ingen søknad er avkrevd mer enn den har fått utbetalt.",
		"No application is asked to repay more than it was paid."), checkDemands},
	{"plan_sums_to_grant", i18n.T("Utbetalingsplanen til en akseptert søknad summerer seg til tilskuddet.",
		"The tranches of an accepted application sum to its grant."), checkPlanSums},
	{"exports_match_tranches", i18n.T("Hver eksportbunt inneholder det antallet og den summen av utbetalte poster den oppgir.",
		"Every ERP export batch holds the number and total of paid tranches it records."), checkExports},
	{"history_versions", i18n.T("Historikken nummererer versjonene 1 til gjeldende versjon uten hull.",
		"Histories number the versions 1 to the current version without gaps."), checkVersions},
	{"history_edges", i18n.T("Hvert steg i historikken er lovlig etter arbeidsflyten.",
		"Every step in a history is legal under its workflow."), checkEdges},
	{"history_chain", i18n.T("Hvert steg starter der det forrige sluttet, og det siste der saken står nå.",
		"Every step starts where the one before ended, and the last ends in the current state."), checkChain},
	{"objects_exist", i18n.T("Hvert vedlegg og brev har sin fil i objektlageret.",
		"Every attachment and letter has its object in object storage."), checkObjects},
	{"notifications_mailed", i18n.T("Hvert varsel som skal sendes straks, er sendt eller venter i jobbkøen.",
		"Every notification to be mailed at once is mailed or waiting in the job queue."), checkNotificationsMailed},
}

// sideEvents are the history events that change nothing of an
// application's state and carry no version: views, files, reviews,
// letters, the payout plan. A feature that writes a new one adds it here.
var sideEvents = []string{
	model.EventAttachmentAdded, model.EventAttachmentDeleted, model.EventAttachmentRead,
	store.EventLetterCreated, store.EventReviewerAssigned, store.EventDeclaration, store.EventReviewSubmitted,
	store.EventRecommendation, model.EventPayoutPlanAdjusted, model.EventEvaluation,
	store.EventProvisionalReply, store.EventDecisionFinal,
	model.EventPublication, model.EventPrize,
}

// editEvents are versioned history events that change an application
// without moving it.
var editEvents = []string{model.EventEdited, model.EventRecipientChanged}

type checker struct {
	st      *store.Store
	objects Objects
	out     []Violation
	name    string
}

func (c *checker) violate(nb, en string, args ...any) {
	c.out = append(c.out, Violation{Invariant: c.name, Detail: i18n.Tf(nb, en, args...)})
}

// Run checks every invariant and returns the violations, grouped by
// invariant in the order of Invariants. objects may be nil to leave out
// objects_exist. An error means the check could not run (the database or
// object storage did not answer), not that an invariant failed.
func Run(ctx context.Context, st *store.Store, objects Objects) ([]Violation, error) {
	c := &checker{st: st, objects: objects}
	for _, inv := range Invariants {
		c.name = inv.Name
		if err := inv.check(ctx, c); err != nil {
			return c.out, fmt.Errorf("%s: %w", inv.Name, err)
		}
	}
	return c.out, nil
}

// Names returns the distinct invariants among vs, in order.
func Names(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		if !slices.Contains(out, v.Invariant) {
			out = append(out, v.Invariant)
		}
	}
	return out
}

// figures is a fund and year's ledger as the check computes it.
type figures struct {
	store.FundYear
	commitments, releases, lapsed, payments, repayments money.Ore
}

// figures sums the ledger's entries per fund and year, in order.
func (c *checker) figures(ctx context.Context) ([]figures, error) {
	years, err := c.st.FundYears(ctx)
	if err != nil {
		return nil, err
	}
	sums, err := c.st.LedgerSums(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]figures, len(years))
	index := map[[2]int64]int{}
	for i, y := range years {
		out[i].FundYear = y
		index[[2]int64{y.FundID, int64(y.Year)}] = i
	}
	for _, s := range sums {
		i, ok := index[[2]int64{s.FundID, int64(s.Year)}]
		if !ok {
			c.violate("Poster for fond %d år %d uten ramme.", "Entries for fund %d year %d without a frame.", s.FundID, s.Year)
			continue
		}
		f := &out[i]
		switch s.Kind {
		case "commitment":
			f.commitments += s.Amount
		case "release":
			f.releases += s.Amount
			if !s.Decided {
				f.lapsed += s.Amount
			}
		case "payment":
			f.payments += s.Amount
		case "repayment":
			f.repayments += s.Amount
		default:
			c.violate("Ukjent posttype %q.", "Unknown entry kind %q.", s.Kind)
		}
	}
	return out, nil
}

func checkLedgerFigures(ctx context.Context, c *checker) error {
	all, err := c.figures(ctx)
	if err != nil {
		return err
	}
	for _, f := range all {
		y := f.FundYear
		want := model.Ledger{FundID: y.FundID, Year: y.Year, Frame: y.Frame,
			Committed: f.commitments - f.releases - f.payments, Released: f.releases,
			Paid: f.payments, ClawedBack: f.repayments, Lapsed: f.lapsed}
		want.Remaining = want.Frame - want.Committed - want.Paid + want.ClawedBack
		got, err := c.st.Ledger(ctx, y.FundID, y.Year)
		if err != nil {
			return err
		}
		if got != want {
			c.violate("Fond %d år %d: hovedboken viser %+v, postene gir %+v.",
				"Fund %d year %d: the ledger shows %+v, its entries give %+v.", y.FundID, y.Year, got, want)
		}
	}
	return nil
}

func checkWithinFrame(ctx context.Context, c *checker) error {
	all, err := c.figures(ctx)
	if err != nil {
		return err
	}
	for _, f := range all {
		y := f.FundYear
		if used := f.commitments - f.releases - f.repayments; used > y.Frame {
			c.violate("Fond %d år %d: %s brukt av en ramme på %s.", "Fund %d year %d: %s used of a frame of %s.",
				y.FundID, y.Year, used.String(), y.Frame.String())
		}
		if committed := f.commitments - f.releases - f.payments; committed < 0 {
			c.violate("Fond %d år %d: negativt bundet beløp %s.", "Fund %d year %d: negative committed amount %s.",
				y.FundID, y.Year, committed.String())
		}
	}
	return nil
}

func checkCommitments(ctx context.Context, c *checker) error {
	apps, err := c.st.MoneyByApplication(ctx)
	if err != nil {
		return err
	}
	for _, a := range apps {
		var want money.Ore
		if a.Outcome == model.OutcomeApprove && workflow.State(a.State) != workflow.Withdrawn {
			want = a.Granted - a.Cancelled
		}
		if held := a.Commitments - a.Releases; held != want {
			c.violate("Søknad %s (%s): binder %s, vedtaket gir %s.", "Application %s (%s): holds %s, its decision gives %s.",
				a.CaseNumber, a.State, held.String(), want.String())
		}
	}
	return nil
}

func checkPaidWithinGrant(ctx context.Context, c *checker) error {
	apps, err := c.st.MoneyByApplication(ctx)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if a.Payments > 0 && (a.Outcome != model.OutcomeApprove || a.Payments > a.Granted) {
			c.violate("Søknad %s: utbetalt %s, innvilget %s.", "Application %s: paid %s, granted %s.",
				a.CaseNumber, a.Payments.String(), a.Granted.String())
		}
	}
	return nil
}

func checkPaidOnce(ctx context.Context, c *checker) error {
	tranches, err := c.st.BookedTranches(ctx)
	if err != nil {
		return err
	}
	for _, t := range tranches {
		if t.Booked > 1 {
			c.violate("Utbetaling %d i søknad %s er utbetalt %d ganger.", "Tranche %d of application %s is paid %d times.",
				t.ID, t.CaseNumber, t.Booked)
		}
	}
	return nil
}

func checkNotificationsMailed(ctx context.Context, c *checker) error {
	unsent, err := c.st.UnsentNotifications(ctx)
	if err != nil {
		return err
	}
	for _, n := range unsent {
		c.violate("Varsel %d (%s) til bruker %d er verken sendt eller i jobbkøen.", "Notification %d (%s) to user %d is neither mailed nor queued.",
			n.ID, n.Kind, n.UserID)
	}
	return nil
}

func checkEntriesMatch(ctx context.Context, c *checker) error {
	tranches, err := c.st.BookedTranches(ctx)
	if err != nil {
		return err
	}
	for _, t := range tranches {
		paid, cancelled := t.State == string(workflow.PayoutPaid), t.State == string(workflow.PayoutCancelled)
		payments := (paid && t.Booked == 1 && t.BookedSum == t.Amount) || (!paid && t.Booked == 0)
		// A paid tranche paid more than once is tranche_paid_once's to report.
		if !payments && !(paid && t.Booked > 1) {
			c.violate("Utbetaling %d i søknad %s (%s, %s) har %d betalingsføringer på til sammen %s.",
				"Tranche %d of application %s (%s, %s) has %d payment entries totalling %s.",
				t.ID, t.CaseNumber, t.State, t.Amount.String(), t.Booked, t.BookedSum.String())
		}
		if releases := (cancelled && t.Released == 1 && t.ReleasedSum == t.Amount) || (!cancelled && t.Released == 0); !releases {
			c.violate("Utbetaling %d i søknad %s (%s, %s) har %d frigivelser på til sammen %s.",
				"Tranche %d of application %s (%s, %s) has %d release entries totalling %s.",
				t.ID, t.CaseNumber, t.State, t.Amount.String(), t.Released, t.ReleasedSum.String())
		}
	}
	demands, err := c.st.BookedDemands(ctx)
	if err != nil {
		return err
	}
	for _, d := range demands {
		repaid := d.State == string(workflow.ClawbackRepaid)
		if ok := (repaid && d.Booked == 1 && d.BookedSum == d.Amount) || (!repaid && d.Booked == 0); !ok {
			c.violate("Krav %d i søknad %s (%s, %s) har %d tilbakebetalingsføringer på til sammen %s.",
				"Demand %d of application %s (%s, %s) has %d repayment entries totalling %s.",
				d.ID, d.CaseNumber, d.State, d.Amount.String(), d.Booked, d.BookedSum.String())
		}
	}
	return nil
}

func checkDemands(ctx context.Context, c *checker) error {
	apps, err := c.st.MoneyByApplication(ctx)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if a.Demanded > a.Payments {
			c.violate("Søknad %s: avkrevd %s, utbetalt %s.", "Application %s: %s demanded back, %s paid.",
				a.CaseNumber, a.Demanded.String(), a.Payments.String())
		}
		if a.Repayments > a.Demanded {
			c.violate("Søknad %s: tilbakebetalt %s, avkrevd %s.", "Application %s: %s repaid, %s demanded.",
				a.CaseNumber, a.Repayments.String(), a.Demanded.String())
		}
	}
	return nil
}

func checkExports(ctx context.Context, c *checker) error {
	xs, err := c.st.ExportTotals(ctx)
	if err != nil {
		return err
	}
	for _, x := range xs {
		if x.Tranches != x.Count || x.TrancheSum != x.Total || x.Unpaid > 0 {
			c.violate("Eksportbunt %d: oppgir %d poster på %s, har %d på %s, %d av dem ikke utbetalt.",
				"Export batch %d: records %d tranches of %s, holds %d of %s, %d of them not paid.",
				x.ID, x.Count, x.Total.String(), x.Tranches, x.TrancheSum.String(), x.Unpaid)
		}
	}
	return nil
}

func checkPlanSums(ctx context.Context, c *checker) error {
	apps, err := c.st.MoneyByApplication(ctx)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if a.Tranches > 0 && (a.Outcome != model.OutcomeApprove || a.PlanTotal != a.Granted) {
			c.violate("Søknad %s: utbetalingsplanen er %s, tilskuddet %s.", "Application %s: the payout plan is %s, the grant %s.",
				a.CaseNumber, a.PlanTotal.String(), a.Granted.String())
		}
	}
	return nil
}

func checkVersions(ctx context.Context, c *checker) error {
	gaps, err := c.st.VersionGaps(ctx)
	if err != nil {
		return err
	}
	for _, g := range gaps {
		c.violate("%s %d er versjon %d, men historikken har %d versjoner fra %d til %d.",
			"%s %d is version %d, but its history has %d versions from %d to %d.", g.Subject, g.ID, g.Version, g.Rows, g.Min, g.Max)
	}
	return nil
}

// lifecycles maps a history's subject to its workflow and the event that
// creates a subject in its first state.
var lifecycles = map[string]struct {
	lc      *workflow.Lifecycle
	create  string
	initial workflow.State
}{
	"application": {workflow.Application, model.EventCreated, workflow.Draft},
	"payout":      {workflow.Payout, string(workflow.CreatePayout), workflow.PayoutPlanned},
	"clawback":    {workflow.Clawback, string(workflow.RaiseClawback), workflow.ClawbackRaised},
	"report":      {workflow.Report, string(workflow.CreateReport), workflow.ReportDraft},
}

// legalEdge reports whether a history step is one its workflow allows.
func legalEdge(e store.Edge) bool {
	l, ok := lifecycles[e.Subject]
	if !ok {
		return false
	}
	from, to := workflow.State(e.From), workflow.State(e.To)
	switch {
	case e.Event == l.create:
		return e.Versioned && e.From == "" && to == l.initial
	case e.Subject == "application" && slices.Contains(editEvents, e.Event),
		e.Subject == "report" && e.Event == model.EventEdited:
		return e.Versioned && from == to && l.lc.KnownState(to)
	case e.Subject == "application" && slices.Contains(sideEvents, e.Event):
		return !e.Versioned && from == to && l.lc.KnownState(to)
	}
	return e.Versioned && l.lc.Legal(from, workflow.Event(e.Event), to)
}

func checkEdges(ctx context.Context, c *checker) error {
	edges, err := c.st.HistoryEdges(ctx)
	if err != nil {
		return err
	}
	for _, e := range edges {
		if !legalEdge(e) {
			c.violate("Ulovlig steg i historikken (%s): %q fra %q til %q, %d gang(er), første rad %d.",
				"Illegal step in the history (%s): %q from %q to %q, %d time(s), first row %d.",
				e.Subject, e.Event, e.From, e.To, e.Count, e.FirstID)
		}
	}
	return nil
}

func checkChain(ctx context.Context, c *checker) error {
	breaks, err := c.st.HistoryBreaks(ctx)
	if err != nil {
		return err
	}
	for _, b := range breaks {
		c.violate("%s %d versjon %d: forventet %q, fant %q.", "%s %d version %d: expected %q, found %q.",
			b.Subject, b.ID, b.Version, b.Want, b.Got)
	}
	return nil
}

func checkObjects(ctx context.Context, c *checker) error {
	if c.objects == nil {
		return nil
	}
	return c.st.EachStoredObject(ctx, func(o store.StoredObject) error {
		ok, err := c.objects.Exists(ctx, o.Key)
		if err != nil {
			return err
		}
		if !ok {
			c.violate("%s %d: filen %s finnes ikke i objektlageret.", "%s %d: the object %s is missing from object storage.",
				o.Kind, o.ID, o.Key)
		}
		return nil
	})
}
