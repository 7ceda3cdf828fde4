package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"nyttig/internal/i18n"
)

// allowed is the specification the table must match: every (state, event,
// role) that may fire, and the state it leads to. Applicant rows are for the
// application's own project lead.
var allowed = map[string]State{
	"draft/submit/applicant":                                  Submitted,
	"returned/resubmit/applicant":                             Submitted,
	"submitted/return/case_officer":                           Returned,
	"in_review/return/case_officer":                           Returned,
	"submitted/start_review/case_officer":                     InReview,
	"draft/withdraw/applicant":                                Withdrawn,
	"submitted/withdraw/applicant":                            Withdrawn,
	"returned/withdraw/applicant":                             Withdrawn,
	"in_review/withdraw/applicant":                            Withdrawn,
	"recommended/withdraw/applicant":                          Withdrawn,
	"in_review/recommend/case_officer":                        Recommended,
	"recommended/approve/decision_maker":                      Approved,
	"appealed/approve/decision_maker":                         Approved,
	"recommended/reject/decision_maker":                       Rejected,
	"appealed/reject/decision_maker":                          Rejected,
	"submitted/dismiss/case_officer":                          Dismissed,
	"in_review/dismiss/case_officer":                          Dismissed,
	"recommended/dismiss/decision_maker":                      Dismissed,
	"appealed/dismiss/decision_maker":                         Dismissed,
	"rejected/appeal/applicant":                               Appealed,
	"dismissed/appeal/applicant":                              Appealed,
	"approved/appeal/applicant":                               Appealed,
	"appealed/reverse/case_officer":                           InReview,
	"approved/accept/applicant":                               Accepted,
	"approved/decline/applicant":                              Withdrawn,
	"approved/lapse/system":                                   Withdrawn,
	"accepted/submit_final_report/applicant":                  FinalReportSubmitted,
	"final_report_submitted/return_final_report/case_officer": Accepted,
	"final_report_submitted/complete/case_officer":            Completed,
	"final_report_submitted/complete/system":                  Completed,
}

// passingFacts satisfy every guard.
func passingFacts() Facts {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	return Facts{Now: now, CallOpensAt: now.Add(-time.Hour), CallClosesAt: now.Add(time.Hour), Comment: "ok",
		HasRecommendation: true, AmountOre: 100, RequestedOre: 100, DeclaredFree: true,
		FinalReportApproved: true, EvaluationIn: true}
}

func TestEveryStateEventRole(t *testing.T) {
	roles := append([]Role{System}, Roles...)
	hit := 0
	for _, s := range Application.States() {
		for _, e := range Application.Events() {
			for _, r := range roles {
				key := fmt.Sprintf("%s/%s/%s", s.State, e, r)
				want, ok := allowed[key]
				got, err := Application.Fire(context.Background(), s.State, e, Actor{Roles: []Role{r}, Owner: true}, passingFacts())
				switch {
				case ok && err != nil:
					t.Errorf("%s: want allowed to %s, got %v", key, want, err)
				case ok && got != want:
					t.Errorf("%s: got state %s, want %s", key, got, want)
				case !ok && err == nil:
					t.Errorf("%s: want denied, got %s", key, got)
				case !ok && !errors.Is(err, ErrNotAllowedNow) && !errors.Is(err, ErrRoleMayNot):
					t.Errorf("%s: denied with unexpected error %v", key, err)
				}
				if ok {
					hit++
				}
			}
		}
	}
	if hit != len(allowed) {
		t.Errorf("the specification names %d transitions, the walk found %d: a key names a state, event or role that does not exist", len(allowed), hit)
	}
}

func TestApplicantMustOwn(t *testing.T) {
	_, err := Application.Fire(context.Background(), Draft, Submit, Actor{Roles: []Role{Applicant}, Owner: false}, passingFacts())
	if !errors.Is(err, ErrRoleMayNot) {
		t.Fatalf("another applicant submitting: got %v, want ErrRoleMayNot", err)
	}
}

func TestWrongStateIsNotAllowedNowEvenForWrongRole(t *testing.T) {
	_, err := Application.Fire(context.Background(), Draft, StartReview, Actor{Roles: []Role{Applicant}, Owner: true}, passingFacts())
	if !errors.Is(err, ErrNotAllowedNow) {
		t.Fatalf("got %v, want ErrNotAllowedNow", err)
	}
	_, err = Application.Fire(context.Background(), Draft, "fly", Actor{Roles: []Role{Admin}}, passingFacts())
	if !errors.Is(err, ErrUnknownEvent) {
		t.Fatalf("got %v, want ErrUnknownEvent", err)
	}
}

