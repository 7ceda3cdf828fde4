package seed_test

import (
	"context"
	"testing"
	"time"

	"nyttig/internal/model"
	"nyttig/internal/seed"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

func TestMain(m *testing.M) { testenv.Run(m) }

// TestDemoIsReadyForReviewAndIdempotent loads the demo twice: the applicant
// has the unit leader as leader, their submitted application is in review
// with the demo reviewer assigned, and the second run adds nothing.
func TestDemoIsReadyForReviewAndIdempotent(t *testing.T) {
	ctx := context.Background()
	st := testenv.Store(t)
	now := time.Now()
	for run := 1; run <= 2; run++ {
		if _, err := seed.Demo(ctx, st, testenv.Blobs(t), now); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
	}
	byRole := map[workflow.Role]model.User{}
	for _, d := range seed.DemoUsers {
		u, _, err := st.UserByEmail(ctx, d.Email)
		if err != nil {
			t.Fatal(err)
		}
		byRole[d.Role] = u
	}
	applicant := byRole[workflow.Applicant]
	if applicant.LeaderID == nil || *applicant.LeaderID != byRole[workflow.UnitLeader].ID {
		t.Errorf("the applicant's leader is %v, want the unit leader %d", applicant.LeaderID, byRole[workflow.UnitLeader].ID)
	}
	apps, err := st.Applications(ctx, model.ApplicationFilter{ApplicantID: applicant.ID})
	if err != nil {
		t.Fatal(err)
	}
	states := map[workflow.State]int{}
	var inReview model.Application
	for _, a := range apps {
		states[a.State]++
		if a.State == workflow.InReview {
			inReview = a
		}
	}
	if len(apps) != 3 || states[workflow.InReview] != 1 || states[workflow.Draft] != 1 || states[workflow.Completed] != 1 {
		t.Fatalf("after two runs the applicant has %v, want one draft, one in review and one completed", states)
	}
	as, err := st.Assignments(ctx, inReview.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].ReviewerID != byRole[workflow.Reviewer].ID || as[0].Status != model.AssignmentAssigned {
		t.Errorf("assignments %+v, want the demo reviewer, waiting for the declaration", as)
	}
	call, err := st.CallByID(ctx, inReview.CallID)
	if err != nil {
		t.Fatal(err)
	}
	if call.ReviewersPerApplication != 1 {
		t.Errorf("the demo call wants %d reviewers per application; the demo has one reviewer", call.ReviewersPerApplication)
	}

	// The completed project is public, with its final report's summary.
	public, _, err := st.PublicProjects(ctx, model.PublicFilter{Query: "ruteplanlegging"})
	if err != nil {
		t.Fatal(err)
	}
	if len(public) != 1 || public[0].FinalReportSummary == "" || public[0].State != workflow.Completed {
		t.Errorf("public projects %+v, want the completed demo project with its summary", public)
	}
	nominees, err := st.PrizeNominees(ctx, public[0].FundID, now.In(workflow.Oslo).Year())
	if err != nil || len(nominees) != 1 {
		t.Errorf("prize nominees %+v, %v; want the completed demo project", nominees, err)
	}
}
