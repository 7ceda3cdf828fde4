package store_test

import (
	"context"
	"testing"
	"time"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
)

// TestClaimNotesTheResult: an effect run under a claim records the key and
// what it produced in its own transaction, before any response is saved;
// a failed effect records neither, and the key stays free.
func TestClaimNotesTheResult(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	fields := model.ApplicationFields{CallID: f.call.ID, Title: "Med nøkkel"}
	ch := store.Change{ActorID: f.applicant.ID, RequestID: "req-claim", Now: time.Now()}
	lookup := func(key string) *store.IdempotentResponse {
		t.Helper()
		kept, err := f.st.IdempotentLookup(ctx, f.applicant.ID, key)
		if err != nil {
			t.Fatal(err)
		}
		return kept
	}

	claimed, claim := store.WithClaim(ctx, f.applicant.ID, "create", []byte("hash-create"))
	a, err := f.st.CreateApplication(claimed, f.applicant.ID, fields, ch)
	if err != nil {
		t.Fatal(err)
	}
	if !claim.Consumed() {
		t.Fatal("the claim was not consumed by the effect's transaction")
	}
	kept := lookup("create")
	if kept == nil || kept.Done || kept.Result != (store.Result{Kind: store.ResultApplication, ID: a.ID}) {
		t.Fatalf("kept %+v, want an unsaved response with result application %d", kept, a.ID)
	}

	// A later transaction of the same request is not what the key stands
	// for: it notes nothing over the first one's result.
	second, err := f.st.CreateApplication(claimed, f.applicant.ID, fields, ch)
	if err != nil {
		t.Fatal(err)
	}
	if kept := lookup("create"); kept.Result != (store.Result{Kind: store.ResultApplication, ID: a.ID}) {
		t.Errorf("result after a second transaction (application %d) %+v, want application %d", second.ID, kept.Result, a.ID)
	}

	refused := apperr.New(apperr.Conflict, i18n.T("nei", "no"))
	failing, claim := store.WithClaim(ctx, f.applicant.ID, "refused", []byte("hash-refused"))
	_, err = f.st.Transition(failing, a.ID, ch, func(model.Application, model.Call) (store.Decision, error) {
		return store.Decision{}, refused
	})
	if err != refused || claim.Consumed() {
		t.Fatalf("failed transition: err %v, consumed %v", err, claim.Consumed())
	}
	if kept := lookup("refused"); kept != nil {
		t.Errorf("a failed effect kept its key: %+v", kept)
	}
}
