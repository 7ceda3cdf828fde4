package grants

import (
	"context"
	"strings"
	"unicode/utf8"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// RaiseClawback demands repayment of amount from an application, for a
// reason. Only a case officer may, and no more than has been paid and not
// already demanded.
func (s *Service) RaiseClawback(ctx context.Context, u model.User, appID int64, amount money.Ore, reason, requestID string) (model.Clawback, error) {
	if !u.Has(workflow.CaseOfficer) {
		return model.Clawback{}, apperr.New(apperr.Forbidden, msgCaseOfficerOnly)
	}
	a, err := s.Application(ctx, u, appID)
	if err != nil {
		return model.Clawback{}, err
	}
	if a.ApplicantID == u.ID {
		return model.Clawback{}, apperr.New(apperr.Forbidden, msgOwnCase)
	}
	reason = strings.TrimSpace(reason)
	fe := map[string]i18n.Text{}
	switch {
	case reason == "":
		fe["reason"] = i18n.T("Begrunn kravet.", "Give the reason for the demand.")
	case !model.ValidText(reason):
		fe["reason"] = msgBadChars
	case utf8.RuneCountInString(reason) > model.MaxText:
		fe["reason"] = i18n.Tf("Kan ikke være lengre enn %d tegn.", "Cannot be longer than %d characters.", model.MaxText)
	}
	if amount <= 0 || amount > model.MaxAmount {
		fe["amount_ore"] = i18n.T("Oppgi et positivt beløp.", "Give a positive amount.")
	}
	if len(fe) > 0 {
		return model.Clawback{}, apperr.Fields(fe)
	}
	return s.Store.RaiseClawback(ctx, model.Clawback{ApplicationID: appID, AmountOre: amount, Reason: reason, RaisedBy: u.ID},
		store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()},
		func(_ model.Application, paid, demanded money.Ore) error {
			if open := paid - demanded; amount > open {
				return apperr.Fields(map[string]i18n.Text{"amount_ore": i18n.Tf(
					"Kravet kan ikke være større enn det som er utbetalt og ikke allerede krevd tilbake: %s.",
					"The demand cannot exceed what was paid and not already demanded back: %s.", max(open, 0).String())})
			}
			return nil
		})
}

// FireClawback carries out claw-back event e (repay, write off) for u.
func (s *Service) FireClawback(ctx context.Context, u model.User, clawbackID int64, e workflow.Event, in ClawbackInput, requestID string) (model.Clawback, error) {
	if !workflow.Clawback.KnownEvent(e) {
		return model.Clawback{}, apperr.New(apperr.NotFound, msgUnknownEvent)
	}
	b, err := checkBooking(in.Comment, in.ERPReference, in.RepaidOn, "repaid_on")
	if err != nil {
		return model.Clawback{}, err
	}
	if !handlesMoney(u) {
		return model.Clawback{}, apperr.New(apperr.Forbidden, msgFinanceOnly)
	}
	now := s.Now()
	return s.Store.ClawbackTransition(ctx, clawbackID, store.Change{ActorID: u.ID, RequestID: requestID, Now: now},
		func(cur model.Clawback, fc store.FinanceCase) (store.ClawbackStep, error) {
			facts := relationFacts(u, fc)
			facts.Now, facts.Comment, facts.ERPReference, facts.BookedOn = now, b.comment, b.erp, b.on
			from := workflow.State(cur.State)
			to, err := workflow.Clawback.Fire(ctx, from, e, workflow.Actor{Roles: u.Roles, Owner: facts.ActorIsApplicant}, facts)
			if err != nil {
				return store.ClawbackStep{}, financeError(workflow.Clawback, nounClawback, err, from, e)
			}
			step := store.ClawbackStep{To: to, Event: e, Comment: b.comment}
			if e == workflow.Repay {
				step.Repaid, step.ERPReference, step.RepaidOn = true, b.erp, b.date
			}
			return step, nil
		})
}

// Clawbacks lists an application's repayment demands for u.
func (s *Service) Clawbacks(ctx context.Context, u model.User, appID int64) ([]model.Clawback, error) {
	if _, err := s.moneyOf(ctx, u, appID); err != nil {
		return nil, err
	}
	return s.Store.Clawbacks(ctx, appID)
}

// ClawbackQueue lists the open repayment demands for finance and case
// officers, oldest first, from after afterID.
func (s *Service) ClawbackQueue(ctx context.Context, u model.User, afterID int64) ([]model.Clawback, error) {
	if !handlesMoney(u) {
		return nil, apperr.New(apperr.Forbidden, msgFinanceOnly)
	}
	return s.Store.ClawbackQueue(ctx, workflow.ClawbackRaised, afterID, 200)
}

// Clawback returns one repayment demand for u.
func (s *Service) Clawback(ctx context.Context, u model.User, clawbackID int64) (model.Clawback, error) {
	c, err := s.Store.Clawback(ctx, clawbackID)
	if err != nil {
		return c, err
	}
	if _, err := s.moneyOf(ctx, u, c.ApplicationID); err != nil {
		return model.Clawback{}, err
	}
	return c, nil
}

// ClawbackHistory returns a demand's history for u.
func (s *Service) ClawbackHistory(ctx context.Context, u model.User, clawbackID int64) ([]model.HistoryEntry, error) {
	c, err := s.Store.Clawback(ctx, clawbackID)
	if err != nil {
		return nil, err
	}
	if _, err := s.moneyOf(ctx, u, c.ApplicationID); err != nil {
		return nil, err
	}
	return s.Store.ClawbackHistory(ctx, clawbackID)
}

// ClawbackActions lists the events u may fire on demand c: the buttons to
// show, without those segregation of duties bars for u.
func (s *Service) ClawbackActions(ctx context.Context, u model.User, c model.Clawback) ([]workflow.Event, error) {
	facts, err := s.relationTo(ctx, u, c.ApplicationID)
	if err != nil {
		return nil, err
	}
	return unbarred(ctx, workflow.Clawback, workflow.State(c.State), u, facts), nil
}
