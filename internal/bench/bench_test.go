package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"nyttig/internal/bench"
	"nyttig/internal/config"
	"nyttig/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Run(m) }

// TestQuickBench is CI's smoke test of `nyttig bench --quick`: every
// scenario runs to the end without an error, and the report has every
// figure and its reference. It asserts no timing: the figures of a real
// run are in docs/performance.md.
func TestQuickBench(t *testing.T) {
	testenv.Store(t) // the services are up
	cfg, err := config.FromEnv("db", "s3")
	if err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	rep, err := bench.Run(context.Background(), bench.Config{DatabaseURL: cfg.DatabaseURL, Quick: true, Clients: 4, Duration: 2 * time.Second,
		S3: bench.S3{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, UseSSL: cfg.S3UseSSL}}, &progress)
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, progress.String())
	}
	var names []string
	for _, s := range rep.Scenarios {
		names = append(names, s.Name)
		if s.Errors != 0 {
			t.Errorf("%s: %d errors (%s)", s.Name, s.Errors, s.Detail)
		}
		if s.Value <= 0 {
			t.Errorf("%s measured nothing: %+v", s.Name, s)
		}
		if strings.Contains(s.ReferenceName, "pgbench") && s.Reference <= 0 {
			t.Errorf("%s has no reference figure: %+v", s.Name, s)
		}
	}
	if !slices.Equal(names, bench.Names) {
		t.Errorf("scenarios %v, want %v", names, bench.Names)
	}
	if rep.Machine.CPUs < 1 || rep.Machine.Postgres == "" {
		t.Errorf("machine %+v", rep.Machine)
	}

	// The JSON has the shape docs/performance.md describes.
	path := filepath.Join(t.TempDir(), "bench.json")
	if err := rep.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Machine   map[string]any   `json:"machine"`
		Scenarios []map[string]any `json:"scenarios"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Scenarios) != len(bench.Names) {
		t.Fatalf("bench.json: %v, %s", err, b)
	}
	for _, key := range []string{"name", "value", "unit", "reference", "reference_name", "ratio", "p50_ms", "p95_ms", "p99_ms", "errors"} {
		if _, ok := doc.Scenarios[0][key]; !ok {
			t.Errorf("bench.json's scenarios lack %q", key)
		}
	}
	var table bytes.Buffer
	rep.WriteTable(&table)
	for _, n := range bench.Names {
		if !strings.Contains(table.String(), n) {
			t.Errorf("the table lacks %s:\n%s", n, table.String())
		}
	}
}
