package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"nyttig/internal/deadline"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// TestAcceptanceOverHTTP accepts one grant in the last minute of its
// acceptance deadline, declines another, and lets two more pass the
// deadline: accepting is then refused naming the deadline, and the system
// lets them lapse. Each grant that does not go ahead releases its
// commitment.
func TestAcceptanceOverHTTP(t *testing.T) {
	ctx := context.Background()
	decidedAt := time.Date(2026, 6, 1, 10, 0, 0, 0, deadline.Oslo)
	c := newClock(decidedAt)
	e := newEnvAt(t, c)
	frame := money.FromKroner(1_000_000)
	e.setFrame(t, frame)
	owner := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	decider := e.user(t, workflow.DecisionMaker)
	requested := money.FromKroner(50_000)
	granted := money.Ore(3_333_333) // kr 33 333,33: the shares do not divide it evenly
	accepted := e.decided(t, owner, officer, decider, model.OutcomeApprove, requested, granted)
	declined := e.decided(t, owner, officer, decider, model.OutcomeApprove, requested, granted)
	late := e.decided(t, owner, officer, decider, model.OutcomeApprove, requested, granted)
	forgotten := e.decided(t, owner, officer, decider, model.OutcomeApprove, requested, granted)
	if l := e.ledger(t, officer); l.Committed != 4*granted {
		t.Fatalf("after four grants the ledger is %+v", l)
	}

	// The call gives 30 days: the deadline is the end of 1 July in Oslo.
	due := time.Date(2026, 7, 1, 23, 59, 59, int(999*time.Millisecond), deadline.Oslo)
	if got := grants.AcceptanceDeadline(decidedAt, e.call); !got.Equal(due) {
		t.Fatalf("acceptance deadline %v, want %v", got, due)
	}
	c.Set(due.Add(-time.Minute))
	errorBody(t, e.expectFire(t, officer, accepted.ID, workflow.Accept, nil, http.StatusForbidden))
	got := decode[model.Application](t, e.expectFire(t, owner, accepted.ID, workflow.Accept, nil, http.StatusOK))
	if got.State != workflow.Accepted {
		t.Fatalf("accepted: state %s", got.State)
	}
	if got := e.application(t, owner, accepted.ID); got.State != workflow.Accepted {
		t.Errorf("GET after accepting: state %s", got.State)
	}

	// The payout plan: the call's 75 % on acceptance and 25 % on the final
	// report, the last tranche taking the øre rounding leaves.
	plan, err := e.store.Payouts(ctx, accepted.ID)
	if err != nil {
		t.Fatal(err)
	}
	var sum money.Ore
	for _, p := range plan {
		sum += p.AmountOre
	}
	if sum != granted {
		t.Errorf("the payout plan %+v sums to %s, want the grant of %s", plan, sum, granted)
	}
	type tranche struct {
		position, percent int
		amount            money.Ore
		condition, state  string
	}
	want := []tranche{{1, 75, 2_499_999, model.OnAcceptance, "due"}, {2, 25, 833_334, model.OnFinalReport, "planned"}}
	if len(plan) != len(want) {
		t.Fatalf("payout plan %+v, want %+v", plan, want)
	}
	for i, p := range plan {
		if got := (tranche{p.Position, p.SharePercent, p.AmountOre, p.Condition, p.State}); got != want[i] || p.ApplicationID != accepted.ID {
			t.Errorf("tranche %d = %+v, want %+v", i+1, got, want[i])
		}
	}
	checkSchema(t, "Payout", plan[0])

	// Declining gives the money back to the frame.
	if got := decode[model.Application](t, e.expectFire(t, owner, declined.ID, workflow.Decline, nil, http.StatusOK)); got.State != workflow.Withdrawn {
		t.Errorf("declined: state %s", got.State)
	}
	if l := e.ledger(t, officer); l.Committed != 3*granted || l.Released != granted || l.Remaining != frame-3*granted {
		t.Errorf("after declining one grant the ledger is %+v, want %s committed and %s released", l, 3*granted, granted)
	}

	// A second past the deadline accepting is refused, naming the deadline.
	c.Set(due.Add(time.Second))
	res := e.do(t, req{method: "POST", path: eventPath(late.ID, workflow.Accept), token: owner.token, header: english})
	if res.status != http.StatusConflict {
		t.Fatalf("accepting after the deadline: got %s, want 409", res)
	}
	if msg := errorBody(t, res).Message; !strings.Contains(msg, "01.07.2026 23:59") {
		t.Errorf("the refusal %q does not name the deadline, 01.07.2026 23:59", msg)
	}
	if got := e.application(t, owner, late.ID); got.State != workflow.Approved {
		t.Errorf("a refused acceptance moved the grant to %s", got.State)
	}

	// The system lets both overdue grants lapse, and leaves the accepted one.
	if n, err := e.grants.LapseOverdue(ctx); err != nil || n < 2 {
		t.Fatalf("lapsed %d grants (%v), want at least the 2 overdue", n, err)
	}
	for _, a := range []model.Application{late, forgotten} {
		if got := e.application(t, owner, a.ID); got.State != workflow.Withdrawn {
			t.Errorf("overdue grant %s is %s after the lapse, want withdrawn", a.CaseNumber, got.State)
		}
		h := e.history(t, officer, a.ID)
		if last := h[len(h)-1]; last.Event != string(workflow.Lapse) || last.ActorID != nil {
			t.Errorf("overdue grant %s: last history row %+v, want the system's lapse", a.CaseNumber, last)
		}
	}
	if got := e.application(t, owner, accepted.ID); got.State != workflow.Accepted {
		t.Errorf("the accepted grant is %s after the lapse", got.State)
	}
	if l := e.ledger(t, officer); l.Committed != granted || l.Released != 3*granted || l.Remaining != frame-granted {
		t.Errorf("after the lapse the ledger is %+v, want only the accepted %s committed", l, granted)
	}
}

func eventPath(appID int64, event workflow.Event) string {
	return "/applications/" + itoa(appID) + "/events/" + string(event)
}

// expectFire fires event on application appID as u with body, and fails
// the test unless the status is want.
func (e *env) expectFire(t testing.TB, u user, appID int64, event workflow.Event, body any, want int) response {
	t.Helper()
	return e.expect(t, req{method: "POST", path: eventPath(appID, event), token: u.token, body: body}, want)
}

// application is application id as u gets it.
func (e *env) application(t testing.TB, u user, id int64) model.Application {
	t.Helper()
	return decode[model.Application](t, e.expect(t, req{method: "GET", path: "/applications/" + itoa(id), token: u.token}, http.StatusOK))
}

// checkSchema fails unless v, as JSON, matches the document's schema name.
func checkSchema(t testing.TB, name string, v any) {
	t.Helper()
	doc, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	var body any
	if err := dec.Decode(&body); err != nil {
		t.Fatal(err)
	}
	if problems := validate(doc, map[string]any{"$ref": "#/components/schemas/" + name}, body, "$"); len(problems) > 0 {
		t.Errorf("%s does not match the schema %s:\n  %s", b, name, strings.Join(problems, "\n  "))
	}
}
