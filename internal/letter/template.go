package letter

import "nyttig/internal/i18n"

// Template holds every fixed text of a fund's decision letters, in both
// languages, including the legal references: they are text here, not code,
// so an admin can follow a renumbered forvaltningsloven (LOV-2025-06-20-81)
// without a release. It is plain JSON for storing per fund.
//
// A text may contain placeholders written {{.Name}}, filled from the letter:
// Municipality, Fund, Addressee, Unit, CaseNumber, Date, ApplicationTitle,
// Requested, Granted, PeriodStart, PeriodEnd, ReportDeadline, AcceptDeadline,
// SignerName, SignerTitle and AppealAddress; the page footer (PageOf) also
// has Page and Pages, and must use both. PeriodStart, PeriodEnd,
// ReportDeadline and AcceptDeadline are empty in a refusal, which shows
// only the texts about the outcome, the reasons and the right to appeal.
// In the longer texts a blank line
// starts a new paragraph and a line starting with "- " is a bullet.
type Template struct {
	// AppealAddress is where and how an appeal is sent, as {{.AppealAddress}}
	// in the texts: "Sandnes kommune, Postboks 583, 4302 Sandnes, eller
	// postmottak@sandnes.kommune.no". It may use the placeholders above
	// except Page, Pages and AppealAddress itself.
	AppealAddress string `json:"appeal_address"`
	NB            Texts  `json:"nb"`
	EN            Texts  `json:"en"`
}

// Texts are the fixed texts of a letter in one language.
type Texts struct {
	Title        string `json:"title"`         // the letter's heading, also the PDF title
	Subject      string `json:"subject"`       // the PDF's subject metadata
	OurRefLabel  string `json:"our_ref_label"` // "Vår ref."
	DateLabel    string `json:"date_label"`    // "Dato"
	Intro        string `json:"intro"`
	OutcomeLabel string `json:"outcome_label"` // "Vedtak"

	OutcomeGranted   string `json:"outcome_granted"` // "Innvilget"
	OutcomePartial   string `json:"outcome_partial"` // "Delvis innvilget"
	OutcomeRejected  string `json:"outcome_rejected"`
	OutcomeDismissed string `json:"outcome_dismissed"`

	DecisionGranted   string `json:"decision_granted"` // the sentence under the outcome
	DecisionPartial   string `json:"decision_partial"`
	DecisionRejected  string `json:"decision_rejected"`
	DecisionDismissed string `json:"decision_dismissed"`

	AmountRequested string `json:"amount_requested"` // "Søkt beløp"
	AmountGranted   string `json:"amount_granted"`   // "Innvilget beløp"

	HeadingPurpose    string `json:"heading_purpose"`
	PurposeIntro      string `json:"purpose_intro"`
	HeadingPeriod     string `json:"heading_period"`
	Period            string `json:"period"`
	HeadingConditions string `json:"heading_conditions"`
	Conditions        string `json:"conditions"` // the standard conditions of every grant

	HeadingPayout       string `json:"heading_payout"`
	PayoutIntro         string `json:"payout_intro"`
	PayoutShare         string `json:"payout_share"`  // column heading
	PayoutWhen          string `json:"payout_when"`   // column heading
	PayoutAmount        string `json:"payout_amount"` // column heading
	PayoutOnAcceptance  string `json:"payout_on_acceptance"`
	PayoutOnFinalReport string `json:"payout_on_final_report"`

	HeadingReporting  string `json:"heading_reporting"`
	Reporting         string `json:"reporting"` // deadline and content of the final report
	HeadingChanges    string `json:"heading_changes"`
	Changes           string `json:"changes"` // the duty to report changes
	HeadingClawback   string `json:"heading_clawback"`
	Clawback          string `json:"clawback"`
	HeadingAcceptance string `json:"heading_acceptance"`
	Acceptance        string `json:"acceptance"`

	HeadingReasons        string `json:"heading_reasons"`
	ReasonsIntro          string `json:"reasons_intro"`
	HeadingRules          string `json:"heading_rules"`
	HeadingFacts          string `json:"heading_facts"`
	HeadingConsiderations string `json:"heading_considerations"`

	HeadingAppeal string `json:"heading_appeal"`
	Appeal        string `json:"appeal"`     // the right to appeal and the deadline
	AppealHow     string `json:"appeal_how"` // where and how
	HeadingAccess string `json:"heading_access"`
	Access        string `json:"access"` // the right to see the case documents

	Closing             string `json:"closing"` // "Med vennlig hilsen"
	ElectronicSignature string `json:"electronic_signature"`
	PageOf              string `json:"page_of"`   // "Side {{.Page}} av {{.Pages}}"
	Watermark           string `json:"watermark"` // "UTKAST" on previews
}

