// Package bench measures Nyttig against the machine it runs on: each
// scenario's figure beside a reference measured in the same run on the
// same PostgreSQL and object storage (pgbench, a direct PutObject), so
// that the ratio means something on a shared, noisy machine. It starts
// from an empty database and bucket of its own and drops them at the end.
//
// `nyttig bench` and `make bench` run it; `--quick` is the smoke test CI
// runs, which asserts only that every scenario completed without errors.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"
)

// Config says how hard and how long to measure.
type Config struct {
	// DatabaseURL names the PostgreSQL server; the bench makes its own
	// databases on it (it needs CREATE DATABASE).
	DatabaseURL string
	// S3 is the object storage; the bench makes its own bucket.
	S3 S3
	// Clients is the number of concurrent clients (default 32).
	Clients int
	// Duration is how long each timed scenario runs (default 20 s).
	Duration time.Duration
	// Quick shrinks everything to a smoke test of under two minutes.
	Quick bool
	// Only, when set, runs only the scenarios named.
	Only []string
}

// S3 is where the object storage is.
type S3 struct {
	Endpoint, AccessKey, SecretKey string
	UseSSL                         bool
}

// Scenario is one measured figure with its reference.
type Scenario struct {
	Name          string  `json:"name"`
	Value         float64 `json:"value"`
	Unit          string  `json:"unit"`
	Reference     float64 `json:"reference"`
	ReferenceName string  `json:"reference_name"`
	Ratio         float64 `json:"ratio"`
	P50ms         float64 `json:"p50_ms"`
	P95ms         float64 `json:"p95_ms"`
	P99ms         float64 `json:"p99_ms"`
	Errors        int     `json:"errors"`
	// Goal is what the figure should reach, in words.
	Goal string `json:"goal"`
	// Detail says what else was seen: counts, a second percentile.
	Detail string `json:"detail"`
}

// Report is a whole run.
type Report struct {
	Machine   Machine    `json:"machine"`
	Config    RunConfig  `json:"config"`
	Scenarios []Scenario `json:"scenarios"`
}

// RunConfig is the configuration as reported.
type RunConfig struct {
	Clients  int    `json:"clients"`
	Duration string `json:"duration"`
	Quick    bool   `json:"quick"`
}

// Names are the scenarios in the order they run.
var Names = []string{"deadline_rush", "transitions", "reads", "search", "letters", "annual_summary", "upload"}

func (c *Config) defaults() {
	if c.Clients <= 0 {
		c.Clients = 32
	}
	if c.Duration <= 0 {
		c.Duration = 20 * time.Second
	}
	if c.Quick {
		c.Clients = min(c.Clients, 8)
		c.Duration = min(c.Duration, 3*time.Second)
	}
}

func (c Config) wants(name string) bool {
	if len(c.Only) == 0 {
		return true
	}
	for _, n := range c.Only {
		if n == name {
			return true
		}
	}
	return false
}

// Run runs the scenarios, writing a progress line for each to progress.
func Run(ctx context.Context, cfg Config, progress io.Writer) (Report, error) {
	cfg.defaults()
	rep := Report{Config: RunConfig{Clients: cfg.Clients, Duration: cfg.Duration.String(), Quick: cfg.Quick}}
	e, err := newEnv(ctx, cfg)
	if err != nil {
		return rep, err
	}
	defer e.close()
	rep.Machine = machine(ctx, e)
	steps := []struct {
		name string
		run  func(context.Context, *env) (Scenario, error)
	}{
		{"deadline_rush", deadlineRush}, {"transitions", transitions}, {"reads", reads}, {"search", search},
		{"letters", letters}, {"annual_summary", annualSummary}, {"upload", upload},
	}
	for i, s := range steps {
		if !cfg.wants(s.name) {
			continue
		}
		fmt.Fprintf(progress, "bench: [%d/%d] %s …\n", i+1, len(steps), s.name)
		start := time.Now()
		sc, err := s.run(ctx, e)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", s.name, err)
		}
		sc.Name = s.name
		if sc.Reference > 0 {
			sc.Ratio = sc.Value / sc.Reference
		}
		rep.Scenarios = append(rep.Scenarios, sc)
		fmt.Fprintf(progress, "bench:        %s %.1f %s (%s)\n", s.name, sc.Value, sc.Unit, time.Since(start).Round(100*time.Millisecond))
	}
	return rep, nil
}

// WriteTable prints the report as a table.
func (r Report) WriteTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tvalue\treference\tratio\tp50 ms\tp95 ms\tp99 ms\terrors\tgoal")
	for _, s := range r.Scenarios {
		ref := "–"
		if s.Reference > 0 {
			ref = fmt.Sprintf("%.1f (%s)", s.Reference, s.ReferenceName)
		}
		ratio := "–"
		if s.Ratio > 0 {
			ratio = fmt.Sprintf("%.2f", s.Ratio)
		}
		fmt.Fprintf(tw, "%s\t%.1f %s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", s.Name, s.Value, s.Unit, ref, ratio,
			ms(s.P50ms), ms(s.P95ms), ms(s.P99ms), s.Errors, s.Goal)
	}
	tw.Flush()
	for _, s := range r.Scenarios {
		if s.Detail != "" {
			fmt.Fprintf(w, "  %s: %s\n", s.Name, s.Detail)
		}
	}
	m := r.Machine
	fmt.Fprintf(w, "machine: %d CPUs (%s), %.1f GiB, %s, %s, PostgreSQL %s\n", m.CPUs, m.CPUModel, m.MemoryGiB, m.OS, m.Go, m.Postgres)
}

func ms(v float64) string {
	if v == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", v)
}

// WriteJSON writes the report to the file at path.
func (r Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Failed lists the scenarios that had errors.
func (r Report) Failed() []string {
	var out []string
	for _, s := range r.Scenarios {
		if s.Errors > 0 {
			out = append(out, fmt.Sprintf("%s (%d errors)", s.Name, s.Errors))
		}
	}
	return out
}
