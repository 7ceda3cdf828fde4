package reliability

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

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

	stop := f.loadInBackground(t, s, "crash")

	var downtime time.Duration
	for i := range scale.crashes {
		// A random moment: mid-request, mid-upload, mid-commit or idle.
		wait := time.NewTimer(time.Duration(100+rng.IntN(scale.killGap-100)) * time.Millisecond)
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
	res := stop()
	countOps(res.Requests)

	reportFailures(t, res)
	n := f.verifyAcked(t, res)
	violated := s.check(t)
	orphans := f.orphans(t, svc)
	replayed := 0
	for _, a := range res.Acked {
		if a.Replayed {
			replayed++
		}
	}
	t.Logf("%d requests, statuses %v, %d transport errors; %d steps acknowledged (%d replayed), %d recovered after 409; %d applications, %d objects without a row",
		res.Requests, res.Statuses, res.TransportErrors, len(res.Acked), replayed, len(res.Recovered), n, orphans)
	note("crash: %d kill -9 (seed %d), %d requests (%d unanswered, retried), %d applications, %d steps acknowledged (%d replayed from the idempotency record), %d more found after a 409 to a retry, %d objects left without a row (allowed: the sweeper's), mean restart-to-ready %s, %d invariants violated",
		scale.crashes, seed, res.Requests, res.TransportErrors, n, len(res.Acked), replayed, len(res.Recovered), orphans,
		(downtime / time.Duration(max(scale.crashes, 1))).Round(time.Millisecond), len(violated))
}

// orphans counts the objects in the bucket no attachment or letter row
// names: what a kill between storing an object and committing its row
// leaves for the sweeper.
func (f fixture) orphans(t *testing.T, svc services) int {
	t.Helper()
	ctx := context.Background()
	known := map[string]bool{}
	rows, err := f.st.Pool().Query(ctx, `SELECT object_key FROM attachments UNION ALL SELECT object_key FROM letters`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		known[k] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for obj := range svc.blobs(t).Client().ListObjects(ctx, svc.bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		if !known[obj.Key] {
			n++
		}
	}
	return n
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
