// Package server owns Nyttig's HTTP server: the router that joins the JSON
// API, the web pages and the operational endpoints, the middleware every
// request passes (request id, logging, metrics, authentication, cross-origin
// protection), and graceful start and stop.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"nyttig/internal/api"
	"nyttig/internal/blob"
	"nyttig/internal/grants"
	"nyttig/internal/metrics"
	"nyttig/internal/sso"
	"nyttig/internal/store"
	"nyttig/web"
)

// Deps are what the server needs.
type Deps struct {
	Store         *store.Store
	Blobs         *blob.Store
	Grants        *grants.Service
	SecureCookies bool
	BaseURL       string
	// SSO is single sign-on; nil when none is configured.
	SSO *sso.Client
	// PasswordLoginOff switches local password login off.
	PasswordLoginOff bool
}

// Handler builds the whole router.
func Handler(d Deps) http.Handler {
	r := chi.NewRouter()
	r.Use(requestID, recoverPanics, logAndMeasure, authenticate(d.Store, d.Grants))
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	r.Get("/readyz", readyz(d))
	r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(metrics.Registry, promhttp.HandlerOpts{}))
	r.Mount("/api/v1", api.Routes(d.Grants, d.Store))
	r.Mount("/", web.New(web.Deps{Grants: d.Grants, Store: d.Store, SecureCookies: d.SecureCookies,
		SSO: d.SSO, PasswordLoginOff: d.PasswordLoginOff}))
	return http.NewCrossOriginProtection().Handler(r)
}

func readyz(d Deps) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body := http.StatusOK, "ready\n"
		if err := d.Store.Ping(r.Context()); err != nil {
			status, body = http.StatusServiceUnavailable, "postgresql: unreachable\n"
		} else if err := d.Blobs.Ping(r.Context()); err != nil {
			status, body = http.StatusServiceUnavailable, "object storage: unreachable\n"
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// Serve listens on addr until ctx ends, then stops taking connections and
// waits up to 25 s for requests in flight to finish. ready, when not nil,
// receives the bound address once listening.
func Serve(ctx context.Context, addr string, h http.Handler, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	slog.Info("serving", "addr", ln.Addr().String())
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down; finishing requests in flight")
	shutCtx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
