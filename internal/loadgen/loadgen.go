// Package loadgen drives Nyttig over its HTTP API as many concurrent
// clients would: create, fill, attach a PDF and submit applications, each
// request with an Idempotency-Key, recording every acknowledged (2xx)
// result.
//
// A client keeps sending the same request with the same key while the
// server does not answer or answers 502, 503 or 504, as a well-behaved API
// client does, so that a server that crashes or loses its database is
// retried without duplicating anything. An answer of 409 to a retry means
// the first attempt's effect committed but its response was lost; the
// client then reads the effect back and records it as recovered, not
// acknowledged. Any other error ends that application's run.
package loadgen

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"nyttig/workflow"
)

// Config says whom to drive and how hard.
type Config struct {
	// BaseURL is the server's root, e.g. "http://127.0.0.1:8080".
	BaseURL string
	// Tokens are API tokens of applicants; client i uses Tokens[i % len].
	Tokens []string
	// CallID is the open call the applications go to.
	CallID int64
	// Clients is the number of concurrent clients (default 1).
	Clients int
	// Applications is how many applications each client carries through;
	// 0 means as many as Duration allows.
	Applications int
	// Duration bounds the run; 0 means until Applications are done, Stop
	// is closed or ctx ends. A client finishes the application it is on
	// when Duration passes or Stop is closed, but not when ctx ends.
	Duration time.Duration
	// Stop, when closed, ends the run like Duration does.
	Stop <-chan struct{}
	// PDFBytes is the size of the PDF attached to each application; 0
	// attaches nothing.
	PDFBytes int
	// RetryFor bounds how long one request is retried while the server
	// does not answer (default one minute).
	RetryFor time.Duration
	// Label goes into every title and Idempotency-Key, so that runs
	// against one database stay apart (default "load").
	Label string
	// HTTPClient sends the requests (default: a client with a 30 s timeout).
	HTTPClient *http.Client
}

// Op is a step of an application's run.
type Op string

// The steps, in order.
const (
	OpCreate Op = "create"
	OpFill   Op = "fill"
	OpAttach Op = "attach"
	OpSubmit Op = "submit"
)

// Ack is one step the server acknowledged (or, in Result.Recovered, one
// whose effect was found after its response was lost).
type Ack struct {
	Op            Op
	Key           string // Idempotency-Key; "" for the PATCH of OpFill
	Title         string // the application's title, unique within a run
	ApplicationID int64
	AttachmentID  int64 // OpAttach only
	State         workflow.State
	Status        int  // HTTP status; 0 when recovered
	Replayed      bool // the server answered from its idempotency record
}

// Result is what a run did.
type Result struct {
	Acked     []Ack
	Recovered []Ack
	// Requests is every HTTP request sent, retries included.
	Requests int
	// Statuses counts the answers by HTTP status.
	Statuses map[int]int
	// TransportErrors counts requests that got no answer at all.
	TransportErrors int
	// Failed lists the applications whose run ended on an error that is
	// not retried, with that error.
	Failed []error
	// Latencies are the times to a 2xx answer, sorted.
	Latencies []time.Duration
	// Elapsed is the run's wall-clock time.
	Elapsed time.Duration
}

// Count returns how many acknowledged steps were op.
func (r Result) Count(op Op) int {
	n := 0
	for _, a := range r.Acked {
		if a.Op == op {
			n++
		}
	}
	return n
}

// Percentile returns the latency below which p (0–1) of the 2xx answers
// came, or 0 without any.
func (r Result) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(p * float64(len(r.Latencies)-1))
	return r.Latencies[i]
}

// Run drives the server until every client is done, Duration passes or
// ctx ends, and returns what happened. It errs only on a bad Config.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.BaseURL == "" || len(cfg.Tokens) == 0 || cfg.CallID == 0 {
		return Result{}, fmt.Errorf("loadgen: BaseURL, Tokens and CallID are required")
	}
	if cfg.Applications == 0 && cfg.Duration == 0 && cfg.Stop == nil && ctx.Done() == nil {
		return Result{}, fmt.Errorf("loadgen: set Applications, Duration, Stop or a context that ends")
	}
	cfg.Clients = max(cfg.Clients, 1)
	if cfg.RetryFor == 0 {
		cfg.RetryFor = time.Minute
	}
	if cfg.Label == "" {
		cfg.Label = "load"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	var pdf []byte
	if cfg.PDFBytes > 0 {
		pdf = PDF(cfg.PDFBytes)
	}
	started := time.Now()
	var stop <-chan time.Time
	if cfg.Duration > 0 {
		timer := time.NewTimer(cfg.Duration)
		defer timer.Stop()
		stop = timer.C
	}
	stopped, finished := make(chan struct{}), make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-finished:
		case <-stop:
		case <-cfg.Stop:
		case <-ctx.Done():
		}
		close(stopped)
	}()

	var mu sync.Mutex
	total := Result{Statuses: map[int]int{}}
	var wg sync.WaitGroup
	for i := range cfg.Clients {
		wg.Go(func() {
			c := &client{cfg: cfg, id: i, token: cfg.Tokens[i%len(cfg.Tokens)], pdf: pdf,
				res: Result{Statuses: map[int]int{}}}
			defer func() {
				mu.Lock()
				defer mu.Unlock()
				total.merge(c.res)
			}()
			for n := 0; cfg.Applications == 0 || n < cfg.Applications; n++ {
				select {
				case <-stopped:
					return
				default:
				}
				if err := c.application(ctx, n); err != nil {
					c.res.Failed = append(c.res.Failed, err)
				}
			}
		})
	}
	wg.Wait()
	slices.Sort(total.Latencies)
	total.Elapsed = time.Since(started)
	return total, nil
}

func (r *Result) merge(o Result) {
	r.Acked = append(r.Acked, o.Acked...)
	r.Recovered = append(r.Recovered, o.Recovered...)
	r.Requests += o.Requests
	for k, v := range o.Statuses {
		r.Statuses[k] += v
	}
	r.TransportErrors += o.TransportErrors
	r.Failed = append(r.Failed, o.Failed...)
	r.Latencies = append(r.Latencies, o.Latencies...)
}
