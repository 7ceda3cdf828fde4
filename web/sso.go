package web

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/sso"
	"nyttig/internal/store"
)

// ssoCookie holds the state of a login under way, binding the provider's
// callback to the browser that began it. The rest (nonce, PKCE verifier,
// where to go next) waits in sso_logins, found by the state's hash and
// taken once: no signing key to configure, and a state cannot be replayed.
const ssoCookie = "nyttig_sso"

// ssoLoginLifetime is how long a person has at the provider to log in.
const ssoLoginLifetime = 10 * time.Minute

// ssoLogin sends the browser to the provider with a fresh state, nonce and
// PKCE challenge.
func (s *site) ssoLogin(w http.ResponseWriter, r *http.Request) error {
	if s.SSO == nil {
		return apperr.New(apperr.NotFound, msg("error.not_found"))
	}
	start, err := s.SSO.Begin(r.Context())
	if err != nil {
		return ssoError(r, err)
	}
	now := s.now()
	l := store.SSOLogin{Nonce: start.Nonce, CodeVerifier: start.Verifier, Next: localPath(r.URL.Query().Get("next"))}
	if err := s.Store.SaveSSOLogin(r.Context(), start.State, l, now.Add(ssoLoginLifetime)); err != nil {
		return err
	}
	c := s.cookie(ssoCookie, start.State, ssoLoginLifetime)
	c.Path = "/auth/"
	http.SetCookie(w, c)
	http.Redirect(w, r, start.URL, http.StatusSeeOther)
	return nil
}

// ssoCallback finishes a login: the state must be this browser's, the
// code is exchanged with the verifier, the ID token verified, the user
// created or brought up to date from its claims, and a session begun.
func (s *site) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	if s.SSO == nil {
		return apperr.New(apperr.NotFound, msg("error.not_found"))
	}
	gone := s.cookie(ssoCookie, "", -1)
	gone.Path = "/auth/"
	http.SetCookie(w, gone)
	q := r.URL.Query()
	if q.Get("error") != "" {
		slog.WarnContext(r.Context(), "sso: the provider refused the login", "request_id", httpx.RequestID(r.Context()),
			"error", q.Get("error"), "description", q.Get("error_description"))
		return apperr.New(apperr.Forbidden, msg("sso.provider_refused"))
	}
	state := q.Get("state")
	c, err := r.Cookie(ssoCookie)
	if err != nil || c.Value == "" || state == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 {
		return apperr.New(apperr.BadRequest, msg("sso.bad_state"))
	}
	l, err := s.Store.TakeSSOLogin(r.Context(), state, s.now())
	if err != nil {
		return err
	}
	id, err := s.SSO.Finish(r.Context(), q.Get("code"), l.CodeVerifier, l.Nonce)
	if err != nil {
		return ssoError(r, err)
	}
	u, err := s.Store.UpsertOIDCUser(r.Context(), store.OIDCIdentity{Issuer: id.Issuer, Subject: id.Subject, Email: id.Email,
		EmailVerified: id.EmailVerified, Name: id.Name, Unit: id.Unit, Roles: id.Roles})
	if apperr.Is(err, apperr.Conflict) {
		slog.WarnContext(r.Context(), "sso: user not linked", "request_id", httpx.RequestID(r.Context()), "err", err)
		return apperr.Wrap(apperr.Forbidden, apperr.As(err).Message, err)
	}
	if err != nil {
		return err
	}
	if err := s.startSession(w, r, u, id.IDToken); err != nil {
		return err
	}
	next := l.Next
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// ssoError turns the sso package's errors into the pages' errors: the
// provider down is 503, anything else a refused login (403), logged with
// its cause for the administrators and shown without it.
func ssoError(r *http.Request, err error) error {
	switch {
	case errors.Is(err, sso.ErrUnavailable):
		return apperr.Wrap(apperr.Unavailable, msg("sso.unavailable"), err)
	case errors.Is(err, sso.ErrNoEmail):
		slog.WarnContext(r.Context(), "sso: login refused", "request_id", httpx.RequestID(r.Context()), "err", err)
		return apperr.Wrap(apperr.Forbidden, msg("sso.no_email"), err)
	default:
		slog.WarnContext(r.Context(), "sso: login refused", "request_id", httpx.RequestID(r.Context()), "err", err)
		return apperr.Wrap(apperr.Forbidden, msg("sso.refused"), err)
	}
}
