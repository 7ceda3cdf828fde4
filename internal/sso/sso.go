// Package sso owns single sign-on with OpenID Connect: the authorization
// code flow with PKCE against the municipality's identity provider (Entra
// ID, or any certified provider), the checks on the ID token (signature,
// issuer, audience, expiry, nonce), who the token says signed in with
// Nyttig's roles mapped from a configurable claim, and the provider's
// logout. It keeps no state: the web pages store the login under way and
// the session.
package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"nyttig/workflow"
)

// Config is how Nyttig meets the provider.
type Config struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // Nyttig's /auth/callback, as registered at the provider
	Scopes       []string
	// RolesClaim names the claim that lists the user's roles at the
	// provider (Entra ID's app roles arrive in "roles"); RoleMap maps its
	// values to Nyttig's roles, and values it lacks are ignored.
	RolesClaim string
	RoleMap    map[string]workflow.Role
	// UnitClaim names the claim holding the user's organisational unit.
	UnitClaim string
	// PostLogoutRedirectURL is where the provider sends the browser after
	// its logout (registered at the provider).
	PostLogoutRedirectURL string
}

var (
	// ErrUnavailable: the provider could not be reached or answered
	// nonsense; trying again later may work.
	ErrUnavailable = errors.New("sso: provider unavailable")
	// ErrRefused: the provider refused the login, or what it sent did not
	// pass the checks. Trying again will not help without a change.
	ErrRefused = errors.New("sso: login refused")
	// ErrNoEmail: the ID token carries no email address to know the user by.
	ErrNoEmail = errors.New("sso: no email address in the ID token")
)

// Client talks to one provider. Discovery happens on first use and is
// kept once it succeeds, so Nyttig starts even while the provider is down.
type Client struct {
	cfg  Config
	base context.Context // carries the HTTP client for go-oidc and oauth2
	// Now is the clock the ID token's expiry is checked against; nil is time.Now.
	Now func() time.Time

	mu         sync.Mutex
	provider   *oidc.Provider
	endSession string
}

// New returns a client for cfg; httpClient nil means one with a 15 s timeout.
func New(cfg Config, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 15 * time.Second}
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{oidc.ScopeOpenID, "profile", "email"}
	}
	return &Client{cfg: cfg, base: oidc.ClientContext(context.Background(), httpClient)}
}

// Origin is the provider's scheme and host, for the pages' Content-Security-Policy.
func (c *Client) Origin() string {
	u, err := url.Parse(c.cfg.Issuer)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// discover fetches the provider's discovery document once.
func (c *Client) discover(ctx context.Context) (*oidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, nil
	}
	ctx, cancel := context.WithTimeout(c.context(ctx), 15*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, c.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: discovery of %s: %v", ErrUnavailable, c.cfg.Issuer, err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&extra); err != nil {
		return nil, fmt.Errorf("%w: discovery document: %v", ErrUnavailable, err)
	}
	c.provider, c.endSession = p, extra.EndSession
	return p, nil
}

func (c *Client) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: c.cfg.Scopes}
}

// Start is a login begun: the provider's URL to send the browser to, and
// the secrets the callback needs, to be kept until then.
type Start struct {
	URL      string
	State    string
	Nonce    string
	Verifier string // the PKCE code verifier; the provider gets its S256 challenge
}

// Begin starts a login with a fresh state, nonce and PKCE verifier.
func (c *Client) Begin(ctx context.Context) (Start, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return Start{}, err
	}
	s := Start{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
	s.URL = c.oauth(p).AuthCodeURL(s.State, oidc.Nonce(s.Nonce), oauth2.S256ChallengeOption(s.Verifier))
	return s, nil
}

// Identity is who signed in, as the verified ID token says.
type Identity struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	Unit          string
	Roles         []workflow.Role
	IDToken       string // the raw token, for logout's id_token_hint
}

