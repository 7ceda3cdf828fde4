package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

const attachmentColumns = `t.id, t.application_id, t.object_key, t.name, t.content_type, t.size, t.sha256,
	t.uploaded_by, COALESCE(u.name, ''), t.created_at`

var msgNoAttachment = i18n.T("Fant ikke vedlegget.", "Attachment not found.")

// Attachments lists an application's attachments, oldest first.
func (s *Store) Attachments(ctx context.Context, appID int64) ([]model.Attachment, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+attachmentColumns+` FROM attachments t
		LEFT JOIN users u ON u.id = t.uploaded_by WHERE t.application_id = $1 ORDER BY t.id`, appID)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.Attachment])
	if out == nil {
		out = []model.Attachment{}
	}
	return out, translate(err)
}

// Attachment returns one attachment.
func (s *Store) Attachment(ctx context.Context, id int64) (model.Attachment, error) {
	return attachment(ctx, s.pool, id)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func attachment(ctx context.Context, q querier, id int64) (model.Attachment, error) {
	rows, err := q.Query(ctx, "SELECT "+attachmentColumns+` FROM attachments t
		LEFT JOIN users u ON u.id = t.uploaded_by WHERE t.id = $1`, id)
	if err != nil {
		return model.Attachment{}, translate(err)
	}
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[model.Attachment])
	if err != nil && IsNotFound(err) {
		return a, apperr.New(apperr.NotFound, msgNoAttachment)
	}
	return a, translate(err)
}

// AttachedBytes is the total size of an application's attachments.
func (s *Store) AttachedBytes(ctx context.Context, appID int64) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, "SELECT COALESCE(sum(size), 0) FROM attachments WHERE application_id = $1", appID).Scan(&n)
	return n, translate(err)
}

// AddAttachment records a stored object as an attachment, after check
// approves the locked application and the total size the application would
// then have. The history row is written in the same transaction.
func (s *Store) AddAttachment(ctx context.Context, at model.Attachment, ch Change, check func(cur model.Application, totalAfter int64) error) (model.Attachment, error) {
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		// The row lock, the total so far and the new row's id in one
		// round trip; the writes in another.
		var cur model.Application
		var total int64
		var lock pipeline
		lock.queue(func(br pgx.BatchResults) (err error) {
			cur, err = scanApplication(br.QueryRow())
			if apperr.Is(err, apperr.NotFound) {
				return apperr.New(apperr.NotFound, msgNoApplication)
			}
			return err
		}, "SELECT "+applicationColumns+" FROM applications a WHERE a.id = $1 FOR UPDATE", at.ApplicationID)
		lock.queue(func(br pgx.BatchResults) error {
			return translate(br.QueryRow().Scan(&total, &at.ID))
		}, `SELECT COALESCE(sum(size), 0), nextval(pg_get_serial_sequence('attachments', 'id'))
			FROM attachments WHERE application_id = $1`, at.ApplicationID)
		if err := lock.send(ctx, tx); err != nil {
			return err
		}
		if err := check(cur, total+at.Size); err != nil {
			return err
		}
		at.CreatedAt = ch.Now.Truncate(time.Microsecond) // as PostgreSQL keeps it
		noteResult(ctx, tx, ResultAttachment, at.ID)
		var p pipeline
		p.exec(`INSERT INTO attachments (id, application_id, object_key, name, content_type, size, sha256, uploaded_by, created_at)
			OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			at.ID, at.ApplicationID, at.ObjectKey, at.Name, at.ContentType, at.Size, at.SHA256, at.UploadedBy, ch.Now)
		queueAccess(&p, at.ApplicationID, ch, model.EventAttachmentAdded, cur.State, at.Name)
		claimInPipeline(ctx, tx, &p)
		return p.send(ctx, tx)
	})
	return at, err
}

// DeleteAttachment removes an attachment's row after check approves the
// locked application, writing the history row in the same transaction. The
// caller removes the object afterwards.
func (s *Store) DeleteAttachment(ctx context.Context, id int64, ch Change, check func(cur model.Application, at model.Attachment) error) (model.Attachment, error) {
	var at model.Attachment
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		at, err = attachment(ctx, tx, id)
		if err != nil {
			return err
		}
		cur, err := lockApplication(ctx, tx, at.ApplicationID)
		if err != nil {
			return err
		}
		if err := check(cur, at); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, "DELETE FROM attachments WHERE id = $1", id)
		if err != nil {
			return translate(err)
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.NotFound, msgNoAttachment)
		}
		return appendAccess(ctx, tx, at.ApplicationID, ch, model.EventAttachmentDeleted, cur.State, at.Name)
	})
	return at, err
}

// RecordAccess writes an unversioned history row, such as a download.
func (s *Store) RecordAccess(ctx context.Context, appID int64, ch Change, event, comment string) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		var state string
		if err := tx.QueryRow(ctx, "SELECT state FROM applications WHERE id = $1", appID).Scan(&state); err != nil {
			return translate(err)
		}
		return appendAccess(ctx, tx, appID, ch, event, workflow.State(state), comment)
	})
}

const insertAccess = `INSERT INTO application_events (application_id, version, actor_id, event, from_state, to_state, comment, request_id, created_at)
	VALUES ($1, NULL, $2, $3, $4, $4, $5, $6, $7)`

func appendAccess(ctx context.Context, tx pgx.Tx, appID int64, ch Change, event string, state workflow.State, comment string) error {
	_, err := tx.Exec(ctx, insertAccess, appID, ch.actor(), event, string(state), comment, ch.RequestID, ch.Now)
	return translate(err)
}

// queueAccess is appendAccess in a pipeline.
func queueAccess(p *pipeline, appID int64, ch Change, event string, state workflow.State, comment string) {
	p.exec(insertAccess, appID, ch.actor(), event, string(state), comment, ch.RequestID, ch.Now)
}

// AttachmentKeyExists reports whether a row refers to an object key; the
// orphan sweeper removes objects for which none does.
func (s *Store) AttachmentKeyExists(ctx context.Context, key string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM attachments WHERE object_key = $1)", key).Scan(&ok)
	return ok, translate(err)
}
