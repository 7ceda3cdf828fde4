// Package web owns Nyttig's server-rendered pages.
package web

import (
	"net/http"
	"time"

	"nyttig/internal/grants"
	"nyttig/internal/store"
)

// Deps are what the pages need.
type Deps struct {
	Grants        *grants.Service
	Store         *store.Store
	SecureCookies bool
	Now           func() time.Time
}

// New returns the pages' router.
func New(d Deps) http.Handler { return http.NotFoundHandler() }
