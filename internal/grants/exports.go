package grants

import (
	"context"

	"nyttig/internal/apperr"
	"nyttig/internal/erp"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/workflow"
)

var msgExportFinanceOnly = i18n.T("Bare økonomi kan eksportere utbetalinger til økonomisystemet.",
	"Only finance can export payouts to the ERP system.")

// isFinance reports whether u is an attestant or an authoriser: the people
// who hand payments to the ERP system.
func isFinance(u model.User) bool {
	return u.Has(workflow.FinanceAttestant) || u.Has(workflow.FinanceAuthoriser)
}

// CreatePayoutExport records a batch of every paid tranche not yet
// exported, for the ERP system. With none waiting it is a Conflict and
// nothing is recorded.
func (s *Service) CreatePayoutExport(ctx context.Context, u model.User) (model.PayoutExport, error) {
	if !isFinance(u) {
		return model.PayoutExport{}, apperr.New(apperr.Forbidden, msgExportFinanceOnly)
	}
	return s.Store.CreatePayoutExport(ctx, store.Change{ActorID: u.ID, Now: s.Now()})
}

// PayoutExport returns a recorded batch for u.
func (s *Service) PayoutExport(ctx context.Context, u model.User, id int64) (model.PayoutExport, error) {
	if !isFinance(u) {
		return model.PayoutExport{}, apperr.New(apperr.Forbidden, msgExportFinanceOnly)
	}
	return s.Store.PayoutExport(ctx, id)
}

// exportOf reads a batch and its lines for u.
func (s *Service) exportOf(ctx context.Context, u model.User, id int64) (model.PayoutExport, []model.ExportLine, error) {
	x, err := s.PayoutExport(ctx, u, id)
	if err != nil {
		return x, nil, err
	}
	lines, err := s.Store.ExportLines(ctx, id)
	return x, lines, err
}

// ExportCSV renders batch id as the ERP's CSV file (see package erp for
// its columns). It renders from the stored rows, so every download of a
// batch gives the same bytes.
func (s *Service) ExportCSV(ctx context.Context, u model.User, id int64) ([]byte, model.PayoutExport, error) {
	x, lines, err := s.exportOf(ctx, u, id)
	if err != nil {
		return nil, x, err
	}
	return erp.CSV(x, lines), x, nil
}

// ExportXLSX renders batch id as a workbook, byte-identical on every
// download.
func (s *Service) ExportXLSX(ctx context.Context, u model.User, id int64) ([]byte, model.PayoutExport, error) {
	x, lines, err := s.exportOf(ctx, u, id)
	if err != nil {
		return nil, x, err
	}
	b, err := erp.XLSX(x, lines)
	if err != nil {
		return nil, x, apperr.Wrap(apperr.Internal, i18n.T("Kunne ikke lage regnearket.", "Could not make the spreadsheet."), err)
	}
	return b, x, nil
}

// PayoutExports lists the latest hundred batches, for finance.
func (s *Service) PayoutExports(ctx context.Context, u model.User) ([]model.PayoutExport, error) {
	if !isFinance(u) {
		return nil, apperr.New(apperr.Forbidden, msgExportFinanceOnly)
	}
	return s.Store.PayoutExports(ctx, 100)
}
