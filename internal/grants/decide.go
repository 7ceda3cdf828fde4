package grants

import (
	"context"
	"sort"
	"strings"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// RankedApplication is one line of a call's ranking.
type RankedApplication struct {
	ApplicationID  int64           `json:"application_id"`
	CaseNumber     string          `json:"case_number"`
	Title          string          `json:"title"`
	Unit           string          `json:"unit"`
	State          workflow.State  `json:"state"`
	RequestedOre   money.Ore       `json:"requested_amount_ore"`
	ProposedOre    money.Ore       `json:"proposed_amount_ore"`
	Aggregate      model.Aggregate `json:"aggregate"`
	RunningSumOre  money.Ore       `json:"running_sum_ore"`
	WithinBudget   bool            `json:"within_budget"`
	Recommendation string          `json:"recommendation"`
}

// Ranking is a call's applications by weighted mean, against the budget.
type Ranking struct {
	CallID       int64               `json:"call_id"`
	Ledger       model.Ledger        `json:"ledger"`
	Applications []RankedApplication `json:"applications"`
}

// rankedStates are the applications that compete for the money.
var rankedStates = []workflow.State{workflow.InReview, workflow.Recommended}

// Ranking ranks a call's applications in review or recommended by their
// reviewers' weighted mean, with the amount each would take (the
// recommended amount where there is one, else the requested) summed in
// rank order against what remains of the frame.
func (s *Service) Ranking(ctx context.Context, u model.User, callID int64) (Ranking, error) {
	if !u.IsStaff() {
		return Ranking{}, apperr.New(apperr.Forbidden, msgStaffOnly)
	}
	call, err := s.Store.CallByID(ctx, callID)
	if err != nil {
		return Ranking{}, err
	}
	ledger, err := s.Store.Ledger(ctx, call.FundID, call.BudgetYear)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return Ranking{}, err
	}
	rubric, err := s.Store.Rubric(ctx, callID)
	if err != nil {
		return Ranking{}, err
	}
	reviews, err := s.Store.SubmittedReviewsOfCall(ctx, callID)
	if err != nil {
		return Ranking{}, err
	}
	totals := map[int64][]float64{}
	for _, r := range reviews {
		if t, ok := model.Weighted(rubric, r.Scores); ok {
			totals[r.ApplicationID] = append(totals[r.ApplicationID], t)
		}
	}
	var lines []RankedApplication
	for _, st := range rankedStates {
		for after := int64(0); ; {
			page, err := s.Store.Applications(ctx, model.ApplicationFilter{CallID: callID, State: st, Limit: 200, AfterID: after})
			if err != nil {
				return Ranking{}, err
			}
			for _, a := range page {
				if conflicted, err := s.Store.HasDeclaredConflict(ctx, a.ID, u.ID); err != nil {
					return Ranking{}, err
				} else if conflicted {
					continue // a conflicted person sees no scores
				}
				line := RankedApplication{ApplicationID: a.ID, CaseNumber: a.CaseNumber, Title: a.Title, Unit: a.Unit,
					State: a.State, RequestedOre: a.RequestedAmountOre, ProposedOre: a.RequestedAmountOre,
					Aggregate: model.Summarise(totals[a.ID], call.DisagreementMargin())}
				if rec, ok, err := s.Store.Recommendation(ctx, a.ID); err != nil {
					return Ranking{}, err
				} else if ok {
					line.Recommendation = rec.Outcome
					line.ProposedOre = rec.AmountOre
				}
				lines = append(lines, line)
			}
			if len(page) < 200 {
				break
			}
			after = page[len(page)-1].ID
		}
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].Aggregate.Mean != lines[j].Aggregate.Mean {
			return lines[i].Aggregate.Mean > lines[j].Aggregate.Mean
		}
		return lines[i].ApplicationID < lines[j].ApplicationID
	})
	var sum money.Ore
	for i := range lines {
		if lines[i].Recommendation != "" && lines[i].Recommendation != model.OutcomeApprove {
			lines[i].RunningSumOre = sum
			continue
		}
		sum += lines[i].ProposedOre
		lines[i].RunningSumOre = sum
		lines[i].WithinBudget = sum <= ledger.Remaining
	}
	if lines == nil {
		lines = []RankedApplication{}
	}
	return Ranking{CallID: callID, Ledger: ledger, Applications: lines}, nil
}

