package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"slices"
	"testing"
	"time"

	"nyttig/internal/auth"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/letter"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// Who asks. "owner" is the applicant whose application the request names,
// "applicant" another applicant; every other principal holds the one role
// it is named after, or is nobody.
const (
	asOwner    = "owner"
	asNobody   = "anonymous"
	asBadToken = "bad_token"
)

func principals() []string {
	out := []string{asOwner}
	for _, r := range workflow.Roles {
		out = append(out, string(r))
	}
	return append(out, asNobody, asBadToken)
}

// statuses builds the expected status of every principal: base for all
// signed-in users, then the exceptions. Without a valid token it is 401.
func statuses(base int, except map[string]int) map[string]int {
	m := map[string]int{asNobody: http.StatusUnauthorized, asBadToken: http.StatusUnauthorized}
	for _, p := range principals()[:len(principals())-2] {
		m[p] = base
	}
	for p, s := range except {
		m[p] = s
	}
	return m
}

// Who may see other people's applications, and who may not.
var (
	seeAll  = []string{string(workflow.CaseOfficer), string(workflow.DecisionMaker), string(workflow.Admin)}
	seeNone = []string{string(workflow.Applicant), string(workflow.Reviewer), string(workflow.FinanceAttestant),
		string(workflow.FinanceAuthoriser), string(workflow.UnitLeader)}
)

// onApplication is the expectation for an endpoint on someone's
// application: the owner gets ownerStatus, the staff who see all get
// staffStatus, and everyone else 404, as if it did not exist.
func onApplication(ownerStatus, staffStatus int, exceptions ...map[string]int) map[string]int {
	m := statuses(http.StatusNotFound, map[string]int{asOwner: ownerStatus})
	for _, p := range seeAll {
		m[p] = staffStatus
	}
	for _, ex := range exceptions {
		for p, s := range ex {
			m[p] = s
		}
	}
	return m
}

type authzRow struct {
	route string // as the router names it: "METHOD /pattern"
	name  string
	// request builds a fresh request for the owner's fixtures.
	request func(t *testing.T) req
	want    map[string]int
}

