package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"nyttig/internal/money"
	"nyttig/workflow"
)

// TestBrowserSubmitAndApproveAReport has the project lead fill in and
// submit the first progress report from the application page, and the
// case officer approve it. axe-core checks every page.
func TestBrowserSubmitAndApproveAReport(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := newEnv(t)
	c := e.accepted(t, money.FromKroner(40_000))
	progress := e.reportsOf(t, c.applicant, c.app.ID)[0]
	b := newBrowser(t, ctx, e.srv.URL)

	b.login(c.applicant, "nb")
	b.open(path(c.app.ID, ""))
	b.wantText("section.reports", "Framdriftsrapport", "Sluttrapport", "Utkast")
	b.checkA11y("application with its reports (nb)")
	b.click("open the report", `section.reports a[href="`+reportURL(progress)+`"]`)
	b.wantText("h1", "Framdriftsrapport")
	b.checkA11y("draft report (nb)")
	b.typeIn([][2]string{{"f-work_done", "Pilot i sone 1"}, {"f-results", "Færre fall om natten"}, {"f-spending_0", "12 500"}})
	b.click("submit the report", `button[value=submit]`)
	b.wantText(".flash", "Rapporten er sendt inn.")
	b.checkA11y("submitted report (nb)")
	b.logout("nb")

	b.login(c.officer, "nb")
	b.open(reportURL(progress))
	b.wantText("main", "Pilot i sone 1", "Behandle rapporten")
	b.checkA11y("report to handle (nb)")
	b.click("approve the report", `button[value=approve]`)
	b.wantText(".flash", "Rapporten er godkjent.")
	b.wantText("dl.facts", "Godkjent")
	b.checkA11y("approved report (nb)")
	if len(b.checked) != 6 {
		t.Errorf("axe checked %d pages, want every page visited (6): %v", len(b.checked), b.checked)
	}
}

// TestBrowserUnitLeaderEvaluates has the applicant's unit leader find the
// project in their list from the menu and open its evaluation form; axe-core
// checks both pages in both languages.
func TestBrowserUnitLeaderEvaluates(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := newEnv(t)
	c := e.accepted(t, money.FromKroner(40_000))
	leader := e.person(t, "Lise Leder", c.applicant.Unit, nil, workflow.UnitLeader)
	b := newBrowser(t, ctx, e.srv.URL)
	b.login(leader, "nb")
	b.click("open the evaluations", `nav.main-nav a[href="/evaluations"]`)
	b.wantText("main", c.app.CaseNumber, "Nei")
	b.checkA11y("projects to evaluate (nb)")
	b.click("open the evaluation form", fmt.Sprintf(`main a[href="/applications/%d/evaluation"]`, c.app.ID))
	b.wantText("h1", c.app.CaseNumber)
	b.checkA11y("evaluation form (nb)")
	b.open("/evaluations")
	b.switchLanguage("en")
	b.wantText("main", "Projects to evaluate", "No")
	b.checkA11y("projects to evaluate (en)")
	if len(b.checked) != 3 {
		t.Errorf("axe checked %d pages, want 3: %v", len(b.checked), b.checked)
	}
}
