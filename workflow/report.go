package workflow

import "nyttig/internal/i18n"

// Report states: a progress report or the final report (sluttrapport) of
// an accepted grant, from the project lead's draft to the case officer's
// approval.
const (
	ReportDraft     State = "draft"
	ReportSubmitted State = "submitted"
	ReportReturned  State = "returned"
	ReportApproved  State = "approved"
)

// Report events. CreateReport names the history row of a report's creation
// at acceptance; it is not a transition.
const (
	CreateReport  Event = "create"
	SubmitReport  Event = "submit"
	ApproveReport Event = "approve"
	ReturnReport  Event = "return"
)

// ReportStates lists the report states in lifecycle order, with labels.
var ReportStates = []StateDesc{
	{ReportDraft, i18n.T("Utkast", "Draft")},
	{ReportSubmitted, i18n.T("Levert", "Submitted")},
	{ReportReturned, i18n.T("Sendt tilbake", "Returned")},
	{ReportApproved, i18n.T("Godkjent", "Approved")},
}

// ReportOverdueLabel marks a report whose due date has passed unsubmitted.
var ReportOverdueLabel = i18n.T("Rapport forfalt", "Report overdue")

// ReportTransitions is the report lifecycle: the project lead submits their
// own report; the case officer approves it or returns it with a message.
var ReportTransitions = []Transition{
	{SubmitReport, []State{ReportDraft, ReportReturned}, ReportSubmitted, []Role{Applicant}, true, []Guard{requireComplete},
		i18n.T("Lever rapporten", "Submit the report")},
	{ApproveReport, []State{ReportSubmitted}, ReportApproved, []Role{CaseOfficer}, false, nil,
		i18n.T("Godkjenn rapporten", "Approve the report")},
	{ReturnReport, []State{ReportSubmitted}, ReportReturned, []Role{CaseOfficer}, false, []Guard{requireComment},
		i18n.T("Send rapporten tilbake", "Return the report")},
}

// Report is the report lifecycle.
var Report = MustNew(ReportStates, ReportTransitions)

// requireReadyToComplete holds when the final report is approved, the unit
// leader's evaluation is in and no tranche is left unpaid.
func requireReadyToComplete(f Facts) *GuardError {
	fields := map[string]i18n.Text{}
	if !f.FinalReportApproved {
		fields["final_report"] = i18n.T("Sluttrapporten er ikke godkjent.", "The final report is not approved.")
	}
	if !f.EvaluationIn {
		fields["evaluation"] = i18n.T("Enhetslederens evaluering mangler.", "The unit leader's evaluation is missing.")
	}
	if f.TranchesOpen > 0 {
		fields["payouts"] = i18n.Tf("%d utbetaling(er) er verken utbetalt eller kansellert.",
			"%d payout(s) are neither paid nor cancelled.", f.TranchesOpen)
	}
	if len(fields) == 0 {
		return nil
	}
	return &GuardError{Fields: fields}
}
