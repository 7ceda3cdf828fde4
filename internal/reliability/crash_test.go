package reliability

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"nyttig/internal/loadgen"
	"nyttig/internal/money"
)

// TestCrash kills `nyttig serve` with SIGKILL at random moments while
// clients rush applications in before a deadline, and starts it again each
// time. The clients retry every unanswered request with its Idempotency-Key.
// Afterwards every acknowledged step is in the database, no retry made a
// second application, and `nyttig check` finds every invariant holding —
// objects a kill left without a row are allowed (the sweeper removes them);
// rows without objects are not.
func TestCrash(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("NYTTIG_RELIABILITY_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("NYTTIG_RELIABILITY_SEED: %v", err)
		}
	}
	t.Logf("seed %d (NYTTIG_RELIABILITY_SEED=%d repeats the kill moments)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed))

	svc := sharedServices(t)
	s := startServer(t, svc)
	f := newFixture(t, svc.databaseURL, scale.clients, money.FromKroner(10_000_000))

	stop := make(chan struct{})
	results := make(chan loadgen.Result, 1)
	go func() {
		cfg := f.load(s, "crash")
		cfg.Stop = stop
		res, err := loadgen.Run(context.Background(), cfg)
		if err != nil {
			t.Error(err)
		}
		results <- res
	}()

	var downtime time.Duration
	for i := range scale.crashes {
		// A random moment: mid-request, mid-upload, mid-commit or idle.
		wait := time.NewTimer(time.Duration(100+rng.IntN(1400)) * time.Millisecond)
		<-wait.C
		s.kill()
		countFault()
		killed := time.Now()
		s.start()
		s.waitReady()
		downtime += time.Since(killed)
		t.Logf("kill %d/%d: back after %s", i+1, scale.crashes, time.Since(killed).Round(time.Millisecond))
	}
	// Some load on the last incarnation too, then let every client finish
	// the application it is on.
	f.waitApplications(t, 1)
	close(stop)
	res := <-results
	countOps(res.Requests)

	reportFailures(t, res)
	n := f.verifyAcked(t, res)
	violated := s.check(t)
	replayed := 0
	for _, a := range res.Acked {
		if a.Replayed {
			replayed++
		}
	}
	t.Logf("%d requests, statuses %v, %d transport errors; %d steps acknowledged (%d replayed), %d recovered after 409; %d applications",
		res.Requests, res.Statuses, res.TransportErrors, len(res.Acked), replayed, len(res.Recovered), n)
	note("crash: %d kill -9 (seed %d), %d requests, %d applications, %d steps acknowledged (%d replayed from the idempotency record, %d found after a lost response), mean restart-to-ready %s, %d invariants violated",
		scale.crashes, seed, res.Requests, n, len(res.Acked), replayed, len(res.Recovered),
		(downtime / time.Duration(max(scale.crashes, 1))).Round(time.Millisecond), len(violated))
}

// waitApplications waits until the call holds at least n applications more
// than it did when called.
func (f fixture) waitApplications(t *testing.T, n int) {
	t.Helper()
	count := func() int {
		var c int
		_ = f.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM applications WHERE call_id = $1`, f.call.ID).Scan(&c)
		return c
	}
	start := count()
	waitUntil(t, "more applications", time.Minute, func() bool { return count() >= start+n })
}
