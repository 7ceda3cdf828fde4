package seed_test

import (
	"context"
	"testing"
	"time"

	"nyttig/internal/check"
	"nyttig/internal/seed"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// TestSyntheticKeepsTheInvariants generates a small fund and runs every
// check of `nyttig check` on it; the applications are spread over the
// states a year leads to, with money paid and projects completed.
func TestSyntheticKeepsTheInvariants(t *testing.T) {
	ctx := context.Background()
	st := testenv.Store(t)
	now := time.Date(2026, time.November, 24, 9, 0, 0, 0, workflow.Oslo)
	s, err := seed.SyntheticFund(ctx, st, seed.SyntheticOptions{Applications: 400, Year: 2025, Now: now, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	violations, err := check.Run(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range violations {
		t.Errorf("%s: %s", v.Invariant, v.Detail.EN)
	}
	states := map[string]int{}
	rows, err := st.Pool().Query(ctx, `SELECT a.state, count(*) FROM applications a JOIN calls c ON c.id = a.call_id
		WHERE c.fund_id = $1 GROUP BY a.state`, s.Fund.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			t.Fatal(err)
		}
		states[state] = n
	}
	total := 0
	for _, n := range states {
		total += n
	}
	if total != 400 {
		t.Errorf("%d applications, want 400: %v", total, states)
	}
	for _, want := range []workflow.State{workflow.Draft, workflow.Submitted, workflow.InReview, workflow.Returned, workflow.Rejected,
		workflow.Dismissed, workflow.Approved, workflow.Accepted, workflow.FinalReportSubmitted, workflow.Completed, workflow.Withdrawn} {
		if states[string(want)] == 0 {
			t.Errorf("no application is %s: %v", want, states)
		}
	}
	var paid int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM ledger_entries WHERE fund_id = $1 AND kind = 'payment'`, s.Fund.ID).Scan(&paid); err != nil {
		t.Fatal(err)
	}
	if paid == 0 {
		t.Error("nothing was paid")
	}
	// Some rejections are appealed and decided again.
	var redecided int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM (SELECT d.application_id FROM decisions d
		JOIN applications a ON a.id = d.application_id JOIN calls c ON c.id = a.call_id
		WHERE c.fund_id = $1 GROUP BY d.application_id HAVING count(*) > 1) x`, s.Fund.ID).Scan(&redecided); err != nil {
		t.Fatal(err)
	}
	if redecided == 0 {
		t.Error("no application was decided twice")
	}
	// A second fund of the same size is a fund of its own.
	again, err := seed.SyntheticFund(ctx, st, seed.SyntheticOptions{Applications: 400, Year: 2025, Now: now, Seed: 8})
	if err != nil {
		t.Fatalf("second synthetic fund: %v", err)
	}
	if again.Fund.ID == s.Fund.ID || again.Fund.Name == s.Fund.Name {
		t.Errorf("the second fund is the first: %+v", again.Fund)
	}
}
