package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/notify"
	"nyttig/workflow"
)

const payoutColumns = `p.id, p.application_id, p.position, p.share_percent, p.amount_ore, p.condition, p.state,
	COALESCE(to_char(p.due_date, 'YYYY-MM-DD'), ''), p.version, p.recipient, p.attested_by, p.attested_at,
	p.authorised_by, p.authorised_at, p.erp_reference, COALESCE(to_char(p.paid_on, 'YYYY-MM-DD'), ''), p.updated_at`

func scanPayout(row pgx.Row, extra ...any) (model.Payout, error) {
	var p model.Payout
	dest := append([]any{&p.ID, &p.ApplicationID, &p.Position, &p.SharePercent, &p.AmountOre, &p.Condition, &p.State,
		&p.DueDate, &p.Version, &p.Recipient, &p.AttestedBy, &p.AttestedAt, &p.AuthorisedBy, &p.AuthorisedAt,
		&p.ERPReference, &p.PaidOn, &p.UpdatedAt}, extra...)
	return p, translate(row.Scan(dest...))
}

var (
	msgNoPayout   = i18n.T("Fant ikke utbetalingen.", "Payout not found.")
	msgNoClawback = i18n.T("Fant ikke kravet om tilbakebetaling.", "Repayment demand not found.")
	// ErrAlreadyPaid is returned when the database refuses a second
	// payment of a tranche: another authorisation committed first.
	ErrAlreadyPaid = apperr.New(apperr.Conflict, i18n.T("Utbetalingen er allerede utbetalt.", "The payout has already been paid."))
)

