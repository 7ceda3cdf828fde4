package grants_test

import (
	"strings"
	"sync"
	"testing"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

func TestAutomaticConflictsBlockAssignment(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	a := w.inReview(money.FromKroner(10_000), "Per Fagvurderer")
	for _, tc := range []struct {
		name     string
		reviewer model.User
		rule     string
	}{
		{"same unit", w.reviewers[0], "samme enhet"},
		{"listed partner", w.reviewers[1], "partner"},
		{"the applicant's leader", w.leader, "leder"},
	} {
		_, err := w.g.AssignReviewers(w.ctx, w.officer, a.ID, []int64{tc.reviewer.ID}, "t")
		if !apperr.Is(err, apperr.Conflict) || !strings.Contains(apperr.As(err).Message.NB, tc.rule) {
			t.Errorf("%s: got %v, want a conflict naming %q", tc.name, err, tc.rule)
		}
	}
	// The applicant holding the reviewer role is barred too.
	self := w.user("Selv", "Kultur", nil, workflow.Reviewer)
	if _, err := w.st.AddConflictRule(w.ctx, model.ConflictRule{Kind: model.RulePersonPair, Enabled: true,
		Description: "egen regel", Params: model.ConflictParams{ReviewerID: self.ID, ApplicantID: w.applicant.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.g.AssignReviewers(w.ctx, w.officer, a.ID, []int64{self.ID}, "t"); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a municipality's own rule did not block: %v", err)
	}
	got, err := w.g.AssignReviewers(w.ctx, w.officer, a.ID, []int64{w.reviewers[2].ID}, "t")
	if err != nil || len(got) != 1 || got[0].ReviewerID != w.reviewers[2].ID {
		t.Fatalf("a free reviewer: %+v, %v", got, err)
	}
}

func TestAutoAssignBalancesAndAvoidsConflicts(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	var apps []model.Application
	for range 3 {
		apps = append(apps, w.inReview(money.FromKroner(10_000)))
	}
	n, err := w.g.AutoAssign(w.ctx, w.officer, w.call.ID, "t")
	if err != nil || n != 6 {
		t.Fatalf("assigned %d, %v; want 2 reviewers × 3 applications", n, err)
	}
	load := map[int64]int{}
	for _, a := range apps {
		as, _ := w.g.Assignments(w.ctx, w.officer, a.ID)
		for _, x := range as {
			if x.ReviewerID == w.reviewers[0].ID || x.ReviewerID == w.leader.ID {
				t.Errorf("application %d got a conflicted reviewer %s", a.ID, x.ReviewerName)
			}
			load[x.ReviewerID]++
		}
	}
	// Reviewers from other tests share the database; among this world's
	// three free reviewers the six assignments must be spread 2-2-2.
	for _, r := range w.reviewers[1:] {
		if load[r.ID] > 3 {
			t.Errorf("%s got %d assignments: not balanced", r.Name, load[r.ID])
		}
	}
}

func TestRecusalLocksTheReviewerOut(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	a := w.inReview(money.FromKroner(10_000))
	r := w.reviewers[1]
	if _, err := w.g.AssignReviewers(w.ctx, w.officer, a.ID, []int64{r.ID}, "t"); err != nil {
		t.Fatal(err)
	}
	// Before declaring, the reviewer may not open the application.
	if _, err := w.g.Application(w.ctx, r, a.ID); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("opening before declaring: %v", err)
	}
	if _, err := w.g.Declare(w.ctx, r, a.ID, true, "", "t"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("a conflict without a reason: %v", err)
	}
	if _, err := w.g.Declare(w.ctx, r, a.ID, true, "Søkeren er min svoger", "t"); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"application": func() error { _, err := w.g.Application(w.ctx, r, a.ID); return err }(),
		"history":     func() error { _, err := w.g.History(w.ctx, r, a.ID); return err }(),
		"reviews":     func() error { _, err := w.g.Reviews(w.ctx, r, a.ID); return err }(),
		"attachments": func() error { _, err := w.g.Attachments(w.ctx, r, a.ID); return err }(),
		"review":      func() error { _, err := w.g.SaveReview(w.ctx, r, a.ID, model.Review{}, "t"); return err }(),
	} {
		if !apperr.Is(err, apperr.NotFound) {
			t.Errorf("%s after recusal: %v, want 404", name, err)
		}
	}
	as, _ := w.g.Assignments(w.ctx, w.officer, a.ID)
	if len(as) != 1 || as[0].Status != model.AssignmentRecused {
		t.Fatalf("assignment after recusal: %+v", as)
	}
	if _, err := w.g.AssignReviewers(w.ctx, w.officer, a.ID, []int64{r.ID}, "t"); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("re-assigning a recused reviewer: %v", err)
	}
	h, _ := w.g.History(w.ctx, w.officer, a.ID)
	found := false
	for _, e := range h {
		if e.Event == "declaration" && strings.Contains(e.Comment, "svoger") {
			found = true
		}
	}
	if !found {
		t.Fatal("the recusal is not in the history with its reason")
	}
	queue, _ := w.g.ReviewQueue(w.ctx, r)
	if len(queue) != 0 {
		t.Fatalf("the recused application is still in the queue: %+v", queue)
	}
}

