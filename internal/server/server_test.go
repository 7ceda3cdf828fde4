package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"nyttig/internal/blob"
	"nyttig/internal/grants"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
)

func handler(t *testing.T, blobs *blob.Store) http.Handler {
	st := testenv.Store(t)
	if blobs == nil {
		blobs = testenv.Blobs(t)
	}
	return Handler(Deps{Store: st, Blobs: blobs, Grants: grants.New(st, blobs)})
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestHealthAndReadiness(t *testing.T) {
	h := handler(t, nil)
	if rec := get(t, h, "/healthz"); rec.Code != 200 {
		t.Fatalf("healthz %d", rec.Code)
	}
	if rec := get(t, h, "/readyz"); rec.Code != 200 {
		t.Fatalf("readyz with both services up: %d %s", rec.Code, rec.Body)
	}
	// Object storage on a port where nothing listens.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	down, err := blob.Open(dead, "k", "secretsecret", "nyttig", false)
	if err != nil {
		t.Fatal(err)
	}
	rec := get(t, handler(t, down), "/readyz")
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "object storage") {
		t.Fatalf("readyz with storage down: %d %q", rec.Code, rec.Body)
	}
	// PostgreSQL on a port where nothing listens.
	st, _ := store.Open(context.Background(), "postgres://x@"+dead+"/x?sslmode=disable")
	defer st.Close()
	h2 := Handler(Deps{Store: st, Blobs: testenv.Blobs(t), Grants: grants.New(st, testenv.Blobs(t))})
	rec = get(t, h2, "/readyz")
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "postgresql") {
		t.Fatalf("readyz with database down: %d %q", rec.Code, rec.Body)
	}
	// An API call with the database down is a clean 503 with the error body.
	req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer nyt_whatever")
	rr := httptest.NewRecorder()
	h2.ServeHTTP(rr, req)
	if rr.Code != http.StatusServiceUnavailable || !strings.Contains(rr.Body.String(), `"code":"unavailable"`) ||
		strings.Contains(rr.Body.String(), "dial") || rr.Header().Get("Retry-After") == "" {
		t.Fatalf("API with database down: %d %s", rr.Code, rr.Body)
	}
}

func TestRequestIDAndMetrics(t *testing.T) {
	h := handler(t, nil)
	req := httptest.NewRequest(http.MethodGet, "/api/v1/workflow", nil)
	req.Header.Set("X-Request-Id", "abc-123")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Header().Get("X-Request-Id") != "abc-123" {
		t.Fatalf("request id not echoed: %q", rec.Header().Get("X-Request-Id"))
	}
	req = httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.Header.Set("X-Request-Id", "bad id with spaces\n")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if id := rec.Header().Get("X-Request-Id"); id == "" || strings.Contains(id, " ") {
		t.Fatalf("unsafe request id kept: %q", id)
	}
	body := get(t, h, "/metrics").Body.String()
	for _, want := range []string{`nyttig_http_requests_total{method="GET",route="/api/v1/workflow",status="200"}`, "nyttig_http_request_duration_seconds_bucket", "go_goroutines"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestPanicBecomesA500WithoutDetails(t *testing.T) {
	h := recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret internal state") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") || !strings.Contains(rec.Body.String(), `"code":"internal"`) {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}

// TestGracefulShutdownFinishesRequestsInFlight starts a request, asks the
// server to stop while it runs, and checks that it still completes.
func TestGracefulShutdownFinishesRequestsInFlight(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(entered)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	ctx, stop := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, "127.0.0.1:0", slow, func(a net.Addr) { addrc <- a }) }()
	addr := <-addrc
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + addr.String() + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-entered
	stop()
	// Wait until shutdown has begun: the listener is closed and new
	// connections are refused. The request in flight must still complete.
	refused := false
	for range 100000 {
		c, err := net.Dial("tcp", addr.String())
		if err != nil {
			refused = true
			break
		}
		c.Close()
	}
	if !refused {
		t.Fatal("the server kept accepting connections after it was told to stop")
	}
	close(release)
	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Fatalf("request in flight: %q, %v", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve returned %v", err)
	}
}
