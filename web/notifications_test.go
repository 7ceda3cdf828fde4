package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"nyttig/internal/notify"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// notificationsOf reads u's notifications from the store, newest first.
func (e *env) notificationsOf(t *testing.T, userID int64) []notify.Item {
	t.Helper()
	items, err := e.st.Notifications(context.Background(), userID, false, 0, 100)
	noErr(t, err)
	return items
}

// headerLink is the header's link to the notifications: its text and
// its aria-label ("" when it has none).
func headerLink(t *testing.T, r response) (string, string) {
	t.Helper()
	nav := findAll(r.doc, func(n *htmlNode) bool { c, _ := attr(n, "class"); return c == "main-nav" })
	if len(nav) != 1 {
		t.Fatalf("no main menu in\n%s", r.body)
	}
	links := findAll(nav[0], func(n *htmlNode) bool { h, _ := attr(n, "href"); return n.Data == "a" && h == "/notifications" })
	if len(links) != 1 {
		t.Fatalf("the menu has %d links to /notifications, want 1", len(links))
	}
	label, _ := attr(links[0], "aria-label")
	return text(links[0]), label
}

// TestNotificationHeaderCountAndOpening submits an application, which
// tells the case officer: the header counts it, the list shows it as
// unread with its time in Oslo, following it marks it read and goes to
// the application, and the count is gone. Nobody else can read or mark it.
func TestNotificationHeaderCountAndOpening(t *testing.T) {
	e := newEnv(t)
	applicant := e.user(t, "Kari Søker", workflow.Applicant)
	officer := e.user(t, "Ola Saksbehandler", workflow.CaseOfficer)
	app := e.submitted(t, applicant, completeFields(e.call.ID, "Nattsensor på sykehjem"))
	items := e.notificationsOf(t, officer.ID)
	if len(items) != 1 || items[0].Kind != notify.ApplicationSubmitted || items[0].ApplicationID != app.ID {
		t.Fatalf("the case officer's notifications after a submission: %+v", items)
	}
	n := items[0]

	c := e.client(t)
	c.login(officer)
	r := c.get("/inbox")
	wantStatus(t, r, http.StatusOK)
	if got, label := headerLink(t, r); got != "Varsler (1)" || label != "Varsler, 1 uleste" {
		t.Errorf("header link %q (aria-label %q), want %q (%q)", got, label, "Varsler (1)", "Varsler, 1 uleste")
	}

	list := c.get("/notifications")
	wantStatus(t, list, http.StatusOK)
	rows := byClass(list.doc, "notification")
	if len(rows) != 1 {
		t.Fatalf("the list has %d notifications, want 1:\n%s", len(rows), list.body)
	}
	row := text(rows[0])
	at := n.CreatedAt.In(workflow.Oslo).Format("02.01.2006 15:04")
	for _, want := range []string{"Ulest", "Ny søknad " + app.CaseNumber + ": Nattsensor på sykehjem",
		"Søknaden er sendt inn og venter på formell kontroll.", at, "Merk som lest"} {
		if !strings.Contains(row, want) {
			t.Errorf("the notification %q lacks %q", row, want)
		}
	}
	if !strings.Contains(list.body, fmt.Sprintf(`href="/notifications/%d"`, n.ID)) {
		t.Errorf("the headline does not link through /notifications/%d", n.ID)
	}
	if !strings.Contains(list.body, `href="/settings/notifications"`) {
		t.Error("the list does not link to the mail preferences")
	}

	// Someone else's notification is not found, and stays unread.
	stranger := e.client(t)
	stranger.login(applicant)
	wantStatus(t, stranger.get(fmt.Sprintf("/notifications/%d", n.ID)), http.StatusNotFound)
	wantStatus(t, stranger.post(fmt.Sprintf("/notifications/%d/read", n.ID), url.Values{}), http.StatusNotFound)
	if got := e.notificationsOf(t, officer.ID)[0]; got.ReadAt != nil {
		t.Fatalf("someone else marked the notification read at %v", got.ReadAt)
	}

	wantRedirect(t, c.get(fmt.Sprintf("/notifications/%d", n.ID)), fmt.Sprintf("/applications/%d", app.ID))
	if got := e.notificationsOf(t, officer.ID)[0]; got.ReadAt == nil {
		t.Fatal("following the notification did not mark it read")
	}
	r = c.get("/inbox")
	wantStatus(t, r, http.StatusOK)
	if got, label := headerLink(t, r); got != "Varsler" || label != "" {
		t.Errorf("header link after reading: %q (aria-label %q), want %q without a count", got, label, "Varsler")
	}
	list = c.get("/notifications")
	if strings.Contains(text(mustID(t, list, "main")), "Ulest") {
		t.Errorf("the read notification is still marked unread:\n%s", list.body)
	}
	// Marking it again is harmless and keeps the first time.
	wantRedirect(t, c.post(fmt.Sprintf("/notifications/%d/read", n.ID), url.Values{"back": {"/notifications"}}), "/notifications")
}

