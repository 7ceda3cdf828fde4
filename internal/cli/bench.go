package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"nyttig/internal/bench"
	"nyttig/internal/config"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench", "bench [--quick] [--clients N] [--duration D] [--only a,b] [--out FILE]\n\n"+
		"Measures Nyttig on this machine from an empty database and bucket of its own\n"+
		"(made on DATABASE_URL's server and S3_ENDPOINT, dropped at the end), each\n"+
		"figure beside a reference measured in the same run: pgbench TPC-B and\n"+
		"select-only, minio-go PutObject. Scenarios: "+strings.Join(bench.Names, ", ")+".\n"+
		"Needs pgbench on PATH. Prints a table; --out writes the JSON.", stderr)
	quick := fs.Bool("quick", false, "a smoke test of under two minutes: small sizes, short runs")
	clients := fs.Int("clients", 32, "concurrent clients")
	duration := fs.Duration("duration", 20*time.Second, "how long each timed scenario runs")
	only := fs.String("only", "", "run only these scenarios, comma-separated")
	out := fs.String("out", "", "write the report as JSON to this file")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run (server and clients) to this file, for go tool pprof")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := config.FromEnv("db", "s3")
	if err != nil {
		return err
	}
	bc := bench.Config{DatabaseURL: cfg.DatabaseURL, Clients: *clients, Duration: *duration, Quick: *quick,
		S3: bench.S3{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, UseSSL: cfg.S3UseSSL}}
	if *only != "" {
		bc.Only = strings.Split(*only, ",")
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := bench.Run(ctx, bc, stderr)
	if err != nil {
		return err
	}
	rep.WriteTable(stdout)
	if *out != "" {
		if err := rep.WriteJSON(*out); err != nil {
			return err
		}
	}
	if failed := rep.Failed(); len(failed) > 0 {
		return fmt.Errorf("scenarios with errors: %s", strings.Join(failed, ", "))
	}
	return nil
}