func TestGuards(t *testing.T) {
	oslo := Oslo
	closes := time.Date(2026, 3, 29, 23, 59, 0, 0, oslo) // the night summer time starts
	base := Facts{CallOpensAt: time.Date(2026, 1, 1, 0, 0, 0, 0, oslo), CallClosesAt: closes, Comment: ""}
	owner := Actor{Roles: []Role{Applicant}, Owner: true}
	officer := Actor{Roles: []Role{CaseOfficer}}
	decider := Actor{Roles: []Role{DecisionMaker}}
	for _, tc := range []struct {
		name      string
		from      State
		event     Event
		actor     Actor
		facts     func(Facts) Facts
		wantField string // "" means the transition passes
	}{
		{"submit just before the deadline", Draft, Submit, owner, func(f Facts) Facts { f.Now = closes.Add(-time.Second); return f }, ""},
		{"submit at the deadline", Draft, Submit, owner, func(f Facts) Facts { f.Now = closes; return f }, "call_id"},
		{"submit before the call opens", Draft, Submit, owner, func(f Facts) Facts { f.Now = f.CallOpensAt.Add(-time.Minute); return f }, "call_id"},
		{"submit incomplete", Draft, Submit, owner, func(f Facts) Facts {
			f.Now = closes.Add(-time.Hour)
			f.Incomplete = map[string]i18n.Text{"title": i18n.T("mangler", "missing")}
			return f
		}, "title"},
		{"resubmit after the deadline is allowed", Returned, Resubmit, owner, func(f Facts) Facts { f.Now = closes.Add(48 * time.Hour); return f }, ""},
		{"return without a message", Submitted, Return, officer, func(f Facts) Facts { return f }, "comment"},
		{"return with only spaces", Submitted, Return, officer, func(f Facts) Facts { f.Comment = "  \n"; return f }, "comment"},
		{"return with a message", Submitted, Return, officer, func(f Facts) Facts { f.Comment = "Fyll ut budsjettet"; return f }, ""},
		{"recommend without a recommendation", InReview, Recommend, officer, func(f Facts) Facts { return f }, "recommendation"},
		{"recommend with reviews missing", InReview, Recommend, officer, func(f Facts) Facts { f.HasRecommendation, f.ReviewsMissing = true, 1; return f }, "reviews"},
		{"recommend with reviews missing and an override", InReview, Recommend, officer, func(f Facts) Facts {
			f.HasRecommendation, f.ReviewsMissing, f.Override = true, 2, true
			return f
		}, ""},
		{"approve undeclared", Recommended, Approve, decider, func(f Facts) Facts { f.AmountOre, f.RequestedOre = 5, 10; return f }, "declaration"},
		{"approve conflicted", Recommended, Approve, decider, func(f Facts) Facts {
			f.DeclaredFree, f.Conflicted, f.AmountOre, f.RequestedOre = true, true, 5, 10
			return f
		}, "declaration"},
		{"approve more than requested", Recommended, Approve, decider, func(f Facts) Facts { f.DeclaredFree, f.AmountOre, f.RequestedOre = true, 11, 10; return f }, "amount_ore"},
		{"approve nothing", Recommended, Approve, decider, func(f Facts) Facts { f.DeclaredFree, f.RequestedOre = true, 10; return f }, "amount_ore"},
		{"approve partly", Recommended, Approve, decider, func(f Facts) Facts { f.DeclaredFree, f.AmountOre, f.RequestedOre = true, 500, 1000; return f }, ""},
		{"approve under one krone", Recommended, Approve, decider, func(f Facts) Facts { f.DeclaredFree, f.AmountOre, f.RequestedOre = true, 99, 1000; return f }, "amount_ore"},
		{"reject without reasons", Recommended, Reject, decider, func(f Facts) Facts {
			f.DeclaredFree = true
			f.ReasonsMissing = map[string]i18n.Text{"reasons.facts": i18n.T("mangler", "missing")}
			return f
		}, "reasons.facts"},
		{"screening dismissal needs reasons", Submitted, Dismiss, officer, func(f Facts) Facts {
			f.ReasonsMissing = map[string]i18n.Text{"reasons.rules": i18n.T("mangler", "missing")}
			return f
		}, "reasons.rules"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Application.Fire(context.Background(), tc.from, tc.event, tc.actor, tc.facts(base))
			var ge *GuardError
			switch {
			case tc.wantField == "" && err != nil:
				t.Fatalf("want pass, got %v", err)
			case tc.wantField != "" && !errors.As(err, &ge):
				t.Fatalf("want guard error on %s, got %v", tc.wantField, err)
			case tc.wantField != "":
				if _, ok := ge.Fields[tc.wantField]; !ok {
					t.Fatalf("guard error %v lacks field %s", ge.Fields, tc.wantField)
				}
			}
		})
	}
}

func TestDeadlineMessageIsInOsloTime(t *testing.T) {
	closes := time.Date(2026, 6, 30, 21, 59, 0, 0, time.UTC) // 23:59 summer time in Oslo
	f := Facts{CallOpensAt: closes.Add(-1000 * time.Hour), CallClosesAt: closes, Now: closes.Add(time.Minute)}
	_, err := Application.Fire(context.Background(), Draft, Submit, Actor{Roles: []Role{Applicant}, Owner: true}, f)
	var ge *GuardError
	if !errors.As(err, &ge) || !strings.Contains(ge.Fields["call_id"].NB, "30.06.2026 23:59") {
		t.Fatalf("got %v, want the deadline in Oslo time", err)
	}
}

func TestEveryStateAndEventHasBothLabels(t *testing.T) {
	for _, s := range Application.States() {
		if s.Label.NB == "" || s.Label.EN == "" {
			t.Errorf("state %s lacks a label", s.State)
		}
	}
	for _, tr := range Application.Transitions() {
		if tr.Label.NB == "" || tr.Label.EN == "" {
			t.Errorf("event %s lacks a label", tr.Event)
		}
	}
}

// TestReadmeDiagramIsCurrent fails when the README's lifecycle diagram no
// longer matches the table. Regenerate with `go run ./cmd/nyttig workflow mermaid`.
func TestReadmeDiagramIsCurrent(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := "```mermaid\n" + Application.Mermaid(Draft) + "```"
	if !strings.Contains(string(readme), want) {
		t.Fatalf("README.md's lifecycle diagram is out of date; it should contain:\n%s", want)
	}
}
