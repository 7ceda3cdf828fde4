// Package summary owns the fund's annual summary: its figures, and their
// PDF, CSV and JSON forms.
//
// What "year" means. A year runs from 1 January to 31 December in
// Europe/Oslo, and the summary looks at it three ways:
//
//   - received: the applications first submitted in the year — their
//     number, the amount they request, the reviewers' scores, and the
//     funnel that follows them to completion whenever that happens;
//   - decided: the applications whose latest decision was made in the
//     year — dismissed, rejected, granted in full or in part, the amount
//     granted, the processing time from submission to first decision, the
//     funded projects with their approved final reports, and the benefits
//     their unit leaders reported;
//   - the ledger of the fund's frame for the year: paid, clawed back,
//     lapsed and remaining money, whenever it was booked.
//
// The PDF states these definitions on its first page. Money is integer
// øre throughout and shown in whole kroner.
package summary

import (
	"context"
	"time"

	"nyttig/internal/model"
	"nyttig/internal/store"
)

// Figures is a fund's annual summary. It is the JSON form as it stands.
type Figures struct {
	FundID       int64     `json:"fund_id"`
	Fund         string    `json:"fund"`
	Municipality string    `json:"municipality"`
	Year         int       `json:"year"`
	GeneratedAt  time.Time `json:"generated_at"`
	// Totals counts and sums the whole fund; ApprovalRate is granted (in
	// full or part) over decided, 0 when nothing was decided.
	Totals       model.SummaryCounts `json:"totals"`
	ApprovalRate float64             `json:"approval_rate"`
	// Ledger is the frame's ledger for the year.
	Ledger     model.Ledger           `json:"ledger"`
	ByUnit     []model.SummaryGroup   `json:"by_unit"`
	ByCall     []model.SummaryGroup   `json:"by_call"`
	Scores     []model.CriterionScore `json:"scores"`
	Processing model.ProcessingTimes  `json:"processing"`
	Funnel     model.Funnel           `json:"funnel"`
	Benefits   model.Benefits         `json:"benefits"`
	Projects   []model.FundedProject  `json:"projects"`
	// Prize is the year's innovation prize: the winner first, then any
	// honourable mentions.
	Prize []model.SummaryPrize `json:"prize"`
}

// Winner returns the prize winner, if the committee has picked one.
func (f Figures) Winner() (model.SummaryPrize, bool) {
	for _, p := range f.Prize {
		if p.Rank == model.PrizeWinner {
			return p, true
		}
	}
	return model.SummaryPrize{}, false
}

// Load reads the figures of fund for year from the store, in one
// transaction of a few aggregate queries, whatever the number of
// applications.
func Load(ctx context.Context, st *store.Store, fundID int64, year int, now time.Time) (Figures, error) {
	fund, err := st.Fund(ctx, fundID)
	if err != nil {
		return Figures{}, err
	}
	d, err := st.Summary(ctx, store.NewSummaryPeriod(fundID, year))
	if err != nil {
		return Figures{}, err
	}
	f := Figures{FundID: fund.ID, Fund: fund.Name, Municipality: fund.Municipality, Year: year, GeneratedAt: now,
		Totals: d.Totals.All, ByUnit: nonNil(d.Totals.ByUnit), ByCall: nonNil(d.Totals.ByCall), Ledger: d.Ledger,
		Scores: nonNil(d.Scores), Processing: d.Processing, Funnel: d.Funnel, Benefits: d.Benefits,
		Projects: nonNil(d.Projects), Prize: nonNil(d.Prize)}
	if n := f.Totals.Decided(); n > 0 {
		f.ApprovalRate = float64(f.Totals.Granted()) / float64(n)
	}
	return f, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
