package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

func reportPath(r model.Report) string { return fmt.Sprintf("/reports/%d", r.ID) }

// reportContent fills a report, spending on the application's first
// budget line.
var reportContent = model.ReportContent{
	WorkDone: "Chatboten er utviklet og testet.", Results: "Halvert ventetid.", InUse: "Byggesak bruker den daglig.",
	Spread: "Plan og miljø vurderer den.", Lessons: "Start med de vanligste spørsmålene.",
	Spending: []model.Spending{{BudgetLine: 0, AmountOre: 39_000_00}},
}

// evaluation is a complete evaluation body.
var evaluation = model.EvaluationFields{
	Quality: model.Benefit{Rating: 4, Text: "Bedre svar."}, Efficiency: model.Benefit{Rating: 5, Text: "Færre telefoner."},
	AvoidedCosts: model.Benefit{Rating: 3, Text: "Mindre overtid."}, AvoidedCostsOre: 120_000_00,
	Employee: model.Benefit{Rating: 4, Text: "Mindre stress."}, Citizen: model.Benefit{Rating: 2, Text: "Noe."},
	Continues: true, Nominate: true,
}

// reports lists application appID's reports as u sees them.
func (e *env) reports(t testing.TB, u user, appID int64) []model.Report {
	t.Helper()
	return decode[struct{ Items []model.Report }](t, e.expect(t, req{method: "GET", path: fmt.Sprintf("/applications/%d/reports", appID), token: u.token}, http.StatusOK)).Items
}

// finalReport is the final report of application appID.
func (e *env) finalReport(t testing.TB, appID int64) model.Report {
	t.Helper()
	rs, err := e.store.Reports(context.Background(), appID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Kind == model.ReportFinal {
			return r
		}
	}
	t.Fatalf("application %d has no final report: %+v", appID, rs)
	return model.Report{}
}

func (e *env) appState(t testing.TB, u user, appID int64) workflow.State {
	t.Helper()
	return decode[model.Application](t, e.expect(t, req{method: "GET", path: fmt.Sprintf("/applications/%d", appID), token: u.token}, http.StatusOK)).State
}