// insertPayouts writes an acceptance's payout plan inside its transaction
// and returns the ids of the tranches due at once. Each tranche is created
// planned; one that is due at once (p.State) is then made due, so its
// history shows both steps.
func insertPayouts(ctx context.Context, tx pgx.Tx, appID int64, plan []model.Payout, ch Change) (due []int64, err error) {
	for i, p := range plan {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO payouts (application_id, position, share_percent, amount_ore, condition, due_date, state, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, NULLIF($6, '')::date, 'planned', $7, $7) RETURNING id`,
			appID, i+1, p.SharePercent, p.AmountOre, p.Condition, p.DueDate, ch.Now).Scan(&id)
		if err != nil {
			return nil, translate(err)
		}
		if err := appendFinanceEvent(ctx, tx, payoutEvents, id, 1, ch, workflow.CreatePayout, "", workflow.PayoutPlanned, ""); err != nil {
			return nil, err
		}
		if workflow.State(p.State) != workflow.PayoutDue {
			continue
		}
		if _, err := tx.Exec(ctx, "UPDATE payouts SET state = 'due', version = 2 WHERE id = $1", id); err != nil {
			return nil, translate(err)
		}
		due = append(due, id)
		system := Change{RequestID: ch.RequestID, Now: ch.Now}
		if err := appendFinanceEvent(ctx, tx, payoutEvents, id, 2, system, workflow.MakeDue, workflow.PayoutPlanned, workflow.PayoutDue, ""); err != nil {
			return nil, err
		}
	}
	return due, nil
}

// Payouts lists an application's payout plan.
func (s *Store) Payouts(ctx context.Context, appID int64) ([]model.Payout, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+payoutColumns+" FROM payouts p WHERE p.application_id = $1 ORDER BY p.position", appID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []model.Payout{}
	for rows.Next() {
		p, err := scanPayout(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, translate(rows.Err())
}

// Payout returns one tranche.
func (s *Store) Payout(ctx context.Context, id int64) (model.Payout, error) {
	p, err := scanPayout(s.pool.QueryRow(ctx, "SELECT "+payoutColumns+" FROM payouts p WHERE p.id = $1", id))
	if apperr.Is(err, apperr.NotFound) {
		return p, apperr.New(apperr.NotFound, msgNoPayout)
	}
	return p, err
}

// PayoutQueue lists the tranches in state, oldest first, from after the id
// afterID: a finance queue (due for attestants, attested for authorisers).
func (s *Store) PayoutQueue(ctx context.Context, state workflow.State, afterID int64, limit int) ([]model.PayoutItem, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.pool.Query(ctx, "SELECT "+payoutColumns+`, a.case_number, a.title
		FROM payouts p JOIN applications a ON a.id = p.application_id
		WHERE p.state = $1 AND p.id > $2 ORDER BY p.id LIMIT $3`, string(state), afterID, limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []model.PayoutItem{}
	for rows.Next() {
		var it model.PayoutItem
		p, err := scanPayout(rows, &it.CaseNumber, &it.Title)
		if err != nil {
			return nil, err
		}
		it.Payout = p
		out = append(out, it)
	}
	return out, translate(rows.Err())
}

// PayoutsWaiting lists the planned tranches of accepted grants whose
// condition is cond: for on_date those dated on or before the civil date
// today, for on_final_report those of cases whose final report is
// approved (or that are completed). With appID not 0
// it lists only that application's, and on_final_report ones whatever
// its state (the caller has just approved its report).
func (s *Store) PayoutsWaiting(ctx context.Context, cond string, appID int64, today string) ([]model.Payout, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+payoutColumns+` FROM payouts p JOIN applications a ON a.id = p.application_id
		WHERE p.state = 'planned' AND p.condition = $1 AND ($2::bigint = 0 OR p.application_id = $2)
		  AND a.state IN ('accepted', 'final_report_submitted', 'completed')
		  AND ($1 <> 'on_date' OR p.due_date <= CAST($3::text AS date))
		  AND ($1 <> 'on_final_report' OR $2 <> 0 OR a.state = 'completed'
		       OR EXISTS (SELECT 1 FROM reports r WHERE r.application_id = a.id AND r.kind = 'final' AND r.state = 'approved'))
		ORDER BY p.id`, cond, appID, today)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []model.Payout
	for rows.Next() {
		p, err := scanPayout(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, translate(rows.Err())
}

// PayoutStep is what a payout transition decided: the new state, the
// history row, and which effects commit with it.
type PayoutStep struct {
	To      workflow.State
	Event   workflow.Event
	Comment string
	// Attest records the actor as attester, with the recipient as attested.
	Attest    bool
	Recipient model.Recipient
	// ClearAttestation forgets the attestation (the tranche was sent back).
	ClearAttestation bool
	// Pay records the actor as authoriser and the payment, and books it in
	// the ledger: committed money becomes paid.
	Pay          bool
	ERPReference string
	PaidOn       string
	// Release gives the tranche's amount back to the frame (cancelled).
	Release bool
}

// PayoutTransition moves a tranche in one transaction: it locks the row,
// lets decide pick the step from the tranche and its case, and writes the
// state, the history row and the ledger entry together. Concurrent
// transitions of one tranche queue on the row lock, and the ledger's unique
// index refuses a second payment whatever happens.
func (s *Store) PayoutTransition(ctx context.Context, id int64, ch Change, decide func(cur model.Payout, fc FinanceCase) (PayoutStep, error)) (model.Payout, error) {
	var p model.Payout
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		cur, err := scanPayout(tx.QueryRow(ctx, "SELECT "+payoutColumns+" FROM payouts p WHERE p.id = $1 FOR UPDATE", id))
		if apperr.Is(err, apperr.NotFound) {
			return apperr.New(apperr.NotFound, msgNoPayout)
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
		var recipient *model.Recipient
		if step.Attest {
			recipient = &step.Recipient
		}
		_, err = tx.Exec(ctx, `UPDATE payouts SET state = $2, version = version + 1, updated_at = $3,
			attested_by   = CASE WHEN $4 THEN $5::bigint WHEN $6 THEN NULL ELSE attested_by END,
			attested_at   = CASE WHEN $4 THEN $3 WHEN $6 THEN NULL ELSE attested_at END,
			recipient     = CASE WHEN $4 THEN $7::jsonb WHEN $6 THEN NULL ELSE recipient END,
			authorised_by = CASE WHEN $8 THEN $5::bigint ELSE authorised_by END,
			authorised_at = CASE WHEN $8 THEN $3 ELSE authorised_at END,
			erp_reference = CASE WHEN $8 THEN $9 ELSE erp_reference END,
			paid_on       = CASE WHEN $8 THEN NULLIF($10, '')::date ELSE paid_on END
			WHERE id = $1`, id, string(step.To), ch.Now, step.Attest, ch.actor(), step.ClearAttestation, recipient,
			step.Pay, step.ERPReference, step.PaidOn)
		if err != nil {
			return translate(err)
		}
		if err := appendFinanceEvent(ctx, tx, payoutEvents, id, cur.Version+1, ch, step.Event, workflow.State(cur.State), step.To, step.Comment); err != nil {
			return err
		}
		if err := s.notifyTx(ctx, tx, ch, notify.ForPayout(cur.ApplicationID, id, step.Event)...); err != nil {
			return err
		}
		if step.Pay {
			_, err := tx.Exec(ctx, `INSERT INTO ledger_entries (fund_id, year, application_id, kind, amount_ore, payout_id, created_at)
				VALUES ($1, $2, $3, 'payment', $4, $5, $6)`, fc.Call.FundID, fc.Call.BudgetYear, cur.ApplicationID, cur.AmountOre, id, ch.Now)
			if err := translate(err); apperr.Is(err, apperr.Conflict) {
				return ErrAlreadyPaid
			} else if err != nil {
				return err
			}
		}
		if step.Release {
			_, err := tx.Exec(ctx, `INSERT INTO ledger_entries (fund_id, year, application_id, kind, amount_ore, payout_id, created_at)
				VALUES ($1, $2, $3, 'release', $4, $5, $6)`, fc.Call.FundID, fc.Call.BudgetYear, cur.ApplicationID, cur.AmountOre, id, ch.Now)
			if err != nil {
				return translate(err)
			}
		}
		noteResult(ctx, tx, ResultPayout, id)
		p, err = scanPayout(tx.QueryRow(ctx, "SELECT "+payoutColumns+" FROM payouts p WHERE p.id = $1", id))
		return err
	})
	return p, err
}
