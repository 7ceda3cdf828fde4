package store_test

import (
	"context"
	"testing"
	"time"

	"nyttig/internal/model"
	"nyttig/internal/store"
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
