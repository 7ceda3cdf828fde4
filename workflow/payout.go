package workflow

import (
	"maps"
	"strings"
	"time"

	"nyttig/internal/i18n"
)

// Payout states: one tranche of an accepted grant on its way to the
// recipient. Attestation (attestasjon) and authorisation (anvisning) are
// two different people, and neither is the applicant or a decision maker
// of the application.
const (
	PayoutPlanned   State = "planned"
	PayoutDue       State = "due"
	PayoutAttested  State = "attested"
	PayoutPaid      State = "paid"
	PayoutSentBack  State = "sent_back"
	PayoutCancelled State = "cancelled"
)

// Payout events. CreatePayout names the history row of a tranche's
// creation; it is not a transition.
const (
	CreatePayout Event = "create"
	MakeDue      Event = "make_due"
	Attest       Event = "attest"
	Authorise    Event = "authorise"
	SendBack     Event = "send_back"
	Reopen       Event = "reopen"
	Cancel       Event = "cancel"
)

// PayoutStates lists the payout states in lifecycle order, with labels.
var PayoutStates = []StateDesc{
	{PayoutPlanned, i18n.T("Planlagt", "Planned")},
	{PayoutDue, i18n.T("Til attestasjon", "Awaiting attestation")},
	{PayoutAttested, i18n.T("Til anvisning", "Awaiting authorisation")},
	{PayoutPaid, i18n.T("Utbetalt", "Paid")},
	{PayoutSentBack, i18n.T("Sendt tilbake", "Sent back")},
	{PayoutCancelled, i18n.T("Kansellert", "Cancelled")},
}

// PayoutTransitions is the payout lifecycle. A tranche becomes due when its
// condition is met; a finance attestant attests it; a different person, a
// finance authoriser, authorises it and records the payment. Either may
// send it back to the case officer with a reason, who sends it on again
// once the problem is fixed, or cancels it.
var PayoutTransitions = []Transition{
	{MakeDue, []State{PayoutPlanned}, PayoutDue, []Role{System, CaseOfficer}, false, []Guard{requireConditionMet},
		i18n.T("Frigi til attestasjon", "Release for attestation")},
	{Attest, []State{PayoutDue}, PayoutAttested, []Role{FinanceAttestant}, false, []Guard{requireNotParty, requireRecipient},
		i18n.T("Attester", "Attest")},
	{Authorise, []State{PayoutAttested}, PayoutPaid, []Role{FinanceAuthoriser}, false,
		[]Guard{requireNotParty, requireOtherThanAttester, requireBooking("paid_on")},
		i18n.T("Anvis og marker som utbetalt", "Authorise and mark as paid")},
	{SendBack, []State{PayoutDue}, PayoutSentBack, []Role{FinanceAttestant}, false, []Guard{requireNotParty, requireComment},
		i18n.T("Send tilbake", "Send back")},
	{SendBack, []State{PayoutAttested}, PayoutSentBack, []Role{FinanceAuthoriser}, false, []Guard{requireNotParty, requireComment},
		i18n.T("Send tilbake", "Send back")},
	{Reopen, []State{PayoutSentBack}, PayoutDue, []Role{CaseOfficer}, false, nil,
		i18n.T("Send til attestasjon igjen", "Send for attestation again")},
	{Cancel, []State{PayoutPlanned, PayoutDue, PayoutAttested, PayoutSentBack}, PayoutCancelled, []Role{CaseOfficer}, false,
		[]Guard{requireComment}, i18n.T("Kanseller utbetalingen", "Cancel the payout")},
}

// Payout is the payout lifecycle.
var Payout = MustNew(PayoutStates, PayoutTransitions)

// Claw-back states: a demand for repayment (krav om tilbakebetaling) that
// finance records as repaid or writes off.
const (
	ClawbackRaised     State = "raised"
	ClawbackRepaid     State = "repaid"
	ClawbackWrittenOff State = "written_off"
)

