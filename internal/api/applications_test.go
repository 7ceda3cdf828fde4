package api_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"nyttig/internal/model"
	"nyttig/workflow"
)

var caseNumber = regexp.MustCompile(`^([0-9]{4})/[0-9]{4,}$`)

// TestApplicationLifecycle follows one application from its first draft
// through a return, a resubmission and a review to its withdrawal; each step
// depends on the one before.
func TestApplicationLifecycle(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	appPath := func(a model.Application) string { return fmt.Sprintf("/applications/%d", a.ID) }

	created := e.expect(t, req{method: "POST", path: "/applications", token: owner.token,
		body: map[string]any{"call_id": e.call.ID, "title": "  Digital innbyggerdialog  "}}, http.StatusCreated)
	app := decode[model.Application](t, created)
	if m := caseNumber.FindStringSubmatch(app.CaseNumber); m == nil || m[1] != strconv.Itoa(app.CreatedAt.In(workflow.Oslo).Year()) {
		t.Errorf("case number %q is not YYYY/NNNN of the year created (%v)", app.CaseNumber, app.CreatedAt)
	}
	if app.State != workflow.Draft || app.Version != 1 || app.ApplicantID != owner.ID || app.SubmittedAt != nil {
		t.Errorf("created %+v, want a version 1 draft of applicant %d, never submitted", app, owner.ID)
	}
	if app.Title != "Digital innbyggerdialog" || app.Unit != owner.Unit {
		t.Errorf("title %q, unit %q: want the title trimmed and the user's unit %q", app.Title, app.Unit, owner.Unit)
	}
	if got, want := created.header.Get("Location"), "/api/v1"+appPath(app); got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}

	if got := decode[model.Application](t, e.expect(t, req{method: "GET", path: appPath(app), token: owner.token}, http.StatusOK)); !equalApplications(got, app) {
		t.Errorf("GET = %+v, want what POST returned: %+v", got, app)
	}

	// A partial PATCH changes what it names and nothing else.
	app = decode[model.Application](t, e.expect(t, req{method: "PATCH", path: appPath(app), token: owner.token,
		body: map[string]any{"summary": "En chatbot for byggesak."}}, http.StatusOK))
	if app.Summary != "En chatbot for byggesak." || app.Title != "Digital innbyggerdialog" || app.CallID != e.call.ID || app.Version != 2 {
		t.Errorf("after PATCH of summary: %+v", app)
	}

	// A PATCH from a stale version is refused and changes nothing.
	res := e.expect(t, req{method: "PATCH", path: appPath(app), token: owner.token,
		body: map[string]any{"title": "Overwritten", "version": 1}}, http.StatusConflict)
	errorBody(t, res)
	if got := decode[model.Application](t, e.expect(t, req{method: "GET", path: appPath(app), token: owner.token}, http.StatusOK)); got.Title != app.Title || got.Version != 2 {
		t.Errorf("a stale PATCH changed the application: %+v", got)
	}

	// Submitting the half-done draft names every field still missing.
	res = e.fire(t, owner, app.ID, workflow.Submit, nil)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("submit incomplete: got %s, want 422", res)
	}
	wantMissing := []string{"adoption_plan", "budget_lines", "end_date", "expected_benefits", "need", "requested_amount_ore", "solution", "start_date"}
	if got := slices.Sorted(maps.Keys(errorBody(t, res).Fields)); !slices.Equal(got, wantMissing) {
		t.Errorf("submit incomplete: fields %v, want %v", got, wantMissing)
	}

	complete := completeFields(e.call.ID)
	app = decode[model.Application](t, e.expect(t, req{method: "PATCH", path: appPath(app), token: owner.token,
		body: struct {
			model.ApplicationFields
			Version int `json:"version"`
		}{complete, 2}}, http.StatusOK))
	if app.Version != 3 || app.Need != complete.Need || len(app.BudgetLines) != 2 || app.EndDate != complete.EndDate {
		t.Errorf("after completing PATCH: %+v", app)
	}

	app = decode[model.Application](t, e.expect(t, req{method: "POST", path: appPath(app) + "/events/submit", token: owner.token}, http.StatusOK))
	if app.State != workflow.Submitted || app.SubmittedAt == nil || app.Version != 4 {
		t.Errorf("after submit: state %s, submitted_at %v, version %d", app.State, app.SubmittedAt, app.Version)
	}
	errorBody(t, e.expect(t, req{method: "PATCH", path: appPath(app), token: owner.token, body: map[string]any{"title": "Late"}}, http.StatusConflict))

	// The applicant may not start the review of their own application.
	errorBody(t, e.expect(t, req{method: "POST", path: appPath(app) + "/events/start_review", token: owner.token}, http.StatusForbidden))

	res = e.fire(t, officer, app.ID, workflow.Return, nil)
	if res.status != http.StatusUnprocessableEntity || errorBody(t, res).Fields["comment"] == "" {
		t.Errorf("return without comment: got %s, want 422 naming comment", res)
	}
	res = e.fire(t, officer, app.ID, workflow.Return, map[string]string{"comment": "   "})
	if res.status != http.StatusUnprocessableEntity || errorBody(t, res).Fields["comment"] == "" {
		t.Errorf("return with a blank comment: got %s, want 422 naming comment", res)
	}
	res = e.fire(t, officer, app.ID, workflow.Return, map[string]string{"comment": "Budsjettet mangler timepris."})
	if app = decode[model.Application](t, res); res.status != http.StatusOK || app.State != workflow.Returned {
		t.Fatalf("return: got %s", res)
	}

	app = decode[model.Application](t, e.expect(t, req{method: "PATCH", path: appPath(app), token: owner.token,
		body: map[string]any{"solution": "Svar døgnet rundt, 900 kr/t.", "version": app.Version}}, http.StatusOK))
	app = decode[model.Application](t, e.expect(t, req{method: "POST", path: appPath(app) + "/events/resubmit", token: owner.token}, http.StatusOK))
	if app.State != workflow.Submitted {
		t.Errorf("after resubmit: %s", app.State)
	}
	app = decode[model.Application](t, e.expect(t, req{method: "POST", path: appPath(app) + "/events/start_review", token: officer.token}, http.StatusOK))
	if app.State != workflow.InReview {
		t.Errorf("after start_review: %s", app.State)
	}
	errorBody(t, e.expect(t, req{method: "POST", path: appPath(app) + "/events/submit", token: owner.token}, http.StatusConflict))
	app = decode[model.Application](t, e.expect(t, req{method: "POST", path: appPath(app) + "/events/withdraw", token: owner.token}, http.StatusOK))
	if app.State != workflow.Withdrawn {
		t.Errorf("after withdraw: %s", app.State)
	}

	h := e.history(t, owner, app.ID)
	want := []string{"create", "edit", "edit", "submit", "return", "edit", "resubmit", "start_review", "withdraw"}
	if got := historyEvents(h); !slices.Equal(got, want) {
		t.Fatalf("history events %v, want %v", got, want)
	}
	for i, row := range h {
		if row.Version == nil || *row.Version != i+1 || row.ActorID == nil || row.RequestID == "" || row.At.IsZero() {
			t.Errorf("history row %d: %+v, want version %d with actor, request id and time", i, row, i+1)
		}
	}
	if last := h[len(h)-1].Version; last == nil || *last != app.Version {
		t.Errorf("last history version %v, application version %d", last, app.Version)
	}
	if r := h[4]; r.From != "submitted" || r.To != "returned" || r.Comment != "Budsjettet mangler timepris." || *r.ActorID != officer.ID || r.ActorName != officer.Name {
		t.Errorf("return row: %+v", r)
	}
	if r := h[0]; r.From != "" || r.To != "draft" || *r.ActorID != owner.ID {
		t.Errorf("create row: %+v", r)
	}
	if officerView := e.history(t, officer, app.ID); len(officerView) != len(h) {
		t.Errorf("the case officer sees %d history rows, the applicant %d", len(officerView), len(h))
	}
}

