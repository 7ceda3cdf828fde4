package letter

import (
	"time"

	"nyttig/internal/i18n"
	"nyttig/internal/money"
)

// Outcome is the decision on an application, as the workflow names it.
type Outcome string

const (
	// Approve grants money: in full when Granted equals Requested, in part
	// when it is less.
	Approve Outcome = "approve"
	// Reject refuses the application on its merits (avslag).
	Reject Outcome = "reject"
	// Dismiss refuses to consider the application (avvisning).
	Dismiss Outcome = "dismiss"
)

// Trigger says when a payout tranche falls due; the Template words it in the
// letter's language.
type Trigger string

const (
	// OnAcceptance pays when the applicant has accepted the grant.
	OnAcceptance Trigger = "acceptance"
	// OnFinalReport pays when the final report has been approved.
	OnFinalReport Trigger = "final_report"
)

// Tranche is one part of the payout plan.
type Tranche struct {
	Percent int       // share of the grant, 1–100
	Amount  money.Ore // the tranche's amount
	Trigger Trigger   // when it is paid; words from the Template
	// Condition, when not empty, replaces the Template's words for Trigger.
	Condition string
}

// Reasons are the three parts of a decision's grounds (forvaltningsloven
// § 25). The fields match model.Reasons, so one converts to the other.
type Reasons struct {
	Rules          string // the rules applied
	Facts          string // the facts the decision builds on
	Considerations string // the main considerations
}

// Data is everything one letter says that is not fixed template text. Text
// fields are shown literally: markup is not interpreted, control characters
// are dropped, and characters the font lacks are shown as "?". In the long
// text fields (Purpose, Conditions, Reasons) a blank line starts a new
// paragraph and a line starting with "- " is a bullet.
type Data struct {
	Language     i18n.Lang // i18n.NB or i18n.EN: the applicant's language
	Municipality string    // "Sandnes kommune"
	Fund         string    // "Innovasjonsfondet"
	Logo         []byte    // PNG or JPEG; optional

	Addressee  string    // the applicant's name
	Unit       string    // the applicant's unit (enhet)
	CaseNumber string    // "2026/0042"
	Date       time.Time // the moment of decision; shown in Europe/Oslo

	ApplicationTitle string
	Outcome          Outcome
	Requested        money.Ore
	Granted          money.Ore // zero unless Outcome is Approve

	// The rest of the grant part; used only when Outcome is Approve.
	Purpose        string    // the application's summary
	PeriodStart    time.Time // project period, inclusive
	PeriodEnd      time.Time
	Conditions     []string // special conditions beyond the Template's standard ones
	Payouts        []Tranche
	ReportDeadline time.Time
	AcceptDeadline time.Time

	Reasons Reasons

	SignerName  string
	SignerTitle string

	// Draft marks a preview: every page carries the Template's watermark.
	Draft bool
}

// partial reports whether an approval grants less than was asked for.
func (d *Data) partial() bool { return d.Outcome == Approve && d.Granted < d.Requested }
