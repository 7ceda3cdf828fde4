package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"nyttig/internal/model"
	"nyttig/internal/money"
)

// TestOverdueReportsList moves the clock past the first progress report's
// due date: the case officer finds it on the list linked from the inbox,
// and the applicant may not see the list.
func TestOverdueReportsList(t *testing.T) {
	e := newEnv(t)
	c := e.accepted(t, money.FromKroner(40_000))
	reports, err := e.grants.Reports(context.Background(), c.applicant, c.app.ID)
	noErr(t, err)
	if len(reports) == 0 || reports[0].Kind != model.ReportProgress {
		t.Fatalf("the accepted grant's reports: %+v", reports)
	}
	officer := e.client(t)
	officer.login(c.officer)
	inbox := officer.get("/inbox")
	wantStatus(t, inbox, http.StatusOK)
	if !strings.Contains(inbox.body, `href="/reports/overdue"`) {
		t.Fatal("the inbox does not link to the overdue reports")
	}
	r := officer.get("/reports/overdue")
	wantStatus(t, r, http.StatusOK)
	if strings.Contains(r.body, c.app.CaseNumber) {
		t.Fatal("listed as overdue before its due date")
	}
	due, ok := model.ParseDate(reports[0].DueDate)
	if !ok {
		t.Fatalf("due date %q", reports[0].DueDate)
	}
	e.clock.advance(time.Until(due) + 72*time.Hour)
	officer = e.client(t) // the session has expired by then
	officer.login(c.officer)
	r = officer.get("/reports/overdue")
	wantStatus(t, r, http.StatusOK)
	rows := byTag(r.doc, "tbody")
	if len(rows) != 1 {
		t.Fatalf("no table of overdue reports:\n%s", r.body)
	}
	row := collapse(text(rows[0]))
	for _, want := range []string{c.app.CaseNumber, "Framdriftsrapport", reports[0].DueDate} {
		if !strings.Contains(row, want) {
			t.Errorf("the overdue list %q lacks %q", row, want)
		}
	}
	applicant := e.client(t)
	applicant.login(c.applicant)
	wantStatus(t, applicant.get("/reports/overdue"), http.StatusForbidden)
	detail := applicant.get(fmt.Sprintf("/applications/%d", c.app.ID))
	wantStatus(t, detail, http.StatusOK)
	section := collapse(text(mustID(t, detail, "h-reports").Parent))
	for _, want := range []string{"Framdriftsrapport", "Sluttrapport", reports[0].DueDate, "Rapport forfalt"} {
		if !strings.Contains(section, want) {
			t.Errorf("the reports section %q lacks %q", section, want)
		}
	}
}