func equalApplications(a, b model.Application) bool {
	return a.ID == b.ID && a.CaseNumber == b.CaseNumber && a.State == b.State && a.Version == b.Version &&
		a.Title == b.Title && a.Unit == b.Unit && a.CallID == b.CallID && a.CreatedAt.Equal(b.CreatedAt)
}

func TestPatchListsAndOmissions(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	path := fmt.Sprintf("/applications/%d", app.ID)
	for _, c := range []struct {
		name  string
		body  string
		check func(model.Application) bool
	}{
		{"an empty object changes nothing but the version", `{}`, func(a model.Application) bool {
			return a.Title == app.Title && len(a.BudgetLines) == 2 && len(a.Partners) == 1 && a.StartDate == app.StartDate
		}},
		{"null lists keep the stored lists", `{"budget_lines": null, "partners": null}`, func(a model.Application) bool {
			return len(a.BudgetLines) == 2 && len(a.Partners) == 1
		}},
		{"a shorter list replaces the stored one", `{"budget_lines": [{"category": "Innleie", "amount_ore": 100}]}`, func(a model.Application) bool {
			return len(a.BudgetLines) == 1 && a.BudgetLines[0].AmountOre == 100 && len(a.Partners) == 1
		}},
		{"an empty list empties it", `{"partners": []}`, func(a model.Application) bool {
			return len(a.Partners) == 0 && len(a.BudgetLines) == 1
		}},
		{"an empty string clears a date", `{"end_date": ""}`, func(a model.Application) bool {
			return a.EndDate == "" && a.StartDate == app.StartDate
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := decode[model.Application](t, e.expect(t, req{method: "PATCH", path: path, token: owner.token, body: c.body}, http.StatusOK))
			if !c.check(got) {
				t.Errorf("after PATCH %s: %+v", c.body, got)
			}
		})
	}
}

