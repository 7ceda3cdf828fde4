package workflow

import (
	"context"
	"errors"
	"testing"
)

func TestReportLifecycle(t *testing.T) {
	ctx := context.Background()
	owner := Actor{Roles: []Role{Applicant}, Owner: true}
	other := Actor{Roles: []Role{Applicant}}
	officer := Actor{Roles: []Role{CaseOfficer}}
	for _, tc := range []struct {
		from  State
		e     Event
		a     Actor
		facts Facts
		want  State
		err   error
	}{
		{ReportDraft, SubmitReport, owner, Facts{}, ReportSubmitted, nil},
		{ReportReturned, SubmitReport, owner, Facts{}, ReportSubmitted, nil},
		{ReportDraft, SubmitReport, other, Facts{}, ReportDraft, ErrRoleMayNot},
		{ReportDraft, SubmitReport, officer, Facts{}, ReportDraft, ErrRoleMayNot},
		{ReportSubmitted, ApproveReport, officer, Facts{}, ReportApproved, nil},
		{ReportSubmitted, ApproveReport, owner, Facts{}, ReportSubmitted, ErrRoleMayNot},
		{ReportSubmitted, ReturnReport, officer, Facts{Comment: "Mer om gevinster."}, ReportReturned, nil},
		{ReportApproved, ReturnReport, officer, Facts{Comment: "x"}, ReportApproved, ErrNotAllowedNow},
		{ReportDraft, ApproveReport, officer, Facts{}, ReportDraft, ErrNotAllowedNow},
	} {
		got, err := Report.Fire(ctx, tc.from, tc.e, tc.a, tc.facts)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("%s/%s: got %s, %v; want %s, %v", tc.from, tc.e, got, err, tc.want, tc.err)
		}
	}
	var ge *GuardError
	if _, err := Report.Fire(ctx, ReportSubmitted, ReturnReport, officer, Facts{}); !errors.As(err, &ge) || ge.Fields["comment"].NB == "" {
		t.Errorf("return without a message: %v", err)
	}
}

func TestCompleteNeedsReportEvaluationAndMoney(t *testing.T) {
	system := Actor{Roles: []Role{System}}
	var ge *GuardError
	_, err := Application.Fire(context.Background(), FinalReportSubmitted, Complete, system, Facts{EvaluationIn: true, TranchesOpen: 1})
	if !errors.As(err, &ge) || len(ge.Fields) != 2 || ge.Fields["final_report"].NB == "" || ge.Fields["payouts"].NB == "" {
		t.Errorf("completing too early: %v", err)
	}
	if to, err := Application.Fire(context.Background(), FinalReportSubmitted, Complete, system,
		Facts{FinalReportApproved: true, EvaluationIn: true}); err != nil || to != Completed {
		t.Errorf("completing when ready: %s, %v", to, err)
	}
}
