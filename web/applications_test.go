package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// fullForm is the application form filled in completely, as a browser posts it.
func fullForm(callID int64, title string) url.Values {
	return url.Values{
		"call_id":              {strconv.FormatInt(callID, 10)},
		"title":                {title},
		"summary":              {"Digitalt tilsyn om natten."},
		"need":                 {"Nattevakter går mange runder.\nBeboere vekkes."},
		"solution":             {"Sensorer varsler ved behov."},
		"adoption_plan":        {"Tre sykehjem først, så resten."},
		"expected_benefits":    {"Bedre søvn, færre runder."},
		"budget_category":      {"Lønn", "Utstyr", "", ""},
		"budget_description":   {"Prosjektleder 20 %", "Sensorer", "", ""},
		"budget_amount_ore":    {"80 000", "40\u00a0000,50", "", ""},
		"own_contribution_ore": {"20 000,50"},
		"requested_amount_ore": {"100 000"},
		"unit":                 {"Sandved sykehjem"},
		"partners":             {"NAV Sandnes\n\n  Universitetet i Stavanger  \n"},
		"start_date":           {"2026-09-01"},
		"end_date":             {"2027-06-30"},
		"action":               {"save"},
	}
}

func appID(t *testing.T, location, suffix string) int64 {
	t.Helper()
	rest, ok := strings.CutPrefix(location, "/applications/")
	if !ok {
		t.Fatalf("redirect to %q, want /applications/{id}%s", location, suffix)
	}
	rest, ok = strings.CutSuffix(rest, suffix)
	id, err := strconv.ParseInt(rest, 10, 64)
	if !ok || err != nil {
		t.Fatalf("redirect to %q, want /applications/{id}%s", location, suffix)
	}
	return id
}

func historyEvents(t *testing.T, e *env, u model.User, id int64) []string {
	t.Helper()
	h, err := e.grants.History(context.Background(), u, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range h {
		out = append(out, x.Event)
	}
	return out
}

func TestDraftSavedAndSubmittedThroughTheForms(t *testing.T) {
	e := newEnv(t)
	kari := e.user(t, "Kari Søker", workflow.Applicant)
	c := e.client(t)
	c.login(kari)

	r := c.get("/applications/new")
	wantStatus(t, r, http.StatusOK)
	if got := value(t, r, "f-unit"); got != kari.Unit {
		t.Errorf("unit prefilled with %q, want the user's unit %q", got, kari.Unit)
	}
	if n := len(findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "name"); return v == "budget_amount_ore" })); n != 3 {
		t.Errorf("a new form has %d budget rows, want 3 empty ones", n)
	}
	options := findAll(mustID(t, r, "f-call_id"), func(n *htmlNode) bool { return n.Data == "option" })
	if !slices.ContainsFunc(options, func(n *htmlNode) bool { v, _ := attr(n, "value"); return v == strconv.FormatInt(e.call.ID, 10) }) {
		t.Fatalf("the open call is not offered:\n%s", r.body)
	}

	r = c.post("/applications", fullForm(e.call.ID, "Nattsensorer"))
	id := appID(t, r.header.Get("Location"), "/edit?done=saved")
	wantStatus(t, r, http.StatusSeeOther)

	r = c.get("/applications/" + strconv.FormatInt(id, 10) + "/edit?done=saved")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.body, "Utkastet er lagret.") {
		t.Error("no saved message")
	}
	for field, want := range map[string]string{
		"f-title": "Nattsensorer", "f-budget_lines-1-amount_ore": "40\u00a0000,50", "f-own_contribution_ore": "20\u00a0000,50",
		"f-requested_amount_ore": "100\u00a0000", "f-partners": "NAV Sandnes\nUniversitetet i Stavanger",
		"f-start_date": "2026-09-01", "f-call_id": strconv.FormatInt(e.call.ID, 10), "f-budget_lines-2-category": "",
	} {
		if got := value(t, r, field); got != want {
			t.Errorf("#%s = %q, want %q", field, got, want)
		}
	}
	app, err := e.grants.Application(context.Background(), kari, id)
	if err != nil {
		t.Fatal(err)
	}
	if app.State != workflow.Draft || app.RequestedAmountOre != money.FromKroner(100_000) ||
		app.OwnContributionOre != 20_000_50 || len(app.BudgetLines) != 2 || app.BudgetLines[1].AmountOre != 40_000_50 ||
		!slices.Equal(app.Partners, []string{"NAV Sandnes", "Universitetet i Stavanger"}) {
		t.Fatalf("stored %+v", app)
	}

	form := fullForm(e.call.ID, "Nattsensorer i Sandnes")
	form.Set("version", value(t, r, "f-version"))
	form.Set("action", "submit")
	r = c.post("/applications/"+strconv.FormatInt(id, 10)+"/edit", form)
	wantRedirect(t, r, "/applications/"+strconv.FormatInt(id, 10)+"?done=submit")

	r = c.get(r.header.Get("Location"))
	wantStatus(t, r, http.StatusOK)
	main := text(mustID(t, r, "main"))
	for _, want := range []string{"Søknaden er sendt inn.", "Sendt inn", app.CaseNumber, "Nattsensorer i Sandnes",
		"kr 120\u00a0000,50", "kr 100\u00a0000", "01.09.2026", "Universitetet i Stavanger",
		"Opprettet", "Endret", "Send inn", "Utkast → Sendt inn", "Kari Søker"} {
		if !strings.Contains(main, want) {
			t.Errorf("the detail page lacks %q:\n%s", want, main)
		}
	}
	if got := historyEvents(t, e, kari, id); !slices.Equal(got, []string{"create", "edit", "submit"}) {
		t.Errorf("history %v, want create, edit, submit", got)
	}
	// Submitted: no edit link, and only withdrawing is left for the applicant.
	if strings.Contains(r.body, "/edit\"") {
		t.Error("a submitted application still offers the edit link")
	}
	if got := actionForms(r); !slices.Equal(got, []string{"withdraw"}) {
		t.Errorf("applicant's buttons %v, want [withdraw]", got)
	}
	wantStatus(t, c.get("/applications/"+strconv.FormatInt(id, 10)+"/edit"), http.StatusConflict)

	r = c.get("/applications")
	if !strings.Contains(text(mustID(t, r, "main")), app.CaseNumber) {
		t.Error("my applications does not list the application")
	}
}

