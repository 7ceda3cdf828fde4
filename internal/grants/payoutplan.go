package grants

import (
	"context"
	"slices"
	"strings"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// defaultPlan splits a grant by the call's default shares.
func defaultPlan(call model.Call, amount money.Ore) []model.PlanTranche {
	out := make([]model.PlanTranche, 0, len(call.PayoutPlan))
	for i, t := range payoutPlan(call.PayoutPlan, amount) {
		out = append(out, model.PlanTranche{AmountOre: t.Amount, Condition: call.PayoutPlan[i].Condition})
	}
	return out
}

// planFor returns the plan an acceptance of decision d creates: the case
// officer's, when they made one under d, else the call's default.
func (s *Service) planFor(ctx context.Context, appID int64, d model.Decision, call model.Call) ([]model.PlanTranche, error) {
	decisionID, plan, ok, err := s.Store.PayoutPlan(ctx, appID)
	if err != nil {
		return nil, err
	}
	if ok && decisionID == d.ID {
		return plan, nil
	}
	return defaultPlan(call, d.AmountOre), nil
}

// PlannedPayouts returns the payout plan an approved grant's acceptance
// will create, or the plan created at acceptance once accepted.
func (s *Service) PlannedPayouts(ctx context.Context, u model.User, appID int64) ([]model.PlanTranche, error) {
	a, err := s.moneyOf(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	if created, err := s.Store.Payouts(ctx, appID); err != nil || len(created) > 0 {
		out := make([]model.PlanTranche, len(created))
		for i, p := range created {
			out[i] = model.PlanTranche{AmountOre: p.AmountOre, Condition: p.Condition, DueDate: p.DueDate}
		}
		return out, err
	}
	d, ok, err := s.lastDecision(ctx, appID)
	if err != nil || !ok || d.Outcome != model.OutcomeApprove {
		return []model.PlanTranche{}, err
	}
	call, err := s.Store.CallByID(ctx, a.CallID)
	if err != nil {
		return nil, err
	}
	return s.planFor(ctx, appID, d, call)
}

// AdjustPayoutPlan replaces the payout plan of an approved, not yet
// accepted grant. Only a case officer may, and the tranches must sum to
// the amount granted.
func (s *Service) AdjustPayoutPlan(ctx context.Context, u model.User, appID int64, plan []model.PlanTranche, requestID string) ([]model.PlanTranche, error) {
	if !u.Has(workflow.CaseOfficer) {
		return nil, apperr.New(apperr.Forbidden, msgCaseOfficerOnly)
	}
	a, err := s.Application(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	if a.ApplicantID == u.ID {
		return nil, apperr.New(apperr.Forbidden, msgOwnCase)
	}
	d, ok, err := s.lastDecision(ctx, appID)
	if err != nil {
		return nil, err
	}
	msgNotNow := apperr.New(apperr.Conflict, i18n.T("Utbetalingsplanen kan bare endres når tilskuddet er innvilget og ennå ikke akseptert.",
		"The payout plan can only be changed once the grant is approved and before it is accepted."))
	if !ok || d.Outcome != model.OutcomeApprove {
		return nil, msgNotNow
	}
	plan = slices.Clone(plan)
	for i := range plan {
		plan[i].Condition, plan[i].DueDate = strings.TrimSpace(plan[i].Condition), strings.TrimSpace(plan[i].DueDate)
	}
	if fe := model.CheckPlan(plan, d.AmountOre); len(fe) > 0 {
		return nil, apperr.Fields(fe)
	}
	err = s.Store.SavePayoutPlan(ctx, appID, d.ID, plan, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()},
		func(cur model.Application) error {
			if cur.State != workflow.Approved {
				return msgNotNow
			}
			return nil
		})
	return plan, err
}

// acceptedPayouts builds the tranches an acceptance of d creates, each due
// at once when its condition already holds (on acceptance, or a date that
// has come).
func (s *Service) acceptedPayouts(ctx context.Context, appID int64, d model.Decision, call model.Call) ([]model.Payout, error) {
	plan, err := s.planFor(ctx, appID, d, call)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]model.Payout, len(plan))
	for i, t := range plan {
		p := model.Payout{SharePercent: model.SharePercent(t.AmountOre, d.AmountOre), AmountOre: t.AmountOre,
			Condition: t.Condition, DueDate: t.DueDate, State: string(workflow.PayoutPlanned)}
		if conditionMet(p, workflow.Accepted, false, now) {
			to, err := workflow.Payout.Fire(ctx, workflow.PayoutPlanned, workflow.MakeDue, workflow.Actor{Roles: SystemUser.Roles},
				workflow.Facts{Now: now, ConditionMet: true})
			if err != nil {
				return nil, err
			}
			p.State = string(to)
		}
		out[i] = p
	}
	return out, nil
}

// SetRecipient sets where an application's money goes. The project lead
// writes it with the application; a case officer may correct it at any
// time, as when finance sends a tranche back for a wrong account.
func (s *Service) SetRecipient(ctx context.Context, u model.User, appID int64, r model.Recipient, requestID string) (model.Application, error) {
	if !u.Has(workflow.CaseOfficer) {
		return model.Application{}, apperr.New(apperr.Forbidden, msgCaseOfficerOnly)
	}
	a, err := s.Application(ctx, u, appID)
	if err != nil {
		return model.Application{}, err
	}
	if a.ApplicantID == u.ID {
		return model.Application{}, apperr.New(apperr.Forbidden, msgOwnCase)
	}
	call, err := s.Store.CallByID(ctx, a.CallID)
	if err != nil {
		return model.Application{}, err
	}
	r.Normalise()
	fe := r.Check()
	if r.External() && !call.ExternalRecipients {
		fe["org_number"] = i18n.T("Utlysningen tillater ikke eksterne mottakere.", "The call does not allow external recipients.")
	}
	if len(fe) > 0 {
		return model.Application{}, apperr.Fields(fe)
	}
	return s.Store.UpdateRecipient(ctx, appID, r, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()},
		func(model.Application) error { return nil })
}
