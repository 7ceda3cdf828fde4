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
		if _, err := seed.Demo(ctx, st, now); err != nil {
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
	if len(apps) != 2 || states[workflow.InReview] != 1 || states[workflow.Draft] != 1 {
		t.Fatalf("after two runs the applicant has %v, want one draft and one in review", states)
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
}
