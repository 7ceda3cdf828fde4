package workflow

import (
	"maps"
	"strings"
	"time"

	"nyttig/internal/deadline"
	"nyttig/internal/i18n"
)

// Facts are what guards look at. The caller gathers them (the current time,
// the call's window, the application's missing fields, the comment given).
type Facts struct {
	Now          time.Time
	CallOpensAt  time.Time
	CallClosesAt time.Time
	// Incomplete names the application's fields that must be fixed before
	// it can be submitted, with a message for each.
	Incomplete map[string]i18n.Text
	Comment    string

	// For recommending: the required reviews not yet submitted, whether a
	// recommendation is written, and the case officer's logged override.
	ReviewsMissing    int
	HasRecommendation bool
	Override          bool
	// For deciding: the amount granted and requested (øre), the parts of
	// the reasons left empty, and the decision maker's standing.
	AmountOre      int64
	RequestedOre   int64
	ReasonsMissing map[string]i18n.Text
	DeclaredFree   bool
	Conflicted     bool

	// For payouts and claw-backs: the actor's relation to the application
	// (segregation of duties: its applicant, someone who decided it, the
	// attester of this tranche), whether the tranche's condition is met,
	// what the recipient details lack, and the booking in the ERP system.
	ActorIsApplicant bool
	ActorDecided     bool
	ActorAttested    bool
	ConditionMet     bool
	RecipientMissing map[string]i18n.Text
	ERPReference     string
	// BookedOn is the civil date the money moved (midnight UTC of it).
	BookedOn time.Time

	// For completing a case: whether its final report is approved and its
	// evaluation is in, and how many tranches are neither paid nor
	// cancelled.
	FinalReportApproved bool
	EvaluationIn        bool
	TranchesOpen        int
}

// Guard checks a precondition of a transition; a nil result lets it pass.
type Guard func(Facts) *GuardError

// GuardError says which preconditions failed, per field.
type GuardError struct {
	Fields map[string]i18n.Text
	// Forbidden marks a rule that bars this actor whatever they give
	// (segregation of duties): the caller answers 403, not 422.
	Forbidden bool
}

func (g *GuardError) Error() string {
	keys := make([]string, 0, len(g.Fields))
	for k := range g.Fields {
		keys = append(keys, k)
	}
	return "workflow: precondition failed: " + strings.Join(keys, ", ")
}

// checkGuards runs every guard and merges what failed. A rule that bars
// the actor outranks the rest: whatever else they fix, they may not.
func checkGuards(guards []Guard, f Facts) error {
	all, barred := map[string]i18n.Text{}, map[string]i18n.Text{}
	for _, g := range guards {
		if err := g(f); err != nil && err.Forbidden {
			maps.Copy(barred, err.Fields)
		} else if err != nil {
			maps.Copy(all, err.Fields)
		}
	}
	if len(barred) > 0 {
		return &GuardError{Fields: barred, Forbidden: true}
	}
	if len(all) > 0 {
		return &GuardError{Fields: all}
	}
	return nil
}

// Oslo is the time zone every deadline is computed and shown in.
var Oslo = deadline.Oslo

func requireComplete(f Facts) *GuardError {
	if len(f.Incomplete) == 0 {
		return nil
	}
	return &GuardError{Fields: maps.Clone(f.Incomplete)}
}

func requireCallOpen(f Facts) *GuardError {
	local := func(t time.Time) string { return t.In(Oslo).Format("02.01.2006 15:04") }
	switch {
	case f.Now.Before(f.CallOpensAt):
		return &GuardError{Fields: map[string]i18n.Text{"call_id": i18n.Tf(
			"Utlysningen åpner ikke før %s.", "The call does not open until %s.", local(f.CallOpensAt))}}
	case !f.Now.Before(f.CallClosesAt):
		return &GuardError{Fields: map[string]i18n.Text{"call_id": i18n.Tf(
			"Søknadsfristen gikk ut %s.", "The deadline passed at %s.", local(f.CallClosesAt))}}
	}
	return nil
}

func requireComment(f Facts) *GuardError {
	if strings.TrimSpace(f.Comment) != "" {
		return nil
	}
	return &GuardError{Fields: map[string]i18n.Text{"comment": i18n.T(
		"Skriv en begrunnelse eller melding.", "Write a reason or message.")}}
}

func requireRecommendation(f Facts) *GuardError {
	fields := map[string]i18n.Text{}
	if !f.HasRecommendation {
		fields["recommendation"] = i18n.T("Skriv innstillingen først.", "Write the recommendation first.")
	}
	if f.ReviewsMissing > 0 && !f.Override {
		fields["reviews"] = i18n.Tf("%d fagvurdering(er) mangler. Vent på dem, eller begrunn hvorfor saken innstilles uten.",
			"%d review(s) are missing. Wait for them, or give a reason for recommending without them.", f.ReviewsMissing)
	}
	if len(fields) == 0 {
		return nil
	}
	return &GuardError{Fields: fields}
}

func requireReasons(f Facts) *GuardError {
	if len(f.ReasonsMissing) == 0 {
		return nil
	}
	return &GuardError{Fields: maps.Clone(f.ReasonsMissing)}
}

// MinGrantOre is the smallest grant: one krone.
const MinGrantOre = 100

func requireGrantAmount(f Facts) *GuardError {
	switch {
	case f.AmountOre < MinGrantOre:
		// A grant below one krone cannot be split into tranches of whole øre.
		return &GuardError{Fields: map[string]i18n.Text{"amount_ore": i18n.T("Oppgi innvilget beløp, minst 1 kr.", "Give the amount granted, at least 1 kr.")}}
	case f.AmountOre > f.RequestedOre:
		return &GuardError{Fields: map[string]i18n.Text{"amount_ore": i18n.T(
			"Innvilget beløp kan ikke være høyere enn søkt beløp.", "The amount granted cannot exceed the amount applied for.")}}
	}
	return nil
}

// requireImpartial holds for a decision maker who has declared no conflict
// of interest and is not barred by a rule or by reviewing the case.
func requireImpartial(f Facts) *GuardError {
	switch {
	case f.Conflicted:
		return &GuardError{Fields: map[string]i18n.Text{"declaration": i18n.T(
			"Du er inhabil i denne saken og kan ikke treffe vedtak.", "You have a conflict of interest in this case and cannot decide it.")}}
	case !f.DeclaredFree:
		return &GuardError{Fields: map[string]i18n.Text{"declaration": i18n.T(
			"Erklær at du ikke er inhabil før du treffer vedtak.", "Declare that you have no conflict of interest before deciding.")}}
	}
	return nil
}