// TestAuthorization sends every endpoint's request as every principal. The
// rows must cover every route the router serves, so that a new endpoint
// without a row fails here.
func TestAuthorization(t *testing.T) {
	e := newEnv(t)
	users := map[string]user{asOwner: e.user(t, workflow.Applicant)}
	for _, r := range workflow.Roles {
		users[string(r)] = e.user(t, r)
	}
	own := users[asOwner]
	draft := func(t *testing.T) model.Application { return e.create(t, own, completeFields(e.call.ID)) }
	attached := func(t *testing.T) model.Attachment { return e.attach(t, own, draft(t).ID, "plan.pdf", pdfFile()) }
	// attachedThenSubmitted is a file on an application submitted since.
	attachedThenSubmitted := func(t *testing.T) model.Attachment {
		at := attached(t)
		e.expect(t, req{method: "POST", path: fmt.Sprintf("/applications/%d/events/submit", at.ApplicationID), token: own.token}, http.StatusOK)
		return at
	}
	call := map[string]any{"fund_id": e.fund.ID, "title": "Ny utlysning", "opens_at": time.Now().UTC().Format(time.RFC3339),
		"closes_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "max_amount_ore": 100_000_00}
	adminOrOfficer := map[string]int{string(workflow.Admin): http.StatusCreated, string(workflow.CaseOfficer): http.StatusCreated}
	applicants := map[string]int{asOwner: http.StatusCreated, string(workflow.Applicant): http.StatusCreated}

	// Review and decision fixtures, made through the service. The reviewer
	// principal is assigned where a row says so; the decision maker
	// principal declares where a row says so.
	ctx := context.Background()
	officer, reviewer, decider := users[string(workflow.CaseOfficer)], users[string(workflow.Reviewer)], users[string(workflow.DecisionMaker)]
	spare := e.person(t, "Fri Fagvurderer", "Enhet fri", workflow.Reviewer)
	e.setFrame(t, money.FromKroner(100_000_000))
	requested := completeFields(e.call.ID).RequestedAmountOre
	inReview := func(t *testing.T) model.Application { return e.inReview(t, own, officer, completeFields(e.call.ID)) }
	// assigned is in review with the reviewer principal assigned, and
	// declared free of conflict when declared.
	assigned := func(t *testing.T, declared bool) model.Application {
		a := inReview(t)
		if _, err := e.grants.AssignReviewers(ctx, officer.User, a.ID, []int64{reviewer.ID}, "setup"); err != nil {
			t.Fatal(err)
		}
		if declared {
			e.declareFree(t, reviewer, a.ID)
		}
		return a
	}
	// drafted has the reviewer's draft review, scoring every criterion when complete.
	drafted := func(t *testing.T, complete bool) model.Application {
		a := assigned(t, true)
		rubric, err := e.grants.Rubric(ctx, e.call.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := model.Review{Scores: scoresAll(rubric, 3)[:1]}
		if complete {
			r = model.Review{Recommendation: model.RecommendYes, Scores: scoresAll(rubric, 3)}
		}
		if _, err := e.grants.SaveReview(ctx, reviewer.User, a.ID, r, "setup"); err != nil {
			t.Fatal(err)
		}
		return a
	}
	withRecommendation := func(t *testing.T) model.Application {
		a := inReview(t)
		rec := model.Recommendation{Outcome: model.OutcomeApprove, AmountOre: requested, Reasons: testReasons, OverrideReason: "Hastesak"}
		if _, err := e.grants.SaveRecommendation(ctx, officer.User, a.ID, rec, "setup"); err != nil {
			t.Fatal(err)
		}
		return a
	}
	recommended := func(t *testing.T) model.Application {
		return e.recommend(t, officer, inReview(t).ID, model.OutcomeApprove, requested)
	}
	decidable := func(t *testing.T) model.Application {
		a := recommended(t)
		e.declareFree(t, decider, a.ID)
		return a
	}
	freshCall := func(t *testing.T) model.Call { return e.newCall(t, e.call.OpensAt, e.call.ClosesAt) }
	appPath := func(a model.Application, rest string) string { return fmt.Sprintf("/applications/%d%s", a.ID, rest) }
	callPath := func(id int64, rest string) string { return fmt.Sprintf("/calls/%d%s", id, rest) }
	officers := func(status int) map[string]int {
		return map[string]int{string(workflow.CaseOfficer): status, string(workflow.Admin): status}
	}
	only := func(role workflow.Role, status int) map[string]int { return map[string]int{string(role): status} }
	rubricBody := map[string]any{"criteria": []map[string]any{{"name_nb": "Nytte", "name_en": "Benefit", "weight": 1}}}
	decision := map[string]any{"amount_ore": requested / 2, "reasons": testReasons}

	// Letters: a partial grant, so that it may be appealed, decided by the
	// decision maker principal; with the reviewer principal assigned when
	// reviewed.
	approvedPart := func(t *testing.T, a model.Application) model.Application {
		half := requested / 2
		a, err := e.grants.FireWith(ctx, decider.User, a.ID, workflow.Approve, grants.EventInput{AmountOre: &half}, "setup")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	granted := func(t *testing.T) model.Application { return approvedPart(t, decidable(t)) }
	grantedReviewed := func(t *testing.T) model.Application {
		a := assigned(t, true)
		e.recommend(t, officer, a.ID, model.OutcomeApprove, requested)
		e.declareFree(t, decider, a.ID)
		return approvedPart(t, a)
	}
	appealed := func(t *testing.T) model.Application {
		a, err := e.grants.Fire(ctx, own.User, granted(t).ID, workflow.Appeal, "Beløpet er for lavt.", "setup")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	letterOf := func(t *testing.T, a model.Application) string {
		l, err := e.store.Letters(ctx, a.ID)
		if err != nil || len(l) != 1 {
			t.Fatalf("letters of application %d: %+v, %v; want one", a.ID, l, err)
		}
		return letterPath(l[0].ID)
	}
	fundPath := func(id int64) string { return fmt.Sprintf("/funds/%d/letter-template", id) }
	freshFund := func(t *testing.T) int64 {
		f, err := e.store.CreateFund(ctx, testenv.Unique("Fond"), "Nyby")
		if err != nil {
			t.Fatal(err)
		}
		return f.ID
	}
	noFund := e.fund.ID + 1_000_000
	admins := func(status int) map[string]int { return only(workflow.Admin, status) }
	comment := map[string]any{"comment": "Beløpet er for lavt."}

	// Finance: tranches moved by staff who are not the principals, so that
	// each principal's own attempt is what a row checks.
	fin := e.financeStaff(t)
	finance := map[string]int{string(workflow.FinanceAttestant): http.StatusOK, string(workflow.FinanceAuthoriser): http.StatusOK}
	moneyHandlers := map[string]int{string(workflow.FinanceAttestant): http.StatusOK, string(workflow.FinanceAuthoriser): http.StatusOK,
		string(workflow.CaseOfficer): http.StatusOK, string(workflow.DecisionMaker): http.StatusOK, string(workflow.Admin): http.StatusOK}
	grantAmount := money.FromKroner(40_000)
	accepted := func(t *testing.T) (model.Application, []model.Payout) {
		return e.acceptedGrant(t, own, officer, decider, grantAmount)
	}
	attested := func(t *testing.T) model.Payout {
		_, ps := accepted(t)
		return e.moveTranche(t, fin.attestant, ps[0].ID, workflow.Attest, grants.PayoutInput{})
	}
	paid := func(t *testing.T) model.Application {
		a, _ := e.paidTranche(t, fin, own, officer, decider, grantAmount)
		return a
	}
	raised := func(t *testing.T) model.Clawback {
		c, err := e.grants.RaiseClawback(ctx, officer.User, paid(t).ID, money.FromKroner(1_000), "Ikke brukt som søkt.", "setup")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	exported := func(t *testing.T) model.PayoutExport {
		paid(t)
		x, err := e.grants.CreatePayoutExport(ctx, fin.attestant.User)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	voucher := map[string]any{"erp_reference": "BILAG-9", "paid_on": time.Now().In(workflow.Oslo).Format(time.DateOnly)}
	// Reports: the final report of an accepted grant, written by the owner,
	// and submitted.
	finalReport := func(t *testing.T) model.Report {
		a, _ := accepted(t)
		return e.finalReport(t, a.ID)
	}
	written := func(t *testing.T) model.Report {
		r := finalReport(t)
		if _, err := e.grants.UpdateReport(ctx, own.User, r.ID, reportContent, "setup"); err != nil {
			t.Fatal(err)
		}
		return r
	}
	submitted := func(t *testing.T) model.Report {
		r := written(t)
		if _, err := e.grants.FireReport(ctx, own.User, r.ID, workflow.SubmitReport, "", "setup"); err != nil {
			t.Fatal(err)
		}
		return r
	}
	exemptTitle := model.PublicationInput{Exemptions: []model.ExemptionInput{{Field: model.PublicTitle, LegalBasis: model.OfflConfidential, Reason: "Navn"}}}
	prizePath := fmt.Sprintf("/funds/%d/prize/%d", e.fund.ID, time.Now().In(workflow.Oslo).Year())
	var nominated *model.Application // made once: a completed, nominated project
	nominee := func(t *testing.T) model.Application {
		if nominated == nil {
			a, _ := e.finishedProject(t, officer, decider)
			nominated = &a
		}
		return *nominated
	}
	created := func(roles ...workflow.Role) map[string]int {
		m := map[string]int{}
		for _, r := range roles {
			m[string(r)] = http.StatusCreated
		}
		return m
	}

	rows := []authzRow{
		{"GET /openapi.json", "", func(*testing.T) req { return req{method: "GET", path: "/openapi.json"} },
			statuses(http.StatusOK, map[string]int{asNobody: http.StatusOK})},
		{"GET /workflow", "", func(*testing.T) req { return req{method: "GET", path: "/workflow"} },
			statuses(http.StatusOK, map[string]int{asNobody: http.StatusOK})},
		{"GET /me", "", func(*testing.T) req { return req{method: "GET", path: "/me"} }, statuses(http.StatusOK, nil)},
		{"GET /calls", "", func(*testing.T) req { return req{method: "GET", path: "/calls"} }, statuses(http.StatusOK, nil)},
		{"POST /calls", "", func(*testing.T) req { return req{method: "POST", path: "/calls", body: call} },
			statuses(http.StatusForbidden, adminOrOfficer)},
		{"GET /applications", "", func(*testing.T) req { return req{method: "GET", path: "/applications"} }, statuses(http.StatusOK, nil)},
		{"POST /applications", "", func(*testing.T) req {
			return req{method: "POST", path: "/applications", body: completeFields(e.call.ID)}
		}, statuses(http.StatusForbidden, applicants)},
		{"GET /applications/{id}", "", func(t *testing.T) req {
			return req{method: "GET", path: fmt.Sprintf("/applications/%d", draft(t).ID)}
		}, onApplication(http.StatusOK, http.StatusOK)},
		{"PATCH /applications/{id}", "", func(t *testing.T) req {
			return req{method: "PATCH", path: fmt.Sprintf("/applications/%d", draft(t).ID), body: map[string]string{"title": "Endret"}}
		}, onApplication(http.StatusOK, http.StatusForbidden)},
		{"GET /applications/{id}/history", "", func(t *testing.T) req {
			return req{method: "GET", path: fmt.Sprintf("/applications/%d/history", draft(t).ID)}
		}, onApplication(http.StatusOK, http.StatusOK)},
		{"POST /applications/{id}/events/{event}", "withdraw a draft", func(t *testing.T) req {
			return req{method: "POST", path: fmt.Sprintf("/applications/%d/events/withdraw", draft(t).ID)}
		}, onApplication(http.StatusOK, http.StatusForbidden)},
		{"POST /applications/{id}/events/{event}", "submit a draft", func(t *testing.T) req {
			return req{method: "POST", path: fmt.Sprintf("/applications/%d/events/submit", draft(t).ID)}
		}, onApplication(http.StatusOK, http.StatusForbidden)},
		{"POST /applications/{id}/events/{event}", "start the review", func(t *testing.T) req {
			return req{method: "POST", path: fmt.Sprintf("/applications/%d/events/start_review", e.submitted(t, own).ID)}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, map[string]int{string(workflow.CaseOfficer): http.StatusOK})},
		{"POST /applications/{id}/events/{event}", "return", func(t *testing.T) req {
			return req{method: "POST", path: fmt.Sprintf("/applications/%d/events/return", e.submitted(t, own).ID),
				body: map[string]string{"comment": "Mangler budsjett."}}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, map[string]int{string(workflow.CaseOfficer): http.StatusOK})},
		{"GET /applications/{id}/attachments", "", func(t *testing.T) req {
			return req{method: "GET", path: attachmentsPath(attached(t).ApplicationID)}
		}, onApplication(http.StatusOK, http.StatusOK)},
		{"POST /applications/{id}/attachments", "to a draft", func(t *testing.T) req {
			return uploadRequest(t, "", draft(t).ID, "plan.pdf", pdfFile(), nil)
		}, onApplication(http.StatusCreated, http.StatusForbidden)},
		{"POST /applications/{id}/attachments", "to a submitted application", func(t *testing.T) req {
			return uploadRequest(t, "", e.submitted(t, own).ID, "plan.pdf", pdfFile(), nil)
		}, onApplication(http.StatusConflict, http.StatusForbidden)},
		{"GET /attachments/{id}", "", func(t *testing.T) req {
			return req{method: "GET", path: attachmentPath(attached(t).ID)}
		}, onApplication(http.StatusOK, http.StatusOK)},
		{"DELETE /attachments/{id}", "from a draft", func(t *testing.T) req {
			return req{method: "DELETE", path: attachmentPath(attached(t).ID)}
		}, onApplication(http.StatusNoContent, http.StatusForbidden)},
		{"DELETE /attachments/{id}", "from a submitted application", func(t *testing.T) req {
			return req{method: "DELETE", path: attachmentPath(attachedThenSubmitted(t).ID)}
		}, onApplication(http.StatusConflict, http.StatusForbidden)},

		// What an assigned reviewer sees of the application.
		{"GET /applications/{id}", "as its declared reviewer", func(t *testing.T) req {
			return req{method: "GET", path: appPath(assigned(t, true), "")}
		}, onApplication(http.StatusOK, http.StatusOK, only(workflow.Reviewer, http.StatusOK))},
		{"GET /applications/{id}", "as its reviewer before declaring", func(t *testing.T) req {
			return req{method: "GET", path: appPath(assigned(t, false), "")}
		}, onApplication(http.StatusOK, http.StatusOK, only(workflow.Reviewer, http.StatusForbidden))},
		{"GET /applications/{id}/history", "as its declared reviewer", func(t *testing.T) req {
			return req{method: "GET", path: appPath(assigned(t, true), "/history")}
		}, onApplication(http.StatusOK, http.StatusOK, only(workflow.Reviewer, http.StatusOK))},
		{"GET /applications/{id}/attachments", "as its declared reviewer", func(t *testing.T) req {
			return req{method: "GET", path: attachmentsPath(assigned(t, true).ID)}
		}, onApplication(http.StatusOK, http.StatusOK, only(workflow.Reviewer, http.StatusOK))},

		// Rubrics, reviewers and conflicts of interest.
		{"GET /calls/{id}/rubric", "", func(*testing.T) req {
			return req{method: "GET", path: callPath(e.call.ID, "/rubric")}
		}, statuses(http.StatusOK, nil)},
		{"PUT /calls/{id}/rubric", "", func(t *testing.T) req {
			return req{method: "PUT", path: callPath(freshCall(t).ID, "/rubric"), body: rubricBody}
		}, statuses(http.StatusForbidden, officers(http.StatusOK))},
		{"POST /calls/{id}/reviewer-assignments", "", func(t *testing.T) req {
			return req{method: "POST", path: callPath(freshCall(t).ID, "/reviewer-assignments")}
		}, statuses(http.StatusForbidden, officers(http.StatusOK))},
		{"GET /applications/{id}/reviewers", "as its declared reviewer", func(t *testing.T) req {
			return req{method: "GET", path: appPath(assigned(t, true), "/reviewers")}
		}, onApplication(http.StatusForbidden, http.StatusOK, only(workflow.Reviewer, http.StatusForbidden))},
		{"GET /applications/{id}/reviewers", "not assigned", func(t *testing.T) req {
			return req{method: "GET", path: appPath(inReview(t), "/reviewers")}
		}, onApplication(http.StatusForbidden, http.StatusOK)},
		{"POST /applications/{id}/reviewers", "", func(t *testing.T) req {
			return req{method: "POST", path: appPath(inReview(t), "/reviewers"), body: map[string]any{"reviewer_ids": []int64{spare.ID}}}
		}, statuses(http.StatusForbidden, officers(http.StatusOK))},
		{"POST /applications/{id}/declarations", "as its reviewer", func(t *testing.T) req {
			return req{method: "POST", path: appPath(assigned(t, false), "/declarations"), body: map[string]any{"conflict": false}}
		}, onApplication(http.StatusForbidden, http.StatusForbidden,
			map[string]int{string(workflow.Reviewer): http.StatusCreated, string(workflow.DecisionMaker): http.StatusCreated})},
		{"POST /applications/{id}/declarations", "not assigned", func(t *testing.T) req {
			return req{method: "POST", path: appPath(inReview(t), "/declarations"), body: map[string]any{"conflict": false}}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.DecisionMaker, http.StatusCreated))},

		// Reviews.
		{"GET /applications/{id}/reviews", "as its declared reviewer", func(t *testing.T) req {
			return req{method: "GET", path: appPath(assigned(t, true), "/reviews")}
		}, onApplication(http.StatusForbidden, http.StatusOK, only(workflow.Reviewer, http.StatusOK))},
		{"GET /applications/{id}/reviews/mine", "with a draft", func(t *testing.T) req {
			return req{method: "GET", path: appPath(drafted(t, false), "/reviews/mine")}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.Reviewer, http.StatusOK))},
		{"PUT /applications/{id}/reviews/mine", "as its declared reviewer", func(t *testing.T) req {
			return req{method: "PUT", path: appPath(assigned(t, true), "/reviews/mine"), body: map[string]any{"comment": "Utkast"}}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.Reviewer, http.StatusOK))},
		{"PUT /applications/{id}/reviews/mine", "as its reviewer before declaring", func(t *testing.T) req {
			return req{method: "PUT", path: appPath(assigned(t, false), "/reviews/mine"), body: map[string]any{"comment": "Utkast"}}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.Reviewer, http.StatusForbidden))},
		{"POST /applications/{id}/reviews/mine/submit", "a complete draft", func(t *testing.T) req {
			return req{method: "POST", path: appPath(drafted(t, true), "/reviews/mine/submit")}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.Reviewer, http.StatusOK))},
		{"GET /me/review-queue", "", func(*testing.T) req {
			return req{method: "GET", path: "/me/review-queue"}
		}, statuses(http.StatusForbidden, only(workflow.Reviewer, http.StatusOK))},

		// Recommendations, ranking, decisions and the budget.
		{"GET /applications/{id}/recommendation", "", func(t *testing.T) req {
			return req{method: "GET", path: appPath(withRecommendation(t), "/recommendation")}
		}, onApplication(http.StatusForbidden, http.StatusOK)},
		{"PUT /applications/{id}/recommendation", "", func(t *testing.T) req {
			return req{method: "PUT", path: appPath(inReview(t), "/recommendation"),
				body: map[string]any{"outcome": "reject", "reasons": testReasons}}
		}, statuses(http.StatusForbidden, officers(http.StatusOK))},
		{"POST /applications/{id}/events/{event}", "recommend", func(t *testing.T) req {
			return req{method: "POST", path: appPath(withRecommendation(t), "/events/recommend")}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.CaseOfficer, http.StatusOK))},
		{"POST /applications/{id}/events/{event}", "approve part of the amount", func(t *testing.T) req {
			return req{method: "POST", path: appPath(decidable(t), "/events/approve"), body: decision}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.DecisionMaker, http.StatusOK))},
		{"POST /applications/{id}/events/{event}", "approve without a declaration", func(t *testing.T) req {
			return req{method: "POST", path: appPath(recommended(t), "/events/approve"), body: decision}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.DecisionMaker, http.StatusUnprocessableEntity))},
		{"POST /applications/{id}/events/{event}", "reject", func(t *testing.T) req {
			return req{method: "POST", path: appPath(decidable(t), "/events/reject")}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.DecisionMaker, http.StatusOK))},
		{"POST /applications/{id}/events/{event}", "dismiss a recommended application", func(t *testing.T) req {
			return req{method: "POST", path: appPath(decidable(t), "/events/dismiss")}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.DecisionMaker, http.StatusOK))},
		{"POST /applications/{id}/events/{event}", "dismiss an application in review", func(t *testing.T) req {
			return req{method: "POST", path: appPath(inReview(t), "/events/dismiss"), body: map[string]any{"reasons": testReasons}}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.CaseOfficer, http.StatusOK))},
		{"GET /calls/{id}/ranking", "", func(*testing.T) req {
			return req{method: "GET", path: callPath(e.call.ID, "/ranking")}
		}, statuses(http.StatusForbidden, map[string]int{string(workflow.CaseOfficer): http.StatusOK,
			string(workflow.DecisionMaker): http.StatusOK, string(workflow.Admin): http.StatusOK})},
		{"POST /calls/{id}/decisions", "", func(t *testing.T) req {
			return req{method: "POST", path: callPath(freshCall(t).ID, "/decisions"), body: map[string]any{"declare_no_conflict": true}}
		}, statuses(http.StatusForbidden, only(workflow.DecisionMaker, http.StatusOK))},
		{"GET /funds/{id}/ledger", "", func(*testing.T) req {
			return req{method: "GET", path: fmt.Sprintf("/funds/%d/ledger?year=%d", e.fund.ID, e.call.BudgetYear)}
		}, statuses(http.StatusForbidden, map[string]int{string(workflow.CaseOfficer): http.StatusOK, string(workflow.DecisionMaker): http.StatusOK,
			string(workflow.Admin): http.StatusOK, string(workflow.FinanceAttestant): http.StatusOK, string(workflow.FinanceAuthoriser): http.StatusOK})},

		// Letters, acceptance and appeals.
		{"GET /applications/{id}/letters", "of a decided application", func(t *testing.T) req {
			return req{method: "GET", path: lettersPath(granted(t).ID)}
		}, onApplication(http.StatusOK, http.StatusOK)},
		{"GET /applications/{id}/letters", "as its declared reviewer", func(t *testing.T) req {
			return req{method: "GET", path: lettersPath(grantedReviewed(t).ID)}
		}, onApplication(http.StatusOK, http.StatusOK, only(workflow.Reviewer, http.StatusForbidden))},
		{"GET /applications/{id}/letter-preview", "with a recommendation", func(t *testing.T) req {
			return req{method: "GET", path: appPath(withRecommendation(t), "/letter-preview")}
		}, onApplication(http.StatusForbidden, http.StatusOK)},
		{"GET /applications/{id}/letter-preview", "without a recommendation", func(t *testing.T) req {
			return req{method: "GET", path: appPath(inReview(t), "/letter-preview")}
		}, onApplication(http.StatusForbidden, http.StatusConflict)},
		{"GET /letters/{id}", "", func(t *testing.T) req {
			return req{method: "GET", path: letterOf(t, granted(t))}
		}, onApplication(http.StatusOK, http.StatusOK)},
		{"GET /letters/{id}", "as its declared reviewer", func(t *testing.T) req {
			return req{method: "GET", path: letterOf(t, grantedReviewed(t))}
		}, onApplication(http.StatusOK, http.StatusOK, only(workflow.Reviewer, http.StatusNotFound))},
		{"GET /funds/{id}/letter-template", "", func(*testing.T) req {
			return req{method: "GET", path: fundPath(e.fund.ID)}
		}, statuses(http.StatusForbidden, officers(http.StatusOK))},
		{"GET /funds/{id}/letter-template", "of no fund", func(*testing.T) req {
			return req{method: "GET", path: fundPath(noFund)}
		}, statuses(http.StatusForbidden, officers(http.StatusNotFound))},
		{"PUT /funds/{id}/letter-template", "", func(t *testing.T) req {
			return req{method: "PUT", path: fundPath(freshFund(t)), body: letter.DefaultTemplate()}
		}, statuses(http.StatusForbidden, admins(http.StatusOK))},
		{"PUT /funds/{id}/letter-template", "invalid", func(t *testing.T) req {
			return req{method: "PUT", path: fundPath(freshFund(t)), body: letter.Template{}}
		}, statuses(http.StatusForbidden, admins(http.StatusUnprocessableEntity))},
		{"PUT /funds/{id}/letter-template", "of no fund", func(*testing.T) req {
			return req{method: "PUT", path: fundPath(noFund), body: letter.DefaultTemplate()}
		}, statuses(http.StatusForbidden, admins(http.StatusNotFound))},
		{"PUT /funds/{id}/logo", "", func(t *testing.T) req {
			return req{method: "PUT", path: fmt.Sprintf("/funds/%d/logo", freshFund(t)), body: tinyPNG(t), header: map[string]string{"Content-Type": "image/png"}}
		}, statuses(http.StatusForbidden, admins(http.StatusNoContent))},
		{"PUT /funds/{id}/logo", "not an image", func(t *testing.T) req {
			return req{method: "PUT", path: fmt.Sprintf("/funds/%d/logo", freshFund(t)), body: "GIF89a not really", header: map[string]string{"Content-Type": "image/png"}}
		}, statuses(http.StatusForbidden, admins(http.StatusUnprocessableEntity))},
		{"PUT /funds/{id}/logo", "as text", func(t *testing.T) req {
			return req{method: "PUT", path: fmt.Sprintf("/funds/%d/logo", freshFund(t)), body: "hello", header: map[string]string{"Content-Type": "text/plain"}}
		}, statuses(http.StatusUnsupportedMediaType, nil)}, // the body is refused before anyone's rights are looked at
		{"POST /applications/{id}/events/{event}", "accept a grant", func(t *testing.T) req {
			return req{method: "POST", path: appPath(granted(t), "/events/accept")}
		}, onApplication(http.StatusOK, http.StatusForbidden)},
		{"POST /applications/{id}/events/{event}", "decline a grant", func(t *testing.T) req {
			return req{method: "POST", path: appPath(granted(t), "/events/decline")}
		}, onApplication(http.StatusOK, http.StatusForbidden)},
		{"POST /applications/{id}/events/{event}", "lapse a grant", func(t *testing.T) req {
			return req{method: "POST", path: appPath(granted(t), "/events/lapse")}
		}, onApplication(http.StatusForbidden, http.StatusForbidden)},
		{"POST /applications/{id}/events/{event}", "appeal a partial grant", func(t *testing.T) req {
			return req{method: "POST", path: appPath(granted(t), "/events/appeal"), body: comment}
		}, onApplication(http.StatusOK, http.StatusForbidden)},
		{"POST /applications/{id}/events/{event}", "reverse an appeal", func(t *testing.T) req {
			return req{method: "POST", path: appPath(appealed(t), "/events/reverse"), body: map[string]any{"comment": "Ny vurdering."}}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.CaseOfficer, http.StatusOK))},

		// Payouts, recipients, repayment demands and ERP export.
		{"GET /payouts", "", func(*testing.T) req {
			return req{method: "GET", path: "/payouts"}
		}, statuses(http.StatusForbidden, moneyHandlers)},
		{"GET /applications/{id}/payouts", "", func(t *testing.T) req {
			a, _ := accepted(t)
			return req{method: "GET", path: appPath(a, "/payouts")}
		}, onApplication(http.StatusOK, http.StatusOK, finance)},
		{"POST /payouts/{id}/events/{event}", "attest", func(t *testing.T) req {
			_, ps := accepted(t)
			return req{method: "POST", path: payoutEventPath(ps[0].ID, workflow.Attest)}
		}, statuses(http.StatusForbidden, only(workflow.FinanceAttestant, http.StatusOK))},
		{"POST /payouts/{id}/events/{event}", "authorise", func(t *testing.T) req {
			return req{method: "POST", path: payoutEventPath(attested(t).ID, workflow.Authorise), body: voucher}
		}, statuses(http.StatusForbidden, only(workflow.FinanceAuthoriser, http.StatusOK))},
		{"PUT /applications/{id}/payout-plan", "", func(t *testing.T) req {
			return req{method: "PUT", path: appPath(granted(t), "/payout-plan"),
				body: map[string]any{"tranches": []model.PlanTranche{{AmountOre: requested / 2, Condition: model.OnAcceptance}}}}
		}, statuses(http.StatusForbidden, only(workflow.CaseOfficer, http.StatusOK))},
		{"PUT /applications/{id}/recipient", "", func(t *testing.T) req {
			return req{method: "PUT", path: appPath(draft(t), "/recipient"), body: internalRecipient}
		}, statuses(http.StatusForbidden, only(workflow.CaseOfficer, http.StatusOK))},
		{"GET /applications/{id}/clawbacks", "", func(t *testing.T) req {
			return req{method: "GET", path: appPath(draft(t), "/clawbacks")}
		}, onApplication(http.StatusOK, http.StatusOK, finance)},
		{"POST /applications/{id}/clawbacks", "", func(t *testing.T) req {
			return req{method: "POST", path: appPath(paid(t), "/clawbacks"), body: map[string]any{"amount_ore": 100_000, "reason": "Ikke brukt som søkt."}}
		}, statuses(http.StatusForbidden, created(workflow.CaseOfficer))},
		{"POST /clawbacks/{id}/events/{event}", "repay", func(t *testing.T) req {
			return req{method: "POST", path: clawbackEventPath(raised(t).ID, workflow.Repay), body: map[string]any{"erp_reference": "INN-1",
				"repaid_on": time.Now().In(workflow.Oslo).Format(time.DateOnly)}}
		}, statuses(http.StatusForbidden, finance)},
		{"POST /payout-exports", "", func(t *testing.T) req {
			paid(t)
			return req{method: "POST", path: "/payout-exports"}
		}, statuses(http.StatusForbidden, created(workflow.FinanceAttestant, workflow.FinanceAuthoriser))},
		{"GET /payout-exports/{id}.csv", "", func(t *testing.T) req {
			return req{method: "GET", path: fmt.Sprintf("/payout-exports/%d.csv", exported(t).ID)}
		}, statuses(http.StatusForbidden, finance)},
		{"GET /payout-exports/{id}.xlsx", "", func(t *testing.T) req {
			return req{method: "GET", path: fmt.Sprintf("/payout-exports/%d.xlsx", exported(t).ID)}
		}, statuses(http.StatusForbidden, finance)},

		// Reports and the evaluation.
		{"GET /applications/{id}/reports", "", func(t *testing.T) req {
			a, _ := accepted(t)
			return req{method: "GET", path: appPath(a, "/reports")}
		}, onApplication(http.StatusOK, http.StatusOK)},
		{"GET /reports/overdue", "", func(*testing.T) req {
			return req{method: "GET", path: "/reports/overdue"}
		}, statuses(http.StatusForbidden, map[string]int{string(workflow.CaseOfficer): http.StatusOK, string(workflow.Admin): http.StatusOK})},
		{"PUT /reports/{id}", "", func(t *testing.T) req {
			return req{method: "PUT", path: reportPath(finalReport(t)), body: reportContent}
		}, onApplication(http.StatusOK, http.StatusForbidden)},
		{"POST /reports/{id}/events/{event}", "submit", func(t *testing.T) req {
			return req{method: "POST", path: reportPath(written(t)) + "/events/submit"}
		}, onApplication(http.StatusOK, http.StatusForbidden)},
		{"POST /reports/{id}/events/{event}", "return", func(t *testing.T) req {
			return req{method: "POST", path: reportPath(submitted(t)) + "/events/return", body: comment}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.CaseOfficer, http.StatusOK))},
		{"PUT /applications/{id}/evaluation", "by a unit leader who is not the applicant's", func(t *testing.T) req {
			a, _ := accepted(t)
			return req{method: "PUT", path: appPath(a, "/evaluation"), body: evaluation}
		}, onApplication(http.StatusForbidden, http.StatusForbidden, only(workflow.UnitLeader, http.StatusForbidden))},

		// Notifications are the user's own.
		{"GET /notifications", "", func(*testing.T) req {
			return req{method: "GET", path: "/notifications"}
		}, statuses(http.StatusOK, nil)},
		{"POST /notifications/{id}/read", "the owner's", func(t *testing.T) req {
			return req{method: "POST", path: fmt.Sprintf("/notifications/%d/read", e.notification(t, own, draft(t)).ID)}
		}, statuses(http.StatusNotFound, map[string]int{asOwner: http.StatusOK})},
		{"GET /me/notification-preferences", "", func(*testing.T) req {
			return req{method: "GET", path: "/me/notification-preferences"}
		}, statuses(http.StatusOK, nil)},
		{"PUT /me/notification-preferences", "", func(*testing.T) req {
			return req{method: "PUT", path: "/me/notification-preferences", body: map[string]any{"preferences": map[string]string{"report_due": "digest"}}}
		}, statuses(http.StatusOK, nil)},
		{"GET /admin/failed-jobs", "", func(*testing.T) req {
			return req{method: "GET", path: "/admin/failed-jobs"}
		}, statuses(http.StatusForbidden, map[string]int{string(workflow.Admin): http.StatusOK})},
		// The public pages' API, publication and the innovation prize.
		{"GET /public/projects", "", func(*testing.T) req {
			return req{method: "GET", path: "/public/projects"}
		}, statuses(http.StatusOK, map[string]int{asNobody: http.StatusOK})},
		{"GET /public/projects/{id}", "a granted project", func(t *testing.T) req {
			return req{method: "GET", path: fmt.Sprintf("/public/projects/%d", granted(t).ID)}
		}, statuses(http.StatusOK, map[string]int{asNobody: http.StatusOK})},
		{"GET /public/projects/{id}", "a draft", func(t *testing.T) req {
			return req{method: "GET", path: fmt.Sprintf("/public/projects/%d", draft(t).ID)}
		}, statuses(http.StatusNotFound, map[string]int{asNobody: http.StatusNotFound})},
		{"GET /applications/{id}/publication", "", func(t *testing.T) req {
			return req{method: "GET", path: appPath(granted(t), "/publication")}
		}, onApplication(http.StatusForbidden, http.StatusOK, only(workflow.DecisionMaker, http.StatusForbidden))},
		{"PUT /applications/{id}/publication", "", func(t *testing.T) req {
			return req{method: "PUT", path: appPath(granted(t), "/publication"), body: exemptTitle}
		}, onApplication(http.StatusForbidden, http.StatusOK, only(workflow.DecisionMaker, http.StatusForbidden))},
		{"GET /funds/{id}/prize/{year}/nominees", "", func(*testing.T) req {
			return req{method: "GET", path: prizePath + "/nominees"}
		}, statuses(http.StatusForbidden, map[string]int{string(workflow.DecisionMaker): http.StatusOK, string(workflow.Admin): http.StatusOK})},
		{"PUT /funds/{id}/prize/{year}", "", func(t *testing.T) req {
			return req{method: "PUT", path: prizePath, body: map[string]any{"winner": map[string]any{"application_id": nominee(t).ID, "citation": "Nyttiggjort."}}}
		}, statuses(http.StatusForbidden, only(workflow.DecisionMaker, http.StatusOK))},
		// The annual summary.
		{"GET /funds/{id}/annual-summary/{year}", "as PDF", func(*testing.T) req {
			return req{method: "GET", path: fmt.Sprintf("/funds/%d/annual-summary/%d", e.fund.ID, e.call.BudgetYear)}
		}, statuses(http.StatusForbidden, map[string]int{string(workflow.CaseOfficer): http.StatusOK,
			string(workflow.DecisionMaker): http.StatusOK, string(workflow.Admin): http.StatusOK})},
		{"GET /funds/{id}/annual-summary/{year}", "as JSON", func(*testing.T) req {
			return req{method: "GET", path: fmt.Sprintf("/funds/%d/annual-summary/%d?format=json", e.fund.ID, e.call.BudgetYear)}
		}, statuses(http.StatusForbidden, map[string]int{string(workflow.CaseOfficer): http.StatusOK,
			string(workflow.DecisionMaker): http.StatusOK, string(workflow.Admin): http.StatusOK})},
		{"POST /funds/{id}/annual-summary/{year}/publish", "", func(*testing.T) req {
			return req{method: "POST", path: fmt.Sprintf("/funds/%d/annual-summary/%d/publish", e.fund.ID, e.call.BudgetYear)}
		}, statuses(http.StatusForbidden, only(workflow.Admin, http.StatusOK))},
	}

	routes := apiRoutes(t)
	for _, r := range routes {
		if !slices.ContainsFunc(rows, func(row authzRow) bool { return row.route == r }) {
			t.Errorf("no authorization row for %s: add one", r)
		}
	}
	for _, row := range rows {
		if !slices.Contains(routes, row.route) {
			t.Errorf("authorization row for %s, which the router does not serve", row.route)
		}
		for _, p := range principals() {
			if _, ok := row.want[p]; !ok {
				t.Errorf("%s: no expectation for %s", row.route, p)
			}
		}
	}

	for _, row := range rows {
		t.Run(row.route+" "+row.name, func(t *testing.T) {
			for _, p := range principals() {
				t.Run(p, func(t *testing.T) {
					q := row.request(t)
					switch p {
					case asNobody:
					case asBadToken:
						q.token = auth.NewToken()
					default:
						q.token = users[p].token
					}
					res := e.do(t, q)
					if res.status != row.want[p] {
						t.Fatalf("got %s, want %d", res, row.want[p])
					}
					if res.status >= 400 {
						errorBody(t, res)
					}
				})
			}
		})
	}
}

