package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"nyttig/internal/httpx"
	"nyttig/internal/server"
	"nyttig/internal/sso"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// ssoEnv is Nyttig with single sign-on against a real OpenID Connect
// provider (zitadel's op package) on another loopback port.
type ssoEnv struct {
	*env
	idp *testenv.OIDCProvider
	cfg sso.Config
}

// testRoleMap is NYTTIG_OIDC_ROLE_MAP in the tests: Entra ID app-role values.
var testRoleMap = map[string]workflow.Role{
	"Nyttig.CaseOfficer": workflow.CaseOfficer,
	"Nyttig.Admin":       workflow.Admin,
	"Nyttig.Applicant":   workflow.Applicant,
}

func newSSOEnv(t *testing.T, passwordLoginOff bool) *ssoEnv {
	t.Helper()
	idp := testenv.NewOIDCProvider(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := sso.Config{Issuer: idp.Issuer, ClientID: idp.ClientID, ClientSecret: idp.ClientSecret,
		RedirectURL: base + "/auth/callback", Scopes: []string{"openid", "profile", "email"},
		RolesClaim: "roles", UnitClaim: "department", RoleMap: testRoleMap,
		PostLogoutRedirectURL: base + "/login?done=logout"}
	e := newEnvOn(t, server.Deps{SSO: sso.New(cfg, nil), PasswordLoginOff: passwordLoginOff}, ln)
	idp.Serve(t, cfg.RedirectURL, cfg.PostLogoutRedirectURL)
	return &ssoEnv{env: e, idp: idp, cfg: cfg}
}

// idpUser adds a user at the provider: a case officer in Helse og velferd
// (and a role Nyttig does not map).
func (e *ssoEnv) idpUser(t *testing.T) testenv.OIDCUser {
	u := testenv.OIDCUser{Subject: testenv.Unique("sub"), Username: testenv.Unique("kari"), Password: "idp-passord",
		Email: testenv.Unique("kari.sso@example.no"), EmailVerified: true, GivenName: "Kari", FamilyName: "Nordmann",
		Roles: []string{"Nyttig.CaseOfficer", "Teams.User"}, Department: "Helse og velferd"}
	e.idp.SetUser(u)
	return u
}

func (c *client) getURL(u string) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

func (c *client) postURL(u string, form url.Values) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// resolve is r's Location, made absolute against from.
func resolve(t *testing.T, from string, r response) string {
	t.Helper()
	if r.status < 300 || r.status > 399 {
		t.Fatalf("GET %s: status %d, want a redirect\n%s", from, r.status, r.body)
	}
	base, err := url.Parse(from)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := base.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.String()
}

// toCallback does what a person does at the provider: Nyttig's login
// button, the provider's redirects, its login form; it returns the URL the
// provider sends the browser back to, not yet followed.
func (c *client) toCallback(u testenv.OIDCUser, next string) string {
	c.t.Helper()
	at := c.base + "/auth/login"
	if next != "" {
		at += "?next=" + url.QueryEscape(next)
	}
	r := c.getURL(at)
	for r.status != http.StatusOK {
		at = resolve(c.t, at, r)
		r = c.getURL(at)
	}
	id := ""
	for _, in := range byTag(r.doc, "input") {
		if name, _ := attr(in, "name"); name == "id" {
			id, _ = attr(in, "value")
		}
	}
	if id == "" {
		c.t.Fatalf("no login form at the provider (%s):\n%s", at, r.body)
	}
	formURL := resolve(c.t, at, response{status: http.StatusSeeOther, header: http.Header{"Location": {"/login/username"}}})
	at = formURL
	r = c.postURL(formURL, url.Values{"id": {id}, "username": {u.Username}, "password": {u.Password}})
	for {
		at = resolve(c.t, at, r)
		if strings.HasPrefix(at, c.base+"/auth/callback") {
			return at
		}
		r = c.getURL(at)
	}
}

// ssoLogin signs u in through the provider and returns where Nyttig sent
// the browser afterwards.
func (c *client) ssoLogin(u testenv.OIDCUser, next string) string {
	c.t.Helper()
	r := c.getURL(c.toCallback(u, next))
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("callback: status %d, want 303\n%s", r.status, r.body)
	}
	return r.header.Get("Location")
}

