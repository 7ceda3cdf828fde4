package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"nyttig/internal/grants"
	"nyttig/internal/letter"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// grantCase is an application decided by a decision maker, with the
// people around it.
type grantCase struct {
	app                         model.Application
	applicant, officer, decider model.User
}

// decided has a new application asking for requested recommended and
// approved with granted (a partial grant when less).
func (e *env) decided(t *testing.T, requested, granted money.Ore) grantCase {
	t.Helper()
	call := e.newCall(t, money.FromKroner(1_000_000), nil)
	c := grantCase{
		applicant: e.person(t, "Kari Prosjektleder", "Helse og velferd", nil, workflow.Applicant),
		officer:   e.person(t, "Ola Saksbehandler", "Stab", nil, workflow.CaseOfficer),
		decider:   e.person(t, "Anne Beslutter", "Rådmannens stab", nil, workflow.DecisionMaker),
	}
	c.app = e.recommend(t, e.inReview(t, c.applicant, c.officer, asking(call.ID, "Nattsensorer", requested)), c.officer, granted)
	_, err := e.grants.Declare(context.Background(), c.decider, c.app.ID, false, "", "test")
	noErr(t, err)
	c.app, err = e.grants.FireWith(context.Background(), c.decider, c.app.ID, workflow.Approve, grants.EventInput{AmountOre: &granted}, "test")
	noErr(t, err)
	return c
}

func (e *env) letters(t *testing.T, u model.User, appID int64) []model.Letter {
	t.Helper()
	list, err := e.grants.Letters(context.Background(), u, appID)
	noErr(t, err)
	return list
}

// letterLinks are the hrefs of the letter downloads on a page.
func letterLinks(r response) []string {
	var out []string
	for _, a := range byTag(r.doc, "a") {
		if href, _ := attr(a, "href"); strings.HasPrefix(href, "/letters/") {
			out = append(out, href)
		}
	}
	return out
}

func wantPDF(t *testing.T, r response, fileName string) {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q, want application/pdf", ct)
	}
	if !strings.HasPrefix(r.body, "%PDF-") {
		t.Errorf("the body is not a PDF: %.40q", r.body)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, `filename="`+fileName+`"`) {
		t.Errorf("Content-Disposition %q, want the file name %s", cd, fileName)
	}
}

func caseFile(caseNumber string) string { return strings.ReplaceAll(caseNumber, "/", "-") }

