package grants

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// The innovation prize: unit leaders nominate completed projects in their
// evaluation; the committee (decision makers) sees a fund's nominees for a
// year with their evaluations and picks one winner and any honourable
// mentions, each with a citation. Administrators may look.

var (
	msgCommitteeOnly = i18n.T("Bare innovasjonsutvalget (beslutter) kan kåre vinneren av innovasjonsprisen.",
		"Only the committee (decision makers) can pick the winner of the innovation prize.")
	msgCommitteeSees = i18n.T("Bare innovasjonsutvalget og administratorer ser nominasjonene.",
		"Only the committee and administrators see the nominations.")
	msgNotNominee = i18n.T("Prosjektet er ikke nominert: bare avsluttede prosjekter som lederen har nominert, og som fikk vedtak i fondet dette året, kan få prisen.",
		"The project is not a nominee: only completed projects their leader nominated, decided in the fund that year, can win the prize.")
)

// MaxCitation is the longest citation of a prize.
const MaxCitation = 5000

func (s *Service) prizeFund(ctx context.Context, fundID int64, year int) error {
	if year < 2000 || year > 2200 {
		return apperr.Fields(map[string]i18n.Text{"year": msgBadYear})
	}
	ok, err := s.Store.FundExists(ctx, fundID)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.NotFound, i18n.T("Fant ikke fondet.", "Fund not found."))
	}
	return nil
}

// PrizeNominees lists the nominees of a fund's prize for year, with their
// evaluations and any award, for the committee and administrators.
func (s *Service) PrizeNominees(ctx context.Context, u model.User, fundID int64, year int) ([]model.Nominee, error) {
	if !u.Has(workflow.DecisionMaker) && !u.Has(workflow.Admin) {
		return nil, apperr.New(apperr.Forbidden, msgCommitteeSees)
	}
	if err := s.prizeFund(ctx, fundID, year); err != nil {
		return nil, err
	}
	return s.Store.PrizeNominees(ctx, fundID, year)
}

// PutPrize records the committee's prize decision for a fund and year,
// replacing any earlier one: a winner and any honourable mentions, each a
// nominee with a citation.
func (s *Service) PutPrize(ctx context.Context, u model.User, fundID int64, year int, in model.PrizeInput, requestID string) (model.Prize, error) {
	if !u.Has(workflow.DecisionMaker) {
		return model.Prize{}, apperr.New(apperr.Forbidden, msgCommitteeOnly)
	}
	if err := s.prizeFund(ctx, fundID, year); err != nil {
		return model.Prize{}, err
	}
	awards, fe := prizeAwards(in)
	if len(fe) > 0 {
		return model.Prize{}, apperr.Fields(fe)
	}
	return s.Store.PutPrize(ctx, fundID, year, awards, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()},
		func(nominees []int64) error {
			bad := model.FieldErrors{}
			for i, a := range awards {
				if !slices.Contains(nominees, a.ApplicationID) {
					bad[awardField(i)+".application_id"] = msgNotNominee
				}
			}
			if len(bad) > 0 {
				return apperr.Fields(bad)
			}
			return nil
		})
}

// awardField names the input field of the i-th award: the winner first,
// then the mentions.
func awardField(i int) string {
	if i == 0 {
		return "winner"
	}
	return fmt.Sprintf("mentions[%d]", i-1)
}

// prizeAwards checks the input and lists its awards, winner first.
func prizeAwards(in model.PrizeInput) ([]model.PrizeAward, model.FieldErrors) {
	fe := model.FieldErrors{}
	awards := []model.PrizeAward{{ApplicationID: in.Winner.ApplicationID, Rank: model.PrizeWinner, Citation: in.Winner.Citation}}
	for _, m := range in.Mentions {
		awards = append(awards, model.PrizeAward{ApplicationID: m.ApplicationID, Rank: model.PrizeMention, Citation: m.Citation})
	}
	seen := map[int64]bool{}
	for i := range awards {
		a := &awards[i]
		a.Citation = strings.TrimSpace(a.Citation)
		name := awardField(i)
		switch {
		case a.ApplicationID <= 0:
			fe[name+".application_id"] = i18n.T("Velg et prosjekt.", "Pick a project.")
		case seen[a.ApplicationID]:
			fe[name+".application_id"] = i18n.T("Prosjektet er valgt to ganger.", "The project is picked twice.")
		}
		seen[a.ApplicationID] = true
		switch {
		case a.Citation == "":
			fe[name+".citation"] = i18n.T("Skriv en begrunnelse for prisen.", "Write a citation.")
		case !model.ValidText(a.Citation):
			fe[name+".citation"] = msgBadChars
		case utf8.RuneCountInString(a.Citation) > MaxCitation:
			fe[name+".citation"] = i18n.Tf("Kan ikke være lengre enn %d tegn.", "Cannot be longer than %d characters.", MaxCitation)
		}
	}
	return awards, fe
}

// Prize returns a fund's prize decision for year, for the committee and
// administrators.
func (s *Service) Prize(ctx context.Context, u model.User, fundID int64, year int) (model.Prize, error) {
	if !u.Has(workflow.DecisionMaker) && !u.Has(workflow.Admin) {
		return model.Prize{}, apperr.New(apperr.Forbidden, msgCommitteeSees)
	}
	if err := s.prizeFund(ctx, fundID, year); err != nil {
		return model.Prize{}, err
	}
	return s.Store.Prize(ctx, fundID, year)
}