func TestSSOLoginCreatesThenUpdatesTheUser(t *testing.T) {
	e := newSSOEnv(t, false)
	kari := e.idpUser(t)
	c := e.client(t)
	ctx := context.Background()

	r := c.get("/login")
	if href, _ := attr(mustID(t, r, "sso-login"), "href"); href != "/auth/login" {
		t.Errorf("SSO button goes to %q", href)
	}
	mustID(t, r, "f-password") // password login stays on by default

	// The redirect to the provider asks for the code flow with a state,
	// a nonce and a PKCE S256 challenge; the state waits in a short-lived
	// cookie for the callback.
	r = c.get("/auth/login")
	wantStatus(t, r, http.StatusSeeOther)
	authz, _ := url.Parse(r.header.Get("Location"))
	aq := authz.Query()
	if !strings.HasPrefix(authz.String(), e.idp.Issuer+"/") || aq.Get("response_type") != "code" ||
		aq.Get("client_id") != e.idp.ClientID || aq.Get("redirect_uri") != e.cfg.RedirectURL ||
		aq.Get("code_challenge_method") != "S256" || len(aq.Get("code_challenge")) != 43 ||
		len(aq.Get("state")) < 40 || len(aq.Get("nonce")) < 40 || aq.Get("scope") != "openid profile email" {
		t.Errorf("authorization request %s", authz)
	}
	var state *http.Cookie
	for _, ck := range (&http.Response{Header: r.header}).Cookies() {
		if ck.Name == "nyttig_sso" {
			state = ck
		}
	}
	if state == nil || state.Value != aq.Get("state") || !state.HttpOnly || state.SameSite != http.SameSiteLaxMode ||
		state.Path != "/auth/" || state.MaxAge != 600 {
		t.Errorf("state cookie %+v: want the state, HttpOnly, SameSite=Lax, Path=/auth/, 10 minutes", state)
	}

	if got := c.ssoLogin(kari, "/inbox"); got != "/inbox" {
		t.Fatalf("after login: to %q, want /inbox", got)
	}
	if c.cookie(httpx.SessionCookie) == "" {
		t.Fatal("no session after single sign-on")
	}
	r = c.get("/inbox")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.body, "Kari Nordmann") {
		t.Error("the signed-in case officer's name is not on the inbox")
	}
	u, hash, err := e.st.UserByEmail(ctx, kari.Email)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Kari Nordmann" || u.Unit != "Helse og velferd" || u.Language != "nb" || hash != "" ||
		!slices.Equal(u.Roles, []workflow.Role{workflow.CaseOfficer}) {
		t.Errorf("created user %+v (password hash %q): want Kari Nordmann, Helse og velferd, nb, [case_officer], no password", u, hash)
	}
	if iss, sub, err := e.st.OIDCLink(ctx, u.ID); err != nil || iss != e.idp.Issuer || sub != kari.Subject {
		t.Errorf("linked to %q %q (%v), want %q %q", iss, sub, err, e.idp.Issuer, kari.Subject)
	}

	// The provider is the source of truth: the next login replaces the
	// roles and brings name, email and unit up to date.
	kari.Roles = []string{"Nyttig.Applicant", "Nyttig.Admin"}
	kari.Department, kari.FamilyName, kari.Email = "Oppvekst", "Hansen", testenv.Unique("kari.hansen@example.no")
	e.idp.SetUser(kari)
	if got := e.client(t).ssoLogin(kari, ""); got != "/" {
		t.Fatalf("second login: to %q, want /", got)
	}
	again, _, err := e.st.UserByEmail(ctx, kari.Email)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != u.ID || again.Name != "Kari Hansen" || again.Unit != "Oppvekst" ||
		!slices.Equal(again.Roles, []workflow.Role{workflow.Admin, workflow.Applicant}) {
		t.Errorf("after the second login %+v: want user %d, Kari Hansen, Oppvekst, [admin applicant]", again, u.ID)
	}
}

