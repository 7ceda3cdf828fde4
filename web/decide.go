package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// outcomeDesc is an outcome of a recommendation or decision: its name,
// its label's catalog key, and the event that decides it.
type outcomeDesc struct {
	name, key string
	event     workflow.Event
}

// outcomes are in the order the forms offer them.
var outcomes = []outcomeDesc{
	{model.OutcomeApprove, "outcome.approve", workflow.Approve},
	{model.OutcomeReject, "outcome.reject", workflow.Reject},
	{model.OutcomeDismiss, "outcome.dismiss", workflow.Dismiss},
}

func outcomeLabel(o string, lang i18n.Lang) string {
	for _, x := range outcomes {
		if x.name == o {
			return msg(x.key).In(lang)
		}
	}
	return msg("detail.none").In(lang)
}

func outcomeChoices(form, chosen string, lang i18n.Lang) []choiceView {
	out := make([]choiceView, 0, len(outcomes))
	for _, x := range outcomes {
		out = append(out, choiceView{ID: "f-" + form + "-" + x.name, Value: x.name, Label: msg(x.key).In(lang), Checked: chosen == x.name})
	}
	return out
}

// outcomeInput is the recommendation or decision form as typed.
type outcomeInput struct {
	Outcome, Amount, Override, Comment string
	Reasons                            model.Reasons
}

func outcomeFromPost(form url.Values) outcomeInput {
	return outcomeInput{Outcome: form.Get("outcome"), Amount: form.Get("amount_ore"), Override: form.Get("override_reason"),
		Comment: form.Get("comment"), Reasons: reasonsFromPost(form)}
}

func outcomeFromRecommendation(rec model.Recommendation) outcomeInput {
	return outcomeInput{Outcome: rec.Outcome, Amount: amountText(rec.AmountOre), Override: rec.OverrideReason, Reasons: rec.Reasons}
}

// amount reads the typed amount when the outcome grants money; the second
// result is a field error, if any.
func (in outcomeInput) amount() (money.Ore, map[string]i18n.Text) {
	if in.Outcome != model.OutcomeApprove {
		return 0, nil
	}
	o, problem := parseAmount(in.Amount)
	if problem != "" {
		return 0, map[string]i18n.Text{"amount_ore": msg(problem)}
	}
	return o, nil
}

// outcomeErrors turns a refusal into what the outcome forms show: field
// errors by name, and the error summary linking to them (through href for
// names the forms do not hold).
func outcomeErrors(e *apperr.Error, form string, lang i18n.Lang, href func(string) string) (map[string]string, []summaryItem) {
	errs := translateFields(e.Fields, lang)
	summary := summarize(e.Fields, lang, reasonHref(form, func(name string) string {
		switch name {
		case "outcome":
			return "#f-" + form + "-" + model.OutcomeApprove
		case "amount_ore", "override_reason", "comment":
			return "#f-" + name
		}
		return href(name)
	}))
	return errs, summary
}

// --- the recommendation (innstilling) ---

type recommendationView struct {
	Action, DetailHref, CaseNumber, Title, Requested string
	Outcomes                                         []choiceView
	Amount, Override                                 string
	Reasons                                          []reasonField
	ShowOverride, CanRecommend                       bool
	Missing                                          string
	Aggregate                                        aggregateView
	Errors                                           map[string]string
	Summary                                          []summaryItem
	Message, Flash                                   string
}

// Err is the error shown beside field name.
func (v recommendationView) Err(name string) string { return v.Errors[name] }

// caseOfficerApplication opens the application of the path for the
// recommendation form: a case officer's, while the case is in review or
// recommended.
func (s *site) caseOfficerApplication(r *http.Request) (model.User, model.Application, error) {
	u, app, err := s.pathApplication(r)
	switch {
	case err != nil:
		return u, app, err
	case !writesRecommendations(u):
		return u, app, apperr.New(apperr.Forbidden, msg("error.case_officer_only"))
	case app.State != workflow.InReview && app.State != workflow.Recommended:
		return u, app, apperr.New(apperr.Conflict, msg("error.not_in_review"))
	}
	return u, app, nil
}

func (s *site) recommendationPage(w http.ResponseWriter, r *http.Request) error {
	u, app, err := s.caseOfficerApplication(r)
	if err != nil {
		return err
	}
	rec, _, err := s.Grants.Recommendation(r.Context(), u, app.ID)
	if err != nil {
		return err
	}
	return s.showRecommendation(w, r, u, app, outcomeFromRecommendation(rec), nil, false)
}