func TestTheApplicantGetsTheLetter(t *testing.T) {
	e := newEnv(t)
	c := e.decided(t, money.FromKroner(100_000), money.FromKroner(80_000))
	detail := path(c.app.ID, "")
	list := e.letters(t, c.officer, c.app.ID)
	if len(list) != 1 || list[0].FirstOpenedAt != nil {
		t.Fatalf("letters after the decision: %+v", list)
	}
	href := "/letters/" + strconv.FormatInt(list[0].ID, 10)
	fileName := "vedtak-" + caseFile(c.app.CaseNumber) + "-v1.pdf"

	// The case officer reads it first: that does not start the deadline.
	o := e.client(t)
	o.login(c.officer)
	wantPDF(t, o.get(href), fileName)
	r := o.get(detail)
	wantIn(t, "the officer's letters", text(mustID(t, r, "h-letters").Parent), "Ikke åpnet ennå",
		"Prosjektlederen har ikke åpnet brevet ennå.")
	if e.letters(t, c.officer, c.app.ID)[0].FirstOpenedAt != nil {
		t.Fatal("the case officer's download counted as the applicant's")
	}

	a := e.client(t)
	a.login(c.applicant)
	r = a.get(detail)
	wantStatus(t, r, http.StatusOK)
	if got := text(byClass(r.doc, "state")[0]); got != "Delvis innvilget" {
		t.Errorf("the state shows %q, want Delvis innvilget", got)
	}
	section := mustID(t, r, "h-letters").Parent
	wantIn(t, "the letters section", text(section), "Vedtak og brev", "Fristen løper fra du åpner brevet.",
		"Vedtaksbrev versjon 1 (PDF)", "Ikke åpnet ennå")
	decision, err := e.st.Decisions(context.Background(), c.app.ID)
	noErr(t, err)
	call, err := e.st.CallByID(context.Background(), c.app.CallID)
	noErr(t, err)
	wantFacts(t, section, map[string]string{"Vedtak": "Delvis innvilget", "Innvilget beløp": "kr 80\u00a0000",
		"Søkt beløp": "kr 100\u00a0000", "Vedtaksdato": oslo(decision[0].DecidedAt),
		"Frist for å akseptere tilskuddet": oslo(grants.AcceptanceDeadline(decision[0].DecidedAt, call))})
	if got := letterLinks(r); !slices.Equal(got, []string{href}) {
		t.Fatalf("letter links %v, want [%s]", got, href)
	}
	if got := actionForms(r); !slices.Equal(got, []string{"accept", "appeal", "decline"}) {
		t.Errorf("the applicant's forms %v, want accept, appeal and decline", got)
	}
	wantIn(t, "the history", text(byTag(r.doc, "table")[len(byTag(r.doc, "table"))-1]), "Vedtaksbrev laget", "SHA-256: "+list[0].SHA256)

	wantPDF(t, a.get(href), fileName)
	opened := e.letters(t, c.applicant, c.app.ID)[0].FirstOpenedAt
	if opened == nil {
		t.Fatal("the applicant's download was not recorded")
	}
	due, started, err := e.grants.AppealDeadline(context.Background(), c.app.ID)
	if err != nil || !started {
		t.Fatalf("appeal deadline: %v, %v", started, err)
	}
	r = a.get(detail)
	if byID(r.doc, "appeal-note") != nil {
		t.Error("the page still says the deadline waits for the letter to be opened")
	}
	wantFacts(t, mustID(t, r, "h-letters").Parent, map[string]string{"Klagefrist": oslo(due)})
	wantIn(t, "the letter's row", rowOf(r, "Vedtaksbrev versjon 1 (PDF)"), oslo(*opened))
	// A second download does not move the first opening.
	wantPDF(t, a.get(href), fileName)
	if again := e.letters(t, c.applicant, c.app.ID)[0].FirstOpenedAt; !again.Equal(*opened) {
		t.Errorf("the first opening moved from %v to %v", opened, again)
	}

	// Nobody else gets it, and the signed out are asked to log in.
	other := e.client(t)
	other.login(e.person(t, "Nysgjerrig Søker", "Kultur", nil, workflow.Applicant))
	for _, p := range []string{href, "/letters/999999999"} {
		r := other.get(p)
		wantStatus(t, r, http.StatusNotFound)
		if strings.HasPrefix(r.body, "%PDF") || !strings.Contains(r.body, "Fant ikke brevet.") {
			t.Errorf("%s for another applicant:\n%.200s", p, r.body)
		}
	}
	wantStatus(t, other.get("/letters/nope"), http.StatusNotFound)
	wantRedirect(t, e.client(t).get(href), "/login?next="+url.QueryEscape(href))
}

