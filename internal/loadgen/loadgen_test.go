package loadgen_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"nyttig/internal/auth"
	"nyttig/internal/grants"
	"nyttig/internal/loadgen"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/server"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

func TestMain(m *testing.M) { testenv.Run(m) }

// target is the whole router on the package's database and bucket, with
// an open call and applicants' tokens.
func target(t *testing.T, applicants int) (http.Handler, model.Call, []string) {
	t.Helper()
	ctx := context.Background()
	st, blobs := testenv.Store(t), testenv.Blobs(t)
	var tokens []string
	for range applicants {
		u, err := st.CreateUser(ctx, store.NewUser{Email: testenv.Unique("load@example.no"), Name: "Kari Søker", Unit: "Byggesak",
			Roles: []workflow.Role{workflow.Applicant}})
		if err != nil {
			t.Fatal(err)
		}
		token := auth.NewToken()
		if err := st.AddToken(ctx, u.ID, token); err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, token)
	}
	fund, err := st.CreateFund(ctx, testenv.Unique("Innovasjonsfondet"), "Sandnes kommune")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	call, err := st.CreateCall(ctx, model.Call{FundID: fund.ID, Title: testenv.Unique("Utlysning"), OpensAt: now.Add(-time.Hour),
		ClosesAt: now.Add(time.Hour), MaxAmountOre: money.FromKroner(500_000), BudgetYear: now.In(workflow.Oslo).Year()}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return server.Handler(server.Deps{Store: st, Blobs: blobs, Grants: grants.New(st, blobs)}), call, tokens
}

// submitted counts the call's submitted applications, and all of them.
func submitted(t *testing.T, callID int64) (sub, all int) {
	t.Helper()
	err := testenv.Store(t).Pool().QueryRow(context.Background(),
		`SELECT count(*) FILTER (WHERE state = 'submitted'), count(*) FROM applications WHERE call_id = $1`, callID).Scan(&sub, &all)
	if err != nil {
		t.Fatal(err)
	}
	return sub, all
}

