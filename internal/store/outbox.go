package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"nyttig/internal/notify"
)

// The outbox: a notification is written in the transaction of the event
// that causes it, and so is the River job that mails it. An event that
// rolls back leaves neither; an event that commits cannot lose its mail.

// DeliverMail is the job that mails one notification at once.
type DeliverMail struct {
	NotificationID int64 `json:"notification_id"`
}

// Kind names the job in River's queue.
func (DeliverMail) Kind() string { return "deliver_mail" }

// InsertOpts retries a mail for about a day and a half before giving up:
// River's backoff grows with the attempt (attempt⁴ seconds), and the
// pauses before 15 attempts add up to some 35 hours.
func (DeliverMail) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 15, Queue: MailQueue}
}

// MailQueue is the River queue mail goes through, apart from the
// deadline work so that a slow SMTP server holds up nothing else.
const MailQueue = "mail"

// newJobInserter returns a River client that only inserts jobs; the
// servers that work them run their own (internal/jobs).
func newJobInserter(s *Store) (*river.Client[pgx.Tx], error) {
	c, err := river.NewClient(riverpgxv5.New(s.pool), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("job queue client: %w", err)
	}
	return c, nil
}

// migrateJobQueue brings River's tables up to date, inside the migration
// lock.
func migrateJobQueue(ctx context.Context, s *Store) error {
	m, err := rivermigrate.New(riverpgxv5.New(s.pool), nil)
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("job queue migration: %w", err)
	}
	return nil
}

// notifyTx writes the notices' notifications in tx, one per recipient,
// and queues the mail of those who want it at once. The actor of ch is
// not told of their own event, and nobody who has declared a conflict of
// interest in the application is told anything about it.
func (s *Store) notifyTx(ctx context.Context, tx pgx.Tx, ch Change, notices ...notify.Notice) error {
	var p pipeline
	mails, err := queueNotices(&p, ch, notices...)
	if err != nil {
		return err
	}
	if err := p.send(ctx, tx); err != nil {
		return err
	}
	return s.queueMail(ctx, tx, *mails)
}

// queueNotices adds to p the statements that write the notices'
// notifications (see notifyTx); once p is sent, the returned list holds
// the mail jobs of those to be mailed at once, for queueMail.
func queueNotices(p *pipeline, ch Change, notices ...notify.Notice) (*[]river.InsertManyParams, error) {
	var jobs []river.InsertManyParams
	for _, n := range notices {
		role, _ := n.To.Role()
		params, err := json.Marshal(n.Params)
		if err != nil {
			return nil, err
		}
		p.queue(func(br pgx.BatchResults) error {
			rows, err := br.Query()
			if err != nil {
				return translate(err)
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var mode string
				if err := rows.Scan(&id, &mode); err != nil {
					return translate(err)
				}
				if notify.Mode(mode) == notify.Immediately {
					jobs = append(jobs, river.InsertManyParams{Args: DeliverMail{NotificationID: id}})
				}
			}
			return translate(rows.Err())
		}, `WITH app AS (
				SELECT a.id, a.applicant_id, u.leader_id FROM applications a JOIN users u ON u.id = a.applicant_id WHERE a.id = $3
			), recipients AS (
				SELECT u.id FROM users u, app
				WHERE CASE $1::text
					WHEN 'applicant' THEN u.id = app.applicant_id
					WHEN 'unit_leader' THEN u.id = app.leader_id
					WHEN 'user' THEN u.id = $2
					ELSE EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $4) END
				AND u.id IS DISTINCT FROM $5
				AND NOT EXISTS (SELECT 1 FROM declarations d WHERE d.application_id = app.id AND d.user_id = u.id AND d.conflict)
			)
			INSERT INTO notifications (user_id, kind, application_id, report_id, payout_id, params, mail, created_at)
			SELECT r.id, $6, $3, NULLIF($7, 0), NULLIF($8, 0), $9, COALESCE(p.mail, $10), $11
			FROM recipients r LEFT JOIN notification_preferences p ON p.user_id = r.id AND p.kind = $6
			RETURNING id, mail`,
			string(n.To), n.UserID, n.ApplicationID, string(role), ch.actor(), string(n.Kind), n.ReportID, n.PayoutID,
			params, string(notify.DefaultMode), ch.Now)
	}
	return &jobs, nil
}

// queueMail inserts the mail jobs of notifications in tx, the
// notifications' own transaction.
func (s *Store) queueMail(ctx context.Context, tx pgx.Tx, jobs []river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	// InsertManyTx is one INSERT; InsertManyFastTx's COPY costs a round
	// trip more, with the application's row lock held all the while.
	if _, err := s.jobs.InsertManyTx(ctx, tx, jobs); err != nil {
		return translate(err)
	}
	return nil
}

// Notify writes notices in a transaction of their own, for events that
// have none of their own to join.
func (s *Store) Notify(ctx context.Context, ch Change, notices ...notify.Notice) error {
	return s.Transact(ctx, func(tx pgx.Tx) error { return s.notifyTx(ctx, tx, ch, notices...) })
}

// NotifyThen runs fn and writes the notices in one transaction: the
// notices exist if and only if fn's work commits. Tests use it to show
// that a rolled-back event sends nothing.
func (s *Store) NotifyThen(ctx context.Context, ch Change, fn func(tx pgx.Tx) error, notices ...notify.Notice) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		if err := s.notifyTx(ctx, tx, ch, notices...); err != nil {
			return err
		}
		return fn(tx)
	})
}

// Reminder is one step of a reminder: what it reminds of, about which
// subject (a report, an assignment, an application), and which step.
type Reminder struct {
	Kind      notify.Kind
	SubjectID int64
	Step      string
	// History, when set, is written to the application's history as a
	// side event with the reminder (a provisional reply is a case
	// document).
	History string
}

// RemindOnce sends a reminder step once: the step is recorded in
// reminders_sent in the transaction that writes its notices, and a step
// already recorded sends nothing. It reports whether this call sent it.
func (s *Store) RemindOnce(ctx context.Context, ch Change, r Reminder, notices ...notify.Notice) (bool, error) {
	sent := false
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO reminders_sent (kind, subject_id, step, sent_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, string(r.Kind), r.SubjectID, r.Step, ch.Now)
		if err != nil {
			return translate(err)
		}
		if sent = tag.RowsAffected() == 1; !sent {
			return nil
		}
		if r.History != "" && len(notices) > 0 {
			if err := appendSideEvent(ctx, tx, notices[0].ApplicationID, ch, r.History); err != nil {
				return err
			}
		}
		return s.notifyTx(ctx, tx, ch, notices...)
	})
	return sent, err
}

// EventProvisionalReply names the application history row of a
// provisional reply (forvaltningsloven § 11a) sent to the applicant.
const EventProvisionalReply = "provisional_reply"
