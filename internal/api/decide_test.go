package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

var english = map[string]string{"Accept-Language": "en"}

func (e *env) ledger(t *testing.T, u user) model.Ledger {
	t.Helper()
	return decode[model.Ledger](t, e.expect(t, req{method: "GET", path: fmt.Sprintf("/funds/%d/ledger?year=%d", e.fund.ID, e.call.BudgetYear),
		token: u.token}, http.StatusOK))
}

// TestConcurrentApprovalsOverHTTP sends 100 approvals at once against a
// frame that fits exactly 10 of them.
func TestConcurrentApprovalsOverHTTP(t *testing.T) {
	e := newEnv(t)
	amount := money.FromKroner(10_000)
	frame := 10 * amount
	e.setFrame(t, frame)
	applicant := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	decider := e.user(t, workflow.DecisionMaker)
	apps := make([]model.Application, 100)
	for i := range apps {
		a := e.inReview(t, applicant, officer, fieldsAsking(e.call, amount, "Byggesak"))
		apps[i] = e.recommend(t, officer, a.ID, model.OutcomeApprove, amount)
		e.declareFree(t, decider, a.ID)
	}

	responses := e.parallel(t, len(apps), func(i int) req {
		return req{method: "POST", path: fmt.Sprintf("/applications/%d/events/approve", apps[i].ID), token: decider.token, header: english}
	})
	statuses := map[int]int{}
	full := fmt.Sprintf("%s of %s for %d remains", money.Ore(0), frame, e.call.BudgetYear)
	for _, res := range responses {
		statuses[res.status]++
		if res.status == http.StatusConflict {
			if msg := errorBody(t, res).Message; !strings.Contains(msg, full) {
				t.Errorf("refusal %q does not say %q", msg, full)
			}
		}
	}
	if statuses[http.StatusOK] != 10 || statuses[http.StatusConflict] != 90 {
		t.Errorf("statuses %v, want 10 × 200 and 90 × 409", statuses)
	}
	if l := e.ledger(t, officer); l.Committed != frame || l.Remaining != 0 {
		t.Errorf("ledger %+v, want the whole frame of %s committed", l, frame)
	}
	list := decode[applicationList](t, e.expect(t, req{method: "GET", path: fmt.Sprintf("/applications?limit=200&state=approved&call_id=%d", e.call.ID),
		token: officer.token}, http.StatusOK))
	if len(list.Items) != 10 {
		t.Errorf("%d applications approved, want 10", len(list.Items))
	}
}

type applicationList struct {
	Items []model.Application `json:"items"`
}

