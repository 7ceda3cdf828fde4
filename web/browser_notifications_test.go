package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"nyttig/workflow"
)

// TestBrowserNotifications has a case officer, told of two submitted
// applications, mark one read and follow the other from the list, and
// choose the daily digest for new applications with the keyboard alone.
// axe-core checks every page, the refused form among them.
func TestBrowserNotifications(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := newEnv(t)
	applicant := e.user(t, "Kari Søker", workflow.Applicant)
	officer := e.user(t, "Ola Saksbehandler", workflow.CaseOfficer)
	first := e.submitted(t, applicant, completeFields(e.call.ID, "Nattsensor"))
	second := e.submitted(t, applicant, completeFields(e.call.ID, "Digital tilsynsrunde"))
	items := e.notificationsOf(t, officer.ID)
	if len(items) != 2 {
		t.Fatalf("the case officer has %d notifications, want 2", len(items))
	}
	b := newBrowser(t, ctx, e.srv.URL)

	b.login(officer, "nb")
	header := `nav.main-nav a[href="/notifications"]`
	b.wantText(header, "Varsler (2)")
	b.click("open the notifications", header)
	b.wantText("main", "Ny søknad "+first.CaseNumber+": Nattsensor", "Ny søknad "+second.CaseNumber+": Digital tilsynsrunde", "Ulest")
	b.checkA11y("notifications (nb)")
	b.click("mark the first read", fmt.Sprintf(`form[action="/notifications/%d/read"] button`, items[1].ID))
	b.wantText(header, "Varsler (1)")
	b.checkA11y("notifications, one read (nb)")
	b.click("follow the second", fmt.Sprintf(`main a[href="/notifications/%d"]`, items[0].ID))
	b.wantText("h1", second.CaseNumber)
	if got := b.text(header); got != "Varsler" {
		t.Errorf("the header link says %q after reading both, want Varsler", got)
	}

	b.open("/notifications")
	b.click("open the preferences", `main a[href="/settings/notifications"]`)
	b.wantText("main", "alltid i listen over varsler", "07.00")
	b.checkA11y("notification preferences (nb)")
	// The keyboard alone: the arrow key chooses the next mode in the
	// group, Tab goes on from group to group to the button, Enter saves.
	b.do("choose the digest with the arrow key", chromedp.Focus(chromedp.ID("f-application_submitted-immediately")),
		chromedp.KeyEvent(kb.ArrowRight))
	if got := b.eval("document.activeElement.id"); got != "f-application_submitted-digest" {
		t.Fatalf("the arrow key moved to #%s, want the digest", got)
	}
	b.tabTo(`form[action="/settings/notifications"] button[type=submit]`)
	b.load("save with Enter", 200, chromedp.KeyEvent(kb.Enter))
	b.wantText(".flash", "Innstillingene for varsler er lagret.")
	if got := b.eval(`String(document.getElementById("f-application_submitted-digest").checked)`); got != "true" {
		t.Error("the saved choice is not shown chosen")
	}
	b.checkA11y("saved preferences (nb)")

	// A mode the server does not know is refused beside its field.
	b.do("send an unknown mode", chromedp.Evaluate[chromedp.Void](
		`const r = document.getElementById("f-payout_paid-off"); r.value = "weekly"; r.checked = true;`))
	b.load("save the unknown mode", 422, chromedp.Click(chromedp.CSS(`form[action="/settings/notifications"] button[type=submit]`)))
	b.wantText("#e-payout_paid", "Velg Straks, Daglig samlet e-post eller Ingen e-post.")
	b.wantText(".error-summary", "Utbetalinger til meg")
	b.checkA11y("refused preferences (nb)")

	b.open("/notifications")
	b.switchLanguage("en")
	b.wantText("main", "New application "+first.CaseNumber, "Choose which notifications you get by email")
	b.checkA11y("notifications (en)")
	b.open("/settings/notifications")
	b.wantText("main", "Daily digest", "07:00")
	b.checkA11y("notification preferences (en)")
	if len(b.checked) != 7 {
		t.Errorf("axe checked %d pages, want every page visited (7): %v", len(b.checked), b.checked)
	}
}

// tabTo presses Tab until the element sel has the focus, failing the
// test when it is not reached: it shows the element is in the keyboard's
// path.
func (b *browser) tabTo(sel string) {
	b.t.Helper()
	is := fmt.Sprintf("String(document.activeElement === document.querySelector(%q))", sel)
	for range 60 {
		b.do("press Tab", chromedp.KeyEvent(kb.Tab))
		if b.eval(is) == "true" {
			return
		}
	}
	b.t.Fatalf("Tab never reached %s", sel)
}

// TestBrowserFailedJobs: an administrator reaches the failed background
// jobs from the menu; the page is checked by axe-core in both languages.
func TestBrowserFailedJobs(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := newEnv(t)
	admin := e.user(t, "Ada Admin", workflow.Admin)
	_, err := e.st.Pool().Exec(ctx, `INSERT INTO river_job (kind, args, state, attempt, max_attempts, errors, queue, finalized_at)
		VALUES ('deliver_mail', '{"notification_id": 77}', 'discarded', 15, 15,
			ARRAY['{"at": "2026-11-24T08:00:00Z", "attempt": 15, "error": "connection refused"}'::jsonb], 'mail', now())`)
	noErr(t, err)
	b := newBrowser(t, ctx, e.srv.URL)
	b.login(admin, "nb")
	b.click("open the jobs", `nav.main-nav a[href="/admin/jobs"]`)
	b.wantText("main", "Gitt opp", "connection refused", "15 av 15")
	b.checkA11y("failed jobs (nb)")
	b.switchLanguage("en")
	b.wantText("main", "Given up", "15 of 15")
	b.checkA11y("failed jobs (en)")
	if len(b.checked) != 2 {
		t.Errorf("axe checked %d pages, want 2", len(b.checked))
	}
}