func TestAcceptingNeedsTheConfirmation(t *testing.T) {
	e := newEnv(t)
	c := e.decided(t, money.FromKroner(100_000), money.FromKroner(100_000))
	detail := path(c.app.ID, "")
	a := e.client(t)
	a.login(c.applicant)
	r := a.get(detail)
	if got := actionForms(r); !slices.Equal(got, []string{"accept", "decline"}) {
		t.Errorf("the forms for a full grant %v, want accept and decline (a full grant is not appealed)", got)
	}
	box := mustID(t, r, "f-accept-confirm")
	if _, required := attr(box, "required"); !required {
		t.Error("the confirmation is not required by the form")
	}
	label := findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "for"); return v == "f-accept-confirm" })
	if len(label) != 1 || text(label[0]) != "Jeg aksepterer vilkårene i vedtaksbrevet" {
		t.Error("the confirmation is not labelled")
	}
	wantIn(t, "the acceptance form", text(box.Parent.Parent), "Svar innen", "Aksepter tilskuddet")

	r = a.post(detail+"/events/accept", url.Values{})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-accept-confirm", "Kryss av for at du aksepterer vilkårene i vedtaksbrevet.")
	if links := summaryLinks(r); !slices.Equal(links, []string{"#f-accept-confirm"}) {
		t.Errorf("summary links %v", links)
	}
	if e.state(t, c.applicant, c.app.ID) != workflow.Approved {
		t.Fatal("accepted without the confirmation")
	}
	// Those who may not accept get grants' answer, not the check box's.
	o := e.client(t)
	o.login(c.officer)
	wantStatus(t, o.post(detail+"/events/accept", url.Values{"confirm": {"yes"}}), http.StatusForbidden)
	wantStatus(t, o.post(detail+"/events/accept", url.Values{}), http.StatusForbidden)
	other := e.client(t)
	other.login(e.person(t, "Annen Søker", "Kultur", nil, workflow.Applicant))
	wantStatus(t, other.post(detail+"/events/accept", url.Values{"confirm": {"yes"}}), http.StatusNotFound)

	wantRedirect(t, a.post(detail+"/events/accept", url.Values{"confirm": {"yes"}}), detail+"?done=accept")
	r = a.get(detail + "?done=accept")
	wantIn(t, "the accepted grant", mainText(t, r), "Tilskuddet er akseptert.", "Prosjekt pågår", "Utbetalingsplan")
	if byID(r.doc, "f-accept-confirm") != nil {
		t.Error("an accepted grant still offers the acceptance")
	}
	plan, err := e.st.Payouts(context.Background(), c.app.ID)
	noErr(t, err)
	if len(plan) != 2 {
		t.Fatalf("payout plan %+v", plan)
	}
	wantIn(t, "the first payout", rowOf(r, "Ved aksept"), "75\u00a0%", "Til attestasjon", "kr 75\u00a0000")
	wantIn(t, "the second payout", rowOf(r, "Når sluttrapporten er godkjent"), "25\u00a0%", "Planlagt", "kr 25\u00a0000")
	wantIn(t, "the payout total", rowOf(r, "Sum"), "kr 100\u00a0000")
	if strings.Contains(text(mustID(t, r, "h-letters").Parent), "Frist for å akseptere") {
		t.Error("the acceptance deadline is still shown after accepting")
	}
}

func TestDecliningTheGrant(t *testing.T) {
	e := newEnv(t)
	c := e.decided(t, money.FromKroner(60_000), money.FromKroner(60_000))
	detail := path(c.app.ID, "")
	a := e.client(t)
	a.login(c.applicant)
	r := a.get(detail)
	if got := text(findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "for"); return v == "f-comment-decline" })[0]); got != "Begrunnelse for å takke nei (valgfritt)" {
		t.Errorf("the decline comment is labelled %q", got)
	}
	wantRedirect(t, a.post(detail+"/events/decline", url.Values{"comment": {"Prosjektet er lagt ned."}}), detail+"?done=decline")
	r = a.get(detail + "?done=decline")
	wantIn(t, "the declined grant", mainText(t, r), "Du har takket nei til tilskuddet.", "Trukket", "Takk nei til tilskuddet",
		"Prosjektet er lagt ned.")
	if len(actionForms(r)) != 0 {
		t.Errorf("forms left after declining: %v", actionForms(r))
	}
}

