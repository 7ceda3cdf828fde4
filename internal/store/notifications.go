package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/notify"
)

// Notifications: the recipient's list, their preferences, and what the
// mail jobs read and mark. Writing them is the outbox's (outbox.go).

const notificationColumns = `n.id, n.user_id, n.kind, n.application_id, COALESCE(n.report_id, 0), COALESCE(n.payout_id, 0),
	a.case_number, a.title, n.params, n.mail, n.created_at, n.read_at`

const notificationFrom = ` FROM notifications n JOIN applications a ON a.id = n.application_id `

func scanNotification(row pgx.Row) (notify.Item, error) {
	var it notify.Item
	var params []byte
	err := row.Scan(&it.ID, &it.UserID, &it.Kind, &it.ApplicationID, &it.ReportID, &it.PayoutID,
		&it.CaseNumber, &it.Title, &params, &it.Mode, &it.CreatedAt, &it.ReadAt)
	if err != nil {
		return it, translate(err)
	}
	return it, json.Unmarshal(params, &it.Params)
}

func collectNotifications(rows pgx.Rows, err error) ([]notify.Item, error) {
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []notify.Item{}
	for rows.Next() {
		it, err := scanNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, translate(rows.Err())
}

// Notifications lists a user's notifications, newest first, before the id
// before (0: from the newest), at most limit; only unread ones if asked.
func (s *Store) Notifications(ctx context.Context, userID int64, unreadOnly bool, before int64, limit int) ([]notify.Item, error) {
	return collectNotifications(s.pool.Query(ctx, "SELECT "+notificationColumns+notificationFrom+`
		WHERE n.user_id = $1 AND (NOT $2 OR n.read_at IS NULL) AND ($3 = 0 OR n.id < $3)
		ORDER BY n.id DESC LIMIT $4`, userID, unreadOnly, before, limit))
}

// UnreadCount is how many notifications a user has not read.
func (s *Store) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL", userID).Scan(&n)
	return n, translate(err)
}

var msgNoNotification = i18n.T("Fant ikke varselet.", "Notification not found.")

// MarkRead marks a user's notification read (once: a second call keeps
// the first time) and returns it. Someone else's is not found.
func (s *Store) MarkRead(ctx context.Context, userID, id int64, now time.Time) (notify.Item, error) {
	var it notify.Item
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND user_id = $2", id, userID, now)
		if err != nil {
			return translate(err)
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.NotFound, msgNoNotification)
		}
		noteResult(ctx, tx, ResultNotification, id)
		it, err = scanNotification(tx.QueryRow(ctx, "SELECT "+notificationColumns+notificationFrom+"WHERE n.id = $1", id))
		return err
	})
	return it, err
}

// Notification returns a user's notification; someone else's is not found.
func (s *Store) Notification(ctx context.Context, userID, id int64) (notify.Item, error) {
	it, err := scanNotification(s.pool.QueryRow(ctx, "SELECT "+notificationColumns+notificationFrom+"WHERE n.id = $1 AND n.user_id = $2", id, userID))
	if apperr.Is(err, apperr.NotFound) {
		return it, apperr.New(apperr.NotFound, msgNoNotification)
	}
	return it, err
}

// MarkAllRead marks every notification of a user read and says how many
// were unread.
func (s *Store) MarkAllRead(ctx context.Context, userID int64, now time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL", userID, now)
	return int(tag.RowsAffected()), translate(err)
}

// Preferences returns a user's mail mode for every kind, the default where
// they have chosen none.
func (s *Store) Preferences(ctx context.Context, userID int64) (map[notify.Kind]notify.Mode, error) {
	rows, err := s.pool.Query(ctx, "SELECT kind, mail FROM notification_preferences WHERE user_id = $1", userID)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := make(map[notify.Kind]notify.Mode, len(notify.Kinds))
	for _, k := range notify.Kinds {
		out[k] = notify.DefaultMode
	}
	for rows.Next() {
		var k notify.Kind
		var m notify.Mode
		if err := rows.Scan(&k, &m); err != nil {
			return nil, translate(err)
		}
		if notify.Known(k) {
			out[k] = m
		}
	}
	return out, translate(rows.Err())
}

// SetPreferences stores a user's chosen modes, kind by kind, in one
// transaction.
func (s *Store) SetPreferences(ctx context.Context, userID int64, prefs map[notify.Kind]notify.Mode) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		for k, m := range prefs {
			_, err := tx.Exec(ctx, `INSERT INTO notification_preferences (user_id, kind, mail) VALUES ($1, $2, $3)
				ON CONFLICT (user_id, kind) DO UPDATE SET mail = EXCLUDED.mail`, userID, string(k), string(m))
			if err != nil {
				return translate(err)
			}
		}
		return nil
	})
}

// Addressee is whom a mail goes to.
type Addressee struct {
	ID       int64
	Email    string
	Name     string
	Language i18n.Lang
}

// MailOut is a notification to mail now, with its addressee; Done tells
// one already mailed (a retried job).
type MailOut struct {
	Item notify.Item
	To   Addressee
	Done bool
}

// NotificationToMail returns a notification and its addressee for the
// mail job.
func (s *Store) NotificationToMail(ctx context.Context, id int64) (MailOut, error) {
	var m MailOut
	var mailed *time.Time
	row := s.pool.QueryRow(ctx, "SELECT "+notificationColumns+`, n.mailed_at, u.id, u.email, u.name, u.language`+notificationFrom+`
		JOIN users u ON u.id = n.user_id WHERE n.id = $1`, id)
	var params []byte
	it := &m.Item
	err := row.Scan(&it.ID, &it.UserID, &it.Kind, &it.ApplicationID, &it.ReportID, &it.PayoutID,
		&it.CaseNumber, &it.Title, &params, &it.Mode, &it.CreatedAt, &it.ReadAt, &mailed,
		&m.To.ID, &m.To.Email, &m.To.Name, &m.To.Language)
	if err != nil {
		return m, translate(err)
	}
	m.Done = mailed != nil
	return m, json.Unmarshal(params, &it.Params)
}

// MarkMailed records that notifications were mailed.
func (s *Store) MarkMailed(ctx context.Context, ids []int64, now time.Time) error {
	_, err := s.pool.Exec(ctx, "UPDATE notifications SET mailed_at = $2 WHERE id = ANY($1) AND mailed_at IS NULL", ids, now)
	return translate(err)
}

// DigestRecipients lists the users with notifications waiting for the
// daily digest.
func (s *Store) DigestRecipients(ctx context.Context) ([]int64, error) {
	rows, err := s.pool.Query(ctx, "SELECT DISTINCT user_id FROM notifications WHERE mail = 'digest' AND mailed_at IS NULL ORDER BY user_id")
	if err != nil {
		return nil, translate(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return ids, translate(err)
}

// DigestFor returns a user's notifications waiting for the digest, oldest
// first, with the addressee.
func (s *Store) DigestFor(ctx context.Context, userID int64) (Addressee, []notify.Item, error) {
	var a Addressee
	err := s.pool.QueryRow(ctx, "SELECT id, email, name, language FROM users WHERE id = $1", userID).Scan(&a.ID, &a.Email, &a.Name, &a.Language)
	if err != nil {
		return a, nil, translate(err)
	}
	items, err := collectNotifications(s.pool.Query(ctx, "SELECT "+notificationColumns+notificationFrom+`
		WHERE n.user_id = $1 AND n.mail = 'digest' AND n.mailed_at IS NULL ORDER BY n.id`, userID))
	return a, items, err
}
