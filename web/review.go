package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// --- the reviewer's queue ---

type queueRow struct {
	CaseNumber, Title, Status, Deadline, Href, Action string
}

type queueView struct {
	Rows  []queueRow
	Flash string
}

// reviewQueue lists what the reviewer is assigned to, with the way on:
// declare first, then review.
func (s *site) reviewQueue(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	items, err := s.Grants.ReviewQueue(r.Context(), u)
	if err != nil {
		return err
	}
	v := queueView{}
	if r.URL.Query().Get("done") == "recused" {
		v.Flash = msg("done.recused").In(lang)
	}
	for _, it := range items {
		row := queueRow{CaseNumber: it.CaseNumber, Title: titleOr(it.Title, lang), Deadline: msg("queue.no_deadline").In(lang),
			Href: appPath(it.ApplicationID) + "/review", Action: msg("queue.review").In(lang)}
		if it.ReviewDeadline != nil {
			row.Deadline = osloTime(*it.ReviewDeadline)
		}
		switch {
		case it.Status == model.AssignmentAssigned:
			row.Status, row.Action = msg("queue.declare_first").In(lang), msg("queue.declare").In(lang)
			row.Href = appPath(it.ApplicationID) + "/declaration"
		case it.ReviewState == "submitted":
			row.Status, row.Action = msg("queue.submitted").In(lang), msg("queue.see_review").In(lang)
		default:
			row.Status = msg("queue.in_progress").In(lang)
		}
		v.Rows = append(v.Rows, row)
	}
	return s.render(w, r, page{Template: "reviews", Title: msg("queue.title").In(lang), Nav: "reviews", Data: v})
}

// --- the declaration of impartiality (forvaltningsloven § 6) ---

type declarationView struct {
	Action, CaseNumber, Title string
	// Decider: the person declares as a decision maker, not a reviewer.
	Decider          bool
	Conflict, Reason string
	Errors           map[string]string
	Summary          []summaryItem
	Message          string
}

// Err is the error shown beside field name.
func (v declarationView) Err(name string) string { return v.Errors[name] }

func (s *site) declarationPage(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	return s.showDeclaration(w, r, u, id, declarationView{}, nil)
}

