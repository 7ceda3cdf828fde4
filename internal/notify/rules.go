package notify

import "nyttig/workflow"

// Audience is who a notice goes to. The store resolves it to users in the
// transaction that writes the notice, leaving out the person who caused
// the event and anyone who has declared a conflict of interest in the
// application.
type Audience string

// The audiences.
const (
	ToApplicant      Audience = "applicant"       // the application's project lead
	ToUnitLeader     Audience = "unit_leader"     // the project lead's leader
	ToCaseOfficers   Audience = "case_officers"   // everyone with the role
	ToDecisionMakers Audience = "decision_makers" // everyone with the role
	ToAttestants     Audience = "attestants"      // everyone with the role
	ToAuthorisers    Audience = "authorisers"     // everyone with the role
	ToUser           Audience = "user"            // Notice.UserID
)

// Role is the role an audience made of everyone with a role has.
func (a Audience) Role() (workflow.Role, bool) {
	switch a {
	case ToCaseOfficers:
		return workflow.CaseOfficer, true
	case ToDecisionMakers:
		return workflow.DecisionMaker, true
	case ToAttestants:
		return workflow.FinanceAttestant, true
	case ToAuthorisers:
		return workflow.FinanceAuthoriser, true
	}
	return "", false
}

// Notice is a notification to write: a kind, an audience, and what it is
// about. Every notice is about an application; ReportID and PayoutID
// narrow it down where they are set.
type Notice struct {
	Kind          Kind
	To            Audience
	UserID        int64 // with ToUser
	ApplicationID int64
	ReportID      int64
	PayoutID      int64
	Params        Params
}

// Params are the details a notification's text needs beyond its
// application: they are stored with it as JSON.
type Params struct {
	// Outcome is the state a decision left the application in.
	Outcome string `json:"outcome,omitempty"`
	// Due is a deadline as an Oslo date (YYYY-MM-DD).
	Due string `json:"due,omitempty"`
	// Step names a reminder: "before", "due" or "overdue".
	Step string `json:"step,omitempty"`
}

// ForApplication is whom an application event concerns, and why.
func ForApplication(appID int64, e workflow.Event, to workflow.State) []Notice {
	n := func(k Kind, a Audience) []Notice {
		return []Notice{{Kind: k, To: a, ApplicationID: appID, Params: Params{Outcome: string(to)}}}
	}
	switch e {
	case workflow.Submit, workflow.Resubmit:
		return n(ApplicationSubmitted, ToCaseOfficers)
	case workflow.Return:
		return n(ApplicationReturned, ToApplicant)
	case workflow.Recommend:
		return n(RecommendationReady, ToDecisionMakers)
	case workflow.Approve, workflow.Reject, workflow.Dismiss, workflow.Reverse:
		return n(DecisionMade, ToApplicant)
	case workflow.Lapse:
		return n(GrantLapsed, ToApplicant)
	case workflow.Appeal:
		return n(AppealReceived, ToCaseOfficers)
	}
	return nil
}

// ForReport is whom a report event concerns. final tells the final report
// from a progress report: its approval asks the unit leader to evaluate.
func ForReport(appID, reportID int64, e workflow.Event, final bool) []Notice {
	n := func(k Kind, a Audience) []Notice {
		return []Notice{{Kind: k, To: a, ApplicationID: appID, ReportID: reportID}}
	}
	switch {
	case e == workflow.SubmitReport:
		return n(ReportSubmitted, ToCaseOfficers)
	case e == workflow.ReturnReport:
		return n(ReportReturned, ToApplicant)
	case e == workflow.ApproveReport && final:
		return n(EvaluationDue, ToUnitLeader)
	}
	return nil
}

// ForPayout is whom a payout event concerns: each step of the four-eyes
// control tells the next person in line.
func ForPayout(appID, payoutID int64, e workflow.Event) []Notice {
	n := func(k Kind, a Audience) []Notice {
		return []Notice{{Kind: k, To: a, ApplicationID: appID, PayoutID: payoutID}}
	}
	switch e {
	case workflow.MakeDue, workflow.Reopen:
		return n(PayoutToAttest, ToAttestants)
	case workflow.Attest:
		return n(PayoutToAuthorise, ToAuthorisers)
	case workflow.SendBack:
		return n(PayoutSentBack, ToCaseOfficers)
	case workflow.Authorise:
		return n(PayoutPaid, ToApplicant)
	}
	return nil
}

// ForClawback is whom a claw-back event concerns.
func ForClawback(appID int64, e workflow.Event) []Notice {
	if e == workflow.RaiseClawback {
		return []Notice{{Kind: ClawbackRaised, To: ToApplicant, ApplicationID: appID}}
	}
	return nil
}

// ForAssignment tells a reviewer of an application to score.
func ForAssignment(appID, reviewerID int64) []Notice {
	return []Notice{{Kind: ReviewAssigned, To: ToUser, UserID: reviewerID, ApplicationID: appID}}
}
