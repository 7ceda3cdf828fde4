package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"nyttig/internal/grants"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// TestLostResponseCall: the server died after creating a call; the retry
// answers 201 with the call and its Location, and creates no second one.
func TestLostResponseCall(t *testing.T) {
	e := newEnv(t)
	admin := e.user(t, workflow.Admin)
	c := model.Call{FundID: e.fund.ID, Title: "Utlysning med tapt svar", OpensAt: e.call.OpensAt, ClosesAt: e.call.ClosesAt, MaxAmountOre: 100_000_00}
	q := req{method: "POST", path: "/calls", token: admin.token, header: withKey("lost-call"), body: map[string]any{
		"fund_id": c.FundID, "title": c.Title, "opens_at": c.OpensAt, "closes_at": c.ClosesAt, "max_amount_ore": c.MaxAmountOre}}
	var created model.Call
	e.lostResponse(t, admin, q, func(ctx context.Context) error {
		var err error
		created, err = e.grants.CreateCall(ctx, admin.User, c)
		return err
	})
	got := decode[model.Call](t, e.expectReplayed(t, q, http.StatusCreated, "/api/v1/calls/"+itoa(created.ID)))
	if got.ID != created.ID || got.Title != c.Title {
		t.Errorf("replayed call %d %q, want %d %q", got.ID, got.Title, created.ID, c.Title)
	}
	if n := e.rows(t, "calls", "fund_id = $1 AND title = 'Utlysning med tapt svar'", e.fund.ID); n != 1 {
		t.Errorf("%d such calls after the retry, want 1", n)
	}
}

