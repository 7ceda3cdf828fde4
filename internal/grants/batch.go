package grants

import (
	"context"
	"errors"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// BatchResult is the outcome of one application in a batch decision.
type BatchResult struct {
	ApplicationID int64          `json:"application_id"`
	CaseNumber    string         `json:"case_number"`
	Outcome       string         `json:"outcome"`
	State         workflow.State `json:"state"`
	ErrorCode     string         `json:"error_code,omitempty"`
	Error         string         `json:"error,omitempty"`
}

var outcomeEvents = map[string]workflow.Event{
	model.OutcomeApprove: workflow.Approve, model.OutcomeReject: workflow.Reject, model.OutcomeDismiss: workflow.Dismiss,
}

// DecideBatch decides every recommended application of a call as
// recommended, each in its own transaction, so that one that does not fit
// the budget or is barred does not stop the others. With declareFree the
// decision maker declares, for each, that they have no conflict of
// interest before deciding it.
func (s *Service) DecideBatch(ctx context.Context, u model.User, callID int64, declareFree bool, lang i18n.Lang, requestID string) ([]BatchResult, error) {
	if !u.Has(workflow.DecisionMaker) {
		return nil, apperr.New(apperr.Forbidden, i18n.T("Bare beslutningstakere kan treffe vedtak.", "Only decision makers can decide."))
	}
	if _, err := s.Store.CallByID(ctx, callID); err != nil {
		return nil, err
	}
	var pending []model.Application
	for after := int64(0); ; {
		page, err := s.Store.Applications(ctx, model.ApplicationFilter{CallID: callID, State: workflow.Recommended, Limit: 200, AfterID: after})
		if err != nil {
			return nil, err
		}
		pending = append(pending, page...)
		if len(page) < 200 {
			break
		}
		after = page[len(page)-1].ID
	}
	results := make([]BatchResult, 0, len(pending))
	for i := len(pending) - 1; i >= 0; i-- { // oldest first
		a := pending[i]
		res := BatchResult{ApplicationID: a.ID, CaseNumber: a.CaseNumber, State: a.State}
		err := s.decideOne(ctx, u, a, declareFree, &res, requestID)
		if err != nil {
			// A fault stops the batch; so does its Idempotency-Key, taken
			// by the same batch sent before: this one is a retry.
			if k := apperr.KindOf(err); k == apperr.Unavailable || k == apperr.Internal || errors.Is(err, store.ErrKeyTaken) {
				return results, err
			}
			e := apperr.As(err)
			res.ErrorCode, res.Error = string(e.Kind), e.Message.In(lang)
			for _, f := range e.Fields {
				res.Error += " " + f.In(lang)
			}
		}
		results = append(results, res)
	}
	return results, nil
}

func (s *Service) decideOne(ctx context.Context, u model.User, a model.Application, declareFree bool, res *BatchResult, requestID string) error {
	rec, ok, err := s.Store.Recommendation(ctx, a.ID)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.Conflict, i18n.T("Søknaden mangler innstilling.", "The application has no recommendation."))
	}
	res.Outcome = rec.Outcome
	if declareFree {
		if _, ok, err := s.Store.LatestDeclaration(ctx, a.ID, u.ID, string(workflow.DecisionMaker)); err != nil {
			return err
		} else if !ok {
			if _, err := s.Declare(ctx, u, a.ID, false, "", requestID); err != nil {
				return err
			}
		}
	}
	after, err := s.FireWith(ctx, u, a.ID, outcomeEvents[rec.Outcome], EventInput{}, requestID)
	if err != nil {
		return err
	}
	res.State = after.State
	return nil
}

// Ledger returns a fund's budget for a year, for staff and finance.
func (s *Service) Ledger(ctx context.Context, u model.User, fundID int64, year int) (model.Ledger, error) {
	if !u.IsStaff() && !u.Has(workflow.FinanceAttestant) && !u.Has(workflow.FinanceAuthoriser) {
		return model.Ledger{}, apperr.New(apperr.Forbidden, msgStaffOnly)
	}
	return s.Store.Ledger(ctx, fundID, year)
}
