package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/notify"
	"nyttig/workflow"
)

// Reports: progress and final reports with their append-only history, and
// the unit leader's evaluation.

var (
	reportEvents = financeHistory{"report_events", "report_id"}
	msgNoReport  = i18n.T("Fant ikke rapporten.", "Report not found.")
)

const reportColumns = `r.id, r.application_id, r.kind, to_char(r.due_date, 'YYYY-MM-DD'), r.state, r.work_done, r.results,
	r.in_use, r.spending, r.spread, r.lessons, r.version, r.submitted_at, r.updated_at, r.summary`

func scanReport(row pgx.Row) (model.Report, error) {
	var r model.Report
	err := row.Scan(&r.ID, &r.ApplicationID, &r.Kind, &r.DueDate, &r.State, &r.WorkDone, &r.Results,
		&r.InUse, &r.Spending, &r.Spread, &r.Lessons, &r.Version, &r.SubmittedAt, &r.UpdatedAt, &r.Summary)
	if r.Spending == nil {
		r.Spending = []model.Spending{}
	}
	return r, translate(err)
}

func collectReports(rows pgx.Rows, err error) ([]model.Report, error) {
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []model.Report{}
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// ProgressReportMonths returns how many months apart a call wants progress
// reports; 0 means none.
func (s *Store) ProgressReportMonths(ctx context.Context, callID int64) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, "SELECT progress_report_months FROM calls WHERE id = $1", callID).Scan(&n)
	return n, translate(err)
}

// insertReports writes the reports an acceptance creates inside its
// transaction, each with its creation in its history.
func insertReports(ctx context.Context, tx pgx.Tx, appID int64, plan []model.Report, ch Change) error {
	for _, r := range plan {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO reports (application_id, kind, due_date, created_at, updated_at)
			VALUES ($1, $2, $3::date, $4, $4) RETURNING id`, appID, r.Kind, r.DueDate, ch.Now).Scan(&id)
		if err != nil {
			return translate(err)
		}
		if err := appendFinanceEvent(ctx, tx, reportEvents, id, 1, ch, workflow.CreateReport, "", workflow.ReportDraft, ""); err != nil {
			return err
		}
	}
	return nil
}

// Reports lists an application's reports by due date.
func (s *Store) Reports(ctx context.Context, appID int64) ([]model.Report, error) {
	return collectReports(s.pool.Query(ctx, "SELECT "+reportColumns+" FROM reports r WHERE r.application_id = $1 ORDER BY r.due_date, r.id", appID))
}

// Report returns one report.
func (s *Store) Report(ctx context.Context, id int64) (model.Report, error) {
	r, err := scanReport(s.pool.QueryRow(ctx, "SELECT "+reportColumns+" FROM reports r WHERE r.id = $1", id))
	if apperr.Is(err, apperr.NotFound) {
		return r, apperr.New(apperr.NotFound, msgNoReport)
	}
	return r, err
}

// ReportHistory returns a report's history, oldest first.
func (s *Store) ReportHistory(ctx context.Context, id int64) ([]model.HistoryEntry, error) {
	return s.financeHistory(ctx, reportEvents, id)
}

// lockReport locks a report's application and then the report, the order
// every report change takes, so that it queues with the application's
// own transitions.
func lockReport(ctx context.Context, tx pgx.Tx, id int64) (model.Report, model.Application, error) {
	var appID int64
	err := tx.QueryRow(ctx, "SELECT application_id FROM reports WHERE id = $1", id).Scan(&appID)
	if errors.Is(err, pgx.ErrNoRows) {
		return model.Report{}, model.Application{}, apperr.New(apperr.NotFound, msgNoReport)
	}
	if err != nil {
		return model.Report{}, model.Application{}, translate(err)
	}
	app, err := lockApplication(ctx, tx, appID)
	if err != nil {
		return model.Report{}, app, err
	}
	r, err := scanReport(tx.QueryRow(ctx, "SELECT "+reportColumns+" FROM reports r WHERE r.id = $1 FOR UPDATE", id))
	return r, app, err
}

// UpdateReport replaces a report's content after check approves the
// locked report and its application, bumping its version with an "edit"
// history row.
func (s *Store) UpdateReport(ctx context.Context, id int64, c model.ReportContent, ch Change, check func(cur model.Report, app model.Application) error) (model.Report, error) {
	var r model.Report
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		cur, app, err := lockReport(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := check(cur, app); err != nil {
			return err
		}
		spending := c.Spending
		if spending == nil {
			spending = []model.Spending{}
		}
		_, err = tx.Exec(ctx, `UPDATE reports SET work_done = $2, results = $3, in_use = $4, spread = $5, lessons = $6,
			spending = $7, summary = $9, version = version + 1, updated_at = $8 WHERE id = $1`,
			id, c.WorkDone, c.Results, c.InUse, c.Spread, c.Lessons, spending, ch.Now, c.Summary)
		if err != nil {
			return translate(err)
		}
		state := workflow.State(cur.State)
		if err := appendFinanceEvent(ctx, tx, reportEvents, id, cur.Version+1, ch, model.EventEdited, state, state, ""); err != nil {
			return err
		}
		r, err = scanReport(tx.QueryRow(ctx, "SELECT "+reportColumns+" FROM reports r WHERE r.id = $1", id))
		return err
	})
	return r, err
}

// ReportStep is what a report transition decided: the report's new state
// and history row, and, for the final report, the application's own step
// (AppEvent empty when the application stays where it is).
type ReportStep struct {
	To       workflow.State
	Event    workflow.Event
	Comment  string
	AppTo    workflow.State
	AppEvent workflow.Event
}

// ReportTransition moves a report, and with the final report its
// application, in one transaction on the locked rows.
func (s *Store) ReportTransition(ctx context.Context, id int64, ch Change, decide func(cur model.Report, app model.Application) (ReportStep, error)) (model.Report, error) {
	var r model.Report
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		cur, app, err := lockReport(ctx, tx, id)
		if err != nil {
			return err
		}
		step, err := decide(cur, app)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE reports SET state = $2, version = version + 1, updated_at = $3,
			submitted_at = CASE WHEN $2 = 'submitted' THEN $3 ELSE submitted_at END WHERE id = $1`, id, string(step.To), ch.Now)
		if err != nil {
			return translate(err)
		}
		if err := appendFinanceEvent(ctx, tx, reportEvents, id, cur.Version+1, ch, step.Event, workflow.State(cur.State), step.To, step.Comment); err != nil {
			return err
		}
		if err := s.notifyTx(ctx, tx, ch, notify.ForReport(app.ID, id, step.Event, cur.Kind == model.ReportFinal)...); err != nil {
			return err
		}
		if step.AppEvent != "" {
			_, err = tx.Exec(ctx, "UPDATE applications SET state = $2, version = version + 1, updated_at = $3 WHERE id = $1", app.ID, string(step.AppTo), ch.Now)
			if err != nil {
				return translate(err)
			}
			if err := appendHistory(ctx, tx, app.ID, app.Version+1, ch, string(step.AppEvent), app.State, step.AppTo, step.Comment); err != nil {
				return err
			}
		}
		noteResult(ctx, tx, ResultReport, id)
		r, err = scanReport(tx.QueryRow(ctx, "SELECT "+reportColumns+" FROM reports r WHERE r.id = $1", id))
		return err
	})
	return r, err
}

