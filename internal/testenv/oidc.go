package testenv

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// OIDCProvider is a real OpenID Connect provider on a loopback port for
// single sign-on tests: zitadel's certified op package, served over HTTP,
// with the storage and the login page of its example server. Two things
// are added to the example, which knows neither: each user's roles and
// department claims (what Entra ID sends as app roles and an optional
// claim), and Nyttig's post-logout redirect. The claims are in the ID
// token, as Entra ID puts them.
type OIDCProvider struct {
	Issuer       string
	ClientID     string
	ClientSecret string

	ln    net.Listener
	users *oidcUsers
}

// OIDCUser is a user at the test provider.
type OIDCUser struct {
	Subject       string // the stable subject id ("sub")
	Username      string // what the provider's login page asks for
	Password      string
	Email         string
	EmailVerified bool
	GivenName     string
	FamilyName    string
	Roles         []string // the "roles" claim
	Department    string   // the "department" claim
}

// NewOIDCProvider reserves the provider's loopback address, so that its
// issuer is known before Nyttig is configured; Serve starts it.
func NewOIDCProvider(t testing.TB) *OIDCProvider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return &OIDCProvider{Issuer: "http://" + ln.Addr().String(), ClientID: "nyttig", ClientSecret: "nyttig-test-secret",
		ln: ln, users: &oidcUsers{byID: map[string]OIDCUser{}}}
}

// Serve starts the provider with Nyttig registered as a confidential web
// client with redirectURI and postLogoutURI; it stops when the test ends.
func (p *OIDCProvider) Serve(t testing.TB, redirectURI, postLogoutURI string) {
	t.Helper()
	clients := map[string]*storage.Client{p.ClientID: storage.WebClient(p.ClientID, p.ClientSecret, redirectURI)}
	st := &claimsStorage{Storage: storage.NewStorageWithClients(p.users, clients), users: p.users,
		postLogout: []string{postLogoutURI}}
	srv := &http.Server{Handler: exampleop.SetupServer(p.Issuer, st, nil, false), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(p.ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
}

// SetUser adds a user, or replaces the one with the same subject (a test
// changes someone's claims between two logins this way).
func (p *OIDCProvider) SetUser(u OIDCUser) { p.users.set(u) }

// oidcUsers is the example storage's UserStore, with the claims it lacks.
type oidcUsers struct {
	mu   sync.Mutex
	byID map[string]OIDCUser
}

func (s *oidcUsers) set(u OIDCUser) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byID[u.Subject] = u
}

func (s *oidcUsers) get(id string) (OIDCUser, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.byID[id]
	return u, ok
}

func exampleUser(u OIDCUser) *storage.User {
	return &storage.User{ID: u.Subject, Username: u.Username, Password: u.Password, FirstName: u.GivenName,
		LastName: u.FamilyName, Email: u.Email, EmailVerified: u.EmailVerified, PreferredLanguage: language.Norwegian}
}

func (s *oidcUsers) GetUserByID(id string) *storage.User {
	if u, ok := s.get(id); ok {
		return exampleUser(u)
	}
	return nil
}

func (s *oidcUsers) GetUserByUsername(username string) *storage.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.byID {
		if u.Username == username {
			return exampleUser(u)
		}
	}
	return nil
}

func (s *oidcUsers) ExampleClientID() string { return storage.ServiceUserID }

// claimsStorage is the example's storage with the roles and department
// claims put in the ID token, and the client asserting the profile and
// email claims into the ID token too.
type claimsStorage struct {
	*storage.Storage
	users      *oidcUsers
	postLogout []string
}

// SetUserinfoFromRequest is called for each ID token the provider signs.
func (s *claimsStorage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, token op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, token, scopes); err != nil {
		return err
	}
	u, ok := s.users.get(token.GetSubject())
	if !ok {
		return errors.New("user not found")
	}
	if u.Roles != nil {
		info.AppendClaims("roles", u.Roles)
	}
	if u.Department != "" {
		info.AppendClaims("department", u.Department)
	}
	return nil
}

func (s *claimsStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return nyttigClient{Client: c, postLogout: s.postLogout}, nil
}

// nyttigClient is the example's web client with a registered
// post-logout redirect and the userinfo claims in the ID token.
type nyttigClient struct {
	op.Client
	postLogout []string
}

func (c nyttigClient) PostLogoutRedirectURIs() []string     { return c.postLogout }
func (c nyttigClient) IDTokenUserinfoClaimsAssertion() bool { return true }
