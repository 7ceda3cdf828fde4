package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"nyttig/internal/seed"
	"nyttig/workflow"
)

// TestAnnualSummaryDownloads fetches a generated fund's summary in each
// format and language, and publishes it twice.
func TestAnnualSummaryDownloads(t *testing.T) {
	e := newEnv(t)
	now := time.Date(2026, time.November, 24, 9, 0, 0, 0, workflow.Oslo)
	s, err := seed.SyntheticFund(context.Background(), e.store, seed.SyntheticOptions{Applications: 80, Year: 2025, Now: now, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	officer, admin := e.user(t, workflow.CaseOfficer), e.user(t, workflow.Admin)
	path := fmt.Sprintf("/funds/%d/annual-summary/2025", s.Fund.ID)

	res := e.expect(t, req{method: "GET", path: path, token: officer.token}, http.StatusOK)
	if ct := res.header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(string(res.body), "%PDF-") {
		t.Errorf("PDF: Content-Type %q, body %.10q", ct, res.body)
	}
	if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, "arsoversikt-syntetisk-innovasjonsfond-2025") || !strings.HasSuffix(cd, ".pdf") {
		t.Errorf("Content-Disposition %q", cd)
	}

	res = e.expect(t, req{method: "GET", path: path + "?format=csv&lang=en", token: officer.token}, http.StatusOK)
	if !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") || !strings.Contains(string(res.body), "applications;;received;Received;") {
		t.Errorf("CSV in English: %s %.200s", res.header.Get("Content-Type"), res.body)
	}
	res = e.expect(t, req{method: "GET", path: path + "?format=csv", token: officer.token,
		header: map[string]string{"Accept-Language": "nb-NO"}}, http.StatusOK)
	if !strings.Contains(string(res.body), "applications;;received;Mottatt;") {
		t.Errorf("CSV in bokmål: %.200s", res.body)
	}

	res = e.expect(t, req{method: "GET", path: path + "?format=json", token: officer.token}, http.StatusOK)
	var f struct {
		FundID int64 `json:"fund_id"`
		Totals struct {
			Received int `json:"received"`
		} `json:"totals"`
	}
	if err := json.Unmarshal(res.body, &f); err != nil || f.FundID != s.Fund.ID || f.Totals.Received == 0 {
		t.Errorf("JSON (%v): %.200s", err, res.body)
	}

	for _, bad := range []string{path + "?format=doc", fmt.Sprintf("/funds/%d/annual-summary/1999", s.Fund.ID),
		fmt.Sprintf("/funds/%d/annual-summary/twenty", s.Fund.ID)} {
		if code := errorBody(t, e.expect(t, req{method: "GET", path: bad, token: officer.token}, http.StatusBadRequest)).Code; code != "bad_request" {
			t.Errorf("%s: code %q", bad, code)
		}
	}
	e.expect(t, req{method: "GET", path: "/funds/999999/annual-summary/2025", token: officer.token}, http.StatusNotFound)

	first := e.expect(t, req{method: "POST", path: path + "/publish", token: admin.token}, http.StatusOK)
	again := e.expect(t, req{method: "POST", path: path + "/publish", token: admin.token}, http.StatusOK)
	var p1, p2 struct {
		Year        int       `json:"year"`
		PublishedAt time.Time `json:"published_at"`
	}
	if json.Unmarshal(first.body, &p1) != nil || json.Unmarshal(again.body, &p2) != nil || p1.Year != 2025 || !p1.PublishedAt.Equal(p2.PublishedAt) {
		t.Errorf("publishing twice: %s then %s", first.body, again.body)
	}
	e.expect(t, req{method: "POST", path: "/funds/999999/annual-summary/2025/publish", token: admin.token}, http.StatusNotFound)
}
