package grants_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// publicTexts are a project's title, summary and final report summary,
// each with a word found nowhere else in the database.
type publicTexts struct{ title, summary, report string }

func uniqueTexts() publicTexts {
	w := func(s string) string { return strings.ReplaceAll(testenv.Unique(s), " ", "") }
	return publicTexts{title: "Prosjekt " + w("tittelord"), summary: "Sammendrag " + w("sammendragsord"),
		report: "Sluttrapport " + w("rapportord")}
}

// finished takes a fresh grant through its final report (with texts) and
// the leader's evaluation (nominating it or not); with pay, it also pays
// every tranche so that the case completes.
func (w *world) finished(texts publicTexts, nominate, pay bool) model.Application {
	w.t.Helper()
	fin := w.finance()
	a, plan := w.accepted(money.FromKroner(40_000))
	if _, err := w.st.Pool().Exec(w.ctx, "UPDATE applications SET title = $2, summary = $3 WHERE id = $1", a.ID, texts.title, texts.summary); err != nil {
		w.t.Fatal(err)
	}
	ev := model.EvaluationFields{Quality: model.Benefit{Rating: 4, Text: "Bedre tjeneste"}, Efficiency: model.Benefit{Rating: 3},
		AvoidedCosts: model.Benefit{Rating: 2}, Employee: model.Benefit{Rating: 4}, Citizen: model.Benefit{Rating: 5}, Nominate: nominate}
	if _, err := w.g.PutEvaluation(w.ctx, w.leader, a.ID, ev, "t"); err != nil {
		w.t.Fatal(err)
	}
	rs, err := w.g.Reports(w.ctx, w.applicant, a.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	final := rs[len(rs)-1]
	if _, err := w.g.UpdateReport(w.ctx, w.applicant, final.ID, model.ReportContent{WorkDone: "Gjort", Results: "Bra", Summary: texts.report}, "t"); err != nil {
		w.t.Fatal(err)
	}
	for _, step := range []struct {
		who model.User
		e   workflow.Event
	}{{w.applicant, workflow.SubmitReport}, {w.officer, workflow.ApproveReport}} {
		if _, err := w.g.FireReport(w.ctx, step.who, final.ID, step.e, "", "t"); err != nil {
			w.t.Fatalf("%s: %v", step.e, err)
		}
	}
	if pay {
		for _, p := range plan {
			w.firePayout(fin.attestant, p.ID, workflow.Attest, grants.PayoutInput{})
			w.firePayout(fin.authoriser, p.ID, workflow.Authorise, booked(fmt.Sprintf("B-%d", p.ID)))
		}
		if _, err := w.g.CompleteReady(w.ctx); err != nil {
			w.t.Fatal(err)
		}
	}
	return w.must(w.g.Application(w.ctx, w.officer, a.ID))
}

func (w *world) search(q string) grants.PublicPage {
	w.t.Helper()
	p, err := w.g.PublicProjects(w.ctx, model.PublicFilter{Query: q})
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func firstWord(s string) string { return strings.Fields(s)[1] }

// TestPublicRedaction: exempted fields are absent from the public project,
// from its JSON and from search; fields not exempted stay; applications
// not granted are not public at all.
func TestPublicRedaction(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	texts := uniqueTexts()
	a := w.finished(texts, false, false)

	p, err := w.g.PublicProject(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Summary == nil || *p.Summary != texts.summary || p.FinalReportSummary == nil || *p.FinalReportSummary != texts.report {
		t.Fatalf("before exemption: %+v", p)
	}
	if got := w.search(firstWord(texts.summary)); got.Total != 1 || got.Items[0].ID != a.ID {
		t.Fatalf("search for the summary before exemption: %+v", got)
	}

	in := model.PublicationInput{Exemptions: []model.ExemptionInput{
		{Field: model.PublicSummary, LegalBasis: model.OfflConfidential, Reason: "Personopplysninger om bruker"},
		{Field: model.PublicFinalReportSummary, LegalBasis: model.OfflInternal, Reason: "Intern vurdering"},
		{Field: model.PublicUnit, LegalBasis: model.OfflConfidential, Reason: "Liten enhet, kan identifisere"},
	}}
	if _, err := w.g.PutPublication(w.ctx, w.applicant, a.ID, in, "t"); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("the applicant exempting: %v", err)
	}
	if _, err := w.g.PutPublication(w.ctx, w.officer, a.ID, in, "t"); err != nil {
		t.Fatal(err)
	}

	p, err = w.g.PublicProject(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Summary != nil || p.FinalReportSummary != nil || p.Unit != nil || p.Title == nil || *p.Title != texts.title || p.AmountOre == nil {
		t.Errorf("after exemption: %+v", p)
	}
	if len(p.Exempted) != 3 {
		t.Errorf("exempted %+v, want three fields", p.Exempted)
	}
	body, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{texts.summary, texts.report, "Helse", "Personopplysninger", "Intern vurdering"} {
		if strings.Contains(string(body), secret) {
			t.Errorf("public JSON contains exempted %q: %s", secret, body)
		}
	}
	for _, q := range []string{firstWord(texts.summary), firstWord(texts.report)} {
		if got := w.search(q); got.Total != 0 {
			t.Errorf("search for exempted %q found %+v", q, got.Items)
		}
	}
	if got := w.search(firstWord(texts.title)); got.Total != 1 || got.Items[0].Summary != nil {
		t.Errorf("search for the title: %+v", got)
	}
	if got, err := w.g.PublicProjects(w.ctx, model.PublicFilter{Query: firstWord(texts.title), Page: 2}); err != nil || got.Total != 1 || len(got.Items) != 0 {
		t.Errorf("page 2 of one result: %+v, %v", got, err)
	}
	if _, err := w.g.PublicProjects(w.ctx, model.PublicFilter{Year: 1999}); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("a search for 1999: %v", err)
	}
	units, err := w.g.PublicProjects(w.ctx, model.PublicFilter{Unit: "Helse", Query: firstWord(texts.title)})
	if err != nil || units.Total != 0 {
		t.Errorf("filter by the exempted unit: %+v, %v", units, err)
	}

	all, err := w.g.AllPublicProjects(w.ctx, w.fund.ID, time.Now().In(workflow.Oslo).Year())
	if err != nil || len(all) != 1 || all[0].ID != a.ID {
		t.Fatalf("the fund's public projects for an export: %+v, %v", all, err)
	}
	if body, _ := json.Marshal(all); strings.Contains(string(body), texts.summary) || strings.Contains(string(body), texts.report) {
		t.Errorf("the export's projects show exempted text: %s", body)
	}

	h, err := w.g.History(w.ctx, w.officer, a.ID)
	if err != nil || h[len(h)-1].Event != model.EventPublication {
		t.Errorf("history ends %+v, %v; want a publication row", h[len(h)-1], err)
	}

	// The title too, and the amount: the project stays, without them.
	in.Exemptions = append(in.Exemptions, model.ExemptionInput{Field: model.PublicTitle, LegalBasis: model.OfflConfidential, Reason: "Navn"},
		model.ExemptionInput{Field: model.PublicAmount, LegalBasis: model.OfflConfidential, Reason: "Forretningshemmelighet"})
	if _, err := w.g.PutPublication(w.ctx, w.officer, a.ID, in, "t"); err != nil {
		t.Fatal(err)
	}
	if p, err := w.g.PublicProject(w.ctx, a.ID); err != nil || p.Title != nil || p.AmountOre != nil || len(p.Exempted) != 5 {
		t.Errorf("with the title and amount exempted: %+v, %v", p, err)
	}
	if got := w.search(firstWord(texts.title)); got.Total != 0 {
		t.Errorf("search for the exempted title found %+v", got.Items)
	}

	// Not granted: not public.
	inReview := w.inReview(money.FromKroner(10_000))
	if _, err := w.g.PublicProject(w.ctx, inReview.ID); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("an application in review in public: %v", err)
	}
	w.consistent()
}

// TestPublicationBadInput: an unknown field or legal basis, a missing
// reason or someone else's attachment is refused with a field error and
// changes nothing.
func TestPublicationBadInput(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	a := w.approved(money.FromKroner(20_000), money.FromKroner(20_000))
	good := model.ExemptionInput{Field: model.PublicTitle, LegalBasis: model.OfflConfidential, Reason: "Navn på bruker"}
	if _, err := w.g.PutPublication(w.ctx, w.officer, a.ID, model.PublicationInput{Exemptions: []model.ExemptionInput{good}}, "t"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		in    model.PublicationInput
		field string
	}{
		{"unknown field", model.PublicationInput{Exemptions: []model.ExemptionInput{{Field: "need", LegalBasis: "offl_13", Reason: "x"}}}, "exemptions[0].field"},
		{"unknown legal basis", model.PublicationInput{Exemptions: []model.ExemptionInput{{Field: "title", LegalBasis: "offl_99", Reason: "x"}}}, "exemptions[0].legal_basis"},
		{"no reason", model.PublicationInput{Exemptions: []model.ExemptionInput{{Field: "title", LegalBasis: "offl_14"}}}, "exemptions[0].reason"},
		{"both field and attachment", model.PublicationInput{Exemptions: []model.ExemptionInput{{Field: "title", AttachmentID: 1, LegalBasis: "offl_14", Reason: "x"}}}, "exemptions[0].field"},
		{"someone else's attachment", model.PublicationInput{PublicAttachments: []int64{999_999_999}}, "public_attachments[0]"},
	} {
		_, err := w.g.PutPublication(w.ctx, w.officer, a.ID, c.in, "t")
		if !apperr.Is(err, apperr.Invalid) {
			t.Errorf("%s: %v, want invalid", c.name, err)
			continue
		}
		if _, ok := apperr.As(err).Fields[c.field]; !ok {
			t.Errorf("%s: fields %v, want %s", c.name, apperr.As(err).Fields, c.field)
		}
	}
	pub, err := w.g.Publication(w.ctx, w.officer, a.ID)
	if err != nil || len(pub.Exemptions) != 1 || pub.Exemptions[0].Field != model.PublicTitle {
		t.Errorf("after refused changes: %+v, %v", pub, err)
	}
	if _, err := w.g.Publication(w.ctx, w.reviewers[1], a.ID); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("a reviewer reading the publication: %v", err)
	}
}