func TestRunCarriesEveryApplicationThrough(t *testing.T) {
	h, call, tokens := target(t, 2)
	srv := httptest.NewServer(h)
	defer srv.Close()
	res, err := loadgen.Run(context.Background(), loadgen.Config{BaseURL: srv.URL, Tokens: tokens, CallID: call.ID,
		Clients: 3, Applications: 2, PDFBytes: 4 << 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []loadgen.Op{loadgen.OpCreate, loadgen.OpFill, loadgen.OpAttach, loadgen.OpSubmit} {
		if got := res.Count(op); got != 6 {
			t.Errorf("%d × %s acknowledged, want 6", got, op)
		}
	}
	if len(res.Failed) > 0 || res.Requests != 24 || res.Statuses[http.StatusOK] != 12 || res.Statuses[http.StatusCreated] != 12 {
		t.Errorf("failed %v, %d requests, statuses %v: want 24 requests, 12 × 200 and 12 × 201", res.Failed, res.Requests, res.Statuses)
	}
	if len(res.Latencies) != 24 || res.Percentile(0) > res.Percentile(1) {
		t.Errorf("%d latencies, p0 %s, p100 %s", len(res.Latencies), res.Percentile(0), res.Percentile(1))
	}
	if sub, all := submitted(t, call.ID); sub != 6 || all != 6 {
		t.Errorf("%d of %d applications submitted, want 6 of 6", sub, all)
	}
}

// lossy answers 503 in place of the first response to every POST with an
// Idempotency-Key, after the request has taken effect: a response lost on
// the way, as when a proxy times out.
type lossy struct {
	h    http.Handler
	mu   sync.Mutex
	seen map[string]bool
}

// first reports whether r is the first request with its key.
func (l *lossy) first(r *http.Request) bool {
	key := r.Header.Get("Idempotency-Key")
	l.mu.Lock()
	defer l.mu.Unlock()
	first := key != "" && !l.seen[key]
	l.seen[key] = true
	return first
}

func (l *lossy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !l.first(r) {
		l.h.ServeHTTP(w, r)
		return
	}
	l.h.ServeHTTP(httptest.NewRecorder(), r)
	http.Error(w, "lost", http.StatusServiceUnavailable)
}

// runTwoByTwo has two clients send two applications each through the
// server at url, and says how many acknowledged steps were replays.
func runTwoByTwo(t *testing.T, url string, callID int64, tokens []string) (loadgen.Result, int) {
	t.Helper()
	res, err := loadgen.Run(context.Background(), loadgen.Config{BaseURL: url, Tokens: tokens, CallID: callID,
		Clients: 2, Applications: 2, PDFBytes: 2 << 10})
	if err != nil {
		t.Fatal(err)
	}
	replayed := 0
	for _, a := range res.Acked {
		if a.Replayed {
			replayed++
		}
	}
	return res, replayed
}

// failures lists a run's failed steps, a line each.
func failures(res loadgen.Result) string {
	var b strings.Builder
	for _, err := range res.Failed {
		b.WriteString(err.Error() + "\n")
	}
	return b.String()
}

func TestRetriesWithTheSameKeyDuplicateNothing(t *testing.T) {
	h, call, tokens := target(t, 1)
	srv := httptest.NewServer(&lossy{h: h, seen: map[string]bool{}})
	defer srv.Close()
	res, replayed := runTwoByTwo(t, srv.URL, call.ID, tokens)
	// Create, attach and submit carry keys: each was answered from the
	// idempotency record the second time. The PATCH has none.
	if len(res.Failed) > 0 || len(res.Acked) != 16 || replayed != 12 || res.Statuses[http.StatusServiceUnavailable] != 12 {
		t.Errorf("%d acknowledged, %d replayed, statuses %v, failures:\n%s want 16, 12 replayed after 12 × 503",
			len(res.Acked), replayed, res.Statuses, failures(res))
	}
	if sub, all := submitted(t, call.ID); sub != 4 || all != 4 {
		t.Errorf("%d of %d applications submitted, want 4 of 4: no retry may add one", sub, all)
	}
}

func TestRunRefusesAConfigWithoutAnEnd(t *testing.T) {
	if _, err := loadgen.Run(context.Background(), loadgen.Config{BaseURL: "http://127.0.0.1:1", Tokens: []string{"x"}, CallID: 1}); err == nil {
		t.Error("a run without Applications, Duration, Stop or an ending context was accepted")
	}
}

// unsaved is lossy where the server dies after the effect committed and
// before its response was saved: the first response to every POST with an
// Idempotency-Key is lost and the kept response deleted, leaving the key
// with only the result its effect noted.
type unsaved struct {
	lossy
	st *store.Store
}

func (u *unsaved) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !u.first(r) {
		u.h.ServeHTTP(w, r)
		return
	}
	u.h.ServeHTTP(httptest.NewRecorder(), r)
	// The response is saved in the background: wait for it, then undo it.
	u.st.FlushKeptResponses(r.Context())
	if _, err := u.st.Pool().Exec(r.Context(), `UPDATE idempotency_keys SET status = NULL, content_type = NULL, response = NULL
		WHERE key = $1`, r.Header.Get("Idempotency-Key")); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	http.Error(w, "killed", http.StatusBadGateway)
}

func TestRetriesAfterAnUnsavedResponse(t *testing.T) {
	h, call, tokens := target(t, 1)
	srv := httptest.NewServer(&unsaved{lossy: lossy{h: h, seen: map[string]bool{}}, st: testenv.Store(t)})
	defer srv.Close()
	res, replayed := runTwoByTwo(t, srv.URL, call.ID, tokens)
	// Every keyed step is answered from what its effect noted, not read
	// back after a 409.
	if len(res.Failed) > 0 || len(res.Acked) != 16 || replayed != 12 || len(res.Recovered) != 0 ||
		res.Statuses[http.StatusBadGateway] != 12 || res.Statuses[http.StatusConflict] != 0 {
		t.Errorf("%d acknowledged, %d replayed, %d recovered, statuses %v, failures:\n%s want 16, 12 replayed, 0 recovered after 12 × 502",
			len(res.Acked), replayed, len(res.Recovered), res.Statuses, failures(res))
	}
	if sub, all := submitted(t, call.ID); sub != 4 || all != 4 {
		t.Errorf("%d of %d applications submitted, want 4 of 4: no retry may add one", sub, all)
	}
}