func (s *site) saveRecommendation(w http.ResponseWriter, r *http.Request) error {
	u, app, err := s.caseOfficerApplication(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, requestID := r.Context(), httpx.RequestID(r.Context())
	in := outcomeFromPost(r.PostForm)
	amount, bad := in.amount()
	if bad != nil {
		return s.showRecommendation(w, r, u, app, in, apperr.Fields(bad), false)
	}
	rec := model.Recommendation{Outcome: in.Outcome, AmountOre: amount, Reasons: in.Reasons, OverrideReason: in.Override}
	if _, err := s.Grants.SaveRecommendation(ctx, u, app.ID, rec, requestID); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showRecommendation(w, r, u, app, in, apperr.As(err), false)
	}
	if r.PostFormValue("action") != string(workflow.Recommend) {
		http.Redirect(w, r, appPath(app.ID)+"/recommendation?done=recommendation_saved", http.StatusSeeOther)
		return nil
	}
	if _, err := s.Grants.FireWith(ctx, u, app.ID, workflow.Recommend, grants.EventInput{}, requestID); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showRecommendation(w, r, u, app, in, apperr.As(err), true)
	}
	http.Redirect(w, r, appPath(app.ID)+"?done="+string(workflow.Recommend), http.StatusSeeOther)
	return nil
}

func (s *site) showRecommendation(w http.ResponseWriter, r *http.Request, u model.User, app model.Application, in outcomeInput, failed *apperr.Error, notRecommended bool) error {
	ctx, lang := r.Context(), httpx.Lang(r)
	call, err := s.Store.CallByID(ctx, app.CallID)
	if err != nil {
		return err
	}
	sum, err := s.Grants.Reviews(ctx, u, app.ID)
	if err != nil {
		return err
	}
	missing := max(0, call.ReviewersPerApplication-sum.Aggregate.Reviews)
	v := recommendationView{Action: appPath(app.ID) + "/recommendation", DetailHref: appPath(app.ID),
		CaseNumber: app.CaseNumber, Title: titleOr(app.Title, lang), Requested: app.RequestedAmountOre.String(),
		Outcomes: outcomeChoices("outcome", in.Outcome, lang), Amount: in.Amount, Override: in.Override,
		Aggregate: aggregateOf(sum.Aggregate, call, lang), ShowOverride: missing > 0 || strings.TrimSpace(in.Override) != "",
		CanRecommend: slices.Contains(s.Grants.Available(u, app), workflow.Recommend)}
	if missing > 0 {
		v.Missing = sprintf(lang, "recommendation.missing", missing, call.ReviewersPerApplication)
	}
	status := http.StatusOK
	if failed != nil {
		status = apperr.Status(failed)
		v.Message = failed.Message.In(lang)
		if notRecommended {
			v.Message = msg("recommendation.not_recommended").In(lang) + " " + v.Message
		}
		// The workflow's "reviews are missing" is answered by the override.
		fields := failed.Fields
		if text, ok := fields["reviews"]; ok {
			fields = map[string]i18n.Text{"override_reason": text}
			v.ShowOverride = true
		}
		v.Errors, v.Summary = outcomeErrors(&apperr.Error{Fields: fields}, "outcome", lang, func(string) string { return "" })
	} else if done := r.URL.Query().Get("done"); done != "" {
		if t, ok := catalog["done."+done]; ok {
			v.Flash = t.In(lang)
		}
	}
	v.Reasons = reasonFields("outcome", in.Reasons, v.Errors, lang)
	return s.render(w, r, page{Status: status, Template: "recommendation", Nav: "inbox", Data: v,
		Title: sprintf(lang, "recommendation.title", app.CaseNumber)})
}

// --- the decision (vedtak) ---

type decisionView struct {
	Action, DetailHref, DeclarationHref, CaseNumber, Title, Requested string
	HasRecommendation                                                 bool
	Recommended                                                       recommendationSummary
	Aggregate                                                         aggregateView
	Remaining                                                         string
	Outcomes                                                          []choiceView
	Amount, Comment                                                   string
	Reasons                                                           []reasonField
	Errors                                                            map[string]string
	Summary                                                           []summaryItem
	Message, Flash                                                    string
}

// Err is the error shown beside field name.
func (v decisionView) Err(name string) string { return v.Errors[name] }

// recommendationSummary is the recommendation as the decision page shows it.
type recommendationSummary struct {
	Outcome, Amount, Rules, Facts, Considerations, Override string
}

// deciderApplication opens the application of the path for the decision
// form: a decision maker's, while the case is recommended or appealed.
func (s *site) deciderApplication(r *http.Request) (model.User, model.Application, error) {
	u, app, err := s.pathApplication(r)
	switch {
	case err != nil:
		return u, app, err
	case !u.Has(workflow.DecisionMaker):
		return u, app, apperr.New(apperr.Forbidden, msg("error.decider_only"))
	case !awaitsDecision(app.State):
		return u, app, apperr.New(apperr.Conflict, msg("error.not_recommended"))
	}
	return u, app, nil
}