// TestReportingToCompletion walks a grant from acceptance through a
// progress report, a final report returned and resubmitted, the held-back
// tranche, the unit leader's evaluation, to completion.
func TestReportingToCompletion(t *testing.T) {
	e := newEnv(t)
	e.setFrame(t, money.FromKroner(10_000_000))
	owner, officer, decider := e.user(t, workflow.Applicant), e.user(t, workflow.CaseOfficer), e.user(t, workflow.DecisionMaker)
	fin := e.financeStaff(t)
	leader := e.person(t, "Lea Leder", "Enhet leder", workflow.UnitLeader)
	wrongLeader := e.person(t, "Feil Leder", "Enhet annen", workflow.UnitLeader)
	if err := e.store.SetUserLeader(context.Background(), owner.ID, &leader.ID); err != nil {
		t.Fatal(err)
	}
	a, ps := e.acceptedGrant(t, owner, officer, decider, money.FromKroner(40_000))

	rs := e.reports(t, owner, a.ID)
	if len(rs) < 2 || rs[0].Kind != model.ReportProgress || rs[len(rs)-1].Kind != model.ReportFinal {
		t.Fatalf("reports at acceptance: %+v", rs)
	}
	// The final report is due report_months after the project's end, as
	// the decision letter says.
	if want := time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC).AddDate(0, e.call.ReportMonths, 0).Format(time.DateOnly); rs[len(rs)-1].DueDate != want {
		t.Errorf("final report due %s, want %s", rs[len(rs)-1].DueDate, want)
	}
	progress, final := rs[0], rs[len(rs)-1]
	eventPath := func(r model.Report, ev workflow.Event) string { return fmt.Sprintf("%s/events/%s", reportPath(r), ev) }

	// A progress report: written, submitted, approved; the application stays.
	e.expect(t, req{method: "PUT", path: reportPath(progress), token: owner.token, body: reportContent}, http.StatusOK)
	e.expect(t, req{method: "POST", path: eventPath(progress, workflow.SubmitReport), token: owner.token}, http.StatusOK)
	got := decode[model.Report](t, e.expect(t, req{method: "POST", path: eventPath(progress, workflow.ApproveReport), token: officer.token}, http.StatusOK))
	if got.State != string(workflow.ReportApproved) || e.appState(t, owner, a.ID) != workflow.Accepted {
		t.Fatalf("after the progress report: report %s, application %s", got.State, e.appState(t, owner, a.ID))
	}

	// The final report: empty is refused; spending on a budget line the
	// application does not have is refused.
	res := e.expect(t, req{method: "POST", path: eventPath(final, workflow.SubmitReport), token: owner.token}, http.StatusUnprocessableEntity)
	if f := errorBody(t, res).Fields; f["work_done"] == "" || f["results"] == "" {
		t.Errorf("an empty report: %s", res)
	}
	bad := reportContent
	bad.Spending = []model.Spending{{BudgetLine: 7, AmountOre: 1}}
	res = e.expect(t, req{method: "PUT", path: reportPath(final), token: owner.token, body: bad}, http.StatusUnprocessableEntity)
	if errorBody(t, res).Fields["spending[0].budget_line"] == "" {
		t.Errorf("spending on no budget line: %s", res)
	}
	e.expect(t, req{method: "PUT", path: reportPath(final), token: owner.token, body: reportContent}, http.StatusOK)
	e.expect(t, req{method: "POST", path: eventPath(final, workflow.SubmitReport), token: owner.token}, http.StatusOK)
	if s := e.appState(t, owner, a.ID); s != workflow.FinalReportSubmitted {
		t.Fatalf("after submitting the final report the application is %s", s)
	}
	e.expect(t, req{method: "PUT", path: reportPath(final), token: owner.token, body: reportContent}, http.StatusConflict)

	// Returned with a message (required), back to the applicant.
	res = e.expect(t, req{method: "POST", path: eventPath(final, workflow.ReturnReport), token: officer.token}, http.StatusUnprocessableEntity)
	if errorBody(t, res).Fields["comment"] == "" {
		t.Errorf("return without a message: %s", res)
	}
	e.expect(t, req{method: "POST", path: eventPath(final, workflow.ReturnReport), token: officer.token,
		body: map[string]any{"comment": "Beskriv gevinstene nærmere."}}, http.StatusOK)
	if s := e.appState(t, owner, a.ID); s != workflow.Accepted {
		t.Fatalf("after returning the final report the application is %s", s)
	}
	better := reportContent
	better.Results = "Halvert ventetid; 300 færre telefoner i måneden."
	e.expect(t, req{method: "PUT", path: reportPath(final), token: owner.token, body: better}, http.StatusOK)
	e.expect(t, req{method: "POST", path: eventPath(final, workflow.SubmitReport), token: owner.token}, http.StatusOK)

	// The applicant may not approve; the case officer does, and the
	// held-back tranche becomes due.
	e.expect(t, req{method: "POST", path: eventPath(final, workflow.ApproveReport), token: owner.token}, http.StatusForbidden)
	e.expect(t, req{method: "POST", path: eventPath(final, workflow.ApproveReport), token: officer.token}, http.StatusOK)
	after, err := e.store.Payouts(context.Background(), a.ID)
	if err != nil || after[1].State != string(workflow.PayoutDue) {
		t.Fatalf("the held-back tranche after approval: %+v, %v", after, err)
	}

	// Not complete yet: the evaluation is missing and money is unpaid.
	res = e.expect(t, req{method: "POST", path: fmt.Sprintf("/applications/%d/events/complete", a.ID), token: officer.token}, http.StatusUnprocessableEntity)
	if f := errorBody(t, res).Fields; f["evaluation"] == "" || f["payouts"] == "" || f["final_report"] != "" {
		t.Errorf("completing too early: %s", res)
	}
	for _, p := range ps {
		e.moveTranche(t, fin.attestant, p.ID, workflow.Attest, grants.PayoutInput{})
		e.moveTranche(t, fin.authoriser, p.ID, workflow.Authorise, grants.PayoutInput{ERPReference: fmt.Sprintf("BILAG-%d", p.ID), PaidOn: e.today()})
	}
	if s := e.appState(t, owner, a.ID); s != workflow.FinalReportSubmitted {
		t.Fatalf("before the evaluation the application is %s", s)
	}

	// The evaluation: not by another unit's leader, nor by the applicant;
	// by the applicant's own leader, which completes the case.
	evalPath := fmt.Sprintf("/applications/%d/evaluation", a.ID)
	e.expect(t, req{method: "PUT", path: evalPath, token: wrongLeader.token, body: evaluation}, http.StatusForbidden)
	e.expect(t, req{method: "PUT", path: evalPath, token: owner.token, body: evaluation}, http.StatusForbidden)
	unrated := evaluation
	unrated.Citizen.Rating = 0
	res = e.expect(t, req{method: "PUT", path: evalPath, token: leader.token, body: unrated}, http.StatusUnprocessableEntity)
	if errorBody(t, res).Fields["citizen_influence.rating"] == "" {
		t.Errorf("an unrated category: %s", res)
	}
	ev := decode[model.Evaluation](t, e.expect(t, req{method: "PUT", path: evalPath, token: leader.token, body: evaluation}, http.StatusOK))
	if ev.AuthorID != leader.ID || ev.AvoidedCostsOre != 120_000_00 || !ev.Nominate {
		t.Errorf("evaluation stored as %+v", ev)
	}
	if s := e.appState(t, owner, a.ID); s != workflow.Completed {
		t.Fatalf("after the evaluation the application is %s", s)
	}
	e.expect(t, req{method: "PUT", path: evalPath, token: leader.token, body: evaluation}, http.StatusConflict)

	h := historyEvents(e.history(t, officer, a.ID))
	var reporting []string
	for _, ev := range h {
		if slices.Contains([]string{"submit_final_report", "return_final_report", model.EventEvaluation, "complete"}, ev) {
			reporting = append(reporting, ev)
		}
	}
	want := []string{"submit_final_report", "return_final_report", "submit_final_report", model.EventEvaluation, "complete"}
	if !slices.Equal(reporting, want) {
		t.Errorf("reporting history %v, want %v", reporting, want)
	}
}