// actionForms lists the events the page offers forms for.
func actionForms(r response) []string {
	var out []string
	for _, f := range byTag(r.doc, "form") {
		if a, _ := attr(f, "action"); strings.Contains(a, "/events/") {
			out = append(out, a[strings.LastIndex(a, "/")+1:])
		}
	}
	return out
}

func TestFieldErrorsAreShownBesideTheFields(t *testing.T) {
	e := newEnv(t)
	u := e.user(t, "Feil Skriver", workflow.Applicant)
	c := e.client(t)
	c.login(u)

	form := fullForm(e.call.ID, "Mitt prosjekt")
	form["budget_amount_ore"] = []string{"80 000", "tolv kroner", "", ""}
	form.Set("requested_amount_ore", "mye")
	form.Set("end_date", "2026-01-01") // before the start
	r := c.post("/applications", form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-budget_lines-1-amount_ore", "Skriv et beløp i kroner")
	wantFieldError(t, r, "f-requested_amount_ore", "Skriv et beløp i kroner")
	wantFieldError(t, r, "f-end_date", "Sluttdatoen kan ikke være før startdatoen.")
	if v, _ := attr(mustID(t, r, "f-title"), "aria-invalid"); v != "" {
		t.Error("a correct field is marked invalid")
	}
	for field, want := range map[string]string{"f-title": "Mitt prosjekt", "f-budget_lines-1-amount_ore": "tolv kroner",
		"f-requested_amount_ore": "mye", "f-need": "Nattevakter går mange runder.\nBeboere vekkes."} {
		if got := value(t, r, field); got != want {
			t.Errorf("#%s = %q, want the typed %q kept", field, got, want)
		}
	}
	summary := findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "role"); return v == "alert" })
	if len(summary) != 1 {
		t.Fatalf("want one error summary with role=alert, got %d", len(summary))
	}
	var links []string
	for _, a := range byTag(summary[0], "a") {
		href, _ := attr(a, "href")
		links = append(links, href)
	}
	if want := []string{"#f-budget_lines-1-amount_ore", "#f-requested_amount_ore", "#f-end_date"}; !slices.Equal(links, want) {
		t.Errorf("summary links %v, want %v in the form's order", links, want)
	}
	if apps, _ := e.grants.Applications(context.Background(), u, modelFilter(u.ID)); len(apps) != 0 {
		t.Fatal("a form with a bad amount was saved")
	}

	// Errors from the service land beside the fields too (here, grants'
	// refusal of an unknown call).
	form = fullForm(e.call.ID+1000, "Ukjent utlysning")
	r = c.post("/applications", form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-call_id", "Utlysningen finnes ikke.")

	// Save and submit with what is missing: saved, not submitted, and the
	// missing fields are shown on the form.
	form = fullForm(e.call.ID, "Halvferdig")
	form.Set("summary", "")
	form.Set("requested_amount_ore", "")
	form.Set("action", "submit")
	r = c.post("/applications", form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(text(r.doc), "Utkastet er lagret, men er ikke sendt inn.") {
		t.Error("the page does not say the draft was saved but not submitted")
	}
	wantFieldError(t, r, "f-summary", "Må fylles ut.")
	wantFieldError(t, r, "f-requested_amount_ore", "Oppgi hvor mye dere søker om.")
	apps, _ := e.grants.Applications(context.Background(), u, modelFilter(u.ID))
	if len(apps) != 1 || apps[0].State != workflow.Draft {
		t.Fatalf("want one saved draft, got %+v", apps)
	}
	action, _ := attr(byTag(r.doc, "form")[len(byTag(r.doc, "form"))-1], "action")
	if want := "/applications/" + strconv.FormatInt(apps[0].ID, 10) + "/edit"; action != want {
		t.Errorf("the form posts to %q after the draft was created, want %q", action, want)
	}
	if got := value(t, r, "f-version"); got != strconv.Itoa(apps[0].Version) {
		t.Errorf("version %q, want the saved %d", got, apps[0].Version)
	}

	// A stale version (someone saved in another tab) is refused and the
	// typed text kept.
	if _, err := e.grants.UpdateApplication(context.Background(), u, apps[0].ID, apps[0].ApplicationFields, 0, "other tab"); err != nil {
		t.Fatal(err)
	}
	form = fullForm(e.call.ID, "Min nye tittel")
	form.Set("version", strconv.Itoa(apps[0].Version))
	r = c.post(action, form)
	wantStatus(t, r, http.StatusConflict)
	if !strings.Contains(text(r.doc), "Søknaden er endret siden du åpnet den.") || value(t, r, "f-title") != "Min nye tittel" {
		t.Errorf("a stale save did not keep the input and explain:\n%s", r.body)
	}
}

func TestApplicantsSeeOnlyTheirOwn(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, "Eier", workflow.Applicant)
	other := e.user(t, "Nysgjerrig", workflow.Applicant)
	app := e.draft(t, owner, "Hemmelig prosjekt")
	c := e.client(t)
	c.login(other)
	path := "/applications/" + strconv.FormatInt(app.ID, 10)
	for _, r := range []response{c.get(path), c.get(path + "/edit"), c.post(path+"/edit", fullForm(e.call.ID, "Kapret")),
		c.post(path+"/events/withdraw", url.Values{})} {
		wantStatus(t, r, http.StatusNotFound)
		if strings.Contains(r.body, "Hemmelig prosjekt") || !strings.Contains(r.body, "Fant ikke søknaden.") {
			t.Fatalf("another applicant's view:\n%s", r.body)
		}
	}
	if r := c.get("/applications"); strings.Contains(r.body, app.CaseNumber) {
		t.Fatal("another applicant's list shows the application")
	}
	stored, _ := e.grants.Application(context.Background(), owner, app.ID)
	if stored.Title != "Hemmelig prosjekt" || stored.State != workflow.Draft {
		t.Fatalf("another applicant changed it: %+v", stored)
	}
}

