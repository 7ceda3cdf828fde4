// Package notify owns notifications: the kinds of things someone must act
// on, who is told of which lifecycle event, what each notification says in
// bokmål and English, how a user wants to be mailed (immediately, in a
// daily digest, or not at all), and the mail itself.
//
// It holds rules and texts only. The store writes notifications in the
// transaction of the event that causes them (the outbox), and the jobs
// package delivers the mail.
package notify

import (
	"fmt"
	"slices"

	"nyttig/internal/i18n"
)

// Kind is what a notification is about; a user's mail preference is set
// per kind.
type Kind string

// The kinds, in the order the preferences page lists them.
const (
	ApplicationSubmitted Kind = "application_submitted" // case officers: a new case to screen
	ApplicationReturned  Kind = "application_returned"  // applicant: changes asked for
	ReviewAssigned       Kind = "review_assigned"       // reviewer: an application to score
	ReviewDue            Kind = "review_due"            // reviewer: the review deadline is near
	RecommendationReady  Kind = "recommendation_ready"  // decision makers: a case to decide
	DecisionMade         Kind = "decision_made"         // applicant: the decision and its letter
	GrantLapsed          Kind = "grant_lapsed"          // applicant: not accepted in time
	AppealReceived       Kind = "appeal_received"       // case officers: an appeal to handle
	ProvisionalReply     Kind = "provisional_reply"     // applicant: not decided within a month (fvl. § 11a)
	PayoutToAttest       Kind = "payout_to_attest"      // attestants: a tranche is due
	PayoutToAuthorise    Kind = "payout_to_authorise"   // authorisers: a tranche is attested
	PayoutSentBack       Kind = "payout_sent_back"      // case officers: finance sent a tranche back
	PayoutPaid           Kind = "payout_paid"           // applicant: money on its way
	ClawbackRaised       Kind = "clawback_raised"       // applicant: money to pay back
	ReportDue            Kind = "report_due"            // applicant: a report is due or overdue
	ReportSubmitted      Kind = "report_submitted"      // case officers: a report to approve
	ReportReturned       Kind = "report_returned"       // applicant: a report needs changes
	EvaluationDue        Kind = "evaluation_due"        // unit leader: the final report is approved
)

// Kinds lists every kind.
var Kinds = []Kind{ApplicationSubmitted, ApplicationReturned, ReviewAssigned, ReviewDue, RecommendationReady,
	DecisionMade, GrantLapsed, AppealReceived, ProvisionalReply, PayoutToAttest, PayoutToAuthorise, PayoutSentBack, PayoutPaid,
	ClawbackRaised, ReportDue, ReportSubmitted, ReportReturned, EvaluationDue}

// Known reports whether k is one of Kinds.
func Known(k Kind) bool { return slices.Contains(Kinds, k) }

// Mode is how a user is mailed about a kind. The notification is in the
// app's list whatever the mode.
type Mode string

// The modes.
const (
	Immediately Mode = "immediately"
	Digest      Mode = "digest"
	Off         Mode = "off"
)

// Modes lists the modes.
var Modes = []Mode{Immediately, Digest, Off}

// ParseMode returns the mode named s, or an error that says which exist.
func ParseMode(s string) (Mode, error) {
	m := Mode(s)
	if slices.Contains(Modes, m) {
		return m, nil
	}
	return "", fmt.Errorf("unknown mode %q (immediately, digest or off)", s)
}

// DefaultMode is the mode of a kind the user has not chosen one for:
// every kind is mailed at once until the user says otherwise.
const DefaultMode = Immediately

// Label is the kind's name on the preferences page.
func (k Kind) Label() i18n.Text { return kindTexts[k].label }

// ModeLabel names a mode on the preferences page.
func ModeLabel(m Mode) i18n.Text {
	switch m {
	case Immediately:
		return i18n.T("Straks", "Immediately")
	case Digest:
		return i18n.T("Daglig samlet e-post", "Daily digest")
	}
	return i18n.T("Ingen e-post", "No email")
}
