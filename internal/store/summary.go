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

// summaryCohorts names, for the queries below, the fund's submitted
// applications (apps), each one's latest decision (latest), and its
// ledger money of the year's frame (money). $1 fund, $2 and $3 the year's
// bounds, $4 the year.
const summaryCohorts = `
	WITH apps AS (
		SELECT a.id, a.unit, a.call_id, c.title AS call_title, a.requested_amount_ore, a.submitted_at,
			a.submitted_at >= $2 AND a.submitted_at < $3 AS received
		FROM applications a JOIN calls c ON c.id = a.call_id
		WHERE c.fund_id = $1 AND a.submitted_at IS NOT NULL
	), latest AS (
		SELECT DISTINCT ON (d.application_id) d.application_id, d.outcome, d.amount_ore, d.requested_ore, d.decided_at,
			d.decided_at >= $2 AND d.decided_at < $3 AS decided
		FROM decisions d JOIN apps ON apps.id = d.application_id
		ORDER BY d.application_id, d.id DESC
	), money AS (
		SELECT application_id,
			sum(amount_ore) FILTER (WHERE kind = 'payment') AS paid,
			sum(amount_ore) FILTER (WHERE kind = 'repayment') AS repaid,
			sum(amount_ore) FILTER (WHERE kind = 'release' AND decision_id IS NULL) AS lapsed
		FROM ledger_entries WHERE fund_id = $1 AND year = $4 GROUP BY application_id
	)`

