package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/notify"
	"nyttig/workflow"
)

// Markup a person may type; each must come back as the text typed.
const (
	scriptPayload = `<script>alert(1)</script>`
	imgPayload    = `"><img src=x onerror=alert(1)>`
	pdfPayload    = `) Tj ET BT /F1 40 Tf (pwned) Tj \ (`
)

// hostile is label followed by every payload.
func hostile(label string) string {
	return label + " " + scriptPayload + " " + imgPayload + " " + pdfPayload
}

// TestMarkupIsEscapedEverywhere puts markup and script into every text
// people write on a case — the application's texts and budget lines, the
// names of the people, a review, the recommendation's reasons, a report
// and an evaluation — and reads every page that shows them, the mail that
// tells of them and the decision letter: the markup is always shown as the
// text it is, never run or interpreted.
func TestMarkupIsEscapedEverywhere(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	call := e.newCall(t, money.FromKroner(1_000_000), nil)
	unit := hostile("Enhet")
	applicant := e.person(t, hostile("Kari"), unit, nil, workflow.Applicant)
	officer := e.person(t, hostile("Ola"), "Stab", nil, workflow.CaseOfficer)
	reviewer := e.person(t, hostile("Randi"), "Fag", nil, workflow.Reviewer)
	decider := e.person(t, hostile("Anne"), "Rådmannens stab", nil, workflow.DecisionMaker)
	leader := e.person(t, hostile("Lise"), unit, nil, workflow.UnitLeader)
	attestant := e.person(t, hostile("Åse"), "Økonomi", nil, workflow.FinanceAttestant)

	requested := money.FromKroner(100_000)
	f := model.ApplicationFields{
		CallID: call.ID, Title: hostile("Tittel"), Summary: hostile("Sammendrag"), Need: hostile("Behov"),
		Solution: hostile("Løsning"), AdoptionPlan: hostile("Plan"), ExpectedBenefits: hostile("Gevinster"),
		BudgetLines: []model.BudgetLine{
			{Category: hostile("Kategori"), Description: hostile("Beskrivelse"), AmountOre: requested},
			{Category: "Egeninnsats", Description: hostile("Egen"), AmountOre: money.FromKroner(20_000)},
		},
		OwnContributionOre: money.FromKroner(20_000), RequestedAmountOre: requested,
		Unit: unit, Partners: []string{hostile("Partner")}, StartDate: "2026-09-01", EndDate: "2027-06-30",
	}
	app := e.inReview(t, applicant, officer, f)

	_, err := e.grants.AssignReviewers(ctx, officer, app.ID, []int64{reviewer.ID}, "test")
	noErr(t, err)
	_, err = e.grants.Declare(ctx, reviewer, app.ID, false, "", "test")
	noErr(t, err)
	rubric, err := e.grants.Rubric(ctx, app.CallID)
	noErr(t, err)
	review := model.Review{Recommendation: model.RecommendYes, Comment: hostile("Vurdering")}
	for _, c := range rubric {
		review.Scores = append(review.Scores, model.Score{CriterionID: c.ID, Score: 4, Comment: hostile("Kriterium")})
	}
	_, err = e.grants.SaveReview(ctx, reviewer, app.ID, review, "test")
	noErr(t, err)
	_, err = e.grants.SubmitReview(ctx, reviewer, app.ID, "test")
	noErr(t, err)
	reasons := model.Reasons{Rules: hostile("Regler"), Facts: hostile("Fakta"), Considerations: hostile("Hensyn")}
	_, err = e.grants.SaveRecommendation(ctx, officer, app.ID, model.Recommendation{Outcome: model.OutcomeApprove,
		AmountOre: requested, Reasons: reasons, OverrideReason: hostile("Begrunnelse")}, "test")
	noErr(t, err)
	_, err = e.grants.FireWith(ctx, officer, app.ID, workflow.Recommend, grants.EventInput{}, "test")
	noErr(t, err)
	_, err = e.grants.Declare(ctx, decider, app.ID, false, "", "test")
	noErr(t, err)

	clients := map[string]*client{}
	for name, u := range map[string]model.User{"applicant": applicant, "officer": officer, "reviewer": reviewer,
		"decider": decider, "leader": leader, "attestant": attestant} {
		clients[name] = e.client(t)
		clients[name].login(u)
	}
	appPath := fmt.Sprintf("/applications/%d", app.ID)
	pages := func(pages [][2]string) {
		t.Helper()
		for _, p := range pages {
			r := clients[p[0]].get(p[1])
			wantStatus(t, r, http.StatusOK)
			wantEscaped(t, p[0]+" "+p[1], r)
		}
	}
	pages([][2]string{
		{"officer", appPath}, {"officer", "/inbox"}, {"officer", fmt.Sprintf("/calls/%d/ranking", call.ID)},
		{"officer", appPath + "/recommendation"}, {"reviewer", appPath + "/review"}, {"reviewer", "/reviews"},
		{"decider", appPath + "/decision"}, {"applicant", appPath}, {"applicant", "/applications"},
	})
	preview := clients["officer"].get(appPath + "/letter-preview")
	wantStatus(t, preview, http.StatusOK)
	wantLiteralPDF(t, "the letter preview", []byte(preview.body), f.Title, reasons.Rules, reasons.Facts, reasons.Considerations)

	granted := requested
	_, err = e.grants.FireWith(ctx, decider, app.ID, workflow.Approve, grants.EventInput{AmountOre: &granted}, "test")
	noErr(t, err)
	_, err = e.grants.SetRecipient(ctx, officer, app.ID, model.Recipient{CostCentre: "4100", ProjectNumber: "P-2026-18"}, "test")
	noErr(t, err)
	_, err = e.grants.Fire(ctx, applicant, app.ID, workflow.Accept, "", "test")
	noErr(t, err)
	progress := e.reportsOf(t, applicant, app.ID)[0]
	_, err = e.grants.UpdateReport(ctx, applicant, progress.ID, model.ReportContent{WorkDone: hostile("Arbeid"),
		Results: hostile("Resultater"), InUse: hostile("I bruk"), Spread: hostile("Spredning"), Lessons: hostile("Lærdom"),
		Spending: []model.Spending{{BudgetLine: 0, AmountOre: money.FromKroner(1_000)}}}, "test")
	noErr(t, err)
	_, err = e.grants.FireReport(ctx, applicant, progress.ID, workflow.SubmitReport, "", "test")
	noErr(t, err)
	benefit := func(label string) model.Benefit { return model.Benefit{Rating: 4, Text: hostile(label)} }
	_, err = e.grants.PutEvaluation(ctx, leader, app.ID, model.EvaluationFields{Quality: benefit("Kvalitet"),
		Efficiency: benefit("Effektivitet"), AvoidedCosts: benefit("Unngåtte"), Employee: benefit("Ansatte"),
		Citizen: benefit("Innbyggere"), AvoidedCostsOre: money.FromKroner(5_000)}, "test")
	noErr(t, err)

	report := fmt.Sprintf("/reports/%d", progress.ID)
	pages([][2]string{
		{"applicant", appPath}, {"applicant", report}, {"applicant", "/notifications"},
		{"officer", appPath}, {"officer", report}, {"officer", "/notifications"},
		{"leader", appPath + "/evaluation"}, {"attestant", "/finance"},
	})

	letters := e.letters(t, applicant, app.ID)
	if len(letters) == 0 {
		t.Fatal("the decision made no letter")
	}
	r := clients["applicant"].get(fmt.Sprintf("/letters/%d", letters[0].ID))
	wantStatus(t, r, http.StatusOK)
	wantLiteralPDF(t, "the decision letter", []byte(r.body), f.Title, applicant.Name, reasons.Rules, reasons.Facts, reasons.Considerations)

	mailed := 0
	for _, u := range []model.User{applicant, officer, decider} {
		items, err := e.st.Notifications(ctx, u.ID, false, 0, 50)
		noErr(t, err)
		for _, it := range items {
			m := notify.Mail{To: u.Email, ToName: u.Name, Lang: u.Language, Items: []notify.Item{it},
				BaseURL: "https://nyttig.example.no", MessageID: "x@nyttig"}
			wantEscapedMail(t, m, it.Title)
			mailed++
		}
		if len(items) > 1 {
			wantEscapedMail(t, notify.Mail{To: u.Email, ToName: u.Name, Lang: u.Language, Items: items, Digest: true,
				BaseURL: "https://nyttig.example.no", MessageID: "y@nyttig"}, f.Title)
		}
	}
	if mailed == 0 {
		t.Error("no notification was made to mail")
	}
}

