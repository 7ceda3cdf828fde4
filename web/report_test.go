package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

func reportURL(r model.Report) string { return fmt.Sprintf("/reports/%d", r.ID) }

// reportsOf returns the application's reports, progress first, final last.
func (e *env) reportsOf(t *testing.T, u model.User, appID int64) []model.Report {
	t.Helper()
	rs, err := e.grants.Reports(context.Background(), u, appID)
	noErr(t, err)
	if len(rs) < 2 {
		t.Fatalf("the accepted grant's reports: %+v", rs)
	}
	return rs
}

func reportForm(work, results, spent string) url.Values {
	return url.Values{"work_done": {work}, "results": {results}, "in_use": {"Brukes i to soner"},
		"spread": {"Delt med nabokommunen"}, "lessons": {"Start tidlig"}, "spending_0": {spent}}
}

func TestProjectLeadSavesAndSubmitsAProgressReport(t *testing.T) {
	e := newEnv(t)
	c := e.accepted(t, money.FromKroner(40_000))
	progress := e.reportsOf(t, c.applicant, c.app.ID)[0]
	lead := e.client(t)
	lead.login(c.applicant)
	page := lead.get(reportURL(progress))
	wantStatus(t, page, http.StatusOK)
	mustID(t, page, "f-work_done")
	mustID(t, page, "f-spending_0")

	r := lead.post(reportURL(progress), url.Values{"action": {"save"}, "spending_0": {"tolv"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-spending_0", "Skriv et beløp i kroner")

	wantRedirect(t, lead.post(reportURL(progress), mergeAction("save", reportForm("Pilot i sone 1", "", "12 500"))),
		reportURL(progress)+"?done=report_save")
	saved := e.reportsOf(t, c.applicant, c.app.ID)[0]
	if saved.WorkDone != "Pilot i sone 1" || len(saved.Spending) != 1 || saved.Spending[0].AmountOre != money.FromKroner(12_500) {
		t.Fatalf("saved report: %+v", saved)
	}
	if v := value(t, lead.get(reportURL(progress)), "f-spending_0"); v != money.FromKroner(12_500).Number() {
		t.Errorf("spending shown as %q", v)
	}
	// Submitting needs the results.
	r = lead.post(reportURL(progress), mergeAction("submit", reportForm("Pilot i sone 1", "", "12 500")))
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-results", "Må fylles ut")

	wantRedirect(t, lead.post(reportURL(progress), mergeAction("submit", reportForm("Pilot i sone 1", "Færre fall", "12 500"))),
		reportURL(progress)+"?done=report_submit")
	if got := e.reportsOf(t, c.applicant, c.app.ID)[0].State; got != string(workflow.ReportSubmitted) {
		t.Fatalf("state %s after submitting", got)
	}
	after := lead.get(reportURL(progress))
	if byID(after.doc, "f-work_done") != nil {
		t.Error("the submitted report is still editable")
	}
	if !strings.Contains(collapse(text(mustID(t, after, "h-history").Parent)), "Lever rapporten") {
		t.Error("the history lacks the submission")
	}
}

func mergeAction(action string, v url.Values) url.Values {
	v.Set("action", action)
	return v
}

func TestCaseOfficerReturnsAReportOnlyWithAComment(t *testing.T) {
	e := newEnv(t)
	c := e.accepted(t, money.FromKroner(40_000))
	progress := e.reportsOf(t, c.applicant, c.app.ID)[0]
	lead := e.client(t)
	lead.login(c.applicant)
	wantRedirect(t, lead.post(reportURL(progress), mergeAction("submit", reportForm("Pilot", "Færre fall", "1000"))),
		reportURL(progress)+"?done=report_submit")

	officer := e.client(t)
	officer.login(c.officer)
	mustID(t, officer.get(reportURL(progress)), "f-comment")
	r := officer.post(reportURL(progress), url.Values{"action": {"return"}, "comment": {"  "}})
	if r.status < 400 {
		t.Fatalf("return without a comment: status %d", r.status)
	}
	if byID(r.doc, "e-comment") == nil {
		t.Fatalf("no error beside the comment:\n%s", r.body)
	}
	wantRedirect(t, officer.post(reportURL(progress), url.Values{"action": {"return"}, "comment": {"Mangler tall for forbruk"}}),
		reportURL(progress)+"?done=report_return")
	if got := e.reportsOf(t, c.applicant, c.app.ID)[0].State; got != string(workflow.ReportReturned) {
		t.Fatalf("state %s after returning", got)
	}
	page := lead.get(reportURL(progress))
	mustID(t, page, "f-work_done")
	if !strings.Contains(page.body, "Mangler tall for forbruk") {
		t.Error("the lead does not see the comment")
	}
}

func TestApprovingTheFinalReportMakesTheHeldBackTrancheDue(t *testing.T) {
	e := newEnv(t)
	c := e.accepted(t, money.FromKroner(40_000))
	rs := e.reportsOf(t, c.applicant, c.app.ID)
	final := rs[len(rs)-1]
	if final.Kind != model.ReportFinal {
		t.Fatalf("last report: %+v", final)
	}
	lead := e.client(t)
	lead.login(c.applicant)
	wantRedirect(t, lead.post(reportURL(final), mergeAction("submit", reportForm("Ferdig", "Færre fall", "30000"))),
		reportURL(final)+"?done=report_submit")
	officer := e.client(t)
	officer.login(c.officer)
	wantRedirect(t, officer.post(reportURL(final), url.Values{"action": {"approve"}}), reportURL(final)+"?done=report_approve")
	if got := e.payoutState(t, c.payouts[1].ID); got != workflow.PayoutDue {
		t.Fatalf("the held-back tranche is %s", got)
	}
	detail := officer.get(fmt.Sprintf("/applications/%d", c.app.ID))
	wantStatus(t, detail, http.StatusOK)
	tranches := ""
	for _, tbl := range byTag(detail.doc, "table") {
		if s := collapse(text(tbl)); strings.HasPrefix(s, "Utbetalingsplan") {
			tranches = s
		}
	}
	if strings.Count(tranches, workflow.Payout.StateLabel(workflow.PayoutDue).In("nb")) < 2 {
		t.Errorf("the application page does not show both tranches due: %q", tranches)
	}
}
