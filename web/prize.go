package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// The innovation prize page: the committee sees a fund's nominees for a
// year with their unit leaders' evaluations, and picks one winner and any
// honourable mentions, each with a citation. Administrators may look.

func prizePath(fundID int64, year int) string {
	return fmt.Sprintf("/funds/%d/prize/%d", fundID, year)
}

type nomineeView struct {
	ID                             int64
	Key, Title, Case, Unit, Amount string
	Report                         string
	Benefits                       []factView
	Continues                      string
	Winner, Mention                bool
	Citation, CitationError        string
}

type prizeView struct {
	Heading, Action    string
	CanDecide          bool
	Nominees           []nomineeView
	PrevYear, NextYear string
	WinnerError        string
	Flash, Message     string
	Summary            []summaryItem
}

// prizeParams reads the fund and the year of a prize page.
func prizeParams(r *http.Request) (model.User, int64, int, error) {
	u, id, err := signedInWithID(r)
	if err != nil {
		return u, 0, 0, err
	}
	year, err := strconv.Atoi(chi.URLParam(r, "year"))
	if err != nil {
		return u, 0, 0, apperr.New(apperr.NotFound, msg("error.not_found"))
	}
	return u, id, year, nil
}

func (s *site) prizePage(w http.ResponseWriter, r *http.Request) error {
	return s.showPrize(w, r, nil)
}

// savePrize records the committee's picks.
func (s *site) savePrize(w http.ResponseWriter, r *http.Request) error {
	u, fundID, year, err := prizeParams(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	nominees, err := s.Grants.PrizeNominees(r.Context(), u, fundID, year)
	if err != nil {
		return err
	}
	var in model.PrizeInput
	if id, err := strconv.ParseInt(r.PostFormValue("winner"), 10, 64); err == nil {
		in.Winner = model.PrizePick{ApplicationID: id, Citation: r.PostFormValue("citation_" + r.PostFormValue("winner"))}
	}
	for _, n := range nominees {
		key := strconv.FormatInt(n.ApplicationID, 10)
		if r.PostFormValue("mention_"+key) != "" && n.ApplicationID != in.Winner.ApplicationID {
			in.Mentions = append(in.Mentions, model.PrizePick{ApplicationID: n.ApplicationID, Citation: r.PostFormValue("citation_" + key)})
		}
	}
	if _, err := s.Grants.PutPrize(r.Context(), u, fundID, year, in, httpx.RequestID(r.Context())); err != nil {
		if !apperr.Is(err, apperr.Invalid) {
			return err
		}
		return s.showPrize(w, r, &refusal{input: r.PostForm, err: apperr.As(err), form: prizeFormKeys(in)})
	}
	http.Redirect(w, r, prizePath(fundID, year)+"?done=prize", http.StatusSeeOther)
	return nil
}

// prizeFormKeys lists the application id of each award, winner first,
// space-separated, so that the service's field names can be mapped back.
func prizeFormKeys(in model.PrizeInput) string {
	keys := strconv.FormatInt(in.Winner.ApplicationID, 10)
	for _, m := range in.Mentions {
		keys += " " + strconv.FormatInt(m.ApplicationID, 10)
	}
	return keys
}

func (s *site) showPrize(w http.ResponseWriter, r *http.Request, refused *refusal) error {
	u, fundID, year, err := prizeParams(r)
	if err != nil {
		return err
	}
	ctx, lang := r.Context(), httpx.Lang(r)
	nominees, err := s.Grants.PrizeNominees(ctx, u, fundID, year)
	if err != nil {
		return err
	}
	fund, err := s.Store.Fund(ctx, fundID)
	if err != nil {
		return err
	}
	v := prizeView{Heading: sprintf(lang, "prize.heading", fund.Name, year), Action: prizePath(fundID, year),
		CanDecide: u.Has(workflow.DecisionMaker), PrevYear: prizePath(fundID, year-1), NextYear: prizePath(fundID, year+1)}
	errs := map[string]string{}
	if refused != nil {
		v.Message = refused.err.Message.In(lang)
		errs = prizeErrors(refused.err.Fields, refused.form, lang)
		v.WinnerError = errs["winner"]
		if v.WinnerError != "" {
			v.Summary = append(v.Summary, summaryItem{Href: "#h-nominees", Text: msg("prize.winner").In(lang) + ": " + v.WinnerError})
		}
	}
	for _, n := range nominees {
		key := strconv.FormatInt(n.ApplicationID, 10)
		nv := nomineeView{ID: n.ApplicationID, Key: key, Title: titleOr(n.Title, lang), Case: n.CaseNumber, Unit: n.Unit,
			Amount: n.AmountOre.String(), Report: n.FinalReportSummary, Winner: n.Rank == model.PrizeWinner,
			Mention: n.Rank == model.PrizeMention, Citation: n.Citation, Continues: msg("prize.continues_no").In(lang)}
		if n.Evaluation.Continues {
			nv.Continues = msg("prize.continues_yes").In(lang)
		}
		ev := n.Evaluation
		for _, b := range []struct {
			key string
			b   model.Benefit
		}{{"quality", ev.Quality}, {"efficiency", ev.Efficiency}, {"avoided_costs", ev.AvoidedCosts},
			{"employee_satisfaction", ev.Employee}, {"citizen_influence", ev.Citizen}} {
			value := sprintf(lang, "prize.rating", b.b.Rating)
			if b.b.Text != "" {
				value += " – " + b.b.Text
			}
			nv.Benefits = append(nv.Benefits, factView{Label: msg("prize.benefit_" + b.key).In(lang), Value: value})
		}
		if refused != nil {
			nv.Winner = refused.input.Get("winner") == key
			nv.Mention = refused.input.Get("mention_"+key) != ""
			nv.Citation = refused.input.Get("citation_" + key)
			nv.CitationError = errs["citation_"+key]
			if nv.CitationError != "" {
				v.Summary = append(v.Summary, summaryItem{Href: "#f-citation_" + key, Text: nv.Title + ": " + nv.CitationError})
			}
		}
		v.Nominees = append(v.Nominees, nv)
	}
	status := http.StatusOK
	if refused != nil {
		status = apperr.Status(refused.err)
	} else if r.URL.Query().Get("done") == "prize" {
		v.Flash = msg("done.prize").In(lang)
	}
	return s.render(w, r, page{Status: status, Template: "prize", Title: v.Heading, Nav: "calls", Data: v})
}

var awardField = regexp.MustCompile(`^(?:winner|mentions\[(\d+)\])\.(\w+)$`)

// prizeErrors maps the service's field names (winner.citation,
// mentions[0].citation) to the form's (winner, citation_<id>); keys are
// the awards' application ids, winner first.
func prizeErrors(fields map[string]i18n.Text, keys string, lang i18n.Lang) map[string]string {
	ids := strings.Fields(keys)
	out := map[string]string{}
	for name, t := range fields {
		m := awardField.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		i := 0
		if m[1] != "" {
			n, _ := strconv.Atoi(m[1])
			i = n + 1
		}
		switch {
		case i == 0 && m[2] == "application_id":
			out["winner"] = t.In(lang)
		case i < len(ids):
			out["citation_"+ids[i]] = t.In(lang)
		}
	}
	return out
}