func TestSSOWrongStateIsRefused(t *testing.T) {
	e := newSSOEnv(t, false)
	kari := e.idpUser(t)
	c := e.client(t)
	callback := c.toCallback(kari, "")

	// The genuine callback in another browser: no state cookie there.
	other := e.client(t)
	r := other.getURL(callback)
	wantStatus(t, r, http.StatusBadRequest)

	cb, _ := url.Parse(callback)
	q := cb.Query()
	q.Set("state", "et-annet-state")
	cb.RawQuery = q.Encode()
	r = c.getURL(cb.String())
	wantStatus(t, r, http.StatusBadRequest)
	if !strings.Contains(text(mustID(t, r, "main")), "ikke ble startet i denne nettleseren") {
		t.Errorf("the 400 page does not say why:\n%s", r.body)
	}
	if strings.Contains(r.body, "goroutine") || strings.Contains(r.body, "sso:") {
		t.Error("the error page shows internals")
	}
	if _, _, err := e.st.UserByEmail(context.Background(), kari.Email); !store.IsNotFound(err) {
		t.Fatalf("a refused callback created the user (%v)", err)
	}
	if c.cookie(httpx.SessionCookie) != "" || other.cookie(httpx.SessionCookie) != "" {
		t.Fatal("a refused callback began a session")
	}

	// The provider saying no is a 403, in English when asked.
	c.header.Set("Accept-Language", "en")
	r = c.get("/auth/callback?error=access_denied&state=x")
	wantStatus(t, r, http.StatusForbidden)
	if !strings.Contains(r.body, "The login service refused the login.") {
		t.Errorf("no English refusal:\n%s", r.body)
	}
}

// claimsOf decodes a JWT's payload without checking it.
func claimsOf(t *testing.T, raw string) map[string]any {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %q", raw)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(b, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

func TestSSOLogoutAndTokenChecks(t *testing.T) {
	e := newSSOEnv(t, false)
	kari := e.idpUser(t)
	c := e.client(t)
	c.ssoLogin(kari, "")

	// Logout ends the local session and sends the browser to the
	// provider's end_session_endpoint with the ID token as a hint.
	r := c.post("/logout", nil)
	wantStatus(t, r, http.StatusSeeOther)
	end, err := url.Parse(r.header.Get("Location"))
	if err != nil || !strings.HasPrefix(end.String(), e.idp.Issuer+"/") {
		t.Fatalf("logout went to %q, want the provider", r.header.Get("Location"))
	}
	raw := end.Query().Get("id_token_hint")
	if raw == "" || end.Query().Get("post_logout_redirect_uri") != e.cfg.PostLogoutRedirectURL {
		t.Fatalf("end-session URL %s lacks id_token_hint or post_logout_redirect_uri", end)
	}
	if c.cookie(httpx.SessionCookie) != "" {
		t.Error("logout left the session cookie")
	}
	back := resolve(t, end.String(), c.getURL(end.String()))
	if back != e.cfg.PostLogoutRedirectURL {
		t.Fatalf("the provider sent the browser to %q after logout, want %q", back, e.cfg.PostLogoutRedirectURL)
	}
	if r := c.getURL(back); !strings.Contains(text(mustID(t, r, "main")), "Du er logget ut.") {
		t.Error("no logged-out message after the provider's logout")
	}

	// The ID token the provider signed passes the checks at the time it
	// was issued...
	ctx := context.Background()
	claims := claimsOf(t, raw)
	nonce, _ := claims["nonce"].(string)
	if _, err := sso.New(e.cfg, nil).Verify(ctx, raw, nonce); err != nil {
		t.Fatalf("the provider's own token refused: %v", err)
	}
	if roles, _ := claims["roles"].([]any); len(roles) != 2 || claims["department"] != "Helse og velferd" {
		t.Errorf("the provider's ID token lacks the roles and department claims: %v", claims)
	}

	parts := strings.Split(raw, ".")
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sig[len(sig)/2] ^= 0x01
	badSig := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig)
	claims["roles"] = []string{"Nyttig.Admin"}
	payload, _ := json.Marshal(claims)
	badPayload := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]

	later := sso.New(e.cfg, nil)
	later.Now = func() time.Time { return time.Now().Add(2 * time.Hour) } // the token lives one hour
	otherCfg := e.cfg
	otherCfg.ClientID = "another-client"

	for _, tc := range []struct {
		name, token, nonce string
		client             *sso.Client
		want               string
	}{
		{"signature flipped", badSig, nonce, sso.New(e.cfg, nil), "signature"},
		{"payload changed", badPayload, nonce, sso.New(e.cfg, nil), "signature"},
		{"expired", raw, nonce, later, "expired"},
		{"another login's nonce", raw, "en-annen-nonce", sso.New(e.cfg, nil), "nonce"},
		{"another audience", raw, nonce, sso.New(otherCfg, nil), "audience"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.client.Verify(ctx, tc.token, tc.nonce)
			if !errors.Is(err, sso.ErrRefused) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Verify: %v, want ErrRefused about %s", err, tc.want)
			}
		})
	}
}

