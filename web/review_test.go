package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// checked reports whether the input #id is checked.
func checked(t *testing.T, r response, id string) bool {
	t.Helper()
	_, ok := attr(mustID(t, r, id), "checked")
	return ok
}

// summaryLinks lists the links of the error summary.
func summaryLinks(r response) []string {
	var out []string
	for _, box := range findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "class"); return v == "error-summary" }) {
		for _, a := range byTag(box, "a") {
			href, _ := attr(a, "href")
			out = append(out, href)
		}
	}
	return out
}

func mainText(t *testing.T, r response) string {
	t.Helper()
	return text(mustID(t, r, "main"))
}

func wantIn(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func TestDeclarationBeforeOpening(t *testing.T) {
	e := newEnv(t)
	call := e.newCall(t, money.FromKroner(1_000_000), nil)
	applicant := e.person(t, "Søker Sand", "Helse", nil, workflow.Applicant)
	officer := e.person(t, "Ola Saksbehandler", "Stab", nil, workflow.CaseOfficer)
	rita := e.person(t, "Rita Inhabil", "Kultur", nil, workflow.Reviewer)
	per := e.person(t, "Per Fagvurderer", "Oppvekst", nil, workflow.Reviewer)
	app := e.inReview(t, applicant, officer, asking(call.ID, "Tilsyn om natten", money.FromKroner(100_000)))
	detail := path(app.ID, "")

	// The case officer assigns two reviewers by hand.
	o := e.client(t)
	o.login(officer)
	r := o.get(detail)
	var options []string
	for _, opt := range byTag(mustID(t, r, "f-reviewer"), "option") {
		options = append(options, text(opt))
	}
	if !slices.Contains(options, "Rita Inhabil (Kultur)") || !slices.Contains(options, "Per Fagvurderer (Oppvekst)") {
		t.Fatalf("the reviewers to choose from: %v", options)
	}
	r = o.post(detail+"/reviewers", url.Values{"reviewer_id": {""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-reviewer", "Velg en fagvurderer.")
	for _, u := range []model.User{rita, per} {
		wantRedirect(t, o.post(detail+"/reviewers", url.Values{"reviewer_id": {strconv.FormatInt(u.ID, 10)}}), detail+"?done=assigned#h-reviewers")
	}
	r = o.get(detail)
	wantIn(t, "Rita's assignment", rowOf(r, "Rita Inhabil"), "Venter på habilitetserklæring")
	// A reviewer barred by a conflict rule is refused with the rule named.
	colleague := e.person(t, "Kollega Samme Enhet", "Helse", nil, workflow.Reviewer)
	r = o.post(detail+"/reviewers", url.Values{"reviewer_id": {strconv.FormatInt(colleague.ID, 10)}})
	wantStatus(t, r, http.StatusConflict)
	wantFieldError(t, r, "f-reviewer", "Kollega Samme Enhet kan ikke vurdere denne søknaden")

	// Rita sees the case in her queue and must declare before opening it.
	rc := e.client(t)
	rc.login(rita)
	wantRedirect(t, rc.get("/"), "/reviews")
	r = rc.get("/reviews")
	wantIn(t, "the queue row", rowOf(r, app.CaseNumber), "Tilsyn om natten", "Venter på habilitetserklæring", "Erklær habilitet")
	wantRedirect(t, rc.get(detail), detail+"/declaration")
	wantRedirect(t, rc.get(detail+"/review"), detail+"/declaration")
	r = rc.get(detail + "/declaration")
	wantStatus(t, r, http.StatusOK)
	wantIn(t, "the declaration page", mainText(t, r), app.CaseNumber, "Tilsyn om natten", "Forvaltningsloven § 6",
		"Jeg er ikke inhabil", "Jeg er inhabil", "Før du åpner søknaden")
	if strings.Contains(r.body, "Søker Sand") || strings.Contains(r.body, "kr 100") {
		t.Error("the declaration page shows more of the application than its case number and title")
	}
	r = rc.post(detail+"/declaration", url.Values{})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantIn(t, "#e-conflict", text(mustID(t, r, "e-conflict")), "Velg om du er inhabil eller ikke.")
	r = rc.post(detail+"/declaration", url.Values{"conflict": {"yes"}, "reason": {" "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-reason", "Begrunn inhabiliteten.")
	if !checked(t, r, "f-conflict-yes") {
		t.Error("the choice was not kept")
	}
	wantRedirect(t, rc.post(detail+"/declaration", url.Values{"conflict": {"yes"}, "reason": {"Søkeren er min svoger."}}), "/reviews?done=recused")

	// Conflicted: the case is gone for her.
	for _, p := range []string{detail, detail + "/review", detail + "/declaration", detail + "/decision"} {
		if r := rc.get(p); r.status != http.StatusNotFound || strings.Contains(r.body, "Tilsyn om natten") {
			t.Errorf("%s after recusal: %d", p, r.status)
		}
	}
	wantStatus(t, rc.post(detail+"/declaration", url.Values{"conflict": {"no"}}), http.StatusNotFound)
	r = rc.get("/reviews?done=recused")
	wantIn(t, "the queue", mainText(t, r), "Du er registrert som inhabil")
	if rowOf(r, app.CaseNumber) != "" {
		t.Error("the queue still lists the case")
	}
	wantIn(t, "Rita's assignment", rowOf(o.get(detail), "Rita Inhabil"), "Inhabil")

	// Per declares no conflict and goes on to his review.
	pc := e.client(t)
	pc.login(per)
	wantRedirect(t, pc.post(detail+"/declaration", url.Values{"conflict": {"no"}}), detail+"/review?done=declared")
	r = pc.get(detail + "/review?done=declared")
	wantStatus(t, r, http.StatusOK)
	wantIn(t, "the review page", mainText(t, r), "Habilitetserklæringen er registrert.")
	wantStatus(t, pc.get(detail), http.StatusOK)
	if history := historyEvents(t, e, officer, app.ID); slices.Index(history, "declaration") < 0 {
		t.Errorf("the declarations are not in the history: %v", history)
	}
}

func TestReviewForm(t *testing.T) {
	e := newEnv(t)
	call := e.newCall(t, money.FromKroner(1_000_000), nil)
	applicant := e.person(t, "Søker Skjema", "Helse", nil, workflow.Applicant)
	officer := e.person(t, "Ola Saksbehandler", "Stab", nil, workflow.CaseOfficer)
	per := e.person(t, "Per Poeng", "Oppvekst", nil, workflow.Reviewer)
	app := e.inReview(t, applicant, officer, asking(call.ID, "Digital nattevakt", money.FromKroner(100_000)))
	ctx := context.Background()
	_, err := e.grants.AssignReviewers(ctx, officer, app.ID, []int64{per.ID}, "test")
	noErr(t, err)
	_, err = e.grants.Declare(ctx, per, app.ID, false, "", "test")
	noErr(t, err)
	rubric, err := e.grants.Rubric(ctx, call.ID)
	noErr(t, err)
	id := func(i int) string { return strconv.FormatInt(rubric[i].ID, 10) }
	review := path(app.ID, "/review")

	c := e.client(t)
	c.login(per)
	r := c.get(review)
	wantStatus(t, r, http.StatusOK)
	fieldset := mustID(t, r, "f-score-"+id(0))
	legend := text(byTag(fieldset, "legend")[0])
	wantIn(t, "the first legend", legend, rubric[0].NameNB, fmt.Sprintf("vekt %d", rubric[0].Weight), rubric[0].DescriptionNB)
	if n := len(findAll(fieldset, func(n *htmlNode) bool { v, _ := attr(n, "type"); return v == "radio" })); n != 5 {
		t.Errorf("%d radios for a criterion, want 5", n)
	}
	wantIn(t, "the label of score 5", text(findAll(fieldset, func(n *htmlNode) bool { v, _ := attr(n, "for"); return v == "f-score-"+id(0)+"-5" })[0]), "5 – svært god")
	if len(byTag(mustID(t, r, "main"), "fieldset")) != len(rubric)+1 {
		t.Error("want a fieldset per criterion and one for the recommendation")
	}
	wantIn(t, "the review page", mainText(t, r), "Les hele søknaden", "Lagre utkast", "Send inn vurdering")

	// A draft may be incomplete.
	form := url.Values{"action": {"save"}, "score-" + id(0): {"4"}, "comment-" + id(0): {"Tydelig nytte for beboerne."},
		"score-" + id(1): {"5"}, "recommendation": {"maybe"}, "comment": {"Lovende."}}
	wantRedirect(t, c.post(review, form), review+"?done=review_saved")
	r = c.get(review + "?done=review_saved")
	wantIn(t, "the page after saving", mainText(t, r), "Utkastet til vurdering er lagret.")
	if !checked(t, r, "f-score-"+id(0)+"-4") || !checked(t, r, "f-score-"+id(1)+"-5") || !checked(t, r, "f-recommendation-maybe") {
		t.Error("the saved scores are not checked")
	}
	if got := value(t, r, "f-comment-"+id(0)); got != "Tydelig nytte for beboerne." {
		t.Errorf("the criterion's comment is %q", got)
	}
	mine, ok, err := e.grants.MyReview(ctx, per, app.ID)
	if err != nil || !ok || len(mine.Scores) != 2 || mine.Submitted() || mine.Recommendation != model.RecommendMaybe {
		t.Fatalf("stored %+v, %v, %v", mine, ok, err)
	}

	// Submitting with scores missing names each one beside its criterion.
	form.Set("action", "submit")
	r = c.post(review, form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantIn(t, "the error summary", mainText(t, r), "Utkastet er lagret, men vurderingen er ikke sendt inn.")
	wantIn(t, "#e-score-"+id(2), text(mustID(t, r, "e-score-"+id(2))), "Gi en poengsum for «"+rubric[2].NameNB+"».")
	if v, _ := attr(mustID(t, r, "f-score-"+id(2)), "aria-describedby"); v != "e-score-"+id(2) {
		t.Errorf("the fieldset of a missing score is described by %q", v)
	}
	if byID(r.doc, "e-score-"+id(0)) != nil {
		t.Error("a scored criterion shows an error")
	}
	if links := summaryLinks(r); len(links) != len(rubric)-2 || links[0] != "#f-score-"+id(2)+"-1" {
		t.Errorf("summary links %v, want one per missing score, in the rubric's order", links)
	}
	if !checked(t, r, "f-score-"+id(0)+"-4") {
		t.Error("the typed scores were lost")
	}
	// A comment needs its score.
	draft := url.Values{"action": {"save"}, "comment-" + id(3): {"Usikker."}}
	r = c.post(review, draft)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantIn(t, "#e-score-"+id(3), text(mustID(t, r, "e-score-"+id(3))), "Gi en poengsum fra 1 til 5.")

	// Complete: submitted, then read-only.
	for i := range rubric {
		if form.Get("score-"+id(i)) == "" {
			form.Set("score-"+id(i), "3")
		}
	}
	form.Set("recommendation", "yes")
	wantRedirect(t, c.post(review, form), review+"?done=review_submitted")
	r = c.get(review + "?done=review_submitted")
	if len(findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "type"); return v == "radio" })) != 0 {
		t.Error("a submitted review is still a form")
	}
	wantIn(t, "the submitted review", mainText(t, r), "Vurderingen er sendt inn.", "Versjon 1 ble sendt inn", rubric[0].NameNB,
		"Tydelig nytte for beboerne.", "Ja, bør få støtte", "Endre vurderingen")
	mine, _, _ = e.grants.MyReview(ctx, per, app.ID)
	if !mine.Submitted() || len(mine.Scores) != len(rubric) {
		t.Fatalf("stored %+v", mine)
	}
	total := strings.Replace(strconv.FormatFloat(mine.WeightedTotal, 'f', 2, 64), ".", ",", 1)
	wantIn(t, "the submitted review", mainText(t, r), total)

	// Amending opens a new version with the same answers.
	wantRedirect(t, c.post(review, url.Values{"action": {"amend"}}), review+"?done=review_amend")
	r = c.get(review)
	if !checked(t, r, "f-score-"+id(1)+"-5") || !checked(t, r, "f-recommendation-yes") {
		t.Error("the amendment does not start from the submitted answers")
	}
	mine, _, _ = e.grants.MyReview(ctx, per, app.ID)
	if mine.Version != 2 || mine.Submitted() {
		t.Errorf("after amending: version %d, submitted %v", mine.Version, mine.Submitted())
	}

	// The case officer sees the review and the aggregate; the applicant does not.
	o := e.client(t)
	o.login(officer)
	r = o.get(path(app.ID, ""))
	wantIn(t, "the review panel", text(mustID(t, r, "h-reviewers").Parent), "Per Poeng", "Utkast (versjon 2)",
		"Innsendte vurderinger", "1 av 2", "Vektet snitt", total)
	a := e.client(t)
	a.login(applicant)
	r = a.get(path(app.ID, ""))
	if byID(r.doc, "h-reviewers") != nil || strings.Contains(r.body, "Tydelig nytte for beboerne.") || strings.Contains(r.body, "Vektet snitt") {
		t.Error("the applicant sees the reviews")
	}
	wantStatus(t, a.get(review), http.StatusForbidden)
}

func TestBlindReviewHidesTheApplicant(t *testing.T) {
	e := newEnv(t)
	call := e.newCall(t, money.FromKroner(1_000_000), func(c *model.Call) { c.BlindReview = true })
	applicant := e.person(t, "Hemmelig Søkersen", "Sandved sykehjem", nil, workflow.Applicant)
	officer := e.person(t, "Ola Saksbehandler", "Stab", nil, workflow.CaseOfficer)
	per := e.person(t, "Per Blind", "Oppvekst", nil, workflow.Reviewer)
	ctx := context.Background()
	f := asking(call.ID, "Anonymt prosjekt", money.FromKroner(100_000))
	f.Unit = "Sandved sykehjem"
	app, err := e.grants.CreateApplication(ctx, applicant, f, "test")
	noErr(t, err)
	_, err = e.grants.AddAttachment(ctx, applicant, app.ID, "plan.pdf", strings.NewReader(string(pdfFile())), "test")
	noErr(t, err)
	_, err = e.grants.Fire(ctx, applicant, app.ID, workflow.Submit, "", "test")
	noErr(t, err)
	_, err = e.grants.Fire(ctx, officer, app.ID, workflow.StartReview, "", "test")
	noErr(t, err)
	_, err = e.grants.AssignReviewers(ctx, officer, app.ID, []int64{per.ID}, "test")
	noErr(t, err)

	c := e.client(t)
	c.login(per)
	pages := []string{"/reviews", path(app.ID, "/declaration")}
	for _, p := range pages {
		wantStatus(t, c.get(p), http.StatusOK)
	}
	wantRedirect(t, c.post(path(app.ID, "/declaration"), url.Values{"conflict": {"no"}}), path(app.ID, "/review?done=declared"))
	pages = append(pages, path(app.ID, ""), path(app.ID, "/review"), path(app.ID, "/declaration"))
	for _, p := range pages {
		r := c.get(p)
		wantStatus(t, r, http.StatusOK)
		for _, secret := range []string{"Hemmelig", "Søkersen", "Sandved", applicant.Email} {
			if strings.Contains(r.body, secret) {
				t.Errorf("%s shows %q under blind review", p, secret)
			}
		}
	}
	r := c.get(path(app.ID, ""))
	wantIn(t, "the detail page", mainText(t, r), "Skjult i anonym vurdering", "Anonymt prosjekt")
	wantIn(t, "the file's row", attachmentRows(t, r)["plan.pdf"], "Skjult")
	if dl := c.get(downloadLink(t, r, "plan.pdf")); dl.status != http.StatusOK || dl.body != string(pdfFile()) {
		t.Errorf("the active reviewer's download: %d", dl.status)
	}
	// The case officer sees who applied.
	o := e.client(t)
	o.login(officer)
	wantIn(t, "the officer's detail page", mainText(t, o.get(path(app.ID, ""))), "Hemmelig Søkersen", "Sandved sykehjem")
}

func TestRankingShowsTheBudgetLine(t *testing.T) {
	e := newEnv(t)
	call := e.newCall(t, money.FromKroner(150_000), func(c *model.Call) { c.ReviewersPerApplication = 1 })
	applicant := e.person(t, "Søker Rang", "Helse", nil, workflow.Applicant)
	officer := e.person(t, "Ola Rangerer", "Stab", nil, workflow.CaseOfficer)
	reviewer := e.person(t, "Rut Rangering", "Kultur", nil, workflow.Reviewer)
	best := e.inReview(t, applicant, officer, asking(call.ID, "Best", money.FromKroner(100_000)))
	middle := e.inReview(t, applicant, officer, asking(call.ID, "Middels", money.FromKroner(80_000)))
	weakest := e.inReview(t, applicant, officer, asking(call.ID, "Svakest", money.FromKroner(60_000)))
	e.review(t, weakest, officer, reviewer, 2)
	e.review(t, best, officer, reviewer, 5)
	e.review(t, middle, officer, reviewer, 4)

	o := e.client(t)
	o.login(officer)
	r := o.get("/calls/" + strconv.FormatInt(call.ID, 10) + "/ranking")
	wantStatus(t, r, http.StatusOK)
	var order []string
	for _, th := range byTag(byTag(r.doc, "tbody")[0], "th") {
		order = append(order, text(th))
	}
	if want := []string{best.CaseNumber, middle.CaseNumber, weakest.CaseNumber}; !slices.Equal(order, want) {
		t.Fatalf("ranked %v, want %v", order, want)
	}
	line := mustID(t, r, "budget-line")
	wantIn(t, "the budget line", text(line), "Budsjettgrensen", "kr 150\u00a0000 igjen", "får ikke plass")
	next := line.NextSibling
	for next != nil && next.Type != html.ElementNode {
		next = next.NextSibling
	}
	if next == nil || !strings.Contains(text(next), middle.CaseNumber) {
		t.Errorf("the budget line is not right above the first application that does not fit")
	}
	wantIn(t, "the first row", rowOf(r, best.CaseNumber), "5,00", "kr 100\u00a0000", "Innenfor rammen", "Under vurdering")
	wantIn(t, "the second row", rowOf(r, middle.CaseNumber), "4,00", "kr 180\u00a0000", "Over rammen")
	wantIn(t, "the ledger", mainText(t, r), "Ramme", "kr 150\u00a0000")

	a := e.client(t)
	a.login(applicant)
	wantStatus(t, a.get("/calls/"+strconv.FormatInt(call.ID, 10)+"/ranking"), http.StatusForbidden)
	wantStatus(t, o.get("/calls/999999999/ranking"), http.StatusNotFound)
}

func TestRecommendationThenDecision(t *testing.T) {
	e := newEnv(t)
	call := e.newCall(t, money.FromKroner(50_000), nil) // two reviewers per application
	applicant := e.person(t, "Søker Vedtak", "Helse", nil, workflow.Applicant)
	officer := e.person(t, "Ola Innstiller", "Stab", nil, workflow.CaseOfficer)
	reviewer := e.person(t, "Rut Vurderer", "Kultur", nil, workflow.Reviewer)
	decider := e.person(t, "Anne Beslutter", "Rådmannens stab", nil, workflow.DecisionMaker)
	app := e.inReview(t, applicant, officer, asking(call.ID, "Nattsensorer", money.FromKroner(100_000)))
	e.review(t, app, officer, reviewer, 4)
	detail := path(app.ID, "")
	rec := detail + "/recommendation"

	o := e.client(t)
	o.login(officer)
	r := o.get(detail)
	if len(findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "href"); return v == rec })) != 1 {
		t.Error("the detail page does not lead the case officer to the recommendation")
	}
	r = o.get(rec)
	wantStatus(t, r, http.StatusOK)
	wantIn(t, "the recommendation page", mainText(t, r), "1 av 2 fagvurderinger mangler", "Innvilge", "Avslå", "Avvise",
		"Hjemmel og regelverk", "Faktum", "Hovedhensyn", "Innstill")
	mustID(t, r, "f-override_reason")

	form := url.Values{"action": {"recommend"}, "outcome": {"approve"}, "amount_ore": {"mye"}}
	r = o.post(rec, form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-amount_ore", "Skriv et beløp i kroner")
	form.Set("amount_ore", "90 000")
	r = o.post(rec, form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	for _, id := range []string{"f-outcome-rules", "f-outcome-facts", "f-outcome-considerations"} {
		wantFieldError(t, r, id, "Må fylles ut.")
	}
	form.Set("reasons.rules", testReasons.Rules)
	form.Set("reasons.facts", testReasons.Facts)
	form.Set("reasons.considerations", "Stor nytte <b>for</b> beboerne.")
	r = o.post(rec, form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantIn(t, "the page", mainText(t, r), "Innstillingen er lagret, men saken er ikke innstilt.")
	wantFieldError(t, r, "f-override_reason", "1 fagvurdering(er) mangler")
	if e.state(t, officer, app.ID) != workflow.InReview {
		t.Fatal("recommended without the override")
	}
	form.Set("override_reason", "Den andre fagvurdereren er syk.")
	wantRedirect(t, o.post(rec, form), detail+"?done=recommend")
	if e.state(t, officer, app.ID) != workflow.Recommended {
		t.Fatal("not recommended")
	}
	wantIn(t, "the detail page", mainText(t, o.get(detail+"?done=recommend")), "Søknaden er innstilt.", "Innstilt")
	r = o.get(detail + "/decision")
	wantStatus(t, r, http.StatusForbidden)
	wantIn(t, "403 page", mainText(t, r), "Bare beslutningstakere kan treffe vedtak.")

	// The decision maker declares, then decides.
	d := e.client(t)
	d.login(decider)
	r = d.get(detail)
	if len(findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "href"); return v == detail+"/decision" })) != 1 {
		t.Error("the detail page does not lead the decision maker to the decision")
	}
	wantRedirect(t, d.get(detail+"/decision"), detail+"/declaration")
	wantIn(t, "the declaration page", mainText(t, d.get(detail+"/declaration")), "Før du treffer vedtak")
	wantRedirect(t, d.post(detail+"/declaration", url.Values{"conflict": {"no"}}), detail+"/decision?done=declared")
	r = d.get(detail + "/decision")
	wantStatus(t, r, http.StatusOK)
	if !checked(t, r, "f-outcome-approve") || value(t, r, "f-amount_ore") != "90\u00a0000" ||
		value(t, r, "f-outcome-rules") != testReasons.Rules {
		t.Errorf("the decision does not start from the recommendation:\n%s", r.body)
	}
	wantIn(t, "the decision page", mainText(t, r), "Den andre fagvurdereren er syk.", "Det er kr 50\u00a0000 igjen av rammen", "4,00")
	if strings.Contains(r.body, "<b>for</b>") {
		t.Error("the reasons are not escaped")
	}

	decide := url.Values{"outcome": {"approve"}, "amount_ore": {"90 000"}, "reasons.rules": {testReasons.Rules},
		"reasons.facts": {testReasons.Facts}, "reasons.considerations": {testReasons.Considerations}}
	r = d.post(detail+"/decision", decide)
	wantStatus(t, r, http.StatusConflict)
	wantIn(t, "409 page", mainText(t, r), "Vedtaket er ikke truffet.")
	wantFieldError(t, r, "f-amount_ore", "Beløpet går ikke inn i rammen: det er kr 50\u00a0000 igjen av kr 50\u00a0000")
	if value(t, r, "f-amount_ore") != "90 000" || e.state(t, decider, app.ID) != workflow.Recommended {
		t.Error("a refused decision lost the input or changed the state")
	}
	decide.Set("amount_ore", "40 000")
	wantRedirect(t, d.post(detail+"/decision", decide), detail+"?done=approve")
	r = d.get(detail + "?done=approve")
	wantIn(t, "the decided application", mainText(t, r), "Søknaden er innvilget.", "Innvilget")
	ledger, err := e.grants.Ledger(context.Background(), decider, call.FundID, call.BudgetYear)
	noErr(t, err)
	if ledger.Committed != money.FromKroner(40_000) || ledger.Remaining != money.FromKroner(10_000) {
		t.Errorf("ledger %+v, want kr 40 000 committed and kr 10 000 left", ledger)
	}
	wantStatus(t, d.get(detail+"/decision"), http.StatusConflict) // decided: nothing left to decide
}

func TestDismissalNeedsReasons(t *testing.T) {
	e := newEnv(t)
	applicant := e.user(t, "Søker Avvist", workflow.Applicant)
	officer := e.user(t, "Ola Avviser", workflow.CaseOfficer)
	app := e.submitted(t, applicant, completeFields(e.call.ID, "Utenfor ordningen"))
	detail := path(app.ID, "")
	o := e.client(t)
	o.login(officer)
	r := o.get(detail)
	for id, label := range map[string]string{"f-dismiss-rules": "Hjemmel og regelverk", "f-dismiss-facts": "Faktum",
		"f-dismiss-considerations": "Hovedhensyn"} {
		mustID(t, r, id)
		l := findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "for"); return v == id })
		if len(l) != 1 || text(l[0]) != label {
			t.Errorf("#%s is not labelled %q", id, label)
		}
	}
	r = o.post(detail+"/dismissal", url.Values{"reasons.rules": {"Retningslinjene § 2"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-dismiss-facts", "Må fylles ut.")
	wantFieldError(t, r, "f-dismiss-considerations", "Må fylles ut.")
	if value(t, r, "f-dismiss-rules") != "Retningslinjene § 2" {
		t.Error("the typed reasons were lost")
	}
	if links := summaryLinks(r); !slices.Equal(links, []string{"#f-dismiss-facts", "#f-dismiss-considerations"}) {
		t.Errorf("summary links %v", links)
	}
	wantRedirect(t, o.post(detail+"/dismissal", url.Values{"reasons.rules": {"Retningslinjene § 2"},
		"reasons.facts": {"Søknaden gjelder drift."}, "reasons.considerations": {"Ordningen gjelder ikke drift."}}), detail+"?done=dismiss")
	if e.state(t, officer, app.ID) != workflow.Dismissed {
		t.Fatal("not dismissed")
	}
	wantIn(t, "the detail page", mainText(t, o.get(detail+"?done=dismiss")), "Søknaden er avvist.", "Avvist")
}

func TestBatchDecision(t *testing.T) {
	e := newEnv(t)
	call := e.newCall(t, money.FromKroner(100_000), nil)
	applicant := e.person(t, "Søker Samlet", "Helse", nil, workflow.Applicant)
	officer := e.person(t, "Ola Samlet", "Stab", nil, workflow.CaseOfficer)
	decider := e.person(t, "Anne Samlet", "Rådmannens stab", nil, workflow.DecisionMaker)
	first := e.recommend(t, e.inReview(t, applicant, officer, asking(call.ID, "Først", money.FromKroner(60_000))), officer, money.FromKroner(60_000))
	second := e.recommend(t, e.inReview(t, applicant, officer, asking(call.ID, "Sist", money.FromKroner(60_000))), officer, money.FromKroner(60_000))
	batch := "/calls/" + strconv.FormatInt(call.ID, 10) + "/decisions"

	d := e.client(t)
	d.login(decider)
	r := d.get(batch)
	wantStatus(t, r, http.StatusOK)
	for _, a := range []model.Application{first, second} {
		wantIn(t, "the row of "+a.CaseNumber, rowOf(r, a.CaseNumber), "Innvilge", "kr 60\u00a0000")
	}
	l := findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "for"); return v == "f-declare_no_conflict" })
	if len(l) != 1 || text(l[0]) != "Jeg erklærer at jeg ikke er inhabil i noen av sakene" {
		t.Error("the declaration check box is not labelled")
	}

	// Without the declaration nothing is decided, and the page says why.
	r = d.post(batch, url.Values{})
	wantStatus(t, r, http.StatusOK)
	wantIn(t, "the result", rowOf(r, first.CaseNumber), "Ikke avgjort:", "Erklær at du ikke er inhabil")
	wantIn(t, "the page", mainText(t, r), "0 av 2 søknader er avgjort.")

	r = d.post(batch, url.Values{"declare_no_conflict": {"yes"}})
	wantStatus(t, r, http.StatusOK)
	results := byTag(r.doc, "table")[0]
	wantIn(t, "the results", text(results), first.CaseNumber, "Vedtak truffet", "Innvilget", second.CaseNumber,
		"Ikke avgjort:", "Beløpet går ikke inn i rammen")
	wantIn(t, "the page", mainText(t, r), "1 av 2 søknader er avgjort.")
	if e.state(t, decider, first.ID) != workflow.Approved || e.state(t, decider, second.ID) != workflow.Recommended {
		t.Error("the states after the batch are wrong")
	}

	o := e.client(t)
	o.login(officer)
	wantStatus(t, o.get(batch), http.StatusForbidden)
	wantStatus(t, o.post(batch, url.Values{"declare_no_conflict": {"yes"}}), http.StatusForbidden)
}

