package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
)

// recordDecision stores a decision inside a transition's transaction and
// moves the budget with it: any commitment the application still holds is
// released, and an approval commits its amount against the frame of the
// call's budget year. The frame's row is locked, so concurrent approvals
// queue and the sum of commitments never passes the frame.
func recordDecision(ctx context.Context, tx pgx.Tx, d model.Decision, call model.Call) (model.Decision, error) {
	err := tx.QueryRow(ctx, `INSERT INTO decisions (application_id, outcome, amount_ore, requested_ore, rules, facts, considerations, decided_by, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, d.ApplicationID, d.Outcome, d.AmountOre, d.RequestedOre,
		d.Reasons.Rules, d.Reasons.Facts, d.Reasons.Considerations, d.DecidedBy, d.DecidedAt).Scan(&d.ID)
	if err != nil {
		return d, translate(err)
	}
	var frame money.Ore
	err = tx.QueryRow(ctx, "SELECT frame_ore FROM fund_budgets WHERE fund_id = $1 AND year = $2 FOR UPDATE", call.FundID, call.BudgetYear).Scan(&frame)
	if errors.Is(err, pgx.ErrNoRows) {
		if d.Outcome != model.OutcomeApprove {
			return d, nil
		}
		return d, apperr.New(apperr.Conflict, i18n.Tf("Fondet har ingen ramme for %d.", "The fund has no frame for %d.", call.BudgetYear))
	}
	if err != nil {
		return d, translate(err)
	}
	if err := releaseCommitment(ctx, tx, d.ApplicationID, &d.ID); err != nil {
		return d, err
	}
	if d.Outcome != model.OutcomeApprove {
		return d, nil
	}
	var outstanding money.Ore
	if err := tx.QueryRow(ctx, `SELECT COALESCE(sum(`+usedOfFrame+`), 0)
		FROM ledger_entries WHERE fund_id = $1 AND year = $2`, call.FundID, call.BudgetYear).Scan(&outstanding); err != nil {
		return d, translate(err)
	}
	if remaining := frame - outstanding; d.AmountOre > remaining {
		return d, apperr.New(apperr.Conflict, i18n.Tf(
			"Beløpet går ikke inn i rammen: det er %s igjen av %s for %d.",
			"The amount does not fit the frame: %s of %s for %d remains.", remaining.String(), frame.String(), call.BudgetYear))
	}
	_, err = tx.Exec(ctx, `INSERT INTO ledger_entries (fund_id, year, application_id, kind, amount_ore, decision_id, created_at)
		VALUES ($1, $2, $3, 'commitment', $4, $5, $6)`, call.FundID, call.BudgetYear, d.ApplicationID, d.AmountOre, d.ID, d.DecidedAt)
	return d, translate(err)
}

// The ledger's arithmetic, per entry, as SQL expressions over its kind and
// amount. A payment moves money from committed to paid, so it uses no more
// of the frame; repaid money returns to it.
const (
	// stillCommitted is what an entry adds to the committed, unpaid money.
	stillCommitted = `CASE kind WHEN 'commitment' THEN amount_ore WHEN 'release' THEN -amount_ore WHEN 'payment' THEN -amount_ore ELSE 0 END`
	// usedOfFrame is what an entry adds to committed plus paid less repaid.
	usedOfFrame = `CASE kind WHEN 'commitment' THEN amount_ore WHEN 'release' THEN -amount_ore WHEN 'repayment' THEN -amount_ore ELSE 0 END`
)

// releaseCommitment releases what an application still has committed and
// not paid.
func releaseCommitment(ctx context.Context, tx pgx.Tx, appID int64, decisionID *int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO ledger_entries (fund_id, year, application_id, kind, amount_ore, decision_id)
		SELECT fund_id, year, application_id, 'release', sum(`+stillCommitted+`), $2
		FROM ledger_entries WHERE application_id = $1 GROUP BY fund_id, year, application_id
		HAVING sum(`+stillCommitted+`) > 0`, appID, decisionID)
	return translate(err)
}

// Decisions lists an application's decisions, oldest first.
func (s *Store) Decisions(ctx context.Context, appID int64) ([]model.Decision, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, application_id, outcome, amount_ore, requested_ore, rules, facts, considerations, decided_by, decided_at
		FROM decisions WHERE application_id = $1 ORDER BY id`, appID)
	if err != nil {
		return nil, translate(err)
	}
	return scanDecisions(rows)
}

func scanDecisions(rows pgx.Rows) ([]model.Decision, error) {
	defer rows.Close()
	out := []model.Decision{}
	for rows.Next() {
		var d model.Decision
		if err := rows.Scan(&d.ID, &d.ApplicationID, &d.Outcome, &d.AmountOre, &d.RequestedOre, &d.Reasons.Rules,
			&d.Reasons.Facts, &d.Reasons.Considerations, &d.DecidedBy, &d.DecidedAt); err != nil {
			return nil, translate(err)
		}
		out = append(out, d)
	}
	return out, translate(rows.Err())
}

// Ledger derives a fund's budget for a year from its entries.
func (s *Store) Ledger(ctx context.Context, fundID int64, year int) (model.Ledger, error) {
	return ledger(ctx, s.pool, fundID, year)
}

func ledger(ctx context.Context, q rowQuerier, fundID int64, year int) (model.Ledger, error) {
	l := model.Ledger{FundID: fundID, Year: year}
	var commitments, payments money.Ore
	err := q.QueryRow(ctx, `SELECT b.frame_ore,
			COALESCE(sum(e.amount_ore) FILTER (WHERE e.kind = 'commitment'), 0),
			COALESCE(sum(e.amount_ore) FILTER (WHERE e.kind = 'release'), 0),
			COALESCE(sum(e.amount_ore) FILTER (WHERE e.kind = 'payment'), 0),
			COALESCE(sum(e.amount_ore) FILTER (WHERE e.kind = 'repayment'), 0),
			COALESCE(sum(e.amount_ore) FILTER (WHERE e.kind = 'release' AND e.decision_id IS NULL), 0)
		FROM fund_budgets b LEFT JOIN ledger_entries e ON e.fund_id = b.fund_id AND e.year = b.year
		WHERE b.fund_id = $1 AND b.year = $2 GROUP BY b.frame_ore`, fundID, year).
		Scan(&l.Frame, &commitments, &l.Released, &payments, &l.ClawedBack, &l.Lapsed)
	if IsNotFound(err) {
		return l, apperr.New(apperr.NotFound, i18n.Tf("Fondet har ingen ramme for %d.", "The fund has no frame for %d.", year))
	}
	l.Paid = payments
	l.Committed = commitments - l.Released - payments
	l.Remaining = l.Frame - l.Committed - l.Paid + l.ClawedBack
	return l, translate(err)
}
