package letter

import (
	"bytes"
	"io"
	"slices"
	"testing"
	"time"

	"nyttig/internal/i18n"
)

// BenchmarkRender renders the typical grant letter (two pages: a grant's
// terms do not fit on one) and reports the median and 95th percentile
// milliseconds per letter beside the mean ns/op.
func BenchmarkRender(b *testing.B) {
	benchmarkRender(b, grantData(i18n.NB))
}

// BenchmarkRenderOnePage renders a one-page rejection.
func BenchmarkRenderOnePage(b *testing.B) {
	benchmarkRender(b, outcomeData(i18n.NB, "reject"))
}

func benchmarkRender(b *testing.B, d Data) {
	r, t := renderer(b), DefaultTemplate()
	var buf bytes.Buffer
	took := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		buf.Reset()
		if err := r.Render(&buf, d, t); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	ms := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(ms(0.5), "median-ms")
	b.ReportMetric(ms(0.95), "p95-ms")
	b.ReportMetric(float64(buf.Len()), "bytes/letter")
}

// BenchmarkRenderParallel renders the typical grant letter on every core and
// reports letters per second.
func BenchmarkRenderParallel(b *testing.B) {
	r, t, d := renderer(b), DefaultTemplate(), grantData(i18n.NB)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := r.Render(io.Discard, d, t); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}
