package workflow

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"nyttig/internal/i18n"
)

// relation is an actor as the segregation rules see them: their roles and
// how they stand to the application and the tranche.
type relation struct {
	name  string
	actor Actor
	facts func(Facts) Facts
}

// relations are the people of the segregation-of-duties matrix. The
// applicant and the decision maker hold both finance roles, so that only
// their relation to the application can be what bars them.
var relations = []relation{
	{"applicant", Actor{Roles: []Role{Applicant, FinanceAttestant, FinanceAuthoriser}, Owner: true},
		func(f Facts) Facts { f.ActorIsApplicant = true; return f }},
	{"decision_maker", Actor{Roles: []Role{DecisionMaker, FinanceAttestant, FinanceAuthoriser}},
		func(f Facts) Facts { f.ActorDecided = true; return f }},
	{"attester", Actor{Roles: []Role{FinanceAttestant, FinanceAuthoriser}},
		func(f Facts) Facts { f.ActorAttested = true; return f }},
	{"other_attestant", Actor{Roles: []Role{FinanceAttestant}}, func(f Facts) Facts { return f }},
	{"authoriser", Actor{Roles: []Role{FinanceAuthoriser}}, func(f Facts) Facts { return f }},
	{"case_officer", Actor{Roles: []Role{CaseOfficer}}, func(f Facts) Facts { return f }},
	{"system", Actor{Roles: []Role{System}}, func(f Facts) Facts { return f }},
}

// payoutAllowed is the specification of the payout table: every (state,
// event, relation) that may fire, and where it leads. Everything else is
// refused.
var payoutAllowed = map[string]State{
	"planned/make_due/system":           PayoutDue,
	"planned/make_due/case_officer":     PayoutDue,
	"due/attest/attester":               PayoutAttested, // attesting is theirs; only authorising is barred
	"due/attest/other_attestant":        PayoutAttested,
	"attested/authorise/authoriser":     PayoutPaid,
	"due/send_back/attester":            PayoutSentBack,
	"due/send_back/other_attestant":     PayoutSentBack,
	"attested/send_back/attester":       PayoutSentBack,
	"attested/send_back/authoriser":     PayoutSentBack,
	"sent_back/reopen/case_officer":     PayoutDue,
	"planned/cancel/case_officer":       PayoutCancelled,
	"due/cancel/case_officer":           PayoutCancelled,
	"attested/cancel/case_officer":      PayoutCancelled,
	"sent_back/cancel/case_officer":     PayoutCancelled,
	"raised/repay/attester":             ClawbackRepaid,
	"raised/repay/other_attestant":      ClawbackRepaid,
	"raised/repay/authoriser":           ClawbackRepaid,
	"raised/write_off/attester":         ClawbackWrittenOff,
	"raised/write_off/authoriser":       ClawbackWrittenOff,
	"planned/make_due/decision_maker":   "", // listed to document: refused (no such role)
	"attested/authorise/attester":       "", // refused: the same person attested it
	"attested/authorise/applicant":      "", // refused: the applicant's own money
	"attested/authorise/decision_maker": "",
	"due/attest/applicant":              "",
	"due/attest/decision_maker":         "",
}

// bookedFacts satisfy every guard of the finance tables.
func bookedFacts() Facts {
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	return Facts{Now: now, Comment: "Feil kontonummer", ConditionMet: true, ERPReference: "BILAG-2026-117",
		BookedOn: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)}
}

func TestSegregationOfDutiesMatrix(t *testing.T) {
	hit := 0
	for _, lc := range []*Lifecycle{Payout, Clawback} {
		for _, s := range lc.States() {
			for _, e := range lc.Events() {
				for _, r := range relations {
					key := fmt.Sprintf("%s/%s/%s", s.State, e, r.name)
					want, listed := payoutAllowed[key]
					ok := listed && want != ""
					got, err := lc.Fire(context.Background(), s.State, e, r.actor, r.facts(bookedFacts()))
					var ge *GuardError
					switch {
					case ok && err != nil:
						t.Errorf("%s: want allowed to %s, got %v", key, want, err)
					case ok && got != want:
						t.Errorf("%s: got state %s, want %s", key, got, want)
					case !ok && err == nil:
						t.Errorf("%s: want refused, got %s", key, got)
					case !ok && errors.As(err, &ge) && !ge.Forbidden:
						t.Errorf("%s: refused by a guard that is not a segregation rule: %v", key, ge.Fields)
					case !ok && !errors.As(err, &ge) && !errors.Is(err, ErrNotAllowedNow) && !errors.Is(err, ErrRoleMayNot):
						t.Errorf("%s: refused with unexpected error %v", key, err)
					}
					if listed {
						hit++
					}
				}
			}
		}
	}
	if hit != len(payoutAllowed) {
		t.Errorf("the specification names %d cases, the walk found %d: a key names a state, event or relation that does not exist", len(payoutAllowed), hit)
	}
}

