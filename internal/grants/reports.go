package grants

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// Reporting: the progress and final reports an acceptance creates, their
// lifecycle (workflow.Report), the unit leader's evaluation, and the
// completion of a case. The final report moves the application with it:
// submitting it moves the application to final_report_submitted,
// returning it moves the application back, and approving it makes the
// held-back tranche due.

var (
	nounReport      = i18n.T("rapporten", "the report")
	msgReportClosed = i18n.T("Rapporten kan bare endres som utkast eller når den er sendt tilbake.",
		"The report can only be changed as a draft or when it has been returned.")
	msgNotReporting     = i18n.T("Søknaden er ikke i en fase med rapportering.", "The application is not in its reporting phase.")
	msgSummaryFinalOnly = i18n.T("Bare sluttrapporten har et offentlig sammendrag.", "Only the final report has a public summary.")
	msgNotLeader        = i18n.T("Bare søkerens enhetsleder kan evaluere prosjektet.",
		"Only the applicant's unit leader can evaluate the project.")
)

// reportingStates are the application states in which reports are written
// and handled.
var reportingStates = []workflow.State{workflow.Accepted, workflow.FinalReportSubmitted}

// ReportPlan lists the reports an application accepted at acceptedAt
// owes: a progress report every progressMonths months from the acceptance
// (in Oslo) until the project's end, and the final report due on the date
// the decision letter states, reportMonths after the project's end.
func ReportPlan(a model.Application, reportMonths, progressMonths int, acceptedAt time.Time) []model.Report {
	end, ok := model.ParseDate(a.EndDate)
	if !ok {
		return nil
	}
	var plan []model.Report
	if progressMonths > 0 {
		start := acceptedAt.In(workflow.Oslo)
		start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
		for k := 1; ; k++ {
			due := start.AddDate(0, k*progressMonths, 0)
			if !due.Before(end) {
				break
			}
			plan = append(plan, model.Report{Kind: model.ReportProgress, DueDate: due.Format(time.DateOnly)})
		}
	}
	final := end.AddDate(0, reportMonths, 0)
	return append(plan, model.Report{Kind: model.ReportFinal, DueDate: final.Format(time.DateOnly)})
}

// reportsAtAcceptance is the report plan of an application accepted now.
func (s *Service) reportsAtAcceptance(ctx context.Context, a model.Application, call model.Call) ([]model.Report, error) {
	months, err := s.Store.ProgressReportMonths(ctx, call.ID)
	if err != nil {
		return nil, err
	}
	return ReportPlan(a, call.ReportMonths, months, s.Now()), nil
}

// overdue marks r when it is unsubmitted past its due date in Oslo.
func (s *Service) overdue(r *model.Report) {
	open := r.State == string(workflow.ReportDraft) || r.State == string(workflow.ReportReturned)
	r.Overdue = open && r.DueDate < s.Now().In(workflow.Oslo).Format(time.DateOnly)
}

// Reports lists the reports of an application u may see.
func (s *Service) Reports(ctx context.Context, u model.User, appID int64) ([]model.Report, error) {
	if _, err := s.Application(ctx, u, appID); err != nil {
		return nil, err
	}
	rs, err := s.Store.Reports(ctx, appID)
	for i := range rs {
		s.overdue(&rs[i])
	}
	return rs, err
}

// Report returns a report of an application u may see, marked overdue
// when it is.
func (s *Service) Report(ctx context.Context, u model.User, id int64) (model.Report, error) {
	r, _, err := s.report(ctx, u, id)
	s.overdue(&r)
	return r, err
}

// report returns a report of an application u may see, with it.
func (s *Service) report(ctx context.Context, u model.User, id int64) (model.Report, model.Application, error) {
	r, err := s.Store.Report(ctx, id)
	if err != nil {
		return r, model.Application{}, err
	}
	a, err := s.Application(ctx, u, r.ApplicationID)
	if apperr.Is(err, apperr.NotFound) {
		return r, a, apperr.New(apperr.NotFound, i18n.T("Fant ikke rapporten.", "Report not found."))
	}
	return r, a, err
}

