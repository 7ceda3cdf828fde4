package model

import (
	"testing"
	"time"

	"nyttig/workflow"
)

func TestConflictRules(t *testing.T) {
	leaderID := int64(7)
	applicant := User{ID: 1, Name: "Kari Nordmann", Email: "kari@k.no", Unit: "Helse", LeaderID: &leaderID}
	app := Application{ApplicantID: 1, ApplicationFields: ApplicationFields{Unit: "Helse", Partners: []string{"Per Sørensen", "uis@uis.no"}}}
	rule := func(kind string, p ConflictParams) ConflictRule {
		return ConflictRule{Kind: kind, Params: p, Enabled: true}
	}
	reviewer := func(id int64, name, email, unit string) User {
		return User{ID: id, Name: name, Email: email, Unit: unit, Roles: []workflow.Role{workflow.Reviewer}}
	}
	for _, tc := range []struct {
		name   string
		rule   ConflictRule
		person User
		want   bool
	}{
		{"self", rule(RuleApplicant, ConflictParams{}), applicant, true},
		{"not self", rule(RuleApplicant, ConflictParams{}), reviewer(2, "Ola", "o@k.no", "Oppvekst"), false},
		{"partner by name, any case", rule(RulePartner, ConflictParams{}), reviewer(3, "per sørensen", "p@k.no", "Oppvekst"), true},
		{"partner by email", rule(RulePartner, ConflictParams{}), reviewer(4, "Ukjent", "UIS@uis.no", "Oppvekst"), true},
		{"not a partner", rule(RulePartner, ConflictParams{}), reviewer(5, "Per", "per@k.no", "Oppvekst"), false},
		{"same unit", rule(RuleSameUnit, ConflictParams{}), reviewer(6, "Liv", "l@k.no", " helse "), true},
		{"no unit is no conflict", rule(RuleSameUnit, ConflictParams{}), reviewer(6, "Liv", "l@k.no", ""), false},
		{"leader", rule(RuleLeader, ConflictParams{}), reviewer(7, "Siri", "s@k.no", "Stab"), true},
		{"not the leader", rule(RuleLeader, ConflictParams{}), reviewer(8, "Siri", "s@k.no", "Stab"), false},
		{"unit pair", rule(RuleUnitPair, ConflictParams{ReviewerUnit: "Stab", ApplicantUnit: "Helse"}), reviewer(9, "A", "a@k.no", "Stab"), true},
		{"unit pair other way round", rule(RuleUnitPair, ConflictParams{ReviewerUnit: "Helse", ApplicantUnit: "Stab"}), reviewer(9, "A", "a@k.no", "Stab"), false},
		{"person pair", rule(RulePersonPair, ConflictParams{ReviewerID: 10, ApplicantID: 1}), reviewer(10, "B", "b@k.no", "X"), true},
		{"disabled rule", ConflictRule{Kind: RuleApplicant}, applicant, false},
	} {
		if got := tc.rule.Applies(tc.person, app, applicant); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestWeightedAndSummary(t *testing.T) {
	rubric := []Criterion{{ID: 1, Weight: 3}, {ID: 2, Weight: 1}}
	got, ok := Weighted(rubric, []Score{{CriterionID: 1, Score: 5}, {CriterionID: 2, Score: 1}})
	if !ok || got != 4 { // (5*3 + 1*1) / 4
		t.Fatalf("weighted %v %v, want 4", got, ok)
	}
	if _, ok := Weighted(rubric, []Score{{CriterionID: 1, Score: 5}}); ok {
		t.Fatal("a missing score gave a total")
	}
	if _, ok := Weighted(rubric, []Score{{CriterionID: 1, Score: 6}, {CriterionID: 2, Score: 1}}); ok {
		t.Fatal("a score of 6 gave a total")
	}
	a := Summarise([]float64{4, 2.5, 3.25}, 1.5)
	if a.Reviews != 3 || a.Mean != 3.25 || a.Min != 2.5 || a.Max != 4 || a.Spread != 1.5 || a.Disagree {
		t.Fatalf("summary %+v", a)
	}
	if !Summarise([]float64{4, 2.4}, 1.5).Disagree {
		t.Fatal("a spread of 1.6 over a margin of 1.5 is not flagged")
	}
}

func TestProvisionalReplyDue(t *testing.T) {
	submitted := time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
	a := Application{State: workflow.InReview, SubmittedAt: &submitted}
	if a.ProvisionalReplyDue(time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)) != false {
		t.Error("due before a month has passed (31 January + 1 month is 3 March)")
	}
	if !a.ProvisionalReplyDue(time.Date(2026, 3, 3, 11, 0, 0, 0, time.UTC)) {
		t.Error("not due after a month")
	}
	a.State = workflow.Approved
	if a.ProvisionalReplyDue(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("due after the decision")
	}
	if (Application{State: workflow.Draft}).ProvisionalReplyDue(time.Now()) {
		t.Error("due for a draft")
	}
}
