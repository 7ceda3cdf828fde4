package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// finishedCase is a completed grant nominated for the prize, whose title,
// summary and final report summary carry words of their own.
type finishedCase struct {
	paidCase
	leader                  model.User
	title, summary, outcome string
}

func uniqueWord(prefix string) string { return strings.ReplaceAll(testenv.Unique(prefix), " ", "") }

// finished takes a fresh grant through its final report and its unit
// leader's evaluation (nominating it), pays it and completes it.
func (e *env) finished(t *testing.T) finishedCase {
	t.Helper()
	ctx := context.Background()
	c := finishedCase{paidCase: e.accepted(t, money.FromKroner(40_000)),
		title: "Nattsensorer " + uniqueWord("tittel"), summary: "Trygge netter " + uniqueWord("sammendrag"),
		outcome: "Færre fall " + uniqueWord("resultat")}
	c.leader = e.person(t, "Siri Leder", "Helse og velferd", nil, workflow.UnitLeader)
	_, err := e.st.Pool().Exec(ctx, "UPDATE applications SET title = $2, summary = $3 WHERE id = $1", c.app.ID, c.title, c.summary)
	noErr(t, err)
	ev := model.EvaluationFields{Quality: model.Benefit{Rating: 5, Text: "Tryggere brukere"}, Efficiency: model.Benefit{Rating: 4},
		AvoidedCosts: model.Benefit{Rating: 3}, Employee: model.Benefit{Rating: 4}, Citizen: model.Benefit{Rating: 4}, Continues: true, Nominate: true}
	_, err = e.grants.PutEvaluation(ctx, c.leader, c.app.ID, ev, "test")
	noErr(t, err)
	reports := e.reportsOf(t, c.applicant, c.app.ID)
	final := reports[len(reports)-1]
	_, err = e.grants.UpdateReport(ctx, c.applicant, final.ID, model.ReportContent{WorkDone: "Gjort", Results: "Bra", Summary: c.outcome}, "test")
	noErr(t, err)
	_, err = e.grants.FireReport(ctx, c.applicant, final.ID, workflow.SubmitReport, "", "test")
	noErr(t, err)
	_, err = e.grants.FireReport(ctx, c.officer, final.ID, workflow.ApproveReport, "", "test")
	noErr(t, err)
	ps, err := e.st.Payouts(ctx, c.app.ID)
	noErr(t, err)
	for _, p := range ps {
		_, err = e.grants.FirePayout(ctx, c.attestant, p.ID, workflow.Attest, grants.PayoutInput{}, "test")
		noErr(t, err)
		_, err = e.grants.FirePayout(ctx, c.authoriser, p.ID, workflow.Authorise,
			grants.PayoutInput{ERPReference: fmt.Sprintf("B-%d", p.ID), PaidOn: e.clock.now().In(workflow.Oslo).Format("2006-01-02")}, "test")
		noErr(t, err)
	}
	_, err = e.grants.CompleteReady(ctx)
	noErr(t, err)
	return c
}

func publicPath(id int64) string { return fmt.Sprintf("/public/projects/%d", id) }

