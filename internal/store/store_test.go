package store_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

type fixture struct {
	st        *store.Store
	applicant model.User
	call      model.Call
}

func setup(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	st := testenv.Store(t)
	u, err := st.CreateUser(ctx, store.NewUser{Email: testenv.Unique("kari@example.no"), Name: "Kari", Roles: []workflow.Role{workflow.Applicant}})
	if err != nil {
		t.Fatal(err)
	}
	fund, err := st.CreateFund(ctx, testenv.Unique("Fondet"), "Sandnes kommune")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	call, err := st.CreateCall(ctx, model.Call{FundID: fund.ID, Title: "Utlysning", OpensAt: now.Add(-time.Hour),
		ClosesAt: now.Add(time.Hour), MaxAmountOre: money.FromKroner(100000)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{st: st, applicant: u, call: call}
}

func (f fixture) draft(t *testing.T, at time.Time) model.Application {
	t.Helper()
	a, err := f.st.CreateApplication(context.Background(), f.applicant.ID,
		model.ApplicationFields{CallID: f.call.ID, Title: "Søknad", Partners: []string{"UiS"},
			BudgetLines: []model.BudgetLine{{Category: "Utstyr", AmountOre: 500}}, StartDate: "2027-01-31"},
		store.Change{ActorID: f.applicant.ID, RequestID: "req-1", Now: at})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCreateReadRoundTrip(t *testing.T) {
	f := setup(t)
	a := f.draft(t, time.Now())
	got, err := f.st.Application(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != workflow.Draft || got.Version != 1 || got.Title != "Søknad" || got.StartDate != "2027-01-31" ||
		got.EndDate != "" || len(got.Partners) != 1 || len(got.BudgetLines) != 1 || got.BudgetLines[0].AmountOre != 500 {
		t.Fatalf("round trip lost data: %+v", got)
	}
	h, err := f.st.History(context.Background(), a.ID)
	if err != nil || len(h) != 1 || h[0].Event != model.EventCreated || h[0].To != "draft" || h[0].RequestID != "req-1" || h[0].ActorName != "Kari" {
		t.Fatalf("history %+v, %v", h, err)
	}
}

func TestCaseNumbersCountPerOsloYear(t *testing.T) {
	f := setup(t)
	// 23:30 UTC on New Year's Eve is already the next year in Oslo.
	newYear := time.Date(2031, 12, 31, 23, 30, 0, 0, time.UTC)
	a := f.draft(t, newYear)
	b := f.draft(t, newYear.Add(time.Minute))
	if a.CaseNumber != "2032/0001" || b.CaseNumber != "2032/0002" {
		t.Fatalf("case numbers %s, %s; want 2032/0001, 2032/0002", a.CaseNumber, b.CaseNumber)
	}
	c := f.draft(t, time.Date(2031, 12, 31, 22, 30, 0, 0, time.UTC))
	if c.CaseNumber != "2031/0001" {
		t.Fatalf("got %s, want 2031/0001", c.CaseNumber)
	}
}

func TestHistoryIsAppendOnly(t *testing.T) {
	f := setup(t)
	a := f.draft(t, time.Now())
	ctx := context.Background()
	for _, sql := range []string{
		"UPDATE application_events SET comment = 'forged' WHERE application_id = $1",
		"DELETE FROM application_events WHERE application_id = $1",
	} {
		if _, err := f.st.Pool().Exec(ctx, sql, a.ID); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: got %v, want refusal", sql, err)
		}
	}
	if _, err := f.st.Pool().Exec(ctx, "TRUNCATE application_events CASCADE"); err == nil {
		t.Error("TRUNCATE of the history was allowed")
	}
	h, _ := f.st.History(ctx, a.ID)
	if len(h) != 1 || h[0].Comment != "" {
		t.Fatalf("history changed: %+v", h)
	}
}

func TestTransitionWritesStateAndHistoryTogether(t *testing.T) {
	f := setup(t)
	a := f.draft(t, time.Now())
	ctx := context.Background()
	boom := errors.New("decided no")
	_, err := f.st.Transition(ctx, a.ID, store.Change{ActorID: f.applicant.ID, Now: time.Now()},
		func(model.Application, model.Call) (store.Decision, error) { return store.Decision{}, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	got, err := f.st.Transition(ctx, a.ID, store.Change{ActorID: f.applicant.ID, Now: time.Now()},
		func(cur model.Application, call model.Call) (store.Decision, error) {
			if call.ID != f.call.ID || cur.State != workflow.Draft {
				t.Errorf("decide saw %v / %v", cur.State, call.ID)
			}
			return store.Decision{To: workflow.Submitted, Event: workflow.Submit, Comment: "klar"}, nil
		})
	if err != nil || got.State != workflow.Submitted || got.Version != 2 || got.SubmittedAt == nil {
		t.Fatalf("got %+v, %v", got, err)
	}
	h, _ := f.st.History(ctx, a.ID)
	if len(h) != 2 || h[1].Event != "submit" || h[1].From != "draft" || h[1].To != "submitted" || h[1].Comment != "klar" || h[1].Version == nil || *h[1].Version != 2 {
		t.Fatalf("history %+v", h)
	}
}

// TestConcurrentTransitionsQueueOnTheRow fires the same transition from 20
// goroutines: the row lock makes each decide on the previous outcome, so
// exactly one sees the draft.
func TestConcurrentTransitionsQueueOnTheRow(t *testing.T) {
	f := setup(t)
	a := f.draft(t, time.Now())
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.st.Transition(context.Background(), a.ID, store.Change{ActorID: f.applicant.ID, Now: time.Now()},
				func(cur model.Application, _ model.Call) (store.Decision, error) {
					if cur.State != workflow.Draft {
						return store.Decision{}, apperr.New(apperr.Conflict, i18n.T("opptatt", "taken"))
					}
					return store.Decision{To: workflow.Submitted, Event: workflow.Submit}, nil
				})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case apperr.Is(err, apperr.Conflict):
				conflicts++
			default:
				t.Errorf("unexpected error %v", err)
			}
		}()
	}
	wg.Wait()
	h, _ := f.st.History(context.Background(), a.ID)
	if wins != 1 || conflicts != 19 || len(h) != 2 {
		t.Fatalf("wins %d conflicts %d history rows %d; want 1, 19, 2", wins, conflicts, len(h))
	}
}

func TestUpdateChecksTheLockedRow(t *testing.T) {
	f := setup(t)
	a := f.draft(t, time.Now())
	ctx := context.Background()
	refused := apperr.New(apperr.Conflict, i18n.T("opptatt", "taken"))
	_, err := f.st.UpdateApplication(ctx, a.ID, a.ApplicationFields, store.Change{Now: time.Now()},
		func(model.Application) error { return refused })
	if !errors.Is(err, refused) {
		t.Fatalf("got %v", err)
	}
	fields := a.ApplicationFields
	fields.Title = "Ny tittel"
	fields.EndDate = "2027-12-31"
	got, err := f.st.UpdateApplication(ctx, a.ID, fields, store.Change{ActorID: f.applicant.ID, Now: time.Now()},
		func(cur model.Application) error {
			if cur.Version != 1 {
				t.Errorf("check saw version %d", cur.Version)
			}
			return nil
		})
	if err != nil || got.Title != "Ny tittel" || got.EndDate != "2027-12-31" || got.Version != 2 {
		t.Fatalf("got %+v, %v", got, err)
	}
	h, _ := f.st.History(ctx, a.ID)
	if len(h) != 2 || h[1].Event != model.EventEdited {
		t.Fatalf("history %+v", h)
	}
}

func TestListFilters(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	var ids []int64
	for range 5 {
		ids = append(ids, f.draft(t, time.Now()).ID)
	}
	page1, err := f.st.Applications(ctx, model.ApplicationFilter{ApplicantID: f.applicant.ID, Limit: 3})
	if err != nil || len(page1) != 3 || page1[0].ID != ids[4] {
		t.Fatalf("page 1: %d items, %v", len(page1), err)
	}
	page2, _ := f.st.Applications(ctx, model.ApplicationFilter{ApplicantID: f.applicant.ID, Limit: 3, AfterID: page1[2].ID})
	if len(page2) != 2 || page2[1].ID != ids[0] {
		t.Fatalf("page 2: %+v", page2)
	}
	none, _ := f.st.Applications(ctx, model.ApplicationFilter{ApplicantID: f.applicant.ID, State: workflow.Submitted})
	if len(none) != 0 {
		t.Fatalf("state filter let %d through", len(none))
	}
}

func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	st, err := store.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Application(context.Background(), 1); !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("got %v (kind %s), want unavailable", err, apperr.KindOf(err))
	}
	if err := st.Ping(context.Background()); !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("ping: got %v", err)
	}
}

// TestMigrationsRaceSafely starts three migrators at once on an empty
// database: the advisory lock lets each migration apply exactly once.
func TestMigrationsRaceSafely(t *testing.T) {
	ctx := context.Background()
	st := testenv.Store(t)
	name := fmt.Sprintf("nyttig_migrate_race_%d", time.Now().UnixNano())
	if _, err := st.Pool().Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	defer st.Pool().Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	u, _ := url.Parse(testenv.DatabaseURL(t))
	u.Path = "/" + name
	var wg sync.WaitGroup
	applied := make([][]string, 3)
	errs := make([]error, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := store.Open(ctx, u.String())
			if err != nil {
				errs[i] = err
				return
			}
			defer s.Close()
			applied[i], errs[i] = s.Migrate(ctx)
		}()
	}
	wg.Wait()
	total := 0
	for i := range 3 {
		if errs[i] != nil {
			t.Fatalf("migrator %d: %v", i, errs[i])
		}
		total += len(applied[i])
	}
	s, _ := store.Open(ctx, u.String())
	defer s.Close()
	var rows int
	if err := s.Pool().QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if total != rows || rows == 0 {
		t.Fatalf("applied %d in total, %d recorded; want equal and > 0", total, rows)
	}
}
