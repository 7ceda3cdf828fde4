package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nyttig/internal/money"
	"nyttig/workflow"
)

func TestUnitLeaderEvaluatesTheProject(t *testing.T) {
	e := newEnv(t)
	c := e.accepted(t, money.FromKroner(40_000))
	evalPath := fmt.Sprintf("/applications/%d/evaluation", c.app.ID)
	leader := e.person(t, "Lise Leder", c.applicant.Unit, nil, workflow.UnitLeader)
	other := e.person(t, "Olav Annenleder", "Teknisk drift", nil, workflow.UnitLeader)

	wrong := e.client(t)
	wrong.login(other)
	wantStatus(t, wrong.get(evalPath), http.StatusForbidden)
	wantStatus(t, wrong.post(evalPath, url.Values{"quality.rating": {"3"}}), http.StatusForbidden)

	lc := e.client(t)
	lc.login(leader)
	// The leader finds the project in their list, not yet evaluated;
	// another unit's leader does not, and others may not see the list.
	list := lc.get("/evaluations")
	wantStatus(t, list, http.StatusOK)
	if row := rowOf(list, c.app.CaseNumber); !strings.Contains(list.body, `href="`+evalPath+`"`) || !strings.HasSuffix(row, "Nei") {
		t.Errorf("the leader's list row %q lacks the link or the mark not evaluated", row)
	}
	if !strings.Contains(list.body, `href="/evaluations" aria-current="page"`) {
		t.Error("the menu does not mark the evaluations page")
	}
	if rowOf(wrong.get("/evaluations"), c.app.CaseNumber) != "" {
		t.Error("another unit's leader lists the project")
	}
	applicantClient := e.client(t)
	applicantClient.login(c.applicant)
	wantStatus(t, applicantClient.get("/evaluations"), http.StatusForbidden)
	page := lc.get(evalPath)
	wantStatus(t, page, http.StatusOK)
	mustID(t, page, "f-quality-1")
	mustID(t, page, "f-nominate")

	form := url.Values{"continues": {"yes"}, "nominate": {"yes"}, "avoided_costs_ore": {"mange"}}
	for _, name := range []string{"quality", "efficiency", "avoided_costs", "employee_satisfaction"} {
		form.Set(name+".rating", "4")
		form.Set(name+".text", "Godt")
	}
	r := lc.post(evalPath, form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-avoided_costs_ore", "Skriv et beløp i kroner")
	form.Set("avoided_costs_ore", "120 000")
	r = lc.post(evalPath, form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if byID(r.doc, "e-citizen_influence-rating") == nil {
		t.Fatalf("no error beside the missing rating:\n%s", r.body)
	}
	form.Set("citizen_influence.rating", "2")
	wantRedirect(t, lc.post(evalPath, form), evalPath+"?done=evaluation")
	if row := rowOf(lc.get("/evaluations"), c.app.CaseNumber); !strings.HasSuffix(row, "Ja") {
		t.Errorf("after the evaluation the list row is %q, want it marked evaluated", row)
	}
	ev, ok, err := e.st.Evaluation(context.Background(), c.app.ID)
	noErr(t, err)
	if !ok || ev.Quality.Rating != 4 || ev.Citizen.Rating != 2 || ev.AvoidedCostsOre != money.FromKroner(120_000) || !ev.Continues || !ev.Nominate {
		t.Fatalf("stored evaluation: %+v", ev)
	}
	if v := value(t, lc.get(evalPath), "f-avoided_costs_ore"); v != money.FromKroner(120_000).Number() {
		t.Errorf("avoided costs shown as %q", v)
	}
}
