package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/model"
)

func insertCriteria(ctx context.Context, tx pgx.Tx, callID int64, rubric []model.Criterion) error {
	for i, c := range rubric {
		_, err := tx.Exec(ctx, `INSERT INTO call_criteria (call_id, position, name_nb, name_en, description_nb, description_en, weight)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, callID, i+1, c.NameNB, c.NameEN, c.DescriptionNB, c.DescriptionEN, c.Weight)
		if err != nil {
			return translate(err)
		}
	}
	return nil
}

// Rubric returns a call's criteria in order.
func (s *Store) Rubric(ctx context.Context, callID int64) ([]model.Criterion, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, call_id, position, name_nb, name_en, description_nb, description_en, weight
		FROM call_criteria WHERE call_id = $1 ORDER BY position`, callID)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.Criterion])
	if out == nil {
		out = []model.Criterion{}
	}
	return out, translate(err)
}

// SetRubric replaces a call's criteria after check approves the call (for
// instance that no review has been started on it), in one transaction.
func (s *Store) SetRubric(ctx context.Context, callID int64, rubric []model.Criterion, check func(tx pgx.Tx) error) ([]model.Criterion, error) {
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT 1 FROM calls WHERE id = $1 FOR UPDATE", callID); err != nil {
			return translate(err)
		}
		if err := check(tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM call_criteria WHERE call_id = $1", callID); err != nil {
			return translate(err)
		}
		return insertCriteria(ctx, tx, callID, rubric)
	})
	if err != nil {
		return nil, err
	}
	return s.Rubric(ctx, callID)
}

// CallHasReviews reports, inside tx, whether any review has been started
// on an application of the call.
func CallHasReviews(ctx context.Context, tx pgx.Tx, callID int64) (bool, error) {
	var ok bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reviews r JOIN applications a ON a.id = r.application_id
		WHERE a.call_id = $1)`, callID).Scan(&ok)
	return ok, translate(err)
}