// TestEventRefusals fires events that must be refused, each on a fresh
// application in the state it needs.
func TestEventRefusals(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	maker := e.user(t, workflow.DecisionMaker)
	draft := func(t *testing.T) model.Application { return e.create(t, owner, completeFields(e.call.ID)) }
	submitted := func(t *testing.T) model.Application { return e.submitted(t, owner) }
	for _, c := range []struct {
		name   string
		app    func(*testing.T) model.Application
		as     user
		event  workflow.Event
		body   any
		status int
		field  string
	}{
		{"start_review of a draft", draft, officer, workflow.StartReview, nil, http.StatusConflict, ""},
		{"resubmit of a draft", draft, owner, workflow.Resubmit, nil, http.StatusConflict, ""},
		{"submit twice", submitted, owner, workflow.Submit, nil, http.StatusConflict, ""},
		{"applicant starts review of own", submitted, owner, workflow.StartReview, nil, http.StatusForbidden, ""},
		{"applicant returns own", submitted, owner, workflow.Return, map[string]string{"comment": "x"}, http.StatusForbidden, ""},
		{"case officer withdraws", submitted, officer, workflow.Withdraw, nil, http.StatusForbidden, ""},
		{"case officer submits someone's draft", draft, officer, workflow.Submit, nil, http.StatusForbidden, ""},
		{"approve a draft: not implemented", draft, maker, workflow.Approve, nil, http.StatusConflict, ""},
		{"recommend: not implemented", submitted, officer, workflow.Recommend, nil, http.StatusConflict, ""},
		{"unknown event", draft, owner, "fly", nil, http.StatusNotFound, ""},
		{"event named like a state", draft, owner, "draft", nil, http.StatusNotFound, ""},
		{"return without comment", submitted, officer, workflow.Return, map[string]string{}, http.StatusUnprocessableEntity, "comment"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := c.app(t)
			res := e.fire(t, c.as, a.ID, c.event, c.body)
			if res.status != c.status {
				t.Fatalf("got %s, want %d", res, c.status)
			}
			detail := errorBody(t, res)
			if c.field != "" && detail.Fields[c.field] == "" {
				t.Errorf("fields %v do not name %q", detail.Fields, c.field)
			}
			now := decode[model.Application](t, e.expect(t, req{method: "GET", path: fmt.Sprintf("/applications/%d", a.ID), token: owner.token}, http.StatusOK))
			if now.State != a.State || now.Version != a.Version || len(e.history(t, owner, a.ID)) != a.Version {
				t.Errorf("a refused event changed the application: %s v%d, was %s v%d", now.State, now.Version, a.State, a.Version)
			}
		})
	}
}

func TestSubmitAfterDeadline(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	closed := e.newCall(t, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	app := e.create(t, owner, completeFields(closed.ID))
	res := e.fire(t, owner, app.ID, workflow.Submit, nil)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("submit after the deadline: got %s, want 422", res)
	}
	if d := errorBody(t, res); d.Fields["call_id"] == "" || len(d.Fields) != 1 {
		t.Errorf("fields %v, want only call_id", d.Fields)
	}
	notYet := e.newCall(t, time.Now().Add(24*time.Hour), time.Now().Add(48*time.Hour))
	app = e.create(t, owner, completeFields(notYet.ID))
	if res := e.fire(t, owner, app.ID, workflow.Submit, nil); res.status != http.StatusUnprocessableEntity || errorBody(t, res).Fields["call_id"] == "" {
		t.Errorf("submit before the call opens: got %s, want 422 naming call_id", res)
	}
}

