package bench

import (
	"context"
	"fmt"
	"time"

	"nyttig/internal/i18n"
	"nyttig/internal/seed"
	"nyttig/internal/summary"
)

// annualSummary renders a fund's annual summary as PDF, queries included,
// for a synthetic fund of 10,000 applications: the median of five runs
// after one to warm up.
func annualSummary(ctx context.Context, e *env) (Scenario, error) {
	n := 10_000
	if e.cfg.Quick {
		n = 1_000
	}
	syn, err := seed.SyntheticFund(ctx, e.st, seed.SyntheticOptions{Applications: n, Seed: 7})
	if err != nil {
		return Scenario{}, err
	}
	var took []time.Duration
	var size int
	for i := range 6 {
		start := time.Now()
		f, err := summary.Load(ctx, e.st, syn.Fund.ID, syn.Year, time.Now())
		if err != nil {
			return Scenario{}, err
		}
		pdf, err := summary.Render(f, summary.FormatPDF, i18n.NB)
		if err != nil {
			return Scenario{}, err
		}
		if i > 0 {
			took = append(took, time.Since(start))
		}
		size = len(pdf)
	}
	s := Scenario{Unit: "ms", Goal: "< 1000 ms at 10,000 applications"}
	percentiles(&s, took)
	s.Value = s.P50ms
	s.Detail = fmt.Sprintf("%d applications; a %d KiB PDF with charts, contents and page numbers; median of %d runs", n, size>>10, len(took))
	return s, nil
}