// TestPublicPagesHideExemptedContent: without logging in, the list and the
// project show the project; once the case officer exempts the summary and
// the final report's summary on the publication page, neither the list,
// the project nor a search shows them, and the legal basis is shown in
// their place. A bad exemption is refused on the page and changes nothing.
func TestPublicPagesHideExemptedContent(t *testing.T) {
	e := newEnv(t)
	c := e.finished(t)
	anon := e.client(t)
	search := "/public/projects?q=" + url.QueryEscape(strings.Fields(c.summary)[2])

	r := anon.get(search)
	wantStatus(t, r, http.StatusOK)
	wantIn(t, "the search before exemption", r.body, c.title, c.summary, c.outcome)
	wantStatus(t, anon.get(publicPath(e.draft(t, c.applicant, "Utkast").ID)), http.StatusNotFound)

	officer := e.client(t)
	officer.login(c.officer)
	form := publicationPath(c.app.ID)
	wantStatus(t, officer.get(form), http.StatusOK)
	bad := url.Values{"basis_summary": {"offl_99"}, "reason_summary": {"Personopplysninger"}}
	r = officer.post(form, bad)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-basis_summary", "Ukjent hjemmel")
	wantStatus(t, officer.post(form, url.Values{"basis_summary": {"offl_13"}}), http.StatusUnprocessableEntity)
	if r := anon.get(publicPath(c.app.ID)); !strings.Contains(r.body, c.summary) {
		t.Fatal("a refused exemption hid the summary")
	}

	good := url.Values{"basis_summary": {"offl_13"}, "reason_summary": {"Personopplysninger om en bruker"},
		"basis_final_report_summary": {"offl_14"}, "reason_final_report_summary": {"Intern evaluering"}}
	wantRedirect(t, officer.post(form, good), form+"?done=publication")

	for _, path := range []string{publicPath(c.app.ID), "/public/projects", search,
		"/public/projects?q=" + url.QueryEscape(strings.Fields(c.title)[1])} {
		r := anon.get(path)
		wantStatus(t, r, http.StatusOK)
		for _, secret := range []string{c.summary, c.outcome, "Personopplysninger om en bruker", "Intern evaluering"} {
			if strings.Contains(r.body, secret) {
				t.Errorf("GET %s shows exempted %q", path, secret)
			}
		}
	}
	r = anon.get(publicPath(c.app.ID))
	wantIn(t, "the project", mainText(t, r), c.title, "Unntatt offentlighet, offl. § 13", "Unntatt offentlighet, offl. § 14")
	if r := anon.get(search); strings.Contains(r.body, c.title) {
		t.Error("a search for an exempted word finds the project")
	}
	wantStatus(t, anon.get("/public/projects?year=tjue"), http.StatusUnprocessableEntity)
}

func publicationPath(id int64) string { return path(id, "/publication") }