// TestOverdueReports sets the clock past the first progress report's due
// date: it is marked and listed for case officers until it is submitted.
func TestOverdueReports(t *testing.T) {
	c := newClock(time.Now())
	e := newEnvAt(t, c)
	e.setFrame(t, money.FromKroner(10_000_000))
	owner, officer, decider := e.user(t, workflow.Applicant), e.user(t, workflow.CaseOfficer), e.user(t, workflow.DecisionMaker)
	a, _ := e.acceptedGrant(t, owner, officer, decider, money.FromKroner(40_000))
	progress := e.reports(t, owner, a.ID)[0]
	if progress.Kind != model.ReportProgress || progress.Overdue {
		t.Fatalf("first report: %+v", progress)
	}
	listed := func() bool {
		items := decode[struct{ Items []model.Report }](t, e.expect(t, req{method: "GET", path: "/reports/overdue", token: officer.token}, http.StatusOK)).Items
		return slices.ContainsFunc(items, func(r model.Report) bool { return r.ID == progress.ID && r.Overdue })
	}
	if listed() {
		t.Fatal("listed as overdue before its due date")
	}
	due, _ := model.ParseDate(progress.DueDate)
	// The due date is the last day: still not overdue late that evening in Oslo.
	c.Set(time.Date(due.Year(), due.Month(), due.Day(), 23, 30, 0, 0, workflow.Oslo))
	if listed() {
		t.Fatal("listed as overdue on its due date")
	}
	c.Set(time.Date(due.Year(), due.Month(), due.Day()+1, 0, 30, 0, 0, workflow.Oslo))
	if !listed() || !e.reports(t, owner, a.ID)[0].Overdue {
		t.Fatal("not overdue the day after its due date")
	}
	e.expect(t, req{method: "GET", path: "/reports/overdue", token: owner.token}, http.StatusForbidden)
	e.expect(t, req{method: "PUT", path: reportPath(progress), token: owner.token, body: reportContent}, http.StatusOK)
	e.expect(t, req{method: "POST", path: reportPath(progress) + "/events/submit", token: owner.token}, http.StatusOK)
	if listed() {
		t.Fatal("still listed as overdue once submitted")
	}
}