// TestPrizeFlow: the committee sees the completed, nominated projects of
// the fund and year with their evaluations, picks a winner and a mention,
// and may replace the decision; the public project shows the prize.
func TestPrizeFlow(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	year := time.Now().In(workflow.Oslo).Year()
	winner := w.finished(uniqueTexts(), true, true)
	mention := w.finished(uniqueTexts(), true, true)
	notNominated := w.finished(uniqueTexts(), false, true)
	unfinished := w.finished(uniqueTexts(), true, false)
	for _, a := range []model.Application{winner, mention, notNominated} {
		if a.State != workflow.Completed {
			t.Fatalf("application %d is %s, want completed", a.ID, a.State)
		}
	}

	if _, err := w.g.PrizeNominees(w.ctx, w.officer, w.fund.ID, year); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("a case officer listing nominees: %v", err)
	}
	nominees, err := w.g.PrizeNominees(w.ctx, w.decider, w.fund.ID, year)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, n := range nominees {
		ids = append(ids, n.ApplicationID)
		if !n.Evaluation.Nominate || n.Evaluation.Quality.Text != "Bedre tjeneste" {
			t.Errorf("nominee %d without its evaluation: %+v", n.ApplicationID, n.Evaluation)
		}
	}
	if fmt.Sprint(ids) != fmt.Sprint([]int64{winner.ID, mention.ID}) {
		t.Errorf("nominees %v, want %d and %d", ids, winner.ID, mention.ID)
	}
	if got, err := w.g.PrizeNominees(w.ctx, w.decider, w.fund.ID, year-1); err != nil || len(got) != 0 {
		t.Errorf("nominees of last year: %+v, %v", got, err)
	}

	decision := model.PrizeInput{Winner: model.PrizePick{ApplicationID: winner.ID, Citation: "Nytt, nyttig og nyttiggjort."},
		Mentions: []model.PrizePick{{ApplicationID: mention.ID, Citation: "Godt samarbeid."}}}
	for _, c := range []struct {
		name string
		in   model.PrizeInput
	}{
		{"not nominated", model.PrizeInput{Winner: model.PrizePick{ApplicationID: notNominated.ID, Citation: "x"}}},
		{"not completed", model.PrizeInput{Winner: model.PrizePick{ApplicationID: unfinished.ID, Citation: "x"}}},
		{"no citation", model.PrizeInput{Winner: model.PrizePick{ApplicationID: winner.ID}}},
		{"twice", model.PrizeInput{Winner: decision.Winner, Mentions: []model.PrizePick{decision.Winner}}},
	} {
		if _, err := w.g.PutPrize(w.ctx, w.decider, w.fund.ID, year, c.in, "t"); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("%s: %v, want invalid", c.name, err)
		}
	}
	if _, err := w.g.PutPrize(w.ctx, w.officer, w.fund.ID, year, decision, "t"); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("a case officer deciding: %v", err)
	}
	if p, err := w.g.Prize(w.ctx, w.decider, w.fund.ID, year); err != nil || len(p.Awards) != 0 {
		t.Fatalf("after refused decisions: %+v, %v", p, err)
	}

	p, err := w.g.PutPrize(w.ctx, w.decider, w.fund.ID, year, decision, "t")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Awards) != 2 || p.Awards[0].ApplicationID != winner.ID || p.Awards[0].Rank != model.PrizeWinner || p.Awards[1].Rank != model.PrizeMention {
		t.Errorf("awards %+v", p.Awards)
	}
	pub, err := w.g.PublicProject(w.ctx, winner.ID)
	if err != nil || pub.Prize == nil || pub.Prize.Rank != model.PrizeWinner || pub.Prize.Citation != "Nytt, nyttig og nyttiggjort." || pub.Prize.Year != year {
		t.Errorf("public winner: %+v, %v", pub.Prize, err)
	}

	// A new decision replaces the set: the mention is gone.
	if _, err := w.g.PutPrize(w.ctx, w.decider, w.fund.ID, year, model.PrizeInput{Winner: decision.Winner}, "t"); err != nil {
		t.Fatal(err)
	}
	if pub, err := w.g.PublicProject(w.ctx, mention.ID); err != nil || pub.Prize != nil {
		t.Errorf("replaced mention still public: %+v, %v", pub.Prize, err)
	}
	h, err := w.g.History(w.ctx, w.officer, mention.ID)
	if err != nil {
		t.Fatal(err)
	}
	var prizeRows []string
	for _, e := range h {
		if e.Event == model.EventPrize {
			prizeRows = append(prizeRows, e.Comment)
		}
	}
	if want := []string{fmt.Sprintf("%d: mention", year), fmt.Sprintf("%d: -", year)}; fmt.Sprint(prizeRows) != fmt.Sprint(want) {
		t.Errorf("the mention's prize history %v, want %v", prizeRows, want)
	}
	w.consistent()
}