func TestAGrantNotAcceptedInTimeLapses(t *testing.T) {
	e := newEnv(t)
	c := e.decided(t, money.FromKroner(60_000), money.FromKroner(60_000))
	detail := path(c.app.ID, "")
	e.clock.advance(31 * 24 * time.Hour) // past the call's 30 days to accept

	a := e.client(t)
	a.login(c.applicant)
	r := a.get(detail)
	if byID(r.doc, "f-accept-confirm") != nil {
		t.Error("the acceptance is offered after its deadline")
	}
	r = a.post(detail+"/events/accept", url.Values{"confirm": {"yes"}})
	wantStatus(t, r, http.StatusConflict)
	wantIn(t, "the refusal", mainText(t, r), "Fristen for å akseptere tilskuddet gikk ut")

	n, err := e.grants.LapseOverdue(context.Background())
	if err != nil || n < 1 {
		t.Fatalf("lapsed %d: %v", n, err)
	}
	r = a.get(detail)
	wantIn(t, "the lapsed grant", mainText(t, r), "Trukket")
	history := byTag(r.doc, "table")
	lapse := ""
	for _, tr := range byTag(history[len(history)-1], "tr") {
		if strings.Contains(text(tr), "Frist for aksept utløpt") {
			lapse = text(tr)
		}
	}
	wantIn(t, "the lapse in the history", lapse, "Frist for aksept utløpt", "Systemet", "Innvilget → Trukket")
}

func TestAppealAndReversal(t *testing.T) {
	e := newEnv(t)
	c := e.decided(t, money.FromKroner(100_000), money.FromKroner(50_000))
	detail := path(c.app.ID, "")
	due, _, err := e.grants.AppealDeadline(context.Background(), c.app.ID)
	noErr(t, err)
	a := e.client(t)
	a.login(c.applicant)
	r := a.get(detail)
	label := findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "for"); return v == "f-comment-appeal" })
	if len(label) != 1 || text(label[0]) != "Hva klager du på, og hvorfor?" {
		t.Fatal("the appeal text is not labelled")
	}
	wantIn(t, "the appeal hint", text(mustID(t, r, "h-comment-appeal")), "Klagefristen er "+oslo(due))
	if v, _ := attr(mustID(t, r, "f-comment-appeal"), "aria-describedby"); v != "h-comment-appeal" {
		t.Errorf("the appeal text is described by %q", v)
	}

	r = a.post(detail+"/events/appeal", url.Values{"comment": {" "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-comment-appeal", "Skriv en begrunnelse")
	wantRedirect(t, a.post(detail+"/events/appeal", url.Values{"comment": {"Budsjettet er kuttet <i>for mye</i>."}}), detail+"?done=appeal")
	r = a.get(detail + "?done=appeal")
	wantIn(t, "the appealed application", mainText(t, r), "Klagen er sendt.", "Klage mottatt", "Budsjettet er kuttet <i>for mye</i>.")
	if strings.Contains(r.body, "<i>for mye</i>") {
		t.Error("the appeal is not escaped")
	}

	// The case officer is told what can happen, and reverses.
	o := e.client(t)
	o.login(c.officer)
	r = o.get(detail)
	if got := actionForms(r); !slices.Equal(got, []string{"reverse"}) {
		t.Errorf("the case officer's forms %v, want reverse", got)
	}
	wantIn(t, "the actions", text(mustID(t, r, "h-actions").Parent), "Søkeren har klaget på vedtaket.",
		"beslutningstakeren kan treffe nytt vedtak", "Omgjør – ny vurdering", "Begrunnelse for omgjøringen")
	if len(findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "href"); return v == detail+"/decision" })) != 1 {
		t.Error("no link to the decision on the appeal")
	}
	r = o.post(detail+"/events/reverse", url.Values{})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-comment-reverse", "Skriv en begrunnelse")
	wantRedirect(t, o.post(detail+"/events/reverse", url.Values{"comment": {"Budsjettet må vurderes på nytt."}}), detail+"?done=reverse")
	wantIn(t, "the reversed application", mainText(t, o.get(detail+"?done=reverse")), "Vedtaket er omgjort", "Under vurdering",
		"Klage mottatt → Under vurdering", "Budsjettet må vurderes på nytt.")
}