// OverdueReport is an overdue report with its application's case number
// and title, for the case officer's list.
type OverdueReport struct {
	model.Report
	CaseNumber string `json:"case_number"`
	Title      string `json:"title"`
}

// OverdueReports lists the reports not submitted by their due date, which
// is before today (a civil date in Oslo), oldest first.
func (s *Store) OverdueReports(ctx context.Context, today string) ([]OverdueReport, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+reportColumns+`, a.case_number, a.title FROM reports r
		JOIN applications a ON a.id = r.application_id
		WHERE r.state IN ('draft', 'returned') AND r.due_date < $1::date AND a.state IN ('accepted', 'final_report_submitted')
		ORDER BY r.due_date, r.id LIMIT 1000`, today)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []OverdueReport{}
	for rows.Next() {
		var o OverdueReport
		r := &o.Report
		err := rows.Scan(&r.ID, &r.ApplicationID, &r.Kind, &r.DueDate, &r.State, &r.WorkDone, &r.Results,
			&r.InUse, &r.Spending, &r.Spread, &r.Lessons, &r.Version, &r.SubmittedAt, &r.UpdatedAt, &r.Summary, &o.CaseNumber, &o.Title)
		if err != nil {
			return nil, translate(err)
		}
		if r.Spending == nil {
			r.Spending = []model.Spending{}
		}
		r.Overdue = true
		out = append(out, o)
	}
	return out, translate(rows.Err())
}

// Evaluation returns an application's evaluation; ok is false when there
// is none yet.
func (s *Store) Evaluation(ctx context.Context, appID int64) (model.Evaluation, bool, error) {
	var e model.Evaluation
	err := s.pool.QueryRow(ctx, `SELECT application_id, quality_rating, quality_text, efficiency_rating, efficiency_text,
		avoided_costs_rating, avoided_costs_text, avoided_costs_ore, employee_rating, employee_text, citizen_rating, citizen_text,
		continues, nominate, author_id, updated_at FROM evaluations WHERE application_id = $1`, appID).Scan(
		&e.ApplicationID, &e.Quality.Rating, &e.Quality.Text, &e.Efficiency.Rating, &e.Efficiency.Text,
		&e.AvoidedCosts.Rating, &e.AvoidedCosts.Text, &e.AvoidedCostsOre, &e.Employee.Rating, &e.Employee.Text,
		&e.Citizen.Rating, &e.Citizen.Text, &e.Continues, &e.Nominate, &e.AuthorID, &e.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, false, nil
	}
	return e, err == nil, translate(err)
}