// TestSegregationIsForbiddenNotInvalid checks that a barred actor gets a
// rule (403) rather than a form error, even when their input is wrong too.
func TestSegregationIsForbiddenNotInvalid(t *testing.T) {
	f := bookedFacts()
	f.ActorAttested, f.ERPReference = true, ""
	_, err := Payout.Fire(context.Background(), PayoutAttested, Authorise, Actor{Roles: []Role{FinanceAuthoriser}}, f)
	var ge *GuardError
	if !errors.As(err, &ge) || !ge.Forbidden || ge.Fields["segregation"].NB == "" || ge.Fields["erp_reference"].NB != "" {
		t.Fatalf("got %v, want only the segregation rule, forbidden", err)
	}
	f = bookedFacts()
	f.Comment = " "
	_, err = Payout.Fire(context.Background(), PayoutDue, SendBack, Actor{Roles: []Role{FinanceAttestant}}, f)
	if !errors.As(err, &ge) || ge.Forbidden || ge.Fields["comment"].EN == "" {
		t.Fatalf("sending back without a reason: got %v, want an invalid comment", err)
	}
}

func TestFinanceGuards(t *testing.T) {
	authoriser := Actor{Roles: []Role{FinanceAuthoriser}}
	attestant := Actor{Roles: []Role{FinanceAttestant}}
	system := Actor{Roles: []Role{System}}
	// 00:30 on 5 May in Oslo is still 4 May in UTC.
	lateEvening := time.Date(2026, 5, 4, 22, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		lc        *Lifecycle
		from      State
		event     Event
		actor     Actor
		facts     func(Facts) Facts
		wantField string
	}{
		{"authorise booked today", Payout, PayoutAttested, Authorise, authoriser, func(f Facts) Facts { return f }, ""},
		{"authorise without a reference", Payout, PayoutAttested, Authorise, authoriser, func(f Facts) Facts { f.ERPReference = "  "; return f }, "erp_reference"},
		{"authorise without a date", Payout, PayoutAttested, Authorise, authoriser, func(f Facts) Facts { f.BookedOn = time.Time{}; return f }, "paid_on"},
		{"authorise paid tomorrow", Payout, PayoutAttested, Authorise, authoriser, func(f Facts) Facts { f.BookedOn = f.BookedOn.AddDate(0, 0, 1); return f }, "paid_on"},
		{"authorise on the Oslo date that UTC has not reached", Payout, PayoutAttested, Authorise, authoriser, func(f Facts) Facts {
			f.Now, f.BookedOn = lateEvening, time.Date(2026, 5, 5, 0, 0, 0, 0, time.UTC)
			return f
		}, ""},
		{"attest without a recipient", Payout, PayoutDue, Attest, attestant, func(f Facts) Facts {
			f.RecipientMissing = map[string]i18n.Text{"cost_centre": i18n.T("mangler", "missing")}
			return f
		}, "cost_centre"},
		{"make due before the condition", Payout, PayoutPlanned, MakeDue, system, func(f Facts) Facts { f.ConditionMet = false; return f }, "condition"},
		{"cancel without a reason", Payout, PayoutDue, Cancel, Actor{Roles: []Role{CaseOfficer}}, func(f Facts) Facts { f.Comment = ""; return f }, "comment"},
		{"repay without a date", Clawback, ClawbackRaised, Repay, attestant, func(f Facts) Facts { f.BookedOn = time.Time{}; return f }, "repaid_on"},
		{"write off without a reason", Clawback, ClawbackRaised, WriteOff, authoriser, func(f Facts) Facts { f.Comment = ""; return f }, "comment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.lc.Fire(context.Background(), tc.from, tc.event, tc.actor, tc.facts(bookedFacts()))
			var ge *GuardError
			switch {
			case tc.wantField == "" && err != nil:
				t.Fatalf("want pass, got %v", err)
			case tc.wantField != "" && !errors.As(err, &ge):
				t.Fatalf("want guard error on %s, got %v", tc.wantField, err)
			case tc.wantField != "":
				if _, ok := ge.Fields[tc.wantField]; !ok || ge.Forbidden {
					t.Fatalf("guard error %v (forbidden %v) lacks field %s", ge.Fields, ge.Forbidden, tc.wantField)
				}
			}
		})
	}
}

func TestFinanceLabels(t *testing.T) {
	for _, lc := range []*Lifecycle{Payout, Clawback} {
		for _, s := range lc.States() {
			if s.Label.NB == "" || s.Label.EN == "" {
				t.Errorf("state %s lacks a label", s.State)
			}
		}
		for _, tr := range lc.Transitions() {
			if tr.Label.NB == "" || tr.Label.EN == "" {
				t.Errorf("event %s lacks a label", tr.Event)
			}
		}
	}
}

func TestLegal(t *testing.T) {
	for _, tc := range []struct {
		lc   *Lifecycle
		from State
		e    Event
		to   State
		want bool
	}{
		{Payout, PayoutAttested, Authorise, PayoutPaid, true},
		{Payout, PayoutDue, Authorise, PayoutPaid, false},     // skips attestation
		{Payout, PayoutAttested, Authorise, PayoutDue, false}, // wrong target
		{Payout, PayoutPaid, Cancel, PayoutCancelled, false},
		{Application, Approved, Lapse, Withdrawn, true},
		{Application, Draft, Approve, Approved, false},
		{Clawback, ClawbackRaised, WriteOff, ClawbackWrittenOff, true},
	} {
		if got := tc.lc.Legal(tc.from, tc.e, tc.to); got != tc.want {
			t.Errorf("Legal(%s, %s, %s) = %v, want %v", tc.from, tc.e, tc.to, got, tc.want)
		}
	}
}
