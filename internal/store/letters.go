package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
)

// EventLetterCreated is the history event of a stored letter.
const EventLetterCreated = "letter_created"

const letterColumns = `id, application_id, decision_id, version, language, object_key, sha256, size, created_at, first_opened_at`

var msgNoLetter = i18n.T("Fant ikke brevet.", "Letter not found.")

// Letters lists an application's letters, newest version first.
func (s *Store) Letters(ctx context.Context, appID int64) ([]model.Letter, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+letterColumns+" FROM letters WHERE application_id = $1 ORDER BY version DESC", appID)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.Letter])
	if out == nil {
		out = []model.Letter{}
	}
	return out, translate(err)
}

// Letter returns one letter.
func (s *Store) Letter(ctx context.Context, id int64) (model.Letter, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+letterColumns+" FROM letters WHERE id = $1", id)
	if err != nil {
		return model.Letter{}, translate(err)
	}
	l, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[model.Letter])
	if errors.Is(err, pgx.ErrNoRows) {
		return l, apperr.New(apperr.NotFound, msgNoLetter)
	}
	return l, translate(err)
}

// LetterFor returns the letter of a decision, if one is stored.
func (s *Store) LetterFor(ctx context.Context, decisionID int64) (model.Letter, bool, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+letterColumns+" FROM letters WHERE decision_id = $1 ORDER BY version DESC LIMIT 1", decisionID)
	if err != nil {
		return model.Letter{}, false, translate(err)
	}
	l, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[model.Letter])
	if errors.Is(err, pgx.ErrNoRows) {
		return l, false, nil
	}
	return l, err == nil, translate(err)
}

// ErrLetterExists is returned when a decision's first letter is already
// stored (another instance issued it first).
var ErrLetterExists = apperr.New(apperr.Conflict, i18n.T("Brevet finnes allerede.", "The letter already exists."))

// AddLetter records a stored letter as the application's next version, with
// its history row. With first set it records only the decision's first
// letter, and returns ErrLetterExists when there is one.
func (s *Store) AddLetter(ctx context.Context, l model.Letter, first bool, ch Change) (model.Letter, error) {
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		cur, err := lockApplication(ctx, tx, l.ApplicationID)
		if err != nil {
			return err
		}
		if first && l.DecisionID != nil {
			var exists bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM letters WHERE decision_id = $1)", *l.DecisionID).Scan(&exists); err != nil {
				return translate(err)
			}
			if exists {
				return ErrLetterExists
			}
		}
		err = tx.QueryRow(ctx, `INSERT INTO letters (application_id, decision_id, version, language, object_key, sha256, size, created_by, created_at)
			VALUES ($1, $2, (SELECT COALESCE(max(version), 0) + 1 FROM letters WHERE application_id = $1), $3, $4, $5, $6, $7, $8)
			RETURNING id, version, created_at`, l.ApplicationID, l.DecisionID, l.Language, l.ObjectKey, l.SHA256, l.Size, ch.actor(), ch.Now).
			Scan(&l.ID, &l.Version, &l.CreatedAt)
		if err != nil {
			return translate(err)
		}
		return appendAccess(ctx, tx, l.ApplicationID, ch, EventLetterCreated, cur.State, l.SHA256)
	})
	return l, err
}

// MarkLetterOpened records the first time the addressee opened a letter.
func (s *Store) MarkLetterOpened(ctx context.Context, id int64, at time.Time) error {
	_, err := s.pool.Exec(ctx, "UPDATE letters SET first_opened_at = $2 WHERE id = $1 AND first_opened_at IS NULL", id, at)
	return translate(err)
}

// DecisionsWithoutLetter lists decisions whose letter is not stored yet
// (object storage was down when they were made), oldest first.
func (s *Store) DecisionsWithoutLetter(ctx context.Context, limit int) ([]model.Decision, error) {
	rows, err := s.pool.Query(ctx, `SELECT d.id, d.application_id, d.outcome, d.amount_ore, d.requested_ore, d.rules, d.facts,
			d.considerations, d.decided_by, d.decided_at
		FROM decisions d WHERE NOT EXISTS (SELECT 1 FROM letters l WHERE l.decision_id = d.id)
		ORDER BY d.id LIMIT $1`, limit)
	if err != nil {
		return nil, translate(err)
	}
	return scanDecisions(rows)
}

// LetterTemplate returns a fund's stored letter template as JSON, or nil
// when the fund uses the defaults.
func (s *Store) LetterTemplate(ctx context.Context, fundID int64) ([]byte, error) {
	var raw []byte
	err := s.pool.QueryRow(ctx, "SELECT template FROM letter_templates WHERE fund_id = $1", fundID).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return raw, translate(err)
}

// SetLetterTemplate stores a fund's letter template (JSON).
func (s *Store) SetLetterTemplate(ctx context.Context, fundID int64, template []byte, ch Change) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO letter_templates (fund_id, template, updated_by, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (fund_id) DO UPDATE SET template = EXCLUDED.template, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
		fundID, template, ch.actor(), ch.Now)
	return translate(err)
}