func TestPasswordLoginSwitchedOff(t *testing.T) {
	e := newSSOEnv(t, true)
	local := e.user(t, "Lokal Bruker", workflow.Applicant)
	c := e.client(t)
	r := c.get("/login")
	wantStatus(t, r, http.StatusOK)
	mustID(t, r, "sso-login")
	if byID(r.doc, "f-password") != nil || byID(r.doc, "f-email") != nil {
		t.Error("the password form is shown with password login off")
	}
	r = c.post("/login", url.Values{"email": {local.Email}, "password": {testPassword}})
	wantStatus(t, r, http.StatusForbidden)
	if c.cookie(httpx.SessionCookie) != "" {
		t.Fatal("a password login began a session with password login off")
	}
}

func TestSSOLinksALocalUserOnlyWithAVerifiedEmail(t *testing.T) {
	e := newSSOEnv(t, false)
	ctx := context.Background()
	local := e.user(t, "Lokal Bruker", workflow.Applicant, workflow.Reviewer)
	kari := e.idpUser(t)
	kari.Email, kari.EmailVerified = local.Email, false
	e.idp.SetUser(kari)

	c := e.client(t)
	r := c.getURL(c.toCallback(kari, ""))
	wantStatus(t, r, http.StatusForbidden)
	if iss, _, err := e.st.OIDCLink(ctx, local.ID); err != nil || iss != "" {
		t.Fatalf("linked with an unverified email: %q (%v)", iss, err)
	}

	kari.EmailVerified = true
	e.idp.SetUser(kari)
	e.client(t).ssoLogin(kari, "")
	u, err := e.st.UserByID(ctx, local.ID)
	if err != nil {
		t.Fatal(err)
	}
	if iss, sub, _ := e.st.OIDCLink(ctx, local.ID); iss != e.idp.Issuer || sub != kari.Subject ||
		!slices.Equal(u.Roles, []workflow.Role{workflow.CaseOfficer}) {
		t.Errorf("after a verified login the local user is linked to %q %q with roles %v; want the provider's subject and [case_officer]",
			iss, sub, u.Roles)
	}
}

func TestSSOLoginUnderWayExpires(t *testing.T) {
	e := newSSOEnv(t, false)
	kari := e.idpUser(t)
	c := e.client(t)
	callback := c.toCallback(kari, "")
	e.clock.advance(11 * time.Minute) // the login under way lives ten minutes
	r := c.getURL(callback)
	wantStatus(t, r, http.StatusBadRequest)
	if !strings.Contains(text(mustID(t, r, "main")), "Innloggingen er utløpt eller allerede brukt.") {
		t.Errorf("the 400 page does not say the login expired:\n%s", r.body)
	}
	if _, _, err := e.st.UserByEmail(context.Background(), kari.Email); !store.IsNotFound(err) {
		t.Fatalf("an expired login created the user (%v)", err)
	}
}

func TestSSOProviderDownIsA503(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	e := newEnvWith(t, server.Deps{SSO: sso.New(sso.Config{Issuer: dead, ClientID: "nyttig", RedirectURL: "http://127.0.0.1/auth/callback"}, nil)})
	c := e.client(t)
	r := c.get("/auth/login")
	wantStatus(t, r, http.StatusServiceUnavailable)
	if !strings.Contains(text(mustID(t, r, "main")), "Innloggingstjenesten svarer ikke nå.") || strings.Contains(r.body, "connection refused") {
		t.Errorf("the 503 page:\n%s", r.body)
	}
	// Password login still works while the provider is down.
	u := e.user(t, "Lokal Bruker", workflow.Applicant)
	c.login(u)
}

func TestNoSingleSignOnUnlessConfigured(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	if r := c.get("/login"); byID(r.doc, "sso-login") != nil {
		t.Error("a single sign-on button without a provider")
	}
	wantStatus(t, c.get("/auth/login"), http.StatusNotFound)
	wantStatus(t, c.get("/auth/callback?state=x&code=y"), http.StatusNotFound)
}
