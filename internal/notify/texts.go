package notify

import (
	"fmt"
	"strconv"
	"time"

	"nyttig/internal/i18n"
	"nyttig/workflow"
)

// Item is a stored notification as its recipient sees it: in the app's
// list, and in the mail.
type Item struct {
	ID            int64      `json:"id"`
	UserID        int64      `json:"-"`
	Kind          Kind       `json:"kind"`
	ApplicationID int64      `json:"application_id"`
	ReportID      int64      `json:"report_id,omitempty"`
	PayoutID      int64      `json:"payout_id,omitempty"`
	CaseNumber    string     `json:"case_number"`
	Title         string     `json:"title"`
	Params        Params     `json:"-"`
	Mode          Mode       `json:"-"`
	CreatedAt     time.Time  `json:"created_at"`
	ReadAt        *time.Time `json:"read_at"`
}

// kindText is what a kind says: its label on the preferences page, the
// headline (%[1]s the case number, %[2]s the application's title) and a
// sentence on what to do.
type kindText struct {
	label, headline, action i18n.Text
}

var kindTexts = map[Kind]kindText{
	ApplicationSubmitted: {
		i18n.T("Nye søknader", "New applications"),
		i18n.T("Ny søknad %[1]s: %[2]s", "New application %[1]s: %[2]s"),
		i18n.T("Søknaden er sendt inn og venter på formell kontroll.", "The application has been submitted and awaits screening.")},
	ApplicationReturned: {
		i18n.T("Søknader sendt tilbake til meg", "Applications returned to me"),
		i18n.T("Søknad %[1]s er sendt tilbake: %[2]s", "Application %[1]s has been returned: %[2]s"),
		i18n.T("Saksbehandleren ber om endringer. Rett søknaden og send den inn igjen.", "The case officer asks for changes. Correct the application and submit it again.")},
	ReviewAssigned: {
		i18n.T("Søknader å vurdere", "Applications to review"),
		i18n.T("Du skal vurdere %[1]s: %[2]s", "You are to review %[1]s: %[2]s"),
		i18n.T("Erklær om du er inhabil før du åpner søknaden, og gi deretter din vurdering.", "Declare any conflict of interest before you open the application, then give your review.")},
	ReviewDue: {
		i18n.T("Påminnelser om vurderingsfrist", "Review deadline reminders"),
		i18n.T("Vurderingsfristen nærmer seg for %[1]s: %[2]s", "The review deadline is near for %[1]s: %[2]s"),
		i18n.T("Vurderingen din er ikke levert.", "Your review has not been submitted.")},
	RecommendationReady: {
		i18n.T("Saker klare for vedtak", "Cases ready for decision"),
		i18n.T("Innstilling klar i %[1]s: %[2]s", "Recommendation ready in %[1]s: %[2]s"),
		i18n.T("Saken er innstilt og venter på vedtak.", "The case has a recommendation and awaits a decision.")},
	DecisionMade: {
		i18n.T("Vedtak i mine saker", "Decisions in my cases"),
		i18n.T("Vedtak i sak %[1]s: %[2]s", "Decision in case %[1]s: %[2]s"),
		i18n.T("Det er fattet vedtak i saken. Vedtaksbrevet ligger på søknaden, med klagefrist og, ved innvilgelse, frist for å akseptere.", "A decision has been made. The decision letter is on the application, with the appeal deadline and, for a grant, the deadline to accept it.")},
	GrantLapsed: {
		i18n.T("Bortfalte tilskudd", "Lapsed grants"),
		i18n.T("Tilskuddet i sak %[1]s er bortfalt: %[2]s", "The grant in case %[1]s has lapsed: %[2]s"),
		i18n.T("Tilskuddet ble ikke akseptert innen fristen, og midlene er frigitt.", "The grant was not accepted in time, and the money has been released.")},
	AppealReceived: {
		i18n.T("Klager", "Appeals"),
		i18n.T("Klage mottatt i sak %[1]s: %[2]s", "Appeal received in case %[1]s: %[2]s"),
		i18n.T("Søkeren har klaget på vedtaket. Klagen skal behandles.", "The applicant has appealed the decision. The appeal must be handled.")},
	ProvisionalReply: {
		i18n.T("Foreløpige svar", "Provisional replies"),
		i18n.T("Foreløpig svar i sak %[1]s: %[2]s", "Provisional reply in case %[1]s: %[2]s"),
		i18n.T("Søknaden din er ikke avgjort ennå, en måned etter at du sendte den inn. Dette er et foreløpig svar etter forvaltningsloven § 11a: saken er under behandling, og du får beskjed så snart det er fattet vedtak.", "Your application has not been decided yet, a month after you submitted it. This is a provisional reply under the Public Administration Act § 11a: the case is being processed, and you will hear as soon as a decision is made.")},
	PayoutToAttest: {
		i18n.T("Utbetalinger til attestasjon", "Payouts to attest"),
		i18n.T("Utbetaling til attestasjon i %[1]s: %[2]s", "Payout to attest in %[1]s: %[2]s"),
		i18n.T("En utbetaling er klar til attestasjon.", "A payout is ready to be attested.")},
	PayoutToAuthorise: {
		i18n.T("Utbetalinger til anvisning", "Payouts to authorise"),
		i18n.T("Utbetaling til anvisning i %[1]s: %[2]s", "Payout to authorise in %[1]s: %[2]s"),
		i18n.T("En utbetaling er attestert og venter på anvisning av en annen person.", "A payout has been attested and awaits authorisation by another person.")},
	PayoutSentBack: {
		i18n.T("Utbetalinger sendt tilbake", "Payouts sent back"),
		i18n.T("Utbetaling sendt tilbake i %[1]s: %[2]s", "Payout sent back in %[1]s: %[2]s"),
		i18n.T("Økonomi har sendt utbetalingen tilbake med en begrunnelse. Rett opp og send den videre, eller kanseller den.", "Finance has sent the payout back with a reason. Fix it and send it on, or cancel it.")},
	PayoutPaid: {
		i18n.T("Utbetalinger til meg", "Payouts to me"),
		i18n.T("Utbetaling anvist i sak %[1]s: %[2]s", "Payout authorised in case %[1]s: %[2]s"),
		i18n.T("En utbetaling av tilskuddet er anvist og blir utbetalt.", "A payout of the grant has been authorised and will be paid.")},
	ClawbackRaised: {
		i18n.T("Krav om tilbakebetaling", "Claw-back demands"),
		i18n.T("Krav om tilbakebetaling i sak %[1]s: %[2]s", "Claw-back demand in case %[1]s: %[2]s"),
		i18n.T("Kommunen krever hele eller deler av tilskuddet tilbakebetalt. Se begrunnelsen på søknaden.", "The municipality demands all or part of the grant repaid. See the reason on the application.")},
	ReportDue: {
		i18n.T("Påminnelser om rapporter", "Report reminders"),
		i18n.T("Rapport i sak %[1]s: %[2]s", "Report in case %[1]s: %[2]s"),
		i18n.T("En rapport skal leveres.", "A report is to be submitted.")},
	ReportSubmitted: {
		i18n.T("Rapporter til godkjenning", "Reports to approve"),
		i18n.T("Rapport levert i sak %[1]s: %[2]s", "Report submitted in case %[1]s: %[2]s"),
		i18n.T("Prosjektlederen har levert en rapport som venter på godkjenning.", "The project lead has submitted a report that awaits approval.")},
	ReportReturned: {
		i18n.T("Rapporter sendt tilbake til meg", "Reports returned to me"),
		i18n.T("Rapporten i sak %[1]s er sendt tilbake: %[2]s", "The report in case %[1]s has been returned: %[2]s"),
		i18n.T("Saksbehandleren ber om endringer i rapporten. Se meldingen og send den inn igjen.", "The case officer asks for changes to the report. Read the message and submit it again.")},
	EvaluationDue: {
		i18n.T("Sluttevalueringer", "End-of-project evaluations"),
		i18n.T("Sluttevaluering ønskes for %[1]s: %[2]s", "End-of-project evaluation wanted for %[1]s: %[2]s"),
		i18n.T("Sluttrapporten er godkjent. Som leder gir du nå sluttevalueringen av gevinstene.", "The final report has been approved. As leader, you now give the end-of-project evaluation of its benefits.")},
}

