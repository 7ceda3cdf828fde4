package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/model"
	"nyttig/workflow"
)

// The annual summary's reads (package summary). Each is one set-based
// query over a fund and a year, so that ten thousand applications cost a
// few milliseconds, never a query per application. A year runs from
// 1 January 00:00 to the next 1 January, Europe/Oslo.

// SummaryPeriod is a fund and a year, with the year's bounds in time.
type SummaryPeriod struct {
	FundID int64
	Year   int
	from   time.Time
	to     time.Time
}

// NewSummaryPeriod returns the period of year for fund.
func NewSummaryPeriod(fundID int64, year int) SummaryPeriod {
	from := time.Date(year, time.January, 1, 0, 0, 0, 0, workflow.Oslo)
	return SummaryPeriod{FundID: fundID, Year: year, from: from, to: from.AddDate(1, 0, 0)}
}

// SummaryData is every figure the store sums for a summary.
type SummaryData struct {
	Totals     model.SummaryTotals
	Ledger     model.Ledger
	Processing model.ProcessingTimes
	Funnel     model.Funnel
	Scores     []model.CriterionScore
	Benefits   model.Benefits
	Projects   []model.FundedProject
	Prize      []model.SummaryPrize
}

// rowQuerier is what the summary's reads need of a transaction: a pool
// or a transaction.
type rowQuerier interface {
	querier
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Summary reads every figure of a fund's year in one repeatable-read
// transaction, so the figures agree with each other. It first gathers one
// row per submitted application of the fund — whether it was received in
// the year, its latest and first decisions, its money in the year's
// ledger — into a temporary table that the other queries read, instead of
// each joining the same tables again. The transaction is rolled back: it
// only reads, and the table goes with it.
func (s *Store) Summary(ctx context.Context, p SummaryPeriod) (SummaryData, error) {
	var d SummaryData
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return d, translate(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, summaryAppsTable); err != nil {
		return d, translate(err)
	}
	if _, err := tx.Exec(ctx, summaryAppsFill, p.FundID, p.from, p.to, p.Year); err != nil {
		return d, translate(err)
	}
	// A temporary table has no statistics until analysed; without them
	// the planner guesses its rows wrong by thousands.
	if _, err := tx.Exec(ctx, "ANALYZE summary_apps"); err != nil {
		return d, translate(err)
	}
	if d.Totals, err = summaryTotals(ctx, tx); err != nil {
		return d, err
	}
	if d.Ledger, err = ledger(ctx, tx, p.FundID, p.Year); IsNotFound(err) {
		d.Ledger, err = model.Ledger{FundID: p.FundID, Year: p.Year}, nil
	}
	if err != nil {
		return d, err
	}
	if d.Processing, err = summaryProcessing(ctx, tx); err != nil {
		return d, err
	}
	if d.Funnel, err = summaryFunnel(ctx, tx); err != nil {
		return d, err
	}
	if d.Scores, err = summaryScores(ctx, tx); err != nil {
		return d, err
	}
	if d.Benefits, err = summaryBenefits(ctx, tx); err != nil {
		return d, err
	}
	if d.Projects, err = summaryProjects(ctx, tx); err != nil {
		return d, err
	}
	d.Prize, err = summaryPrize(ctx, tx, p)
	return d, err
}

// summaryApps holds one row per submitted application of the fund:
// received (first submitted in the year); its latest decision, and
// decided (that decision made in the year); first_at, its first decision;
// booked, paid, repaid and lapsed, its entries in the ledger of the year's
// frame.
const summaryAppsTable = `CREATE TEMP TABLE summary_apps (
	id bigint PRIMARY KEY, unit text, call_id bigint, call_title text, requested_amount_ore bigint,
	submitted_at timestamptz, received boolean, outcome text, amount_ore bigint, requested_ore bigint,
	decided boolean, first_at timestamptz, booked boolean, paid bigint, repaid bigint, lapsed bigint
) ON COMMIT DROP`

// summaryAppsFill fills summary_apps: $1 fund, $2 and $3 the year's
// bounds, $4 the year.
const summaryAppsFill = `
	WITH apps AS (
		SELECT a.id, a.unit, a.call_id, c.title AS call_title, a.requested_amount_ore, a.submitted_at
		FROM applications a JOIN calls c ON c.id = a.call_id
		WHERE c.fund_id = $1 AND a.submitted_at IS NOT NULL
	), latest AS (
		SELECT DISTINCT ON (d.application_id) d.application_id, d.outcome, d.amount_ore, d.requested_ore, d.decided_at
		FROM decisions d JOIN apps ON apps.id = d.application_id
		ORDER BY d.application_id, d.id DESC
	), first AS (
		SELECT d.application_id, min(d.decided_at) AS first_at
		FROM decisions d JOIN apps ON apps.id = d.application_id GROUP BY d.application_id
	), money AS (
		SELECT application_id,
			COALESCE(sum(amount_ore) FILTER (WHERE kind = 'payment'), 0) AS paid,
			COALESCE(sum(amount_ore) FILTER (WHERE kind = 'repayment'), 0) AS repaid,
			COALESCE(sum(amount_ore) FILTER (WHERE kind = 'release' AND decision_id IS NULL), 0) AS lapsed
		FROM ledger_entries WHERE fund_id = $1 AND year = $4 GROUP BY application_id
	)
	INSERT INTO summary_apps
	SELECT apps.id, apps.unit, apps.call_id, apps.call_title, apps.requested_amount_ore, apps.submitted_at,
		apps.submitted_at >= $2 AND apps.submitted_at < $3,
		l.outcome, l.amount_ore, l.requested_ore, COALESCE(l.decided_at >= $2 AND l.decided_at < $3, false), f.first_at,
		m.application_id IS NOT NULL, COALESCE(m.paid, 0), COALESCE(m.repaid, 0), COALESCE(m.lapsed, 0)
	FROM apps LEFT JOIN latest l ON l.application_id = apps.id LEFT JOIN first f ON f.application_id = apps.id
		LEFT JOIN money m ON m.application_id = apps.id`

// summaryTotals counts and sums the year for the whole fund, per unit and
// per call, in one pass with grouping sets.
func summaryTotals(ctx context.Context, q rowQuerier) (model.SummaryTotals, error) {
	var out model.SummaryTotals
	rows, err := q.Query(ctx, `
		SELECT GROUPING(unit)::int, GROUPING(call_id, call_title)::int,
			COALESCE(unit, ''), COALESCE(call_id, 0), COALESCE(call_title, ''),
			count(*) FILTER (WHERE received),
			COALESCE(sum(requested_amount_ore) FILTER (WHERE received), 0),
			count(*) FILTER (WHERE decided AND outcome = 'dismiss'),
			count(*) FILTER (WHERE decided AND outcome = 'reject'),
			count(*) FILTER (WHERE decided AND outcome = 'approve' AND amount_ore >= requested_ore),
			count(*) FILTER (WHERE decided AND outcome = 'approve' AND amount_ore < requested_ore),
			COALESCE(sum(amount_ore) FILTER (WHERE decided AND outcome = 'approve'), 0),
			COALESCE(sum(paid), 0), COALESCE(sum(repaid), 0), COALESCE(sum(lapsed), 0)
		FROM summary_apps WHERE received OR decided OR booked
		GROUP BY GROUPING SETS ((), (unit), (call_id, call_title))
		ORDER BY 1, 2, 3, 5`)
	if err != nil {
		return out, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var noUnit, noCall int
		var g model.SummaryGroup
		var unit, call string
		c := &g.SummaryCounts
		if err := rows.Scan(&noUnit, &noCall, &unit, &g.CallID, &call, &c.Received, &c.RequestedOre, &c.Dismissed, &c.Rejected,
			&c.GrantedFull, &c.GrantedPartial, &c.GrantedOre, &c.PaidOre, &c.ClawedBackOre, &c.LapsedOre); err != nil {
			return out, translate(err)
		}
		switch {
		case noUnit == 0:
			g.Name, g.CallID = unit, 0
			out.ByUnit = append(out.ByUnit, g)
		case noCall == 0:
			g.Name = call
			out.ByCall = append(out.ByCall, g)
		default:
			out.All = g.SummaryCounts
		}
	}
	return out, translate(rows.Err())
}

// summaryProcessing measures the days from submission to the first
// decision of the applications whose latest decision was made in the year.
func summaryProcessing(ctx context.Context, q rowQuerier) (model.ProcessingTimes, error) {
	b := model.ProcessingBuckets
	t := model.ProcessingTimes{Buckets: make([]int, len(b)+1)}
	var buckets []int32
	err := q.QueryRow(ctx, `
		WITH days AS (
			SELECT extract(epoch FROM first_at - submitted_at) / 86400 AS days FROM summary_apps WHERE decided
		), bucketed AS (
			SELECT days, CASE WHEN days <= $1 THEN 0 WHEN days <= $2 THEN 1 WHEN days <= $3 THEN 2
				WHEN days <= $4 THEN 3 WHEN days <= $5 THEN 4 ELSE 5 END AS bucket FROM days
		)
		SELECT count(*)::int, COALESCE(percentile_cont(0.5) WITHIN GROUP (ORDER BY days), 0)::float8,
			COALESCE(percentile_cont(0.9) WITHIN GROUP (ORDER BY days), 0)::float8,
			ARRAY[count(*) FILTER (WHERE bucket = 0), count(*) FILTER (WHERE bucket = 1), count(*) FILTER (WHERE bucket = 2),
				count(*) FILTER (WHERE bucket = 3), count(*) FILTER (WHERE bucket = 4), count(*) FILTER (WHERE bucket = 5)]::int[]
		FROM bucketed`, b[0], b[1], b[2], b[3], b[4]).Scan(&t.Decided, &t.MedianDays, &t.P90Days, &buckets)
	for i, n := range buckets {
		if i < len(t.Buckets) {
			t.Buckets[i] = int(n)
		}
	}
	return t, translate(err)
}

// summaryFunnel follows the applications received in the year through
// their histories.
func summaryFunnel(ctx context.Context, q rowQuerier) (model.Funnel, error) {
	var f model.Funnel
	err := q.QueryRow(ctx, `
		WITH reached AS (
			SELECT e.application_id,
				bool_or(e.event = 'start_review') AS reviewed, bool_or(e.event = 'approve') AS granted,
				bool_or(e.event = 'accept') AS accepted, bool_or(e.event = 'submit_final_report') AS reported,
				bool_or(e.event = 'complete') AS completed
			FROM application_events e JOIN summary_apps s ON s.id = e.application_id AND s.received
			WHERE e.event IN ('start_review', 'approve', 'accept', 'submit_final_report', 'complete')
			GROUP BY e.application_id
		)
		SELECT (SELECT count(*) FROM summary_apps WHERE received), count(*) FILTER (WHERE reviewed),
			count(*) FILTER (WHERE granted), count(*) FILTER (WHERE accepted), count(*) FILTER (WHERE reported),
			count(*) FILTER (WHERE completed)
		FROM reached`).Scan(&f.Received, &f.Reviewed, &f.Granted, &f.Accepted, &f.FinalReport, &f.Completed)
	return f, translate(err)
}

// summaryScores averages each criterion over the latest submitted review
// of every reviewer of the applications received in the year.
func summaryScores(ctx context.Context, q rowQuerier) ([]model.CriterionScore, error) {
	rows, err := q.Query(ctx, `
		WITH latest AS (
			-- each reviewer's latest submitted version, found through the
			-- unique index rather than by sorting the scores
			SELECT r.scores FROM reviews r JOIN summary_apps s ON s.id = r.application_id AND s.received
			WHERE r.submitted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reviews n
				WHERE n.application_id = r.application_id AND n.reviewer_id = r.reviewer_id
					AND n.version > r.version AND n.submitted_at IS NOT NULL)
		), per AS (
			SELECT s.criterion_id, sum(s.score) AS total, count(*) AS n
			FROM latest CROSS JOIN jsonb_to_recordset(latest.scores) AS s(criterion_id bigint, score int)
			GROUP BY s.criterion_id
		)
		SELECT cc.name_nb, cc.name_en, (sum(per.total)::float8 / sum(per.n))::float8, sum(per.n)::int
		FROM per JOIN call_criteria cc ON cc.id = per.criterion_id
		GROUP BY cc.name_nb, cc.name_en ORDER BY min(cc.position), cc.name_nb`)
	if err != nil {
		return nil, translate(err)
	}
	out := []model.CriterionScore{}
	for rows.Next() {
		var c model.CriterionScore
		if err := rows.Scan(&c.Name.NB, &c.Name.EN, &c.Average, &c.Scores); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// summaryBenefits sums the evaluations of the projects granted in the year.
func summaryBenefits(ctx context.Context, q rowQuerier) (model.Benefits, error) {
	var b model.Benefits
	err := q.QueryRow(ctx, `
		SELECT count(*)::int, count(*) FILTER (WHERE e.quality_rating >= 4)::int, count(*) FILTER (WHERE e.efficiency_rating >= 4)::int,
			count(*) FILTER (WHERE e.avoided_costs_rating >= 4)::int, count(*) FILTER (WHERE e.employee_rating >= 4)::int,
			count(*) FILTER (WHERE e.citizen_rating >= 4)::int, COALESCE(sum(e.avoided_costs_ore), 0),
			count(*) FILTER (WHERE e.continues)::int, count(*) FILTER (WHERE e.nominate)::int
		FROM summary_apps s JOIN evaluations e ON e.application_id = s.id
		WHERE s.decided AND s.outcome = 'approve'`).
		Scan(&b.Evaluations, &b.Quality, &b.Efficiency, &b.AvoidedCosts, &b.Employee, &b.Citizen, &b.AvoidedCostsOre, &b.Continues, &b.Nominated)
	return b, translate(err)
}

// summaryProjects lists the applications granted in the year, by case
// number, with what has been paid on them (in any year) and the summary of
// their final report once it is approved (a draft's or a returned
// report's words are not the project's yet).
func summaryProjects(ctx context.Context, q rowQuerier) ([]model.FundedProject, error) {
	rows, err := q.Query(ctx, `
		SELECT a.id, a.case_number, a.title, a.unit, a.state, s.amount_ore < s.requested_ore, s.amount_ore,
			COALESCE((SELECT sum(e.amount_ore) FROM ledger_entries e WHERE e.application_id = a.id AND e.kind = 'payment'), 0),
			COALESCE((SELECT r.summary FROM reports r WHERE r.application_id = a.id AND r.kind = 'final' AND r.state = 'approved'), '')
		FROM summary_apps s JOIN applications a ON a.id = s.id
		WHERE s.decided AND s.outcome = 'approve'
		ORDER BY a.case_number`)
	if err != nil {
		return nil, translate(err)
	}
	out := []model.FundedProject{}
	for rows.Next() {
		var f model.FundedProject
		if err := rows.Scan(&f.ApplicationID, &f.CaseNumber, &f.Title, &f.Unit, &f.State, &f.Partial, &f.GrantedOre, &f.PaidOre,
			&f.ReportSummary); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		out = append(out, f)
	}
	return out, translate(rows.Err())
}

// summaryPrize lists the year's innovation prize: the winner first, then
// the honourable mentions.
func summaryPrize(ctx context.Context, q querier, p SummaryPeriod) ([]model.SummaryPrize, error) {
	rows, err := q.Query(ctx, `SELECT w.rank, a.id, a.case_number, a.title, a.unit, w.citation
		FROM prize_awards w JOIN applications a ON a.id = w.application_id
		WHERE w.fund_id = $1 AND w.year = $2 ORDER BY w.rank = 'winner' DESC, a.case_number`, p.FundID, p.Year)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.SummaryPrize])
	if out == nil {
		out = []model.SummaryPrize{}
	}
	return out, translate(err)
}

// DecisionYears lists, newest first, the years (in Oslo) in which the
// fund's applications were decided.
func (s *Store) DecisionYears(ctx context.Context, fundID int64) ([]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT extract(year FROM d.decided_at AT TIME ZONE 'Europe/Oslo')::int AS y
		FROM decisions d JOIN applications a ON a.id = d.application_id JOIN calls c ON c.id = a.call_id
		WHERE c.fund_id = $1 ORDER BY y DESC`, fundID)
	if err != nil {
		return nil, translate(err)
	}
	years, err := pgx.CollectRows(rows, pgx.RowTo[int])
	return years, translate(err)
}

// PublishSummary records that fund's summary for year is public and
// returns the record. Publishing again keeps the first record.
func (s *Store) PublishSummary(ctx context.Context, fundID int64, year int, by int64, now time.Time) (PublishedSummary, error) {
	var p PublishedSummary
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO published_summaries (fund_id, year, published_by, published_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (fund_id, year) DO NOTHING`, fundID, year, by, now); err != nil {
			return translate(err)
		}
		return translate(tx.QueryRow(ctx, `SELECT p.fund_id, f.name, f.municipality, p.year, p.published_at
			FROM published_summaries p JOIN funds f ON f.id = p.fund_id WHERE p.fund_id = $1 AND p.year = $2`, fundID, year).
			Scan(&p.FundID, &p.Fund, &p.Municipality, &p.Year, &p.PublishedAt))
	})
	return p, err
}

// PublishedSummary is one annual summary on the public pages.
type PublishedSummary struct {
	FundID       int64     `json:"fund_id"`
	Fund         string    `json:"fund"`
	Municipality string    `json:"municipality"`
	Year         int       `json:"year"`
	PublishedAt  time.Time `json:"published_at"`
}

// PublishedSummaries lists the published summaries, newest year first.
func (s *Store) PublishedSummaries(ctx context.Context) ([]PublishedSummary, error) {
	return collect[PublishedSummary](s.pool.Query(ctx, `SELECT p.fund_id, f.name, f.municipality, p.year, p.published_at
		FROM published_summaries p JOIN funds f ON f.id = p.fund_id ORDER BY p.year DESC, f.name`))
}

// SummaryPublished reports whether fund's summary for year is published.
func (s *Store) SummaryPublished(ctx context.Context, fundID int64, year int) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM published_summaries WHERE fund_id = $1 AND year = $2)", fundID, year).Scan(&ok)
	return ok, translate(err)
}