// Claw-back events. RaiseClawback names the history row of a demand's
// creation by a case officer; it is not a transition.
const (
	RaiseClawback Event = "raise"
	Repay         Event = "repay"
	WriteOff      Event = "write_off"
)

// RaiseClawbackLabel names the case officer's action that creates a demand.
var RaiseClawbackLabel = i18n.T("Krev tilbakebetaling", "Demand repayment")

// ClawbackStates lists the claw-back states with labels.
var ClawbackStates = []StateDesc{
	{ClawbackRaised, i18n.T("Krav om tilbakebetaling", "Repayment demanded")},
	{ClawbackRepaid, i18n.T("Tilbakebetalt", "Repaid")},
	{ClawbackWrittenOff, i18n.T("Avskrevet", "Written off")},
}

// ClawbackTransitions is the claw-back lifecycle. Writing a demand off
// gives up money, so it is the authoriser's, with a reason.
var ClawbackTransitions = []Transition{
	{Repay, []State{ClawbackRaised}, ClawbackRepaid, []Role{FinanceAttestant, FinanceAuthoriser}, false,
		[]Guard{requireNotParty, requireBooking("repaid_on")},
		i18n.T("Registrer tilbakebetaling", "Record the repayment")},
	{WriteOff, []State{ClawbackRaised}, ClawbackWrittenOff, []Role{FinanceAuthoriser}, false,
		[]Guard{requireNotParty, requireComment},
		i18n.T("Avskriv kravet", "Write off the demand")},
}

// Clawback is the claw-back lifecycle.
var Clawback = MustNew(ClawbackStates, ClawbackTransitions)

func barred(nb, en string) *GuardError {
	return &GuardError{Fields: map[string]i18n.Text{"segregation": i18n.T(nb, en)}, Forbidden: true}
}

// requireNotParty bars the application's applicant (its project lead) and
// anyone who decided it from handling its money.
func requireNotParty(f Facts) *GuardError {
	switch {
	case f.ActorIsApplicant:
		return barred("Du er søker i denne saken og kan ikke behandle pengene i den.",
			"You are the applicant in this case and cannot handle its money.")
	case f.ActorDecided:
		return barred("Du traff vedtak i denne saken og kan ikke behandle pengene i den.",
			"You decided this case and cannot handle its money.")
	}
	return nil
}

// requireOtherThanAttester keeps attestation and authorisation of one
// tranche with two different people.
func requireOtherThanAttester(f Facts) *GuardError {
	if f.ActorAttested {
		return barred("Du attesterte denne utbetalingen. En annen må anvise den.",
			"You attested this payout. Someone else must authorise it.")
	}
	return nil
}

func requireConditionMet(f Facts) *GuardError {
	if f.ConditionMet {
		return nil
	}
	return &GuardError{Fields: map[string]i18n.Text{"condition": i18n.T(
		"Vilkåret for denne utbetalingen er ikke oppfylt ennå.", "The condition of this payout is not met yet.")}}
}

func requireRecipient(f Facts) *GuardError {
	if len(f.RecipientMissing) == 0 {
		return nil
	}
	return &GuardError{Fields: maps.Clone(f.RecipientMissing)}
}

// requireBooking demands the ERP reference and the date the money moved,
// which cannot be later than today in Oslo; dateField names the date.
func requireBooking(dateField string) Guard {
	return func(f Facts) *GuardError {
		fields := map[string]i18n.Text{}
		if strings.TrimSpace(f.ERPReference) == "" {
			fields["erp_reference"] = i18n.T("Oppgi bilagsnummeret fra økonomisystemet.", "Give the voucher number from the ERP system.")
		}
		today := f.Now.In(Oslo).Format(time.DateOnly)
		switch {
		case f.BookedOn.IsZero():
			fields[dateField] = i18n.T("Oppgi datoen.", "Give the date.")
		case f.BookedOn.Format(time.DateOnly) > today:
			fields[dateField] = i18n.T("Datoen kan ikke være fram i tid.", "The date cannot be in the future.")
		}
		if len(fields) == 0 {
			return nil
		}
		return &GuardError{Fields: fields}
	}
}
