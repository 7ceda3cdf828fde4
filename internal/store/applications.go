package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/notify"
	"nyttig/workflow"
)

const applicationColumns = `a.id, a.case_number, a.applicant_id, a.state, a.version, a.created_at, a.updated_at,
	a.submitted_at, a.call_id, a.title, a.summary, a.need, a.solution, a.adoption_plan, a.expected_benefits,
	a.budget_lines, a.own_contribution_ore, a.requested_amount_ore, a.unit, a.partners,
	COALESCE(to_char(a.start_date, 'YYYY-MM-DD'), ''), COALESCE(to_char(a.end_date, 'YYYY-MM-DD'), ''),
	a.cost_centre, a.project_number, a.org_number, a.account_number`

// scanApplication reads applicationColumns, and then into extra any
// columns the query adds after them.
func scanApplication(row pgx.Row, extra ...any) (model.Application, error) {
	var a model.Application
	f := &a.ApplicationFields
	err := row.Scan(append([]any{&a.ID, &a.CaseNumber, &a.ApplicantID, &a.State, &a.Version, &a.CreatedAt, &a.UpdatedAt,
		&a.SubmittedAt, &f.CallID, &f.Title, &f.Summary, &f.Need, &f.Solution, &f.AdoptionPlan, &f.ExpectedBenefits,
		&f.BudgetLines, &f.OwnContributionOre, &f.RequestedAmountOre, &f.Unit, &f.Partners, &f.StartDate, &f.EndDate,
		&f.CostCentre, &f.ProjectNumber, &f.OrgNumber, &f.AccountNumber}, extra...)...)
	if f.BudgetLines == nil {
		f.BudgetLines = []model.BudgetLine{}
	}
	if f.Partners == nil {
		f.Partners = []string{}
	}
	return a, translate(err)
}

var msgNoApplication = i18n.T("Fant ikke søknaden.", "Application not found.")

// Application returns one application.
func (s *Store) Application(ctx context.Context, id int64) (model.Application, error) {
	a, err := scanApplication(s.pool.QueryRow(ctx, "SELECT "+applicationColumns+" FROM applications a WHERE a.id = $1", id))
	if apperr.Is(err, apperr.NotFound) {
		return a, apperr.New(apperr.NotFound, msgNoApplication)
	}
	return a, err
}

// ApplicationFor returns one application and whether viewerID has
// declared a conflict of interest in it, in one query: the two things
// every look at an application needs.
func (s *Store) ApplicationFor(ctx context.Context, id, viewerID int64) (model.Application, bool, error) {
	var conflicted bool
	a, err := scanApplication(s.pool.QueryRow(ctx, "SELECT "+applicationColumns+`,
		EXISTS (SELECT 1 FROM declarations d WHERE d.application_id = a.id AND d.user_id = $2 AND d.conflict)
		FROM applications a WHERE a.id = $1`, id, viewerID), &conflicted)
	if apperr.Is(err, apperr.NotFound) {
		return a, false, apperr.New(apperr.NotFound, msgNoApplication)
	}
	return a, conflicted, err
}

// Applications lists applications matching f, newest first.
func (s *Store) Applications(ctx context.Context, f model.ApplicationFilter) ([]model.Application, error) {
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	// Only the conditions in use go into the statement, so that each
	// shape gets a plan that uses its index (a generic plan of
	// "$1 = 0 OR ..." would not).
	where, args := []string{"true"}, []any{}
	cond := func(sql string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(sql, len(args)))
	}
	if f.ApplicantID != 0 {
		cond("a.applicant_id = $%d", f.ApplicantID)
	}
	if f.State != "" {
		cond("a.state = $%d", string(f.State))
	}
	if f.CallID != 0 {
		cond("a.call_id = $%d", f.CallID)
	}
	if f.AfterID != 0 {
		cond("a.id < $%d", f.AfterID)
	}
	if f.Query != "" {
		// The stored tsvector and its index (migration 0014).
		cond("a.search @@ websearch_to_tsquery('norwegian', $%d)", f.Query)
	}
	args = append(args, limit)
	rows, err := s.pool.Query(ctx, "SELECT "+applicationColumns+" FROM applications a WHERE "+strings.Join(where, " AND ")+
		fmt.Sprintf(" ORDER BY a.id DESC LIMIT $%d", len(args)), args...)
	return collectApplications(rows, err)
}

