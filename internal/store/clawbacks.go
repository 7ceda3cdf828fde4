package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/notify"
	"nyttig/workflow"
)

const clawbackColumns = `c.id, c.application_id, c.amount_ore, c.reason, c.state, c.version, c.raised_by, c.raised_at,
	c.resolved_by, c.resolved_at, c.erp_reference, COALESCE(to_char(c.repaid_on, 'YYYY-MM-DD'), '')`

func scanClawback(row pgx.Row) (model.Clawback, error) {
	var c model.Clawback
	err := row.Scan(&c.ID, &c.ApplicationID, &c.AmountOre, &c.Reason, &c.State, &c.Version, &c.RaisedBy, &c.RaisedAt,
		&c.ResolvedBy, &c.ResolvedAt, &c.ERPReference, &c.RepaidOn)
	return c, translate(err)
}

func (s *Store) clawbacks(ctx context.Context, where string, args ...any) ([]model.Clawback, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+clawbackColumns+" FROM clawbacks c WHERE "+where, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []model.Clawback{}
	for rows.Next() {
		c, err := scanClawback(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// Clawbacks lists an application's repayment demands, oldest first.
func (s *Store) Clawbacks(ctx context.Context, appID int64) ([]model.Clawback, error) {
	return s.clawbacks(ctx, "c.application_id = $1 ORDER BY c.id", appID)
}

// ClawbackQueue lists the demands in state, oldest first, after afterID.
func (s *Store) ClawbackQueue(ctx context.Context, state workflow.State, afterID int64, limit int) ([]model.Clawback, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return s.clawbacks(ctx, "c.state = $1 AND c.id > $2 ORDER BY c.id LIMIT $3", string(state), afterID, limit)
}

// Clawback returns one repayment demand.
func (s *Store) Clawback(ctx context.Context, id int64) (model.Clawback, error) {
	c, err := scanClawback(s.pool.QueryRow(ctx, "SELECT "+clawbackColumns+" FROM clawbacks c WHERE c.id = $1", id))
	if apperr.Is(err, apperr.NotFound) {
		return c, apperr.New(apperr.NotFound, msgNoClawback)
	}
	return c, err
}

// RaiseClawback records a demand for repayment. The application's row is
// locked so that concurrent demands queue; check sees what has been paid
// and what is already demanded (in any state) before the demand is added.
func (s *Store) RaiseClawback(ctx context.Context, c model.Clawback, ch Change, check func(cur model.Application, paid, demanded money.Ore) error) (model.Clawback, error) {
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		cur, err := lockApplication(ctx, tx, c.ApplicationID)
		if err != nil {
			return err
		}
		var paid, demanded money.Ore
		if err := tx.QueryRow(ctx, `SELECT
				COALESCE((SELECT sum(amount_ore) FROM ledger_entries WHERE application_id = $1 AND kind = 'payment'), 0),
				COALESCE((SELECT sum(amount_ore) FROM clawbacks WHERE application_id = $1), 0)`, c.ApplicationID).Scan(&paid, &demanded); err != nil {
			return translate(err)
		}
		if err := check(cur, paid, demanded); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO clawbacks (application_id, amount_ore, reason, raised_by, raised_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.ApplicationID, c.AmountOre, c.Reason, c.RaisedBy, ch.Now).Scan(&id); err != nil {
			return translate(err)
		}
		if err := appendFinanceEvent(ctx, tx, clawbackEvents, id, 1, ch, workflow.RaiseClawback, "", workflow.ClawbackRaised, c.Reason); err != nil {
			return err
		}
		if err := s.notifyTx(ctx, tx, ch, notify.ForClawback(c.ApplicationID, workflow.RaiseClawback)...); err != nil {
			return err
		}
		noteResult(ctx, tx, ResultClawback, id)
		c, err = scanClawback(tx.QueryRow(ctx, "SELECT "+clawbackColumns+" FROM clawbacks c WHERE c.id = $1", id))
		return err
	})
	return c, err
}

// ClawbackStep is what a claw-back transition decided.
type ClawbackStep struct {
	To      workflow.State
	Event   workflow.Event
	Comment string
	// Repaid records the repayment and books it in the ledger.
	Repaid       bool
	ERPReference string
	RepaidOn     string
}

// ClawbackTransition resolves a demand in one transaction, as
// PayoutTransition moves a tranche.
func (s *Store) ClawbackTransition(ctx context.Context, id int64, ch Change, decide func(cur model.Clawback, fc FinanceCase) (ClawbackStep, error)) (model.Clawback, error) {
	var c model.Clawback
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		cur, err := scanClawback(tx.QueryRow(ctx, "SELECT "+clawbackColumns+" FROM clawbacks c WHERE c.id = $1 FOR UPDATE", id))
		if apperr.Is(err, apperr.NotFound) {
			return apperr.New(apperr.NotFound, msgNoClawback)
		}
		if err != nil {
			return err
		}
		fc, err := financeCase(ctx, tx, cur.ApplicationID)
		if err != nil {
			return err
		}
		step, err := decide(cur, fc)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE clawbacks SET state = $2, version = version + 1, resolved_by = $3, resolved_at = $4,
			erp_reference = CASE WHEN $5 THEN $6 ELSE erp_reference END,
			repaid_on = CASE WHEN $5 THEN NULLIF($7, '')::date ELSE repaid_on END WHERE id = $1`,
			id, string(step.To), ch.actor(), ch.Now, step.Repaid, step.ERPReference, step.RepaidOn)
		if err != nil {
			return translate(err)
		}
		if err := appendFinanceEvent(ctx, tx, clawbackEvents, id, cur.Version+1, ch, step.Event, workflow.State(cur.State), step.To, step.Comment); err != nil {
			return err
		}
		if step.Repaid {
			if _, err := tx.Exec(ctx, `INSERT INTO ledger_entries (fund_id, year, application_id, kind, amount_ore, clawback_id, created_at)
				VALUES ($1, $2, $3, 'repayment', $4, $5, $6)`, fc.Call.FundID, fc.Call.BudgetYear, cur.ApplicationID, cur.AmountOre, id, ch.Now); err != nil {
				return translate(err)
			}
		}
		noteResult(ctx, tx, ResultClawback, id)
		c, err = scanClawback(tx.QueryRow(ctx, "SELECT "+clawbackColumns+" FROM clawbacks c WHERE c.id = $1", id))
		return err
	})
	return c, err
}
