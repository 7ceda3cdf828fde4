package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// paidCase is an accepted grant with its tranches, and finance's people.
type paidCase struct {
	grantCase
	payouts                     []model.Payout
	attestant, authoriser, both model.User
	fundID                      int64
}

// accepted has a grant of granted approved, given a recipient by the case
// officer and accepted: its first tranche (75 %) awaits attestation.
func (e *env) accepted(t *testing.T, granted money.Ore) paidCase {
	t.Helper()
	ctx := context.Background()
	c := paidCase{grantCase: e.decided(t, granted, granted),
		attestant:  e.person(t, "Åse Attestant", "Økonomi", nil, workflow.FinanceAttestant),
		authoriser: e.person(t, "Arne Anviser", "Økonomi", nil, workflow.FinanceAuthoriser),
		both:       e.person(t, "Bodil Begge", "Økonomi", nil, workflow.FinanceAttestant, workflow.FinanceAuthoriser),
	}
	_, err := e.grants.SetRecipient(ctx, c.officer, c.app.ID, model.Recipient{CostCentre: "4100", ProjectNumber: "P-2026-18"}, "test")
	noErr(t, err)
	c.app, err = e.grants.Fire(ctx, c.applicant, c.app.ID, workflow.Accept, "", "test")
	noErr(t, err)
	c.payouts, err = e.st.Payouts(ctx, c.app.ID)
	noErr(t, err)
	if len(c.payouts) != 2 || c.payouts[0].State != string(workflow.PayoutDue) {
		t.Fatalf("the accepted grant's tranches: %+v", c.payouts)
	}
	call, err := e.st.CallByID(ctx, c.app.CallID)
	noErr(t, err)
	c.fundID = call.FundID
	return c
}

func TestRecipientIsKeptWhenTheFormIsSaved(t *testing.T) {
	e := newEnv(t)
	applicant := e.person(t, "Kari Søker", "Helse og velferd", nil, workflow.Applicant)
	f := completeFields(e.call.ID, "Velferdsteknologi")
	f.Recipient = model.Recipient{CostCentre: "4100", ProjectNumber: "P-2026-18"}
	app, err := e.grants.CreateApplication(context.Background(), applicant, f, "test")
	noErr(t, err)
	c := e.client(t)
	c.login(applicant)
	edit := path(app.ID, "/edit")

	r := c.get(edit)
	wantStatus(t, r, http.StatusOK)
	if got := value(t, r, "f-cost_centre") + " " + value(t, r, "f-project_number"); got != "4100 P-2026-18" {
		t.Errorf("the form shows the recipient %q", got)
	}
	if byID(r.doc, "f-org_number") != nil {
		t.Error("the form asks for an organisation number, but the call takes no external recipients")
	}
	wantIn(t, "the form", mainText(t, r), "Mottaker av tilskuddet")

	// Saving the form as it is keeps the recipient; a new project number is saved.
	form := formValues(t, r, edit)
	form.Set("call_id", strconv.FormatInt(e.call.ID, 10))
	form.Set("action", "save")
	wantRedirect(t, c.post(edit, form), edit+"?done=saved")
	got, err := e.grants.Application(context.Background(), applicant, app.ID)
	noErr(t, err)
	if got.Recipient != f.Recipient {
		t.Fatalf("saving the form unchanged left the recipient %+v, want %+v", got.Recipient, f.Recipient)
	}
	form.Set("version", strconv.Itoa(got.Version))
	form.Set("project_number", " P-2026-19 ")
	wantRedirect(t, c.post(edit, form), edit+"?done=saved")
	got, err = e.grants.Application(context.Background(), applicant, app.ID)
	noErr(t, err)
	if got.ProjectNumber != "P-2026-19" || got.CostCentre != "4100" {
		t.Errorf("after changing the project number the recipient is %+v", got.Recipient)
	}
}

