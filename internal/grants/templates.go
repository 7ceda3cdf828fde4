package grants

import (
	"context"
	"encoding/json"
	"fmt"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/letter"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// letterTemplate returns a fund's letter template: its own, or the defaults.
func (s *Service) letterTemplate(ctx context.Context, fundID int64) (letter.Template, error) {
	raw, err := s.Store.LetterTemplate(ctx, fundID)
	if err != nil || raw == nil {
		return letter.DefaultTemplate(), err
	}
	var t letter.Template
	if err := json.Unmarshal(raw, &t); err != nil {
		return letter.Template{}, fmt.Errorf("fund %d's letter template: %w", fundID, err)
	}
	return t, nil
}

// LetterTemplate returns a fund's letter template, for admins to edit.
func (s *Service) LetterTemplate(ctx context.Context, u model.User, fundID int64) (letter.Template, error) {
	if !u.Has(workflow.Admin) && !u.Has(workflow.CaseOfficer) {
		return letter.Template{}, apperr.New(apperr.Forbidden, msgStaffOnly)
	}
	if ok, err := s.Store.FundExists(ctx, fundID); err != nil || !ok {
		if err == nil {
			err = apperr.New(apperr.NotFound, i18n.T("Fondet finnes ikke.", "The fund does not exist."))
		}
		return letter.Template{}, err
	}
	return s.letterTemplate(ctx, fundID)
}

// SetLetterTemplate replaces a fund's letter template; only admins may,
// and only with a template that validates.
func (s *Service) SetLetterTemplate(ctx context.Context, u model.User, fundID int64, t letter.Template) (letter.Template, error) {
	if !u.Has(workflow.Admin) {
		return t, apperr.New(apperr.Forbidden, i18n.T("Bare administratorer kan endre brevmalene.", "Only administrators can change the letter templates."))
	}
	if ok, err := s.Store.FundExists(ctx, fundID); err != nil || !ok {
		if err == nil {
			err = apperr.New(apperr.NotFound, i18n.T("Fondet finnes ikke.", "The fund does not exist."))
		}
		return t, err
	}
	if err := t.Validate(); err != nil {
		return t, err // Invalid, with a message per field
	}
	raw, err := json.Marshal(t)
	if err != nil {
		return t, err
	}
	return t, s.Store.SetLetterTemplate(ctx, fundID, raw, store.Change{ActorID: u.ID, Now: s.Now()})
}

// MaxLogoBytes is the largest logo an admin may give a fund.
const MaxLogoBytes = 2 << 20

// SetFundLogo gives a fund the logo on its letters (PNG or JPEG); nil
// removes it. Only admins may.
func (s *Service) SetFundLogo(ctx context.Context, u model.User, fundID int64, logo []byte) error {
	if !u.Has(workflow.Admin) {
		return apperr.New(apperr.Forbidden, i18n.T("Bare administratorer kan endre logoen.", "Only administrators can change the logo."))
	}
	if ok, err := s.Store.FundExists(ctx, fundID); err != nil || !ok {
		if err == nil {
			err = apperr.New(apperr.NotFound, i18n.T("Fondet finnes ikke.", "The fund does not exist."))
		}
		return err
	}
	if logo != nil {
		if len(logo) > MaxLogoBytes {
			return apperr.New(apperr.TooLarge, i18n.T("Logoen kan være høyst 2 MiB.", "The logo can be at most 2 MiB."))
		}
		if err := letter.CheckLogo(logo); err != nil {
			return apperr.Fields(map[string]i18n.Text{"logo": i18n.T("Logoen må være et gyldig PNG- eller JPEG-bilde.", "The logo must be a valid PNG or JPEG image.")})
		}
	}
	return s.Store.SetFundLogo(ctx, fundID, logo)
}