// awaitsDecision reports whether an application in state st is for the
// decision maker: recommended, or appealed (a new decision on the appeal).
func awaitsDecision(st workflow.State) bool {
	return st == workflow.Recommended || st == workflow.Appealed
}

func (s *site) decisionPage(w http.ResponseWriter, r *http.Request) error {
	u, app, err := s.deciderApplication(r)
	if err != nil {
		return err
	}
	// A decision maker declares before deciding; the page they declare on
	// brings them back here.
	if _, declared, err := s.Store.LatestDeclaration(r.Context(), app.ID, u.ID, string(workflow.DecisionMaker)); err != nil {
		return err
	} else if !declared {
		http.Redirect(w, r, appPath(app.ID)+"/declaration", http.StatusSeeOther)
		return nil
	}
	rec, _, err := s.Grants.Recommendation(r.Context(), u, app.ID)
	if err != nil {
		return err
	}
	return s.showDecision(w, r, u, app, outcomeFromRecommendation(rec), nil)
}

func (s *site) decide(w http.ResponseWriter, r *http.Request) error {
	u, app, err := s.deciderApplication(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	in := outcomeFromPost(r.PostForm)
	i := slices.IndexFunc(outcomes, func(o outcomeDesc) bool { return o.name == in.Outcome })
	if i < 0 {
		return s.showDecision(w, r, u, app, in, apperr.Fields(map[string]i18n.Text{"outcome": msg("error.choose_outcome")}))
	}
	amount, bad := in.amount()
	if bad != nil {
		return s.showDecision(w, r, u, app, in, apperr.Fields(bad))
	}
	input := grants.EventInput{Comment: in.Comment, Reasons: &in.Reasons}
	if in.Outcome == model.OutcomeApprove {
		input.AmountOre = &amount
	}
	if _, err := s.Grants.FireWith(r.Context(), u, app.ID, outcomes[i].event, input, httpx.RequestID(r.Context())); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showDecision(w, r, u, app, in, apperr.As(err))
	}
	http.Redirect(w, r, appPath(app.ID)+"?done="+string(outcomes[i].event), http.StatusSeeOther)
	return nil
}

func (s *site) showDecision(w http.ResponseWriter, r *http.Request, u model.User, app model.Application, in outcomeInput, failed *apperr.Error) error {
	ctx, lang := r.Context(), httpx.Lang(r)
	call, err := s.Store.CallByID(ctx, app.CallID)
	if err != nil {
		return err
	}
	rec, hasRec, err := s.Grants.Recommendation(ctx, u, app.ID)
	if err != nil {
		return err
	}
	sum, err := s.Grants.Reviews(ctx, u, app.ID)
	if err != nil {
		return err
	}
	v := decisionView{Action: appPath(app.ID) + "/decision", DetailHref: appPath(app.ID),
		DeclarationHref: appPath(app.ID) + "/declaration", CaseNumber: app.CaseNumber, Title: titleOr(app.Title, lang),
		Requested: app.RequestedAmountOre.String(), HasRecommendation: hasRec, Aggregate: aggregateOf(sum.Aggregate, call, lang),
		Outcomes: outcomeChoices("outcome", in.Outcome, lang), Amount: in.Amount, Comment: in.Comment}
	if hasRec {
		v.Recommended = recommendationSummary{Outcome: outcomeLabel(rec.Outcome, lang), Rules: rec.Reasons.Rules,
			Facts: rec.Reasons.Facts, Considerations: rec.Reasons.Considerations, Override: rec.OverrideReason}
		if rec.Outcome == model.OutcomeApprove {
			v.Recommended.Amount = rec.AmountOre.String()
		}
	}
	if v.Remaining, err = s.remaining(ctx, u, call, lang); err != nil {
		return err
	}
	status := http.StatusOK
	if failed != nil {
		status = apperr.Status(failed)
		v.Message = failed.Message.In(lang)
		if failed.Kind == apperr.Conflict && in.Outcome == model.OutcomeApprove {
			// The frame does not hold the amount: say so beside the amount.
			failed = &apperr.Error{Kind: failed.Kind, Fields: map[string]i18n.Text{"amount_ore": failed.Message}}
			v.Message = msg("decision.not_decided").In(lang)
		}
		v.Errors, v.Summary = outcomeErrors(failed, "outcome", lang, func(name string) string {
			if name == "declaration" {
				return v.DeclarationHref
			}
			return ""
		})
	} else if done := r.URL.Query().Get("done"); done != "" {
		if t, ok := catalog["done."+done]; ok {
			v.Flash = t.In(lang)
		}
	}
	v.Reasons = reasonFields("outcome", in.Reasons, v.Errors, lang)
	return s.render(w, r, page{Status: status, Template: "decision", Nav: "inbox", Data: v,
		Title: sprintf(lang, "decision.title", app.CaseNumber)})
}