// TestForbiddenDecidersAreRefused tries a decision by everyone who may not
// make it, and then by one who may.
func TestForbiddenDecidersAreRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.setFrame(t, money.FromKroner(1_000_000))
	applicant := e.person(t, "Kari Nordmann", "Helse", workflow.Applicant)
	officer := e.person(t, "Ola Saksbehandler", "Stab", workflow.CaseOfficer)
	reviewerDecider := e.person(t, "Rolf Begge", "Kultur", workflow.Reviewer, workflow.DecisionMaker)
	undeclared := e.person(t, "Una Udeklarert", "Stab", workflow.DecisionMaker)
	conflicted := e.person(t, "Kai Inhabil", "Stab", workflow.DecisionMaker)
	leader := e.person(t, "Lea Leder", "Ledelse", workflow.DecisionMaker)
	impartial := e.person(t, "Anne Beslutter", "Stab", workflow.DecisionMaker)
	if err := e.store.SetUserLeader(ctx, applicant.ID, &leader.ID); err != nil {
		t.Fatal(err)
	}
	amount := money.FromKroner(10_000)
	a := e.inReview(t, applicant, officer, fieldsAsking(e.call, amount, "Helse"))
	e.assignActive(t, officer, reviewerDecider, a.ID)
	e.recommend(t, officer, a.ID, model.OutcomeApprove, amount)
	appPath := "/applications/" + itoa(a.ID)
	declare := func(u user, body map[string]any) {
		t.Helper()
		e.expect(t, req{method: "POST", path: appPath + "/declarations", token: u.token, body: body}, http.StatusCreated)
	}
	// The reviewer may declare again, but only ever as a reviewer.
	declare(reviewerDecider, map[string]any{"conflict": false})
	declare(leader, map[string]any{"conflict": false})
	declare(conflicted, map[string]any{"conflict": true, "reason": "Nær venn av søkeren"})
	declare(impartial, map[string]any{"conflict": false})

	const barred, notDeclared = "You have a conflict of interest", "Declare that you have no conflict"
	body := map[string]any{"amount_ore": amount, "reasons": testReasons}
	for _, c := range []struct {
		name   string
		who    user
		status int
		reason string // what the 422's declaration field must say
	}{
		{"the applicant", applicant, http.StatusForbidden, ""},
		{"a case officer", officer, http.StatusForbidden, ""},
		{"a reviewer of the case", reviewerDecider, http.StatusUnprocessableEntity, barred},
		{"the applicant's leader", leader, http.StatusUnprocessableEntity, barred},
		{"an undeclared decision maker", undeclared, http.StatusUnprocessableEntity, notDeclared},
		{"a conflicted decision maker", conflicted, http.StatusNotFound, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, event := range []workflow.Event{workflow.Approve, workflow.Reject, workflow.Dismiss} {
				res := e.do(t, req{method: "POST", path: appPath + "/events/" + string(event), token: c.who.token, body: body, header: english})
				if res.status != c.status {
					t.Fatalf("%s: got %s, want %d", event, res, c.status)
				}
				if d := errorBody(t, res); c.reason != "" && !strings.Contains(d.Fields["declaration"], c.reason) {
					t.Errorf("%s: fields %v, want declaration: %q", event, d.Fields, c.reason)
				}
			}
		})
	}
	if got := decode[model.Application](t, e.expect(t, req{method: "GET", path: appPath, token: officer.token}, http.StatusOK)); got.State != workflow.Recommended {
		t.Fatalf("after the refusals the application is %s", got.State)
	}
	if ds, err := e.store.Decisions(ctx, a.ID); err != nil || len(ds) != 0 {
		t.Fatalf("refused decisions were recorded: %+v, %v", ds, err)
	}
	if res := e.fire(t, impartial, a.ID, workflow.Approve, body); res.status != http.StatusOK {
		t.Fatalf("an impartial, declared decision maker: got %s, want 200", res)
	}
}