// TestPrizePageForTheCommittee: the committee sees the nominee with its
// evaluation, is told to pick a winner, and picks one; others may not.
func TestPrizePageForTheCommittee(t *testing.T) {
	e := newEnv(t)
	c := e.finished(t)
	year := e.clock.now().In(workflow.Oslo).Year()
	prize := fmt.Sprintf("/funds/%d/prize/%d", c.fundID, year)
	key := fmt.Sprint(c.app.ID)

	officer := e.client(t)
	officer.login(c.officer)
	wantStatus(t, officer.get(prize), http.StatusForbidden)

	decider := e.client(t)
	decider.login(c.decider)
	r := decider.get(prize)
	wantStatus(t, r, http.StatusOK)
	wantIn(t, "the prize page", mainText(t, r), c.title, "Tryggere brukere", c.outcome)
	r = decider.post(prize, url.Values{"citation_" + key: {"Nyttiggjort i hele tjenesten."}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantIn(t, "the refusal", mainText(t, r), "Velg et prosjekt.")
	wantRedirect(t, decider.post(prize, url.Values{"winner": {key}, "citation_" + key: {"Nyttiggjort i hele tjenesten."}}), prize+"?done=prize")
	wantIn(t, "the public project", mainText(t, e.client(t).get(publicPath(c.app.ID))),
		fmt.Sprintf("Vinner av innovasjonsprisen %d", year), "Nyttiggjort i hele tjenesten.")
}

// attachTo stores a file on an application whatever its state, as a
// fixture: the application's own upload only takes files on drafts.
func (e *env) attachTo(t *testing.T, u model.User, appID int64, name string, content []byte) model.Attachment {
	t.Helper()
	ctx := context.Background()
	key := "test/" + uniqueWord("public")
	stored, err := e.grants.Blobs.Put(ctx, key, bytes.NewReader(content), "application/pdf", int64(len(content)))
	noErr(t, err)
	at, err := e.st.AddAttachment(ctx, model.Attachment{ApplicationID: appID, ObjectKey: key, Name: name, ContentType: "application/pdf",
		Size: stored.Size, SHA256: stored.SHA256, UploadedBy: u.ID}, store.Change{ActorID: u.ID, RequestID: "test", Now: e.clock.now()},
		func(model.Application, int64) error { return nil })
	noErr(t, err)
	return at
}

// TestPublicAttachments: no attachment is public until a case officer
// publishes it; a published one is listed and downloads without login, an
// exempted or unpublished one does neither.
func TestPublicAttachments(t *testing.T) {
	e := newEnv(t)
	c := e.finished(t)
	published := e.attachTo(t, c.applicant, c.app.ID, "sluttrapport-offentlig.pdf", pdfFile())
	exempted := e.attachTo(t, c.applicant, c.app.ID, "brukerliste.pdf", pdfFile())
	kept := e.attachTo(t, c.applicant, c.app.ID, "budsjett.pdf", pdfFile())
	anon := e.client(t)
	download := func(at model.Attachment) string { return fmt.Sprintf("/public/attachments/%d", at.ID) }

	wantIn(t, "the project before publishing", mainText(t, anon.get(publicPath(c.app.ID))), "Ingen dokumenter er publisert.")
	wantStatus(t, anon.get(download(published)), http.StatusNotFound)

	officer := e.client(t)
	officer.login(c.officer)
	key := func(at model.Attachment) string { return fmt.Sprintf("att_%d", at.ID) }
	form := url.Values{"publish_" + key(published): {"1"}, "basis_" + key(exempted): {"offl_13"}, "reason_" + key(exempted): {"Navn på brukere"}}
	both := url.Values{"publish_" + key(exempted): {"1"}, "basis_" + key(exempted): {"offl_13"}, "reason_" + key(exempted): {"Navn på brukere"}}
	r := officer.post(publicationPath(c.app.ID), both)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-publish_"+key(exempted), "Et unntatt vedlegg kan ikke publiseres.")
	wantRedirect(t, officer.post(publicationPath(c.app.ID), form), publicationPath(c.app.ID)+"?done=publication")

	r = anon.get(publicPath(c.app.ID))
	wantIn(t, "the project", mainText(t, r), published.Name)
	for _, hidden := range []string{exempted.Name, kept.Name} {
		if strings.Contains(r.body, hidden) {
			t.Errorf("the public project lists %s", hidden)
		}
	}
	r = anon.get(download(published))
	wantStatus(t, r, http.StatusOK)
	if r.body != string(pdfFile()) {
		t.Errorf("the public download is %d bytes, not the file", len(r.body))
	}
	for _, at := range []model.Attachment{exempted, kept} {
		wantStatus(t, anon.get(download(at)), http.StatusNotFound)
	}
}

// TestFinalReportSummaryField: the final report's form asks for the public
// summary with help text; a progress report's does not.
func TestFinalReportSummaryField(t *testing.T) {
	e := newEnv(t)
	c := e.accepted(t, money.FromKroner(40_000))
	reports := e.reportsOf(t, c.applicant, c.app.ID)
	lead := e.client(t)
	lead.login(c.applicant)

	r := lead.get(reportURL(reports[0]))
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "f-summary") != nil {
		t.Error("a progress report asks for a public summary")
	}
	final := reportURL(reports[len(reports)-1])
	r = lead.get(final)
	if v, _ := attr(mustID(t, r, "f-summary"), "aria-describedby"); v != "h-summary" {
		t.Errorf("the summary is described by %q, want its help text", v)
	}
	wantIn(t, "the help text", text(mustID(t, r, "h-summary")), "Høyst 1000 tegn")
	wantRedirect(t, lead.post(final, url.Values{"action": {"save"}, "summary": {"Færre fall om natten."}}), final+"?done=report_save")
	if got := value(t, lead.get(final), "f-summary"); got != "Færre fall om natten." {
		t.Errorf("the saved summary is %q", got)
	}
	r = lead.post(final, url.Values{"action": {"save"}, "summary": {strings.Repeat("x", 1001)}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-summary", "1000")
}
