package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"nyttig/workflow"
)

// TaskArgs is a periodic task, named. One kind for all tasks keeps the
// queue's list readable: "task" with the task's name in its arguments.
type TaskArgs struct {
	Task string `json:"task"`
}

// Kind names the job in River's queue.
func (TaskArgs) Kind() string { return "task" }

// InsertOpts lets one of each task wait or run at a time: a task still
// retrying holds back the next period's insert.
func (TaskArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 8, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

// task is one piece of periodic work: it reports how much it did.
type task struct {
	every time.Duration
	run   func(ctx context.Context) (int, error)
}

// Task names.
const (
	TaskLapseGrants        = "lapse_grants"
	TaskIssueLetters       = "issue_letters"
	TaskMakeTranchesDue    = "make_tranches_due"
	TaskCompleteCases      = "complete_cases"
	TaskAppealDeadlines    = "appeal_deadlines"
	TaskProvisionalReplies = "provisional_replies"
	TaskReportReminders    = "report_reminders"
	TaskReviewReminders    = "review_reminders"
	TaskSweepOrphans       = "sweep_orphans"
	TaskSendDigests        = "send_digests"
)

func tasks(d Deps) map[string]task {
	g := d.Grants
	// The reminders and the sweep act at most once a day per step or on
	// hour-old objects: a quarter of an hour is often enough, unless the
	// deadline tasks' interval is longer still.
	quarter := max(d.Interval, 15*time.Minute)
	return map[string]task{
		TaskLapseGrants:        {d.Interval, g.LapseOverdue},
		TaskIssueLetters:       {d.Interval, g.IssuePendingLetters},
		TaskMakeTranchesDue:    {d.Interval, g.MakeDueTranches},
		TaskCompleteCases:      {d.Interval, g.CompleteReady},
		TaskAppealDeadlines:    {quarter, g.FinalizeDecisions},
		TaskProvisionalReplies: {quarter, g.SendProvisionalReplies},
		TaskReportReminders:    {quarter, g.SendReportReminders},
		TaskReviewReminders:    {quarter, g.SendReviewReminders},
		TaskSweepOrphans:       {quarter, g.SweepOrphans},
		TaskSendDigests:        {0, func(ctx context.Context) (int, error) { return queueDigests(ctx, d) }},
	}
}

// periodic schedules every task: the deadline tasks at their interval,
// the digest daily at DigestHour in Oslo. Each runs once at start too, so
// a server that was down catches up.
func periodic(d Deps) []*river.PeriodicJob {
	var out []*river.PeriodicJob
	for name, t := range tasks(d) {
		var sched river.PeriodicSchedule = river.PeriodicInterval(t.every)
		if name == TaskSendDigests {
			sched = dailyAt{hour: d.DigestHour}
		}
		out = append(out, river.NewPeriodicJob(sched, func() (river.JobArgs, *river.InsertOpts) {
			return TaskArgs{Task: name}, nil
		}, &river.PeriodicJobOpts{ID: name, RunOnStart: name != TaskSendDigests}))
	}
	return out
}

// dailyAt is a schedule at a whole hour of the day in Europe/Oslo.
type dailyAt struct{ hour int }

func (s dailyAt) Next(t time.Time) time.Time {
	o := t.In(workflow.Oslo)
	next := time.Date(o.Year(), o.Month(), o.Day(), s.hour, 0, 0, 0, workflow.Oslo)
	if !next.After(t) {
		next = time.Date(o.Year(), o.Month(), o.Day()+1, s.hour, 0, 0, 0, workflow.Oslo)
	}
	return next
}

type taskWorker struct {
	river.WorkerDefaults[TaskArgs]
	tasks map[string]task
}

func (w *taskWorker) Work(ctx context.Context, job *river.Job[TaskArgs]) error {
	t, ok := w.tasks[job.Args.Task]
	if !ok {
		return river.JobCancel(errUnknownTask(job.Args.Task))
	}
	n, err := t.run(ctx)
	if n > 0 {
		slog.InfoContext(ctx, "task done", "task", job.Args.Task, "count", n)
	}
	return err
}

type errUnknownTask string

func (e errUnknownTask) Error() string { return "unknown task " + string(e) }
