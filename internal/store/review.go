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

// History event names of review work (unversioned rows).
const (
	EventReviewerAssigned = "reviewer_assigned"
	EventDeclaration      = "declaration"
	EventReviewSubmitted  = "review_submitted"
	EventRecommendation   = "recommendation_saved"
)

// ConflictRules lists the conflict-of-interest rules.
func (s *Store) ConflictRules(ctx context.Context) ([]model.ConflictRule, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, kind, params, description, description_en, enabled FROM conflict_rules ORDER BY id")
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.ConflictRule])
	return out, translate(err)
}

// AddConflictRule adds a rule of a municipality's own.
func (s *Store) AddConflictRule(ctx context.Context, r model.ConflictRule) (model.ConflictRule, error) {
	err := s.pool.QueryRow(ctx, `INSERT INTO conflict_rules (kind, params, description, description_en, enabled) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		r.Kind, r.Params, r.Description, r.DescriptionEN, r.Enabled).Scan(&r.ID)
	return r, translate(err)
}

const assignmentColumns = `ra.application_id, ra.reviewer_id, u.name, ra.status, ra.assigned_at`

// Assignments lists the reviewers assigned to an application.
func (s *Store) Assignments(ctx context.Context, appID int64) ([]model.Assignment, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+assignmentColumns+` FROM reviewer_assignments ra
		JOIN users u ON u.id = ra.reviewer_id WHERE ra.application_id = $1 ORDER BY ra.assigned_at, u.name`, appID)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.Assignment])
	if out == nil {
		out = []model.Assignment{}
	}
	return out, translate(err)
}

// Assignment returns a reviewer's assignment to an application, if any.
func (s *Store) Assignment(ctx context.Context, appID, reviewerID int64) (model.Assignment, bool, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+assignmentColumns+` FROM reviewer_assignments ra
		JOIN users u ON u.id = ra.reviewer_id WHERE ra.application_id = $1 AND ra.reviewer_id = $2`, appID, reviewerID)
	if err != nil {
		return model.Assignment{}, false, translate(err)
	}
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[model.Assignment])
	if errors.Is(err, pgx.ErrNoRows) {
		return a, false, nil
	}
	return a, err == nil, translate(err)
}

// ReviewerLoads counts each reviewer's open assignments (not recused, on
// applications still in review).
func (s *Store) ReviewerLoads(ctx context.Context) (map[int64]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT ra.reviewer_id, count(*) FROM reviewer_assignments ra
		JOIN applications a ON a.id = ra.application_id
		WHERE ra.status <> 'recused' AND a.state = 'in_review' GROUP BY ra.reviewer_id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, translate(err)
		}
		out[id] = n
	}
	return out, translate(rows.Err())
}

// UsersWithRole lists the users holding a role.
func (s *Store) UsersWithRole(ctx context.Context, role workflow.Role) ([]model.User, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+userColumns+` FROM users u
		WHERE EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $1) ORDER BY u.name, u.id`, role)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, translate(rows.Err())
}

var msgRecused = i18n.T("Fagvurdereren har meldt seg inhabil i denne saken og kan ikke tildeles den igjen.",
	"The reviewer has declared a conflict of interest in this case and cannot be assigned again.")

// AssignReviewers assigns reviewers to an application in one transaction,
// each with a history row and a notice. Assigning again is a no-op; a
// recused reviewer is refused, and then none is assigned.
func (s *Store) AssignReviewers(ctx context.Context, appID int64, ch Change, reviewerIDs ...int64) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		cur, err := lockApplication(ctx, tx, appID)
		if err != nil {
			return err
		}
		for _, id := range reviewerIDs {
			if err := s.assignReviewer(ctx, tx, cur.State, appID, id, ch); err != nil {
				return err
			}
		}
		noteResult(ctx, tx, ResultApplication, appID)
		return nil
	})
}

func (s *Store) assignReviewer(ctx context.Context, tx pgx.Tx, state workflow.State, appID, reviewerID int64, ch Change) error {
	var status string
	err := tx.QueryRow(ctx, "SELECT status FROM reviewer_assignments WHERE application_id = $1 AND reviewer_id = $2", appID, reviewerID).Scan(&status)
	switch {
	case err == nil && status == model.AssignmentRecused:
		return apperr.New(apperr.Conflict, msgRecused)
	case err == nil:
		return nil
	case !errors.Is(err, pgx.ErrNoRows):
		return translate(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO reviewer_assignments (application_id, reviewer_id, assigned_by, assigned_at)
		VALUES ($1, $2, $3, $4)`, appID, reviewerID, ch.actor(), ch.Now); err != nil {
		return translate(err)
	}
	var name string
	if err := tx.QueryRow(ctx, "SELECT name FROM users WHERE id = $1", reviewerID).Scan(&name); err != nil {
		return translate(err)
	}
	if err := appendAccess(ctx, tx, appID, ch, EventReviewerAssigned, state, name); err != nil {
		return err
	}
	return s.notifyTx(ctx, tx, ch, notify.ForAssignment(appID, reviewerID)...)
}

