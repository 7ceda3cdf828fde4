package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

func TestMain(m *testing.M) { testenv.Run(m) }

// TestCheckCommand runs `nyttig check` against the package's database:
// clean, it exits 0 with every invariant ok; with an illegal step written
// into a history and a commitment without a decision, it exits 1 and
// names both invariants.
func TestCheckCommand(t *testing.T) {
	t.Setenv("DATABASE_URL", testenv.DatabaseURL(t))
	t.Setenv("S3_BUCKET", testenv.Blobs(t).Bucket())
	ctx := context.Background()
	run := func() (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := Run(ctx, []string{"check"}, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	code, out, errOut := run()
	if code != 0 || strings.Contains(out, "VIOLATED") || !strings.Contains(out, "ok       tranche_paid_once") {
		t.Fatalf("clean database: exit %d\n%s\n%s", code, out, errOut)
	}

	st := testenv.Store(t)
	u, err := st.CreateUser(ctx, store.NewUser{Email: testenv.Unique("kari@example.no"), Name: "Kari", Roles: []workflow.Role{workflow.Applicant}})
	if err != nil {
		t.Fatal(err)
	}
	fund, err := st.CreateFund(ctx, testenv.Unique("Fond"), "")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := st.SetBudget(ctx, fund.ID, 2026, money.FromKroner(100)); err != nil {
		t.Fatal(err)
	}
	call, err := st.CreateCall(ctx, model.Call{FundID: fund.ID, Title: "U", OpensAt: now, ClosesAt: now.Add(time.Hour),
		MaxAmountOre: 100, BudgetYear: 2026}, 0)
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.CreateApplication(ctx, u.ID, model.ApplicationFields{CallID: call.ID}, store.Change{ActorID: u.ID, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	pool := st.Pool()
	if _, err := pool.Exec(ctx, `INSERT INTO application_events (application_id, version, event, from_state, to_state)
		VALUES ($1, 2, 'approve', 'draft', 'approved')`, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO ledger_entries (fund_id, year, application_id, kind, amount_ore)
		VALUES ($1, 2026, $2, 'commitment', 50000)`, fund.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run()
	if code != 1 {
		t.Fatalf("corrupted database: exit %d, want 1\n%s", code, out)
	}
	for _, name := range []string{"history_edges", "commitments_match_decisions", "within_frame"} {
		if !strings.Contains(out, "VIOLATED "+name) || !strings.Contains(errOut, name) {
			t.Errorf("%s is not named\nstdout:\n%s\nstderr:\n%s", name, out, errOut)
		}
	}
}
