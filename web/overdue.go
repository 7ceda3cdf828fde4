package web

import (
	"context"
	"net/http"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

type overdueRow struct {
	CaseNumber, Title, Kind, Due, Href string
}

type overdueView struct {
	Rows []overdueRow
}

// seesOverdue reports whether u may see the list of overdue reports.
func seesOverdue(u model.User) bool { return u.Has(workflow.CaseOfficer) || u.Has(workflow.Admin) }

// reportKind is the name of a report kind.
func reportKind(kind string, lang i18n.Lang) string {
	if kind == model.ReportFinal {
		return msg("report.final").In(lang)
	}
	return msg("report.progress").In(lang)
}

// overdueReports lists, for case officers, the reports not submitted by
// their due date, earliest first.
func (s *site) overdueReports(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if !seesOverdue(u) {
		return apperr.New(apperr.Forbidden, msg("error.staff_only"))
	}
	lang := httpx.Lang(r)
	items, err := s.Grants.OverdueReports(r.Context(), u)
	if err != nil {
		return err
	}
	v := overdueView{}
	for _, it := range items {
		v.Rows = append(v.Rows, overdueRow{CaseNumber: it.CaseNumber, Title: titleOr(it.Title, lang),
			Kind: reportKind(it.Kind, lang), Due: it.DueDate, Href: reportPath(it.ID)})
	}
	return s.render(w, r, page{Template: "overdue", Title: msg("overdue.title").In(lang), Nav: "inbox", Data: v})
}

// reportRow is one of an application's reports on its page.
type reportRow struct {
	Kind, Due, State, Href string
	Overdue                bool
}

// reportsSection lists the application's reports for its owner and staff:
// kind, due date (a civil date in Oslo) and state, or Rapport forfalt.
func (s *site) reportsSection(ctx context.Context, u model.User, app model.Application, lang i18n.Lang) ([]reportRow, error) {
	if app.ApplicantID != u.ID && !u.IsStaff() {
		return nil, nil
	}
	rs, err := s.Grants.Reports(ctx, u, app.ID)
	if err != nil {
		return nil, err
	}
	var rows []reportRow
	for _, r := range rs {
		row := reportRow{Kind: reportKind(r.Kind, lang), Due: r.DueDate, Overdue: r.Overdue, Href: reportPath(r.ID),
			State: workflow.Report.StateLabel(workflow.State(r.State)).In(lang)}
		if r.Overdue {
			row.State = workflow.ReportOverdueLabel.In(lang)
		}
		rows = append(rows, row)
	}
	return rows, nil
}