// collectApplications reads the rows of a query of applicationColumns.
func collectApplications(rows pgx.Rows, err error) ([]model.Application, error) {
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []model.Application{}
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, translate(rows.Err())
}

// Change is who changes an application, when, and under which request.
type Change struct {
	ActorID   int64 // 0 for the system
	RequestID string
	Now       time.Time
}

func (c Change) actor() *int64 {
	if c.ActorID == 0 {
		return nil
	}
	return &c.ActorID
}

// CreateApplication adds a draft with the next case number of the year (in
// Oslo) and its first history row.
//
// Case numbers have no gaps, so they come from a counter row per year
// that every creation locks. The lock is taken by the transaction's last
// statement: the application is written under a provisional number
// ("0000/" and its id, never seen outside the transaction) and numbered at
// the end, in the same round trip as the COMMIT, so that concurrent
// creations queue only for that statement and the commit, not for the
// whole transaction nor for a round trip to this process.
func (s *Store) CreateApplication(ctx context.Context, applicantID int64, f model.ApplicationFields, ch Change) (model.Application, error) {
	var a model.Application
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		// The id comes first, so that every write after it can go to the
		// server in one round trip.
		var id int64
		if err := tx.QueryRow(ctx, "SELECT nextval(pg_get_serial_sequence('applications', 'id'))").Scan(&id); err != nil {
			return translate(err)
		}
		noteResult(ctx, tx, ResultApplication, id)
		var p pipeline
		p.exec(`INSERT INTO applications (id, case_number, applicant_id, call_id, title, summary, need, solution,
			adoption_plan, expected_benefits, budget_lines, own_contribution_ore, requested_amount_ore, unit, partners,
			start_date, end_date, created_at, updated_at, cost_centre, project_number, org_number, account_number)
			OVERRIDING SYSTEM VALUE
			VALUES ($21, $22, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
				NULLIF($14, '')::date, NULLIF($15, '')::date, $16, $16, $17, $18, $19, $20)`,
			applicantID, f.CallID, f.Title, f.Summary, f.Need, f.Solution,
			f.AdoptionPlan, f.ExpectedBenefits, nonNilLines(f.BudgetLines), f.OwnContributionOre, f.RequestedAmountOre,
			f.Unit, nonNilStrings(f.Partners), f.StartDate, f.EndDate, ch.Now,
			f.CostCentre, f.ProjectNumber, f.OrgNumber, f.AccountNumber, id, fmt.Sprintf("0000/%04d", id))
		queueHistory(&p, id, 1, ch, model.EventCreated, "", workflow.Draft, "")
		// The key before the number: a retry waiting on its key holds no
		// lock on the counter meanwhile.
		claimInPipeline(ctx, tx, &p)
		year := ch.Now.In(workflow.Oslo).Year()
		p.queue(func(br pgx.BatchResults) (err error) {
			a, err = scanApplication(br.QueryRow())
			return err
		}, `WITH n AS (
				INSERT INTO case_number_counters (year, last) VALUES ($1, 1)
				ON CONFLICT (year) DO UPDATE SET last = case_number_counters.last + 1 RETURNING last)
			UPDATE applications a SET case_number = $1::text || '/' || lpad(n.last::text, greatest(4, length(n.last::text)), '0')
			FROM n WHERE a.id = $2
			RETURNING `+applicationColumns, year, id)
		return p.sendCommitting(ctx, tx)
	})
	return a, err
}