func TestNewDecisionOnAnAppeal(t *testing.T) {
	e := newEnv(t)
	c := e.decided(t, money.FromKroner(100_000), money.FromKroner(50_000))
	detail := path(c.app.ID, "")
	_, err := e.grants.Fire(context.Background(), c.applicant, c.app.ID, workflow.Appeal, "Beløpet er for lavt.", "test")
	noErr(t, err)

	d := e.client(t)
	d.login(c.decider)
	r := d.get(detail)
	if len(findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "href"); return v == detail+"/decision" })) != 1 {
		t.Error("the detail page does not lead the decision maker to the decision on the appeal")
	}
	wantStatus(t, d.get(detail+"/decision"), http.StatusOK)
	decide := url.Values{"outcome": {"approve"}, "amount_ore": {"100 000"}, "reasons.rules": {testReasons.Rules},
		"reasons.facts": {testReasons.Facts}, "reasons.considerations": {"Klagen tas til følge."}}
	wantRedirect(t, d.post(detail+"/decision", decide), detail+"?done=approve")
	r = d.get(detail)
	section := mustID(t, r, "h-letters").Parent
	wantIn(t, "the letters after the new decision", text(section), "Vedtaksbrev versjon 2 (PDF)", "Vedtaksbrev versjon 1 (PDF)")
	wantFacts(t, section, map[string]string{"Vedtak": "Innvilget", "Innvilget beløp": "kr 100\u00a0000"})
	if len(letterLinks(r)) != 2 {
		t.Errorf("letter links %v", letterLinks(r))
	}
}

func TestAppealFormGoneAfterTheDeadline(t *testing.T) {
	e := newEnv(t)
	c := e.decided(t, money.FromKroner(100_000), money.FromKroner(40_000))
	detail := path(c.app.ID, "")
	a := e.client(t)
	a.login(c.applicant)
	if !slices.Contains(actionForms(a.get(detail)), "appeal") {
		t.Fatal("no appeal form within the deadline")
	}
	due, started, err := e.grants.AppealDeadline(context.Background(), c.app.ID)
	if err != nil || !started {
		t.Fatalf("appeal deadline: %v, %v", started, err)
	}
	e.clock.advance(due.Sub(e.clock.now()) + time.Hour)

	late := e.client(t) // the old session ran out while the clock moved on
	late.login(c.applicant)
	r := late.get(detail)
	wantStatus(t, r, http.StatusOK)
	if slices.Contains(actionForms(r), "appeal") || byID(r.doc, "f-comment-appeal") != nil {
		t.Error("the appeal form is offered after the deadline")
	}
	wantIn(t, "the letters section", text(mustID(t, r, "h-letters").Parent), "Klagefrist", oslo(due))
	r = late.post(detail+"/events/appeal", url.Values{"comment": {"For sent, men likevel."}})
	wantStatus(t, r, http.StatusConflict)
	wantIn(t, "the refusal", mainText(t, r), "Klagefristen gikk ut")
}

func TestLetterPreviewIsForStaff(t *testing.T) {
	e := newEnv(t)
	call := e.newCall(t, money.FromKroner(1_000_000), nil)
	applicant := e.person(t, "Søker Utkast", "Helse", nil, workflow.Applicant)
	officer := e.person(t, "Ola Utkast", "Stab", nil, workflow.CaseOfficer)
	app := e.recommend(t, e.inReview(t, applicant, officer, asking(call.ID, "Forhåndsvist", money.FromKroner(70_000))), officer, money.FromKroner(70_000))
	preview := path(app.ID, "/letter-preview")

	o := e.client(t)
	o.login(officer)
	r := o.get(path(app.ID, ""))
	links := findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "href"); return v == preview })
	if len(links) != 1 || text(links[0]) != "Forhåndsvis vedtaksbrev (PDF, utkast)" {
		t.Fatal("the case officer is not offered the preview")
	}
	wantPDF(t, o.get(preview), "utkast-vedtak-"+caseFile(app.CaseNumber)+".pdf")
	if got := e.letters(t, officer, app.ID); len(got) != 0 {
		t.Errorf("the preview stored a letter: %+v", got)
	}

	a := e.client(t)
	a.login(applicant)
	r = a.get(path(app.ID, ""))
	if strings.Contains(r.body, preview) || byID(r.doc, "h-letters") != nil {
		t.Error("the applicant is offered the preview, or an empty letters section")
	}
	r = a.get(preview)
	wantStatus(t, r, http.StatusForbidden)
	if strings.HasPrefix(r.body, "%PDF") {
		t.Error("the applicant got the draft")
	}
	other := e.client(t)
	other.login(e.person(t, "Fremmed", "Kultur", nil, workflow.Applicant))
	wantStatus(t, other.get(preview), http.StatusNotFound)
}

