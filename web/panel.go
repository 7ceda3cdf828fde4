package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// reviewPanel is the part of the detail page about review: who is
// assigned, a form to assign more, and the reviews with their aggregate,
// each shown only to those grants shows it to.
type reviewPanel struct {
	ShowAssignments bool
	Assignments     []assignmentRow
	CanAssign       bool
	AssignAction    string
	Candidates      []userOption
	AssignError     string
	ShowReviews     bool
	Reviews         []reviewRow
	Aggregate       aggregateView
}

type assignmentRow struct{ Name, Status, Assigned string }

type userOption struct {
	ID    int64
	Label string
}

// reviewRow is the latest version of one reviewer's review.
type reviewRow struct {
	Reviewer, Status, Recommendation, Total, Comment string
	Scores                                           []scoreRow
}

type scoreRow struct{ Criterion, Weight, Score, Comment string }

// aggregateView is model.Aggregate as shown.
type aggregateView struct {
	Count                   int
	Mean, Min, Max, Spread  string
	Disagree                bool
	DisagreeText, CountText string
}

// assignmentStatus names an assignment's status.
var assignmentStatus = map[string]string{
	model.AssignmentAssigned: "assignment.assigned",
	model.AssignmentActive:   "assignment.active",
	model.AssignmentRecused:  "assignment.recused",
}

// recommendationKeys name a reviewer's overall recommendation.
var recommendationKeys = map[string]string{
	model.RecommendYes: "recommend.yes", model.RecommendMaybe: "recommend.maybe", model.RecommendNo: "recommend.no",
}

// reviewPanel builds the panel for u, or nil when they may see none of it.
func (s *site) reviewPanel(ctx context.Context, u model.User, app model.Application, call model.Call, lang i18n.Lang) (*reviewPanel, error) {
	if app.ApplicantID == u.ID {
		return nil, nil // applicants never see score sheets (offentleglova § 14)
	}
	p := &reviewPanel{AssignAction: appPath(app.ID) + "/reviewers"}
	if u.IsStaff() {
		assigned, err := s.Grants.Assignments(ctx, u, app.ID)
		if err != nil {
			return nil, err
		}
		taken := map[int64]bool{}
		for _, a := range assigned {
			taken[a.ReviewerID] = true
			p.Assignments = append(p.Assignments, assignmentRow{Name: a.ReviewerName,
				Status: msg(assignmentStatus[a.Status]).In(lang), Assigned: osloTime(a.AssignedAt)})
		}
		p.ShowAssignments = len(assigned) > 0
		if writesRecommendations(u) && (app.State == workflow.Submitted || app.State == workflow.InReview) {
			reviewers, err := s.Store.UsersWithRole(ctx, workflow.Reviewer)
			if err != nil {
				return nil, err
			}
			for _, r := range reviewers {
				if !taken[r.ID] {
					p.Candidates = append(p.Candidates, userOption{ID: r.ID, Label: r.Name + " (" + r.Unit + ")"})
				}
			}
			p.CanAssign, p.ShowAssignments = true, true
		}
	}
	sum, err := s.Grants.Reviews(ctx, u, app.ID)
	switch {
	case apperr.Is(err, apperr.Forbidden):
	case err != nil:
		return nil, err
	default:
		p.Reviews = reviewRows(sum, lang)
		p.Aggregate = aggregateOf(sum.Aggregate, call, lang)
		p.ShowReviews = len(p.Reviews) > 0
	}
	if !p.ShowAssignments && !p.ShowReviews {
		return nil, nil
	}
	return p, nil
}

// reviewRows shows the latest version of each reviewer's review.
func reviewRows(sum grants.ReviewSummary, lang i18n.Lang) []reviewRow {
	var order []int64
	latest := map[int64]model.Review{}
	for _, r := range sum.Reviews { // versions come oldest first
		if _, seen := latest[r.ReviewerID]; !seen {
			order = append(order, r.ReviewerID)
		}
		latest[r.ReviewerID] = r
	}
	rows := make([]reviewRow, 0, len(order))
	for _, id := range order {
		r := latest[id]
		row := reviewRow{Reviewer: r.ReviewerName, Comment: r.Comment,
			Recommendation: recommendationLabel(r.Recommendation, lang), Total: msg("detail.none").In(lang)}
		if r.WeightedTotal > 0 {
			row.Total = decimal(r.WeightedTotal, lang)
		}
		if r.Submitted() {
			row.Status = sprintf(lang, "review.status_submitted", r.Version, osloTime(*r.SubmittedAt))
		} else {
			row.Status = sprintf(lang, "review.status_draft", r.Version)
		}
		for _, c := range sum.Rubric {
			sc := scoreRow{Criterion: c.Name(lang), Weight: strconv.Itoa(c.Weight), Score: "–"}
			for _, given := range r.Scores {
				if given.CriterionID == c.ID {
					sc.Score, sc.Comment = strconv.Itoa(given.Score), given.Comment
				}
			}
			row.Scores = append(row.Scores, sc)
		}
		rows = append(rows, row)
	}
	return rows
}

func recommendationLabel(rec string, lang i18n.Lang) string {
	if key, ok := recommendationKeys[rec]; ok {
		return msg(key).In(lang)
	}
	return msg("detail.none").In(lang)
}

func aggregateOf(a model.Aggregate, call model.Call, lang i18n.Lang) aggregateView {
	v := aggregateView{Count: a.Reviews, Disagree: a.Disagree,
		CountText: sprintf(lang, "aggregate.count", a.Reviews, call.ReviewersPerApplication)}
	if a.Reviews > 0 {
		v.Mean, v.Min, v.Max, v.Spread = decimal(a.Mean, lang), decimal(a.Min, lang), decimal(a.Max, lang), decimal(a.Spread, lang)
	}
	if a.Disagree {
		v.DisagreeText = sprintf(lang, "aggregate.disagree", decimal(call.DisagreementMargin(), lang))
	}
	return v
}

// decimal shows a score with two decimals, with a decimal comma in bokmål.
func decimal(f float64, lang i18n.Lang) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	if lang == i18n.NB {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// sprintf fills the catalog's text for key in lang with args.
func sprintf(lang i18n.Lang, key string, args ...any) string {
	t := msg(key)
	return i18n.Tf(t.NB, t.EN, args...).In(lang)
}

// assignReviewer assigns one reviewer by hand, from the detail page.
func (s *site) assignReviewer(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	reviewer, err := strconv.ParseInt(r.PostFormValue("reviewer_id"), 10, 64)
	if err != nil || reviewer <= 0 {
		refused := apperr.Fields(map[string]i18n.Text{"reviewer_ids": msg("error.choose_reviewer")})
		return s.showDetail(w, r, u, id, &refusal{form: formAssign, input: r.PostForm, err: refused})
	}
	if _, err := s.Grants.AssignReviewers(r.Context(), u, id, []int64{reviewer}, httpx.RequestID(r.Context())); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showDetail(w, r, u, id, &refusal{form: formAssign, input: r.PostForm, err: apperr.As(err)})
	}
	http.Redirect(w, r, appPath(id)+"?done=assigned#h-reviewers", http.StatusSeeOther)
	return nil
}
