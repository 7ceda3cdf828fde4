package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// client sends the scenarios' requests over keep-alive connections.
var client = &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0}}

// do sends one request with a token (and, for POST, an
// Idempotency-Key) and returns the status and how long the answer took.
func (e *env) do(ctx context.Context, method, path, token, body string) (int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, method, e.baseURL+path, strings.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if method == http.MethodPost {
		k := make([]byte, 12)
		_, _ = rand.Read(k)
		req.Header.Set("Idempotency-Key", "bench-"+hex.EncodeToString(k))
	}
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, time.Since(start), nil
}

// tally gathers the outcome of many concurrent requests.
type tally struct {
	mu        sync.Mutex
	latencies []time.Duration
	ok        int
	errors    int
	statuses  map[int]int
}

func (t *tally) add(status int, d time.Duration, err error, want ...int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.statuses == nil {
		t.statuses = map[int]int{}
	}
	if err != nil {
		t.errors++
		return
	}
	t.statuses[status]++
	for _, w := range want {
		if status == w {
			t.ok++
			t.latencies = append(t.latencies, d)
			return
		}
	}
	t.errors++
}

// forClients runs fn on every client until the duration is over.
func (e *env) forClients(ctx context.Context, fn func(ctx context.Context, i, round int)) time.Duration {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range e.cfg.Clients {
		wg.Go(func() {
			for round := 0; ctx.Err() == nil; round++ {
				fn(ctx, i, round)
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}
