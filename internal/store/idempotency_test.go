package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/workflow"
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

// TestClaimTakenRollsBack: a request whose key an earlier request has
// recorded is refused at its transaction's end, and its effect rolls back
// with it.
func TestClaimTakenRollsBack(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	fields := model.ApplicationFields{CallID: f.call.ID, Title: "Én gang"}
	ch := store.Change{ActorID: f.applicant.ID, RequestID: "req-taken", Now: time.Now()}
	count := func() int {
		t.Helper()
		var n int
		if err := f.st.Pool().QueryRow(ctx, "SELECT count(*) FROM applications WHERE title = $1", fields.Title).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	first, _ := store.WithClaim(ctx, f.applicant.ID, "once", []byte("hash-once"))
	if _, err := f.st.CreateApplication(first, f.applicant.ID, fields, ch); err != nil {
		t.Fatal(err)
	}
	retry, claim := store.WithClaim(ctx, f.applicant.ID, "once", []byte("hash-once"))
	_, err := f.st.CreateApplication(retry, f.applicant.ID, fields, ch)
	if err != store.ErrKeyTaken || claim.Consumed() {
		t.Fatalf("retry: err %v, consumed %v; want ErrKeyTaken, not consumed", err, claim.Consumed())
	}
	if n := count(); n != 1 {
		t.Errorf("%d applications after the refused retry, want 1", n)
	}

	// A transition sends its key with its writes: a taken key rolls them
	// back too, whatever the event decided.
	a, err := f.st.CreateApplication(ctx, f.applicant.ID, fields, ch)
	if err != nil {
		t.Fatal(err)
	}
	next := func(model.Application, model.Call) (store.Decision, error) {
		return store.Decision{To: workflow.Withdrawn, Event: workflow.Withdraw}, nil
	}
	moved, claim := store.WithClaim(ctx, f.applicant.ID, "move", []byte("hash-move"))
	if _, err := f.st.Transition(moved, a.ID, ch, next); err != nil || !claim.Consumed() {
		t.Fatalf("first transition: %v, consumed %v", err, claim.Consumed())
	}
	again, claim := store.WithClaim(ctx, f.applicant.ID, "move", []byte("hash-move"))
	if _, err := f.st.Transition(again, a.ID, ch, next); err != store.ErrKeyTaken || claim.Consumed() {
		t.Fatalf("retried transition: err %v, consumed %v; want ErrKeyTaken", err, claim.Consumed())
	}
	history, err := f.st.History(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 {
		t.Errorf("%d history rows after a refused retry, want 2 (created, withdrawn)", len(history))
	}
}

// TestKeptResponses: responses queued for their keys are saved in the
// background; after a flush a lookup finds each one, and a key whose
// response was saved keeps its first response.
func TestKeptResponses(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	fields := model.ApplicationFields{CallID: f.call.ID, Title: "Svar"}
	ch := store.Change{ActorID: f.applicant.ID, RequestID: "req-kept", Now: time.Now()}
	const n = 40
	for i := range n {
		key := "kept-" + strconv.Itoa(i)
		claimed, _ := store.WithClaim(ctx, f.applicant.ID, key, []byte(key))
		if _, err := f.st.CreateApplication(claimed, f.applicant.ID, fields, ch); err != nil {
			t.Fatal(err)
		}
		f.st.KeepResponse(f.applicant.ID, key, 201, "application/json", []byte(`{"n":`+strconv.Itoa(i)+`}`))
	}
	f.st.KeepResponse(f.applicant.ID, "kept-0", 500, "text/plain", []byte("second"))
	f.st.FlushKeptResponses(ctx)
	for i := range n {
		key := "kept-" + strconv.Itoa(i)
		kept, err := f.st.IdempotentLookup(ctx, f.applicant.ID, key)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"n":` + strconv.Itoa(i) + `}`
		if kept == nil || !kept.Done || kept.Status != 201 || kept.ContentType != "application/json" || string(kept.Body) != want {
			t.Fatalf("%s kept %+v, want 201 %s", key, kept, want)
		}
	}
}