func TestExternalRecipientOnTheForm(t *testing.T) {
	e := newEnv(t)
	call := e.newCall(t, money.FromKroner(1_000_000), func(c *model.Call) { c.ExternalRecipients = true })
	applicant := e.person(t, "Kari Søker", "Frivilligsentralen", nil, workflow.Applicant)
	app, err := e.grants.CreateApplication(context.Background(), applicant, completeFields(call.ID, "Frivillig digitalhjelp"), "test")
	noErr(t, err)
	c := e.client(t)
	c.login(applicant)
	edit := path(app.ID, "/edit")
	r := c.get(edit)
	wantStatus(t, r, http.StatusOK)
	form := formValues(t, r, edit)
	form.Set("call_id", strconv.FormatInt(call.ID, 10))
	form.Set("org_number", "974 760 674") // a wrong check digit
	form.Set("account_number", "8601.11.17947")
	r = c.post(edit, form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-org_number", "Organisasjonsnummeret er ikke gyldig: det har 9 siffer, og det siste er et kontrollsiffer.")
	if v := value(t, r, "f-account_number"); v != "8601.11.17947" {
		t.Errorf("the account number comes back as %q", v)
	}
	form.Set("org_number", "974 760 673")
	wantRedirect(t, c.post(edit, form), edit+"?done=saved")
	got, err := e.grants.Application(context.Background(), applicant, app.ID)
	noErr(t, err)
	if got.OrgNumber != "974760673" || got.AccountNumber != "86011117947" {
		t.Errorf("the external recipient is %+v", got.Recipient)
	}
}

func TestFinanceQueue(t *testing.T) {
	e := newEnv(t)
	pc := e.accepted(t, money.FromKroner(200_000))
	due := pc.payouts[0]
	c := e.client(t)
	c.login(pc.attestant)
	wantRedirect(t, c.get("/"), "/finance")
	r := c.get("/finance")
	wantStatus(t, r, http.StatusOK)
	row := rowOf(r, pc.app.CaseNumber)
	wantIn(t, "the attestant's queue", row, "Nattsensorer", "Kostnadssted 4100, prosjekt P-2026-18", "kr 150\u00a0000", "Ved aksept")
	if !strings.Contains(r.body, `href="/payouts/`+strconv.FormatInt(due.ID, 10)+`"`) {
		t.Error("the queue does not link to the payout")
	}
	if cur := byID(r.doc, "main"); !strings.Contains(text(cur), "Utbetalinger med status «Til attestasjon»") {
		t.Error("the attestant's queue is not the one awaiting attestation")
	}

	// The authoriser's own queue is what awaits authorisation: empty now.
	a := e.client(t)
	a.login(pc.authoriser)
	r = a.get("/finance")
	wantStatus(t, r, http.StatusOK)
	wantIn(t, "the authoriser's queue", mainText(t, r), "Ingen utbetalinger har denne statusen.")
	r = a.get("/finance?state=due")
	if rowOf(r, pc.app.CaseNumber) == "" {
		t.Error("the tab of payouts awaiting attestation does not list the tranche")
	}
	wantStatus(t, a.get("/finance?state=nonsense"), http.StatusBadRequest)

	app := e.client(t)
	app.login(pc.applicant)
	wantStatus(t, app.get("/finance"), http.StatusForbidden)
	wantStatus(t, app.get(payoutPathOf(due.ID)), http.StatusForbidden)
}

func payoutPathOf(id int64) string { return "/payouts/" + strconv.FormatInt(id, 10) }

func TestAttestThenAuthorise(t *testing.T) {
	e := newEnv(t)
	pc := e.accepted(t, money.FromKroner(200_000))
	p := payoutPathOf(pc.payouts[0].ID)

	// Bodil holds both roles: she attests, and may not authorise what she attested.
	b := e.client(t)
	b.login(pc.both)
	r := b.get(p)
	wantStatus(t, r, http.StatusOK)
	wantIn(t, "the payout page", mainText(t, r), "Til attestasjon", "kr 150\u00a0000", "Kostnadssted 4100, prosjekt P-2026-18",
		pc.app.CaseNumber, "Nattsensorer", "Opprettet", "Frigi til attestasjon")
	r = b.post(p, url.Values{"event": {"attest"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-attest-confirm", "Kryss av for at du har kontrollert utbetalingen.")
	wantRedirect(t, b.post(p, url.Values{"event": {"attest"}, "confirm": {"yes"}}), p+"?done=payout_attest")
	r = b.get(p + "?done=payout_attest")
	wantIn(t, "after attesting", mainText(t, r), "Utbetalingen er attestert og venter på anvisning.", "Til anvisning", "Mottaker (attestert)")
	if byID(r.doc, "f-authorise-erp_reference") != nil {
		t.Error("the attester is offered the authorisation")
	}
	r = b.post(p, url.Values{"event": {"authorise"}, "erp_reference": {"B-1"}, "paid_on": {today()}})
	wantStatus(t, r, http.StatusForbidden)
	wantIn(t, "the segregation refusal", text(byClass(r.doc, "error-summary")[0]),
		"Du attesterte denne utbetalingen. En annen må anvise den.")
	wantIn(t, "the page after the refusal", mainText(t, r), "Til anvisning", "Nattsensorer")

	// Arne authorises: the voucher number is required, then it is paid.
	a := e.client(t)
	a.login(pc.authoriser)
	r = a.post(p, url.Values{"event": {"authorise"}, "erp_reference": {""}, "paid_on": {today()}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-authorise-erp_reference", "Oppgi bilagsnummeret fra økonomisystemet.")
	if v := value(t, r, "f-authorise-paid_on"); v != today() {
		t.Errorf("the date comes back as %q", v)
	}
	wantRedirect(t, a.post(p, url.Values{"event": {"authorise"}, "erp_reference": {"B-2026-7781"}, "paid_on": {today()}}),
		p+"?done=payout_authorise")
	r = a.get(p)
	wantIn(t, "the paid payout", mainText(t, r), "Utbetalt", "B-2026-7781", "Anvis og marker som utbetalt")
	if byClass(r.doc, "actions") != nil {
		t.Error("a paid payout still offers actions")
	}

	// The ledger of the fund shows the payment; the finance page links to it.
	r = a.get("/finance")
	if !strings.Contains(r.body, `href="/funds/`+strconv.FormatInt(pc.fundID, 10)+`/ledger?year=`) {
		t.Error("the finance page does not link to the fund's ledger")
	}
	r = a.get("/funds/" + strconv.FormatInt(pc.fundID, 10) + "/ledger?year=" + strconv.Itoa(time.Now().In(workflow.Oslo).Year()))
	wantStatus(t, r, http.StatusOK)
	wantIn(t, "the ledger", rowOf(r, "Utbetalt"), "kr 150\u00a0000")
	wantIn(t, "the ledger", rowOf(r, "Bundet"), "kr 50\u00a0000")
	wantIn(t, "the ledger", rowOf(r, "Tildelingsramme"), "kr 1\u00a0000\u00a0000")
	wantIn(t, "the ledger", rowOf(r, "Gjenstår"), "kr 800\u00a0000")
}

func today() string { return time.Now().In(workflow.Oslo).Format(time.DateOnly) }

func TestSendBackNeedsAReasonAndCaseOfficerCancels(t *testing.T) {
	e := newEnv(t)
	pc := e.accepted(t, money.FromKroner(100_000))
	p := payoutPathOf(pc.payouts[0].ID)
	c := e.client(t)
	c.login(pc.attestant)
	r := c.post(p, url.Values{"event": {"send_back"}, "comment": {"  "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if byID(r.doc, "e-send_back-comment") == nil {
		t.Fatalf("no error beside the reason:\n%s", mainText(t, r))
	}
	wantRedirect(t, c.post(p, url.Values{"event": {"send_back"}, "comment": {"Feil kostnadssted"}}), p+"?done=payout_send_back")

	o := e.client(t)
	o.login(pc.officer)
	r = o.get(p)
	wantIn(t, "the sent back payout", mainText(t, r), "Sendt tilbake", "Feil kostnadssted", "Send til attestasjon igjen", "Kanseller utbetalingen")
	r = o.post(p, url.Values{"event": {"cancel"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantRedirect(t, o.post(p, url.Values{"event": {"cancel"}, "comment": {"Prosjektet er avlyst"}}), p+"?done=payout_cancel")
	if got := e.payoutState(t, pc.payouts[0].ID); got != workflow.PayoutCancelled {
		t.Errorf("the tranche is %s, want cancelled", got)
	}
}

func (e *env) payoutState(t *testing.T, id int64) workflow.State {
	t.Helper()
	p, err := e.st.Payout(context.Background(), id)
	noErr(t, err)
	return workflow.State(p.State)
}

func TestLedgerIsForStaffAndFinance(t *testing.T) {
	e := newEnv(t)
	pc := e.accepted(t, money.FromKroner(100_000))
	ledger := "/funds/" + strconv.FormatInt(pc.fundID, 10) + "/ledger"
	o := e.client(t)
	o.login(pc.officer)
	r := o.get(ledger)
	wantStatus(t, r, http.StatusOK)
	wantIn(t, "the ledger", rowOf(r, "Bundet"), "kr 100\u00a0000")
	wantStatus(t, o.get(ledger+"?year=abc"), http.StatusBadRequest)
	r = o.get("/calls")
	if !strings.Contains(r.body, `href="`+ledger+`?year=`) {
		t.Error("the calls page does not link to the fund's ledger")
	}
	a := e.client(t)
	a.login(pc.applicant)
	wantStatus(t, a.get(ledger), http.StatusForbidden)
}

func TestPayoutPlanMustSumToTheGrant(t *testing.T) {
	e := newEnv(t)
	c := e.decided(t, money.FromKroner(200_000), money.FromKroner(200_000))
	plan := path(c.app.ID, "/payout-plan")
	o := e.client(t)
	o.login(c.officer)
	r := o.get(path(c.app.ID, ""))
	wantStatus(t, r, http.StatusOK)
	if got := value(t, r, "f-tranches-0-amount_ore") + " / " + value(t, r, "f-tranches-1-amount_ore"); got != "150\u00a0000 / 50\u00a0000" {
		t.Errorf("the plan form shows the call's default as %q", got)
	}
	r = o.post(plan, url.Values{"plan_amount": {"100 000", "50 000"}, "plan_condition": {"on_acceptance", "on_final_report"},
		"plan_due_date": {"", ""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantIn(t, "the plan's error", text(mustID(t, r, "e-tranches")), "Utbetalingene er til sammen kr 150\u00a0000, men tilskuddet er kr 200\u00a0000.")
	wantIn(t, "the error summary", text(byClass(r.doc, "error-summary")[0]), "Utbetalingsplan:")
	if v := value(t, r, "f-tranches-0-amount_ore"); v != "100 000" {
		t.Errorf("the typed amount comes back as %q", v)
	}
	r = o.post(plan, url.Values{"plan_amount": {"100 000", "50 000", "abc"}, "plan_condition": {"on_acceptance", "on_date", "on_final_report"},
		"plan_due_date": {"", "2027-01-15", ""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-tranches-2-amount_ore", "")
	wantIn(t, "the error summary", text(byClass(r.doc, "error-summary")[0]), "Utbetaling 3 – Beløp i kroner")

	wantRedirect(t, o.post(plan, url.Values{"plan_amount": {"100 000", "50 000", "50 000"},
		"plan_condition": {"on_acceptance", "on_date", "on_final_report"}, "plan_due_date": {"", "2027-01-15", ""}}),
		path(c.app.ID, "?done=plan_saved#h-money"))
	got, err := e.grants.PlannedPayouts(context.Background(), c.officer, c.app.ID)
	noErr(t, err)
	if len(got) != 3 || got[1].DueDate != "2027-01-15" || got[2].AmountOre != money.FromKroner(50_000) {
		t.Errorf("the saved plan is %+v", got)
	}

	// The applicant is shown no money forms.
	a := e.client(t)
	a.login(c.applicant)
	r = a.get(path(c.app.ID, ""))
	if byID(r.doc, "h-money") != nil {
		t.Error("the applicant is shown the finance section")
	}
	wantStatus(t, a.post(plan, url.Values{"plan_amount": {"200 000"}, "plan_condition": {"on_acceptance"}}), http.StatusForbidden)
}

func TestCaseOfficerSetsTheRecipient(t *testing.T) {
	e := newEnv(t)
	c := e.decided(t, money.FromKroner(100_000), money.FromKroner(100_000))
	rec := path(c.app.ID, "/recipient")
	o := e.client(t)
	o.login(c.officer)
	r := o.post(rec, url.Values{"cost_centre": {strings.Repeat("4", 31)}, "project_number": {"P-1"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-cost_centre", "")
	wantRedirect(t, o.post(rec, url.Values{"cost_centre": {"4200"}, "project_number": {"P-2026-20"}}),
		path(c.app.ID, "?done=recipient_saved#h-money"))
	r = o.get(path(c.app.ID, "?done=recipient_saved"))
	wantIn(t, "after saving", mainText(t, r), "Mottakeren er lagret.")
	if got := value(t, r, "f-cost_centre") + " " + value(t, r, "f-project_number"); got != "4200 P-2026-20" {
		t.Errorf("the recipient form shows %q", got)
	}
}

func TestClawbackRaisedAndRepaid(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pc := e.accepted(t, money.FromKroner(200_000))
	id := pc.payouts[0].ID
	_, err := e.grants.FirePayout(ctx, pc.attestant, id, workflow.Attest, grants.PayoutInput{}, "test")
	noErr(t, err)
	_, err = e.grants.FirePayout(ctx, pc.authoriser, id, workflow.Authorise, grants.PayoutInput{ERPReference: "B-1", PaidOn: today()}, "test")
	noErr(t, err)

	o := e.client(t)
	o.login(pc.officer)
	r := o.get(path(pc.app.ID, ""))
	if !strings.Contains(r.body, `href="`+payoutPathOf(id)+`"`) {
		t.Error("the case officer's payout plan does not link to the payout")
	}
	raise := path(pc.app.ID, "/clawbacks")
	r = o.post(raise, url.Values{"amount_ore": {"200 000"}, "reason": {"Ikke gjennomført"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-clawback-amount_ore", "Kravet kan ikke være større enn det som er utbetalt")
	r = o.post(raise, url.Values{"amount_ore": {"50 000"}, "reason": {""}})
	wantFieldError(t, r, "f-clawback-reason", "Begrunn kravet.")
	wantRedirect(t, o.post(raise, url.Values{"amount_ore": {"50 000"}, "reason": {"Prosjektet ble avsluttet tidlig"}}),
		path(pc.app.ID, "?done=clawback_raised#h-money"))
	claws, err := e.grants.Clawbacks(ctx, pc.officer, pc.app.ID)
	noErr(t, err)
	if len(claws) != 1 {
		t.Fatalf("claw-backs: %+v", claws)
	}
	cb := "/clawbacks/" + strconv.FormatInt(claws[0].ID, 10)
	r = o.get(path(pc.app.ID, ""))
	wantIn(t, "the claw-backs", text(byClass(r.doc, "clawbacks")[0]), "kr 50\u00a0000", "Prosjektet ble avsluttet tidlig", "Krav om tilbakebetaling")

	f := e.client(t)
	f.login(pc.attestant)
	r = f.get("/finance?state=clawbacks")
	wantIn(t, "the claw-back queue", rowOf(r, pc.app.CaseNumber), "kr 50\u00a0000")
	r = f.get(cb)
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "f-write_off-comment") != nil {
		t.Error("the attestant is offered to write the demand off")
	}
	r = f.post(cb, url.Values{"event": {"repay"}, "erp_reference": {""}, "repaid_on": {today()}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-repay-erp_reference", "Oppgi bilagsnummeret")
	wantRedirect(t, f.post(cb, url.Values{"event": {"repay"}, "erp_reference": {"I-99"}, "repaid_on": {today()}}), cb+"?done=clawback_repay")
	r = f.get(cb)
	wantIn(t, "the repaid demand", mainText(t, r), "Tilbakebetalt", "I-99")
	r = f.get("/funds/" + strconv.FormatInt(pc.fundID, 10) + "/ledger")
	wantIn(t, "the ledger", rowOf(r, "Tilbakebetalt"), "kr 50\u00a0000")
}

func TestWriteOffIsTheAuthorisers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pc := e.accepted(t, money.FromKroner(100_000))
	id := pc.payouts[0].ID
	_, err := e.grants.FirePayout(ctx, pc.attestant, id, workflow.Attest, grants.PayoutInput{}, "test")
	noErr(t, err)
	_, err = e.grants.FirePayout(ctx, pc.authoriser, id, workflow.Authorise, grants.PayoutInput{ERPReference: "B-1", PaidOn: today()}, "test")
	noErr(t, err)
	c, err := e.grants.RaiseClawback(ctx, pc.officer, pc.app.ID, money.FromKroner(10_000), "Feil", "test")
	noErr(t, err)
	cb := "/clawbacks/" + strconv.FormatInt(c.ID, 10)
	a := e.client(t)
	a.login(pc.authoriser)
	r := a.post(cb, url.Values{"event": {"write_off"}, "comment": {""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-write_off-comment", "")
	wantRedirect(t, a.post(cb, url.Values{"event": {"write_off"}, "comment": {"Mottakeren er konkurs"}}), cb+"?done=clawback_write_off")
	att := e.client(t)
	att.login(pc.attestant)
	r = att.post(cb, url.Values{"event": {"write_off"}, "comment": {"Prøver"}})
	wantStatus(t, r, http.StatusConflict)
}

func TestERPExportPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pc := e.accepted(t, money.FromKroner(200_000))
	_, err := e.grants.FirePayout(ctx, pc.attestant, pc.payouts[0].ID, workflow.Attest, grants.PayoutInput{}, "test")
	noErr(t, err)
	_, err = e.grants.FirePayout(ctx, pc.authoriser, pc.payouts[0].ID, workflow.Authorise,
		grants.PayoutInput{ERPReference: "B-77", PaidOn: today()}, "test")
	noErr(t, err)

	applicant := e.client(t)
	applicant.login(pc.applicant)
	wantStatus(t, applicant.get("/finance/exports"), http.StatusForbidden)

	a := e.client(t)
	a.login(pc.authoriser)
	if !strings.Contains(a.get("/finance").body, `href="/finance/exports"`) {
		t.Error("the finance page does not link to the exports")
	}
	wantRedirect(t, a.post("/finance/exports", url.Values{}), "/finance/exports?done=export")
	r := a.get("/finance/exports?done=export")
	wantStatus(t, r, http.StatusOK)
	wantIn(t, "the exports page", mainText(t, r), "Eksporten er laget.")
	links := findAll(r.doc, isCSVLink)
	if len(links) == 0 {
		t.Fatal("no CSV link on the exports page")
	}
	csvPath, _ := attr(links[0], "href")
	first := a.get(csvPath)
	wantStatus(t, first, http.StatusOK)
	if !strings.Contains(first.body, pc.app.CaseNumber) || !strings.Contains(first.body, "150000,00") || !strings.Contains(first.body, "B-77") {
		t.Fatalf("the CSV lacks the paid tranche:\n%s", first.body)
	}
	if again := a.get(csvPath); again.body != first.body {
		t.Error("downloading the batch again gave other bytes")
	}
	xlsx := a.get(strings.TrimSuffix(csvPath, ".csv") + ".xlsx")
	wantStatus(t, xlsx, http.StatusOK)
	if !strings.HasPrefix(xlsx.body, "PK") {
		t.Error("the XLSX download is not a ZIP container")
	}
	// Nothing new to export: said on the page, nothing recorded.
	r = a.post("/finance/exports", url.Values{})
	wantStatus(t, r, http.StatusConflict)
	if n := len(findAll(r.doc, isCSVLink)); n != len(links) {
		t.Errorf("a refused export changed the list from %d to %d batches", len(links), n)
	}
	wantStatus(t, a.get("/finance/exports/999999999.csv"), http.StatusNotFound)
	wantStatus(t, a.get("/finance/exports/1.pdf"), http.StatusNotFound)
}

func isCSVLink(n *html.Node) bool {
	href, _ := attr(n, "href")
	return n.Data == "a" && strings.HasSuffix(href, ".csv")
}