func TestListApplications(t *testing.T) {
	e := newEnv(t)
	call := e.newCall(t, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
	alice := e.user(t, workflow.Applicant)
	bob := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	reviewer := e.user(t, workflow.Reviewer)

	var aliceIDs, allIDs []int64 // newest first
	for i := range 5 {
		owner := alice
		if i%2 == 1 {
			owner = bob
		}
		a := e.create(t, owner, completeFields(call.ID))
		if i < 2 {
			if res := e.fire(t, owner, a.ID, workflow.Submit, nil); res.status != http.StatusOK {
				t.Fatalf("submit: %s", res)
			}
		}
		allIDs = append([]int64{a.ID}, allIDs...)
		if owner.ID == alice.ID {
			aliceIDs = append([]int64{a.ID}, aliceIDs...)
		}
	}
	submittedIDs := allIDs[3:]
	list := func(t *testing.T, u user, query string) ([]int64, *int64) {
		t.Helper()
		l := decode[struct {
			Items     []model.Application `json:"items"`
			NextAfter *int64              `json:"next_after"`
		}](t, e.expect(t, req{method: "GET", path: "/applications?" + query, token: u.token}, http.StatusOK))
		ids := []int64{}
		for _, a := range l.Items {
			ids = append(ids, a.ID)
		}
		return ids, l.NextAfter
	}
	callQ := fmt.Sprintf("call_id=%d", call.ID)
	for _, c := range []struct {
		name  string
		as    user
		query string
		want  []int64
	}{
		{"applicant sees own", alice, callQ, aliceIDs},
		{"case officer sees all", officer, callQ, allIDs},
		{"filter by state", officer, callQ + "&state=submitted", submittedIDs},
		{"filter by state, applicant", alice, callQ + "&state=draft", aliceIDs[:2]},
		{"another call", officer, fmt.Sprintf("call_id=%d", e.call.ID), []int64{}},
		{"reviewer sees none of them", reviewer, callQ, []int64{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got, _ := list(t, c.as, c.query); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}

	t.Run("applicant sees only own without filters", func(t *testing.T) {
		l := decode[struct{ Items []model.Application }](t, e.expect(t, req{method: "GET", path: "/applications?limit=200", token: bob.token}, http.StatusOK))
		if len(l.Items) != 2 {
			t.Errorf("bob sees %d applications, want his 2", len(l.Items))
		}
		for _, a := range l.Items {
			if a.ApplicantID != bob.ID {
				t.Errorf("bob sees application %d of applicant %d", a.ID, a.ApplicantID)
			}
		}
	})

	for _, limit := range []int{1, 2, 5, 6} {
		t.Run(fmt.Sprintf("pages of %d", limit), func(t *testing.T) {
			var got []int64
			query := fmt.Sprintf("%s&limit=%d", callQ, limit)
			for pages := 1; ; pages++ {
				ids, next := list(t, officer, query)
				if len(ids) > limit {
					t.Fatalf("page of %d items with limit %d", len(ids), limit)
				}
				got = append(got, ids...)
				if next == nil {
					if len(ids) == limit {
						t.Errorf("a full page has no next_after")
					}
					break
				}
				if *next != ids[len(ids)-1] {
					t.Errorf("next_after %d, want the last id %d", *next, ids[len(ids)-1])
				}
				if pages > len(allIDs)+1 {
					t.Fatalf("pagination does not end: %v", got)
				}
				query = fmt.Sprintf("%s&limit=%d&after=%d", callQ, limit, *next)
			}
			if !slices.Equal(got, allIDs) {
				t.Errorf("pages gave %v, want %v", got, allIDs)
			}
		})
	}
}

// TestSearchApplications: the list searches titles and summaries with
// Norwegian stemming, within what the user may see.
func TestSearchApplications(t *testing.T) {
	e := newEnv(t)
	call := e.newCall(t, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
	alice, bob := e.user(t, workflow.Applicant), e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	with := func(u user, title, summary string) int64 {
		f := completeFields(call.ID)
		f.Title, f.Summary = title, summary
		return e.create(t, u, f).ID
	}
	sensor := with(alice, "Sensorer i omsorgsboliger", "Nattlig tilsyn med sensorer.")
	robot := with(bob, "Robotstøvsugere", "Roboter rydder i barnehagene.")
	tilsynet := with(bob, "Digitalt tilsynet", "Kameraer i gangene.")
	search := func(u user, q string) []int64 {
		t.Helper()
		l := decode[struct{ Items []model.Application }](t, e.expect(t, req{method: "GET",
			path: fmt.Sprintf("/applications?call_id=%d&q=%s", call.ID, url.QueryEscape(q)), token: u.token}, http.StatusOK))
		ids := []int64{}
		for _, a := range l.Items {
			ids = append(ids, a.ID)
		}
		return ids
	}
	for _, c := range []struct {
		as   user
		q    string
		want []int64
	}{
		{officer, "tilsyn", []int64{tilsynet, sensor}}, // "tilsynet" stems to "tilsyn"
		{officer, "sensor", []int64{sensor}},
		{officer, "barnehage", []int64{robot}},
		{officer, `tilsyn -kameraer`, []int64{sensor}},
		{officer, "ubåt", []int64{}},
		{alice, "tilsyn", []int64{sensor}}, // not bob's
	} {
		if got := search(c.as, c.q); !slices.Equal(got, c.want) {
			t.Errorf("%q as %d: %v, want %v", c.q, c.as.ID, got, c.want)
		}
	}
	e.expect(t, req{method: "GET", path: "/applications?q=" + strings.Repeat("a", 201), token: officer.token}, http.StatusBadRequest)
}
