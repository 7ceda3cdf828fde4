package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"nyttig/internal/auth"
	"nyttig/internal/blob"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/loadgen"
	"nyttig/internal/model"
	"nyttig/internal/server"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// env is the whole server over HTTP on the package's database, with a fund
// and a call that is open now.
type env struct {
	srv    *httptest.Server
	store  *store.Store
	blobs  *blob.Store
	grants *grants.Service
	fund   model.Fund
	call   model.Call
}

// newEnv is the server on the package's bucket with the default limits.
func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWith(t, testenv.Blobs(t), grants.DefaultLimits)
}

// newEnvWith is the server on blobs, with limits on attachments.
func newEnvWith(t testing.TB, blobs *blob.Store, limits grants.Limits) *env {
	t.Helper()
	return buildEnv(t, blobs, limits, time.Now)
}

// newEnvAt is the server on the package's bucket whose grants service
// reads the time from c, with a call open around c's time: deadlines are
// tested by setting c.
func newEnvAt(t testing.TB, c *clock) *env {
	t.Helper()
	return buildEnv(t, testenv.Blobs(t), grants.DefaultLimits, c.Now)
}

// buildEnv is the server on blobs with limits, its service on the clock now.
func buildEnv(t testing.TB, blobs *blob.Store, limits grants.Limits, now func() time.Time) *env {
	t.Helper()
	st := testenv.Store(t)
	g := grants.New(st, blobs)
	g.Limits, g.Now = limits, now
	srv := httptest.NewServer(server.Handler(server.Deps{Store: st, Blobs: blobs, Grants: g}))
	t.Cleanup(srv.Close)
	fund, err := st.CreateFund(context.Background(), testenv.Unique("Innovasjonsfondet"), "Nyby")
	if err != nil {
		t.Fatalf("create fund: %v", err)
	}
	e := &env{srv: srv, store: st, blobs: blobs, grants: g, fund: fund}
	e.call = e.newCall(t, now().Add(-time.Hour), now().Add(30*24*time.Hour))
	return e
}

// clock is a time the test sets, read by the server's goroutines.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(at time.Time) *clock { return &clock{now: at} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = at
}

// newCall adds a call to the env's fund, open from opens until closes.
func (e *env) newCall(t testing.TB, opens, closes time.Time) model.Call {
	t.Helper()
	c, err := e.store.CreateCall(context.Background(), model.Call{
		FundID: e.fund.ID, Title: testenv.Unique("Utlysning"), OpensAt: opens, ClosesAt: closes, MaxAmountOre: 500_000_00,
	}, 0)
	if err != nil {
		t.Fatalf("create call: %v", err)
	}
	return c
}

// user is a person with an API token.
type user struct {
	model.User
	token string
}

// user is a new person holding roles, in a unit of their first role's name,
// so that no automatic conflict of interest ties people of different roles.
func (e *env) user(t testing.TB, roles ...workflow.Role) user {
	t.Helper()
	return e.person(t, "Test "+roleName(roles), "Enhet "+roleName(roles), roles...)
}

// person is a new user with a name and unit of the test's choosing.
func (e *env) person(t testing.TB, name, unit string, roles ...workflow.Role) user {
	t.Helper()
	u, err := e.store.CreateUser(context.Background(), store.NewUser{
		Email: testenv.Unique(fmt.Sprintf("%s@example.no", roleName(roles))), Name: name, Unit: unit, Roles: roles,
	})
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	return e.withToken(t, u)
}

// withToken gives an existing user a new API token.
func (e *env) withToken(t testing.TB, u model.User) user {
	t.Helper()
	token := auth.NewToken()
	if err := e.store.AddToken(context.Background(), u.ID, token); err != nil {
		t.Fatalf("add token: %v", err)
	}
	return user{User: u, token: token}
}

func roleName(roles []workflow.Role) string {
	if len(roles) == 0 {
		return "nobody"
	}
	return strings.ReplaceAll(string(roles[0]), "_", "-")
}

// response is what the server answered.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// req is one request to the API: path is below /api/v1, body is sent as is
// when it is a string and as JSON otherwise, and header adds or overrides
// headers (Content-Type is application/json when there is a body).
type req struct {
	method string
	path   string
	token  string
	body   any
	header map[string]string
}

