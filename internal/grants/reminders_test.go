package grants_test

import (
	"strings"
	"testing"
	"time"

	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/notify"
	"nyttig/internal/store"
	"nyttig/workflow"
)

func osloNoon(date string, days int) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, date, workflow.Oslo)
	if err != nil {
		panic(err)
	}
	return time.Date(d.Year(), d.Month(), d.Day()+days, 12, 0, 0, 0, workflow.Oslo)
}

func TestReportStep(t *testing.T) {
	day := func(n int) time.Time { return time.Date(2027, 3, 31+n, 0, 0, 0, 0, workflow.Oslo) }
	due := day(0)
	for _, tc := range []struct {
		days int
		want string
	}{{-15, ""}, {-14, "before"}, {-1, "before"}, {0, "due"}, {6, "due"}, {7, "overdue-1"}, {13, "overdue-1"}, {14, "overdue-2"}, {70, "overdue-10"}} {
		step, got, ok := grants.ReportStep(due, day(tc.days))
		if got != tc.want || ok != (tc.want != "") || !strings.HasPrefix(tc.want, step) {
			t.Errorf("%+d days: step %q, key %q (%v), want key %q", tc.days, step, got, ok, tc.want)
		}
	}
	// Across the change to summer time (28 March 2027) a day is 23 hours.
	if _, got, _ := grants.ReportStep(day(0), day(-4)); got != "before" {
		t.Errorf("across summer time: %q", got)
	}
}

