package summary_test

import (
	"context"
	"io"
	"testing"

	"nyttig/internal/i18n"
	"nyttig/internal/summary"
)

// BenchmarkAnnualSummary10k reads the figures of a generated fund of
// 10 000 applications and renders its PDF: what a download costs.
func BenchmarkAnnualSummary10k(b *testing.B) {
	st, s := syntheticFund(b, 10_000)
	ctx := context.Background()
	// One run first, as a server that has shown the fund before: the
	// freshly generated rows are in the cache, not still being written.
	if _, err := summary.Load(ctx, st, s.Fund.ID, s.Year, now); err != nil {
		b.Fatal(err)
	}
	var projects int
	for b.Loop() {
		f, err := summary.Load(ctx, st, s.Fund.ID, s.Year, now)
		if err != nil {
			b.Fatal(err)
		}
		if err := summary.PDF(io.Discard, f, i18n.NB); err != nil {
			b.Fatal(err)
		}
		projects = len(f.Projects)
	}
	b.ReportMetric(float64(projects), "projects")
}

// BenchmarkAnnualSummary10kFigures is the queries alone.
func BenchmarkAnnualSummary10kFigures(b *testing.B) {
	st, s := syntheticFund(b, 10_000)
	ctx := context.Background()
	for b.Loop() {
		if _, err := summary.Load(ctx, st, s.Fund.ID, s.Year, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnnualSummary10kPDF is the PDF alone, from figures read once.
func BenchmarkAnnualSummary10kPDF(b *testing.B) {
	st, s := syntheticFund(b, 10_000)
	f, err := summary.Load(context.Background(), st, s.Fund.ID, s.Year, now)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := summary.PDF(io.Discard, f, i18n.NB); err != nil {
			b.Fatal(err)
		}
	}
}