func (s *site) declare(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	v := declarationView{Conflict: r.PostFormValue("conflict"), Reason: r.PostFormValue("reason")}
	if v.Conflict != "yes" && v.Conflict != "no" {
		return s.showDeclaration(w, r, u, id, v, apperr.Fields(map[string]i18n.Text{"conflict": msg("error.choose_declaration")}))
	}
	ctx := r.Context()
	if _, err := s.Grants.Declare(ctx, u, id, v.Conflict == "yes", v.Reason, httpx.RequestID(ctx)); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showDeclaration(w, r, u, id, v, apperr.As(err))
	}
	next := appPath(id) + "?done=declared"
	switch {
	case v.Conflict == "yes" && u.Has(workflow.Reviewer):
		next = "/reviews?done=recused"
	case v.Conflict == "yes":
		next = "/inbox?done=recused"
	case s.isActiveReviewer(ctx, u, id):
		next = appPath(id) + "/review?done=declared"
	case u.Has(workflow.DecisionMaker):
		next = appPath(id) + "/decision?done=declared"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// isActiveReviewer reports whether grants lets u work on their review of
// application id.
func (s *site) isActiveReviewer(ctx context.Context, u model.User, id int64) bool {
	if !u.Has(workflow.Reviewer) {
		return false
	}
	_, _, err := s.Grants.MyReview(ctx, u, id)
	return err == nil
}

// declarationSubject finds what u declares on: the application as they may
// see it, or, for an assigned reviewer who may not open it before
// declaring, the queue's item — its case number and title only.
func (s *site) declarationSubject(ctx context.Context, u model.User, id int64) (caseNumber, title string, reviewer bool, err error) {
	app, err := s.Grants.Application(ctx, u, id)
	switch {
	case err == nil:
		if app.ApplicantID == u.ID || (!u.Has(workflow.Reviewer) && !u.Has(workflow.DecisionMaker)) {
			return "", "", false, apperr.New(apperr.Forbidden, msg("error.declare_who"))
		}
		return app.CaseNumber, app.Title, s.isActiveReviewer(ctx, u, id), nil
	case mustDeclareFirst(u, err):
		queue, err := s.Grants.ReviewQueue(ctx, u)
		if err != nil {
			return "", "", false, err
		}
		for _, it := range queue {
			if it.ApplicationID == id {
				return it.CaseNumber, it.Title, true, nil
			}
		}
		return "", "", false, apperr.New(apperr.NotFound, msg("error.not_found"))
	}
	return "", "", false, err
}

func (s *site) showDeclaration(w http.ResponseWriter, r *http.Request, u model.User, id int64, v declarationView, failed *apperr.Error) error {
	lang := httpx.Lang(r)
	caseNumber, title, reviewer, err := s.declarationSubject(r.Context(), u, id)
	if err != nil {
		return err
	}
	v.Action, v.CaseNumber, v.Title, v.Decider = appPath(id)+"/declaration", caseNumber, titleOr(title, lang), !reviewer
	status := http.StatusOK
	if failed != nil {
		status = apperr.Status(failed)
		v.Errors = translateFields(failed.Fields, lang)
		v.Message = failed.Message.In(lang)
		v.Summary = summarize(failed.Fields, lang, func(name string) string {
			if name == "conflict" {
				return "#f-conflict-no"
			}
			return "#" + fieldID(name)
		})
	}
	nav := "inbox"
	if reviewer {
		nav = "reviews"
	}
	return s.render(w, r, page{Status: status, Template: "declaration", Nav: nav, Data: v,
		Title: sprintf(lang, "declaration.title", caseNumber)})
}

// --- the review form ---

// reviewInput is a review as typed: every value a string, by criterion id.
type reviewInput struct {
	Scores, Comments        map[int64]string
	Recommendation, Comment string
}

func inputFromReview(r model.Review) reviewInput {
	in := reviewInput{Scores: map[int64]string{}, Comments: map[int64]string{}, Recommendation: r.Recommendation, Comment: r.Comment}
	for _, sc := range r.Scores {
		in.Scores[sc.CriterionID] = strconv.Itoa(sc.Score)
		in.Comments[sc.CriterionID] = sc.Comment
	}
	return in
}

func inputFromPost(form url.Values, rubric []model.Criterion) reviewInput {
	in := reviewInput{Scores: map[int64]string{}, Comments: map[int64]string{},
		Recommendation: form.Get("recommendation"), Comment: form.Get("comment")}
	for _, c := range rubric {
		id := strconv.FormatInt(c.ID, 10)
		in.Scores[c.ID], in.Comments[c.ID] = form.Get("score-"+id), form.Get("comment-"+id)
	}
	return in
}

// review turns the typed review into grants' review, scoring the criteria
// in the rubric's order; order[i] is the criterion of Scores[i], so that
// grants' errors on "scores[i]" land beside the right criterion.
func (in reviewInput) review(rubric []model.Criterion) (rev model.Review, order []int64) {
	rev = model.Review{Recommendation: in.Recommendation, Comment: in.Comment, Scores: []model.Score{}}
	for _, c := range rubric {
		score, comment := in.Scores[c.ID], strings.TrimSpace(in.Comments[c.ID])
		if score == "" && comment == "" {
			continue
		}
		n, _ := strconv.Atoi(score) // 0 when none is chosen: grants asks for one
		rev.Scores = append(rev.Scores, model.Score{CriterionID: c.ID, Score: n, Comment: comment})
		order = append(order, c.ID)
	}
	return rev, order
}

type choiceView struct {
	ID, Value, Label string
	Checked          bool
}

type criterionView struct {
	ID                           int64
	Name, Description, Weight    string
	Options                      []choiceView
	Score, Comment, CommentLabel string
	Err, CommentErr              string
}

type reviewView struct {
	Action, DetailHref, CaseNumber, Title, AppSummary string
	Criteria                                          []criterionView
	Recommendations                                   []choiceView
	Recommendation, Comment, Total                    string
	// ReadOnly: the review is submitted; CanAmend: it may be reopened.
	ReadOnly, CanAmend bool
	Status             string
	Errors             map[string]string
	Summary            []summaryItem
	Message, Flash     string
}

// Err is the error shown beside field name.
func (v reviewView) Err(name string) string { return v.Errors[name] }

func (s *site) reviewPage(w http.ResponseWriter, r *http.Request) error {
	u, app, err := s.pathApplication(r)
	if err != nil {
		if mustDeclareFirst(u, err) {
			http.Redirect(w, r, strings.TrimSuffix(r.URL.Path, "/review")+"/declaration", http.StatusSeeOther)
			return nil
		}
		return err
	}
	return s.showReview(w, r, u, app, nil, reviewOutcome{})
}

// reviewOutcome is what happened to the last post of the review form.
type reviewOutcome struct {
	err          *apperr.Error
	order        []int64 // the criterion of each posted score
	notSubmitted bool    // saved, but the submission was refused
}

func (s *site) saveReview(w http.ResponseWriter, r *http.Request) error {
	u, app, err := s.pathApplication(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, requestID := r.Context(), httpx.RequestID(r.Context())
	rubric, err := s.Grants.Rubric(ctx, app.CallID)
	if err != nil {
		return err
	}
	back := appPath(app.ID) + "/review"
	if r.PostFormValue("action") == "amend" {
		mine, ok, err := s.Grants.MyReview(ctx, u, app.ID)
		if err != nil {
			return err
		}
		if ok {
			_, err = s.Grants.SaveReview(ctx, u, app.ID, model.Review{Recommendation: mine.Recommendation,
				Comment: mine.Comment, Scores: mine.Scores}, requestID)
		}
		if err != nil {
			if !shownOnPage(err) {
				return err
			}
			return s.showReview(w, r, u, app, nil, reviewOutcome{err: apperr.As(err)})
		}
		http.Redirect(w, r, back+"?done=review_amend", http.StatusSeeOther)
		return nil
	}
	in := inputFromPost(r.PostForm, rubric)
	rev, order := in.review(rubric)
	if _, err := s.Grants.SaveReview(ctx, u, app.ID, rev, requestID); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showReview(w, r, u, app, &in, reviewOutcome{err: apperr.As(err), order: order})
	}
	if r.PostFormValue("action") != "submit" {
		http.Redirect(w, r, back+"?done=review_saved", http.StatusSeeOther)
		return nil
	}
	if _, err := s.Grants.SubmitReview(ctx, u, app.ID, requestID); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showReview(w, r, u, app, &in, reviewOutcome{err: apperr.As(err), order: order, notSubmitted: true})
	}
	http.Redirect(w, r, back+"?done=review_submitted", http.StatusSeeOther)
	return nil
}

