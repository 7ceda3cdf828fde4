package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// word is a word found nowhere else in the database.
func word(prefix string) string { return strings.ReplaceAll(testenv.Unique(prefix), " ", "") }

// finishedProject takes a fresh grant of its own applicant through the
// final report (with a summary) and the unit leader's evaluation
// (nominating it), pays it and completes it. Its title and summary carry
// words of their own; it returns the project and its three texts.
func (e *env) finishedProject(t testing.TB, officer, decider user) (model.Application, [3]string) {
	t.Helper()
	ctx := context.Background()
	unit := testenv.Unique("Enhet")
	owner := e.person(t, "Pia Prosjektleder", unit, workflow.Applicant)
	leader := e.person(t, "Leo Leder", unit, workflow.UnitLeader)
	fin := e.financeStaff(t)
	texts := [3]string{"Prosjekt " + word("tittel"), "Sammendrag " + word("sammendrag"), "Rapport " + word("rapport")}
	a, _ := e.acceptedGrant(t, owner, officer, decider, money.FromKroner(40_000))
	if _, err := e.store.Pool().Exec(ctx, "UPDATE applications SET title = $2, summary = $3 WHERE id = $1", a.ID, texts[0], texts[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := e.grants.PutEvaluation(ctx, leader.User, a.ID, evaluation, "setup"); err != nil {
		t.Fatal(err)
	}
	final := e.finalReport(t, a.ID)
	c := reportContent
	c.Summary = texts[2]
	if _, err := e.grants.UpdateReport(ctx, owner.User, final.ID, c, "setup"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.grants.FireReport(ctx, owner.User, final.ID, workflow.SubmitReport, "", "setup"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.grants.FireReport(ctx, officer.User, final.ID, workflow.ApproveReport, "", "setup"); err != nil {
		t.Fatal(err)
	}
	for _, p := range e.mustPayouts(t, a.ID) {
		if p.State == string(workflow.PayoutPaid) {
			continue
		}
		e.moveTranche(t, fin.attestant, p.ID, workflow.Attest, grants.PayoutInput{})
		e.moveTranche(t, fin.authoriser, p.ID, workflow.Authorise, grants.PayoutInput{ERPReference: fmt.Sprintf("B-%d", p.ID), PaidOn: e.today()})
	}
	if _, err := e.grants.CompleteReady(ctx); err != nil {
		t.Fatal(err)
	}
	return a, texts
}

func (e *env) mustPayouts(t testing.TB, appID int64) []model.Payout {
	t.Helper()
	ps, err := e.store.Payouts(context.Background(), appID)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func publicSearch(q string) string { return "/public/projects?q=" + url.QueryEscape(q) }

// TestPublicProjectsRedaction: a funded project is public without a
// token; once a case officer exempts its summary and final report summary,
// neither the list, the project nor a search shows or finds them; bad
// exemptions are refused with a clear 422 and change nothing.
func TestPublicProjectsRedaction(t *testing.T) {
	e := newEnv(t)
	e.setFrame(t, money.FromKroner(10_000_000))
	officer, decider := e.user(t, workflow.CaseOfficer), e.user(t, workflow.DecisionMaker)
	a, texts := e.finishedProject(t, officer, decider)
	detail := fmt.Sprintf("/public/projects/%d", a.ID)

	res := e.expect(t, req{method: "GET", path: publicSearch(strings.Fields(texts[1])[1])}, http.StatusOK)
	page := decode[grants.PublicPage](t, res)
	if page.Total != 1 || page.Items[0].ID != a.ID || !strings.Contains(string(res.body), texts[2]) {
		t.Fatalf("search before exemption: %s", res.body)
	}

	pubPath := fmt.Sprintf("/applications/%d/publication", a.ID)
	for _, c := range []struct {
		name, body, field string
	}{
		{"unknown field", `{"exemptions":[{"field":"need","legal_basis":"offl_13","reason":"x"}]}`, "exemptions[0].field"},
		{"unknown legal basis", `{"exemptions":[{"field":"summary","legal_basis":"offl_99","reason":"x"}]}`, "exemptions[0].legal_basis"},
		{"no reason", `{"exemptions":[{"field":"summary","legal_basis":"offl_13","reason":" "}]}`, "exemptions[0].reason"},
	} {
		res := e.expect(t, req{method: "PUT", path: pubPath, token: officer.token, body: c.body}, http.StatusUnprocessableEntity)
		if _, ok := errorBody(t, res).Fields[c.field]; !ok {
			t.Errorf("%s: %s, want field %s", c.name, res.body, c.field)
		}
	}
	e.expect(t, req{method: "PUT", path: pubPath, token: officer.token, body: `{"exemptions":[{"field":"title"}`}, http.StatusBadRequest)
	if got := decode[model.Publication](t, e.expect(t, req{method: "GET", path: pubPath, token: officer.token}, http.StatusOK)); len(got.Exemptions) != 0 {
		t.Fatalf("refused input changed the publication: %+v", got)
	}
	if !strings.Contains(string(e.expect(t, req{method: "GET", path: detail}, http.StatusOK).body), texts[1]) {
		t.Fatal("refused input hid the summary")
	}

	in := model.PublicationInput{Exemptions: []model.ExemptionInput{
		{Field: model.PublicSummary, LegalBasis: model.OfflConfidential, Reason: "Opplysninger om enkeltbrukere"},
		{Field: model.PublicFinalReportSummary, LegalBasis: model.OfflInternal, Reason: "Internt"},
	}}
	e.expect(t, req{method: "PUT", path: pubPath, token: officer.token, body: in}, http.StatusOK)

	for _, path := range []string{detail, "/public/projects", publicSearch(strings.Fields(texts[0])[1]),
		fmt.Sprintf("/public/projects?year=%d", time.Now().In(workflow.Oslo).Year())} {
		res := e.expect(t, req{method: "GET", path: path}, http.StatusOK)
		for _, secret := range []string{texts[1], texts[2], "Opplysninger om enkeltbrukere"} {
			if strings.Contains(string(res.body), secret) {
				t.Errorf("GET %s shows exempted %q", path, secret)
			}
		}
	}
	if !strings.Contains(string(e.expect(t, req{method: "GET", path: detail}, http.StatusOK).body), texts[0]) {
		t.Error("the title, not exempted, is gone")
	}
	for _, q := range []string{strings.Fields(texts[1])[1], strings.Fields(texts[2])[1]} {
		if got := decode[grants.PublicPage](t, e.expect(t, req{method: "GET", path: publicSearch(q)}, http.StatusOK)); got.Total != 0 {
			t.Errorf("search for exempted %q found %d", q, got.Total)
		}
	}
	e.expect(t, req{method: "GET", path: "/public/projects?year=tjue"}, http.StatusBadRequest)
	e.expect(t, req{method: "GET", path: "/public/projects?year=1999"}, http.StatusUnprocessableEntity)
	e.expect(t, req{method: "GET", path: fmt.Sprintf("/public/projects/%d", e.create(t, e.user(t, workflow.Applicant), completeFields(e.call.ID)).ID)}, http.StatusNotFound)
}

// TestPrizeAPI: the committee lists the nominees with their evaluations,
// is refused a project that is not one, picks a winner, and the public
// project shows it.
func TestPrizeAPI(t *testing.T) {
	e := newEnv(t)
	e.setFrame(t, money.FromKroner(10_000_000))
	officer, decider := e.user(t, workflow.CaseOfficer), e.user(t, workflow.DecisionMaker)
	a, _ := e.finishedProject(t, officer, decider)
	year := time.Now().In(workflow.Oslo).Year()
	base := fmt.Sprintf("/funds/%d/prize/%d", e.fund.ID, year)

	list := decode[struct{ Items []model.Nominee }](t, e.expect(t, req{method: "GET", path: base + "/nominees", token: decider.token}, http.StatusOK))
	if len(list.Items) != 1 || list.Items[0].ApplicationID != a.ID || !list.Items[0].Evaluation.Nominate {
		t.Fatalf("nominees %+v", list.Items)
	}
	notNominee := e.create(t, e.user(t, workflow.Applicant), completeFields(e.call.ID))
	res := e.expect(t, req{method: "PUT", path: base, token: decider.token,
		body: map[string]any{"winner": map[string]any{"application_id": notNominee.ID, "citation": "x"}}}, http.StatusUnprocessableEntity)
	if _, ok := errorBody(t, res).Fields["winner.application_id"]; !ok {
		t.Errorf("a project that is not a nominee: %s", res.body)
	}
	e.expect(t, req{method: "PUT", path: fmt.Sprintf("/funds/%d/prize/tjue", e.fund.ID), token: decider.token,
		body: map[string]any{"winner": map[string]any{"application_id": a.ID, "citation": "x"}}}, http.StatusBadRequest)
	prize := decode[model.Prize](t, e.expect(t, req{method: "PUT", path: base, token: decider.token,
		body: map[string]any{"winner": map[string]any{"application_id": a.ID, "citation": "Nytt, nyttig og nyttiggjort."}}}, http.StatusOK))
	if len(prize.Awards) != 1 || prize.Awards[0].Rank != model.PrizeWinner {
		t.Errorf("prize %+v", prize)
	}
	p := decode[grants.PublicProject](t, e.expect(t, req{method: "GET", path: fmt.Sprintf("/public/projects/%d", a.ID)}, http.StatusOK))
	if p.Prize == nil || p.Prize.Rank != model.PrizeWinner || p.Prize.Citation != "Nytt, nyttig og nyttiggjort." {
		t.Errorf("public prize %+v", p.Prize)
	}
}

// TestReportSummary: the final report takes a public summary of at most
// 1000 characters; a progress report takes none.
func TestReportSummary(t *testing.T) {
	e := newEnv(t)
	e.setFrame(t, money.FromKroner(10_000_000))
	owner, officer, decider := e.user(t, workflow.Applicant), e.user(t, workflow.CaseOfficer), e.user(t, workflow.DecisionMaker)
	a, _ := e.acceptedGrant(t, owner, officer, decider, money.FromKroner(40_000))
	rs := e.reports(t, owner, a.ID)
	final, progress := rs[len(rs)-1], rs[0]
	if progress.Kind != model.ReportProgress {
		t.Fatalf("reports %+v", rs)
	}
	c := reportContent
	c.Summary = "Halvert ventetid for innbyggerne."
	got := decode[model.Report](t, e.expect(t, req{method: "PUT", path: reportPath(final), token: owner.token, body: c}, http.StatusOK))
	if got.Summary != c.Summary {
		t.Errorf("saved summary %q", got.Summary)
	}
	res := e.expect(t, req{method: "PUT", path: reportPath(progress), token: owner.token, body: c}, http.StatusUnprocessableEntity)
	if _, ok := errorBody(t, res).Fields["summary"]; !ok {
		t.Errorf("a progress report's summary: %s", res.body)
	}
	c.Summary = strings.Repeat("å", 1001)
	res = e.expect(t, req{method: "PUT", path: reportPath(final), token: owner.token, body: c}, http.StatusUnprocessableEntity)
	if _, ok := errorBody(t, res).Fields["summary"]; !ok {
		t.Errorf("a summary of 1001 characters: %s", res.body)
	}
	if r := e.finalReport(t, a.ID); r.Summary != "Halvert ventetid for innbyggerne." {
		t.Errorf("a refused summary changed the report: %q", r.Summary)
	}
}
