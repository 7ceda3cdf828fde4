package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
)

const reviewColumns = `r.id, r.application_id, r.reviewer_id, u.name, r.version, r.recommendation, r.comment, r.scores,
	r.submitted_at, r.updated_at`

func scanReviews(rows pgx.Rows) ([]model.Review, error) {
	defer rows.Close()
	out := []model.Review{}
	for rows.Next() {
		var r model.Review
		if err := rows.Scan(&r.ID, &r.ApplicationID, &r.ReviewerID, &r.ReviewerName, &r.Version, &r.Recommendation,
			&r.Comment, &r.Scores, &r.SubmittedAt, &r.UpdatedAt); err != nil {
			return nil, translate(err)
		}
		if r.Scores == nil {
			r.Scores = []model.Score{}
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// Reviews lists every version of every review of an application, by
// reviewer and version.
func (s *Store) Reviews(ctx context.Context, appID int64) ([]model.Review, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+reviewColumns+` FROM reviews r JOIN users u ON u.id = r.reviewer_id
		WHERE r.application_id = $1 ORDER BY u.name, r.reviewer_id, r.version`, appID)
	if err != nil {
		return nil, translate(err)
	}
	return scanReviews(rows)
}

// SubmittedReviewsOfCall lists the latest submitted version of each review
// of the call's applications.
func (s *Store) SubmittedReviewsOfCall(ctx context.Context, callID int64) ([]model.Review, error) {
	rows, err := s.pool.Query(ctx, "SELECT DISTINCT ON (r.application_id, r.reviewer_id) "+reviewColumns+`
		FROM reviews r JOIN users u ON u.id = r.reviewer_id JOIN applications a ON a.id = r.application_id
		WHERE a.call_id = $1 AND r.submitted_at IS NOT NULL
		ORDER BY r.application_id, r.reviewer_id, r.version DESC`, callID)
	if err != nil {
		return nil, translate(err)
	}
	return scanReviews(rows)
}

// MyReview returns a reviewer's latest review version of an application.
func (s *Store) MyReview(ctx context.Context, appID, reviewerID int64) (model.Review, bool, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+reviewColumns+` FROM reviews r JOIN users u ON u.id = r.reviewer_id
		WHERE r.application_id = $1 AND r.reviewer_id = $2 ORDER BY r.version DESC LIMIT 1`, appID, reviewerID)
	if err != nil {
		return model.Review{}, false, translate(err)
	}
	list, err := scanReviews(rows)
	if err != nil || len(list) == 0 {
		return model.Review{}, false, err
	}
	return list[0], true, nil
}

// SaveReviewDraft writes a reviewer's draft: it updates the open draft, or
// starts a new version when the latest one is submitted (an amendment).
func (s *Store) SaveReviewDraft(ctx context.Context, r model.Review, ch Change) (model.Review, error) {
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		if _, err := lockApplication(ctx, tx, r.ApplicationID); err != nil {
			return err
		}
		var version int
		var submitted bool
		err := tx.QueryRow(ctx, `SELECT version, submitted_at IS NOT NULL FROM reviews WHERE application_id = $1 AND reviewer_id = $2
			ORDER BY version DESC LIMIT 1`, r.ApplicationID, r.ReviewerID).Scan(&version, &submitted)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			version, submitted = 0, true
		case err != nil:
			return translate(err)
		}
		if submitted {
			_, err = tx.Exec(ctx, `INSERT INTO reviews (application_id, reviewer_id, version, recommendation, comment, scores, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.ApplicationID, r.ReviewerID, version+1, r.Recommendation, r.Comment, r.Scores, ch.Now)
		} else {
			_, err = tx.Exec(ctx, `UPDATE reviews SET recommendation = $4, comment = $5, scores = $6, updated_at = $7
				WHERE application_id = $1 AND reviewer_id = $2 AND version = $3`, r.ApplicationID, r.ReviewerID, version, r.Recommendation, r.Comment, r.Scores, ch.Now)
		}
		return translate(err)
	})
	if err != nil {
		return model.Review{}, err
	}
	got, _, err := s.MyReview(ctx, r.ApplicationID, r.ReviewerID)
	return got, err
}

var msgNoDraftReview = i18n.T("Det finnes ikke noe utkast til vurdering å sende inn.", "There is no draft review to submit.")

// SubmitReview freezes a reviewer's draft after check approves it, with a
// history row.
func (s *Store) SubmitReview(ctx context.Context, appID, reviewerID int64, ch Change, check func(model.Review) error) (model.Review, error) {
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		cur, err := lockApplication(ctx, tx, appID)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT "+reviewColumns+` FROM reviews r JOIN users u ON u.id = r.reviewer_id
			WHERE r.application_id = $1 AND r.reviewer_id = $2 AND r.submitted_at IS NULL`, appID, reviewerID)
		if err != nil {
			return translate(err)
		}
		drafts, err := scanReviews(rows)
		if err != nil {
			return err
		}
		if len(drafts) == 0 {
			return apperr.New(apperr.Conflict, msgNoDraftReview)
		}
		if err := check(drafts[0]); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE reviews SET submitted_at = $2 WHERE id = $1", drafts[0].ID, ch.Now); err != nil {
			return translate(err)
		}
		noteResult(ctx, tx, ResultApplication, appID)
		return appendAccess(ctx, tx, appID, ch, EventReviewSubmitted, cur.State, drafts[0].ReviewerName)
	})
	if err != nil {
		return model.Review{}, err
	}
	got, _, err := s.MyReview(ctx, appID, reviewerID)
	return got, err
}

// Recommendation returns an application's recommendation, if any.
func (s *Store) Recommendation(ctx context.Context, appID int64) (model.Recommendation, bool, error) {
	var r model.Recommendation
	err := s.pool.QueryRow(ctx, `SELECT application_id, outcome, amount_ore, rules, facts, considerations, override_reason, author_id, updated_at
		FROM recommendations WHERE application_id = $1`, appID).Scan(&r.ApplicationID, &r.Outcome, &r.AmountOre,
		&r.Reasons.Rules, &r.Reasons.Facts, &r.Reasons.Considerations, &r.OverrideReason, &r.AuthorID, &r.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, translate(err)
}

// SaveRecommendation writes an application's recommendation after check
// approves the locked application, with a history row.
func (s *Store) SaveRecommendation(ctx context.Context, r model.Recommendation, ch Change, check func(model.Application) error) (model.Recommendation, error) {
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		cur, err := lockApplication(ctx, tx, r.ApplicationID)
		if err != nil {
			return err
		}
		if err := check(cur); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO recommendations (application_id, outcome, amount_ore, rules, facts, considerations, override_reason, author_id, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (application_id) DO UPDATE SET outcome = EXCLUDED.outcome, amount_ore = EXCLUDED.amount_ore,
				rules = EXCLUDED.rules, facts = EXCLUDED.facts, considerations = EXCLUDED.considerations,
				override_reason = EXCLUDED.override_reason, author_id = EXCLUDED.author_id, updated_at = EXCLUDED.updated_at
			RETURNING updated_at`, r.ApplicationID, r.Outcome, r.AmountOre, r.Reasons.Rules, r.Reasons.Facts, r.Reasons.Considerations,
			r.OverrideReason, r.AuthorID, ch.Now).Scan(&r.UpdatedAt)
		if err != nil {
			return translate(err)
		}
		return appendAccess(ctx, tx, r.ApplicationID, ch, EventRecommendation, cur.State, r.Outcome)
	})
	return r, err
}