// UpdateReport replaces the content of u's own draft or returned report.
func (s *Service) UpdateReport(ctx context.Context, u model.User, id int64, c model.ReportContent, requestID string) (model.Report, error) {
	if _, _, err := s.report(ctx, u, id); err != nil {
		return model.Report{}, err
	}
	for _, p := range []*string{&c.WorkDone, &c.Results, &c.InUse, &c.Spread, &c.Lessons, &c.Summary} {
		*p = strings.TrimSpace(*p)
	}
	r, err := s.Store.UpdateReport(ctx, id, c, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()},
		func(cur model.Report, app model.Application) error {
			switch {
			case app.ApplicantID != u.ID:
				return apperr.New(apperr.Forbidden, msgNotYours)
			case cur.State != string(workflow.ReportDraft) && cur.State != string(workflow.ReportReturned):
				return apperr.New(apperr.Conflict, msgReportClosed)
			case !slices.Contains(reportingStates, app.State):
				return apperr.New(apperr.Conflict, msgNotReporting)
			}
			fe := c.Check(len(app.BudgetLines))
			if cur.Kind != model.ReportFinal && c.Summary != "" {
				fe["summary"] = msgSummaryFinalOnly
			}
			if len(fe) > 0 {
				return apperr.Fields(fe)
			}
			return nil
		})
	if err != nil {
		return r, err
	}
	s.overdue(&r)
	return r, nil
}

// finalReportEvents are the application's events that go with the final
// report's.
var finalReportEvents = map[workflow.Event]workflow.Event{
	workflow.SubmitReport: workflow.SubmitFinalReport,
	workflow.ReturnReport: workflow.ReturnFinalReport,
}

// FireReport carries out report event e on report id for u with a comment
// (a message to the applicant when returning). Approving the final report
// makes the held-back tranche due and completes the case when the rest is
// in place.
func (s *Service) FireReport(ctx context.Context, u model.User, id int64, e workflow.Event, comment, requestID string) (model.Report, error) {
	if !workflow.Report.KnownEvent(e) {
		return model.Report{}, apperr.New(apperr.NotFound, msgUnknownEvent)
	}
	if _, _, err := s.report(ctx, u, id); err != nil {
		return model.Report{}, err
	}
	comment = strings.TrimSpace(comment)
	switch {
	case !model.ValidText(comment):
		return model.Report{}, apperr.Fields(map[string]i18n.Text{"comment": msgBadChars})
	case utf8.RuneCountInString(comment) > model.MaxText:
		return model.Report{}, apperr.Fields(map[string]i18n.Text{"comment": i18n.Tf(
			"Kan ikke være lengre enn %d tegn.", "Cannot be longer than %d characters.", model.MaxText)})
	}
	now := s.Now()
	r, err := s.Store.ReportTransition(ctx, id, store.Change{ActorID: u.ID, RequestID: requestID, Now: now},
		func(cur model.Report, app model.Application) (store.ReportStep, error) {
			facts := workflow.Facts{Now: now, Comment: comment, Incomplete: cur.Missing()}
			who := actor(u, app)
			to, err := workflow.Report.Fire(ctx, workflow.State(cur.State), e, who, facts)
			if err != nil {
				return store.ReportStep{}, financeError(workflow.Report, nounReport, err, workflow.State(cur.State), e)
			}
			if !slices.Contains(reportingStates, app.State) {
				return store.ReportStep{}, apperr.New(apperr.Conflict, msgNotReporting)
			}
			step := store.ReportStep{To: to, Event: e, Comment: comment}
			if appEvent, ok := finalReportEvents[e]; ok && cur.Kind == model.ReportFinal {
				step.AppEvent = appEvent
				step.AppTo, err = workflow.Application.Fire(ctx, app.State, appEvent, who, facts)
				if err != nil {
					return store.ReportStep{}, fireError(err, app.State, appEvent)
				}
			}
			return step, nil
		})
	if err != nil {
		return r, err
	}
	if r.Kind == model.ReportFinal && e == workflow.ApproveReport {
		if _, err := s.FinalReportApproved(ctx, r.ApplicationID, requestID); err != nil {
			return r, err
		}
		if err := s.completeIfReady(ctx, r.ApplicationID, requestID); err != nil {
			return r, err
		}
	}
	s.overdue(&r)
	return r, nil
}

// ReportHistory returns the history of a report u may see.
func (s *Service) ReportHistory(ctx context.Context, u model.User, id int64) ([]model.HistoryEntry, error) {
	if _, _, err := s.report(ctx, u, id); err != nil {
		return nil, err
	}
	return s.Store.ReportHistory(ctx, id)
}

// OverdueReports lists, for case officers and administrators, the reports
// not submitted by their due date (Rapport forfalt).
func (s *Service) OverdueReports(ctx context.Context, u model.User) ([]store.OverdueReport, error) {
	if !u.Has(workflow.CaseOfficer) && !u.Has(workflow.Admin) {
		return nil, apperr.New(apperr.Forbidden, msgStaffOnly)
	}
	return s.Store.OverdueReports(ctx, s.Now().In(workflow.Oslo).Format(time.DateOnly))
}

