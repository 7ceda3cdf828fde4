// Package web owns Nyttig's server-rendered pages: signing in and out, the
// choice of language, an applicant's own applications and their form, the
// detail page with its lifecycle buttons, and the case officers' inbox. The
// pages are html/template files and one stylesheet, embedded in the binary;
// every rule is the grants service's, the pages only show and ask.
package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/store"
)

// Deps are what the pages need.
type Deps struct {
	Grants        *grants.Service
	Store         *store.Store
	SecureCookies bool
	// Now is the clock for sessions; nil means the grants service's clock.
	Now func() time.Time
}

// site is the pages' shared state.
type site struct {
	Deps
	pages pageSet
}

// New returns the pages' router.
func New(d Deps) http.Handler {
	s := &site{Deps: d, pages: mustParsePages()}
	r := chi.NewRouter()
	r.Use(securityHeaders, s.recoverPages, middleware.GetHead)
	r.NotFound(s.handle(func(http.ResponseWriter, *http.Request) error {
		return apperr.New(apperr.NotFound, msg("error.not_found"))
	}))
	r.MethodNotAllowed(s.handle(s.methodNotAllowed))
	r.Handle("/static/*", staticFiles())

	r.Get("/", s.handle(s.home))
	r.Get("/login", s.handle(s.loginPage))
	r.Post("/login", s.handle(s.login))
	r.Post("/logout", s.handle(s.logout))
	r.Post("/language", s.handle(s.setLanguage))

	r.Get("/applications", s.handle(s.myApplications))
	r.Get("/applications/new", s.handle(s.newApplication))
	r.Post("/applications", s.handle(s.createApplication))
	r.Get("/applications/{id}", s.handle(s.applicationDetail))
	r.Get("/applications/{id}/edit", s.handle(s.editApplication))
	r.Post("/applications/{id}/edit", s.handle(s.updateApplication))
	r.Post("/applications/{id}/events/{event}", s.handle(s.fireEvent))

	r.Get("/inbox", s.handle(s.inbox))
	return r
}

// now is the time of the pages' clock.
func (s *site) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return s.Grants.Now()
}

// contentSecurityPolicy allows nothing but the site's own files: no inline
// script or style, no frames, no forms posting elsewhere.
const contentSecurityPolicy = "default-src 'self'; base-uri 'none'; object-src 'none'; " +
	"frame-ancestors 'none'; form-action 'self'"

// securityHeaders sets the headers every page and static file carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
