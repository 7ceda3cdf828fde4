package store

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
)

// SavePayoutPlan stores a case officer's payout plan for an application
// under its decision decisionID, after check approves the locked
// application, with an unversioned history row.
func (s *Store) SavePayoutPlan(ctx context.Context, appID, decisionID int64, plan []model.PlanTranche, ch Change, check func(cur model.Application) error) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		cur, err := lockApplication(ctx, tx, appID)
		if err != nil {
			return err
		}
		if err := check(cur); err != nil {
			return err
		}
		var latest int64
		if err := tx.QueryRow(ctx, "SELECT COALESCE(max(id), 0) FROM decisions WHERE application_id = $1", appID).Scan(&latest); err != nil {
			return translate(err)
		}
		if latest != decisionID {
			return apperr.New(apperr.Conflict, i18n.T("Saken har fått et nytt vedtak. Last siden på nytt.",
				"The case has a new decision. Reload the page."))
		}
		_, err = tx.Exec(ctx, `INSERT INTO payout_plans (application_id, decision_id, tranches, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (application_id) DO UPDATE SET decision_id = EXCLUDED.decision_id,
			tranches = EXCLUDED.tranches, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
			appID, decisionID, plan, ch.actor(), ch.Now)
		if err != nil {
			return translate(err)
		}
		parts := make([]string, len(plan))
		for i, t := range plan {
			parts[i] = strings.TrimSpace(t.AmountOre.String() + " " + t.Condition + " " + t.DueDate)
		}
		return appendAccess(ctx, tx, appID, ch, model.EventPayoutPlanAdjusted, cur.State, strings.Join(parts, "; "))
	})
}

// PayoutPlan returns the case officer's payout plan of an application and
// the decision it was made under; ok is false when there is none.
func (s *Store) PayoutPlan(ctx context.Context, appID int64) (decisionID int64, plan []model.PlanTranche, ok bool, err error) {
	err = s.pool.QueryRow(ctx, "SELECT decision_id, tranches FROM payout_plans WHERE application_id = $1", appID).Scan(&decisionID, &plan)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, false, nil
	}
	return decisionID, plan, err == nil, translate(err)
}

// UpdateRecipient replaces an application's recipient details after check
// approves the locked row, as a new version with a history row that names
// the fields changed.
func (s *Store) UpdateRecipient(ctx context.Context, appID int64, r model.Recipient, ch Change, check func(cur model.Application) error) (model.Application, error) {
	var a model.Application
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		cur, err := lockApplication(ctx, tx, appID)
		if err != nil {
			return err
		}
		if err := check(cur); err != nil {
			return err
		}
		var changed []string
		for _, f := range []struct{ name, old, new string }{
			{"cost_centre", cur.CostCentre, r.CostCentre}, {"project_number", cur.ProjectNumber, r.ProjectNumber},
			{"org_number", cur.OrgNumber, r.OrgNumber}, {"account_number", cur.AccountNumber, r.AccountNumber},
		} {
			if f.old != f.new {
				changed = append(changed, f.name)
			}
		}
		_, err = tx.Exec(ctx, `UPDATE applications SET cost_centre = $2, project_number = $3, org_number = $4, account_number = $5,
			version = version + 1, updated_at = $6 WHERE id = $1`, appID, r.CostCentre, r.ProjectNumber, r.OrgNumber, r.AccountNumber, ch.Now)
		if err != nil {
			return translate(err)
		}
		if err := appendHistory(ctx, tx, appID, cur.Version+1, ch, model.EventRecipientChanged, cur.State, cur.State, strings.Join(changed, ", ")); err != nil {
			return err
		}
		a, err = scanApplication(tx.QueryRow(ctx, "SELECT "+applicationColumns+" FROM applications a WHERE a.id = $1", appID))
		return err
	})
	return a, err
}
