package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
)

var (
	msgNoExport = i18n.T("Fant ikke eksportbunten.", "Export batch not found.")
	// ErrNothingToExport is returned when no paid tranche waits for export.
	ErrNothingToExport = apperr.New(apperr.Conflict, i18n.T("Ingen nye utbetalinger å eksportere.", "No new payouts to export."))
)

const exportColumns = "id, created_by, created_at, count, total_ore"

// CreatePayoutExport records a batch of every paid tranche not yet in one,
// in one transaction. The tranches are locked in id order, so a concurrent
// export waits and then finds them taken; the batch is the caller's alone.
func (s *Store) CreatePayoutExport(ctx context.Context, ch Change) (model.PayoutExport, error) {
	var x model.PayoutExport
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT id, amount_ore FROM payouts WHERE state = 'paid' AND export_id IS NULL ORDER BY id FOR UPDATE")
		if err != nil {
			return translate(err)
		}
		type waiting struct {
			ID     int64
			Amount money.Ore
		}
		ws, err := pgx.CollectRows(rows, pgx.RowToStructByPos[waiting])
		if err != nil {
			return translate(err)
		}
		if len(ws) == 0 {
			return ErrNothingToExport
		}
		ids := make([]int64, len(ws))
		var total money.Ore
		for i, w := range ws {
			ids[i], total = w.ID, total+w.Amount
		}
		rows, err = tx.Query(ctx, `INSERT INTO payout_exports (created_by, created_at, count, total_ore) VALUES ($1, $2, $3, $4)
			RETURNING `+exportColumns, ch.actor(), ch.Now, len(ws), total)
		if err != nil {
			return translate(err)
		}
		x, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[model.PayoutExport])
		if err != nil {
			return translate(err)
		}
		if _, err = tx.Exec(ctx, "UPDATE payouts SET export_id = $1 WHERE id = ANY($2)", x.ID, ids); err != nil {
			return translate(err)
		}
		noteResult(ctx, tx, ResultPayoutExport, x.ID)
		return nil
	})
	return x, err
}

// PayoutExport returns a batch.
func (s *Store) PayoutExport(ctx context.Context, id int64) (model.PayoutExport, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+exportColumns+" FROM payout_exports WHERE id = $1", id)
	if err != nil {
		return model.PayoutExport{}, translate(err)
	}
	x, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[model.PayoutExport])
	if err != nil {
		if err = translate(err); apperr.Is(err, apperr.NotFound) {
			return x, apperr.New(apperr.NotFound, msgNoExport)
		}
	}
	return x, err
}

// ExportLines returns a batch's lines in tranche order, each with the
// recipient as attested.
func (s *Store) ExportLines(ctx context.Context, exportID int64) ([]model.ExportLine, error) {
	rows, err := s.pool.Query(ctx, `SELECT p.id, a.case_number, a.title, p.recipient, p.amount_ore,
		to_char(p.paid_on, 'YYYY-MM-DD'), p.erp_reference
		FROM payouts p JOIN applications a ON a.id = p.application_id
		WHERE p.export_id = $1 ORDER BY p.id`, exportID)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.ExportLine])
	return out, translate(err)
}

// PayoutExports lists the recorded batches, newest first.
func (s *Store) PayoutExports(ctx context.Context, limit int) ([]model.PayoutExport, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+exportColumns+" FROM payout_exports ORDER BY id DESC LIMIT $1", limit)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.PayoutExport])
	if out == nil {
		out = []model.PayoutExport{}
	}
	return out, translate(err)
}
