package reliability

import (
	"context"
	"net/http"
	"testing"
	"time"

	"nyttig/internal/auth"
	"nyttig/internal/grants"
	"nyttig/internal/loadgen"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// fixture is a fund with a frame, an open call, applicants with API tokens
// and a case officer, made directly in the database a server migrated.
type fixture struct {
	st         *store.Store
	fund       model.Fund
	call       model.Call
	applicants []model.User
	tokens     []string // the applicants'
	officer    model.User
}

func newFixture(t *testing.T, databaseURL string, applicants int, frame money.Ore) fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	f := fixture{st: st}
	for range applicants {
		u, token := f.person(t, "Kari Søker", "Byggesak", workflow.Applicant)
		f.applicants, f.tokens = append(f.applicants, u), append(f.tokens, token)
	}
	f.officer, _ = f.person(t, "Ola Saksbehandler", "Stab", workflow.CaseOfficer)
	if f.fund, err = st.CreateFund(ctx, "Innovasjonsfondet", "Sandnes kommune"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	year := now.In(workflow.Oslo).Year()
	if err := st.SetBudget(ctx, f.fund.ID, year, frame); err != nil {
		t.Fatal(err)
	}
	// A deadline rush: the call closes in an hour.
	f.call, err = st.CreateCall(ctx, model.Call{FundID: f.fund.ID, Title: "Utlysning", OpensAt: now.Add(-time.Hour),
		ClosesAt: now.Add(time.Hour), MaxAmountOre: money.FromKroner(500_000), BudgetYear: year}, f.officer.ID)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// person makes a user of unit with roles and returns it with a new API
// token. Units keep people apart: sharing one is a conflict of interest.
func (f fixture) person(t *testing.T, name, unit string, roles ...workflow.Role) (model.User, string) {
	t.Helper()
	ctx := context.Background()
	u, err := f.st.CreateUser(ctx, store.NewUser{Email: testenv.Unique("rely@example.no"), Name: name, Unit: unit, Roles: roles})
	if err != nil {
		t.Fatal(err)
	}
	token := auth.NewToken()
	if err := f.st.AddToken(ctx, u.ID, token); err != nil {
		t.Fatal(err)
	}
	return u, token
}

// load is the loadgen configuration of the suite for server s.
func (f fixture) load(s *server, label string) loadgen.Config {
	return loadgen.Config{BaseURL: s.url, Tokens: f.tokens, CallID: f.call.ID, Clients: scale.clients,
		PDFBytes: scale.pdfBytes, RetryFor: 2 * time.Minute, Label: label,
		HTTPClient: &http.Client{Timeout: 30 * time.Second}}
}

// loadInBackground runs the suite's load against s until the returned
// function is called, which stops it and returns its result.
func (f fixture) loadInBackground(t *testing.T, s *server, label string) (stop func() loadgen.Result) {
	t.Helper()
	stopped := make(chan struct{})
	results := make(chan loadgen.Result, 1)
	go func() {
		cfg := f.load(s, label)
		cfg.Stop = stopped
		res, err := loadgen.Run(context.Background(), cfg)
		if err != nil {
			t.Error(err)
		}
		results <- res
	}()
	return func() loadgen.Result {
		close(stopped)
		return <-results
	}
}

// verifyAcked checks the database against what the clients were told:
// every acknowledged (or recovered) step is there, in its state or a later
// one, and no application exists twice. It returns the number of
// applications in the call.
func (f fixture) verifyAcked(t *testing.T, res loadgen.Result) int {
	t.Helper()
	ctx := context.Background()
	type row struct {
		id    int64
		state workflow.State
		n     int
	}
	byTitle := map[string]row{}
	rows, err := f.st.Pool().Query(ctx, `SELECT title, min(id), min(state), count(*) FROM applications WHERE call_id = $1 GROUP BY title`, f.call.ID)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for rows.Next() {
		var title string
		var r row
		if err := rows.Scan(&title, &r.id, &r.state, &r.n); err != nil {
			t.Fatal(err)
		}
		byTitle[title] = r
		total += r.n
		if r.n > 1 {
			violation(t, "application %q exists %d times: a retry duplicated it", title, r.n)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	created := map[string]bool{}
	for _, a := range append(append([]loadgen.Ack{}, res.Acked...), res.Recovered...) {
		r, ok := byTitle[a.Title]
		switch {
		case !ok || r.id != a.ApplicationID:
			violation(t, "%s of %q acknowledged (application %d, status %d) but not in the database (found %+v)",
				a.Op, a.Title, a.ApplicationID, a.Status, r)
		case a.Op == loadgen.OpCreate:
			created[a.Title] = true
		case a.Op == loadgen.OpSubmit && r.state != workflow.Submitted:
			violation(t, "submission of %q acknowledged but it is %s", a.Title, r.state)
		case a.Op == loadgen.OpAttach:
			var n int
			if err := f.st.Pool().QueryRow(ctx, `SELECT count(*) FROM attachments WHERE id = $1 AND application_id = $2`,
				a.AttachmentID, a.ApplicationID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				violation(t, "attachment %d of %q acknowledged but not in the database", a.AttachmentID, a.Title)
			}
		}
	}
	if total != len(created) {
		violation(t, "%d applications in the call, %d creations acknowledged or recovered", total, len(created))
	}
	if res.Statuses[http.StatusInternalServerError] > 0 {
		violation(t, "%d answers were 500: %v", res.Statuses[http.StatusInternalServerError], res.Statuses)
	}
	return total
}

// reportFailures reports every application a client could not carry
// through: the server must answer every retry in the end.
func reportFailures(t *testing.T, res loadgen.Result) {
	t.Helper()
	for _, err := range res.Failed {
		violation(t, "a client's application did not go through: %v", err)
	}
	if len(res.Failed) > 0 {
		t.Logf("statuses %v", res.Statuses)
	}
}

// grantsFor is a grants service on the fixture's database, for setting up
// applications further along than the load takes them.
func (f fixture) grantsFor(t *testing.T, svc services) *grants.Service {
	return grants.New(f.st, svc.blobs(t))
}
