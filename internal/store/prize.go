package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/model"
	"nyttig/workflow"
)

// The innovation prize: the nominees of a fund and year and the
// committee's picks, replaced as a set in one transaction.

// nomineesQuery selects the completed projects of fund $1 whose latest
// decision was made in year $2 (in Oslo) and whose evaluation nominates
// them for the prize.
const nomineesQuery = `SELECT a.id, a.case_number, a.title, a.unit, d.amount_ore, COALESCE(r.summary, ''),
		COALESCE(p.rank, ''), COALESCE(p.citation, '')
	FROM applications a
	JOIN calls c ON c.id = a.call_id
	JOIN evaluations e ON e.application_id = a.id AND e.nominate
	JOIN LATERAL (SELECT amount_ore, decided_at FROM decisions WHERE application_id = a.id ORDER BY id DESC LIMIT 1) d ON true
	LEFT JOIN reports r ON r.application_id = a.id AND r.kind = 'final' AND r.state = 'approved'
	LEFT JOIN prize_awards p ON p.application_id = a.id AND p.fund_id = c.fund_id AND p.year = $2
	WHERE c.fund_id = $1 AND a.state = 'completed' AND extract(year FROM d.decided_at AT TIME ZONE 'Europe/Oslo') = $2
	ORDER BY a.id`

// PrizeNominees lists the projects eligible for fund's prize of year, with
// their evaluations and any award made.
func (s *Store) PrizeNominees(ctx context.Context, fundID int64, year int) ([]model.Nominee, error) {
	rows, err := s.pool.Query(ctx, nomineesQuery, fundID, year)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (model.Nominee, error) {
		var n model.Nominee
		err := row.Scan(&n.ApplicationID, &n.CaseNumber, &n.Title, &n.Unit, &n.AmountOre, &n.FinalReportSummary, &n.Rank, &n.Citation)
		return n, err
	})
	if err != nil {
		return nil, translate(err)
	}
	for i := range out {
		ev, _, err := s.Evaluation(ctx, out[i].ApplicationID)
		if err != nil {
			return nil, err
		}
		out[i].Evaluation = ev
	}
	if out == nil {
		out = []model.Nominee{}
	}
	return out, nil
}

// Prize returns fund's prize decision for year; no awards when none is made.
func (s *Store) Prize(ctx context.Context, fundID int64, year int) (model.Prize, error) {
	return prize(ctx, s.pool, fundID, year)
}

func prize(ctx context.Context, q querier, fundID int64, year int) (model.Prize, error) {
	rows, err := q.Query(ctx, `SELECT application_id, rank, citation FROM prize_awards WHERE fund_id = $1 AND year = $2
		ORDER BY rank DESC, application_id`, fundID, year)
	if err != nil {
		return model.Prize{}, translate(err)
	}
	awards, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.PrizeAward])
	if awards == nil {
		awards = []model.PrizeAward{}
	}
	return model.Prize{FundID: fundID, Year: year, Awards: awards}, translate(err)
}

// PutPrize replaces fund's prize decision for year with awards, after
// check approves them against the nominees read inside the transaction
// (the fund's row is locked, so two decisions queue). Every project named
// before or now gets a history row.
func (s *Store) PutPrize(ctx context.Context, fundID int64, year int, awards []model.PrizeAward, ch Change,
	check func(nominees []int64) error) (model.Prize, error) {
	var p model.Prize
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, "SELECT 1 FROM funds WHERE id = $1 FOR UPDATE", fundID).Scan(&one); err != nil {
			return translate(err)
		}
		rows, err := tx.Query(ctx, "SELECT n.id FROM ("+nomineesQuery+") n", fundID, year)
		if err != nil {
			return translate(err)
		}
		nominees, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return translate(err)
		}
		if err := check(nominees); err != nil {
			return err
		}
		before, err := prize(ctx, tx, fundID, year)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM prize_awards WHERE fund_id = $1 AND year = $2", fundID, year); err != nil {
			return translate(err)
		}
		touched := map[int64]string{}
		for _, b := range before.Awards {
			touched[b.ApplicationID] = fmt.Sprintf("%d: -", year)
		}
		for _, a := range awards {
			_, err := tx.Exec(ctx, `INSERT INTO prize_awards (fund_id, year, application_id, rank, citation, awarded_by, awarded_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, fundID, year, a.ApplicationID, a.Rank, a.Citation, ch.actor(), ch.Now)
			if err != nil {
				return translate(err)
			}
			touched[a.ApplicationID] = fmt.Sprintf("%d: %s", year, a.Rank)
		}
		ids := make([]int64, 0, len(touched))
		for id := range touched {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			var state string
			if err := tx.QueryRow(ctx, "SELECT state FROM applications WHERE id = $1", id).Scan(&state); err != nil {
				return translate(err)
			}
			if err := appendAccess(ctx, tx, id, ch, model.EventPrize, workflow.State(state), touched[id]); err != nil {
				return err
			}
		}
		p, err = prize(ctx, tx, fundID, year)
		return err
	})
	return p, err
}