func TestOfficerReturnsWithAMessage(t *testing.T) {
	e := newEnv(t)
	applicant := e.user(t, "Søker Sandnes", workflow.Applicant)
	officer := e.user(t, "Siri Saksbehandler", workflow.CaseOfficer)
	app := e.draft(t, applicant, "Returprosjekt")
	if _, err := e.grants.Fire(context.Background(), applicant, app.ID, workflow.Submit, "", "test"); err != nil {
		t.Fatal(err)
	}
	path := "/applications/" + strconv.FormatInt(app.ID, 10)
	c := e.client(t)
	c.login(officer)
	r := c.get(path)
	wantStatus(t, r, http.StatusOK)
	if got := actionForms(r); !slices.Equal(got, []string{"return", "start_review"}) {
		t.Fatalf("officer's buttons %v, want [return start_review]", got)
	}
	if got := text(findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "for"); return v == "f-comment-return" })[0]); got != "Melding til søker" {
		t.Errorf("the return comment is labelled %q", got)
	}

	r = c.post(path+"/events/return", url.Values{"comment": {"  "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-comment-return", "Skriv en begrunnelse eller melding.")

	r = c.post(path+"/events/return", url.Values{"comment": {"Budsjettet mangler <b>detaljer</b>."}})
	wantRedirect(t, r, path+"?done=return")
	r = c.get(r.header.Get("Location"))
	main := text(mustID(t, r, "main"))
	for _, want := range []string{"Søknaden er sendt tilbake til søkeren.", "Venter på søker", "Sendt inn → Venter på søker",
		"Budsjettet mangler <b>detaljer</b>.", "Siri Saksbehandler"} {
		if !strings.Contains(main, want) {
			t.Errorf("detail lacks %q:\n%s", want, main)
		}
	}
	if strings.Contains(r.body, "<b>detaljer</b>") {
		t.Error("the comment was not escaped")
	}
	// Firing again from the wrong state is explained on the page.
	r = c.post(path+"/events/start_review", url.Values{})
	wantStatus(t, r, http.StatusConflict)
	if !strings.Contains(text(r.doc), "«Start vurdering» går ikke når søknaden har status «Venter på søker».") {
		t.Errorf("no explanation:\n%s", text(r.doc))
	}
	wantStatus(t, c.post(path+"/events/fly", url.Values{}), http.StatusNotFound)

	// The applicant can now edit and resubmit.
	a := e.client(t)
	a.login(applicant)
	r = a.get(path)
	if got := actionForms(r); !slices.Equal(got, []string{"resubmit", "withdraw"}) {
		t.Errorf("applicant's buttons %v, want [resubmit withdraw]", got)
	}
	if !strings.Contains(r.body, `href="`+path+`/edit"`) {
		t.Error("no edit link for a returned application")
	}
	form := fullForm(e.call.ID, "Returprosjekt")
	form.Set("action", "submit")
	wantRedirect(t, a.post(path+"/edit", form), path+"?done=resubmit")
	if got := historyEvents(t, e, applicant, app.ID); !slices.Equal(got, []string{"create", "submit", "return", "edit", "resubmit"}) {
		t.Errorf("history %v", got)
	}
}

func TestInbox(t *testing.T) {
	e := newEnv(t)
	applicant := e.user(t, "Inga Innsender", workflow.Applicant)
	officer := e.user(t, "Ola Saksbehandler", workflow.CaseOfficer)
	app := e.draft(t, applicant, "Innboksprosjekt")
	if _, err := e.grants.Fire(context.Background(), applicant, app.ID, workflow.Submit, "", "test"); err != nil {
		t.Fatal(err)
	}

	a := e.client(t)
	a.login(applicant)
	r := a.get("/inbox")
	wantStatus(t, r, http.StatusForbidden)
	if !strings.Contains(r.body, "Ingen tilgang") || strings.Contains(r.body, app.CaseNumber) {
		t.Fatalf("the applicant's inbox:\n%s", r.body)
	}
	if strings.Contains(r.body, `href="/inbox"`) {
		t.Error("the applicant's menu links to the inbox")
	}

	c := e.client(t)
	c.login(officer)
	wantRedirect(t, c.get("/"), "/inbox")
	r = c.get("/inbox")
	wantStatus(t, r, http.StatusOK)
	row := rowOf(r, app.CaseNumber)
	for _, want := range []string{"Innboksprosjekt", "Helse og velferd", "kr 100\u00a0000", "Sendt inn"} {
		if !strings.Contains(row, want) {
			t.Errorf("inbox row %q lacks %q", row, want)
		}
	}
	if got := value(t, r, "f-state"); got != "submitted" {
		t.Errorf("filter %q, want submitted by default", got)
	}
	if n := len(findAll(mustID(t, r, "f-state"), func(n *htmlNode) bool { return n.Data == "option" })); n != len(workflow.ApplicationStates)+1 {
		t.Errorf("the filter offers %d options, want every state and all", n)
	}
	if rowOf(c.get("/inbox?state=draft"), app.CaseNumber) != "" {
		t.Error("the draft filter shows a submitted application")
	}
	if rowOf(c.get("/inbox?state=all"), app.CaseNumber) == "" {
		t.Error("the all filter misses the application")
	}
	wantStatus(t, c.get("/inbox?state=nonsense"), http.StatusBadRequest)
	// The search box: Norwegian stemming, kept in the box and the pager.
	if rowOf(c.get("/inbox?state=all&q=innboksprosjektet"), app.CaseNumber) == "" {
		t.Error("searching the title's definite form misses the application")
	}
	searched := c.get("/inbox?state=all&q=ubåt")
	if rowOf(searched, app.CaseNumber) != "" || value(t, searched, "f-q") != "ubåt" {
		t.Error("a search for something else lists the application, or forgets the search")
	}
	if strings.Contains(rowOf(c.get("/inbox"), app.CaseNumber), "Foreløpig svar") {
		t.Error("a fresh submission is flagged for a provisional reply")
	}
	e.clock.advance(32 * 24 * time.Hour)
	c.login(officer) // the session from a month ago has expired
	if !strings.Contains(rowOf(c.get("/inbox"), app.CaseNumber), "Foreløpig svar") {
		t.Error("a submission over a month old is not flagged for a provisional reply (§ 11a)")
	}
}

func TestInboxPages(t *testing.T) {
	e := newEnv(t)
	applicant := e.user(t, "Mange Utkast", workflow.Applicant)
	officer := e.user(t, "Bla Gjennom", workflow.Admin)
	var cases []string // newest first
	for i := range 27 {
		cases = slices.Insert(cases, 0, e.draft(t, applicant, "Utkast "+strconv.Itoa(i)).CaseNumber)
	}
	c := e.client(t)
	c.login(officer)
	r := c.get("/inbox?state=draft")
	var seen []string
	for page := 0; page < 10 && len(seen) < len(cases); page++ {
		for _, tr := range byTag(r.doc, "tbody") {
			for _, th := range byTag(tr, "th") {
				seen = append(seen, text(th))
			}
		}
		next := findAll(r.doc, func(n *htmlNode) bool { return n.Data == "a" && text(n) == "Neste side" })
		if len(next) == 0 {
			break
		}
		href, _ := attr(next[0], "href")
		r = c.get(href)
	}
	if len(seen) < len(cases) || !slices.Equal(seen[:len(cases)], cases) {
		t.Fatalf("the pages showed %v, want the drafts newest first %v", seen, cases)
	}
	first := c.get("/inbox?state=draft")
	if n := len(byTag(byTag(first.doc, "tbody")[0], "tr")); n != 25 {
		t.Errorf("first page has %d rows, want 25", n)
	}
}

// rowOf is the text of the table row whose heading cell is caseNumber.
func rowOf(r response, caseNumber string) string {
	for _, tr := range byTag(r.doc, "tr") {
		for _, th := range byTag(tr, "th") {
			if text(th) == caseNumber {
				return text(tr)
			}
		}
	}
	return ""
}

func TestSubmitFromTheDetailPageSaysWhatIsMissing(t *testing.T) {
	e := newEnv(t)
	u := e.user(t, "Rask Innsender", workflow.Applicant)
	f := completeFields(e.call.ID, "Uferdig")
	f.Need = ""
	app, err := e.grants.CreateApplication(context.Background(), u, f, "test")
	if err != nil {
		t.Fatal(err)
	}
	c := e.client(t)
	c.login(u)
	path := "/applications/" + strconv.FormatInt(app.ID, 10)
	r := c.post(path+"/events/submit", url.Values{"comment": {"Her er den"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	links := findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "href"); return v == path+"/edit#f-need" })
	if len(links) != 1 || !strings.Contains(text(links[0]), "Behov") || !strings.Contains(text(links[0]), "Må fylles ut.") {
		t.Fatalf("no link to the missing need:\n%s", r.body)
	}
	if got := value(t, r, "f-comment-submit"); got != "Her er den" {
		t.Errorf("the typed comment became %q", got)
	}
	if got := historyEvents(t, e, u, app.ID); !slices.Equal(got, []string{"create"}) {
		t.Errorf("history %v after a refused submit", got)
	}
}
