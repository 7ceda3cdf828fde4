package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"nyttig/internal/seed"
	"nyttig/workflow"
)

// syntheticFund generates a small fund whose applications were submitted
// in 2025.
func (e *env) syntheticFund(t *testing.T) seed.Synthetic {
	t.Helper()
	s, err := seed.SyntheticFund(context.Background(), e.st, seed.SyntheticOptions{Applications: 60, Year: 2025,
		Now: time.Date(2026, time.November, 24, 9, 0, 0, 0, workflow.Oslo), Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSummaryPagesAndPublication: the people who run the fund see the
// summary and download it in three formats, nobody else does; it is
// public only once an admin publishes it, and then to anyone.
func TestSummaryPagesAndPublication(t *testing.T) {
	e := newEnv(t)
	s := e.syntheticFund(t)
	page := fmt.Sprintf("/summary?fund=%d&year=2025", s.Fund.ID)
	file := func(ext string) string { return fmt.Sprintf("/summary/%d/2025.%s", s.Fund.ID, ext) }
	public := fmt.Sprintf("/public/summaries/%d/2025.pdf", s.Fund.ID)

	applicant := e.client(t)
	applicant.login(e.user(t, "Kari Søker", workflow.Applicant))
	for _, path := range []string{page, file("pdf")} {
		if r := applicant.get(path); r.status != http.StatusForbidden {
			t.Errorf("an applicant gets %d for %s, want 403", r.status, path)
		}
	}

	officer := e.client(t)
	officer.login(e.user(t, "Siri Saksbehandler", workflow.CaseOfficer))
	r := officer.get(page)
	if r.status != http.StatusOK || !strings.Contains(r.body, s.Fund.Name) || !strings.Contains(r.body, `href="`+file("pdf")+`"`) {
		t.Fatalf("the officer's summary page: %d\n%s", r.status, r.body)
	}
	if strings.Contains(r.body, "/publish") {
		t.Error("a case officer is offered to publish")
	}
	for ext, ct := range map[string]string{"pdf": "application/pdf", "csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"} {
		r := officer.get(file(ext))
		if r.status != http.StatusOK || r.header.Get("Content-Type") != ct || !strings.Contains(r.header.Get("Content-Disposition"), "2025."+ext) {
			t.Errorf("%s: %d %s %s", ext, r.status, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"))
		}
	}
	if r := officer.get(fmt.Sprintf("/summary/%d/2025.doc", s.Fund.ID)); r.status != http.StatusNotFound {
		t.Errorf("an unknown format: %d, want 404", r.status)
	}
	if r := officer.post(fmt.Sprintf("/summary/%d/2025/publish", s.Fund.ID), url.Values{}); r.status != http.StatusForbidden {
		t.Errorf("a case officer publishes: %d, want 403", r.status)
	}

	anyone := e.client(t)
	if r := anyone.get(public); r.status != http.StatusNotFound {
		t.Errorf("the unpublished summary is served publicly: %d", r.status)
	}
	if r := anyone.get("/public/summaries"); r.status != http.StatusOK || strings.Contains(r.body, public) {
		t.Errorf("the public list before publication: %d\n%s", r.status, r.body)
	}

	admin := e.client(t)
	admin.login(e.user(t, "Nils Admin", workflow.Admin))
	r = admin.post(fmt.Sprintf("/summary/%d/2025/publish", s.Fund.ID), url.Values{})
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "done=published") {
		t.Fatalf("publish: %d %s", r.status, r.header.Get("Location"))
	}
	if r := anyone.get("/public/summaries"); r.status != http.StatusOK || !strings.Contains(r.body, public) || !strings.Contains(r.body, s.Fund.Name) {
		t.Errorf("the public list after publication: %d\n%s", r.status, r.body)
	}
	if r := anyone.get(public); r.status != http.StatusOK || r.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.body, "%PDF-") {
		t.Errorf("the public PDF: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if r := anyone.get(fmt.Sprintf("/public/summaries/%d/2024.pdf", s.Fund.ID)); r.status != http.StatusNotFound {
		t.Errorf("an unpublished year: %d, want 404", r.status)
	}
	if r := anyone.get(fmt.Sprintf("/public/summaries/%d/2025.csv", s.Fund.ID)); r.status != http.StatusNotFound {
		t.Errorf("the public CSV: %d, want 404 (only the PDF is public)", r.status)
	}
}