// TestMalformedAuthorization checks that a credential that is not a bearer
// token is refused, even on a public endpoint, rather than ignored.
func TestMalformedAuthorization(t *testing.T) {
	e := newEnv(t)
	u := e.user(t, workflow.Applicant)
	for _, h := range []string{"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "bearer " + u.token, "Token " + u.token, u.token} {
		for _, path := range []string{"/me", "/workflow"} {
			res := e.do(t, req{method: "GET", path: path, header: map[string]string{"Authorization": h}})
			if res.status != http.StatusUnauthorized || errorBody(t, res).Code != "unauthenticated" {
				t.Errorf("Authorization %q on %s: got %s, want 401 unauthenticated", h, path, res)
			}
		}
	}
}

// TestSessionCookie checks that a web session signs in to the API too, and
// that an expired one does not.
func TestSessionCookie(t *testing.T) {
	e := newEnv(t)
	u := e.user(t, workflow.Applicant)
	ctx := context.Background()
	live, expired := auth.NewSessionID(), auth.NewSessionID()
	if err := e.store.CreateSession(ctx, u.ID, live, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateSession(ctx, u.ID, expired, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	cookie := func(id string) map[string]string {
		return map[string]string{"Cookie": httpx.SessionCookie + "=" + id}
	}
	me := decode[model.User](t, e.expect(t, req{method: "GET", path: "/me", header: cookie(live)}, http.StatusOK))
	if me.ID != u.ID {
		t.Errorf("the session signs in user %d, want %d", me.ID, u.ID)
	}
	e.expect(t, req{method: "POST", path: "/applications", header: cookie(live), body: completeFields(e.call.ID)}, http.StatusCreated)
	errorBody(t, e.expect(t, req{method: "GET", path: "/me", header: cookie(expired)}, http.StatusUnauthorized))
	errorBody(t, e.expect(t, req{method: "GET", path: "/me", header: cookie("nonsense")}, http.StatusUnauthorized))
}

// TestUserWithoutRoles checks that a user who holds no role yet is signed
// in, sees an empty list of roles, and may do nothing but look.
func TestUserWithoutRoles(t *testing.T) {
	e := newEnv(t)
	u := e.user(t)
	res := e.expect(t, req{method: "GET", path: "/me", token: u.token}, http.StatusOK)
	var me map[string]any
	if err := json.Unmarshal(res.body, &me); err != nil {
		t.Fatal(err)
	}
	if roles, ok := me["roles"].([]any); !ok || len(roles) != 0 {
		t.Errorf("roles = %#v, want []", me["roles"])
	}
	errorBody(t, e.expect(t, req{method: "POST", path: "/applications", token: u.token, body: completeFields(e.call.ID)}, http.StatusForbidden))
	l := decode[struct{ Items []model.Application }](t, e.expect(t, req{method: "GET", path: "/applications", token: u.token}, http.StatusOK))
	if len(l.Items) != 0 {
		t.Errorf("a user without roles sees %d applications", len(l.Items))
	}
}

// tinyPNG is a valid 4×2 PNG, as a string body.
func tinyPNG(t *testing.T) string {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 2))); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
