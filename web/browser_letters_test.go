package web_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nyttig/internal/money"
	"nyttig/workflow"
)

// fetchHead fetches path from the page and tells its status, its type and
// its first five bytes.
const fetchHead = `(async () => { const r = await fetch(%q);
	const head = new Uint8Array(await r.arrayBuffer()).slice(0, 5);
	return r.status + ' ' + r.headers.get('Content-Type') + ' ' + String.fromCharCode(...head); })()`

// TestBrowserLetterAndAcceptance follows a grant from the decision to the
// applicant's acceptance: the decision maker grants less than was asked,
// the applicant sees "Delvis innvilget", opens the letter (a PDF) and
// accepts with the check box; then an administrator edits the fund's
// letter template. axe-core checks every page on the way.
func TestBrowserLetterAndAcceptance(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := newEnv(t)
	call := e.newCall(t, money.FromKroner(500_000), nil)
	applicant := e.person(t, "Kari Søker", "Helse og velferd", nil, workflow.Applicant)
	officer := e.person(t, "Ola Saksbehandler", "Innovasjon", nil, workflow.CaseOfficer)
	decider := e.person(t, "Anne Beslutter", "Rådmannens stab", nil, workflow.DecisionMaker)
	admin := e.person(t, "Ada Administrator", "Stab", nil, workflow.Admin)
	app := e.recommend(t, e.inReview(t, applicant, officer, asking(call.ID, "Digitalt tilsyn", money.FromKroner(250_000))),
		officer, money.FromKroner(250_000))
	_, err := e.grants.Declare(context.Background(), decider, app.ID, false, "", "test")
	noErr(t, err)
	detail := path(app.ID, "")
	b := newBrowser(t, ctx, e.srv.URL)

	// The decision maker previews the letter, then grants 200 000 of 250 000.
	b.login(decider, "nb")
	b.checkA11y("inbox for the decision maker (nb)")
	b.open(detail)
	b.wantText("section.letters", "Forhåndsvis vedtaksbrev")
	if got := b.eval(fmt.Sprintf(fetchHead, detail+"/letter-preview")); got != "200 application/pdf %PDF-" {
		t.Errorf("the preview: %s", got)
	}
	b.checkA11y("recommended application with the preview (nb)")
	b.click("go to the decision", `a[href="`+detail+`/decision"]`)
	b.checkA11y("decision form (nb)")
	b.typeIn([][2]string{{"f-amount_ore", "200 000"}})
	b.click("decide", `form.form button[type=submit]`)
	b.wantText(".flash", "Søknaden er innvilget.")
	b.wantText(".state", "Delvis innvilget")
	b.wantText("section.letters", "Delvis innvilget", "kr 200\u00a0000", "kr 250\u00a0000", "Vedtaksbrev versjon 1 (PDF)")
	b.checkA11y("partly approved application for the decision maker (nb)")
	b.logout("nb")

	// The applicant reads the letter and accepts.
	b.login(applicant, "nb")
	b.checkA11y("my applications (nb)")
	b.click("open the application", `table.list a[href="`+detail+`"]`)
	b.wantText(".state", "Delvis innvilget")
	b.wantText("section.letters", "Klagefrist", "Fristen løper fra du åpner brevet.")
	b.wantText("section.actions", "Jeg aksepterer vilkårene i vedtaksbrevet", "Hva klager du på, og hvorfor?", "Klagefristen er")
	b.checkA11y("partly approved application for the applicant (nb)")
	href := b.eval(`document.querySelector('section.letters a[href^="/letters/"]').getAttribute('href')`)
	if got := b.eval(fmt.Sprintf(fetchHead, href)); got != "200 application/pdf %PDF-" {
		t.Errorf("the letter %s: %s", href, got)
	}
	b.open(detail)
	if b.eval(`String(document.getElementById('appeal-note') === null)`) != "true" {
		t.Error("after opening the letter the page still says the deadline waits for it")
	}
	b.do("confirm the conditions", chromedp.Click(chromedp.ID("f-accept-confirm")))
	b.click("accept", `form[action$="/events/accept"] button`)
	b.wantText(".flash", "Tilskuddet er akseptert.")
	b.wantText(".state", "Prosjekt pågår")
	b.wantText("section.letters", "Utbetalingsplan", "Ved aksept", "kr 150\u00a0000", "Når sluttrapporten er godkjent", "kr 50\u00a0000")
	b.checkA11y("accepted grant with its payout plan (nb)")
	b.switchLanguage("en")
	b.wantText(".state", "Project under way")
	b.wantText("section.letters", "Payout plan", "Decision letter version 1 (PDF)")
	b.checkA11y("accepted grant with its payout plan (en)")
	b.logout("en")

	// An administrator finds the fund's letter template and saves a mistake.
	b.login(admin, "en")
	b.open("/calls")
	b.checkA11y("calls with the letter templates (en)")
	b.click("open the letter template", `a[href="/funds/`+strconv.FormatInt(call.FundID, 10)+`/letter-template"]`)
	b.checkA11y("letter template (en)")
	b.switchLanguage("nb")
	b.typeIn([][2]string{{"f-nb-page_of", "Side {{.Page}}"}})
	b.load("save a template with a mistake", 422, chromedp.Click(chromedp.CSS(`form.letter-template button[type=submit]`)))
	b.wantText("#e-nb-page_of", "Teksten må bruke {{.Pages}}.")
	b.wantText(".error-summary", "Tekster på bokmål – Sidetall i bunnteksten")
	b.checkA11y("letter template with an error (nb)")

	if got := e.state(t, applicant, app.ID); got != workflow.Accepted {
		t.Errorf("the application ends %s, want accepted", got)
	}
	if len(b.checked) != 13 {
		t.Errorf("axe checked %d pages, want every page visited (13): %v", len(b.checked), b.checked)
	}
}
