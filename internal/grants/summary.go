package grants

import (
	"context"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/internal/summary"
	"nyttig/workflow"
)

var (
	msgSummaryStaffOnly = i18n.T("Bare administratorer, saksbehandlere og beslutningstakere kan hente årsoversikten.",
		"Only administrators, case officers and decision makers can get the annual summary.")
	msgPublishAdminOnly = i18n.T("Bare administratorer kan publisere årsoversikten.", "Only administrators can publish the annual summary.")
	msgNoFund           = i18n.T("Fant ikke fondet.", "Fund not found.")
	msgNotPublished     = i18n.T("Årsoversikten er ikke publisert.", "The annual summary has not been published.")
	msgBadYear          = i18n.T("Ugyldig år: skriv året med fire sifre, fra 2000 til 2200.", "Invalid year: write it with four digits, from 2000 to 2200.")
)

// ValidYear reports an error unless year is one a fund can have.
func ValidYear(year int) error {
	if year < 2000 || year > 2200 {
		return &apperr.Error{Kind: apperr.BadRequest, Message: msgBadYear,
			Fields: map[string]i18n.Text{"year": msgBadYear}}
	}
	return nil
}

// mayReadSummary is nil for the people who run the fund: admins, case
// officers and decision makers.
func mayReadSummary(u model.User) error {
	if !u.IsStaff() {
		return apperr.New(apperr.Forbidden, msgSummaryStaffOnly)
	}
	return nil
}

func (s *Service) fund(ctx context.Context, fundID int64) (model.Fund, error) {
	f, err := s.Store.Fund(ctx, fundID)
	if store.IsNotFound(err) {
		return f, apperr.New(apperr.NotFound, msgNoFund)
	}
	return f, err
}

// SummaryYears lists the years a fund's summary has figures for (the
// years with decisions, newest first), for u.
func (s *Service) SummaryYears(ctx context.Context, u model.User, fundID int64) ([]int, error) {
	if err := mayReadSummary(u); err != nil {
		return nil, err
	}
	if _, err := s.fund(ctx, fundID); err != nil {
		return nil, err
	}
	return s.Store.DecisionYears(ctx, fundID)
}

// DefaultSummaryYear is the latest year with decisions, or this year in
// Oslo when there are none.
func (s *Service) DefaultSummaryYear(ctx context.Context, fundID int64) (int, error) {
	years, err := s.Store.DecisionYears(ctx, fundID)
	if err != nil || len(years) == 0 {
		return s.Now().In(workflow.Oslo).Year(), err
	}
	return years[0], nil
}

// AnnualSummary returns fund's summary for year, for u.
func (s *Service) AnnualSummary(ctx context.Context, u model.User, fundID int64, year int) (summary.Figures, error) {
	if err := mayReadSummary(u); err != nil {
		return summary.Figures{}, err
	}
	return s.annualSummary(ctx, fundID, year)
}

// SummaryForOperator returns a summary for the command line, which runs
// with the database's own rights.
func (s *Service) SummaryForOperator(ctx context.Context, fundID int64, year int) (summary.Figures, error) {
	return s.annualSummary(ctx, fundID, year)
}

func (s *Service) annualSummary(ctx context.Context, fundID int64, year int) (summary.Figures, error) {
	if err := ValidYear(year); err != nil {
		return summary.Figures{}, err
	}
	if _, err := s.fund(ctx, fundID); err != nil {
		return summary.Figures{}, err
	}
	return summary.Load(ctx, s.Store, fundID, year, s.Now())
}

// PublishSummary makes fund's summary for year public; admins only.
func (s *Service) PublishSummary(ctx context.Context, u model.User, fundID int64, year int) (store.PublishedSummary, error) {
	if !u.Has(workflow.Admin) {
		return store.PublishedSummary{}, apperr.New(apperr.Forbidden, msgPublishAdminOnly)
	}
	if err := ValidYear(year); err != nil {
		return store.PublishedSummary{}, err
	}
	if _, err := s.fund(ctx, fundID); err != nil {
		return store.PublishedSummary{}, err
	}
	return s.Store.PublishSummary(ctx, fundID, year, u.ID, s.Now())
}

// PublishedSummaries lists the summaries anyone may read.
func (s *Service) PublishedSummaries(ctx context.Context) ([]store.PublishedSummary, error) {
	return s.Store.PublishedSummaries(ctx)
}

// PublishedSummary returns a published summary to anyone, signed in or
// not; an unpublished one does not exist for them (404).
func (s *Service) PublishedSummary(ctx context.Context, fundID int64, year int) (summary.Figures, error) {
	ok, err := s.Store.SummaryPublished(ctx, fundID, year)
	if err != nil {
		return summary.Figures{}, err
	}
	if !ok {
		return summary.Figures{}, apperr.New(apperr.NotFound, msgNotPublished)
	}
	return summary.Load(ctx, s.Store, fundID, year, s.Now())
}
