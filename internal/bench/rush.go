package bench

import (
	"context"
	"fmt"

	"nyttig/internal/loadgen"
)

// deadlineRush: every client creates, fills, attaches a 200 KiB PDF to and
// submits applications through the HTTP API for the duration, as on a
// fund's last evening. Reference: pgbench TPC-B at the same client count.
func deadlineRush(ctx context.Context, e *env) (Scenario, error) {
	res, err := loadgen.Run(ctx, loadgen.Config{BaseURL: e.baseURL, Tokens: e.tokens, CallID: e.call.ID,
		Clients: e.cfg.Clients, Duration: e.cfg.Duration, PDFBytes: 200 << 10, Label: "rush"})
	if err != nil {
		return Scenario{}, err
	}
	ref, err := e.reference(ctx, false)
	if err != nil {
		return Scenario{}, err
	}
	submitted := res.Count(loadgen.OpSubmit)
	s := Scenario{Value: float64(submitted) / res.Elapsed.Seconds(), Unit: "submissions/s",
		Reference: ref.TPS, ReferenceName: "pgbench TPC-B tps",
		Goal:   "transitions ≥ 0.8 × TPC-B, p99 < 50 ms, no errors",
		Errors: errorsOf(res)}
	percentiles(&s, res.Latencies)
	requests := len(res.Acked)
	s.Detail = fmt.Sprintf("%d applications submitted with a PDF each, %d requests acknowledged (%.0f/s: create, fill, attach, submit), %d clients",
		submitted, requests, float64(requests)/res.Elapsed.Seconds(), e.cfg.Clients)
	return s, nil
}

// errorsOf counts a load run's failures: answers that were not 2xx,
// requests that got no answer, and runs that ended on an error.
func errorsOf(r loadgen.Result) int {
	n := r.TransportErrors + len(r.Failed)
	for status, count := range r.Statuses {
		if status >= 300 {
			n += count
		}
	}
	return n
}
