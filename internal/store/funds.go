package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// CreateFund adds a fund, or returns the existing one of the same name.
func (s *Store) CreateFund(ctx context.Context, name, municipality string) (model.Fund, error) {
	f := model.Fund{Name: name, Municipality: municipality}
	err := s.pool.QueryRow(ctx, `INSERT INTO funds (name, municipality) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET municipality = EXCLUDED.municipality RETURNING id`, name, municipality).Scan(&f.ID)
	return f, translate(err)
}

// SetBudget sets a fund's frame for a year.
func (s *Store) SetBudget(ctx context.Context, fundID int64, year int, frame money.Ore) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO fund_budgets (fund_id, year, frame_ore) VALUES ($1, $2, $3)
		ON CONFLICT (fund_id, year) DO UPDATE SET frame_ore = EXCLUDED.frame_ore`, fundID, year, frame)
	return translate(err)
}

// Funds lists every fund.
func (s *Store) Funds(ctx context.Context) ([]model.Fund, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, name, municipality FROM funds ORDER BY name")
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.Fund])
	return out, translate(err)
}

// FundExists reports whether a fund exists.
func (s *Store) FundExists(ctx context.Context, id int64) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM funds WHERE id = $1)", id).Scan(&ok)
	return ok, translate(err)
}

// CreateCall adds a call for applications, with the default rubric and
// review settings where c leaves them out.
func (s *Store) CreateCall(ctx context.Context, c model.Call, createdBy int64) (model.Call, error) {
	var by *int64
	if createdBy > 0 {
		by = &createdBy
	}
	if c.BudgetYear == 0 {
		c.BudgetYear = c.OpensAt.In(workflow.Oslo).Year()
	}
	if c.ReviewersPerApplication == 0 {
		c.ReviewersPerApplication = 2
	}
	if c.DisagreementMarginTenths == 0 {
		c.DisagreementMarginTenths = 15
	}
	if c.AcceptanceDays == 0 {
		c.AcceptanceDays = 30
	}
	if c.ReportMonths == 0 {
		c.ReportMonths = 3
	}
	if len(c.PayoutPlan) == 0 {
		c.PayoutPlan = model.DefaultPayoutPlan
	}
	// In a transaction so that an Idempotency-Key claim commits with it.
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO calls (fund_id, title, description, opens_at, closes_at, max_amount_ore, created_by,
			budget_year, reviewers_per_application, review_deadline, blind_review, disagreement_margin_tenths,
			acceptance_days, report_months, payout_plan, external_recipients)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
			c.FundID, c.Title, c.Description, c.OpensAt, c.ClosesAt, c.MaxAmountOre, by,
			c.BudgetYear, c.ReviewersPerApplication, c.ReviewDeadline, c.BlindReview, c.DisagreementMarginTenths,
			c.AcceptanceDays, c.ReportMonths, c.PayoutPlan, c.ExternalRecipients).Scan(&c.ID)
		if err != nil {
			return translate(err)
		}
		noteResult(ctx, tx, ResultCall, c.ID)
		return insertCriteria(ctx, tx, c.ID, model.DefaultRubric)
	})
	return c, err
}

const callColumns = `id, fund_id, title, description, opens_at, closes_at, max_amount_ore, budget_year,
	reviewers_per_application, review_deadline, blind_review, disagreement_margin_tenths,
	acceptance_days, report_months, payout_plan, external_recipients`

// Calls lists calls, newest deadline first.
func (s *Store) Calls(ctx context.Context) ([]model.Call, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+callColumns+" FROM calls ORDER BY closes_at DESC, id DESC")
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.Call])
	return out, translate(err)
}

// OpenCalls lists the calls that take submissions at now, closing soonest first.
func (s *Store) OpenCalls(ctx context.Context, now time.Time) ([]model.Call, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+callColumns+" FROM calls WHERE opens_at <= $1 AND closes_at > $1 ORDER BY closes_at, id", now)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.Call])
	return out, translate(err)
}

// CallByID returns a call.
func (s *Store) CallByID(ctx context.Context, id int64) (model.Call, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+callColumns+" FROM calls WHERE id = $1", id)
	if err != nil {
		return model.Call{}, translate(err)
	}
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[model.Call])
	return c, translate(err)
}

// Fund returns one fund.
func (s *Store) Fund(ctx context.Context, id int64) (model.Fund, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, name, municipality FROM funds WHERE id = $1", id)
	if err != nil {
		return model.Fund{}, translate(err)
	}
	f, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[model.Fund])
	return f, translate(err)
}

// FundLogo returns a fund's logo, or nil when it has none.
func (s *Store) FundLogo(ctx context.Context, fundID int64) ([]byte, error) {
	var logo []byte
	err := s.pool.QueryRow(ctx, "SELECT logo FROM funds WHERE id = $1", fundID).Scan(&logo)
	return logo, translate(err)
}

// SetFundLogo replaces (or with nil removes) a fund's logo.
func (s *Store) SetFundLogo(ctx context.Context, fundID int64, logo []byte) error {
	_, err := s.pool.Exec(ctx, "UPDATE funds SET logo = $2 WHERE id = $1", fundID, logo)
	return translate(err)
}