// TestLostResponseReviewWork: assigning reviewers, a declaration, a
// review's submission and reading a notification, each with its response
// lost, are answered from what the effect noted, and done once.
func TestLostResponseReviewWork(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	r1, r2 := e.user(t, workflow.Reviewer), e.user(t, workflow.Reviewer)
	a := e.inReview(t, owner, officer, completeFields(e.call.ID))

	ids := []int64{r1.ID, r2.ID}
	q := req{method: "POST", path: "/applications/" + itoa(a.ID) + "/reviewers", token: officer.token,
		body: map[string]any{"reviewer_ids": ids}, header: withKey("lost-assign")}
	e.lostResponse(t, officer, q, func(ctx context.Context) error {
		_, err := e.grants.AssignReviewers(ctx, officer.User, a.ID, ids, "first")
		return err
	})
	list := decode[struct{ Items []model.Assignment }](t, e.expectReplayed(t, q, http.StatusOK, "")).Items
	if len(list) != 2 || list[0].ApplicationID != a.ID {
		t.Errorf("replayed assignments %+v, want the two reviewers of %d", list, a.ID)
	}
	if n := e.rows(t, "application_events", "application_id = $1 AND event = 'reviewer_assigned'", a.ID); n != 2 {
		t.Errorf("%d assignments in the history, want 2", n)
	}

	q = req{method: "POST", path: "/applications/" + itoa(a.ID) + "/declarations", token: r1.token,
		body: map[string]any{"conflict": false}, header: withKey("lost-declare")}
	var d model.Declaration
	e.lostResponse(t, r1, q, func(ctx context.Context) error {
		var err error
		d, err = e.grants.Declare(ctx, r1.User, a.ID, false, "", "first")
		return err
	})
	got := decode[model.Declaration](t, e.expectReplayed(t, q, http.StatusCreated, ""))
	if got.ID != d.ID || got.UserID != r1.ID || got.Conflict {
		t.Errorf("replayed declaration %+v, want %+v", got, d)
	}
	if n := e.rows(t, "declarations", "application_id = $1", a.ID); n != 1 {
		t.Errorf("%d declarations after the retry, want 1", n)
	}

	rubric, err := e.grants.Rubric(context.Background(), a.CallID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.grants.SaveReview(context.Background(), r1.User, a.ID,
		model.Review{Recommendation: model.RecommendYes, Scores: scoresAll(rubric, 4)}, "setup"); err != nil {
		t.Fatal(err)
	}
	q = req{method: "POST", path: "/applications/" + itoa(a.ID) + "/reviews/mine/submit", token: r1.token, header: withKey("lost-review")}
	e.lostResponse(t, r1, q, func(ctx context.Context) error {
		_, err := e.grants.SubmitReview(ctx, r1.User, a.ID, "first")
		return err
	})
	rev := decode[model.Review](t, e.expectReplayed(t, q, http.StatusOK, ""))
	if rev.ApplicationID != a.ID || rev.ReviewerID != r1.ID || rev.SubmittedAt == nil {
		t.Errorf("replayed review %+v, want r1's submitted review of %d", rev, a.ID)
	}
	if n := e.rows(t, "application_events", "application_id = $1 AND event = 'review_submitted'", a.ID); n != 1 {
		t.Errorf("%d submissions in the history, want 1", n)
	}

	n := e.notification(t, owner, a)
	q = req{method: "POST", path: fmt.Sprintf("/notifications/%d/read", n.ID), token: owner.token, header: withKey("lost-read")}
	e.lostResponse(t, owner, q, func(ctx context.Context) error {
		_, err := e.store.MarkRead(ctx, owner.ID, n.ID, e.grants.Now())
		return err
	})
	read := decode[struct {
		ID     int64   `json:"id"`
		ReadAt *string `json:"read_at"`
	}](t, e.expectReplayed(t, q, http.StatusOK, ""))
	if read.ID != n.ID || read.ReadAt == nil {
		t.Errorf("replayed notification %+v, want %d read", read, n.ID)
	}
}

// TestAssignReviewersIsOneChange: when one of the reviewers cannot be
// assigned (they recused themselves), none of them is.
func TestAssignReviewersIsOneChange(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	recused, fresh := e.user(t, workflow.Reviewer), e.user(t, workflow.Reviewer)
	a := e.inReview(t, owner, officer, completeFields(e.call.ID))
	if _, err := e.grants.AssignReviewers(context.Background(), officer.User, a.ID, []int64{recused.ID}, "setup"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.grants.Declare(context.Background(), recused.User, a.ID, true, "Nabo av søkeren", "setup"); err != nil {
		t.Fatal(err)
	}
	e.expect(t, req{method: "POST", path: "/applications/" + itoa(a.ID) + "/reviewers", token: officer.token,
		body: map[string]any{"reviewer_ids": []int64{fresh.ID, recused.ID}}}, http.StatusConflict)
	if n := e.rows(t, "reviewer_assignments", "application_id = $1", a.ID); n != 1 {
		t.Errorf("%d assignments after the refusal, want the recused reviewer's only", n)
	}
}

// batchAmount is what each application of recommendedBatch asks and is
// recommended.
var batchAmount = money.FromKroner(30_000)

// batch is a call's recommended applications, and a decision maker's
// request to decide them all.
type batch struct {
	officer, decider user
	apps             []model.Application
	q                req
}

// recommendedBatch gives e's call n applications recommended for approval
// within its frame, and the batch decision of the call with
// Idempotency-Key key.
func (e *env) recommendedBatch(t *testing.T, n int, key string) batch {
	t.Helper()
	e.setFrame(t, money.FromKroner(1_000_000))
	owner := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	decider := e.user(t, workflow.DecisionMaker)
	apps := make([]model.Application, n)
	for i := range apps {
		a := e.inReview(t, owner, officer, fieldsAsking(e.call, batchAmount, "Byggesak"))
		apps[i] = e.recommend(t, officer, a.ID, model.OutcomeApprove, batchAmount)
	}
	return batch{officer: officer, decider: decider, apps: apps, q: req{method: "POST", path: fmt.Sprintf("/calls/%d/decisions", e.call.ID),
		token: decider.token, body: map[string]any{"declare_no_conflict": true}, header: withKey(key)}}
}

// TestIdempotentBatchRetry: a batch decision's retry with the same key is
// answered with the first response — not with the empty batch that
// running it again would find — and decides nothing again.
func TestIdempotentBatchRetry(t *testing.T) {
	e := newEnv(t)
	b := e.recommendedBatch(t, 2, "batch-once")
	q := b.q
	first := e.expect(t, q, http.StatusOK)
	results := decode[struct{ Results []grants.BatchResult }](t, first).Results
	if len(results) != 2 || results[0].State != workflow.Approved || results[1].State != workflow.Approved {
		t.Fatalf("first batch %+v, want two approvals", results)
	}
	again := e.expect(t, q, http.StatusOK)
	if string(again.body) != string(first.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry answered %s (replayed %q), want the first response %s", again.body, again.header.Get("Idempotent-Replayed"), first.body)
	}
	if l := e.ledger(t, b.officer); l.Committed != 2*batchAmount {
		t.Errorf("ledger %+v after the retry, want two grants committed", l)
	}
}

// TestLostResponseWithoutResult: a batch decision notes no result — its
// answer is what the run did, which the state afterwards cannot tell — so
// a retry after a lost response gets 409, and is told the first request
// may still be running.
func TestLostResponseWithoutResult(t *testing.T) {
	e := newEnv(t)
	b := e.recommendedBatch(t, 1, "lost-batch")
	q := b.q
	e.lostResponse(t, b.decider, q, func(ctx context.Context) error {
		_, err := e.grants.DecideBatch(ctx, b.decider.User, e.call.ID, true, i18n.EN, "first")
		return err
	})
	q.header = map[string]string{"Idempotency-Key": "lost-batch", "Accept-Language": "en"}
	msg := errorBody(t, e.expect(t, q, http.StatusConflict)).Message
	if !strings.Contains(msg, "may still be running") {
		t.Errorf("409 says %q; want it to say the original request may still be running", msg)
	}
	if got := e.appState(t, b.officer, b.apps[0].ID); got != workflow.Approved {
		t.Errorf("application in %s, want approved once", got)
	}
}
