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
	if len(fe) > 0 {
		return c, apperr.Fields(fe)
	}
	return s.Store.CreateCall(ctx, c, u.ID)
}
