package letter

// defaultEN are the default English texts, naming the same sections of
// forvaltningsloven as the bokmål ones.
var defaultEN = Texts{
	Title:        "Decision on a grant from {{.Fund}}",
	Subject:      "Decision in case {{.CaseNumber}}: {{.ApplicationTitle}}",
	OurRefLabel:  "Our ref.",
	DateLabel:    "Date",
	Intro:        "We refer to your application for a grant from {{.Fund}} for the project “{{.ApplicationTitle}}”.",
	OutcomeLabel: "Decision",

	OutcomeGranted:   "Granted",
	OutcomePartial:   "Partly granted",
	OutcomeRejected:  "Rejected",
	OutcomeDismissed: "Dismissed",

	DecisionGranted:   "{{.Fund}} grants your application. You receive a grant of {{.Granted}}, the amount you applied for.",
	DecisionPartial:   "{{.Fund}} grants your application in part. You receive a grant of {{.Granted}} of the {{.Requested}} you applied for. The reasons for the amount are given below.",
	DecisionRejected:  "{{.Fund}} rejects your application. The reasons are given below.",
	DecisionDismissed: "{{.Fund}} dismisses your application. This means that we have not considered its merits. The reasons are given below.",

	AmountRequested: "Amount requested",
	AmountGranted:   "Amount granted",

	HeadingPurpose:    "Purpose",
	PurposeIntro:      "The grant is to be used for the project as described in your application:",
	HeadingPeriod:     "Project period",
	Period:            "The project is to be carried out from {{.PeriodStart}} to {{.PeriodEnd}}.",
	HeadingConditions: "Conditions",
	Conditions: "- The grant may only be used for the purpose and within the project period stated in this letter.\n" +
		"- The project must keep accounts of how the grant is spent, so that its use can be checked.\n" +
		"- {{.Municipality}} may check that the grant is used as intended, and you must provide the information we ask for.\n" +
		"- Results and lessons from the project may be shared with other units and described in the fund's annual summary.",

	HeadingPayout:       "Payout",
	PayoutIntro:         "The grant is paid in these parts:",
	PayoutShare:         "Share",
	PayoutWhen:          "Paid",
	PayoutAmount:        "Amount",
	PayoutOnAcceptance:  "When we have received your acceptance",
	PayoutOnFinalReport: "When the final report has been approved",

	HeadingReporting: "Reporting",
	Reporting: "The final report is due by {{.ReportDeadline}}. It must describe what the project has done and achieved measured against its purpose, " +
		"whether and how the results have been put to use, what you have learned, and accounts showing how the grant was spent. " +
		"The head of your unit must confirm the report.",
	HeadingChanges: "Duty to report changes",
	Changes: "You must notify {{.Fund}} at once of any change that matters to the project, such as in its progress, budget, project lead or purpose. " +
		"Significant changes must be approved before they are made.",
	HeadingClawback: "Repayment",
	Clawback: "If the project is not carried out, the grant is used contrary to its purpose or conditions, or the final report is not submitted, " +
		"{{.Municipality}} may demand that all or part of the grant be repaid. Any part of the grant not spent when the project ends must be repaid.",
	HeadingAcceptance: "Acceptance",
	Acceptance:        "You must accept the grant and its conditions by {{.AcceptDeadline}}. If we have not received your acceptance by then, the grant lapses.",

	HeadingReasons: "Reasons",
	ReasonsIntro: "A decision must state its reasons under sections 24 and 25 of the Public Administration Act (forvaltningsloven): " +
		"the rules applied, the facts relied on and the main considerations.",
	HeadingRules:          "Rules applied",
	HeadingFacts:          "Facts",
	HeadingConsiderations: "Main considerations",

	HeadingAppeal: "Your right to appeal",
	Appeal: "You may appeal against this decision under section 28 of the Public Administration Act (forvaltningsloven). " +
		"The deadline for appealing is three weeks from the day you received this letter (section 29). It is enough that the appeal is sent before the deadline.",
	AppealHow: "The appeal must be in writing and sent to {{.AppealAddress}}. State which decision you are appealing against (our ref. {{.CaseNumber}}), " +
		"the change you want, and why. The appeal must be signed (section 32). " +
		"If we do not change the decision ourselves, we send the appeal to the appeals body for a final decision.",
	HeadingAccess: "Access to the case documents",
	Access:        "You have the right to see the documents in the case (sections 18 and 19 of the Public Administration Act). Contact us if you wish to see them.",

	Closing:             "Yours sincerely",
	ElectronicSignature: "This document has been approved electronically and therefore has no handwritten signature.",
	PageOf:              "Page {{.Page}} of {{.Pages}}",
	Watermark:           "DRAFT",
}
