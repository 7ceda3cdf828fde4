package grants

import (
	"context"
	"fmt"
	"strings"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/workflow"
)

var msgNotYourReview = i18n.T("Du er ikke tildelt denne søknaden som fagvurderer.", "You are not assigned to review this application.")

// reviewerOf opens an application for u as its active reviewer, while it
// is in review.
func (s *Service) reviewerOf(ctx context.Context, u model.User, appID int64) (model.Application, error) {
	a, acc, err := s.open(ctx, u, appID)
	if err != nil {
		return a, err
	}
	if !acc.reviewer {
		return a, apperr.New(apperr.Forbidden, msgNotYourReview)
	}
	if a.State != workflow.InReview {
		return a, apperr.New(apperr.Conflict, msgNotReviewable)
	}
	return a, nil
}

// checkScores validates scores against the rubric; complete demands a
// score for every criterion and a recommendation.
func checkScores(rubric []model.Criterion, r model.Review, complete bool) map[string]i18n.Text {
	fe := map[string]i18n.Text{}
	known := map[int64]bool{}
	for _, c := range rubric {
		known[c.ID] = true
	}
	seen := map[int64]bool{}
	for i, sc := range r.Scores {
		p := fmt.Sprintf("scores[%d].", i)
		switch {
		case !known[sc.CriterionID]:
			fe[p+"criterion_id"] = i18n.T("Ukjent kriterium.", "Unknown criterion.")
		case seen[sc.CriterionID]:
			fe[p+"criterion_id"] = i18n.T("Kriteriet er gitt to ganger.", "The criterion is given twice.")
		}
		seen[sc.CriterionID] = true
		if sc.Score < model.MinScore || sc.Score > model.MaxScore {
			fe[p+"score"] = i18n.T("Gi en poengsum fra 1 til 5.", "Give a score from 1 to 5.")
		}
		if len([]rune(sc.Comment)) > model.MaxText || !model.ValidText(sc.Comment) {
			fe[p+"comment"] = i18n.Tf("Høyst %d gyldige tegn.", "At most %d valid characters.", model.MaxText)
		}
	}
	switch r.Recommendation {
	case "", model.RecommendYes, model.RecommendMaybe, model.RecommendNo:
	default:
		fe["recommendation"] = i18n.T("Velg ja, kanskje eller nei.", "Choose yes, maybe or no.")
	}
	if len([]rune(r.Comment)) > model.MaxText || !model.ValidText(r.Comment) {
		fe["comment"] = i18n.Tf("Høyst %d gyldige tegn.", "At most %d valid characters.", model.MaxText)
	}
	if complete {
		for _, c := range rubric {
			if !seen[c.ID] {
				fe[fmt.Sprintf("criterion_%d", c.ID)] = i18n.Tf("Gi en poengsum for «%s».", "Score “%s”.", c.NameNB)
			}
		}
		if r.Recommendation == "" {
			fe["recommendation"] = i18n.T("Velg ja, kanskje eller nei.", "Choose yes, maybe or no.")
		}
	}
	return fe
}

// MyReview returns u's latest review of an application, with its total.
func (s *Service) MyReview(ctx context.Context, u model.User, appID int64) (model.Review, bool, error) {
	a, acc, err := s.open(ctx, u, appID)
	if err != nil {
		return model.Review{}, false, err
	}
	if !acc.reviewer {
		return model.Review{}, false, apperr.New(apperr.Forbidden, msgNotYourReview)
	}
	r, ok, err := s.Store.MyReview(ctx, appID, u.ID)
	if err != nil || !ok {
		return r, ok, err
	}
	rubric, err := s.Store.Rubric(ctx, a.CallID)
	r.WeightedTotal, _ = model.Weighted(rubric, r.Scores)
	return r, true, err
}