// do sends q and checks the response against the OpenAPI document.
func (e *env) do(t testing.TB, q req) response {
	t.Helper()
	res, err := e.send(q)
	if err != nil {
		t.Fatal(err)
	}
	checkDocumented(t, q, res)
	return res
}

// send is do for goroutines other than the test's: it returns its error.
func (e *env) send(q req) (response, error) {
	var body io.Reader
	switch b := q.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return response{}, fmt.Errorf("marshal body: %w", err)
		}
		body = bytes.NewReader(j)
	}
	r, err := http.NewRequest(q.method, e.srv.URL+"/api/v1"+q.path, body)
	if err != nil {
		return response{}, err
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if q.token != "" {
		r.Header.Set("Authorization", "Bearer "+q.token)
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	res, err := e.srv.Client().Do(r)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", q.method, q.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: read body: %w", q.method, q.path, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}, nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// expect is do that fails the test unless the status is want.
func (e *env) expect(t testing.TB, q req, want int) response {
	t.Helper()
	res := e.do(t, q)
	if res.status != want {
		t.Fatalf("%s %s: got %s, want status %d", q.method, q.path, res, want)
	}
	return res
}

func decode[T any](t testing.TB, res response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(res.body, &v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, res, err)
	}
	return v
}

// leaks are what must never reach a client: internals of the database, the
// runtime or the source.
var leaks = []string{"pgx", "SQL", "goroutine", ".go:", "panic"}

// errorBody checks that res is the API's one error body, with a code and a
// message and without internals, and returns it.
func errorBody(t testing.TB, res response) httpx.ErrorDetail {
	t.Helper()
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error response has Content-Type %q: %s", ct, res)
	}
	for _, leak := range leaks {
		if bytes.Contains(res.body, []byte(leak)) {
			t.Errorf("error response leaks %q: %s", leak, res)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.DisallowUnknownFields()
	var b httpx.ErrorBody
	if err := dec.Decode(&b); err != nil {
		t.Fatalf("not the JSON error body: %v: %s", err, res)
	}
	if b.Error.Code == "" || b.Error.Message == "" {
		t.Errorf("error body without code or message: %s", res)
	}
	return b.Error
}

// completeFields are the fields of an application that can be submitted to
// call: every text filled in and a budget that adds up.
func completeFields(callID int64) model.ApplicationFields {
	f := loadgen.Fields(callID, "Digital innbyggerdialog")
	f.Summary = "En chatbot for byggesak."
	f.StartDate, f.EndDate = "2026-08-01", "2027-06-30"
	return f
}

// create starts an application for u with fields and returns it.
func (e *env) create(t testing.TB, u user, fields any) model.Application {
	t.Helper()
	return decode[model.Application](t, e.expect(t, req{method: "POST", path: "/applications", token: u.token, body: fields}, http.StatusCreated))
}

// fire fires event on application id as u and returns the response.
func (e *env) fire(t testing.TB, u user, id int64, event workflow.Event, body any) response {
	t.Helper()
	return e.do(t, req{method: "POST", path: fmt.Sprintf("/applications/%d/events/%s", id, event), token: u.token, body: body})
}

// submitted returns an application of owner's to e.call, submitted.
func (e *env) submitted(t testing.TB, owner user) model.Application {
	t.Helper()
	a := e.create(t, owner, completeFields(e.call.ID))
	res := e.fire(t, owner, a.ID, workflow.Submit, nil)
	if res.status != http.StatusOK {
		t.Fatalf("submit: %s", res)
	}
	return decode[model.Application](t, res)
}

func (e *env) history(t testing.TB, u user, id int64) []model.HistoryEntry {
	t.Helper()
	res := e.expect(t, req{method: "GET", path: fmt.Sprintf("/applications/%d/history", id), token: u.token}, http.StatusOK)
	return decode[struct{ Items []model.HistoryEntry }](t, res).Items
}

// historyEvents lists the event of every history row, oldest first.
func historyEvents(h []model.HistoryEntry) []string {
	out := make([]string, len(h))
	for i, e := range h {
		out[i] = e.Event
	}
	return out
}
