package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"nyttig/internal/notify"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// mailWorker mails one notification at once (store.DeliverMail, queued
// by the outbox in the event's transaction).
type mailWorker struct {
	river.WorkerDefaults[store.DeliverMail]
	d Deps
}

func (w *mailWorker) Work(ctx context.Context, job *river.Job[store.DeliverMail]) error {
	st := w.d.Grants.Store
	m, err := st.NotificationToMail(ctx, job.Args.NotificationID)
	if err != nil || m.Done {
		return err
	}
	now := w.d.Grants.Now()
	mail := notify.Mail{To: m.To.Email, ToName: m.To.Name, Lang: m.To.Language, Items: []notify.Item{m.Item},
		BaseURL: w.d.BaseURL, Date: now, MessageID: fmt.Sprintf("notification-%d@nyttig", m.Item.ID)}
	if err := w.d.Mail.Send(mail); err != nil {
		return err
	}
	return st.MarkMailed(ctx, []int64{m.Item.ID}, now)
}

// DigestArgs mails one user's daily digest.
type DigestArgs struct {
	UserID int64  `json:"user_id"`
	Day    string `json:"day"` // Oslo date, YYYY-MM-DD
}

// Kind names the job in River's queue.
func (DigestArgs) Kind() string { return "deliver_digest" }

// InsertOpts makes one digest per user and day.
func (DigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: store.MailQueue, MaxAttempts: 15, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStateCompleted, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

// queueDigests queues a digest for every user with notifications waiting
// for one.
func queueDigests(ctx context.Context, d Deps) (int, error) {
	users, err := d.Grants.Store.DigestRecipients(ctx)
	if err != nil || len(users) == 0 {
		return 0, err
	}
	day := d.Grants.Now().In(workflow.Oslo).Format(time.DateOnly)
	params := make([]river.InsertManyParams, len(users))
	for i, u := range users {
		params[i] = river.InsertManyParams{Args: DigestArgs{UserID: u, Day: day}}
	}
	// The task runs as a job, and the job's context carries its client.
	_, err = river.ClientFromContext[pgx.Tx](ctx).InsertMany(ctx, params)
	return len(users), err
}

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	d Deps
}

func (w *digestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	st := w.d.Grants.Store
	to, items, err := st.DigestFor(ctx, job.Args.UserID)
	if err != nil || len(items) == 0 {
		return err
	}
	now := w.d.Grants.Now()
	mail := notify.Mail{To: to.Email, ToName: to.Name, Lang: to.Language, Items: items, Digest: true,
		BaseURL: w.d.BaseURL, Date: now, MessageID: fmt.Sprintf("digest-%d-%s-%d@nyttig", to.ID, job.Args.Day, items[len(items)-1].ID)}
	if err := w.d.Mail.Send(mail); err != nil {
		return err
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return st.MarkMailed(ctx, ids, now)
}
