package letter

import (
	"strconv"
	"strings"
)

// body draws the letter below the letterhead, in the order a reader needs
// it: what was decided, on what terms, why, and how to appeal.
func (l *layout) body() {
	pdf := l.pdf
	l.setFont(true, titleSize)
	pdf.MultiCell(textW, 6.5, l.line(l.tx.Title), "", "L", false)
	pdf.Ln(3)
	l.para(l.text(l.tx.Intro))
	l.decision()
	if l.d.Outcome == Approve {
		l.grant()
	}
	l.reasons()
	l.appeal()
	l.signature()
}

// decision states the outcome in bold and the amounts side by side.
func (l *layout) decision() {
	label, sentence := l.tx.OutcomeGranted, l.tx.DecisionGranted
	switch {
	case l.d.Outcome == Reject:
		label, sentence = l.tx.OutcomeRejected, l.tx.DecisionRejected
	case l.d.Outcome == Dismiss:
		label, sentence = l.tx.OutcomeDismissed, l.tx.DecisionDismissed
	case l.d.partial():
		label, sentence = l.tx.OutcomePartial, l.tx.DecisionPartial
	}
	l.ensure(6 + 4*lineH)
	l.setFont(true, headingSize)
	l.pdf.MultiCell(textW, 6, l.line(l.tx.OutcomeLabel)+": "+l.line(label), "", "L", false)
	l.pdf.Ln(1)
	l.para(l.text(sentence))
	l.row(cell{text: l.line(l.tx.AmountRequested), w: 60}, cell{text: l.vals[phRequested], w: 45, align: "R"})
	l.row(cell{text: l.line(l.tx.AmountGranted), w: 60, bold: true}, cell{text: l.vals[phGranted], w: 45, align: "R", bold: true})
	l.pdf.Ln(2)
}

// grant states the terms of a grant: purpose, period, conditions, payout,
// reporting, changes, claw-back and acceptance.
func (l *layout) grant() {
	l.heading(l.tx.HeadingPurpose)
	l.para(l.text(l.tx.PurposeIntro))
	l.para(l.fonts.clean(l.d.Purpose, true))
	l.heading(l.tx.HeadingPeriod)
	l.para(l.text(l.tx.Period))
	l.heading(l.tx.HeadingConditions)
	conditions := l.text(l.tx.Conditions)
	for _, c := range l.d.Conditions {
		if c = strings.TrimSpace(l.value(c)); c != "" {
			conditions += "\n- " + c
		}
	}
	l.para(conditions)
	l.payout()
	l.heading(l.tx.HeadingReporting)
	l.para(l.text(l.tx.Reporting))
	l.heading(l.tx.HeadingChanges)
	l.para(l.text(l.tx.Changes))
	l.heading(l.tx.HeadingClawback)
	l.para(l.text(l.tx.Clawback))
	l.heading(l.tx.HeadingAcceptance)
	l.para(l.text(l.tx.Acceptance))
}

// payout lists the tranches: share, when, amount.
func (l *layout) payout() {
	l.heading(l.tx.HeadingPayout)
	l.para(l.text(l.tx.PayoutIntro))
	const shareW, amountW = 20.0, 40.0
	whenW := textW - shareW - amountW
	l.row(cell{text: l.line(l.tx.PayoutShare), w: shareW, bold: true},
		cell{text: l.line(l.tx.PayoutWhen), w: whenW, bold: true},
		cell{text: l.line(l.tx.PayoutAmount), w: amountW, align: "R", bold: true})
	for _, p := range l.d.Payouts {
		when := l.value(p.Condition)
		if strings.TrimSpace(when) == "" {
			when = l.line(l.tx.PayoutOnAcceptance)
			if p.Trigger == OnFinalReport {
				when = l.line(l.tx.PayoutOnFinalReport)
			}
		}
		l.row(cell{text: strconv.Itoa(p.Percent) + "\u00a0%", w: shareW},
			cell{text: when, w: whenW},
			cell{text: formatAmount(p.Amount, l.d.Language), w: amountW, align: "R"})
	}
	l.pdf.Ln(2)
}

// reasons gives the grounds in the three parts forvaltningsloven asks for.
func (l *layout) reasons() {
	l.heading(l.tx.HeadingReasons)
	l.para(l.text(l.tx.ReasonsIntro))
	for _, part := range []struct{ heading, text string }{
		{l.tx.HeadingRules, l.d.Reasons.Rules},
		{l.tx.HeadingFacts, l.d.Reasons.Facts},
		{l.tx.HeadingConsiderations, l.d.Reasons.Considerations},
	} {
		l.subheading(part.heading)
		l.para(l.fonts.clean(part.text, true))
	}
}

// appeal states the right to appeal, the deadline, where and how, and the
// right to see the case documents.
func (l *layout) appeal() {
	l.heading(l.tx.HeadingAppeal)
	l.para(l.text(l.tx.Appeal))
	l.para(l.text(l.tx.AppealHow))
	l.heading(l.tx.HeadingAccess)
	l.para(l.text(l.tx.Access))
}

// signature closes the letter, kept whole on one page.
func (l *layout) signature() {
	pdf := l.pdf
	const height = 2 + lineH + 1.5 + 3 + 3*lineH + 3 + 4.5
	l.ensure(height)
	pdf.Ln(2)
	l.para(l.text(l.tx.Closing))
	pdf.Ln(3)
	l.setFont(true, bodySize)
	pdf.MultiCell(textW, lineH, l.vals[phSignerName], "", "L", false)
	l.setFont(false, bodySize)
	if l.vals[phSignerTitle] != "" {
		pdf.MultiCell(textW, lineH, l.vals[phSignerTitle], "", "L", false)
	}
	pdf.MultiCell(textW, lineH, l.vals[phFund], "", "L", false)
	pdf.Ln(3)
	l.setFont(false, smallSize+1)
	pdf.SetTextColor(90, 90, 90)
	pdf.MultiCell(textW, 4.5, l.line(l.tx.ElectronicSignature), "", "L", false)
	pdf.SetTextColor(0, 0, 0)
}
