package web_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nyttig/internal/money"
)

// TestBrowserAttestAuthoriseAndLedger follows the first tranche of an
// accepted grant through finance: the attestant finds it in the queue and
// attests it, a different person authorises it with the voucher number,
// and the fund's ledger shows it paid. axe-core checks every page.
func TestBrowserAttestAuthoriseAndLedger(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := newEnv(t)
	pc := e.accepted(t, money.FromKroner(200_000))
	payout := payoutPathOf(pc.payouts[0].ID)
	b := newBrowser(t, ctx, e.srv.URL)

	b.login(pc.attestant, "nb")
	b.wantText("h1", "Utbetalinger")
	b.wantText("table.finance", pc.app.CaseNumber, "kr 150\u00a0000", "Kostnadssted 4100, prosjekt P-2026-18")
	b.checkA11y("finance queue awaiting attestation (nb)")
	b.click("open the payout", `table.finance a[href="`+payout+`"]`)
	b.wantText("dl.payout-facts", "Til attestasjon", "kr 150\u00a0000")
	b.checkA11y("payout awaiting attestation (nb)")
	b.load("attest without confirming", 422, chromedp.Evaluate[chromedp.Void](
		`document.getElementById('f-attest-confirm').required = false`),
		chromedp.Click(chromedp.CSS(`form.action:has(input[value=attest]) button`)))
	b.wantText("#e-attest-confirm", "Kryss av for at du har kontrollert utbetalingen.")
	b.checkA11y("payout with a missing confirmation (nb)")
	b.do("confirm", chromedp.Click(chromedp.ID("f-attest-confirm")))
	b.click("attest", `form.action:has(input[value=attest]) button`)
	b.wantText(".flash", "Utbetalingen er attestert og venter på anvisning.")
	b.wantText("dl.payout-facts", "Til anvisning")
	b.checkA11y("attested payout (nb)")
	b.logout("nb")

	b.login(pc.authoriser, "nb")
	b.wantText("table.finance", pc.app.CaseNumber)
	b.checkA11y("finance queue awaiting authorisation (nb)")
	b.click("open the payout", `table.finance a[href="`+payout+`"]`)
	b.wantText("dl.payout-facts", "Til anvisning")
	b.checkA11y("payout awaiting authorisation (nb)")
	b.typeIn([][2]string{{"f-authorise-erp_reference", "B-2026-7781"}})
	b.click("authorise", `form.action:has(input[value=authorise]) button`)
	b.wantText(".flash", "Utbetalingen er anvist og registrert som utbetalt.")
	b.wantText("dl.payout-facts", "Utbetalt", "B-2026-7781")
	b.checkA11y("paid payout (nb)")
	b.switchLanguage("en")
	b.wantText("dl.payout-facts", "Paid", "B-2026-7781")
	b.checkA11y("paid payout (en)")

	b.click("go to finance", `nav.main-nav a[href="/finance"]`)
	b.wantText("main", "No payouts are in this state.")
	b.checkA11y("empty finance queue with the ledgers (en)")
	b.click("open the fund's ledger", `a[href^="/funds/`+strconv.FormatInt(pc.fundID, 10)+`/ledger"]`)
	b.wantText("table.ledger", "Paid", "kr 150\u00a0000", "Remaining", "kr 800\u00a0000")
	b.checkA11y("ledger (en)")
	b.switchLanguage("nb")
	b.wantText("table.ledger", "Utbetalt", "kr 150\u00a0000", "Gjenstår")
	b.checkA11y("ledger (nb)")
	b.open("/finance/exports")
	b.load("make an ERP export", 200, chromedp.Click(chromedp.CSS(`form[action="/finance/exports"] button`)))
	b.wantText(".flash", "Eksporten er laget.")
	b.checkA11y("ERP exports (nb)")

	b.logout("nb")

	// The case officer sees the paid tranche on the application, and
	// adjusts another grant's plan, which must add up to the grant.
	b.login(pc.officer, "nb")
	b.open(path(pc.app.ID, ""))
	b.wantText("section.letters", "Utbetalt", "Planlagt")
	b.wantText("section.money", "Mottaker av tilskuddet", "Krav om tilbakebetaling")
	b.checkA11y("accepted grant with the finance section (nb)")
	other := e.decided(t, money.FromKroner(100_000), money.FromKroner(100_000))
	b.open(path(other.app.ID, ""))
	b.typeIn([][2]string{{"f-tranches-0-amount_ore", "10 000"}})
	b.load("save a plan that does not add up", 422, chromedp.Click(chromedp.CSS(`form[action$="/payout-plan"] button`)))
	b.wantText("#e-tranches", "Utbetalingene er til sammen kr 35 000, men tilskuddet er kr 100 000.")
	b.checkA11y("payout plan that does not add up (nb)")

	if got := e.payoutState(t, pc.payouts[0].ID); got != "paid" {
		t.Errorf("the tranche ends %s, want paid", got)
	}
	if len(b.checked) != 16 {
		t.Errorf("axe checked %d pages, want every page visited (16): %v", len(b.checked), b.checked)
	}
}