// Declare records a declaration of (no) conflict of interest with its
// history row; a reviewer's declaration also activates or recuses the
// assignment.
func (s *Store) Declare(ctx context.Context, d model.Declaration, ch Change) (model.Declaration, error) {
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		cur, err := lockApplication(ctx, tx, d.ApplicationID)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO declarations (application_id, user_id, capacity, conflict, reason, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
			d.ApplicationID, d.UserID, d.Capacity, d.Conflict, d.Reason, ch.Now).Scan(&d.ID, &d.CreatedAt); err != nil {
			return translate(err)
		}
		if d.Capacity == string(workflow.Reviewer) {
			status := model.AssignmentActive
			if d.Conflict {
				status = model.AssignmentRecused
			}
			if _, err := tx.Exec(ctx, `UPDATE reviewer_assignments SET status = $3 WHERE application_id = $1 AND reviewer_id = $2`,
				d.ApplicationID, d.UserID, status); err != nil {
				return translate(err)
			}
		}
		comment := "ingen inhabilitet / no conflict (" + d.Capacity + ")"
		if d.Conflict {
			comment = "inhabil / conflict (" + d.Capacity + "): " + d.Reason
		}
		noteResult(ctx, tx, ResultDeclaration, d.ID)
		return appendAccess(ctx, tx, d.ApplicationID, ch, EventDeclaration, cur.State, comment)
	})
	return d, err
}

// Declaration returns a declaration by its id.
func (s *Store) Declaration(ctx context.Context, id int64) (model.Declaration, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, application_id, user_id, capacity, conflict, reason, created_at FROM declarations
		WHERE id = $1`, id)
	if err != nil {
		return model.Declaration{}, translate(err)
	}
	d, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[model.Declaration])
	return d, translate(err)
}

// LatestDeclaration returns a person's latest declaration on an
// application in a capacity, if any.
func (s *Store) LatestDeclaration(ctx context.Context, appID, userID int64, capacity string) (model.Declaration, bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, application_id, user_id, capacity, conflict, reason, created_at FROM declarations
		WHERE application_id = $1 AND user_id = $2 AND capacity = $3 ORDER BY id DESC LIMIT 1`, appID, userID, capacity)
	if err != nil {
		return model.Declaration{}, false, translate(err)
	}
	d, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[model.Declaration])
	if errors.Is(err, pgx.ErrNoRows) {
		return d, false, nil
	}
	return d, err == nil, translate(err)
}

// HasDeclaredConflict reports whether the user ever declared a conflict on
// the application, in any capacity: it bars them for good.
func (s *Store) HasDeclaredConflict(ctx context.Context, appID, userID int64) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM declarations WHERE application_id = $1 AND user_id = $2 AND conflict)",
		appID, userID).Scan(&ok)
	return ok, translate(err)
}

// ReviewQueue lists a reviewer's assignments that are not recused, on
// applications still in review, with the state of their own review.
func (s *Store) ReviewQueue(ctx context.Context, reviewerID int64) ([]model.QueueItem, error) {
	rows, err := s.pool.Query(ctx, `SELECT a.id, a.case_number, a.title, a.state, ra.status, c.review_deadline,
			COALESCE((SELECT CASE WHEN r.submitted_at IS NULL THEN 'draft' ELSE 'submitted' END FROM reviews r
				WHERE r.application_id = a.id AND r.reviewer_id = ra.reviewer_id ORDER BY r.version DESC LIMIT 1), 'none')
		FROM reviewer_assignments ra JOIN applications a ON a.id = ra.application_id JOIN calls c ON c.id = a.call_id
		WHERE ra.reviewer_id = $1 AND ra.status <> 'recused' AND a.state = 'in_review'
		ORDER BY c.review_deadline NULLS LAST, a.id`, reviewerID)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.QueueItem])
	if out == nil {
		out = []model.QueueItem{}
	}
	return out, translate(err)
}
