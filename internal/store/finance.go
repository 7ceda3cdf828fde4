package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// Finance storage: tranches and their ledger entries (payouts.go), the
// payout plan and the recipient (payoutplan.go), claw-backs
// (clawbacks.go). Shared here: their append-only histories, and the case a
// finance transition sees.

// financeHistory names a history table of the finance lifecycles and the
// column that refers to its subject.
type financeHistory struct{ table, subject string }

var (
	payoutEvents   = financeHistory{"payout_events", "payout_id"}
	clawbackEvents = financeHistory{"clawback_events", "clawback_id"}
)

func appendFinanceEvent(ctx context.Context, tx pgx.Tx, h financeHistory, id int64, version int, ch Change, e workflow.Event, from, to workflow.State, comment string) error {
	_, err := tx.Exec(ctx, `INSERT INTO `+h.table+` (`+h.subject+`, version, actor_id, event, from_state, to_state, comment, request_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, version, ch.actor(), string(e), string(from), string(to), comment, ch.RequestID, ch.Now)
	return translate(err)
}

func (s *Store) financeHistory(ctx context.Context, h financeHistory, id int64) ([]model.HistoryEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT e.id, e.version, e.actor_id, COALESCE(u.name, ''), e.event, e.from_state, e.to_state,
		e.comment, e.request_id, e.created_at
		FROM `+h.table+` e LEFT JOIN users u ON u.id = e.actor_id WHERE e.`+h.subject+` = $1 ORDER BY e.version`, id)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.HistoryEntry])
	if out == nil {
		out = []model.HistoryEntry{}
	}
	return out, translate(err)
}

// PayoutHistory returns a payout's history, oldest first.
func (s *Store) PayoutHistory(ctx context.Context, payoutID int64) ([]model.HistoryEntry, error) {
	return s.financeHistory(ctx, payoutEvents, payoutID)
}

// ClawbackHistory returns a claw-back's history, oldest first.
func (s *Store) ClawbackHistory(ctx context.Context, clawbackID int64) ([]model.HistoryEntry, error) {
	return s.financeHistory(ctx, clawbackEvents, clawbackID)
}

// FinanceCase is what a payout or claw-back transition knows of its
// application: the application, its call, who decided it, and the amount
// its latest decision granted.
type FinanceCase struct {
	Application model.Application
	Call        model.Call
	DecidedBy   []int64
	Granted     money.Ore
	// FinalReportApproved is whether the case's final report is approved,
	// which makes its held-back tranche due.
	FinalReportApproved bool
}

func financeCase(ctx context.Context, tx pgx.Tx, appID int64) (FinanceCase, error) {
	var fc FinanceCase
	var err error
	fc.Application, err = scanApplication(tx.QueryRow(ctx, "SELECT "+applicationColumns+" FROM applications a WHERE a.id = $1", appID))
	if err != nil {
		return fc, err
	}
	rows, err := tx.Query(ctx, "SELECT "+callColumns+" FROM calls WHERE id = $1", fc.Application.CallID)
	if err != nil {
		return fc, translate(err)
	}
	fc.Call, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[model.Call])
	if err != nil {
		return fc, translate(err)
	}
	rows, err = tx.Query(ctx, "SELECT DISTINCT decided_by FROM decisions WHERE application_id = $1", appID)
	if err != nil {
		return fc, translate(err)
	}
	fc.DecidedBy, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fc, translate(err)
	}
	err = tx.QueryRow(ctx, `SELECT COALESCE((SELECT amount_ore FROM decisions WHERE application_id = $1 ORDER BY id DESC LIMIT 1), 0),
		EXISTS (SELECT 1 FROM reports WHERE application_id = $1 AND kind = 'final' AND state = 'approved')`, appID).Scan(&fc.Granted, &fc.FinalReportApproved)
	return fc, translate(err)
}