// formValues are what the post form with action on the page would send.
func formValues(t *testing.T, r response, action string) url.Values {
	t.Helper()
	forms := findAll(r.doc, func(n *htmlNode) bool {
		a, _ := attr(n, "action")
		m, _ := attr(n, "method")
		return a == action && m == "post"
	})
	if len(forms) != 1 {
		t.Fatalf("want one form posting to %s, got %d", action, len(forms))
	}
	out := url.Values{}
	for _, n := range findAll(forms[0], func(n *htmlNode) bool { return n.Data == "input" || n.Data == "textarea" }) {
		name, _ := attr(n, "name")
		if id, _ := attr(n, "id"); name != "" && id != "" {
			out.Add(name, value(t, r, id))
		}
	}
	return out
}

func TestLetterTemplateEditing(t *testing.T) {
	e := newEnv(t)
	call := e.newCall(t, money.FromKroner(1_000_000), nil)
	fund, err := e.st.Fund(context.Background(), call.FundID)
	noErr(t, err)
	admin := e.person(t, "Ada Administrator", "Stab", nil, workflow.Admin)
	officer := e.person(t, "Ola Brev", "Stab", nil, workflow.CaseOfficer)
	edit := "/funds/" + strconv.FormatInt(fund.ID, 10) + "/letter-template"
	defaults := letter.DefaultTemplate()

	c := e.client(t)
	c.login(admin)
	r := c.get("/calls")
	links := findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "href"); return v == edit })
	if len(links) != 1 || text(links[0]) != "Brevmal for "+fund.Name {
		t.Fatalf("the calls page does not lead the admin to the fund's letter template")
	}
	r = c.get(edit)
	wantStatus(t, r, http.StatusOK)
	wantIn(t, "the template page", mainText(t, r), "Brevmal: "+fund.Name, "Tekster på bokmål", "Tekster på engelsk",
		"Klageadresse", "Vedtaket ved delvis innvilgelse", "{{.Granted}}", "Tilbakestill til standard")
	if got := value(t, r, "f-nb-decision_partial"); got != defaults.NB.DecisionPartial {
		t.Errorf("the partial grant's text is %q, want the default", got)
	}
	if lang, _ := attr(mustID(t, r, "f-en-appeal"), "lang"); lang != "en" {
		t.Errorf("the English text is marked lang=%q", lang)
	}
	form := formValues(t, r, edit)
	if n := len(form); n != 2*textCount(t, defaults.NB)+1 {
		t.Errorf("the form has %d texts", n)
	}

	// Save a change: the texts come back as saved, line breaks as typed.
	form.Set("nb.decision_partial", "Dere får {{.Granted}} av {{.Requested}}.\r\n\r\n<b>Les vilkårene.</b>")
	wantRedirect(t, c.post(edit, form), edit+"?done=template_saved")
	r = c.get(edit + "?done=template_saved")
	wantIn(t, "the page after saving", mainText(t, r), "Brevmalen er lagret.")
	want := "Dere får {{.Granted}} av {{.Requested}}.\n\n<b>Les vilkårene.</b>"
	if got := value(t, r, "f-nb-decision_partial"); got != want {
		t.Errorf("after saving the text is %q", got)
	}
	if strings.Contains(r.body, "<b>Les") {
		t.Error("the template text is not escaped")
	}
	stored, err := e.grants.LetterTemplate(context.Background(), admin, fund.ID)
	noErr(t, err)
	if stored.NB.DecisionPartial != want || stored.EN != defaults.EN {
		t.Errorf("stored %q", stored.NB.DecisionPartial)
	}

	// Invalid texts are refused beside each, in the form's order, and kept.
	bad := formValues(t, r, edit)
	bad.Set("appeal_address", " ")
	bad.Set("nb.page_of", "Side {{.Page}}")
	bad.Set("en.title", "Decision on {{.Nonsense}}")
	r = c.post(edit, bad)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantIn(t, "the error summary", mainText(t, r), "Brevmalen er ikke lagret.")
	wantFieldError(t, r, "f-appeal_address", "Teksten mangler.")
	wantFieldError(t, r, "f-nb-page_of", "Teksten må bruke {{.Pages}}.")
	wantFieldError(t, r, "f-en-title", "Ukjent plassholder {{.Nonsense}}.")
	if links := summaryLinks(r); !slices.Equal(links, []string{"#f-appeal_address", "#f-nb-page_of", "#f-en-title"}) {
		t.Errorf("summary links %v", links)
	}
	if got := value(t, r, "f-en-title"); got != "Decision on {{.Nonsense}}" {
		t.Errorf("the typed title became %q", got)
	}
	stored, err = e.grants.LetterTemplate(context.Background(), admin, fund.ID)
	noErr(t, err)
	if stored.NB.PageOf != defaults.NB.PageOf || stored.AppealAddress != defaults.AppealAddress {
		t.Error("an invalid template was stored")
	}

	// Resetting fills in the defaults without saving them.
	r = c.get(edit + "?defaults=yes")
	wantIn(t, "the reset page", mainText(t, r), "Standardtekstene er fylt inn, men ikke lagret.")
	if got := value(t, r, "f-nb-decision_partial"); got != defaults.NB.DecisionPartial {
		t.Errorf("after resetting the text is %q", got)
	}
	stored, _ = e.grants.LetterTemplate(context.Background(), admin, fund.ID)
	if stored.NB.DecisionPartial != want {
		t.Error("resetting saved the defaults")
	}

	// Only administrators.
	o := e.client(t)
	o.login(officer)
	if strings.Contains(o.get("/calls").body, edit) {
		t.Error("the case officer is offered the letter templates")
	}
	for _, r := range []response{o.get(edit), o.post(edit, form)} {
		wantStatus(t, r, http.StatusForbidden)
		wantIn(t, "the refusal", mainText(t, r), "Bare administratorer kan endre brevmalene.")
	}
	wantStatus(t, c.get("/funds/999999999/letter-template"), http.StatusNotFound)
}

// textCount counts the texts of one language, as the template's JSON has them.
func textCount(t *testing.T, x letter.Texts) int {
	t.Helper()
	b, err := json.Marshal(x)
	noErr(t, err)
	var m map[string]string
	noErr(t, json.Unmarshal(b, &m))
	return len(m)
}

func oslo(t time.Time) string { return t.In(workflow.Oslo).Format("02.01.2006 15:04") }

// wantFacts checks the terms of the description lists in n.
func wantFacts(t *testing.T, n *htmlNode, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, dl := range byTag(n, "dl") {
		term := ""
		for c := dl.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type != html.ElementNode:
			case c.Data == "dt":
				term = text(c)
			case c.Data == "dd":
				got[term] = text(c)
			}
		}
	}
	for term, w := range want {
		if got[term] != w {
			t.Errorf("%s: %q, want %q (all: %q)", term, got[term], w, got)
		}
	}
}

// byClass returns the elements of class class, in document order.
func byClass(doc *htmlNode, class string) []*htmlNode {
	return findAll(doc, func(n *htmlNode) bool {
		v, _ := attr(n, "class")
		return slices.Contains(strings.Fields(v), class)
	})
}
