package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"nyttig/internal/model"
	"nyttig/internal/notify"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// notification gives u a notification about application a and returns it.
func (e *env) notification(t testing.TB, u user, a model.Application) notify.Item {
	t.Helper()
	ctx := context.Background()
	if err := e.store.Notify(ctx, store.Change{Now: time.Now()},
		notify.Notice{Kind: notify.DecisionMade, To: notify.ToUser, UserID: u.ID, ApplicationID: a.ID, Params: notify.Params{Outcome: "approved"}}); err != nil {
		t.Fatal(err)
	}
	items, err := e.store.Notifications(ctx, u.ID, false, 0, 1)
	if err != nil || len(items) != 1 {
		t.Fatalf("notifications %v, %v", items, err)
	}
	return items[0]
}

type notificationList struct {
	Items []struct {
		ID       int64   `json:"id"`
		Kind     string  `json:"kind"`
		Headline string  `json:"headline"`
		Link     string  `json:"link"`
		ReadAt   *string `json:"read_at"`
	} `json:"items"`
	Unread     int    `json:"unread"`
	NextBefore *int64 `json:"next_before"`
}

func TestNotificationsAPI(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	other := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	a := e.create(t, owner, completeFields(e.call.ID))
	e.expect(t, req{method: "POST", path: fmt.Sprintf("/applications/%d/events/submit", a.ID), token: owner.token}, http.StatusOK)

	// The case officer was told, in the language asked for.
	res := e.expect(t, req{method: "GET", path: "/notifications?unread=true", token: officer.token, header: map[string]string{"Accept-Language": "en"}}, http.StatusOK)
	list := decode[notificationList](t, res)
	if list.Unread != 1 || len(list.Items) != 1 || list.Items[0].Kind != string(notify.ApplicationSubmitted) ||
		!strings.HasPrefix(list.Items[0].Headline, "New application "+a.CaseNumber) || list.Items[0].Link != fmt.Sprintf("/applications/%d", a.ID) {
		t.Fatalf("the officer's notifications: %+v", list)
	}
	id := list.Items[0].ID

	// Someone else cannot read it, or learn it exists.
	e.expect(t, req{method: "POST", path: fmt.Sprintf("/notifications/%d/read", id), token: other.token}, http.StatusNotFound)
	e.expect(t, req{method: "POST", path: "/notifications/999999999/read", token: officer.token}, http.StatusNotFound)
	e.expect(t, req{method: "POST", path: "/notifications/x/read", token: officer.token}, http.StatusNotFound)
	if l := decode[notificationList](t, e.expect(t, req{method: "GET", path: "/notifications", token: officer.token}, http.StatusOK)); l.Unread != 1 {
		t.Fatalf("unread after others tried: %d", l.Unread)
	}
	e.expect(t, req{method: "POST", path: fmt.Sprintf("/notifications/%d/read", id), token: officer.token}, http.StatusOK)
	list = decode[notificationList](t, e.expect(t, req{method: "GET", path: "/notifications", token: officer.token}, http.StatusOK))
	if list.Unread != 0 || len(list.Items) != 1 || list.Items[0].ReadAt == nil {
		t.Errorf("after reading: %+v", list)
	}
	if l := decode[notificationList](t, e.expect(t, req{method: "GET", path: "/notifications?unread=true", token: officer.token}, http.StatusOK)); len(l.Items) != 0 {
		t.Errorf("unread list after reading: %+v", l)
	}

	// Paging.
	for range 3 {
		e.notification(t, owner, a)
	}
	page := decode[notificationList](t, e.expect(t, req{method: "GET", path: "/notifications?limit=2", token: owner.token}, http.StatusOK))
	if len(page.Items) != 2 || page.NextBefore == nil || page.Unread != 3 {
		t.Fatalf("first page: %+v", page)
	}
	rest := decode[notificationList](t, e.expect(t, req{method: "GET", path: fmt.Sprintf("/notifications?limit=2&before=%d", *page.NextBefore), token: owner.token}, http.StatusOK))
	if len(rest.Items) != 1 || rest.NextBefore != nil || rest.Items[0].ID >= page.Items[1].ID {
		t.Errorf("second page: %+v", rest)
	}
	for _, q := range []string{"unread=maybe", "before=-1", "limit=0", "limit=500"} {
		e.expect(t, req{method: "GET", path: "/notifications?" + q, token: owner.token}, http.StatusBadRequest)
	}
}

func TestNotificationPreferencesAPI(t *testing.T) {
	e := newEnv(t)
	u := e.user(t, workflow.CaseOfficer)
	type prefs struct {
		Preferences map[string]string `json:"preferences"`
	}
	get := func() prefs {
		return decode[prefs](t, e.expect(t, req{method: "GET", path: "/me/notification-preferences", token: u.token}, http.StatusOK))
	}
	p := get()
	if len(p.Preferences) != len(notify.Kinds) || p.Preferences["report_due"] != "immediately" {
		t.Fatalf("defaults: %+v", p)
	}
	put := func(body any, want int) response {
		return e.expect(t, req{method: "PUT", path: "/me/notification-preferences", token: u.token, body: body}, want)
	}
	got := decode[prefs](t, put(map[string]any{"preferences": map[string]string{"report_due": "digest", "application_submitted": "off"}}, http.StatusOK))
	if got.Preferences["report_due"] != "digest" || got.Preferences["application_submitted"] != "off" || got.Preferences["review_due"] != "immediately" {
		t.Errorf("after the change: %+v", got)
	}
	// One bad entry refuses all of them and names itself.
	for _, tc := range []struct {
		body  any
		want  int
		field string
	}{
		{map[string]any{"preferences": map[string]string{"review_due": "off", "weather": "digest"}}, http.StatusUnprocessableEntity, "preferences.weather"},
		{map[string]any{"preferences": map[string]string{"review_due": "off", "report_due": "hourly"}}, http.StatusUnprocessableEntity, "preferences.report_due"},
		{map[string]any{}, http.StatusUnprocessableEntity, "preferences"},
		{map[string]any{"preferences": map[string]int{"review_due": 1}}, http.StatusBadRequest, ""},
		{map[string]any{"preferences": map[string]string{}, "extra": true}, http.StatusBadRequest, ""},
	} {
		res := put(tc.body, tc.want)
		if tc.field != "" && !strings.Contains(string(res.body), `"`+tc.field+`"`) {
			t.Errorf("%v: the error does not name %s: %s", tc.body, tc.field, res.body)
		}
	}
	if after := get(); after.Preferences["review_due"] != "immediately" || after.Preferences["report_due"] != "digest" {
		t.Errorf("a refused request changed the preferences: %+v", after)
	}
}
