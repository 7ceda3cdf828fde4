package web_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// logout logs out and checks the login page it lands on.
func (b *browser) logout(lang string) {
	b.t.Helper()
	b.load("log out", 200, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	b.checkA11y("login page after logging out (" + lang + ")")
}

// click follows a link or presses a button that loads a page.
func (b *browser) click(what, sel string) {
	b.t.Helper()
	b.load(what, 200, chromedp.Click(chromedp.CSS(sel)))
}

// poll waits until the JavaScript expression is true.
func (b *browser) poll(what, expr string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](expr)); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) eval(expr string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// TestBrowserUploadWithProgress uploads through the page with its script:
// the progress bar fills, the list is fetched again without leaving the
// page, and a refused file is explained beside the input.
func TestBrowserUploadWithProgress(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := newEnv(t)
	kari := e.user(t, "Kari Opplaster", workflow.Applicant)
	app := e.draft(t, kari, "Befaring med bilder")
	dir := t.TempDir()
	photo := filepath.Join(dir, "befaring.png")
	spoof := filepath.Join(dir, "budsjett.pdf")
	noErr(t, os.WriteFile(photo, pngFile(t, 400, 300), 0o600))
	noErr(t, os.WriteFile(spoof, append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0, 7, 0xfe}, 2000)...), 0o600))

	b := newBrowser(t, ctx, e.srv.URL)
	b.login(kari, "nb")
	b.open(path(app.ID, ""))
	b.checkA11y("application with the upload form (nb)")
	b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.nyttigSamePage = true`))

	b.do("choose the photo", chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{photo}))
	b.do("upload", chromedp.Click(chromedp.CSS(`form[data-upload] button[type=submit]`)))
	b.poll("the upload finishes and the list shows it",
		`(() => { const p = document.getElementById('upload-progress');
			return p.value === p.max && [...document.querySelectorAll('#attachment-list a')].some(a => a.textContent === 'befaring.png'); })()`)
	if b.eval(`String(window.nyttigSamePage === true)`) != "true" {
		t.Fatal("the page was reloaded: the upload did not go through the script")
	}
	if max := b.eval(`String(document.getElementById('upload-progress').max)`); max != "100" {
		t.Errorf("the progress bar's max is %s", max)
	}
	b.wantText("#upload-status", "«befaring.png» er lastet opp.")
	b.wantText("#attachment-list", "PNG-bilde", "Kari Opplaster", "kB")
	download := b.eval(`fetch(document.querySelector('#attachment-list a').href)
		.then(r => r.status + ' ' + r.headers.get('Content-Type') + ' ' + r.headers.get('Content-Disposition'))`)
	if want := `200 image/png attachment; filename="befaring.png"`; !strings.HasPrefix(download, want) {
		t.Errorf("download: %s", download)
	}
	b.checkA11y("application after an upload (nb)")

	// A file that is not what its name says: the answer is shown beside the input.
	b.do("choose the spoofed file", chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{spoof}))
	b.do("upload it", chromedp.Click(chromedp.CSS(`form[data-upload] button[type=submit]`)))
	b.poll("the refusal is shown", `document.getElementById('upload-status').textContent.startsWith('Filtypen er ikke tillatt.')`)
	if b.eval(`document.getElementById('f-file').getAttribute('aria-invalid')`) != "true" {
		t.Error("the file input is not marked invalid")
	}
	b.checkA11y("application after a refused upload (nb)")
	if list := e.attachments(t, kari, app.ID); len(list) != 1 || list[0].Name != "befaring.png" {
		t.Errorf("stored %+v", list)
	}

	b.switchLanguage("en")
	b.wantText("#h-attachments", "Attachments")
	b.wantText("#attachment-list", "PNG image")
	b.checkA11y("application with attachments (en)")
}

// TestBrowserReviewToDecision walks a submitted application to a grant in
// the browser: the case officer starts the review and assigns a reviewer,
// the reviewer declares and scores, the case officer recommends, and the
// decision maker declares and approves. axe-core checks every page.
func TestBrowserReviewToDecision(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e := newEnv(t)
	call := e.newCall(t, money.FromKroner(500_000), func(c *model.Call) { c.ReviewersPerApplication = 1 })
	applicant := e.person(t, "Kari Søker", "Helse og velferd", nil, workflow.Applicant)
	officer := e.person(t, "Ola Saksbehandler", "Innovasjon", nil, workflow.CaseOfficer)
	reviewer := e.person(t, "Per Fagvurderer", "Oppvekst", nil, workflow.Reviewer)
	decider := e.person(t, "Anne Beslutter", "Rådmannens stab", nil, workflow.DecisionMaker)
	app := e.submitted(t, applicant, asking(call.ID, "Digitalt tilsyn i hjemmetjenesten", money.FromKroner(250_000)))
	rubric, err := e.grants.Rubric(context.Background(), call.ID)
	noErr(t, err)
	detail := path(app.ID, "")
	callID := strconv.FormatInt(call.ID, 10)
	b := newBrowser(t, ctx, e.srv.URL)

	// The case officer starts the review and assigns the reviewer.
	b.open("/login")
	b.checkA11y("login (nb)")
	b.login(officer, "nb")
	b.wantText("h1", "Innboks")
	b.checkA11y("inbox (nb)")
	b.open(detail)
	b.checkA11y("submitted application for the case officer (nb)")
	b.click("start the review", `form[action$="/events/start_review"] button`)
	b.wantText(".state", "Under vurdering")
	b.checkA11y("application in review, no reviewers (nb)")
	b.do("choose the reviewer", chromedp.SetValue(chromedp.ID("f-reviewer"), strconv.FormatInt(reviewer.ID, 10)))
	b.click("assign", `form[action$="/reviewers"] button`)
	b.wantText(".flash", "Fagvurdereren er tildelt.")
	b.wantText("#h-reviewers + table", "Per Fagvurderer", "Venter på habilitetserklæring")
	b.checkA11y("application with an assigned reviewer (nb)")
	b.open("/calls")
	b.checkA11y("calls (nb)")
	b.click("ranking", `a[href="/calls/`+callID+`/ranking"]`)
	b.wantText("table.ranking", app.CaseNumber, "Innenfor rammen")
	b.checkA11y("ranking (nb)")
	b.logout("nb")

	// The reviewer declares, tries to submit too early, then scores and submits.
	b.login(reviewer, "nb")
	b.wantText("h1", "Mine fagvurderinger")
	b.wantText("table.list", app.CaseNumber, "Venter på habilitetserklæring")
	b.checkA11y("review queue (nb)")
	b.click("declare", `table.list a[href$="/declaration"]`)
	b.wantText("main", "Forvaltningsloven § 6")
	b.checkA11y("declaration for a reviewer (nb)")
	b.do("no conflict", chromedp.Click(chromedp.ID("f-conflict-no")))
	b.click("send the declaration", `form.form button[type=submit]`)
	b.wantText(".flash", "Habilitetserklæringen er registrert.")
	b.checkA11y("review form (nb)")
	b.do("first score", chromedp.Click(chromedp.ID(fmt.Sprintf("f-score-%d-4", rubric[0].ID))))
	b.load("submit too early", 422, chromedp.Click(chromedp.CSS(`button[value="submit"]`)))
	b.wantText(".error-summary", "Utkastet er lagret, men vurderingen er ikke sendt inn.", rubric[1].NameNB)
	b.checkA11y("review form with errors (nb)")
	for _, c := range rubric[1:] {
		b.do("score "+c.NameNB, chromedp.Click(chromedp.ID(fmt.Sprintf("f-score-%d-4", c.ID))))
	}
	b.do("recommend yes", chromedp.Click(chromedp.ID("f-recommendation-yes")))
	b.typeIn([][2]string{{"f-comment", "Et godt og gjennomførbart prosjekt."}})
	b.click("submit the review", `button[value="submit"]`)
	b.wantText(".flash", "Vurderingen er sendt inn.")
	b.wantText("main", "Versjon 1 ble sendt inn", "4,00")
	b.checkA11y("submitted review (nb)")
	b.click("read the application", `a[href="`+detail+`"]`)
	b.checkA11y("application for the reviewer (nb)")
	b.logout("nb")

	// The case officer writes the recommendation and recommends.
	b.login(officer, "nb")
	b.checkA11y("inbox again (nb)")
	b.open(detail)
	b.wantText("#h-reviewers ~ dl", "1 av 1", "4,00")
	b.checkA11y("application with a review (nb)")
	b.click("write the recommendation", `a[href="`+detail+`/recommendation"]`)
	b.checkA11y("recommendation form (nb)")
	b.do("approve", chromedp.Click(chromedp.ID("f-outcome-approve")))
	b.typeIn([][2]string{
		{"f-amount_ore", "200 000"},
		{"f-outcome-rules", "Retningslinjer for innovasjonsfondet § 3."},
		{"f-outcome-facts", "Hjemmetjenesten prøver ut sensorer hos 30 brukere."},
		{"f-outcome-considerations", "Stor nytte for brukerne; noe redusert budsjett for utstyr."},
	})
	b.click("recommend", `button[value="recommend"]`)
	b.wantText(".flash", "Søknaden er innstilt.")
	b.wantText(".state", "Innstilt")
	b.checkA11y("recommended application (nb)")
	b.logout("nb")

	// The decision maker, in English, declares and approves as recommended.
	b.login(decider, "nb")
	b.checkA11y("inbox for the decision maker (nb)")
	b.switchLanguage("en")
	b.checkA11y("inbox for the decision maker (en)")
	b.open(detail)
	b.checkA11y("recommended application for the decision maker (en)")
	b.click("go to the decision", `a[href="`+detail+`/decision"]`)
	b.wantText("h1", "Declaration of impartiality")
	b.checkA11y("declaration for a decision maker (en)")
	b.do("no conflict", chromedp.Click(chromedp.ID("f-conflict-no")))
	b.click("send the declaration", `form.form button[type=submit]`)
	b.wantText("h1", "Decision in case "+app.CaseNumber)
	b.wantText("main", "Retningslinjer for innovasjonsfondet § 3.", "kr 500\u00a0000")
	b.checkA11y("decision form (en)")
	b.click("decide", `form.form button[type=submit]`)
	b.wantText(".flash", "The application is approved.")
	b.wantText(".state", "Partly approved") // 200 000 of the 250 000 applied for
	b.checkA11y("approved application (en)")
	b.open("/calls/" + callID + "/decisions")
	b.wantText("main", "No application of this call is waiting for a decision.", "kr 300\u00a0000")
	b.checkA11y("batch decision page (en)")

	if got := e.state(t, decider, app.ID); got != workflow.Approved {
		t.Fatalf("the application ends %s, want approved", got)
	}
	ledger, err := e.grants.Ledger(context.Background(), decider, call.FundID, call.BudgetYear)
	noErr(t, err)
	if ledger.Committed != money.FromKroner(200_000) {
		t.Errorf("committed %s, want kr 200 000", ledger.Committed)
	}
	if len(b.checked) != 27 {
		t.Errorf("axe checked %d pages, want every page visited (27): %v", len(b.checked), b.checked)
	}
}