// TestReportReminderSchedule moves an injected clock over a report's due
// date and counts the reminders: 14 days before, on the day, then weekly
// while overdue, each once however often the job runs, and none once the
// report is in.
func TestReportReminderSchedule(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	a, _ := w.accepted(money.FromKroner(30_000))
	rs, err := w.g.Reports(w.ctx, w.applicant, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	final := rs[len(rs)-1]
	reminders := func() []notify.Item {
		var out []notify.Item
		for _, it := range w.notes(w.applicant) {
			if it.Kind == notify.ReportDue && it.ReportID == final.ID {
				out = append(out, it)
			}
		}
		return out
	}
	// Other reports (progress reports, other tests' reports) may be
	// reminded too; only the final report's reminders are counted.
	for _, step := range []struct {
		days int
		want int // reminders of the final report so far
		step string
	}{
		{-20, 0, ""}, {-15, 0, ""},
		{-14, 1, notify.StepBefore}, {-14, 1, ""}, {-10, 1, ""},
		{0, 2, notify.StepDue}, {0, 2, ""}, {3, 2, ""},
		{7, 3, notify.StepOverdue}, {8, 3, ""}, {13, 3, ""},
		{14, 4, notify.StepOverdue}, {14, 4, ""},
	} {
		w.g.Now = func() time.Time { return osloNoon(final.DueDate, step.days) }
		if _, err := w.g.SendReportReminders(w.ctx); err != nil {
			t.Fatalf("day %+d: %v", step.days, err)
		}
		got := reminders()
		if len(got) != step.want {
			t.Fatalf("day %+d: %d reminders, want %d", step.days, len(got), step.want)
		}
		if step.step != "" {
			last := got[len(got)-1]
			if last.Params.Step != step.step || last.Params.Due != final.DueDate {
				t.Errorf("day %+d: reminder %+v, want step %s due %s", step.days, last.Params, step.step, final.DueDate)
			}
		}
	}

	// Once submitted, the report is not chased any more.
	if _, err := w.g.UpdateReport(w.ctx, w.applicant, final.ID, model.ReportContent{WorkDone: "Gjort", Results: "Bra"}, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.g.FireReport(w.ctx, w.applicant, final.ID, workflow.SubmitReport, "", "t"); err != nil {
		t.Fatal(err)
	}
	w.g.Now = func() time.Time { return osloNoon(final.DueDate, 21) }
	if _, err := w.g.SendReportReminders(w.ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(reminders()); got != 4 {
		t.Errorf("after submission: %d reminders, want still 4", got)
	}
}

// TestReviewReminders: a reviewer whose review is missing is reminded
// three days before the review deadline and on the day; one who has
// declared a conflict is not.
func TestReviewReminders(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	deadline := time.Date(2027, 2, 10, 23, 59, 0, 0, workflow.Oslo)
	if _, err := w.st.Pool().Exec(w.ctx, "UPDATE calls SET review_deadline = $2 WHERE id = $1", w.call.ID, deadline); err != nil {
		t.Fatal(err)
	}
	a := w.inReview(money.FromKroner(20_000))
	free, conflicted := w.reviewers[1], w.reviewers[2]
	if _, err := w.g.AssignReviewers(w.ctx, w.officer, a.ID, []int64{free.ID, conflicted.ID}, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.g.Declare(w.ctx, conflicted, a.ID, true, "Samboer med søkeren", "t"); err != nil {
		t.Fatal(err)
	}
	count := func(u model.User) int {
		n := 0
		for _, k := range w.kindsOf(u, a.ID) {
			if k == notify.ReviewDue {
				n++
			}
		}
		return n
	}
	for _, step := range []struct {
		at   time.Time
		want int
	}{
		{time.Date(2027, 2, 6, 9, 0, 0, 0, workflow.Oslo), 0},
		{time.Date(2027, 2, 7, 9, 0, 0, 0, workflow.Oslo), 1},
		{time.Date(2027, 2, 8, 9, 0, 0, 0, workflow.Oslo), 1},
		{time.Date(2027, 2, 10, 9, 0, 0, 0, workflow.Oslo), 2},
		{time.Date(2027, 2, 10, 20, 0, 0, 0, workflow.Oslo), 2},
		{time.Date(2027, 2, 12, 9, 0, 0, 0, workflow.Oslo), 2},
	} {
		w.g.Now = func() time.Time { return step.at }
		if _, err := w.g.SendReviewReminders(w.ctx); err != nil {
			t.Fatal(err)
		}
		if got := count(free); got != step.want {
			t.Errorf("%s: %d reminders, want %d", step.at.Format(time.DateTime), got, step.want)
		}
	}
	if got := count(conflicted); got != 0 {
		t.Errorf("the conflicted reviewer got %d reminders", got)
	}
}

// TestProvisionalReply: a month after submission, an undecided case gets
// one provisional reply, recorded in its history.
func TestProvisionalReply(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	a := w.inReview(money.FromKroner(20_000))
	submitted := *w.must(w.g.Application(w.ctx, w.officer, a.ID)).SubmittedAt
	for _, step := range []struct {
		at   time.Time
		want int
	}{{submitted.AddDate(0, 1, 0).Add(-time.Minute), 0}, {submitted.AddDate(0, 1, 0).Add(time.Hour), 1}, {submitted.AddDate(0, 2, 0), 1}} {
		w.g.Now = func() time.Time { return step.at }
		if _, err := w.g.SendProvisionalReplies(w.ctx); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, k := range w.kindsOf(w.applicant, a.ID) {
			if k == notify.ProvisionalReply {
				n++
			}
		}
		if n != step.want {
			t.Errorf("at %s: %d provisional replies, want %d", step.at.Format(time.DateTime), n, step.want)
		}
	}
	h, err := w.g.History(w.ctx, w.officer, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range h {
		if e.Event == store.EventProvisionalReply {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d provisional reply rows in the history, want 1", n)
	}
	w.consistent()
}

// TestDecisionBecomesFinal: once the appeal deadline has run out, the
// decision is marked final, once.
func TestDecisionBecomesFinal(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	a := w.approved(money.FromKroner(50_000), money.FromKroner(40_000))
	due, started, err := w.g.AppealDeadline(w.ctx, a.ID)
	if err != nil || !started {
		t.Fatalf("appeal deadline: %v %v", started, err)
	}
	finals := func() int {
		h, err := w.g.History(w.ctx, w.officer, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range h {
			if e.Event == store.EventDecisionFinal {
				n++
			}
		}
		return n
	}
	for _, step := range []struct {
		at   time.Time
		want int
	}{{due.Add(-time.Minute), 0}, {due.Add(time.Minute), 1}, {due.Add(time.Hour), 1}} {
		w.g.Now = func() time.Time { return step.at }
		if _, err := w.g.FinalizeDecisions(w.ctx); err != nil {
			t.Fatal(err)
		}
		if got := finals(); got != step.want {
			t.Errorf("at %s: %d finality rows, want %d", step.at.Format(time.DateTime), got, step.want)
		}
	}
	w.consistent()
}
