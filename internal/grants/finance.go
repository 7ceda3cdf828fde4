package grants

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// Finance: the payout plan, the payout and claw-back lifecycles, and where
// the money goes. The workflow tables say who may do what; this file
// gathers the facts they need and commits each step through the store.

var (
	msgFinanceOnly = i18n.T("Bare økonomi og saksbehandlere har tilgang til utbetalinger.",
		"Only finance and case officers have access to payouts.")
	msgOwnCase      = i18n.T("Du kan ikke behandle pengene i din egen søknad.", "You cannot handle the money of your own application.")
	msgUnknownEvent = i18n.T("Ukjent hendelse.", "Unknown event.")
)

// maxERPReference is the longest voucher number from the ERP system.
const maxERPReference = 100

// acceptedStates are the application states in which a grant is accepted and its
// tranches may become due.
var acceptedStates = []workflow.State{workflow.Accepted, workflow.FinalReportSubmitted, workflow.Completed}

// handlesMoney reports whether u works with payouts at all.
func handlesMoney(u model.User) bool {
	return u.IsStaff() || u.Has(workflow.FinanceAttestant) || u.Has(workflow.FinanceAuthoriser) || u.Has(workflow.System)
}

// moneyOf returns the application whose money u asks about: finance sees
// every application's money; anyone else what they may see of it.
func (s *Service) moneyOf(ctx context.Context, u model.User, appID int64) (model.Application, error) {
	if u.Has(workflow.FinanceAttestant) || u.Has(workflow.FinanceAuthoriser) {
		return s.Store.Application(ctx, appID)
	}
	return s.Application(ctx, u, appID)
}

// PayoutInput is what a person gives with a payout event: a reason (to send
// back or cancel), and for an authorisation the payment's voucher number in
// the ERP system and the date it was paid (YYYY-MM-DD).
type PayoutInput struct {
	Comment      string `json:"comment"`
	ERPReference string `json:"erp_reference"`
	PaidOn       string `json:"paid_on"`
}

// ClawbackInput is what a person gives with a claw-back event: a reason
// (to write off), or the repayment's voucher number and date.
type ClawbackInput struct {
	Comment      string `json:"comment"`
	ERPReference string `json:"erp_reference"`
	RepaidOn     string `json:"repaid_on"`
}

// booking is checked input of a finance event.
type booking struct {
	comment, erp, date string
	on                 time.Time
}

// checkBooking validates a comment, a voucher number and a date (named
// dateField in errors) as far as their form goes; the workflow's guards
// decide which the event needs.
func checkBooking(comment, erp, date, dateField string) (booking, error) {
	b := booking{comment: strings.TrimSpace(comment), erp: strings.TrimSpace(erp), date: strings.TrimSpace(date)}
	fe := map[string]i18n.Text{}
	switch {
	case !model.ValidText(b.comment):
		fe["comment"] = msgBadChars
	case utf8.RuneCountInString(b.comment) > model.MaxText:
		fe["comment"] = i18n.Tf("Kan ikke være lengre enn %d tegn.", "Cannot be longer than %d characters.", model.MaxText)
	}
	switch {
	case !model.ValidText(b.erp):
		fe["erp_reference"] = msgBadChars
	case utf8.RuneCountInString(b.erp) > maxERPReference:
		fe["erp_reference"] = i18n.Tf("Kan ikke være lengre enn %d tegn.", "Cannot be longer than %d characters.", maxERPReference)
	}
	if b.date != "" {
		t, ok := model.ParseDate(b.date)
		switch {
		case !ok:
			fe[dateField] = i18n.T("Skriv datoen som ÅÅÅÅ-MM-DD.", "Write the date as YYYY-MM-DD.")
		case t.Year() < 2000:
			fe[dateField] = i18n.T("Datoen er urimelig gammel.", "The date is unreasonably old.")
		default:
			b.on, b.date = t, t.Format(time.DateOnly)
		}
	}
	if len(fe) > 0 {
		return b, apperr.Fields(fe)
	}
	return b, nil
}

// relationFacts are the segregation facts of u on a case: whether they
// applied for it or decided it.
func relationFacts(u model.User, fc store.FinanceCase) workflow.Facts {
	return workflow.Facts{
		ActorIsApplicant: fc.Application.ApplicantID == u.ID,
		ActorDecided:     slices.Contains(fc.DecidedBy, u.ID),
	}
}

// relationTo reads u's relation to an application outside a transition,
// for showing what u may do.
func (s *Service) relationTo(ctx context.Context, u model.User, appID int64) (workflow.Facts, error) {
	a, err := s.Store.Application(ctx, appID)
	if err != nil {
		return workflow.Facts{}, err
	}
	ds, err := s.Store.Decisions(ctx, appID)
	if err != nil {
		return workflow.Facts{}, err
	}
	fc := store.FinanceCase{Application: a}
	for _, d := range ds {
		fc.DecidedBy = append(fc.DecidedBy, d.DecidedBy)
	}
	return relationFacts(u, fc), nil
}

// unbarred lists the events of lc that u's roles allow from state and no
// segregation rule bars given facts; guards that want input are ignored.
func unbarred(ctx context.Context, lc *workflow.Lifecycle, state workflow.State, u model.User, facts workflow.Facts) []workflow.Event {
	var out []workflow.Event
	for _, e := range lc.Available(state, workflow.Actor{Roles: u.Roles}) {
		_, err := lc.Fire(ctx, state, e, workflow.Actor{Roles: u.Roles}, facts)
		var ge *workflow.GuardError
		if errors.As(err, &ge) && ge.Forbidden {
			continue
		}
		out = append(out, e)
	}
	return out
}

// conditionMet reports whether a planned tranche's condition holds at now:
// the grant is accepted, and an on_date tranche's date has come (in Oslo),
// and an on_final_report tranche's report is approved (or the case
// completed).
func conditionMet(p model.Payout, appState workflow.State, finalApproved bool, now time.Time) bool {
	if !slices.Contains(acceptedStates, appState) {
		return false
	}
	switch p.Condition {
	case model.OnAcceptance:
		return true
	case model.OnDate:
		return p.DueDate != "" && p.DueDate <= now.In(workflow.Oslo).Format(time.DateOnly)
	case model.OnFinalReport:
		return finalApproved || appState == workflow.Completed
	}
	return false
}

// financeError maps a workflow refusal of a payout or claw-back event.
func financeError(lc *workflow.Lifecycle, noun i18n.Text, err error, from workflow.State, e workflow.Event) error {
	var ge *workflow.GuardError
	state, event := lc.StateLabel(from), lc.EventLabel(e)
	switch {
	case errors.As(err, &ge) && ge.Forbidden:
		return apperr.New(apperr.Forbidden, ge.Fields["segregation"])
	case errors.As(err, &ge):
		return apperr.Fields(ge.Fields)
	case errors.Is(err, workflow.ErrNotAllowedNow):
		return apperr.New(apperr.Conflict, i18n.Tt("«%s» går ikke når %s har status «%s».",
			"“%s” is not possible while %s is “%s”.", event, noun, state))
	case errors.Is(err, workflow.ErrRoleMayNot):
		return apperr.New(apperr.Forbidden, i18n.Tt("Du har ikke lov til å «%s».", "You may not “%s”.", event))
	}
	return err
}

var (
	nounPayout   = i18n.T("utbetalingen", "the payout")
	nounClawback = i18n.T("kravet", "the demand")
)
