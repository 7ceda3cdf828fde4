package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/model"
)

// The candidates of the reminder and deadline jobs (internal/grants'
// reminders.go decides what is due; RemindOnce sends it once).

// OpenReport is a report not yet submitted, due by a date.
type OpenReport struct {
	ID            int64
	ApplicationID int64
	Kind          string
	DueDate       string // YYYY-MM-DD
}

// OpenReportsDueBy lists the reports in draft or returned, of projects
// still running, due on or before the date (YYYY-MM-DD).
func (s *Store) OpenReportsDueBy(ctx context.Context, date string) ([]OpenReport, error) {
	return collect[OpenReport](s.pool.Query(ctx, `SELECT r.id, r.application_id, r.kind, to_char(r.due_date, 'YYYY-MM-DD')
		FROM reports r JOIN applications a ON a.id = r.application_id
		WHERE r.state IN ('draft', 'returned') AND r.due_date <= $1::date AND a.state IN ('accepted', 'final_report_submitted')
		ORDER BY r.due_date, r.id`, date))
}

// PendingReview is a reviewer's assignment without a submitted review, on
// an application in review, with the call's review deadline.
type PendingReview struct {
	ApplicationID int64
	ReviewerID    int64
	Deadline      time.Time
}

// PendingReviewsDueBy lists the pending reviews whose call's review
// deadline is before t. A reviewer who declared a conflict has no
// pending review.
func (s *Store) PendingReviewsDueBy(ctx context.Context, t time.Time) ([]PendingReview, error) {
	return collect[PendingReview](s.pool.Query(ctx, `SELECT ra.application_id, ra.reviewer_id, c.review_deadline
		FROM reviewer_assignments ra
		JOIN applications a ON a.id = ra.application_id
		JOIN calls c ON c.id = a.call_id
		WHERE ra.status IN ('assigned', 'active') AND a.state = 'in_review'
		AND c.review_deadline IS NOT NULL AND c.review_deadline < $1
		AND NOT EXISTS (SELECT 1 FROM reviews rv WHERE rv.application_id = ra.application_id
			AND rv.reviewer_id = ra.reviewer_id AND rv.submitted_at IS NOT NULL)
		ORDER BY ra.application_id, ra.reviewer_id`, t))
}

// UndecidedSince lists the applications submitted before t that still
// wait for a decision (model.Application.ProvisionalReplyDue has the
// rule) and have had no provisional reply.
func (s *Store) UndecidedSince(ctx context.Context, t time.Time) ([]model.Application, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+applicationColumns+` FROM applications a
		WHERE a.submitted_at < $1 AND a.state IN ('submitted', 'returned', 'in_review', 'recommended', 'appealed')
		AND NOT EXISTS (SELECT 1 FROM reminders_sent r WHERE r.kind = 'provisional_reply' AND r.subject_id = a.id)
		ORDER BY a.id`, t)
	return collectApplications(rows, err)
}

// DecisionAwaitingFinality is an application's latest decision with a
// letter, not yet final, while the application is not under appeal.
type DecisionAwaitingFinality struct {
	DecisionID    int64
	ApplicationID int64
}

// DecisionsAwaitingFinality lists the latest decisions whose letters
// are out and that are not final yet.
func (s *Store) DecisionsAwaitingFinality(ctx context.Context) ([]DecisionAwaitingFinality, error) {
	return collect[DecisionAwaitingFinality](s.pool.Query(ctx, `SELECT d.id, d.application_id
		FROM applications a
		JOIN LATERAL (SELECT id, application_id FROM decisions WHERE application_id = a.id ORDER BY id DESC LIMIT 1) d ON true
		WHERE a.state <> 'appealed'
		AND EXISTS (SELECT 1 FROM letters l WHERE l.decision_id = d.id)
		AND NOT EXISTS (SELECT 1 FROM final_decisions f WHERE f.decision_id = d.id)
		ORDER BY d.id`))
}

// EventDecisionFinal names the application history row written when the
// appeal deadline of its decision ran out unused.
const EventDecisionFinal = "decision_final"

// MarkDecisionFinal records that a decision became final, with its
// history row, once.
func (s *Store) MarkDecisionFinal(ctx context.Context, decisionID, appID int64, ch Change) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "INSERT INTO final_decisions (decision_id, final_at) VALUES ($1, $2) ON CONFLICT DO NOTHING", decisionID, ch.Now)
		if err != nil || tag.RowsAffected() == 0 {
			return translate(err)
		}
		return appendSideEvent(ctx, tx, appID, ch, EventDecisionFinal)
	})
}

// appendSideEvent writes a history row that leaves the application in
// its current state and version.
func appendSideEvent(ctx context.Context, tx pgx.Tx, appID int64, ch Change, event string) error {
	_, err := tx.Exec(ctx, `INSERT INTO application_events (application_id, version, actor_id, event, from_state, to_state, comment, request_id, created_at)
		SELECT id, NULL, $2, $3, state, state, '', $4, $5 FROM applications WHERE id = $1`, appID, ch.actor(), event, ch.RequestID, ch.Now)
	return translate(err)
}
