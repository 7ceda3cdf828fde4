// Package metrics owns the Prometheus metrics Nyttig exports at /metrics.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Registry holds Nyttig's metrics and the Go runtime's.
var Registry = prometheus.NewRegistry()

var (
	// Requests counts HTTP requests by route pattern, method and status.
	Requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nyttig_http_requests_total", Help: "HTTP requests by route, method and status code.",
	}, []string{"route", "method", "status"})
	// Latency observes HTTP request durations by route pattern and method.
	Latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "nyttig_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route", "method"})
	// Transitions counts committed lifecycle transitions by event.
	Transitions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nyttig_transitions_total", Help: "Committed lifecycle transitions by event.",
	}, []string{"event"})
)

func init() {
	Registry.MustRegister(Requests, Latency, Transitions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}
