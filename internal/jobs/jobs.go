// Package jobs owns Nyttig's background work on River, a job queue kept
// in PostgreSQL: the deadline and reminder tasks that run periodically,
// the mail that notifications send, and the attachment orphan sweep.
//
// Every `nyttig serve` runs a Runner. River elects one leader among them
// to insert the periodic tasks and hands each job to exactly one worker,
// so several servers side by side run each job once and need nothing but
// the database to agree. A job that fails is retried with backoff
// (attempt⁴ seconds) and stays visible to admins (store.FailedJobs).
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"nyttig/internal/grants"
	"nyttig/internal/notify"
	"nyttig/internal/store"
)

// Deps is what the jobs work with.
type Deps struct {
	Grants  *grants.Service
	Mail    notify.Sender
	BaseURL string
	// DigestHour is the hour (Europe/Oslo) the daily digest goes out.
	DigestHour int
	// ID names this server's River client in the job rows (default: a
	// name River makes up).
	ID string
	// Interval overrides how often the deadline tasks run (default one
	// minute); tests shorten it.
	Interval time.Duration
}

// Runner is a started River client.
type Runner struct {
	client *river.Client[pgx.Tx]
}

// Start starts working jobs until Stop.
func Start(ctx context.Context, d Deps) (*Runner, error) {
	if d.Interval <= 0 {
		d.Interval = time.Minute
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &taskWorker{tasks: tasks(d)})
	river.AddWorker(workers, &mailWorker{d: d})
	river.AddWorker(workers, &digestWorker{d: d})
	client, err := river.NewClient(riverpgxv5.New(d.Grants.Store.Pool()), &river.Config{
		ID:     d.ID,
		Logger: slog.New(warnOnly{slog.Default().Handler()}).With("component", "jobs"),
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: 4},
			store.MailQueue:    {MaxWorkers: 8},
		},
		Workers:      workers,
		PeriodicJobs: periodic(d),
		ErrorHandler: errorLogger{},
	})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("start job queue: %w", err)
	}
	return &Runner{client: client}, nil
}

// Stop finishes the jobs in hand and stops.
func (r *Runner) Stop(ctx context.Context) error { return r.client.Stop(ctx) }

// Subscribe reports finished jobs, for tests that wait on them.
func (r *Runner) Subscribe() (<-chan *river.Event, func()) {
	return r.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
}

// Insert queues a job to run at once, outside any event, and returns its
// id.
func (r *Runner) Insert(ctx context.Context, args river.JobArgs) (int64, error) {
	res, err := r.client.Insert(ctx, args, nil)
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}

// errorLogger logs a failed attempt; River retries it.
type errorLogger struct{}

func (errorLogger) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	slog.WarnContext(ctx, "job failed; it will be retried", "job_id", job.ID, "kind", job.Kind,
		"attempt", job.Attempt, "max_attempts", job.MaxAttempts, "err", err)
	return nil
}

func (errorLogger) HandlePanic(ctx context.Context, job *rivertype.JobRow, v any, trace string) *river.ErrorHandlerResult {
	slog.ErrorContext(ctx, "job panicked", "job_id", job.ID, "kind", job.Kind, "panic", fmt.Sprint(v))
	return nil
}

// warnOnly passes on River's own warnings and errors; a job's failed
// attempt is logged by errorLogger, once.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnOnly) WithAttrs(attrs []slog.Attr) slog.Handler {
	return warnOnly{h.Handler.WithAttrs(attrs)}
}

func (h warnOnly) WithGroup(name string) slog.Handler { return warnOnly{h.Handler.WithGroup(name)} }