// TestMarkNotificationsRead marks one read with its button, then all:
// the unread filter shows what is left, and then its empty state.
func TestMarkNotificationsRead(t *testing.T) {
	e := newEnv(t)
	applicant := e.user(t, "Kari Søker", workflow.Applicant)
	officer := e.user(t, "Ola Saksbehandler", workflow.CaseOfficer)
	first := e.submitted(t, applicant, completeFields(e.call.ID, "Første søknad"))
	e.submitted(t, applicant, completeFields(e.call.ID, "Andre søknad"))
	third := e.submitted(t, applicant, completeFields(e.call.ID, "Tredje søknad"))
	items := e.notificationsOf(t, officer.ID)
	if len(items) != 3 || items[0].ApplicationID != third.ID || items[2].ApplicationID != first.ID {
		t.Fatalf("want three notifications, newest first: %+v", items)
	}
	c := e.client(t)
	c.login(officer)
	if got, _ := headerLink(t, c.get("/notifications")); got != "Varsler (3)" {
		t.Errorf("header link %q, want Varsler (3)", got)
	}

	r := c.post(fmt.Sprintf("/notifications/%d/read", items[1].ID), url.Values{"back": {"/notifications?unread=1"}})
	wantRedirect(t, r, "/notifications?unread=1")
	unread := c.get("/notifications?unread=1")
	wantStatus(t, unread, http.StatusOK)
	main := text(mustID(t, unread, "main"))
	for title, want := range map[string]bool{"Første søknad": true, "Andre søknad": false, "Tredje søknad": true} {
		if strings.Contains(main, title) != want {
			t.Errorf("the unread list shows %q: %v, want %v", title, !want, want)
		}
	}
	full := c.get("/notifications")
	if !strings.Contains(text(mustID(t, full, "main")), "Andre søknad") {
		t.Error("the read notification is gone from the full list")
	}
	if !strings.Contains(full.body, `action="/notifications/read-all"`) {
		t.Error("no button to mark all read while two are unread")
	}

	// A back address elsewhere is not followed.
	r = c.post("/notifications/read-all", url.Values{"back": {"https://example.com/notifications?unread=1"}})
	wantRedirect(t, r, "/notifications?done=all_read")
	for _, it := range e.notificationsOf(t, officer.ID) {
		if it.ReadAt == nil {
			t.Errorf("notification %d (%s) is unread after marking all read", it.ID, it.Kind)
		}
	}
	unread = c.get("/notifications?unread=1&done=all_read")
	wantStatus(t, unread, http.StatusOK)
	main = text(mustID(t, unread, "main"))
	for _, want := range []string{"Alle varslene er merket som lest.", "Du har ingen uleste varsler."} {
		if !strings.Contains(main, want) {
			t.Errorf("after marking all read, the unread list %q lacks %q", main, want)
		}
	}
	if got, label := headerLink(t, unread); got != "Varsler" || label != "" {
		t.Errorf("header link %q (aria-label %q) after marking all read", got, label)
	}
	full = c.get("/notifications")
	if strings.Contains(full.body, `action="/notifications/read-all"`) || strings.Contains(text(mustID(t, full, "main")), "Ulest") {
		t.Errorf("the list still offers to mark read or marks unread after marking all read:\n%s", full.body)
	}
}

// TestNotificationsOlderPage has more notifications than a page holds:
// the first page ends with a link to the older ones, which shows the rest.
func TestNotificationsOlderPage(t *testing.T) {
	e := newEnv(t)
	applicant := e.user(t, "Kari Søker", workflow.Applicant)
	app := e.draft(t, applicant, "Mange varsler")
	ctx := context.Background()
	for i := range 52 {
		noErr(t, e.st.Notify(ctx, store.Change{Now: time.Now().Add(time.Duration(i) * time.Second)},
			notify.Notice{Kind: notify.ReportDue, To: notify.ToApplicant, ApplicationID: app.ID}))
	}
	items := e.notificationsOf(t, applicant.ID)
	if len(items) != 52 {
		t.Fatalf("%d notifications, want 52", len(items))
	}
	c := e.client(t)
	c.login(applicant)
	first := c.get("/notifications")
	wantStatus(t, first, http.StatusOK)
	if got := len(byTag(mustOne(t, first, "ol"), "li")); got != 50 {
		t.Errorf("the first page shows %d notifications, want 50", got)
	}
	older := fmt.Sprintf("/notifications?before=%d", items[49].ID)
	if !strings.Contains(first.body, `href="`+older+`"`) {
		t.Fatalf("the first page does not link to %s:\n%s", older, first.body)
	}
	second := c.get(older)
	wantStatus(t, second, http.StatusOK)
	if got := len(byTag(mustOne(t, second, "ol"), "li")); got != 2 {
		t.Errorf("the older page shows %d notifications, want 2", got)
	}
	if strings.Contains(second.body, "Eldre varsler") {
		t.Error("the last page links to older notifications")
	}
	wantStatus(t, c.get("/notifications?before=nonsense"), http.StatusNotFound)
}

