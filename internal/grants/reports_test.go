package grants_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

func TestReportPlan(t *testing.T) {
	// 23:30 UTC on 14 January is 15 January in Oslo.
	accepted := time.Date(2026, 1, 14, 23, 30, 0, 0, time.UTC)
	a := model.Application{ApplicationFields: model.ApplicationFields{EndDate: "2027-03-31"}}
	for _, tc := range []struct {
		name                   string
		reportMonths, progress int
		want                   []string
	}{
		// The final report is due on the date the decision letter states,
		// computed the same way: 31 March + 3 months runs on to 1 July.
		{"every six months", 3, 6, []string{"progress 2026-07-15", "progress 2027-01-15", "final 2027-07-01"}},
		{"no progress reports", 3, 0, []string{"final 2027-07-01"}},
		{"final at the end", 0, 12, []string{"progress 2027-01-15", "final 2027-03-31"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range grants.ReportPlan(a, tc.reportMonths, tc.progress, accepted) {
				got = append(got, r.Kind+" "+r.DueDate)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("plan %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCompleteReady: a case whose last tranche is paid after its report
// and evaluation are in is completed by the scheduler's CompleteReady.
func TestCompleteReady(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	fin := w.finance()
	a, plan := w.accepted(money.FromKroner(40_000))
	rs, err := w.g.Reports(w.ctx, w.applicant, a.ID)
	if err != nil || len(rs) == 0 {
		t.Fatalf("reports: %+v, %v", rs, err)
	}
	final := rs[len(rs)-1]
	if final.Kind != model.ReportFinal {
		t.Fatalf("last report is %s", final.Kind)
	}

	// The final report's application events are not fired on their own.
	if slices.Contains(w.g.Available(w.applicant, a), workflow.SubmitFinalReport) {
		t.Error("submit_final_report offered as an application action")
	}
	if _, err := w.g.Fire(w.ctx, w.applicant, a.ID, workflow.SubmitFinalReport, "", "t"); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("firing submit_final_report directly: %v", err)
	}

	// A leader of the applicant's unit may evaluate; another unit's may not.
	other := w.user("Odd Annen Leder", "Kultur", nil, workflow.UnitLeader)
	ev := model.EvaluationFields{Quality: model.Benefit{Rating: 3}, Efficiency: model.Benefit{Rating: 3},
		AvoidedCosts: model.Benefit{Rating: 1}, Employee: model.Benefit{Rating: 4}, Citizen: model.Benefit{Rating: 5}}
	if _, err := w.g.PutEvaluation(w.ctx, other, a.ID, ev, "t"); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("another unit's leader evaluating: %v", err)
	}
	sameUnit := w.user("Siv Samme Enhet", "Helse", nil, workflow.UnitLeader)
	if _, err := w.g.PutEvaluation(w.ctx, sameUnit, a.ID, ev, "t"); err != nil {
		t.Fatalf("the unit's leader evaluating: %v", err)
	}

	if _, err := w.g.UpdateReport(w.ctx, w.applicant, final.ID, model.ReportContent{WorkDone: "Gjort", Results: "Bra"}, "t"); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		who model.User
		e   workflow.Event
	}{{w.applicant, workflow.SubmitReport}, {w.officer, workflow.ApproveReport}} {
		if _, err := w.g.FireReport(w.ctx, step.who, final.ID, step.e, "", "t"); err != nil {
			t.Fatalf("%s: %v", step.e, err)
		}
	}
	if got := w.must(w.g.Application(w.ctx, w.officer, a.ID)).State; got != workflow.FinalReportSubmitted {
		t.Fatalf("with money unpaid the case is %s", got)
	}
	if n, err := w.g.CompleteReady(w.ctx); err != nil || n != 0 {
		t.Fatalf("completed %d with money unpaid, %v", n, err)
	}
	for _, p := range plan {
		w.firePayout(fin.attestant, p.ID, workflow.Attest, grants.PayoutInput{})
		w.firePayout(fin.authoriser, p.ID, workflow.Authorise, booked(fmt.Sprintf("B-%d", p.ID)))
	}
	if n, err := w.g.CompleteReady(w.ctx); err != nil || n != 1 {
		t.Fatalf("completed %d, %v", n, err)
	}
	if got := w.must(w.g.Application(w.ctx, w.officer, a.ID)).State; got != workflow.Completed {
		t.Fatalf("the case is %s", got)
	}
	h, err := w.g.ReportHistory(w.ctx, w.applicant, final.ID)
	if err != nil || len(h) != 4 || h[0].Event != "create" || h[3].Event != "approve" {
		t.Errorf("report history %+v, %v", h, err)
	}
	w.consistent()
}
