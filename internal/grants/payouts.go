package grants

import (
	"context"
	"time"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// FirePayout carries out payout event e on tranche payoutID for u. The
// tranche's row is locked while the workflow decides, with the facts of
// u's relation to the application, so two people racing to authorise one
// tranche end with one payment.
func (s *Service) FirePayout(ctx context.Context, u model.User, payoutID int64, e workflow.Event, in PayoutInput, requestID string) (model.Payout, error) {
	return s.firePayout(ctx, u, payoutID, e, in, requestID, false)
}

// firePayout is FirePayout; met asserts the tranche's condition is met
// (the caller has just seen it happen, as an approved final report).
func (s *Service) firePayout(ctx context.Context, u model.User, payoutID int64, e workflow.Event, in PayoutInput, requestID string, met bool) (model.Payout, error) {
	if !workflow.Payout.KnownEvent(e) {
		return model.Payout{}, apperr.New(apperr.NotFound, msgUnknownEvent)
	}
	b, err := checkBooking(in.Comment, in.ERPReference, in.PaidOn, "paid_on")
	if err != nil {
		return model.Payout{}, err
	}
	if !handlesMoney(u) {
		return model.Payout{}, apperr.New(apperr.Forbidden, msgFinanceOnly)
	}
	now := s.Now()
	return s.Store.PayoutTransition(ctx, payoutID, store.Change{ActorID: u.ID, RequestID: requestID, Now: now},
		func(cur model.Payout, fc store.FinanceCase) (store.PayoutStep, error) {
			facts := relationFacts(u, fc)
			facts.Now, facts.Comment, facts.ERPReference, facts.BookedOn = now, b.comment, b.erp, b.on
			facts.ActorAttested = cur.AttestedBy != nil && *cur.AttestedBy == u.ID
			facts.ConditionMet = met || conditionMet(cur, fc.Application.State, fc.FinalReportApproved, now)
			facts.RecipientMissing = fc.Application.Recipient.Missing(fc.Call.ExternalRecipients)
			from := workflow.State(cur.State)
			to, err := workflow.Payout.Fire(ctx, from, e, workflow.Actor{Roles: u.Roles, Owner: facts.ActorIsApplicant}, facts)
			if err != nil {
				return store.PayoutStep{}, financeError(workflow.Payout, nounPayout, err, from, e)
			}
			step := store.PayoutStep{To: to, Event: e, Comment: b.comment}
			switch e {
			case workflow.Attest:
				step.Attest, step.Recipient = true, fc.Application.Recipient
			case workflow.Authorise:
				step.Pay, step.ERPReference, step.PaidOn = true, b.erp, b.date
			case workflow.SendBack:
				step.ClearAttestation = true
			case workflow.Cancel:
				step.Release = true
			}
			return step, nil
		})
}

// Payouts returns an application's tranches for u.
func (s *Service) Payouts(ctx context.Context, u model.User, appID int64) ([]model.Payout, error) {
	if _, err := s.moneyOf(ctx, u, appID); err != nil {
		return nil, err
	}
	return s.Store.Payouts(ctx, appID)
}

// Payout returns one tranche for u.
func (s *Service) Payout(ctx context.Context, u model.User, payoutID int64) (model.Payout, error) {
	p, err := s.Store.Payout(ctx, payoutID)
	if err != nil {
		return p, err
	}
	if _, err := s.moneyOf(ctx, u, p.ApplicationID); err != nil {
		return model.Payout{}, err
	}
	return p, nil
}

// PayoutHistory returns a tranche's history for u.
func (s *Service) PayoutHistory(ctx context.Context, u model.User, payoutID int64) ([]model.HistoryEntry, error) {
	p, err := s.Store.Payout(ctx, payoutID)
	if err != nil {
		return nil, err
	}
	if _, err := s.moneyOf(ctx, u, p.ApplicationID); err != nil {
		return nil, err
	}
	return s.Store.PayoutHistory(ctx, payoutID)
}

// PayoutQueue lists the tranches in state for finance and case officers,
// oldest first, from after afterID. An empty state picks the user's own
// queue: awaiting authorisation for an authoriser, else awaiting attestation.
func (s *Service) PayoutQueue(ctx context.Context, u model.User, state workflow.State, afterID int64) ([]model.PayoutItem, error) {
	if !handlesMoney(u) {
		return nil, apperr.New(apperr.Forbidden, msgFinanceOnly)
	}
	switch {
	case state == "" && u.Has(workflow.FinanceAuthoriser) && !u.Has(workflow.FinanceAttestant):
		state = workflow.PayoutAttested
	case state == "":
		state = workflow.PayoutDue
	case !workflow.Payout.KnownState(state):
		return nil, apperr.Fields(map[string]i18n.Text{"state": i18n.T("Ukjent status.", "Unknown state.")})
	}
	return s.Store.PayoutQueue(ctx, state, afterID, 200)
}

// PayoutActions lists the events u may fire on tranche p: the buttons to
// show. Events barred for u by segregation of duties are left out; those
// that need input (a reason, a voucher) are kept.
func (s *Service) PayoutActions(ctx context.Context, u model.User, p model.Payout) ([]workflow.Event, error) {
	facts, err := s.relationTo(ctx, u, p.ApplicationID)
	if err != nil {
		return nil, err
	}
	facts.ActorAttested = p.AttestedBy != nil && *p.AttestedBy == u.ID
	return unbarred(ctx, workflow.Payout, workflow.State(p.State), u, facts), nil
}

// MakeDueTranches makes due, as the system, every planned tranche whose
// condition is met: of an accepted grant whose date has come, or of a
// case whose final report is approved (should FireReport's own call of
// FinalReportApproved not have run); and any on-acceptance tranche left
// planned. Run it periodically; it returns how many became
// due.
func (s *Service) MakeDueTranches(ctx context.Context) (int, error) {
	today := s.Now().In(workflow.Oslo).Format(time.DateOnly)
	n := 0
	for _, cond := range []string{model.OnDate, model.OnAcceptance, model.OnFinalReport} {
		waiting, err := s.Store.PayoutsWaiting(ctx, cond, 0, today)
		if err != nil {
			return n, err
		}
		for _, p := range waiting {
			_, err := s.firePayout(ctx, SystemUser, p.ID, workflow.MakeDue, PayoutInput{}, "deadline", false)
			if apperr.Is(err, apperr.Conflict) {
				continue // another instance made it due first
			}
			if err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// FinalReportApproved makes due the tranches of application appID that
// wait for its final report, as the system; FireReport calls it when the
// final report is approved. It returns how many became due.
func (s *Service) FinalReportApproved(ctx context.Context, appID int64, requestID string) (int, error) {
	waiting, err := s.Store.PayoutsWaiting(ctx, model.OnFinalReport, appID, s.Now().In(workflow.Oslo).Format(time.DateOnly))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range waiting {
		_, err := s.firePayout(ctx, SystemUser, p.ID, workflow.MakeDue, PayoutInput{}, requestID, true)
		if apperr.Is(err, apperr.Conflict) {
			continue // made due concurrently
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
