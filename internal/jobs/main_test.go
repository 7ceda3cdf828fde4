package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"nyttig/internal/grants"
	"nyttig/internal/i18n"
	"nyttig/internal/jobs"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/notify"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

func TestMain(m *testing.M) { testenv.Run(m) }

// fund is a call open for applications, with an applicant and a case
// officer, on the package's database.
type fund struct {
	t         *testing.T
	ctx       context.Context
	st        *store.Store
	g         *grants.Service
	call      model.Call
	applicant model.User
	officer   model.User
}

func newFund(t *testing.T) *fund {
	t.Helper()
	ctx := context.Background()
	st := testenv.Store(t)
	f := &fund{t: t, ctx: ctx, st: st, g: grants.New(st, testenv.Blobs(t))}
	f.applicant = f.user("Kari Søker", i18n.NB, workflow.Applicant)
	f.officer = f.user("Ola Saksbehandler", i18n.NB, workflow.CaseOfficer)
	fd, err := st.CreateFund(ctx, testenv.Unique("Fond"), "Sandnes kommune")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	year := now.In(workflow.Oslo).Year()
	if err := st.SetBudget(ctx, fd.ID, year, money.FromKroner(1_000_000)); err != nil {
		t.Fatal(err)
	}
	f.call, err = st.CreateCall(ctx, model.Call{FundID: fd.ID, Title: "Utlysning", OpensAt: now.Add(-time.Hour),
		ClosesAt: now.Add(time.Hour), MaxAmountOre: money.FromKroner(500_000), BudgetYear: year}, f.officer.ID)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fund) user(name string, lang i18n.Lang, roles ...workflow.Role) model.User {
	f.t.Helper()
	u, err := f.st.CreateUser(f.ctx, store.NewUser{Email: testenv.Unique("u@example.no"), Name: name, Language: lang, Roles: roles})
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// submitted creates and submits an application titled title.
func (f *fund) submitted(title string) model.Application {
	f.t.Helper()
	amount := money.FromKroner(25_000)
	a, err := f.g.CreateApplication(f.ctx, f.applicant, model.ApplicationFields{CallID: f.call.ID, Title: title, Summary: "s",
		Need: "n", Solution: "l", AdoptionPlan: "p", ExpectedBenefits: "b", Unit: "Helse", StartDate: "2027-01-01",
		EndDate: "2027-12-31", BudgetLines: []model.BudgetLine{{Category: "Utstyr", AmountOre: amount}}, RequestedAmountOre: amount}, "t")
	if err != nil {
		f.t.Fatal(err)
	}
	a, err = f.g.Fire(f.ctx, f.applicant, a.ID, workflow.Submit, "", "t")
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// start runs a job runner named id until the test ends, mailing through
// sender.
func (f *fund) start(id string, sender notify.Sender) *jobs.Runner {
	f.t.Helper()
	r, err := jobs.Start(f.ctx, jobs.Deps{Grants: f.g, Mail: sender, BaseURL: "http://nyttig.test", DigestHour: 7, ID: id, Interval: time.Hour})
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = r.Stop(ctx)
	})
	return r
}

// watcher gathers the job events of runners from before the events
// that cause the jobs happen.
type watcher struct {
	events chan *river.Event
}

func watch(t *testing.T, runners ...*jobs.Runner) *watcher {
	w := &watcher{events: make(chan *river.Event, 4096)}
	for _, r := range runners {
		sub, cancel := r.Subscribe()
		t.Cleanup(cancel)
		go func() {
			for e := range sub {
				w.events <- e
			}
		}()
	}
	return w
}

// await returns once each job in ids has finished an attempt with the
// event kind want (completed, or failed), and fails the test if that
// takes more than a minute: a bound on a hang, not a measure of speed.
func (w *watcher) await(t *testing.T, want river.EventKind, ids ...int64) {
	t.Helper()
	waiting := make(map[int64]bool, len(ids))
	for _, id := range ids {
		waiting[id] = true
	}
	giveUp := time.After(time.Minute)
	for len(waiting) > 0 {
		select {
		case e := <-w.events:
			if e.Kind == want {
				delete(waiting, e.Job.ID)
			}
		case <-giveUp:
			t.Fatalf("%d of %d jobs did not reach %s within a minute", len(waiting), len(ids), want)
		}
	}
}

// mailJobs returns the ids of the mail jobs of users' notifications.
func (f *fund) mailJobs(users ...model.User) []int64 {
	f.t.Helper()
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	rows, err := f.st.Pool().Query(f.ctx, `SELECT j.id FROM river_job j JOIN notifications n
		ON n.id = (j.args->>'notification_id')::bigint WHERE j.kind = 'deliver_mail' AND n.user_id = ANY($1)`, ids)
	if err != nil {
		f.t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}