// wantEscaped fails when a page holds a payload as markup: a script, an
// element with an event handler or the injected image; and when it does
// not show the payload as text, for then nothing was tested.
func wantEscaped(t *testing.T, what string, r response) {
	t.Helper()
	for _, raw := range []string{scriptPayload, "<img src=x"} {
		if strings.Contains(r.body, raw) {
			t.Errorf("%s: the page holds %q unescaped", what, raw)
		}
	}
	for _, n := range findAll(r.doc, func(n *html.Node) bool { return n.Type == html.ElementNode }) {
		if n.Data == "script" && strings.Contains(text(n), "alert(") {
			t.Errorf("%s: a script element runs %q", what, text(n))
		}
		if n.Data == "img" {
			if src, _ := attr(n, "src"); src == "x" {
				t.Errorf("%s: the injected image is an element", what)
			}
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("%s: <%s> has the event handler %s=%q", what, n.Data, a.Key, a.Val)
			}
		}
	}
	if !strings.Contains(text(r.doc), scriptPayload) {
		t.Errorf("%s: the page does not show what was typed", what)
	}
}

// wantEscapedMail renders m and fails when its HTML part holds the payload
// as markup, or either part lacks title as text.
func wantEscapedMail(t *testing.T, m notify.Mail, title string) {
	t.Helper()
	raw, err := m.Bytes("nyttig@example.no")
	noErr(t, err)
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	noErr(t, err)
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	noErr(t, err)
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		noErr(t, err)
		body, err := io.ReadAll(p)
		noErr(t, err)
		what := fmt.Sprintf("the %s mail (%s)", m.Items[0].Kind, p.Header.Get("Content-Type"))
		if !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			if !strings.Contains(string(body), title) {
				t.Errorf("%s does not show the title %q", what, title)
			}
			continue
		}
		doc, err := html.Parse(bytes.NewReader(body))
		noErr(t, err)
		wantEscaped(t, what, response{body: string(body), doc: doc})
	}
}

// wantLiteralPDF fails unless pdf is a PDF that poppler reads without
// complaint and whose text holds each of texts as typed (line breaks
// aside): parentheses and backslashes did not end a string early.
func wantLiteralPDF(t *testing.T, what string, pdf []byte, texts ...string) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("%s is not a PDF: %.20q", what, pdf)
	}
	file := filepath.Join(t.TempDir(), "brev.pdf")
	noErr(t, os.WriteFile(file, pdf, 0o600))
	var stderr bytes.Buffer
	info := exec.Command("pdfinfo", file)
	info.Stderr = &stderr
	if err := info.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("%s: pdfinfo: %v %s", what, err, stderr.String())
	}
	out, err := exec.Command("pdftotext", "-raw", file, "-").Output()
	noErr(t, err)
	flat := func(s string) string { return strings.Join(strings.Fields(s), "") }
	got := flat(string(out))
	for _, want := range texts {
		if !strings.Contains(got, flat(want)) {
			t.Errorf("%s does not show %q literally; its text:\n%s", what, want, out)
		}
	}
	if strings.Contains(string(out), "pwned") && !strings.Contains(got, flat(pdfPayload)) {
		t.Errorf("%s: the PDF payload became PDF syntax", what)
	}
}