func TestConflictedDecidersAreRefused(t *testing.T) {
	e := newEnv(t)
	call := e.newCall(t, money.FromKroner(1_000_000), nil)
	leader := e.person(t, "Leder Lie", "Helse", nil, workflow.DecisionMaker)
	applicant := e.person(t, "Søker med leder", "Helse", &leader.ID, workflow.Applicant)
	officer := e.person(t, "Ola Saksbehandler", "Stab", nil, workflow.CaseOfficer)
	other := e.person(t, "Berit Beslutter", "Stab", nil, workflow.DecisionMaker)
	app := e.recommend(t, e.inReview(t, applicant, officer, asking(call.ID, "Lederens ansatte", money.FromKroner(50_000))), officer, money.FromKroner(50_000))
	detail := path(app.ID, "")
	decide := url.Values{"outcome": {"approve"}, "amount_ore": {"50 000"}, "reasons.rules": {testReasons.Rules},
		"reasons.facts": {testReasons.Facts}, "reasons.considerations": {testReasons.Considerations}}

	// The applicant's own leader declares no conflict, but the rule bars them.
	lc := e.client(t)
	lc.login(leader)
	wantRedirect(t, lc.post(detail+"/declaration", url.Values{"conflict": {"no"}}), detail+"/decision?done=declared")
	r := lc.post(detail+"/decision", decide)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantIn(t, "the refusal", mainText(t, r), "Du er inhabil i denne saken og kan ikke treffe vedtak.")
	if links := summaryLinks(r); !slices.Contains(links, detail+"/declaration") {
		t.Errorf("the summary does not lead to the declaration: %v", links)
	}
	if e.state(t, officer, app.ID) != workflow.Recommended {
		t.Fatal("a barred decision maker decided")
	}

	// A decision maker who declares a conflict loses the case.
	oc := e.client(t)
	oc.login(other)
	wantRedirect(t, oc.post(detail+"/declaration", url.Values{"conflict": {"yes"}, "reason": {"Nær venn av søkeren."}}), "/inbox?done=recused")
	wantIn(t, "the inbox", mainText(t, oc.get("/inbox?done=recused")), "Du er registrert som inhabil")
	for _, p := range []string{detail, detail + "/decision"} {
		wantStatus(t, oc.get(p), http.StatusNotFound)
	}
	wantStatus(t, oc.post(detail+"/decision", decide), http.StatusNotFound)
	if e.state(t, officer, app.ID) != workflow.Recommended {
		t.Fatal("a conflicted decision maker decided")
	}

	// Neither the case officer nor the applicant decides.
	for _, u := range []model.User{officer, applicant} {
		c := e.client(t)
		c.login(u)
		wantStatus(t, c.post(detail+"/decision", decide), http.StatusForbidden)
	}
}