// activeReviewer assigns r to a and declares no conflict.
func (w *world) activeReviewer(a model.Application, r model.User) {
	w.t.Helper()
	if _, err := w.g.AssignReviewers(w.ctx, w.officer, a.ID, []int64{r.ID}, "t"); err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.g.Declare(w.ctx, r, a.ID, false, "", "t"); err != nil {
		w.t.Fatal(err)
	}
}

func scoresAll(rubric []model.Criterion, score int) []model.Score {
	out := make([]model.Score, len(rubric))
	for i, c := range rubric {
		out[i] = model.Score{CriterionID: c.ID, Score: score}
	}
	return out
}

func TestBlindReviewHidesTheApplicant(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), true)
	a := w.inReview(money.FromKroner(10_000))
	r := w.reviewers[1]
	w.activeReviewer(a, r)
	got, err := w.g.Application(w.ctx, r, a.ID)
	if err != nil || got.ApplicantID != 0 || got.Unit != "" || got.Recipient != (model.Recipient{}) {
		t.Fatalf("blind reviewer sees applicant %d unit %q recipient %+v (%v)", got.ApplicantID, got.Unit, got.Recipient, err)
	}
	h, _ := w.g.History(w.ctx, r, a.ID)
	for _, e := range h {
		if strings.Contains(e.ActorName, "Kari") || (e.ActorID != nil && *e.ActorID == w.applicant.ID) {
			t.Fatalf("history names the applicant to a blind reviewer: %+v", e)
		}
	}
	staff, _ := w.g.Application(w.ctx, w.officer, a.ID)
	if staff.ApplicantID != w.applicant.ID || staff.Unit != "Helse" || staff.CostCentre != "4100" {
		t.Fatal("the case officer lost the applicant's identity")
	}
}