func nonNilLines(l []model.BudgetLine) []model.BudgetLine {
	if l == nil {
		return []model.BudgetLine{}
	}
	return l
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const insertHistory = `INSERT INTO application_events (application_id, version, actor_id, event, from_state, to_state, comment, request_id, created_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`

func appendHistory(ctx context.Context, tx pgx.Tx, appID int64, version int, ch Change, event string, from, to workflow.State, comment string) error {
	_, err := tx.Exec(ctx, insertHistory, appID, version, ch.actor(), event, string(from), string(to), comment, ch.RequestID, ch.Now)
	return translate(err)
}

// queueHistory is appendHistory in a pipeline.
func queueHistory(p *pipeline, appID int64, version int, ch Change, event string, from, to workflow.State, comment string) {
	p.exec(insertHistory, appID, version, ch.actor(), event, string(from), string(to), comment, ch.RequestID, ch.Now)
}

func lockApplication(ctx context.Context, tx pgx.Tx, id int64) (model.Application, error) {
	a, err := scanApplication(tx.QueryRow(ctx, "SELECT "+applicationColumns+" FROM applications a WHERE a.id = $1 FOR UPDATE", id))
	if apperr.Is(err, apperr.NotFound) {
		return a, apperr.New(apperr.NotFound, msgNoApplication)
	}
	return a, err
}

// lockWithCall locks an application's row and reads its call, both in
// one round trip: the call's query runs after the lock, so the call_id it
// follows is the locked row's.
func lockWithCall(ctx context.Context, tx pgx.Tx, id int64) (model.Application, model.Call, error) {
	b := &pgx.Batch{}
	b.Queue("SELECT "+applicationColumns+" FROM applications a WHERE a.id = $1 FOR UPDATE", id)
	b.Queue("SELECT "+callColumns+" FROM calls WHERE id = (SELECT call_id FROM applications WHERE id = $1)", id)
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	cur, err := scanApplication(br.QueryRow())
	if apperr.Is(err, apperr.NotFound) {
		return cur, model.Call{}, apperr.New(apperr.NotFound, msgNoApplication)
	}
	if err != nil {
		return cur, model.Call{}, err
	}
	rows, err := br.Query()
	if err != nil {
		return cur, model.Call{}, translate(err)
	}
	call, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[model.Call])
	if err != nil {
		return cur, call, translate(err)
	}
	return cur, call, translate(br.Close())
}

// UpdateApplication replaces the written fields of an application after
// check approves the locked current row, bumping its version and writing an
// "edit" history row in the same transaction.
func (s *Store) UpdateApplication(ctx context.Context, id int64, f model.ApplicationFields, ch Change, check func(current model.Application) error) (model.Application, error) {
	var a model.Application
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		cur, err := lockApplication(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := check(cur); err != nil {
			return err
		}
		// The row, its history row and the key in one round trip;
		// RETURNING spares reading the row back.
		var p pipeline
		p.queue(func(br pgx.BatchResults) (err error) {
			a, err = scanApplication(br.QueryRow())
			return err
		}, `UPDATE applications a SET call_id = $2, title = $3, summary = $4, need = $5, solution = $6,
			adoption_plan = $7, expected_benefits = $8, budget_lines = $9, own_contribution_ore = $10,
			requested_amount_ore = $11, unit = $12, partners = $13, start_date = NULLIF($14, '')::date,
			end_date = NULLIF($15, '')::date, version = version + 1, updated_at = $16,
			cost_centre = $17, project_number = $18, org_number = $19, account_number = $20 WHERE a.id = $1 RETURNING `+applicationColumns,
			id, f.CallID, f.Title, f.Summary, f.Need, f.Solution, f.AdoptionPlan, f.ExpectedBenefits,
			nonNilLines(f.BudgetLines), f.OwnContributionOre, f.RequestedAmountOre, f.Unit, nonNilStrings(f.Partners),
			f.StartDate, f.EndDate, ch.Now, f.CostCentre, f.ProjectNumber, f.OrgNumber, f.AccountNumber)
		queueHistory(&p, id, cur.Version+1, ch, model.EventEdited, cur.State, cur.State, "")
		claimInPipeline(ctx, tx, &p)
		return p.send(ctx, tx)
	})
	return a, err
}

