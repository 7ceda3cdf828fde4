package web

import (
	"net/http"
	"strconv"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
)

// benefitView is one benefit category: a rating 1–5 and a text.
type benefitView struct {
	Name, Legend, TextLabel, Text, RatingError, TextError string
	Choices                                               []choiceView
}

type evalView struct {
	Action, Heading, CaseHref, CaseNumber string
	Benefits                              []benefitView
	AvoidedCosts, AvoidedError            string
	Continues                             []choiceView
	Nominate                              bool
	Flash, Message                        string
	Summary                               []summaryItem
}

// benefitNames are the benefit categories with their model fields.
func benefitNames(f *model.EvaluationFields) []struct {
	name string
	b    *model.Benefit
} {
	return []struct {
		name string
		b    *model.Benefit
	}{{"quality", &f.Quality}, {"efficiency", &f.Efficiency}, {"avoided_costs", &f.AvoidedCosts},
		{"employee_satisfaction", &f.Employee}, {"citizen_influence", &f.Citizen}}
}

// evaluationApp returns the application when u is the applicant's unit
// leader, as grants decides it: their leader, or a unit leader of their
// unit; others are refused.
func (s *site) evaluationApp(r *http.Request) (model.User, model.Application, error) {
	u, id, err := signedInWithID(r)
	if err != nil {
		return u, model.Application{}, err
	}
	app, err := s.Grants.EvaluationApplication(r.Context(), u, id)
	if apperr.Is(err, apperr.Forbidden) {
		err = apperr.New(apperr.Forbidden, msg("eval.not_leader"))
	}
	if err != nil {
		return u, app, err
	}
	return u, app, nil
}

func (s *site) evaluationPage(w http.ResponseWriter, r *http.Request) error {
	_, app, err := s.evaluationApp(r)
	if err != nil {
		return err
	}
	ev, _, err := s.Store.Evaluation(r.Context(), app.ID)
	if err != nil {
		return err
	}
	return s.showEvaluation(w, r, app, ev.EvaluationFields, nil, nil)
}

func (s *site) saveEvaluation(w http.ResponseWriter, r *http.Request) error {
	u, app, err := s.evaluationApp(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	var f model.EvaluationFields
	for _, b := range benefitNames(&f) {
		b.b.Rating, _ = strconv.Atoi(r.PostFormValue(b.name + ".rating"))
		b.b.Text = r.PostFormValue(b.name + ".text")
	}
	f.Continues = r.PostFormValue("continues") == "yes"
	f.Nominate = r.PostFormValue("nominate") == "yes"
	typed := r.PostFormValue("avoided_costs_ore")
	var bad *apperr.Error
	if typed != "" {
		ore, ok := money.ParseKroner(typed)
		if !ok {
			bad = apperr.As(apperr.Fields(map[string]i18n.Text{"avoided_costs_ore": msg("report.bad_amount")}))
		}
		f.AvoidedCostsOre = ore
	}
	if bad == nil {
		_, err = s.Grants.PutEvaluation(r.Context(), u, app.ID, f, httpx.RequestID(r.Context()))
		if err != nil && !shownOnPage(err) {
			return err
		}
		if err == nil {
			http.Redirect(w, r, appPath(app.ID)+"/evaluation?done=evaluation", http.StatusSeeOther)
			return nil
		}
		bad = apperr.As(err)
	}
	return s.showEvaluation(w, r, app, f, bad, r.PostForm)
}

func (s *site) showEvaluation(w http.ResponseWriter, r *http.Request, app model.Application, f model.EvaluationFields, bad *apperr.Error, input map[string][]string) error {
	lang := httpx.Lang(r)
	v := evalView{Action: appPath(app.ID) + "/evaluation", CaseHref: appPath(app.ID), CaseNumber: app.CaseNumber,
		Heading: sprintf(lang, "eval.heading", app.CaseNumber), Nominate: f.Nominate}
	errs := map[string]string{}
	if bad != nil {
		errs = translateFields(bad.Fields, lang)
		v.Message = bad.Message.In(lang)
	}
	for _, b := range benefitNames(&f) {
		bv := benefitView{Name: b.name, Legend: msg("eval." + b.name).In(lang), TextLabel: msg("eval.text").In(lang),
			Text: b.b.Text, RatingError: errs[b.name+".rating"], TextError: errs[b.name+".text"]}
		for n := 1; n <= 5; n++ {
			bv.Choices = append(bv.Choices, choiceView{ID: "f-" + b.name + "-" + strconv.Itoa(n), Value: strconv.Itoa(n),
				Label: msg("eval.rating" + strconv.Itoa(n)).In(lang), Checked: b.b.Rating == n})
		}
		if bv.RatingError != "" {
			v.Summary = append(v.Summary, summaryItem{Href: "#" + bv.Choices[0].ID, Text: bv.Legend + ": " + bv.RatingError})
		}
		if bv.TextError != "" {
			v.Summary = append(v.Summary, summaryItem{Href: "#f-" + b.name + "-text", Text: bv.Legend + ": " + bv.TextError})
		}
		v.Benefits = append(v.Benefits, bv)
	}
	if f.AvoidedCostsOre != 0 {
		v.AvoidedCosts = f.AvoidedCostsOre.Number()
	}
	if input != nil {
		v.AvoidedCosts = r.PostFormValue("avoided_costs_ore")
	}
	if v.AvoidedError = errs["avoided_costs_ore"]; v.AvoidedError != "" {
		v.Summary = append(v.Summary, summaryItem{Href: "#f-avoided_costs_ore", Text: msg("eval.avoided_costs_ore").In(lang) + ": " + v.AvoidedError})
	}
	v.Continues = []choiceView{{ID: "f-continues-yes", Value: "yes", Label: msg("eval.yes").In(lang), Checked: f.Continues},
		{ID: "f-continues-no", Value: "no", Label: msg("eval.no").In(lang), Checked: !f.Continues}}
	status := http.StatusOK
	if bad != nil {
		status = apperr.Status(bad)
	} else if r.URL.Query().Get("done") == "evaluation" {
		v.Flash = msg("done.evaluation").In(lang)
	}
	return s.render(w, r, page{Status: status, Template: "evaluation", Title: v.Heading, Data: v})
}