// SummaryTotals counts and sums the year for the whole fund, per unit and
// per call, in one pass with grouping sets.
func (s *Store) SummaryTotals(ctx context.Context, p SummaryPeriod) (model.SummaryTotals, error) {
	var out model.SummaryTotals
	rows, err := s.pool.Query(ctx, summaryCohorts+`
		SELECT GROUPING(apps.unit)::int, GROUPING(apps.call_id, apps.call_title)::int,
			COALESCE(apps.unit, ''), COALESCE(apps.call_id, 0), COALESCE(apps.call_title, ''),
			count(*) FILTER (WHERE apps.received),
			COALESCE(sum(apps.requested_amount_ore) FILTER (WHERE apps.received), 0),
			count(*) FILTER (WHERE l.decided AND l.outcome = 'dismiss'),
			count(*) FILTER (WHERE l.decided AND l.outcome = 'reject'),
			count(*) FILTER (WHERE l.decided AND l.outcome = 'approve' AND l.amount_ore >= l.requested_ore),
			count(*) FILTER (WHERE l.decided AND l.outcome = 'approve' AND l.amount_ore < l.requested_ore),
			COALESCE(sum(l.amount_ore) FILTER (WHERE l.decided AND l.outcome = 'approve'), 0),
			COALESCE(sum(m.paid), 0), COALESCE(sum(m.repaid), 0), COALESCE(sum(m.lapsed), 0)
		FROM apps LEFT JOIN latest l ON l.application_id = apps.id LEFT JOIN money m ON m.application_id = apps.id
		WHERE apps.received OR l.decided OR m.application_id IS NOT NULL
		GROUP BY GROUPING SETS ((), (apps.unit), (apps.call_id, apps.call_title))
		ORDER BY 1, 2, 3, 5`, p.FundID, p.from, p.to, p.Year)
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

// SummaryProcessing measures the days from submission to the first
// decision of the applications whose latest decision was made in the year.
func (s *Store) SummaryProcessing(ctx context.Context, p SummaryPeriod) (model.ProcessingTimes, error) {
	b := model.ProcessingBuckets
	t := model.ProcessingTimes{Buckets: make([]int, len(b)+1)}
	var buckets []int32
	err := s.pool.QueryRow(ctx, summaryCohorts+`, days AS (
			SELECT extract(epoch FROM min(d.decided_at) - apps.submitted_at) / 86400 AS days
			FROM latest l JOIN apps ON apps.id = l.application_id JOIN decisions d ON d.application_id = l.application_id
			WHERE l.decided GROUP BY apps.id, apps.submitted_at
		), bucketed AS (
			SELECT days, CASE WHEN days <= $5 THEN 0 WHEN days <= $6 THEN 1 WHEN days <= $7 THEN 2
				WHEN days <= $8 THEN 3 WHEN days <= $9 THEN 4 ELSE 5 END AS bucket FROM days
		)
		SELECT count(*)::int, COALESCE(percentile_cont(0.5) WITHIN GROUP (ORDER BY days), 0)::float8,
			COALESCE(percentile_cont(0.9) WITHIN GROUP (ORDER BY days), 0)::float8,
			ARRAY[count(*) FILTER (WHERE bucket = 0), count(*) FILTER (WHERE bucket = 1), count(*) FILTER (WHERE bucket = 2),
				count(*) FILTER (WHERE bucket = 3), count(*) FILTER (WHERE bucket = 4), count(*) FILTER (WHERE bucket = 5)]::int[]
		FROM bucketed`, p.FundID, p.from, p.to, p.Year, b[0], b[1], b[2], b[3], b[4]).Scan(&t.Decided, &t.MedianDays, &t.P90Days, &buckets)
	for i, n := range buckets {
		if i < len(t.Buckets) {
			t.Buckets[i] = int(n)
		}
	}
	return t, translate(err)
}

// SummaryFunnel follows the applications received in the year through
// their histories.
func (s *Store) SummaryFunnel(ctx context.Context, p SummaryPeriod) (model.Funnel, error) {
	var f model.Funnel
	err := s.pool.QueryRow(ctx, `
		WITH cohort AS (
			SELECT a.id FROM applications a JOIN calls c ON c.id = a.call_id
			WHERE c.fund_id = $1 AND a.submitted_at >= $2 AND a.submitted_at < $3
		), reached AS (
			SELECT e.application_id,
				bool_or(e.event = 'start_review') AS reviewed, bool_or(e.event = 'approve') AS granted,
				bool_or(e.event = 'accept') AS accepted, bool_or(e.event = 'submit_final_report') AS reported,
				bool_or(e.event = 'complete') AS completed
			FROM application_events e JOIN cohort ON cohort.id = e.application_id
			WHERE e.event IN ('start_review', 'approve', 'accept', 'submit_final_report', 'complete')
			GROUP BY e.application_id
		)
		SELECT (SELECT count(*) FROM cohort), count(*) FILTER (WHERE reviewed), count(*) FILTER (WHERE granted),
			count(*) FILTER (WHERE accepted), count(*) FILTER (WHERE reported), count(*) FILTER (WHERE completed)
		FROM reached`, p.FundID, p.from, p.to).Scan(&f.Received, &f.Reviewed, &f.Granted, &f.Accepted, &f.FinalReport, &f.Completed)
	return f, translate(err)
}

// SummaryScores averages each criterion over the latest submitted review
// of every reviewer of the applications received in the year.
func (s *Store) SummaryScores(ctx context.Context, p SummaryPeriod) ([]model.CriterionScore, error) {
	rows, err := s.pool.Query(ctx, `
		WITH cohort AS (
			SELECT a.id FROM applications a JOIN calls c ON c.id = a.call_id
			WHERE c.fund_id = $1 AND a.submitted_at >= $2 AND a.submitted_at < $3
		), latest AS (
			-- each reviewer's latest submitted version, found through the
			-- unique index rather than by sorting the scores
			SELECT r.scores FROM reviews r JOIN cohort ON cohort.id = r.application_id
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
		GROUP BY cc.name_nb, cc.name_en ORDER BY min(cc.position), cc.name_nb`, p.FundID, p.from, p.to)
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

// SummaryBenefits sums the evaluations of the projects granted in the year.
func (s *Store) SummaryBenefits(ctx context.Context, p SummaryPeriod) (model.Benefits, error) {
	var b model.Benefits
	err := s.pool.QueryRow(ctx, summaryCohorts+`
		SELECT count(*)::int, count(*) FILTER (WHERE e.quality_rating >= 4)::int, count(*) FILTER (WHERE e.efficiency_rating >= 4)::int,
			count(*) FILTER (WHERE e.avoided_costs_rating >= 4)::int, count(*) FILTER (WHERE e.employee_rating >= 4)::int,
			count(*) FILTER (WHERE e.citizen_rating >= 4)::int, COALESCE(sum(e.avoided_costs_ore), 0),
			count(*) FILTER (WHERE e.continues)::int, count(*) FILTER (WHERE e.nominate)::int
		FROM latest l JOIN evaluations e ON e.application_id = l.application_id
		WHERE l.decided AND l.outcome = 'approve'`, p.FundID, p.from, p.to, p.Year).
		Scan(&b.Evaluations, &b.Quality, &b.Efficiency, &b.AvoidedCosts, &b.Employee, &b.Citizen, &b.AvoidedCostsOre, &b.Continues, &b.Nominated)
	return b, translate(err)
}

// SummaryProjects lists the applications granted in the year, by case
// number, with what has been paid on them (in any year) and the summary of
// their final report once it is approved (a draft's or a returned
// report's words are not the project's yet).
func (s *Store) SummaryProjects(ctx context.Context, p SummaryPeriod) ([]model.FundedProject, error) {
	rows, err := s.pool.Query(ctx, summaryCohorts+`
		SELECT a.id, a.case_number, a.title, a.unit, a.state, l.amount_ore < l.requested_ore, l.amount_ore,
			COALESCE((SELECT sum(e.amount_ore) FROM ledger_entries e WHERE e.application_id = a.id AND e.kind = 'payment'), 0),
			COALESCE((SELECT r.summary FROM reports r WHERE r.application_id = a.id AND r.kind = 'final' AND r.state = 'approved'), '')
		FROM latest l JOIN applications a ON a.id = l.application_id
		WHERE l.decided AND l.outcome = 'approve'
		ORDER BY a.case_number`, p.FundID, p.from, p.to, p.Year)
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

// SummaryPrize lists the year's innovation prize: the winner first, then
// the honourable mentions.
func (s *Store) SummaryPrize(ctx context.Context, p SummaryPeriod) ([]model.PrizeAward, error) {
	return collect[model.PrizeAward](s.pool.Query(ctx, `SELECT w.rank, a.id, a.case_number, a.title, a.unit, w.citation
		FROM prize_awards w JOIN applications a ON a.id = w.application_id
		WHERE w.fund_id = $1 AND w.year = $2 ORDER BY w.rank = 'winner' DESC, a.case_number`, p.FundID, p.Year))
}

// SummaryLedger is the ledger of the year's frame, all zero when the fund
// has no frame that year.
func (s *Store) SummaryLedger(ctx context.Context, p SummaryPeriod) (model.Ledger, error) {
	l, err := s.Ledger(ctx, p.FundID, p.Year)
	if IsNotFound(err) {
		return model.Ledger{FundID: p.FundID, Year: p.Year}, nil
	}
	return l, err
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
