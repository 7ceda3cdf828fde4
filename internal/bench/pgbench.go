package bench

import (
	"context"
	"fmt"
	"net/url"
	"os/exec"
	"regexp"
	"strconv"
	"time"
)

// pgbenchResult is one pgbench run.
type pgbenchResult struct {
	TPS     float64
	Latency float64 // average ms
}

var (
	pgbenchTPS     = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	pgbenchLatency = regexp.MustCompile(`latency average = ([0-9.]+) ms`)
)

// pgbench measures the reference on a database of its own on the same
// server: TPC-B (-b tpcb-like) or select-only (-S) with prepared
// statements, at the bench's client count for its duration.
func (e *env) pgbench(ctx context.Context, selectOnly bool) (pgbenchResult, error) {
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		return pgbenchResult{}, fmt.Errorf("pgbench is not installed (Debian: postgresql-contrib or postgresql-client): %w", err)
	}
	name, dbURL, err := createDatabase(ctx, e.adminURL, "nyttig_pgbench_")
	if err != nil {
		return pgbenchResult{}, err
	}
	defer dropDatabase(e.adminURL, name)
	conn, err := libpqURL(dbURL)
	if err != nil {
		return pgbenchResult{}, err
	}
	// Scale as many branches as clients, so TPC-B's branch rows are not
	// one hot spot that would flatter Nyttig's ratio.
	scale := max(e.cfg.Clients, 1)
	if e.cfg.Quick {
		scale = 2
	}
	if out, err := exec.CommandContext(ctx, bin, "-i", "-q", "-s", strconv.Itoa(scale), conn).CombinedOutput(); err != nil {
		return pgbenchResult{}, fmt.Errorf("pgbench -i: %v\n%s", err, out)
	}
	args := []string{"-M", "prepared", "-c", strconv.Itoa(e.cfg.Clients), "-j", strconv.Itoa(min(e.cfg.Clients, 4)),
		"-T", strconv.Itoa(int(e.cfg.Duration / time.Second))}
	if selectOnly {
		args = append(args, "-S")
	}
	out, err := exec.CommandContext(ctx, bin, append(args, conn)...).CombinedOutput()
	if err != nil {
		return pgbenchResult{}, fmt.Errorf("pgbench: %v\n%s", err, out)
	}
	m := pgbenchTPS.FindSubmatch(out)
	if m == nil {
		return pgbenchResult{}, fmt.Errorf("pgbench printed no tps:\n%s", out)
	}
	r := pgbenchResult{}
	r.TPS, _ = strconv.ParseFloat(string(m[1]), 64)
	if l := pgbenchLatency.FindSubmatch(out); l != nil {
		r.Latency, _ = strconv.ParseFloat(string(l[1]), 64)
	}
	return r, nil
}

// reference measures TPC-B or select-only once and keeps it for every
// scenario that compares with it.
func (e *env) reference(ctx context.Context, selectOnly bool) (pgbenchResult, error) {
	if r, ok := e.references[selectOnly]; ok {
		return r, nil
	}
	r, err := e.pgbench(ctx, selectOnly)
	if err == nil {
		e.references[selectOnly] = r
	}
	return r, err
}

// libpqURL drops the pgx-only settings (pool_*) that libpq refuses.
func libpqURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	q := u.Query()
	for k := range q {
		if len(k) > 5 && k[:5] == "pool_" {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