// Recommendation returns an application's recommendation, for staff.
func (s *Service) Recommendation(ctx context.Context, u model.User, appID int64) (model.Recommendation, bool, error) {
	_, acc, err := s.open(ctx, u, appID)
	if err != nil {
		return model.Recommendation{}, false, err
	}
	if !acc.staff {
		return model.Recommendation{}, false, apperr.New(apperr.Forbidden, msgStaffOnly)
	}
	return s.Store.Recommendation(ctx, appID)
}

func validOutcome(o string) bool {
	return o == model.OutcomeApprove || o == model.OutcomeReject || o == model.OutcomeDismiss
}

// SaveRecommendation writes the case officer's recommendation (innstilling)
// on an application in review: outcome, amount, and reasons in three parts.
func (s *Service) SaveRecommendation(ctx context.Context, u model.User, appID int64, r model.Recommendation, requestID string) (model.Recommendation, error) {
	if !isCaseOfficer(u) {
		return r, apperr.New(apperr.Forbidden, msgCaseOfficerOnly)
	}
	a, err := s.Application(ctx, u, appID)
	if err != nil {
		return r, err
	}
	fe := model.FieldErrors{}
	if !validOutcome(r.Outcome) {
		fe["outcome"] = i18n.T("Velg innvilgelse, avslag eller avvisning.", "Choose approve, reject or dismiss.")
	}
	if r.Outcome == model.OutcomeApprove && (r.AmountOre < workflow.MinGrantOre || r.AmountOre > a.RequestedAmountOre) {
		fe["amount_ore"] = i18n.Tf("Foreslå et beløp mellom 1 kr og søkt beløp (%s).", "Propose an amount between 1 kr and the amount applied for (%s).", a.RequestedAmountOre.String())
	}
	if r.Outcome != model.OutcomeApprove {
		r.AmountOre = 0
	}
	for k, v := range r.Reasons.Missing() {
		fe[k] = v
	}
	r.OverrideReason = strings.TrimSpace(r.OverrideReason)
	if len([]rune(r.OverrideReason)) > model.MaxText || !model.ValidText(r.OverrideReason) {
		fe["override_reason"] = i18n.Tf("Høyst %d gyldige tegn.", "At most %d valid characters.", model.MaxText)
	}
	if len(fe) > 0 {
		return r, apperr.Fields(fe)
	}
	r.ApplicationID, r.AuthorID = appID, u.ID
	return s.Store.SaveRecommendation(ctx, r, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()},
		func(cur model.Application) error {
			if cur.State != workflow.InReview && cur.State != workflow.Recommended {
				return apperr.New(apperr.Conflict, msgNotReviewable)
			}
			return nil
		})
}

// reviewsMissing counts how many of the call's required reviews of an
// application are not yet submitted.
func (s *Service) reviewsMissing(ctx context.Context, a model.Application, call model.Call) (int, error) {
	reviews, err := s.Store.Reviews(ctx, a.ID)
	if err != nil {
		return 0, err
	}
	done := map[int64]bool{}
	for _, r := range reviews {
		if r.Submitted() {
			done[r.ReviewerID] = true
		}
	}
	return max(0, call.ReviewersPerApplication-len(done)), nil
}

// deciderStanding tells whether u may decide a: declared free of conflict,
// not barred by a rule (self, partner, leader), and not a reviewer of it.
func (s *Service) deciderStanding(ctx context.Context, u model.User, a model.Application) (declaredFree, conflicted bool, err error) {
	if a.ApplicantID == u.ID {
		return false, true, nil
	}
	if _, assigned, err := s.Store.Assignment(ctx, a.ID, u.ID); err != nil || assigned {
		return false, assigned, err
	}
	rules, err := s.autoConflicts(ctx, u, a)
	if err != nil {
		return false, false, err
	}
	for _, r := range rules {
		if r.Kind != model.RuleSameUnit { // a committee member may sit in the applicant's unit
			return false, true, nil
		}
	}
	d, ok, err := s.Store.LatestDeclaration(ctx, a.ID, u.ID, string(workflow.DecisionMaker))
	if err != nil || !ok {
		return false, false, err
	}
	return !d.Conflict, d.Conflict, nil
}