func TestReviewsAreImmutableAndAggregated(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	a := w.inReview(money.FromKroner(10_000))
	r1, r2 := w.reviewers[1], w.reviewers[2]
	w.activeReviewer(a, r1)
	w.activeReviewer(a, r2)
	rubric, _ := w.g.Rubric(w.ctx, w.call.ID)
	if len(rubric) != len(model.DefaultRubric) {
		t.Fatalf("the call has %d criteria, want the default %d", len(rubric), len(model.DefaultRubric))
	}
	// An incomplete draft saves; submitting it is refused.
	if _, err := w.g.SaveReview(w.ctx, r1, a.ID, model.Review{Scores: scoresAll(rubric, 5)[:2]}, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.g.SubmitReview(w.ctx, r1, a.ID, "t"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("submitting an incomplete review: %v", err)
	}
	if _, err := w.g.SaveReview(w.ctx, r1, a.ID, model.Review{Scores: []model.Score{{CriterionID: rubric[0].ID, Score: 6}}}, "t"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("a score of 6: %v", err)
	}
	if _, err := w.g.SaveReview(w.ctx, r1, a.ID, model.Review{Recommendation: model.RecommendYes, Scores: scoresAll(rubric, 5)}, "t"); err != nil {
		t.Fatal(err)
	}
	// Before r2 submits, r2 sees only their own review.
	if _, err := w.g.SubmitReview(w.ctx, r1, a.ID, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.g.SaveReview(w.ctx, r2, a.ID, model.Review{Recommendation: model.RecommendNo, Scores: scoresAll(rubric, 2)}, "t"); err != nil {
		t.Fatal(err)
	}
	sum, err := w.g.Reviews(w.ctx, r2, a.ID)
	if err != nil || len(sum.Reviews) != 1 || sum.Reviews[0].ReviewerID != r2.ID || sum.Aggregate.Reviews != 0 {
		t.Fatalf("r2 before submitting sees %+v, %v", sum, err)
	}
	if _, err := w.g.SubmitReview(w.ctx, r2, a.ID, "t"); err != nil {
		t.Fatal(err)
	}
	sum, _ = w.g.Reviews(w.ctx, r2, a.ID)
	if len(sum.Reviews) != 2 || sum.Aggregate.Mean != 3.5 || sum.Aggregate.Spread != 3 || !sum.Aggregate.Disagree {
		t.Fatalf("after both submitted: %d reviews, aggregate %+v", len(sum.Reviews), sum.Aggregate)
	}
	// The database refuses to change a submitted review.
	if _, err := w.st.Pool().Exec(w.ctx, "UPDATE reviews SET comment = 'endret' WHERE application_id = $1 AND submitted_at IS NOT NULL", a.ID); err == nil {
		t.Fatal("a submitted review was changed in place")
	}
	// An amendment is a new version; the first is kept, the last counts.
	if _, err := w.g.SaveReview(w.ctx, r1, a.ID, model.Review{Recommendation: model.RecommendMaybe, Scores: scoresAll(rubric, 4)}, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.g.SubmitReview(w.ctx, r1, a.ID, "t"); err != nil {
		t.Fatal(err)
	}
	sum, _ = w.g.Reviews(w.ctx, w.officer, a.ID)
	if len(sum.Reviews) != 3 || sum.Aggregate.Mean != 3 || sum.Aggregate.Reviews != 2 {
		t.Fatalf("after the amendment: %d versions, aggregate %+v", len(sum.Reviews), sum.Aggregate)
	}
	// The applicant never sees score sheets.
	if _, err := w.g.Reviews(w.ctx, w.applicant, a.ID); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("the applicant reading reviews: %v", err)
	}
}

func TestRecommendNeedsReviewsOrOverride(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	a := w.inReview(money.FromKroner(10_000))
	_, err := w.g.Fire(w.ctx, w.officer, a.ID, workflow.Recommend, "", "t")
	if ae := apperr.As(err); ae.Kind != apperr.Invalid || ae.Fields["recommendation"].NB == "" {
		t.Fatalf("recommending without a recommendation: %v", err)
	}
	rec := model.Recommendation{Outcome: model.OutcomeApprove, AmountOre: money.FromKroner(20_000), Reasons: reasons}
	if _, err := w.g.SaveRecommendation(w.ctx, w.officer, a.ID, rec, "t"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("proposing more than requested: %v", err)
	}
	rec.AmountOre = money.FromKroner(8_000)
	if _, err := w.g.SaveRecommendation(w.ctx, w.officer, a.ID, rec, "t"); err != nil {
		t.Fatal(err)
	}
	_, err = w.g.Fire(w.ctx, w.officer, a.ID, workflow.Recommend, "", "t")
	if ae := apperr.As(err); ae.Kind != apperr.Invalid || ae.Fields["reviews"].NB == "" {
		t.Fatalf("recommending with reviews missing: %v", err)
	}
	rec.OverrideReason = "Fagvurderer sykmeldt; saken haster"
	if _, err := w.g.SaveRecommendation(w.ctx, w.officer, a.ID, rec, "t"); err != nil {
		t.Fatal(err)
	}
	if got := w.must(w.g.Fire(w.ctx, w.officer, a.ID, workflow.Recommend, "", "t")); got.State != workflow.Recommended {
		t.Fatalf("state %s", got.State)
	}
}

func TestDecisionCommitsWithinBudget(t *testing.T) {
	w := newWorld(t, money.FromKroner(100_000), false)
	a := w.recommended(money.FromKroner(60_000))
	b := w.recommended(money.FromKroner(60_000))
	// Not declared yet.
	if _, err := w.g.Fire(w.ctx, w.decider, a.ID, workflow.Approve, "", "t"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("deciding before declaring: %v", err)
	}
	for _, app := range []model.Application{a, b} {
		if _, err := w.g.Declare(w.ctx, w.decider, app.ID, false, "", "t"); err != nil {
			t.Fatal(err)
		}
	}
	partial := money.FromKroner(50_000)
	got, err := w.g.FireWith(w.ctx, w.decider, a.ID, workflow.Approve, grants.EventInput{AmountOre: &partial}, "t")
	if err != nil || got.State != workflow.Approved {
		t.Fatalf("approve: %v", err)
	}
	_, err = w.g.Fire(w.ctx, w.decider, b.ID, workflow.Approve, "", "t")
	if !apperr.Is(err, apperr.Conflict) || !strings.Contains(apperr.As(err).Message.NB, "50\u00a0000") {
		t.Fatalf("an approval over the frame: %v, want 409 naming kr 50 000 remaining", err)
	}
	l, _ := w.g.Ledger(w.ctx, w.officer, w.fund.ID, w.call.BudgetYear)
	if l.Committed != partial || l.Remaining != money.FromKroner(50_000) {
		t.Fatalf("ledger %+v", l)
	}
	ds, _ := w.st.Decisions(w.ctx, a.ID)
	if len(ds) != 1 || !ds[0].Partial() || ds[0].Reasons != reasons {
		t.Fatalf("decision %+v", ds)
	}
	// Rejecting the other uses the recommendation's reasons.
	if got := w.must(w.g.Fire(w.ctx, w.decider, b.ID, workflow.Reject, "", "t")); got.State != workflow.Rejected {
		t.Fatalf("reject: %s", got.State)
	}
}

func TestForbiddenDecidersAreRefused(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	a := w.inReview(money.FromKroner(10_000))
	reviewerDecider := w.user("Rolf Begge", "Kultur", nil, workflow.Reviewer, workflow.DecisionMaker)
	w.activeReviewer(a, reviewerDecider)
	if _, err := w.g.SaveRecommendation(w.ctx, w.officer, a.ID, model.Recommendation{Outcome: model.OutcomeApprove,
		AmountOre: money.FromKroner(10_000), Reasons: reasons, OverrideReason: "x"}, "t"); err != nil {
		t.Fatal(err)
	}
	w.must(w.g.Fire(w.ctx, w.officer, a.ID, workflow.Recommend, "", "t"))
	if _, err := w.g.Fire(w.ctx, reviewerDecider, a.ID, workflow.Approve, "", "t"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("a reviewer of the case deciding it: %v", err)
	}
	leaderDecider := w.user("Leder Beslutter", "Stab", nil, workflow.DecisionMaker)
	if _, err := w.st.Pool().Exec(w.ctx, "UPDATE users SET leader_id = $1 WHERE id = $2", leaderDecider.ID, w.applicant.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.g.Declare(w.ctx, leaderDecider, a.ID, false, "", "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.g.Fire(w.ctx, leaderDecider, a.ID, workflow.Approve, "", "t"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("the applicant's leader deciding: %v", err)
	}
	if _, err := w.g.Fire(w.ctx, w.officer, a.ID, workflow.Approve, "", "t"); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("a case officer approving: %v", err)
	}
	if _, err := w.g.Declare(w.ctx, w.decider, a.ID, true, "Nær venn av søkeren", "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.g.Fire(w.ctx, w.decider, a.ID, workflow.Approve, "", "t"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("a conflicted decision maker: %v", err)
	}
}

// TestConcurrentApprovalsStayWithinTheFrame runs 100 approvals at once
// against a frame that fits 10 of them.
func TestConcurrentApprovalsStayWithinTheFrame(t *testing.T) {
	amount := money.FromKroner(10_000)
	w := newWorld(t, 10*amount, false)
	apps := make([]model.Application, 100)
	for i := range apps {
		apps[i] = w.recommended(amount)
		if _, err := w.g.Declare(w.ctx, w.decider, apps[i].ID, false, "", "t"); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	approved, refused := 0, 0
	for _, a := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := w.g.Fire(w.ctx, w.decider, a.ID, workflow.Approve, "", "t")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				approved++
			case apperr.Is(err, apperr.Conflict):
				refused++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	l, _ := w.g.Ledger(w.ctx, w.officer, w.fund.ID, w.call.BudgetYear)
	if approved != 10 || refused != 90 || l.Committed != 10*amount || l.Remaining != 0 {
		t.Fatalf("approved %d, refused %d, ledger %+v; want 10, 90, all committed", approved, refused, l)
	}
}

func TestRankingMarksWhereTheMoneyRunsOut(t *testing.T) {
	w := newWorld(t, money.FromKroner(25_000), false)
	rubric, _ := w.g.Rubric(w.ctx, w.call.ID)
	scores := []int{3, 5, 4}
	var apps []model.Application
	for _, sc := range scores {
		a := w.inReview(money.FromKroner(10_000))
		w.activeReviewer(a, w.reviewers[3])
		if _, err := w.g.SaveReview(w.ctx, w.reviewers[3], a.ID, model.Review{Recommendation: model.RecommendYes, Scores: scoresAll(rubric, sc)}, "t"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.g.SubmitReview(w.ctx, w.reviewers[3], a.ID, "t"); err != nil {
			t.Fatal(err)
		}
		apps = append(apps, a)
	}
	rk, err := w.g.Ranking(w.ctx, w.officer, w.call.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rk.Applications) != 3 {
		t.Fatalf("ranking has %d lines", len(rk.Applications))
	}
	wantOrder := []int64{apps[1].ID, apps[2].ID, apps[0].ID}
	wantWithin := []bool{true, true, false}
	wantSum := []money.Ore{money.FromKroner(10_000), money.FromKroner(20_000), money.FromKroner(30_000)}
	for i, line := range rk.Applications {
		if line.ApplicationID != wantOrder[i] || line.WithinBudget != wantWithin[i] || line.RunningSumOre != wantSum[i] {
			t.Errorf("line %d: %+v", i, line)
		}
	}
	if _, err := w.g.Ranking(w.ctx, w.applicant, w.call.ID); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("an applicant reading the ranking: %v", err)
	}
}