// TestBatchDecisions decides a call's recommended applications in one go:
// each is decided on its own, so one that no longer fits the frame says
// why while the others go through.
func TestBatchDecisions(t *testing.T) {
	e := newEnv(t)
	frame := money.FromKroner(100_000)
	e.setFrame(t, frame)
	applicant := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	decider := e.user(t, workflow.DecisionMaker)
	amount := money.FromKroner(40_000)
	recommended := func(outcome string) model.Application {
		a := e.inReview(t, applicant, officer, fieldsAsking(e.call, amount, "Byggesak"))
		return e.recommend(t, officer, a.ID, outcome, amount)
	}
	a, b, c, d := recommended(model.OutcomeApprove), recommended(model.OutcomeReject), recommended(model.OutcomeApprove), recommended(model.OutcomeApprove)
	inReview := e.inReview(t, applicant, officer, fieldsAsking(e.call, amount, "Byggesak"))
	batchPath := fmt.Sprintf("/calls/%d/decisions", e.call.ID)

	res := e.expect(t, req{method: "POST", path: batchPath, token: decider.token, body: map[string]any{"declare_no_conflict": true}, header: english}, http.StatusOK)
	results := decode[struct{ Results []grants.BatchResult }](t, res).Results
	want := []grants.BatchResult{
		{ApplicationID: a.ID, CaseNumber: a.CaseNumber, Outcome: model.OutcomeApprove, State: workflow.Approved},
		{ApplicationID: b.ID, CaseNumber: b.CaseNumber, Outcome: model.OutcomeReject, State: workflow.Rejected},
		{ApplicationID: c.ID, CaseNumber: c.CaseNumber, Outcome: model.OutcomeApprove, State: workflow.Approved},
		{ApplicationID: d.ID, CaseNumber: d.CaseNumber, Outcome: model.OutcomeApprove, State: workflow.Recommended, ErrorCode: "conflict"},
	}
	if len(results) != len(want) {
		t.Fatalf("results %+v, want one per recommended application", results)
	}
	remaining := fmt.Sprintf("%s of %s", frame-2*amount, frame)
	for i, r := range results {
		switch {
		case want[i].ErrorCode == "" && r.Error != "":
			t.Errorf("%s: unexpected error %q", r.CaseNumber, r.Error)
		case want[i].ErrorCode != "" && !strings.Contains(r.Error, remaining):
			t.Errorf("%s: error %q does not say %q remains", r.CaseNumber, r.Error, remaining)
		}
		r.Error = ""
		if r != want[i] {
			t.Errorf("result %d = %+v, want %+v", i, r, want[i])
		}
	}
	if l := e.ledger(t, officer); l.Committed != 2*amount {
		t.Errorf("ledger %+v, want two grants committed", l)
	}
	h := e.history(t, officer, a.ID)
	if i := slices.IndexFunc(h, func(r model.HistoryEntry) bool { return r.Event == "approve" }); i < 1 ||
		h[i-1].Event != "declaration" || h[i-1].ActorID == nil || *h[i-1].ActorID != decider.ID {
		t.Errorf("history %v: want the decision maker's declaration, then the decision", historyEvents(h))
	}
	if got := decode[model.Application](t, e.expect(t, req{method: "GET", path: "/applications/" + itoa(inReview.ID), token: officer.token}, http.StatusOK)); got.State != workflow.InReview {
		t.Errorf("an application still in review was touched: %s", got.State)
	}

	// Without declaring, a newly recommended application is refused for
	// want of a declaration; the one declared on before still does not fit.
	fresh := recommended(model.OutcomeApprove)
	res = e.expect(t, req{method: "POST", path: batchPath, token: decider.token, header: english}, http.StatusOK)
	codes := map[int64]string{}
	for _, r := range decode[struct{ Results []grants.BatchResult }](t, res).Results {
		codes[r.ApplicationID] = r.ErrorCode
	}
	if len(codes) != 2 || codes[d.ID] != "conflict" || codes[fresh.ID] != "invalid" {
		t.Errorf("second batch: error codes %v, want %d: conflict and %d: invalid", codes, d.ID, fresh.ID)
	}
}

// TestRankingOverHTTP ranks three scored applications against a frame
// that holds two, and one recommended for rejection that takes no money.
func TestRankingOverHTTP(t *testing.T) {
	e := newEnv(t)
	amount := money.FromKroner(10_000)
	e.setFrame(t, money.FromKroner(25_000))
	applicant := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	reviewer := e.person(t, "Tor Fagvurderer", "Teknisk", workflow.Reviewer)
	scored := func(score int) model.Application {
		a := e.inReview(t, applicant, officer, fieldsAsking(e.call, amount, "Byggesak"))
		e.assignActive(t, officer, reviewer, a.ID)
		e.submitReview(t, reviewer, a, score)
		return a
	}
	low, high, middle := scored(3), scored(5), scored(4)
	rejected := scored(5)
	e.recommend(t, officer, rejected.ID, model.OutcomeReject, 0)

	rk := decode[grants.Ranking](t, e.expect(t, req{method: "GET", path: fmt.Sprintf("/calls/%d/ranking", e.call.ID), token: officer.token}, http.StatusOK))
	type line struct {
		id     int64
		mean   float64
		sum    money.Ore
		within bool
	}
	want := []line{
		{high.ID, 5, amount, true},
		{rejected.ID, 5, amount, false},
		{middle.ID, 4, 2 * amount, true},
		{low.ID, 3, 3 * amount, false},
	}
	if len(rk.Applications) != len(want) {
		t.Fatalf("ranking %+v", rk.Applications)
	}
	for i, l := range rk.Applications {
		if got := (line{l.ApplicationID, l.Aggregate.Mean, l.RunningSumOre, l.WithinBudget}); got != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, got, want[i])
		}
	}
	if rk.CallID != e.call.ID || rk.Ledger.Frame != money.FromKroner(25_000) || rk.Ledger.Remaining != money.FromKroner(25_000) {
		t.Errorf("ranking of call %d against ledger %+v", rk.CallID, rk.Ledger)
	}
	if rk.Applications[1].Recommendation != model.OutcomeReject || rk.Applications[0].ProposedOre != amount {
		t.Errorf("lines %+v", rk.Applications[:2])
	}
}