// mustOne returns the only <tag> of main.
func mustOne(t *testing.T, r response, tag string) *htmlNode {
	t.Helper()
	found := byTag(mustID(t, r, "main"), tag)
	if len(found) != 1 {
		t.Fatalf("%d <%s> in main, want 1:\n%s", len(found), tag, r.body)
	}
	return found[0]
}

// TestNotificationPreferences saves a mode per kind and shows it chosen;
// an unknown mode shows the form again with the message beside its
// field and saves nothing at all.
func TestNotificationPreferences(t *testing.T) {
	e := newEnv(t)
	u := e.user(t, "Ola Saksbehandler", workflow.CaseOfficer)
	c := e.client(t)
	c.login(u)
	r := c.get("/settings/notifications")
	wantStatus(t, r, http.StatusOK)
	for _, k := range notify.Kinds {
		if _, checked := attr(mustID(t, r, "f-"+string(k)+"-immediately"), "checked"); !checked {
			t.Errorf("%s: the default (immediately) is not chosen", k)
		}
	}
	main := text(mustID(t, r, "main"))
	for _, want := range []string{"alltid i listen over varsler", "07.00", "Nye søknader", "Straks", "Daglig samlet e-post", "Ingen e-post"} {
		if !strings.Contains(main, want) {
			t.Errorf("the preferences page lacks %q", want)
		}
	}

	form := url.Values{}
	for _, k := range notify.Kinds {
		form.Set(string(k), string(notify.Immediately))
	}
	form.Set(string(notify.ApplicationSubmitted), string(notify.Digest))
	form.Set(string(notify.ReportDue), string(notify.Off))
	wantRedirect(t, c.post("/settings/notifications", form), "/settings/notifications?done=preferences_saved")
	r = c.get("/settings/notifications?done=preferences_saved")
	wantStatus(t, r, http.StatusOK)
	if got := text(classed(t, r, "flash")); !strings.Contains(got, "Innstillingene for varsler er lagret.") {
		t.Errorf("flash %q", got)
	}
	for id, want := range map[string]bool{"f-application_submitted-digest": true, "f-application_submitted-immediately": false,
		"f-report_due-off": true, "f-decision_made-immediately": true} {
		if _, checked := attr(mustID(t, r, id), "checked"); checked != want {
			t.Errorf("#%s checked: %v, want %v", id, checked, want)
		}
	}
	saved, err := e.st.Preferences(context.Background(), u.ID)
	noErr(t, err)
	if saved[notify.ApplicationSubmitted] != notify.Digest || saved[notify.ReportDue] != notify.Off {
		t.Fatalf("stored preferences: %v", saved)
	}

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set(string(notify.ApplicationSubmitted), string(notify.Off))
	bad.Set(string(notify.PayoutPaid), "weekly")
	r = c.post("/settings/notifications", bad)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if got := text(mustID(t, r, "e-payout_paid")); !strings.Contains(got, "Velg Straks, Daglig samlet e-post eller Ingen e-post.") {
		t.Errorf("the message beside the field says %q", got)
	}
	fieldset := mustID(t, r, "e-payout_paid").Parent
	if d, _ := attr(fieldset, "aria-describedby"); d != "e-payout_paid" {
		t.Errorf("the fieldset is described by %q, want e-payout_paid", d)
	}
	if !strings.Contains(text(classed(t, r, "error-summary")), "Utbetalinger til meg") {
		t.Errorf("the error summary does not name the field:\n%s", r.body)
	}
	if _, checked := attr(mustID(t, r, "f-application_submitted-off"), "checked"); !checked {
		t.Error("the form shown again lost the choices as posted")
	}
	after, err := e.st.Preferences(context.Background(), u.ID)
	noErr(t, err)
	for _, k := range notify.Kinds {
		if after[k] != saved[k] {
			t.Errorf("%s: %s after a refused save, want %s unchanged", k, after[k], saved[k])
		}
	}
}

// classed returns the first element of class c, failing the test when
// there is none.
func classed(t *testing.T, r response, c string) *htmlNode {
	t.Helper()
	found := byClass(r.doc, c)
	if len(found) == 0 {
		t.Fatalf("no element of class %s in\n%s", c, r.body)
	}
	return found[0]
}

// TestNotificationsNeedSignIn sends a visitor to the login page.
func TestNotificationsNeedSignIn(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	for _, p := range []string{"/notifications", "/settings/notifications"} {
		wantRedirect(t, c.get(p), "/login?next="+url.QueryEscape(p))
	}
}
