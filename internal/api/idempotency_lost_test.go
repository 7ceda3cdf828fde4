package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"nyttig/internal/api"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// lostResponse carries out q's effect as the server would under q's
// Idempotency-Key — effect runs with the claim in its context, so the key
// commits with the effect — and then saves no response: the state a server
// killed after the commit and before its response was saved leaves behind.
func (e *env) lostResponse(t *testing.T, u user, q req, effect func(ctx context.Context) error) {
	t.Helper()
	var body []byte
	switch b := q.body.(type) {
	case nil:
	case string:
		body = []byte(b)
	default:
		var err error
		if body, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	r, err := http.NewRequest(q.method, e.srv.URL+"/api/v1"+q.path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ct := q.header["Content-Type"]; ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	ctx, claim := store.WithClaim(context.Background(), u.ID, q.header["Idempotency-Key"], api.RequestHash(r))
	if err := effect(ctx); err != nil {
		t.Fatalf("the effect of %s %s: %v", q.method, q.path, err)
	}
	if !claim.Consumed() {
		t.Fatalf("the effect of %s %s committed without recording its key", q.method, q.path)
	}
	kept, err := e.store.IdempotentLookup(context.Background(), u.ID, q.header["Idempotency-Key"])
	if err != nil || kept == nil || kept.Done {
		t.Fatalf("kept after the lost response: %+v, %v; want a key without a response", kept, err)
	}
}

// expectReplayed sends q and fails unless it is answered with want,
// Idempotent-Replayed: true and a Location of wantLocation ("" for none).
func (e *env) expectReplayed(t *testing.T, q req, want int, wantLocation string) response {
	t.Helper()
	res := e.expect(t, q, want)
	if got := res.header.Get("Idempotent-Replayed"); got != "true" {
		t.Errorf("%s %s: Idempotent-Replayed %q, want true", q.method, q.path, got)
	}
	if got := res.header.Get("Location"); got != wantLocation {
		t.Errorf("%s %s: Location %q, want %q", q.method, q.path, got, wantLocation)
	}
	return res
}

// rows counts the rows of a table matching a condition on one id.
func (e *env) rows(t *testing.T, table, cond string, id int64) int {
	t.Helper()
	var n int
	if err := e.store.Pool().QueryRow(context.Background(), "SELECT count(*) FROM "+table+" WHERE "+cond, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLostResponseCreate: the server died after creating the application
// and before saving the response. The retry gets 201 with the application
// and its Location, as the first request would have, and creates nothing.
func TestLostResponseCreate(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	call := e.newCall(t, e.call.OpensAt, e.call.ClosesAt)
	fields := completeFields(call.ID)
	q := req{method: "POST", path: "/applications", token: owner.token, body: fields, header: withKey("lost-create")}
	var created model.Application
	e.lostResponse(t, owner, q, func(ctx context.Context) error {
		var err error
		created, err = e.grants.CreateApplication(ctx, owner.User, fields, "first")
		return err
	})

	for range 2 { // a replay keeps nothing that would change the next one
		res := e.expectReplayed(t, q, http.StatusCreated, "/api/v1/applications/"+itoa(created.ID))
		got := decode[model.Application](t, res)
		if got.ID != created.ID || got.Title != fields.Title || got.State != workflow.Draft || got.CaseNumber != created.CaseNumber {
			t.Errorf("replayed application %d %q %s %s, want %d %q draft %s", got.ID, got.Title, got.State, got.CaseNumber,
				created.ID, fields.Title, created.CaseNumber)
		}
	}
	if n := e.rows(t, "applications", "call_id = $1", call.ID); n != 1 {
		t.Errorf("%d applications in the call after the retries, want 1", n)
	}
	if n := e.rows(t, "application_events", "application_id = $1", created.ID); n != 1 {
		t.Errorf("%d history rows, want the creation's only", n)
	}

	t.Run("same key, another body", func(t *testing.T) {
		other := fields
		other.Title = "Et annet prosjekt"
		errorBody(t, e.expect(t, req{method: "POST", path: "/applications", token: owner.token, body: other, header: withKey("lost-create")},
			http.StatusUnprocessableEntity))
		if n := e.rows(t, "applications", "call_id = $1", call.ID); n != 1 {
			t.Errorf("%d applications, want 1", n)
		}
	})
}

// TestLostResponseEvent: the server died after submitting and before
// saving the response; the retry answers 200 with the application as it is
// now, and the submission is in the history once.
func TestLostResponseEvent(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	q := req{method: "POST", path: "/applications/" + itoa(app.ID) + "/events/submit", token: owner.token, header: withKey("lost-submit")}
	e.lostResponse(t, owner, q, func(ctx context.Context) error {
		_, err := e.grants.FireWith(ctx, owner.User, app.ID, workflow.Submit, grants.EventInput{}, "first")
		return err
	})

	res := e.expectReplayed(t, q, http.StatusOK, "")
	got := decode[model.Application](t, res)
	want := decode[model.Application](t, e.expect(t, req{method: "GET", path: "/applications/" + itoa(app.ID), token: owner.token}, http.StatusOK))
	if got.ID != app.ID || got.State != workflow.Submitted || got.Version != want.Version {
		t.Errorf("replayed application %d in %s version %d, want %d submitted version %d", got.ID, got.State, got.Version, app.ID, want.Version)
	}
	if h := historyEvents(e.history(t, owner, app.ID)); len(h) != 2 || h[1] != "submit" {
		t.Errorf("history %v, want create and one submit", h)
	}
	t.Run("same key, another body", func(t *testing.T) {
		other := q
		other.body = map[string]any{"comment": "igjen"}
		errorBody(t, e.expect(t, other, http.StatusUnprocessableEntity))
	})
	t.Run("access still applies", func(t *testing.T) {
		// A key whose noted result is an application its user may not see
		// (the rows are written here; no request makes such a pair) is
		// answered as that user's GET would be: not found.
		stranger := e.user(t, workflow.Applicant)
		r, err := http.NewRequest(q.method, e.srv.URL+"/api/v1"+q.path, http.NoBody)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.Pool().Exec(context.Background(), `INSERT INTO idempotency_keys (user_id, key, request_hash, result_kind, result_id)
			VALUES ($1, 'foreign', $2, 'application', $3)`, stranger.ID, api.RequestHash(r), app.ID); err != nil {
			t.Fatal(err)
		}
		res := e.expect(t, req{method: q.method, path: q.path, token: stranger.token, header: withKey("foreign")}, http.StatusNotFound)
		if bytes.Contains(res.body, []byte(`"title"`)) {
			t.Errorf("the stranger's replay shows the application: %s", res.body)
		}
	})
}

// TestLostResponseAttachment: the server died after recording an upload;
// the retry answers 201 with the attachment and stores no second file.
func TestLostResponseAttachment(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	content := pdfFile()
	q := uploadRequest(t, owner.token, app.ID, "plan.pdf", content, withKey("lost-upload"))
	var at model.Attachment
	e.lostResponse(t, owner, q, func(ctx context.Context) error {
		var err error
		at, err = e.grants.AddAttachment(ctx, owner.User, app.ID, "plan.pdf", bytes.NewReader(content), "first")
		return err
	})

	res := e.expectReplayed(t, q, http.StatusCreated, "/api/v1/attachments/"+itoa(at.ID))
	got := decode[model.Attachment](t, res)
	if got.ID != at.ID || got.Name != "plan.pdf" || got.Size != int64(len(content)) || got.UploaderName != owner.Name {
		t.Errorf("replayed attachment %+v, want %+v", got, at)
	}
	if n := e.rows(t, "attachments", "application_id = $1", app.ID); n != 1 {
		t.Errorf("%d attachments after the retry, want 1", n)
	}
}

// TestLostResponseFinance: a tranche's attestation, a demand for
// repayment and its resolution, and an export batch, each with its
// response lost, are answered from that resource as it is now.
func TestLostResponseFinance(t *testing.T) {
	f := newFinanceEnv(t)
	_, ps := f.acceptedGrant(t, f.owner, f.officer, f.decider, money.FromKroner(20_000))
	due := ps[0]
	q := req{method: "POST", path: payoutEventPath(due.ID, workflow.Attest), token: f.fin.attestant.token, header: withKey("lost-attest")}
	f.lostResponse(t, f.fin.attestant, q, func(ctx context.Context) error {
		_, err := f.grants.FirePayout(ctx, f.fin.attestant.User, due.ID, workflow.Attest, grants.PayoutInput{}, "first")
		return err
	})
	p := decode[model.Payout](t, f.expectReplayed(t, q, http.StatusOK, ""))
	if p.ID != due.ID || p.State != string(workflow.PayoutAttested) {
		t.Errorf("replayed tranche %d in %s, want %d attested", p.ID, p.State, due.ID)
	}
	if n := f.rows(t, "payout_events", "payout_id = $1 AND event = 'attest'", due.ID); n != 1 {
		t.Errorf("%d attestations in the tranche's history, want 1", n)
	}

	a, _ := f.paidTranche(t, f.fin, f.owner, f.officer, f.decider, money.FromKroner(50_000))
	raise := map[string]any{"amount_ore": money.FromKroner(1_000), "reason": "Feil utbetalt"}
	q = req{method: "POST", path: "/applications/" + itoa(a.ID) + "/clawbacks", token: f.officer.token, body: raise, header: withKey("lost-raise")}
	var c model.Clawback
	f.lostResponse(t, f.officer, q, func(ctx context.Context) error {
		var err error
		c, err = f.grants.RaiseClawback(ctx, f.officer.User, a.ID, money.FromKroner(1_000), "Feil utbetalt", "first")
		return err
	})
	got := decode[model.Clawback](t, f.expectReplayed(t, q, http.StatusCreated, "/api/v1/applications/"+itoa(a.ID)+"/clawbacks"))
	if got.ID != c.ID || got.State != string(workflow.ClawbackRaised) {
		t.Errorf("replayed demand %d in %s, want %d raised", got.ID, got.State, c.ID)
	}
	if n := f.rows(t, "clawbacks", "application_id = $1", a.ID); n != 1 {
		t.Errorf("%d demands after the retry, want 1", n)
	}

	repay := grants.ClawbackInput{ERPReference: "BILAG-9", RepaidOn: f.today()}
	q = req{method: "POST", path: clawbackEventPath(c.ID, workflow.Repay), token: f.fin.authoriser.token, body: repay, header: withKey("lost-repay")}
	f.lostResponse(t, f.fin.authoriser, q, func(ctx context.Context) error {
		_, err := f.grants.FireClawback(ctx, f.fin.authoriser.User, c.ID, workflow.Repay, repay, "first")
		return err
	})
	got = decode[model.Clawback](t, f.expectReplayed(t, q, http.StatusOK, ""))
	if got.ID != c.ID || got.State != string(workflow.ClawbackRepaid) {
		t.Errorf("replayed demand %d in %s, want %d repaid", got.ID, got.State, c.ID)
	}
	if n := f.rows(t, "ledger_entries", "clawback_id = $1", c.ID); n != 1 {
		t.Errorf("%d repayments in the ledger, want 1", n)
	}

	q = req{method: "POST", path: "/payout-exports", token: f.fin.authoriser.token, header: withKey("lost-export")}
	var x model.PayoutExport
	f.lostResponse(t, f.fin.authoriser, q, func(ctx context.Context) error {
		var err error
		x, err = f.grants.CreatePayoutExport(ctx, f.fin.authoriser.User)
		return err
	})
	gotX := decode[model.PayoutExport](t, f.expectReplayed(t, q, http.StatusCreated, "/api/v1/payout-exports/"+itoa(x.ID)+".csv"))
	if gotX.ID != x.ID || gotX.Count != x.Count || gotX.TotalOre != x.TotalOre {
		t.Errorf("replayed batch %+v, want %+v", gotX, x)
	}
	if n := f.rows(t, "payout_exports", "id >= $1", x.ID); n != 1 {
		t.Errorf("%d batches from this one on after the retry, want 1", n)
	}
	if n := f.rows(t, "payouts", "export_id = $1", x.ID); n != x.Count {
		t.Errorf("%d tranches in the batch, want %d", n, x.Count)
	}
}

// TestLostResponseReport: the server died after a report was submitted;
// the retry answers 200 with the report, submitted once.
func TestLostResponseReport(t *testing.T) {
	f := newFinanceEnv(t)
	a, _ := f.acceptedGrant(t, f.owner, f.officer, f.decider, money.FromKroner(40_000))
	progress := f.reports(t, f.owner, a.ID)[0]
	f.expect(t, req{method: "PUT", path: reportPath(progress), token: f.owner.token, body: reportContent}, http.StatusOK)
	q := req{method: "POST", path: reportPath(progress) + "/events/" + string(workflow.SubmitReport), token: f.owner.token, header: withKey("lost-report")}
	f.lostResponse(t, f.owner, q, func(ctx context.Context) error {
		_, err := f.grants.FireReport(ctx, f.owner.User, progress.ID, workflow.SubmitReport, "", "first")
		return err
	})
	got := decode[model.Report](t, f.expectReplayed(t, q, http.StatusOK, ""))
	if got.ID != progress.ID || got.State != string(workflow.ReportSubmitted) || got.WorkDone != reportContent.WorkDone {
		t.Errorf("replayed report %d in %s (%q), want %d submitted", got.ID, got.State, got.WorkDone, progress.ID)
	}
	if n := f.rows(t, "report_events", "report_id = $1 AND event = 'submit'", progress.ID); n != 1 {
		t.Errorf("%d submissions in the report's history, want 1", n)
	}
}
