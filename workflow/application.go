package workflow

import "nyttig/internal/i18n"

// State is where an application is in its lifecycle.
type State string

const (
	Draft                State = "draft"
	Submitted            State = "submitted"
	Returned             State = "returned"
	InReview             State = "in_review"
	Recommended          State = "recommended"
	Approved             State = "approved"
	Rejected             State = "rejected"
	Dismissed            State = "dismissed"
	Withdrawn            State = "withdrawn"
	Appealed             State = "appealed"
	Accepted             State = "accepted"
	FinalReportSubmitted State = "final_report_submitted"
	Completed            State = "completed"
)

// Event is something that moves an application from one state to another.
type Event string

const (
	Submit            Event = "submit"
	Return            Event = "return"
	Resubmit          Event = "resubmit"
	StartReview       Event = "start_review"
	Withdraw          Event = "withdraw"
	Recommend         Event = "recommend"
	Approve           Event = "approve"
	Reject            Event = "reject"
	Dismiss           Event = "dismiss"
	Appeal            Event = "appeal"
	Reverse           Event = "reverse"
	Accept            Event = "accept"
	Decline           Event = "decline"
	Lapse             Event = "lapse"
	SubmitFinalReport Event = "submit_final_report"
	ReturnFinalReport Event = "return_final_report"
	Complete          Event = "complete"
)

// ApplicationStates lists every state in lifecycle order, with its labels.
var ApplicationStates = []StateDesc{
	{Draft, i18n.T("Utkast", "Draft")},
	{Submitted, i18n.T("Sendt inn", "Submitted")},
	{Returned, i18n.T("Venter på søker", "Returned for changes")},
	{InReview, i18n.T("Under vurdering", "In review")},
	{Recommended, i18n.T("Innstilt", "Recommended")},
	{Approved, i18n.T("Innvilget", "Approved")},
	{Rejected, i18n.T("Avslått", "Rejected")},
	{Dismissed, i18n.T("Avvist", "Dismissed")},
	{Withdrawn, i18n.T("Trukket", "Withdrawn")},
	{Appealed, i18n.T("Klage mottatt", "Appeal received")},
	{Accepted, i18n.T("Prosjekt pågår", "Project under way")},
	{FinalReportSubmitted, i18n.T("Sluttrapport levert", "Final report submitted")},
	{Completed, i18n.T("Avsluttet", "Completed")},
}

// PartialApprovalLabel is shown for an approval below the requested amount.
var PartialApprovalLabel = i18n.T("Delvis innvilget", "Partly approved")

// undecided are the states from which the applicant may still withdraw.
var undecided = []State{Draft, Submitted, Returned, InReview, Recommended}

// ApplicationTransitions is the application lifecycle: one row per event and
// set of source states. The same event may appear twice when different roles
// may fire it from different states.
var ApplicationTransitions = []Transition{
	{Submit, []State{Draft}, Submitted, []Role{Applicant}, true, []Guard{requireComplete, requireCallOpen},
		i18n.T("Send inn", "Submit")},
	{Return, []State{Submitted, InReview}, Returned, []Role{CaseOfficer}, false, []Guard{requireComment},
		i18n.T("Send tilbake til søker", "Return for changes")},
	{Resubmit, []State{Returned}, Submitted, []Role{Applicant}, true, []Guard{requireComplete},
		i18n.T("Send inn på nytt", "Resubmit")},
	{StartReview, []State{Submitted}, InReview, []Role{CaseOfficer}, false, nil,
		i18n.T("Start vurdering", "Start review")},
	{Withdraw, undecided, Withdrawn, []Role{Applicant}, true, nil,
		i18n.T("Trekk søknaden", "Withdraw")},
	{Recommend, []State{InReview}, Recommended, []Role{CaseOfficer}, false, []Guard{requireRecommendation},
		i18n.T("Innstill", "Recommend")},
	{Approve, []State{Recommended, Appealed}, Approved, []Role{DecisionMaker}, false, []Guard{requireImpartial, requireGrantAmount, requireReasons},
		i18n.T("Innvilg", "Approve")},
	{Reject, []State{Recommended, Appealed}, Rejected, []Role{DecisionMaker}, false, []Guard{requireImpartial, requireReasons},
		i18n.T("Avslå", "Reject")},
	{Dismiss, []State{Submitted, InReview}, Dismissed, []Role{CaseOfficer}, false, []Guard{requireReasons},
		i18n.T("Avvis", "Dismiss")},
	{Dismiss, []State{Recommended, Appealed}, Dismissed, []Role{DecisionMaker}, false, []Guard{requireImpartial, requireReasons},
		i18n.T("Avvis", "Dismiss")},
	{Appeal, []State{Rejected, Dismissed, Approved}, Appealed, []Role{Applicant}, true, []Guard{requireComment},
		i18n.T("Klag på vedtaket", "Appeal the decision")},
	{Reverse, []State{Appealed}, InReview, []Role{CaseOfficer}, false, []Guard{requireComment},
		i18n.T("Omgjør: ny vurdering", "Reverse: review again")},
	{Accept, []State{Approved}, Accepted, []Role{Applicant}, true, nil,
		i18n.T("Aksepter tilskuddet", "Accept the grant")},
	{Decline, []State{Approved}, Withdrawn, []Role{Applicant}, true, nil,
		i18n.T("Takk nei til tilskuddet", "Decline the grant")},
	{Lapse, []State{Approved}, Withdrawn, []Role{System}, false, nil,
		i18n.T("Frist for aksept utløpt", "Acceptance deadline passed")},
	{SubmitFinalReport, []State{Accepted}, FinalReportSubmitted, []Role{Applicant}, true, nil,
		i18n.T("Lever sluttrapport", "Submit final report")},
	{ReturnFinalReport, []State{FinalReportSubmitted}, Accepted, []Role{CaseOfficer}, false, []Guard{requireComment},
		i18n.T("Send sluttrapporten tilbake", "Return the final report")},
	{Complete, []State{FinalReportSubmitted}, Completed, []Role{CaseOfficer, System}, false, []Guard{requireReadyToComplete},
		i18n.T("Avslutt", "Complete")},
}

// Application is the application lifecycle.
var Application = MustNew(ApplicationStates, ApplicationTransitions)