// SaveReview saves u's draft review (starting an amendment when the last
// version was submitted). A draft may be incomplete.
func (s *Service) SaveReview(ctx context.Context, u model.User, appID int64, r model.Review, requestID string) (model.Review, error) {
	a, err := s.reviewerOf(ctx, u, appID)
	if err != nil {
		return model.Review{}, err
	}
	rubric, err := s.Store.Rubric(ctx, a.CallID)
	if err != nil {
		return model.Review{}, err
	}
	r.Comment = strings.TrimSpace(r.Comment)
	if fe := checkScores(rubric, r, false); len(fe) > 0 {
		return model.Review{}, apperr.Fields(fe)
	}
	r.ApplicationID, r.ReviewerID = appID, u.ID
	if r.Scores == nil {
		r.Scores = []model.Score{}
	}
	saved, err := s.Store.SaveReviewDraft(ctx, r, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()})
	saved.WeightedTotal, _ = model.Weighted(rubric, saved.Scores)
	return saved, err
}

// SubmitReview freezes u's draft; it must score every criterion.
func (s *Service) SubmitReview(ctx context.Context, u model.User, appID int64, requestID string) (model.Review, error) {
	a, err := s.reviewerOf(ctx, u, appID)
	if err != nil {
		return model.Review{}, err
	}
	rubric, err := s.Store.Rubric(ctx, a.CallID)
	if err != nil {
		return model.Review{}, err
	}
	r, err := s.Store.SubmitReview(ctx, appID, u.ID, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()},
		func(draft model.Review) error {
			if fe := checkScores(rubric, draft, true); len(fe) > 0 {
				return apperr.Fields(fe)
			}
			return nil
		})
	r.WeightedTotal, _ = model.Weighted(rubric, r.Scores)
	return r, err
}

// ReviewSummary is what GET reviews returns: the reviews u may see and the
// aggregate of the latest submitted version of each.
type ReviewSummary struct {
	Reviews   []model.Review    `json:"reviews"`
	Aggregate model.Aggregate   `json:"aggregate"`
	Rubric    []model.Criterion `json:"rubric"`
}

// Reviews returns an application's reviews for staff, and for a reviewer
// once their own is submitted (before that, only their own). Applicants
// never see score sheets (offentleglova § 14).
func (s *Service) Reviews(ctx context.Context, u model.User, appID int64) (ReviewSummary, error) {
	a, acc, err := s.open(ctx, u, appID)
	if err != nil {
		return ReviewSummary{}, err
	}
	if !acc.staff && !acc.reviewer {
		return ReviewSummary{}, apperr.New(apperr.Forbidden, i18n.T("Fagvurderingene er interne.", "Reviews are internal."))
	}
	call, err := s.Store.CallByID(ctx, a.CallID)
	if err != nil {
		return ReviewSummary{}, err
	}
	rubric, err := s.Store.Rubric(ctx, a.CallID)
	if err != nil {
		return ReviewSummary{}, err
	}
	all, err := s.Store.Reviews(ctx, appID)
	if err != nil {
		return ReviewSummary{}, err
	}
	mineSubmitted := false
	for _, r := range all {
		if r.ReviewerID == u.ID && r.Submitted() {
			mineSubmitted = true
		}
	}
	sum := ReviewSummary{Reviews: []model.Review{}, Rubric: rubric}
	latest := map[int64]float64{}
	for _, r := range all {
		if !acc.staff && !mineSubmitted && r.ReviewerID != u.ID {
			continue
		}
		if !acc.staff && !r.Submitted() && r.ReviewerID != u.ID {
			continue // another reviewer's draft
		}
		r.WeightedTotal, _ = model.Weighted(rubric, r.Scores)
		sum.Reviews = append(sum.Reviews, r)
		if r.Submitted() {
			latest[r.ReviewerID] = r.WeightedTotal // versions come in order: the last one wins
		}
	}
	if acc.staff || mineSubmitted {
		totals := make([]float64, 0, len(latest))
		for _, t := range latest {
			totals = append(totals, t)
		}
		sum.Aggregate = model.Summarise(totals, call.DisagreementMargin())
	}
	return sum, nil
}