// PutEvaluation stores or replaces an application's evaluation after check
// approves the locked application, with a history row on the application.
func (s *Store) PutEvaluation(ctx context.Context, appID int64, f model.EvaluationFields, ch Change, check func(app model.Application) error) (model.Evaluation, error) {
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		app, err := lockApplication(ctx, tx, appID)
		if err != nil {
			return err
		}
		if err := check(app); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO evaluations (application_id, quality_rating, quality_text, efficiency_rating, efficiency_text,
			avoided_costs_rating, avoided_costs_text, avoided_costs_ore, employee_rating, employee_text, citizen_rating, citizen_text,
			continues, nominate, author_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
			ON CONFLICT (application_id) DO UPDATE SET quality_rating = $2, quality_text = $3, efficiency_rating = $4, efficiency_text = $5,
			avoided_costs_rating = $6, avoided_costs_text = $7, avoided_costs_ore = $8, employee_rating = $9, employee_text = $10,
			citizen_rating = $11, citizen_text = $12, continues = $13, nominate = $14, author_id = $15, updated_at = $16`,
			appID, f.Quality.Rating, f.Quality.Text, f.Efficiency.Rating, f.Efficiency.Text, f.AvoidedCosts.Rating, f.AvoidedCosts.Text,
			f.AvoidedCostsOre, f.Employee.Rating, f.Employee.Text, f.Citizen.Rating, f.Citizen.Text, f.Continues, f.Nominate, ch.actor(), ch.Now)
		if err != nil {
			return translate(err)
		}
		return appendAccess(ctx, tx, appID, ch, model.EventEvaluation, app.State, "")
	})
	if err != nil {
		return model.Evaluation{}, err
	}
	e, _, err := s.Evaluation(ctx, appID)
	return e, err
}

// CompletionFacts reads whether an application's final report is approved
// and its evaluation in, and how many of its tranches are neither paid nor
// cancelled. Each only ever moves towards completion, so facts read before
// the transition cannot turn stale in a way that matters.
func (s *Store) CompletionFacts(ctx context.Context, appID int64) (finalApproved, evaluated bool, open int, err error) {
	err = s.pool.QueryRow(ctx, `SELECT
		EXISTS (SELECT 1 FROM reports WHERE application_id = $1 AND kind = 'final' AND state = 'approved'),
		EXISTS (SELECT 1 FROM evaluations WHERE application_id = $1),
		(SELECT count(*) FROM payouts WHERE application_id = $1 AND state NOT IN ('paid', 'cancelled'))::int`, appID).Scan(
		&finalApproved, &evaluated, &open)
	return finalApproved, evaluated, open, translate(err)
}

// ReadyToComplete lists the applications whose final report is submitted
// and approved, whose evaluation is in and whose every tranche is paid or
// cancelled.
func (s *Store) ReadyToComplete(ctx context.Context) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT a.id FROM applications a
		WHERE a.state = 'final_report_submitted'
		AND EXISTS (SELECT 1 FROM reports r WHERE r.application_id = a.id AND r.kind = 'final' AND r.state = 'approved')
		AND EXISTS (SELECT 1 FROM evaluations e WHERE e.application_id = a.id)
		AND NOT EXISTS (SELECT 1 FROM payouts p WHERE p.application_id = a.id AND p.state NOT IN ('paid', 'cancelled'))
		ORDER BY a.id LIMIT 1000`)
	if err != nil {
		return nil, translate(err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// ToEvaluate is a project a unit leader is to evaluate, or has evaluated.
type ToEvaluate struct {
	ApplicationID int64          `json:"application_id"`
	CaseNumber    string         `json:"case_number"`
	Title         string         `json:"title"`
	Applicant     string         `json:"applicant"`
	State         workflow.State `json:"state"`
	Evaluated     bool           `json:"evaluated"`
}

// ProjectsToEvaluate lists the accepted projects whose applicant has the
// leader leaderID or works in unit (when not empty) — the projects that
// leader evaluates — not yet evaluated first, oldest first.
func (s *Store) ProjectsToEvaluate(ctx context.Context, leaderID int64, unit string) ([]ToEvaluate, error) {
	return collect[ToEvaluate](s.pool.Query(ctx, `SELECT a.id, a.case_number, a.title, u.name, a.state,
			EXISTS (SELECT 1 FROM evaluations e WHERE e.application_id = a.id)
		FROM applications a JOIN users u ON u.id = a.applicant_id
		WHERE a.state IN ('accepted', 'final_report_submitted', 'completed') AND a.applicant_id <> $1
		AND (u.leader_id = $1 OR ($2 <> '' AND u.unit = $2))
		ORDER BY 6, a.id`, leaderID, unit))
}