// remaining shows what is left of the frame a call's grants draw on.
func (s *site) remaining(ctx context.Context, u model.User, call model.Call, lang i18n.Lang) (string, error) {
	l, err := s.Grants.Ledger(ctx, u, call.FundID, call.BudgetYear)
	switch {
	case apperr.Is(err, apperr.NotFound):
		return sprintf(lang, "budget.no_frame", call.BudgetYear), nil
	case err != nil:
		return "", err
	}
	return sprintf(lang, "budget.remaining", l.Remaining.String(), l.Frame.String(), call.BudgetYear), nil
}

// --- deciding a call's recommended applications at once ---

type batchRow struct {
	Href, CaseNumber, Title, Requested, Recommendation, Amount string
}

type batchResultRow struct {
	Href, CaseNumber, Outcome, State, Error string
	OK                                      bool
}

type batchView struct {
	Action, CallTitle, Remaining, Next string
	Rows                               []batchRow
	Results                            []batchResultRow
	ResultText                         string
}

// callForDecisions opens the call of the path for a decision maker.
func (s *site) callForDecisions(r *http.Request) (model.User, model.Call, error) {
	u, err := signedIn(r)
	if err != nil {
		return u, model.Call{}, err
	}
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return u, model.Call{}, err
	}
	if !u.Has(workflow.DecisionMaker) {
		return u, model.Call{}, apperr.New(apperr.Forbidden, msg("error.decider_only"))
	}
	call, err := s.Store.CallByID(r.Context(), id)
	if apperr.Is(err, apperr.NotFound) {
		return u, call, apperr.New(apperr.NotFound, msg("error.no_call"))
	}
	return u, call, err
}

func (s *site) batchPage(w http.ResponseWriter, r *http.Request) error {
	u, call, err := s.callForDecisions(r)
	if err != nil {
		return err
	}
	return s.showBatch(w, r, u, call, nil)
}

func (s *site) decideBatch(w http.ResponseWriter, r *http.Request) error {
	u, call, err := s.callForDecisions(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	lang := httpx.Lang(r)
	results, err := s.Grants.DecideBatch(r.Context(), u, call.ID, r.PostFormValue("declare_no_conflict") == "yes", lang,
		httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	return s.showBatch(w, r, u, call, results)
}

func (s *site) showBatch(w http.ResponseWriter, r *http.Request, u model.User, call model.Call, results []grants.BatchResult) error {
	ctx, lang := r.Context(), httpx.Lang(r)
	v := batchView{Action: "/calls/" + strconv.FormatInt(call.ID, 10) + "/decisions", CallTitle: call.Title}
	var err error
	if v.Remaining, err = s.remaining(ctx, u, call, lang); err != nil {
		return err
	}
	apps, err := s.Grants.Applications(ctx, u, model.ApplicationFilter{CallID: call.ID, State: workflow.Recommended,
		AfterID: afterParam(r), Limit: pageSize + 1})
	if err != nil {
		return err
	}
	apps, next := onePage(apps)
	for _, a := range apps {
		rec, _, err := s.Grants.Recommendation(ctx, u, a.ID)
		if err != nil {
			return err
		}
		row := batchRow{Href: appPath(a.ID), CaseNumber: a.CaseNumber, Title: titleOr(a.Title, lang),
			Requested: a.RequestedAmountOre.String(), Recommendation: outcomeLabel(rec.Outcome, lang), Amount: "–"}
		if rec.Outcome == model.OutcomeApprove {
			row.Amount = rec.AmountOre.String()
		}
		v.Rows = append(v.Rows, row)
	}
	if next != 0 {
		v.Next = v.Action + "?after=" + strconv.FormatInt(next, 10)
	}
	decided := 0
	for _, res := range results {
		row := batchResultRow{Href: appPath(res.ApplicationID), CaseNumber: res.CaseNumber, Outcome: outcomeLabel(res.Outcome, lang),
			State: workflow.Application.StateLabel(res.State).In(lang), Error: strings.TrimSpace(res.Error), OK: res.ErrorCode == ""}
		if row.OK {
			decided++
		}
		v.Results = append(v.Results, row)
	}
	if results != nil {
		v.ResultText = sprintf(lang, "batch.result", decided, len(results))
	}
	return s.render(w, r, page{Template: "batch", Nav: "calls", Data: v, Title: sprintf(lang, "batch.title", call.Title)})
}
