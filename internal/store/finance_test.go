package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
)

func TestRecipientRoundTrip(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	ch := store.Change{ActorID: f.applicant.ID, Now: time.Now()}
	fields := model.ApplicationFields{CallID: f.call.ID, Title: "Søknad",
		Recipient: model.Recipient{CostCentre: "4100", ProjectNumber: "P-1"}}
	a, err := f.st.CreateApplication(ctx, f.applicant.ID, fields, ch)
	if err != nil || a.Recipient != fields.Recipient {
		t.Fatalf("created %+v, %v", a.Recipient, err)
	}
	fields.Recipient = model.Recipient{OrgNumber: "974760673", AccountNumber: "86011117947"}
	a, err = f.st.UpdateApplication(ctx, a.ID, fields, ch, func(model.Application) error { return nil })
	if err != nil || a.Recipient != fields.Recipient {
		t.Fatalf("updated %+v, %v", a.Recipient, err)
	}
	r := model.Recipient{CostCentre: "4200", ProjectNumber: "P-2"}
	a, err = f.st.UpdateRecipient(ctx, a.ID, r, ch, func(model.Application) error { return nil })
	if err != nil || a.Recipient != r || a.Version != 3 {
		t.Fatalf("recipient set %+v (version %d), %v", a.Recipient, a.Version, err)
	}
	h, err := f.st.History(ctx, a.ID)
	if err != nil || len(h) != 3 || h[2].Event != model.EventRecipientChanged ||
		h[2].Comment != "cost_centre, project_number, org_number, account_number" {
		t.Fatalf("history %+v, %v", h, err)
	}
	// The database refuses what is not an organisation or account number.
	if _, err := f.st.Pool().Exec(ctx, "UPDATE applications SET account_number = '1234' WHERE id = $1", a.ID); err == nil {
		t.Fatal("a four-digit account number was stored")
	}
}

// TestLedgerCheckReadsOneApplicationsPayments: the ledger's check that no
// application is paid more than granted sums that application's payments
// through their own index, even in a plan made on an empty ledger; the
// partial index of one payment per tranche would have it read every
// payment for every new entry (migration 0015).
func TestLedgerCheckReadsOneApplicationsPayments(t *testing.T) {
	st := testenv.Store(t)
	ctx := context.Background()
	conn, err := st.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, "RESET plan_cache_mode") //nolint:errcheck // the connection goes back to the pool either way
	if _, err := conn.Exec(ctx, `PREPARE payments_of(bigint) AS SELECT COALESCE(sum(amount_ore), 0) FROM ledger_entries
		WHERE application_id = $1 AND kind = 'payment'`); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, "DEALLOCATE payments_of") //nolint:errcheck // as above
	var plan strings.Builder
	rows, err := conn.Query(ctx, "EXPLAIN EXECUTE payments_of(1)")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.String(), "ledger_entries_payments") {
		t.Errorf("the payments of one application are not read through their index:\n%s", plan.String())
	}
}