// mayEvaluate reports whether u is the applicant's unit leader: their
// leader, or a unit leader of their unit.
func (s *Service) mayEvaluate(ctx context.Context, u model.User, a model.Application) (bool, error) {
	if !u.Has(workflow.UnitLeader) || a.ApplicantID == u.ID {
		return false, nil
	}
	applicant, err := s.Store.UserByID(ctx, a.ApplicantID)
	if err != nil {
		return false, err
	}
	ownLeader := applicant.LeaderID != nil && *applicant.LeaderID == u.ID
	sameUnit := u.Unit != "" && u.Unit == applicant.Unit
	return ownLeader || sameUnit, nil
}

// ProjectsToEvaluate lists, for a unit leader, the accepted projects of
// the people they lead and of their unit: those they evaluate at the end.
func (s *Service) ProjectsToEvaluate(ctx context.Context, u model.User) ([]store.ToEvaluate, error) {
	if !u.Has(workflow.UnitLeader) {
		return nil, apperr.New(apperr.Forbidden, msgNotLeader)
	}
	return s.Store.ProjectsToEvaluate(ctx, u.ID, u.Unit)
}

// EvaluationApplication returns the application u is to evaluate as the
// applicant's unit leader, or why not: Forbidden for anyone else, and for
// who is no unit leader only what they may see of the application (404).
func (s *Service) EvaluationApplication(ctx context.Context, u model.User, appID int64) (model.Application, error) {
	a, err := s.Store.Application(ctx, appID)
	if err != nil {
		return a, err
	}
	ok, err := s.mayEvaluate(ctx, u, a)
	if err != nil {
		return a, err
	}
	if !ok && !u.Has(workflow.UnitLeader) {
		if _, err := s.Application(ctx, u, appID); err != nil {
			return model.Application{}, err
		}
	}
	if !ok {
		return model.Application{}, apperr.New(apperr.Forbidden, msgNotLeader)
	}
	return a, nil
}

// PutEvaluation stores the end-of-project evaluation of application appID
// by u, the applicant's unit leader, and completes the case when the rest
// is in place. People who may not see the application learn nothing of it.
func (s *Service) PutEvaluation(ctx context.Context, u model.User, appID int64, f model.EvaluationFields, requestID string) (model.Evaluation, error) {
	if _, err := s.EvaluationApplication(ctx, u, appID); err != nil {
		return model.Evaluation{}, err
	}
	for _, b := range []*model.Benefit{&f.Quality, &f.Efficiency, &f.AvoidedCosts, &f.Employee, &f.Citizen} {
		b.Text = strings.TrimSpace(b.Text)
	}
	if fe := f.Check(); len(fe) > 0 {
		return model.Evaluation{}, apperr.Fields(fe)
	}
	ev, err := s.Store.PutEvaluation(ctx, appID, f, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()},
		func(cur model.Application) error {
			if !slices.Contains(reportingStates, cur.State) {
				return apperr.New(apperr.Conflict, msgNotReporting)
			}
			return nil
		})
	if err != nil {
		return ev, err
	}
	return ev, s.completeIfReady(ctx, appID, requestID)
}

// completeIfReady completes application appID as the system when its
// final report is approved, its evaluation is in and every tranche is paid
// or cancelled; otherwise it leaves it.
func (s *Service) completeIfReady(ctx context.Context, appID int64, requestID string) error {
	final, evaluated, open, err := s.Store.CompletionFacts(ctx, appID)
	if err != nil || !final || !evaluated || open > 0 {
		return err
	}
	_, err = s.Fire(ctx, SystemUser, appID, workflow.Complete, "", requestID)
	if apperr.Is(err, apperr.Conflict) {
		return nil // not yet submitted as final, or completed meanwhile
	}
	return err
}

// CompleteReady completes, as the system, every case that is ready: its
// final report approved, its evaluation in and every tranche paid or
// cancelled. Run it periodically (the last payment usually makes a case
// ready); it returns how many were completed.
func (s *Service) CompleteReady(ctx context.Context) (int, error) {
	ids, err := s.Store.ReadyToComplete(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		_, err := s.Fire(ctx, SystemUser, id, workflow.Complete, "", "deadline")
		switch {
		case err == nil:
			n++
		case !apperr.Is(err, apperr.Conflict):
			return n, err
		}
	}
	return n, nil
}