// Texts returns the texts for lang; bokmål unless lang is English.
func (t *Template) Texts(lang i18n.Lang) *Texts {
	if lang == i18n.EN {
		return &t.EN
	}
	return &t.NB
}

// textField is one text of a Texts, named by its JSON key for error messages.
type textField struct {
	key   string
	value string
	paged bool // the page footer: Page and Pages are allowed and required
}

// fields lists every text with its JSON key; TestFieldsCoverTexts keeps it
// in step with the struct.
func (x *Texts) fields() []textField {
	return []textField{
		{"title", x.Title, false}, {"subject", x.Subject, false},
		{"our_ref_label", x.OurRefLabel, false}, {"date_label", x.DateLabel, false},
		{"intro", x.Intro, false},
		{"outcome_label", x.OutcomeLabel, false},
		{"outcome_granted", x.OutcomeGranted, false}, {"outcome_partial", x.OutcomePartial, false},
		{"outcome_rejected", x.OutcomeRejected, false}, {"outcome_dismissed", x.OutcomeDismissed, false},
		{"decision_granted", x.DecisionGranted, false}, {"decision_partial", x.DecisionPartial, false},
		{"decision_rejected", x.DecisionRejected, false}, {"decision_dismissed", x.DecisionDismissed, false},
		{"amount_requested", x.AmountRequested, false}, {"amount_granted", x.AmountGranted, false},
		{"heading_purpose", x.HeadingPurpose, false}, {"purpose_intro", x.PurposeIntro, false},
		{"heading_period", x.HeadingPeriod, false}, {"period", x.Period, false},
		{"heading_conditions", x.HeadingConditions, false}, {"conditions", x.Conditions, false},
		{"heading_payout", x.HeadingPayout, false}, {"payout_intro", x.PayoutIntro, false},
		{"payout_share", x.PayoutShare, false}, {"payout_when", x.PayoutWhen, false},
		{"payout_amount", x.PayoutAmount, false},
		{"payout_on_acceptance", x.PayoutOnAcceptance, false},
		{"payout_on_final_report", x.PayoutOnFinalReport, false},
		{"heading_reporting", x.HeadingReporting, false}, {"reporting", x.Reporting, false},
		{"heading_changes", x.HeadingChanges, false}, {"changes", x.Changes, false},
		{"heading_clawback", x.HeadingClawback, false}, {"clawback", x.Clawback, false},
		{"heading_acceptance", x.HeadingAcceptance, false}, {"acceptance", x.Acceptance, false},
		{"heading_reasons", x.HeadingReasons, false}, {"reasons_intro", x.ReasonsIntro, false},
		{"heading_rules", x.HeadingRules, false}, {"heading_facts", x.HeadingFacts, false},
		{"heading_considerations", x.HeadingConsiderations, false},
		{"heading_appeal", x.HeadingAppeal, false}, {"appeal", x.Appeal, false},
		{"appeal_how", x.AppealHow, false},
		{"heading_access", x.HeadingAccess, false}, {"access", x.Access, false},
		{"closing", x.Closing, false}, {"electronic_signature", x.ElectronicSignature, false},
		{"page_of", x.PageOf, true}, {"watermark", x.Watermark, false},
	}
}
