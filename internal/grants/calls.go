package grants

import (
	"context"
	"strings"
	"unicode/utf8"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

var msgBadChars = i18n.T("Inneholder ugyldige tegn.", "Contains invalid characters.")

// Calls lists every call.
func (s *Service) Calls(ctx context.Context) ([]model.Call, error) {
	calls, err := s.Store.Calls(ctx)
	if calls == nil {
		calls = []model.Call{}
	}
	return calls, err
}

// OpenCalls lists the calls that take submissions now.
func (s *Service) OpenCalls(ctx context.Context) ([]model.Call, error) {
	return s.Store.OpenCalls(ctx, s.Now())
}

// Call returns a call; calls are open to every signed-in user, as their
// list is.
func (s *Service) Call(ctx context.Context, _ model.User, id int64) (model.Call, error) {
	return s.Store.CallByID(ctx, id)
}

// CreateCall adds a call; only admins and case officers may.
func (s *Service) CreateCall(ctx context.Context, u model.User, c model.Call) (model.Call, error) {
	if !u.Has(workflow.Admin) && !u.Has(workflow.CaseOfficer) {
		return c, apperr.New(apperr.Forbidden, msgStaffOnly)
	}
	c.Title = strings.TrimSpace(c.Title)
	fe := map[string]i18n.Text{}
	switch {
	case c.Title == "":
		fe["title"] = i18n.T("Må fylles ut.", "Required.")
	case !model.ValidText(c.Title):
		fe["title"] = msgBadChars
	case utf8.RuneCountInString(c.Title) > model.MaxTitle:
		fe["title"] = i18n.Tf("Kan ikke være lengre enn %d tegn.", "Cannot be longer than %d characters.", model.MaxTitle)
	}
	if !model.ValidText(c.Description) {
		fe["description"] = msgBadChars
	} else if utf8.RuneCountInString(c.Description) > model.MaxText {
		fe["description"] = i18n.Tf("Kan ikke være lengre enn %d tegn.", "Cannot be longer than %d characters.", model.MaxText)
	}
	if c.OpensAt.IsZero() {
		fe["opens_at"] = i18n.T("Må fylles ut.", "Required.")
	}
	if c.ClosesAt.IsZero() {
		fe["closes_at"] = i18n.T("Må fylles ut.", "Required.")
	} else if !c.ClosesAt.After(c.OpensAt) {
		fe["closes_at"] = i18n.T("Fristen må være etter åpningen.", "The deadline must be after the opening.")
	}
	if c.MaxAmountOre <= 0 || c.MaxAmountOre > model.MaxAmount {
		fe["max_amount_ore"] = i18n.T("Oppgi et positivt beløp.", "Give a positive amount.")
	}
	if c.FundID <= 0 {
		fe["fund_id"] = i18n.T("Velg et fond.", "Choose a fund.")
	} else if ok, err := s.Store.FundExists(ctx, c.FundID); err != nil {
		return c, err
	} else if !ok {
		fe["fund_id"] = i18n.T("Fondet finnes ikke.", "The fund does not exist.")
	}
	checkReviewSettings(c, fe)
	if len(fe) > 0 {
		return c, apperr.Fields(fe)
	}
	return s.Store.CreateCall(ctx, c, u.ID)
}

// checkReviewSettings validates a call's review, acceptance and payout
// settings; zero values take the defaults.
func checkReviewSettings(c model.Call, fe map[string]i18n.Text) {
	between := func(field string, v, lo, hi int) {
		if v != 0 && (v < lo || v > hi) {
			fe[field] = i18n.Tf("Må være mellom %d og %d.", "Must be between %d and %d.", lo, hi)
		}
	}
	between("reviewers_per_application", c.ReviewersPerApplication, 1, 10)
	between("disagreement_margin_tenths", c.DisagreementMarginTenths, 1, 40)
	between("acceptance_days", c.AcceptanceDays, 1, 365)
	between("report_months", c.ReportMonths, 0, 60)
	if c.BudgetYear != 0 && (c.BudgetYear < 2000 || c.BudgetYear > 2200) {
		fe["budget_year"] = i18n.T("Skriv året med fire sifre.", "Write the year with four digits.")
	}
	if c.ReviewDeadline != nil && !c.ClosesAt.IsZero() && c.ReviewDeadline.Before(c.ClosesAt) {
		fe["review_deadline"] = i18n.T("Vurderingsfristen må være etter søknadsfristen.", "The review deadline must be after the application deadline.")
	}
	if len(c.PayoutPlan) > 0 {
		sum := 0
		for _, t := range c.PayoutPlan {
			sum += t.SharePercent
			if t.SharePercent < 1 || (t.Condition != model.OnAcceptance && t.Condition != model.OnFinalReport) {
				fe["payout_plan"] = i18n.T("Hver del må ha en andel og en betingelse (on_acceptance eller on_final_report).",
					"Each tranche needs a share and a condition (on_acceptance or on_final_report).")
			}
		}
		if sum != 100 {
			fe["payout_plan"] = i18n.T("Andelene må til sammen være 100 %.", "The shares must add up to 100 %.")
		}
	}
}