// scoreField matches grants' errors on one posted score.
var scoreField = regexp.MustCompile(`^scores\[(\d+)\]\.(score|comment|criterion_id)$`)

// showReview renders the review form: with typed (a refused post) or with
// the reviewer's saved review, read-only once it is submitted.
func (s *site) showReview(w http.ResponseWriter, r *http.Request, u model.User, app model.Application, typed *reviewInput, out reviewOutcome) error {
	ctx, lang := r.Context(), httpx.Lang(r)
	rubric, err := s.Grants.Rubric(ctx, app.CallID)
	if err != nil {
		return err
	}
	mine, saved, err := s.Grants.MyReview(ctx, u, app.ID)
	if err != nil {
		return err
	}
	in := inputFromReview(mine)
	if typed != nil {
		in = *typed
	}
	v := reviewView{Action: appPath(app.ID) + "/review", DetailHref: appPath(app.ID), CaseNumber: app.CaseNumber,
		Title: titleOr(app.Title, lang), AppSummary: app.Summary, Comment: in.Comment,
		Recommendation: recommendationLabel(in.Recommendation, lang), Total: msg("detail.none").In(lang)}
	if saved && mine.WeightedTotal > 0 {
		v.Total = decimal(mine.WeightedTotal, lang)
	}
	switch {
	case typed != nil:
	case saved && mine.Submitted():
		v.ReadOnly, v.CanAmend = true, app.State == workflow.InReview
		v.Status = sprintf(lang, "review.status_submitted", mine.Version, osloTime(*mine.SubmittedAt))
	case app.State != workflow.InReview:
		v.ReadOnly = true // the case has moved on; a draft can no longer be saved
		v.Status = msg("review.closed").In(lang)
	}
	status := http.StatusOK
	errs := map[string]string{}
	if out.err != nil {
		status = apperr.Status(out.err)
		v.Message = out.err.Message.In(lang)
		if out.notSubmitted {
			v.Message = msg("review.not_submitted").In(lang) + " " + v.Message
		}
		for name, text := range out.err.Fields {
			if m := scoreField.FindStringSubmatch(name); m != nil {
				if i, _ := strconv.Atoi(m[1]); i < len(out.order) {
					kind := "score"
					if m[2] == "comment" {
						kind = "comment"
					}
					name = fmt.Sprintf("%s-%d", kind, out.order[i])
				}
			} else if id, ok := strings.CutPrefix(name, "criterion_"); ok {
				name = "score-" + id
			}
			errs[name] = text.In(lang)
		}
	} else if done := r.URL.Query().Get("done"); done != "" {
		if t, ok := catalog["done."+done]; ok {
			v.Flash = t.In(lang)
		}
	}
	v.Errors = errs
	for _, c := range rubric {
		cv := criterionView{ID: c.ID, Name: c.Name(lang), Description: i18n.T(c.DescriptionNB, c.DescriptionEN).In(lang),
			Weight: sprintf(lang, "review.weight", c.Weight), Score: in.Scores[c.ID], Comment: in.Comments[c.ID],
			Err: errs[fmt.Sprintf("score-%d", c.ID)], CommentErr: errs[fmt.Sprintf("comment-%d", c.ID)]}
		cv.CommentLabel = sprintf(lang, "review.criterion_comment", cv.Name)
		for n := model.MinScore; n <= model.MaxScore; n++ {
			value := strconv.Itoa(n)
			cv.Options = append(cv.Options, choiceView{ID: fmt.Sprintf("f-score-%d-%d", c.ID, n), Value: value,
				Label: msg("score." + value).In(lang), Checked: in.Scores[c.ID] == value})
		}
		if cv.Score == "" {
			cv.Score = "–"
		}
		v.Criteria = append(v.Criteria, cv)
		if cv.Err != "" {
			v.Summary = append(v.Summary, summaryItem{Href: fmt.Sprintf("#f-score-%d-1", c.ID), Text: cv.Name + ": " + cv.Err})
		}
		if cv.CommentErr != "" {
			v.Summary = append(v.Summary, summaryItem{Href: fmt.Sprintf("#f-comment-%d", c.ID), Text: cv.CommentLabel + ": " + cv.CommentErr})
		}
	}
	for _, rec := range []string{model.RecommendYes, model.RecommendMaybe, model.RecommendNo} {
		v.Recommendations = append(v.Recommendations, choiceView{ID: "f-recommendation-" + rec, Value: rec,
			Label: msg(recommendationKeys[rec]).In(lang), Checked: in.Recommendation == rec})
	}
	if e := errs["recommendation"]; e != "" {
		v.Summary = append(v.Summary, summaryItem{Href: "#f-recommendation-yes", Text: msg("review.recommendation").In(lang) + ": " + e})
	}
	if e := errs["comment"]; e != "" {
		v.Summary = append(v.Summary, summaryItem{Href: "#f-comment", Text: msg("review.comment").In(lang) + ": " + e})
	}
	return s.render(w, r, page{Status: status, Template: "review", Nav: "reviews", Data: v,
		Title: sprintf(lang, "review.title", app.CaseNumber)})
}
