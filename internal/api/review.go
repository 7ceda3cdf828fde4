package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

func idParam(r *http.Request) (int64, error) { return httpx.IDParam(chi.URLParam(r, "id")) }

// readByID is a handler that answers with what get gives the user for the
// {id} of the path.
func readByID[T any](get func(context.Context, model.User, int64) (T, error)) func(http.ResponseWriter, *http.Request, model.User) error {
	return func(w http.ResponseWriter, r *http.Request, u model.User) error {
		id, err := idParam(r)
		if err != nil {
			return err
		}
		v, err := get(r.Context(), u, id)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, v)
		return nil
	}
}

// rubricBody is the body of PUT /calls/{id}/rubric.
type rubricBody struct {
	Criteria []model.Criterion `json:"criteria"`
}

func (a *api) getRubric(w http.ResponseWriter, r *http.Request, _ model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	rubric, err := a.grants.Rubric(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rubricBody{Criteria: rubric})
	return nil
}

func (a *api) putRubric(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b rubricBody
	if err := httpx.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	rubric, err := a.grants.SetRubric(r.Context(), u, id, b.Criteria)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rubricBody{Criteria: rubric})
	return nil
}

// reviewersBody is the body of POST /applications/{id}/reviewers.
type reviewersBody struct {
	ReviewerIDs []int64 `json:"reviewer_ids"`
}

func (a *api) listReviewers(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	list, err := a.grants.Assignments(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

func (a *api) assignReviewers(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b reviewersBody
	if err := httpx.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	list, err := a.grants.AssignReviewers(r.Context(), u, id, b.ReviewerIDs, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

func (a *api) autoAssign(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	n, err := a.grants.AutoAssign(r.Context(), u, id, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]int{"assigned": n})
	return nil
}

// declarationBody is the body of POST /applications/{id}/declarations.
type declarationBody struct {
	Conflict bool   `json:"conflict"`
	Reason   string `json:"reason"`
}

func (a *api) declare(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b declarationBody
	if err := httpx.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	d, err := a.grants.Declare(r.Context(), u, id, b.Conflict, b.Reason, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (a *api) reviewQueue(w http.ResponseWriter, r *http.Request, u model.User) error {
	q, err := a.grants.ReviewQueue(r.Context(), u)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": q})
	return nil
}

// reviewBody is the body of PUT /applications/{id}/reviews/mine.
type reviewBody struct {
	Recommendation string        `json:"recommendation"`
	Comment        string        `json:"comment"`
	Scores         []model.Score `json:"scores"`
}

func (a *api) getMyReview(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	rev, ok, err := a.grants.MyReview(r.Context(), u, id)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.NotFound, i18n.T("Du har ikke begynt på vurderingen.", "You have not started your review."))
	}
	httpx.WriteJSON(w, http.StatusOK, rev)
	return nil
}

func (a *api) putMyReview(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b reviewBody
	if err := httpx.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	rev, err := a.grants.SaveReview(r.Context(), u, id, model.Review{Recommendation: b.Recommendation, Comment: b.Comment, Scores: b.Scores},
		httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rev)
	return nil
}

func (a *api) submitMyReview(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	rev, err := a.grants.SubmitReview(r.Context(), u, id, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rev)
	return nil
}

// recommendationBody is the body of PUT /applications/{id}/recommendation.
type recommendationBody struct {
	Outcome        string        `json:"outcome"`
	AmountOre      money.Ore     `json:"amount_ore"`
	Reasons        model.Reasons `json:"reasons"`
	OverrideReason string        `json:"override_reason"`
}

func (a *api) getRecommendation(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	rec, ok, err := a.grants.Recommendation(r.Context(), u, id)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.NotFound, i18n.T("Søknaden har ingen innstilling ennå.", "The application has no recommendation yet."))
	}
	httpx.WriteJSON(w, http.StatusOK, rec)
	return nil
}

func (a *api) putRecommendation(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b recommendationBody
	if err := httpx.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	rec, err := a.grants.SaveRecommendation(r.Context(), u, id, model.Recommendation{Outcome: b.Outcome,
		AmountOre: b.AmountOre, Reasons: b.Reasons, OverrideReason: b.OverrideReason}, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rec)
	return nil
}

// batchBody is the body of POST /calls/{id}/decisions.
type batchBody struct {
	DeclareNoConflict bool `json:"declare_no_conflict"`
}

func (a *api) decideBatch(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b batchBody
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, &b); err != nil {
			return err
		}
	}
	results, err := a.grants.DecideBatch(r.Context(), u, id, b.DeclareNoConflict, httpx.Lang(r), httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"results": results})
	return nil
}

func (a *api) ledger(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	year := a.grants.Now().In(workflow.Oslo).Year()
	if v := r.URL.Query().Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2200 {
			return &apperr.Error{Kind: apperr.BadRequest, Message: i18n.T("Ugyldig år.", "Invalid year."),
				Fields: map[string]i18n.Text{"year": i18n.T("Skriv året med fire sifre.", "Write the year with four digits.")}}
		}
		year = y
	}
	l, err := a.grants.Ledger(r.Context(), u, id, year)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, l)
	return nil
}