// Decision is what a transition decided: the new state, the comment that
// goes into the history, and the effects that commit with it.
type Decision struct {
	To      workflow.State
	Event   workflow.Event
	Comment string
	// Record, when set, is a decision on the application to store, with its
	// budget commitment or release (see recordDecision).
	Record *model.Decision
	// Release frees whatever the application has committed (a grant
	// declined or lapsed, an application withdrawn).
	Release bool
	// Payouts, when set, is the payout plan an acceptance creates.
	Payouts []model.Payout
	// Reports, when set, are the reports an acceptance creates.
	Reports []model.Report
}

// Transition moves an application in one transaction: it locks the row,
// lets decide pick the new state from the current application and its call,
// writes the state and the history row together, and returns the result.
// Concurrent transitions on one application queue on the row lock, so the
// second one decides on the first one's outcome.
func (s *Store) Transition(ctx context.Context, id int64, ch Change, decide func(cur model.Application, call model.Call) (Decision, error)) (model.Application, error) {
	var a model.Application
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		cur, call, err := lockWithCall(ctx, tx, id)
		if err != nil {
			return err
		}
		d, err := decide(cur, call)
		if err != nil {
			return err
		}
		// The row, its history row, the notifications and the key go to
		// the server in one round trip (two when there are decisions,
		// payouts or reports to write between them), and the mail jobs in
		// another. RETURNING spares reading the row back: nothing after
		// the update changes it.
		var p pipeline
		p.queue(func(br pgx.BatchResults) (err error) {
			a, err = scanApplication(br.QueryRow())
			return err
		}, `UPDATE applications a SET state = $2, version = version + 1, updated_at = $3,
			submitted_at = CASE WHEN $2 = 'submitted' THEN COALESCE(submitted_at, $3) ELSE submitted_at END WHERE a.id = $1
			RETURNING `+applicationColumns, id, string(d.To), ch.Now)
		queueHistory(&p, id, cur.Version+1, ch, string(d.Event), cur.State, d.To, d.Comment)
		notices := notify.ForApplication(id, d.Event, d.To)
		if d.Record != nil || d.Release || len(d.Payouts) > 0 || len(d.Reports) > 0 {
			if err := p.send(ctx, tx); err != nil {
				return err
			}
			p = pipeline{}
			due, err := writeEffects(ctx, tx, id, call, d, ch)
			if err != nil {
				return err
			}
			for _, pid := range due {
				notices = append(notices, notify.ForPayout(id, pid, workflow.MakeDue)...)
			}
		}
		mails, err := queueNotices(&p, ch, notices...)
		if err != nil {
			return err
		}
		noteResult(ctx, tx, ResultApplication, id)
		claimInPipeline(ctx, tx, &p)
		if err := p.send(ctx, tx); err != nil {
			return err
		}
		return s.queueMail(ctx, tx, *mails)
	})
	return a, err
}

// writeEffects writes what a transition decided beyond the state: the
// decision with its budget commitment, the release of a commitment, the
// payout plan and the reports. It returns the payouts that are due at
// once.
func writeEffects(ctx context.Context, tx pgx.Tx, id int64, call model.Call, d Decision, ch Change) (due []int64, err error) {
	if d.Record != nil {
		if _, err := recordDecision(ctx, tx, *d.Record, call); err != nil {
			return nil, err
		}
	}
	if d.Release {
		if err := releaseCommitment(ctx, tx, id, nil); err != nil {
			return nil, err
		}
	}
	if due, err = insertPayouts(ctx, tx, id, d.Payouts, ch); err != nil {
		return nil, err
	}
	return due, insertReports(ctx, tx, id, d.Reports, ch)
}

// History returns an application's history, oldest first.
func (s *Store) History(ctx context.Context, appID int64) ([]model.HistoryEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT e.id, e.version, e.actor_id, COALESCE(u.name, ''), e.event, e.from_state, e.to_state,
		e.comment, e.request_id, e.created_at
		FROM application_events e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.application_id = $1 ORDER BY e.id`, appID)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.HistoryEntry])
	if out == nil {
		out = []model.HistoryEntry{}
	}
	return out, translate(err)
}
