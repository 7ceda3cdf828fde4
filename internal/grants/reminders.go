package grants

import (
	"context"
	"fmt"
	"time"

	"nyttig/internal/notify"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// The reminders and deadlines the background jobs run: each use case
// looks at the clock (s.Now, in Europe/Oslo), finds what has come due,
// and sends each reminder step once (store.RemindOnce), however often and
// on however many servers it runs.

// ReportReminderDays is how many days before a report's due date the
// project lead is first reminded.
const ReportReminderDays = 14

// ReviewReminderDays is how many days before the review deadline a
// reviewer is reminded.
const ReviewReminderDays = 3

// system is the change the jobs make, with a request id naming the job.
func (s *Service) system(job string) store.Change {
	return store.Change{RequestID: "job:" + job, Now: s.Now()}
}

func osloDate(t time.Time) time.Time {
	y, m, d := t.In(workflow.Oslo).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, workflow.Oslo)
}

// ReportStep is the reminder step of a report due on due, on the Oslo
// date today: "before" from 14 days before, "due" on the day (and the
// days after, so a server that was down still sends it), then "overdue"
// once a week while it is overdue. key names the step once: the weekly
// reminders are "overdue-1", "overdue-2", …. ok is false before the
// first step.
func ReportStep(due, today time.Time) (step, key string, ok bool) {
	days := int(today.Sub(due).Round(24*time.Hour) / (24 * time.Hour))
	switch {
	case days < -ReportReminderDays:
		return "", "", false
	case days < 0:
		return notify.StepBefore, notify.StepBefore, true
	case days < 7:
		return notify.StepDue, notify.StepDue, true
	}
	return notify.StepOverdue, fmt.Sprintf("%s-%d", notify.StepOverdue, days/7), true
}

// SendReportReminders reminds project leads of reports coming due and
// overdue, and says how many reminders it sent.
func (s *Service) SendReportReminders(ctx context.Context) (int, error) {
	today := osloDate(s.Now())
	reports, err := s.Store.OpenReportsDueBy(ctx, today.AddDate(0, 0, ReportReminderDays).Format(time.DateOnly))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range reports {
		due, err := time.ParseInLocation(time.DateOnly, r.DueDate, workflow.Oslo)
		if err != nil {
			return sent, err
		}
		step, key, ok := ReportStep(due, today)
		if !ok {
			continue
		}
		n := notify.Notice{Kind: notify.ReportDue, To: notify.ToApplicant, ApplicationID: r.ApplicationID, ReportID: r.ID,
			Params: notify.Params{Due: r.DueDate, Step: step}}
		ok, err = s.Store.RemindOnce(ctx, s.system("report_reminders"), store.Reminder{Kind: notify.ReportDue, SubjectID: r.ID, Step: key}, n)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// SendReviewReminders reminds reviewers whose review is still missing
// three days before the call's review deadline and on its day.
func (s *Service) SendReviewReminders(ctx context.Context) (int, error) {
	today := osloDate(s.Now())
	pending, err := s.Store.PendingReviewsDueBy(ctx, today.AddDate(0, 0, ReviewReminderDays+1))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, p := range pending {
		deadlineDay := osloDate(p.Deadline)
		if today.After(deadlineDay) {
			continue // past the deadline: the case officer follows it up
		}
		step := notify.StepBefore
		if today.Equal(deadlineDay) {
			step = notify.StepDue
		}
		n := notify.Notice{Kind: notify.ReviewDue, To: notify.ToUser, UserID: p.ReviewerID, ApplicationID: p.ApplicationID,
			Params: notify.Params{Due: deadlineDay.Format(time.DateOnly), Step: step}}
		r := store.Reminder{Kind: notify.ReviewDue, SubjectID: p.ApplicationID, Step: fmt.Sprintf("%s-reviewer-%d", step, p.ReviewerID)}
		ok, err := s.Store.RemindOnce(ctx, s.system("review_reminders"), r, n)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// SendProvisionalReplies sends the applicant a provisional reply
// (forvaltningsloven § 11a) when their application is not decided a
// month after it was submitted, once, and records it in the case's
// history.
func (s *Service) SendProvisionalReplies(ctx context.Context) (int, error) {
	now := s.Now()
	apps, err := s.Store.UndecidedSince(ctx, now.AddDate(0, -1, 0))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, a := range apps {
		if !a.ProvisionalReplyDue(now) {
			continue
		}
		n := notify.Notice{Kind: notify.ProvisionalReply, To: notify.ToApplicant, ApplicationID: a.ID}
		r := store.Reminder{Kind: notify.ProvisionalReply, SubjectID: a.ID, Step: "sent", History: store.EventProvisionalReply}
		ok, err := s.Store.RemindOnce(ctx, s.system("provisional_replies"), r, n)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// FinalizeDecisions marks the decisions whose appeal deadline ran out
// unused as final, and says how many.
func (s *Service) FinalizeDecisions(ctx context.Context) (int, error) {
	waiting, err := s.Store.DecisionsAwaitingFinality(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, w := range waiting {
		due, started, err := s.AppealDeadline(ctx, w.ApplicationID)
		if err != nil {
			return n, err
		}
		if !started || !s.Now().After(due) {
			continue
		}
		if err := s.Store.MarkDecisionFinal(ctx, w.DecisionID, w.ApplicationID, s.system("appeal_deadlines")); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
