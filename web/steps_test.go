package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"strconv"
	"testing"
	"time"

	"nyttig/internal/auth"
	"nyttig/internal/grants"
	"nyttig/internal/loadgen"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// Steps that move an application along through the grants service, so
// that a test can start at the page it is about.

// person creates a user in unit, with a leader when leader is not nil.
func (e *env) person(t *testing.T, name, unit string, leader *int64, roles ...workflow.Role) model.User {
	t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.st.CreateUser(context.Background(), store.NewUser{Email: testenv.Unique("person@example.no"), Name: name,
		Unit: unit, PasswordHash: hash, Roles: roles, LeaderID: leader})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// newCall opens a call of a fund of its own, with frame for this year;
// change adjusts the call before it is created.
func (e *env) newCall(t *testing.T, frame money.Ore, change func(*model.Call)) model.Call {
	t.Helper()
	ctx := context.Background()
	fund, err := e.st.CreateFund(ctx, testenv.Unique("Fond"), "Sandnes kommune")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := e.st.SetBudget(ctx, fund.ID, now.In(workflow.Oslo).Year(), frame); err != nil {
		t.Fatal(err)
	}
	c := model.Call{FundID: fund.ID, Title: testenv.Unique("Utlysning"), OpensAt: now.Add(-24 * time.Hour),
		ClosesAt: now.Add(30 * 24 * time.Hour), MaxAmountOre: money.FromKroner(1_000_000)}
	if change != nil {
		change(&c)
	}
	c, err = e.st.CreateCall(ctx, c, 0)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// asking is a complete application to call asking for requested.
func asking(callID int64, title string, requested money.Ore) model.ApplicationFields {
	f := completeFields(callID, title)
	f.RequestedAmountOre = requested
	f.BudgetLines = []model.BudgetLine{{Category: "Lønn", Description: "Prosjektleder", AmountOre: requested + f.OwnContributionOre}}
	return f
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// submitted creates and submits an application.
func (e *env) submitted(t *testing.T, applicant model.User, f model.ApplicationFields) model.Application {
	t.Helper()
	ctx := context.Background()
	a, err := e.grants.CreateApplication(ctx, applicant, f, "test")
	noErr(t, err)
	a, err = e.grants.Fire(ctx, applicant, a.ID, workflow.Submit, "", "test")
	noErr(t, err)
	return a
}

// inReview creates, submits and starts the review of an application.
func (e *env) inReview(t *testing.T, applicant, officer model.User, f model.ApplicationFields) model.Application {
	t.Helper()
	a, err := e.grants.Fire(context.Background(), officer, e.submitted(t, applicant, f).ID, workflow.StartReview, "", "test")
	noErr(t, err)
	return a
}

// review has reviewer, assigned by officer, declare and submit a review
// giving every criterion score.
func (e *env) review(t *testing.T, app model.Application, officer, reviewer model.User, score int) {
	t.Helper()
	ctx := context.Background()
	_, err := e.grants.AssignReviewers(ctx, officer, app.ID, []int64{reviewer.ID}, "test")
	noErr(t, err)
	_, err = e.grants.Declare(ctx, reviewer, app.ID, false, "", "test")
	noErr(t, err)
	rubric, err := e.grants.Rubric(ctx, app.CallID)
	noErr(t, err)
	r := model.Review{Recommendation: model.RecommendYes, Comment: "Godt prosjekt."}
	for _, c := range rubric {
		r.Scores = append(r.Scores, model.Score{CriterionID: c.ID, Score: score})
	}
	_, err = e.grants.SaveReview(ctx, reviewer, app.ID, r, "test")
	noErr(t, err)
	_, err = e.grants.SubmitReview(ctx, reviewer, app.ID, "test")
	noErr(t, err)
}

var testReasons = model.Reasons{Rules: "Retningslinjer for innovasjonsfondet § 3", Facts: "Prosjektet gjelder tilsyn om natten.",
	Considerations: "Stor nytte for beboerne."}

// recommend has officer recommend approving amount (without waiting for
// reviews).
func (e *env) recommend(t *testing.T, app model.Application, officer model.User, amount money.Ore) model.Application {
	t.Helper()
	ctx := context.Background()
	_, err := e.grants.SaveRecommendation(ctx, officer, app.ID, model.Recommendation{Outcome: model.OutcomeApprove,
		AmountOre: amount, Reasons: testReasons, OverrideReason: "Hastesak."}, "test")
	noErr(t, err)
	a, err := e.grants.FireWith(ctx, officer, app.ID, workflow.Recommend, grants.EventInput{}, "test")
	noErr(t, err)
	return a
}

func (e *env) state(t *testing.T, u model.User, id int64) workflow.State {
	t.Helper()
	a, err := e.grants.Application(context.Background(), u, id)
	noErr(t, err)
	return a.State
}

func (e *env) attachments(t *testing.T, u model.User, id int64) []model.Attachment {
	t.Helper()
	list, err := e.grants.Attachments(context.Background(), u, id)
	noErr(t, err)
	return list
}

func path(id int64, rest string) string { return "/applications/" + strconv.FormatInt(id, 10) + rest }

// --- files made here, so that every upload is a real file of its kind ---

// pdfFile is a small valid PDF: one A4 page with its cross-reference
// table (the load generator's).
func pdfFile() []byte { return loadgen.PDF(0) }

// pngFile is a picture of w×h pixels of noise, which like a photo does
// not compress: about 3 bytes a pixel.
func pngFile(t testing.TB, w, h int) []byte {
	t.Helper()
	noise := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{R: uint8(noise.UintN(256)), G: uint8(noise.UintN(256)), B: uint8(noise.UintN(256)), A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload posts content as the "file" of a multipart form, as a browser's
// file input does; header is added to the request.
func (c *client) upload(path, name string, content []byte, header http.Header) response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := fw.Write(content); err != nil {
		c.t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.base+path, &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range header {
		req.Header[k] = v
	}
	return c.do(req)
}

// uploadAnswer is the JSON the upload script gets.
type uploadAnswer struct {
	OK       bool   `json:"ok"`
	Error    string `json:"error"`
	Name     string `json:"name"`
	Location string `json:"location"`
}

func decodeAnswer(t *testing.T, r response) uploadAnswer {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("the upload answer is %q, want JSON:\n%s", ct, r.body)
	}
	var a uploadAnswer
	if err := json.Unmarshal([]byte(r.body), &a); err != nil {
		t.Fatalf("upload answer %q: %v", r.body, err)
	}
	return a
}

var asScript = http.Header{"Accept": {"application/json"}, "X-Requested-With": {"XMLHttpRequest"}}
