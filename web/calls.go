package web

import (
	"net/http"
	"strconv"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/model"
	"nyttig/workflow"
)

func callPath(id int64) string { return "/calls/" + strconv.FormatInt(id, 10) }

type callRow struct {
	Title, Opens, Closes, Year               string
	RankingHref, DecisionsHref, AssignAction string
	LedgerHref, PrizeHref                    string
}

type callsView struct {
	Rows                 []callRow
	CanAssign, CanDecide bool
	// SeesPrize links decision makers and administrators to the prize.
	SeesPrize bool
	// Templates link an administrator to each fund's letter template.
	Templates []linkView
	Flash     string
}

// calls lists every call for staff, with the way to each call's ranking,
// automatic assignment of reviewers, and batch decision; administrators
// also find the funds' letter templates here.
func (s *site) calls(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if !u.IsStaff() {
		return apperr.New(apperr.Forbidden, msg("error.staff_only_calls"))
	}
	lang := httpx.Lang(r)
	calls, err := s.Grants.Calls(r.Context())
	if err != nil {
		return err
	}
	v := callsView{CanAssign: writesRecommendations(u), CanDecide: u.Has(workflow.DecisionMaker),
		SeesPrize: u.Has(workflow.DecisionMaker) || u.Has(workflow.Admin)}
	if q := r.URL.Query(); q.Get("done") == "auto_assigned" {
		n, _ := strconv.Atoi(q.Get("assigned"))
		v.Flash = sprintf(lang, "done.auto_assigned", max(n, 0))
	}
	for _, c := range calls {
		p := callPath(c.ID)
		v.Rows = append(v.Rows, callRow{Title: c.Title, Opens: osloTime(c.OpensAt), Closes: osloTime(c.ClosesAt),
			Year: strconv.Itoa(c.BudgetYear), RankingHref: p + "/ranking", DecisionsHref: p + "/decisions",
			AssignAction: p + "/reviewer-assignments",
			LedgerHref:   "/funds/" + strconv.FormatInt(c.FundID, 10) + "/ledger?year=" + strconv.Itoa(c.BudgetYear),
			PrizeHref:    prizePath(c.FundID, c.BudgetYear)})
	}
	if u.Has(workflow.Admin) {
		funds, err := s.Store.Funds(r.Context())
		if err != nil {
			return err
		}
		for _, f := range funds {
			v.Templates = append(v.Templates, linkView{Href: fundTemplatePath(f.ID), Label: sprintf(lang, "calls.template_link", f.Name)})
		}
	}
	return s.render(w, r, page{Template: "calls", Title: msg("calls.title").In(lang), Nav: "calls", Data: v})
}

// autoAssign gives every application of a call in review its reviewers.
func (s *site) autoAssign(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	n, err := s.Grants.AutoAssign(r.Context(), u, id, httpx.RequestID(r.Context()))
	if apperr.Is(err, apperr.NotFound) {
		return apperr.New(apperr.NotFound, msg("error.no_call"))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/calls?done=auto_assigned&assigned="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

type rankingRow struct {
	Rank                            int
	Href, CaseNumber, Title         string
	Mean, Reviews, Disagree         string
	Requested, Proposed, RunningSum string
	Budget, Status                  string
	Over                            bool
	// LineBefore: the money runs out above this row.
	LineBefore bool
}

type rankingView struct {
	CallTitle, Frame, Committed, Remaining string
	Rows                                   []rankingRow
	LineText                               string
	AllFit                                 bool
}

// ranking shows a call's applications by their reviewers' weighted mean,
// summing what each would take against what remains of the frame, with a
// line where the money runs out.
func (s *site) ranking(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	rk, err := s.Grants.Ranking(r.Context(), u, id)
	if apperr.Is(err, apperr.NotFound) {
		return apperr.New(apperr.NotFound, msg("error.no_call"))
	}
	if err != nil {
		return err
	}
	call, err := s.Store.CallByID(r.Context(), id)
	if err != nil {
		return err
	}
	v := rankingView{CallTitle: call.Title, Frame: rk.Ledger.Frame.String(), Committed: rk.Ledger.Committed.String(),
		Remaining: rk.Ledger.Remaining.String(), AllFit: true,
		LineText: sprintf(lang, "ranking.line", rk.Ledger.Remaining.String())}
	for i, a := range rk.Applications {
		row := rankingRow{Rank: i + 1, Href: appPath(a.ApplicationID), CaseNumber: a.CaseNumber, Title: titleOr(a.Title, lang),
			Mean: msg("ranking.no_reviews").In(lang), Reviews: sprintf(lang, "ranking.review_count", a.Aggregate.Reviews),
			Requested: a.RequestedOre.String(), Proposed: a.ProposedOre.String(), RunningSum: a.RunningSumOre.String(),
			Status: workflow.Application.StateLabel(a.State).In(lang)}
		if a.Aggregate.Reviews > 0 {
			row.Mean = decimal(a.Aggregate.Mean, lang)
		}
		if a.Aggregate.Disagree {
			row.Disagree = msg("ranking.disagree").In(lang)
		}
		if a.Recommendation != "" {
			row.Status = sprintf(lang, "ranking.recommended", outcomeLabel(a.Recommendation, lang))
		}
		counted := a.Recommendation == "" || a.Recommendation == model.OutcomeApprove
		switch {
		case !counted:
			row.Budget = msg("ranking.not_counted").In(lang)
		case a.WithinBudget:
			row.Budget = msg("ranking.within").In(lang)
		default:
			row.Budget, row.Over = msg("ranking.over").In(lang), true
			row.LineBefore = v.AllFit
			v.AllFit = false
		}
		v.Rows = append(v.Rows, row)
	}
	return s.render(w, r, page{Template: "ranking", Nav: "calls", Data: v, Title: sprintf(lang, "ranking.title", call.Title)})
}
