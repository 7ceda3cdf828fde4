package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"

	"nyttig/internal/seed"
	"nyttig/workflow"
)

// readsApplications is how many applications the reads run among.
func (e *env) readsApplications() int {
	if e.cfg.Quick {
		return 3_000
	}
	return 100_000
}

// bigFund seeds a synthetic fund with the reads' applications once, and
// returns the id range they have.
func (e *env) bigFund(ctx context.Context) (lo, hi int64, err error) {
	if e.bigHi == 0 {
		if _, err := seed.SyntheticFund(ctx, e.st, seed.SyntheticOptions{Applications: e.readsApplications(), Seed: 2026}); err != nil {
			return 0, 0, err
		}
		if err := e.st.Pool().QueryRow(ctx, "SELECT min(id), max(id) FROM applications").Scan(&e.bigLo, &e.bigHi); err != nil {
			return 0, 0, err
		}
	}
	return e.bigLo, e.bigHi, nil
}

// reads: a case officer's application pages and filtered, paginated lists
// among 100,000 applications. Reference: pgbench's select-only
// transactions with prepared statements.
func reads(ctx context.Context, e *env) (Scenario, error) {
	lo, hi, err := e.bigFund(ctx)
	if err != nil {
		return Scenario{}, err
	}
	states := []workflow.State{workflow.Submitted, workflow.InReview, workflow.Recommended, workflow.Approved, workflow.Accepted, workflow.Completed}
	var detail, list tally
	elapsed := e.forClients(ctx, func(ctx context.Context, i, round int) {
		r := rand.New(rand.NewPCG(uint64(i), uint64(round)))
		id := lo + r.Int64N(hi-lo+1)
		status, d, err := e.do(ctx, "GET", fmt.Sprintf("/api/v1/applications/%d", id), e.officerToken, "")
		if ctx.Err() == nil {
			detail.add(status, d, err, http.StatusOK)
		}
		q := url.Values{"state": {string(states[r.IntN(len(states))])}, "limit": {"50"}}
		if r.IntN(2) == 0 {
			q.Set("after", fmt.Sprint(lo+r.Int64N(hi-lo+1)))
		}
		status, d, err = e.do(ctx, "GET", "/api/v1/applications?"+q.Encode(), e.officerToken, "")
		if ctx.Err() == nil {
			list.add(status, d, err, http.StatusOK)
		}
	})
	ref, err := e.reference(ctx, true)
	if err != nil {
		return Scenario{}, err
	}
	s := Scenario{Value: float64(detail.ok+list.ok) / elapsed.Seconds(), Unit: "reads/s", Reference: ref.TPS,
		ReferenceName: "pgbench -S -M prepared tps", Goal: "≥ 0.5 × select-only, list p95 < 20 ms", Errors: detail.errors + list.errors}
	percentiles(&s, list.latencies)
	var d Scenario
	percentiles(&d, detail.latencies)
	s.Detail = fmt.Sprintf("percentiles are the list's (50 per page, by state, half of them from a random position); application page p50 %.2f ms, p95 %.2f ms; %d applications",
		d.P50ms, d.P95ms, hi-lo+1)
	return s, nil
}

// searchWords are words the synthetic fund's titles are made of, in
// forms the Norwegian stemmer must bring together.
var searchWords = []string{"tilsynet", "skoleveien", "bibliotek", "brøyting", "byggesaker", "leksehjelpen", "vannmåling", "vaktplanen",
	"digitalt tilsyn", "smart -brøyting", "søknadsportalen", "innbyggerdialog"}

// search: Norwegian full-text search of the application list. Reference:
// pgbench's select-only figure.
func search(ctx context.Context, e *env) (Scenario, error) {
	if _, _, err := e.bigFund(ctx); err != nil {
		return Scenario{}, err
	}
	var t tally
	elapsed := e.forClients(ctx, func(ctx context.Context, i, round int) {
		w := searchWords[(i+round)%len(searchWords)]
		status, d, err := e.do(ctx, "GET", "/api/v1/applications?limit=50&q="+url.QueryEscape(w), e.officerToken, "")
		if ctx.Err() == nil {
			t.add(status, d, err, http.StatusOK)
		}
	})
	ref, err := e.reference(ctx, true)
	if err != nil {
		return Scenario{}, err
	}
	s := Scenario{Value: float64(t.ok) / elapsed.Seconds(), Unit: "searches/s", Reference: ref.TPS,
		ReferenceName: "pgbench -S -M prepared tps", Goal: "p95 < 50 ms", Errors: t.errors}
	percentiles(&s, t.latencies)
	s.Detail = fmt.Sprintf("%d searches of titles and summaries (norwegian configuration, websearch syntax), 50 per page", t.ok)
	return s, nil
}
