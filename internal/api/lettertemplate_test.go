package api_test

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"nyttig/internal/letter"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// TestLetterTemplateOverHTTP edits a fund's letter texts: the defaults
// first, a new appeal address in the next letter and not in the one
// before, and a broken template refused text by text.
func TestLetterTemplateOverHTTP(t *testing.T) {
	e := newEnv(t)
	e.setFrame(t, money.FromKroner(1_000_000))
	admin := e.user(t, workflow.Admin)
	owner := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	decider := e.user(t, workflow.DecisionMaker)
	path := fmt.Sprintf("/funds/%d/letter-template", e.fund.ID)
	get := func(u user) letter.Template {
		t.Helper()
		return decode[letter.Template](t, e.expect(t, req{method: "GET", path: path, token: u.token}, http.StatusOK))
	}
	letterText := func(a model.Application) string {
		t.Helper()
		return words(pdfText(t, e.download(t, owner, e.onlyLetter(t, owner, a.ID))))
	}

	for _, u := range []user{admin, officer} {
		if got := get(u); !reflect.DeepEqual(got, letter.DefaultTemplate()) {
			t.Errorf("%v: a fund without a template of its own gets %+v, want the defaults", u.Roles, got)
		}
	}
	before := e.decided(t, owner, officer, decider, model.OutcomeReject, money.FromKroner(10_000), 0)
	beforeLetter := e.onlyLetter(t, owner, before.ID)

	const address = "Klagenemnda for tilskudd, Postboks 583, 4302 Sandnes"
	changed := letter.DefaultTemplate()
	changed.AppealAddress = address + " ({{.Fund}})"
	errorBody(t, e.expect(t, req{method: "PUT", path: path, token: officer.token, body: changed}, http.StatusForbidden))
	if got := get(admin); got.AppealAddress == changed.AppealAddress {
		t.Fatal("a case officer's refused change was stored")
	}
	if got := decode[letter.Template](t, e.expect(t, req{method: "PUT", path: path, token: admin.token, body: changed}, http.StatusOK)); !reflect.DeepEqual(got, changed) {
		t.Errorf("PUT answered %+v, want the template sent", got)
	}
	if got := get(officer); !reflect.DeepEqual(got, changed) {
		t.Errorf("after the change the template is %+v", got)
	}

	// The next letter gives the new address; the one before keeps the old.
	after := e.decided(t, owner, officer, decider, model.OutcomeReject, money.FromKroner(10_000), 0)
	if text := letterText(after); !strings.Contains(text, address+" ("+e.fund.Name+")") {
		t.Errorf("the letter after the change lacks the new appeal address %q:\n%s", address, text)
	}
	if text := letterText(before); strings.Contains(text, address) {
		t.Error("the letter stored before the change has the new appeal address")
	}
	if l := e.onlyLetter(t, owner, before.ID); l.SHA256 != beforeLetter.SHA256 {
		t.Errorf("the letter stored before the change changed: sha256 %s, was %s", l.SHA256, beforeLetter.SHA256)
	}

	// A broken template is refused text by text, and nothing is stored.
	broken := changed
	broken.NB.Appeal = "  "
	broken.EN.Intro = "We refer to {{.Nobody}}."
	broken.NB.PageOf = "Side {{.Page}}"
	broken.AppealAddress = "{{.AppealAddress}}"
	res := e.expect(t, req{method: "PUT", path: path, token: admin.token, body: broken, header: english}, http.StatusUnprocessableEntity)
	d := errorBody(t, res)
	var fields []string
	for f := range d.Fields {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	if want := []string{"appeal_address", "en.intro", "nb.appeal", "nb.page_of"}; !slices.Equal(fields, want) {
		t.Errorf("fields %v, want %v: %s", fields, want, res.body)
	}
	if !strings.Contains(d.Fields["en.intro"], "{{.Nobody}}") || !strings.Contains(d.Fields["nb.page_of"], "{{.Pages}}") {
		t.Errorf("the messages do not say what is wrong: %v", d.Fields)
	}
	if got := get(admin); !reflect.DeepEqual(got, changed) {
		t.Errorf("a refused template changed the stored one: %+v", got)
	}

	// Not a template at all; no such fund.
	errorBody(t, e.expect(t, req{method: "PUT", path: path, token: admin.token, body: `{"appeal_address": "x", "footer": "y"}`}, http.StatusBadRequest))
	errorBody(t, e.expect(t, req{method: "PUT", path: fmt.Sprintf("/funds/%d/letter-template", e.fund.ID+1_000_000), token: admin.token, body: changed},
		http.StatusNotFound))
}
