package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/model"
)

// Publication: the exemptions from publication a case officer records on
// an application (offentleglova §§ 13 and 14), and the attachments they
// publish. A change replaces the whole setting in one transaction with a
// history row on the application.

// Publication returns an application's publication setting.
func (s *Store) Publication(ctx context.Context, appID int64) (model.Publication, error) {
	return publication(ctx, s.pool, appID)
}

func publication(ctx context.Context, q querier, appID int64) (model.Publication, error) {
	p := model.Publication{ApplicationID: appID, Exemptions: []model.Exemption{}, PublicAttachments: []int64{}}
	rows, err := q.Query(ctx, `SELECT COALESCE(field, ''), COALESCE(attachment_id, 0), legal_basis, reason, created_by, created_at
		FROM publication_exemptions WHERE application_id = $1 ORDER BY field NULLS LAST, attachment_id`, appID)
	if err != nil {
		return p, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var x model.Exemption
		if err := rows.Scan(&x.Field, &x.AttachmentID, &x.LegalBasis, &x.Reason, &x.CreatedBy, &x.CreatedAt); err != nil {
			return p, translate(err)
		}
		p.Exemptions = append(p.Exemptions, x)
	}
	if err := rows.Err(); err != nil {
		return p, translate(err)
	}
	rows, err = q.Query(ctx, "SELECT attachment_id FROM public_attachments WHERE application_id = $1 ORDER BY attachment_id", appID)
	if err != nil {
		return p, translate(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return p, translate(err)
	}
	p.PublicAttachments = append(p.PublicAttachments, ids...)
	return p, nil
}

// PutPublication replaces an application's publication setting after
// check approves the locked application, with a history row naming what
// is exempted and published.
func (s *Store) PutPublication(ctx context.Context, appID int64, in model.PublicationInput, ch Change, check func(app model.Application) error) (model.Publication, error) {
	var p model.Publication
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		app, err := lockApplication(ctx, tx, appID)
		if err != nil {
			return err
		}
		if err := check(app); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM publication_exemptions WHERE application_id = $1", appID); err != nil {
			return translate(err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM public_attachments WHERE application_id = $1", appID); err != nil {
			return translate(err)
		}
		var summary []string
		for _, x := range in.Exemptions {
			_, err := tx.Exec(ctx, `INSERT INTO publication_exemptions (application_id, field, attachment_id, legal_basis, reason, created_by, created_at)
				VALUES ($1, NULLIF($2, ''), NULLIF($3, 0), $4, $5, $6, $7)`,
				appID, x.Field, x.AttachmentID, x.LegalBasis, x.Reason, ch.actor(), ch.Now)
			if err != nil {
				return translate(err)
			}
			what := x.Field
			if x.AttachmentID != 0 {
				what = fmt.Sprintf("attachment %d", x.AttachmentID)
			}
			summary = append(summary, fmt.Sprintf("%s: %s", what, model.LegalBasisLabel(x.LegalBasis)))
		}
		for _, id := range in.PublicAttachments {
			_, err := tx.Exec(ctx, `INSERT INTO public_attachments (attachment_id, application_id, published_by, published_at)
				VALUES ($1, $2, $3, $4)`, id, appID, ch.actor(), ch.Now)
			if err != nil {
				return translate(err)
			}
			summary = append(summary, fmt.Sprintf("public attachment %d", id))
		}
		comment := "exempted: none"
		if len(summary) > 0 {
			comment = strings.Join(summary, "; ")
		}
		if err := appendAccess(ctx, tx, appID, ch, model.EventPublication, app.State, comment); err != nil {
			return err
		}
		p, err = publication(ctx, tx, appID)
		return err
	})
	return p, err
}