// Finish exchanges the callback's code (with the PKCE verifier), verifies
// the ID token against the nonce and returns who signed in.
func (c *Client) Finish(ctx context.Context, code, verifier, nonce string) (Identity, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	if code == "" {
		return Identity{}, fmt.Errorf("%w: no code in the callback", ErrRefused)
	}
	tok, err := c.oauth(p).Exchange(c.context(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			return Identity{}, fmt.Errorf("%w: code exchange: %v", ErrRefused, err)
		}
		return Identity{}, fmt.Errorf("%w: code exchange: %v", ErrUnavailable, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, fmt.Errorf("%w: the token response has no id_token", ErrRefused)
	}
	idt, err := c.Verify(ctx, raw, nonce)
	if err != nil {
		return Identity{}, err
	}
	return c.identity(idt, raw)
}

// Verify checks an ID token's signature (against the provider's published
// keys), issuer, audience (our client id) and expiry (at c.Now), and that
// it carries the nonce of this login.
func (c *Client) Verify(ctx context.Context, raw, nonce string) (*oidc.IDToken, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return nil, err
	}
	now := c.Now
	if now == nil {
		now = time.Now
	}
	// The provider's key set is fetched once and again when a token names
	// a key it lacks (the provider rotated its keys).
	idt, err := p.Verifier(&oidc.Config{ClientID: c.cfg.ClientID, Now: now}).Verify(c.context(ctx), raw)
	if err != nil {
		return nil, fmt.Errorf("%w: ID token: %v", ErrRefused, err)
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nil, fmt.Errorf("%w: ID token: the nonce is not this login's", ErrRefused)
	}
	return idt, nil
}

// context carries the client's HTTP client into ctx for oauth2 and go-oidc.
func (c *Client) context(ctx context.Context) context.Context {
	if hc, ok := c.base.Value(oauth2.HTTPClient).(*http.Client); ok {
		return oidc.ClientContext(ctx, hc)
	}
	return ctx
}

// identity reads who signed in from a verified token's claims.
func (c *Client) identity(idt *oidc.IDToken, raw string) (Identity, error) {
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, fmt.Errorf("%w: ID token claims: %v", ErrRefused, err)
	}
	id := Identity{Issuer: idt.Issuer, Subject: idt.Subject, IDToken: raw}
	id.Email = str(claims["email"])
	id.EmailVerified = claims["email_verified"] == true
	if id.Email == "" {
		// Entra ID sends email only as an optional claim; its
		// preferred_username is the sign-in name, often an address, but
		// never a verified one.
		id.Email, id.EmailVerified = str(claims["preferred_username"]), false
	}
	if a, err := mail.ParseAddress(id.Email); err != nil || a.Address != id.Email {
		return Identity{}, ErrNoEmail
	}
	id.Name = str(claims["name"])
	if id.Name == "" {
		id.Name = strings.TrimSpace(str(claims["given_name"]) + " " + str(claims["family_name"]))
	}
	if id.Name == "" {
		id.Name = id.Email
	}
	if units := strs(claims[c.cfg.UnitClaim]); len(units) > 0 {
		id.Unit = units[0]
	}
	id.Roles = MapRoles(strs(claims[c.cfg.RolesClaim]), c.cfg.RoleMap)
	return id, nil
}

// MapRoles maps the provider's role values to Nyttig's roles, sorted and
// without repeats; values the map lacks are ignored.
func MapRoles(values []string, roleMap map[string]workflow.Role) []workflow.Role {
	roles := []workflow.Role{}
	for _, v := range values {
		if r, ok := roleMap[v]; ok && !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	slices.Sort(roles)
	return roles
}

// LogoutURL is the provider's end-session URL for the session of idToken,
// returning to the configured page afterwards; "" when the provider's
// discovery document names no end_session_endpoint.
func (c *Client) LogoutURL(ctx context.Context, idToken string) (string, error) {
	if _, err := c.discover(ctx); err != nil {
		return "", err
	}
	if c.endSession == "" || idToken == "" {
		return "", nil
	}
	u, err := url.Parse(c.endSession)
	if err != nil {
		return "", fmt.Errorf("%w: end_session_endpoint: %v", ErrUnavailable, err)
	}
	q := u.Query()
	q.Set("id_token_hint", idToken)
	q.Set("client_id", c.cfg.ClientID)
	if c.cfg.PostLogoutRedirectURL != "" {
		q.Set("post_logout_redirect_uri", c.cfg.PostLogoutRedirectURL)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func str(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

// strs reads a claim that is a string or a list of strings.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		if v = strings.TrimSpace(v); v != "" {
			return []string{v}
		}
	case []any:
		var out []string
		for _, e := range v {
			if s := str(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// random is 32 random bytes, base64url: a state or a nonce.
func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