func TestCallsPage(t *testing.T) {
	e := newEnv(t)
	call := e.newCall(t, money.FromKroner(1_000_000), func(c *model.Call) { c.ReviewersPerApplication = 1 })
	applicant := e.person(t, "Søker Utlysning", "Helse", nil, workflow.Applicant)
	officer := e.person(t, "Ola Utlysning", "Stab", nil, workflow.CaseOfficer)
	decider := e.person(t, "Anne Utlysning", "Stab", nil, workflow.DecisionMaker)
	reviewer := e.person(t, "Rut Utlysning", "Kultur", nil, workflow.Reviewer)
	app := e.inReview(t, applicant, officer, asking(call.ID, "Til fordeling", money.FromKroner(100_000)))
	id := strconv.FormatInt(call.ID, 10)

	o := e.client(t)
	o.login(officer)
	r := o.get("/calls")
	wantStatus(t, r, http.StatusOK)
	row := rowOf(r, call.Title)
	wantIn(t, "the call's row", row, "Rangering", "Tildel fagvurderere automatisk")
	if strings.Contains(row, "Vedtak") {
		t.Error("the case officer is offered the batch decision")
	}
	if cur := findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "aria-current"); return v == "page" }); len(cur) != 1 || text(cur[0]) != "Utlysninger" {
		t.Error("the menu does not mark the calls")
	}
	wantRedirect(t, o.post("/calls/"+id+"/reviewer-assignments", url.Values{}), "/calls?done=auto_assigned&assigned=1")
	wantIn(t, "the calls page", mainText(t, o.get("/calls?done=auto_assigned&assigned=1")), "Nye tildelinger: 1.")
	as, err := e.grants.Assignments(context.Background(), officer, app.ID)
	if err != nil || len(as) != 1 {
		t.Fatalf("assignments %+v, %v", as, err)
	}

	d := e.client(t)
	d.login(decider)
	wantIn(t, "the decision maker's row", rowOf(d.get("/calls"), call.Title), "Rangering", "Vedtak")
	wantStatus(t, d.post("/calls/"+id+"/reviewer-assignments", url.Values{}), http.StatusForbidden)

	a := e.client(t)
	a.login(applicant)
	r = a.get("/calls")
	wantStatus(t, r, http.StatusForbidden)
	if strings.Contains(r.body, `href="/calls"`) || strings.Contains(r.body, `href="/reviews"`) {
		t.Error("the applicant's menu offers calls or reviews")
	}
	rv := e.client(t)
	rv.login(reviewer)
	r = rv.get("/reviews")
	if !strings.Contains(r.body, `href="/reviews"`) || strings.Contains(r.body, `href="/calls"`) {
		t.Error("the reviewer's menu should offer reviews and not calls")
	}
}
