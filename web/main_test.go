package web_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/html"

	"nyttig/internal/auth"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/server"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

func TestMain(m *testing.M) { testenv.Run(m) }

// testPassword is every test user's password.
const testPassword = "korrekt hest batteri"

// env is a running Nyttig on a loopback port, with an open call.
type env struct {
	st     *store.Store
	grants *grants.Service
	srv    *httptest.Server
	call   model.Call
	// clock is the grants service's clock, which a test moves on to let
	// a deadline pass.
	clock *testClock
}

// testClock is the real time moved on by an offset. The offset is atomic:
// the server's goroutines read the clock while a test moves it.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// advance moves the clock on by d.
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, server.Deps{})
}

// newEnvWith starts the full router; d's Store, Blobs and Grants are filled in.
func newEnvWith(t *testing.T, d server.Deps) *env {
	t.Helper()
	return newEnvOn(t, d, nil)
}

// newEnvOn is newEnvWith serving on ln (nil: a new loopback port), for a
// test that must know Nyttig's address before it configures Nyttig.
func newEnvOn(t *testing.T, d server.Deps, ln net.Listener) *env {
	t.Helper()
	st := testenv.Store(t)
	e := &env{st: st, grants: grants.New(st, testenv.Blobs(t)), clock: &testClock{}}
	e.grants.Now = e.clock.now
	d.Store, d.Blobs, d.Grants = st, testenv.Blobs(t), e.grants
	if ln == nil {
		e.srv = newServer(t, server.Handler(d))
	} else {
		e.srv = httptest.NewUnstartedServer(server.Handler(d))
		e.srv.Listener.Close()
		e.srv.Listener = ln
		e.srv.Start()
		t.Cleanup(e.srv.Close)
	}
	ctx := context.Background()
	fund, err := st.CreateFund(ctx, testenv.Unique("Innovasjonsfondet"), "Sandnes kommune")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	e.call, err = st.CreateCall(ctx, model.Call{FundID: fund.ID, Title: testenv.Unique("Innovasjonsmidler"),
		OpensAt: now.Add(-24 * time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour), MaxAmountOre: money.FromKroner(500_000)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func newServer(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// user creates a user with roles; their email is unique, their password testPassword.
func (e *env) user(t *testing.T, name string, roles ...workflow.Role) model.User {
	t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.st.CreateUser(context.Background(), store.NewUser{Email: testenv.Unique("person@example.no"), Name: name,
		Unit: "Helse og velferd", PasswordHash: hash, Roles: roles})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// draft creates a complete draft for u through the grants service.
func (e *env) draft(t *testing.T, u model.User, title string) model.Application {
	t.Helper()
	a, err := e.grants.CreateApplication(context.Background(), u, completeFields(e.call.ID, title), "test")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func completeFields(callID int64, title string) model.ApplicationFields {
	return model.ApplicationFields{
		CallID: callID, Title: title, Summary: "Sammendrag", Need: "Behov", Solution: "Løsning",
		AdoptionPlan: "Plan", ExpectedBenefits: "Gevinster",
		BudgetLines:        []model.BudgetLine{{Category: "Lønn", Description: "Prosjektleder", AmountOre: money.FromKroner(120_000)}},
		OwnContributionOre: money.FromKroner(20_000), RequestedAmountOre: money.FromKroner(100_000),
		Unit: "Helse og velferd", Partners: []string{"NAV Sandnes"}, StartDate: "2026-09-01", EndDate: "2027-06-30",
	}
}

type htmlNode = html.Node

func modelFilter(applicantID int64) model.ApplicationFilter {
	return model.ApplicationFilter{ApplicantID: applicantID}
}

// client is a browser without JavaScript: it keeps cookies and does not
// follow redirects, so tests see each response.
type client struct {
	t    *testing.T
	base string
	http *http.Client
	// header is sent with every request.
	header http.Header
}

func (e *env) client(t *testing.T) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, base: e.srv.URL, header: http.Header{}, http: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is a read response.
type response struct {
	status int
	header http.Header
	body   string
	doc    *html.Node
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	for k, v := range c.header {
		req.Header[k] = v
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := response{status: res.StatusCode, header: res.Header, body: string(b)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if r.doc, err = html.Parse(strings.NewReader(r.body)); err != nil {
			c.t.Fatal(err)
		}
	}
	return r
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// login signs u in and checks that it worked.
func (c *client) login(u model.User) {
	c.t.Helper()
	r := c.post("/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("login of %s: status %d, want 303\n%s", u.Email, r.status, r.body)
	}
}

// cookie returns the client's cookie name for the site ("" when none).
func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func wantStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d\n%s", r.status, want, r.body)
	}
}

func wantRedirect(t *testing.T, r response, location string) {
	t.Helper()
	if r.status != http.StatusSeeOther || r.header.Get("Location") != location {
		t.Fatalf("got %d to %q, want 303 to %q\n%s", r.status, r.header.Get("Location"), location, r.body)
	}
}

// --- reading HTML ---

func attr(n *html.Node, name string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

// findAll returns the elements for which match is true, in document order.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func byID(doc *html.Node, id string) *html.Node {
	found := findAll(doc, func(n *html.Node) bool { v, _ := attr(n, "id"); return v == id })
	if len(found) == 0 {
		return nil
	}
	return found[0]
}

func byTag(doc *html.Node, tag string) []*html.Node {
	return findAll(doc, func(n *html.Node) bool { return n.Data == tag })
}

// text is the text content of n with whitespace collapsed.
func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return collapse(b.String())
}

// collapse collapses HTML's whitespace; a no-break space is part of the text.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f'
	}), " ")
}

// mustID returns the element with id, failing the test when it is missing.
func mustID(t *testing.T, r response, id string) *html.Node {
	t.Helper()
	if r.doc == nil {
		t.Fatalf("response is not HTML:\n%s", r.body)
	}
	n := byID(r.doc, id)
	if n == nil {
		t.Fatalf("no element #%s in\n%s", id, r.body)
	}
	return n
}

// wantFieldError checks that the input #f-<name> is marked invalid, points
// at #e-<name>, and that the message there contains want.
func wantFieldError(t *testing.T, r response, inputID, want string) {
	t.Helper()
	in := mustID(t, r, inputID)
	errID := "e-" + strings.TrimPrefix(inputID, "f-")
	if v, _ := attr(in, "aria-invalid"); v != "true" {
		t.Errorf("#%s: aria-invalid=%q, want true", inputID, v)
	}
	if v, _ := attr(in, "aria-describedby"); !strings.Contains(" "+v+" ", " "+errID+" ") {
		t.Errorf("#%s: aria-describedby=%q, want it to name %s", inputID, v, errID)
	}
	if got := text(mustID(t, r, errID)); !strings.Contains(got, want) {
		t.Errorf("#%s says %q, want %q", errID, got, want)
	}
}

// value is the value of the input, or the text of the textarea, #id; for a
// select, the value of the selected option.
func value(t *testing.T, r response, id string) string {
	t.Helper()
	n := mustID(t, r, id)
	switch n.Data {
	case "textarea":
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(c.Data)
		}
		return b.String()
	case "select":
		for _, o := range byTag(n, "option") {
			if _, sel := attr(o, "selected"); sel {
				v, _ := attr(o, "value")
				return v
			}
		}
		return ""
	}
	v, _ := attr(n, "value")
	return v
}
