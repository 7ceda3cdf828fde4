package web

import (
	"fmt"
	"net/http"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/workflow"
)

// A unit leader's list of the projects they evaluate at the end: those of
// the people they lead and of their unit, not yet evaluated first.

type toEvaluateRow struct {
	CaseNumber, Title, Applicant, State, Href string
	Evaluated                                 bool
}

func (s *site) evaluations(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if !u.Has(workflow.UnitLeader) {
		return apperr.New(apperr.Forbidden, msg("eval.not_leader"))
	}
	lang := httpx.Lang(r)
	items, err := s.Grants.ProjectsToEvaluate(r.Context(), u)
	if err != nil {
		return err
	}
	var rows []toEvaluateRow
	for _, it := range items {
		rows = append(rows, toEvaluateRow{CaseNumber: it.CaseNumber, Title: titleOr(it.Title, lang), Applicant: it.Applicant,
			State: workflow.Application.StateLabel(it.State).In(lang), Evaluated: it.Evaluated,
			Href: fmt.Sprintf("/applications/%d/evaluation", it.ApplicationID)})
	}
	return s.render(w, r, page{Template: "evaluations", Title: msg("evals.title").In(lang), Nav: "evaluations", Data: rows})
}