// Headline is the notification's one line: in the list and as the mail's
// subject.
func (it Item) Headline() i18n.Text {
	t := kindTexts[it.Kind].headline
	return i18n.Text{NB: fmt.Sprintf(t.NB, it.CaseNumber, it.Title), EN: fmt.Sprintf(t.EN, it.CaseNumber, it.Title)}
}

// Action says what happened and what to do, with the deadline where
// there is one.
func (it Item) Action() i18n.Text {
	a := kindTexts[it.Kind].action
	if it.Kind == DecisionMade && it.Params.Outcome != "" {
		state := workflow.Application.StateLabel(workflow.State(it.Params.Outcome))
		a = i18n.Tt("Utfall: %s. %s", "Outcome: %s. %s", state, a)
	}
	if it.Params.Due == "" {
		return a
	}
	due := i18n.T(it.Params.Due, it.Params.Due)
	if d, err := time.Parse(time.DateOnly, it.Params.Due); err == nil {
		due = i18n.T(d.Format("02.01.2006"), d.Format("2 January 2006"))
	}
	switch it.Params.Step {
	case StepOverdue:
		return i18n.Tt("%s Fristen var %s, og den er passert.", "%s The deadline was %s and has passed.", a, due)
	case StepDue:
		return i18n.Tt("%s Fristen er i dag, %s.", "%s The deadline is today, %s.", a, due)
	}
	return i18n.Tt("%s Fristen er %s.", "%s The deadline is %s.", a, due)
}

// Reminder steps.
const (
	StepBefore  = "before"
	StepDue     = "due"
	StepOverdue = "overdue"
)

// Path is the page the notification links to.
func (it Item) Path() string {
	switch {
	case it.ReportID != 0 && it.Kind != EvaluationDue:
		return "/reports/" + strconv.FormatInt(it.ReportID, 10)
	case it.Kind == EvaluationDue:
		return "/applications/" + strconv.FormatInt(it.ApplicationID, 10) + "/evaluation"
	case it.PayoutID != 0 && it.Kind != PayoutPaid:
		return "/payouts/" + strconv.FormatInt(it.PayoutID, 10)
	case it.Kind == ReviewAssigned || it.Kind == ReviewDue:
		return "/applications/" + strconv.FormatInt(it.ApplicationID, 10) + "/declaration"
	}
	return "/applications/" + strconv.FormatInt(it.ApplicationID, 10)
}
