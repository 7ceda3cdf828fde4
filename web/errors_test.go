package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nyttig/internal/grants"
	"nyttig/internal/server"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

func TestErrorPagesAndHeaders(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	for _, tc := range []struct {
		path, lang string
		status     int
		want       string
	}{
		{"/no/such/page", "", 404, "Fant ikke siden"},
		{"/no/such/page", "en", 404, "Page not found"},
		{"/applications/abc", "", 302, ""}, // signed out: to the login page first
	} {
		c.header.Set("Accept-Language", tc.lang)
		r := c.get(tc.path)
		if tc.status == 302 {
			wantRedirect(t, r, "/login?next="+url.QueryEscape(tc.path))
			continue
		}
		wantStatus(t, r, tc.status)
		if !strings.Contains(text(r.doc), tc.want) {
			t.Errorf("%s (%s): page lacks %q:\n%s", tc.path, tc.lang, tc.want, r.body)
		}
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
		} {
			if got := r.header.Get(name); got != want {
				t.Errorf("%s: %s %q, want %q", tc.path, name, got, want)
			}
		}
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("CSP %q", csp)
		}
	}
	c.header.Del("Accept-Language")

	u := e.user(t, "Feil Adresse", workflow.Applicant)
	c.login(u)
	wantStatus(t, c.get("/applications/abc"), http.StatusNotFound)
	wantStatus(t, c.get("/applications/999999999"), http.StatusNotFound)
	r := c.get("/applications/new")
	wantStatus(t, r, http.StatusOK)
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("a signed-in page is cacheable: %q", r.header.Get("Cache-Control"))
	}

	officer := e.user(t, "Ikke Søker", workflow.CaseOfficer)
	o := e.client(t)
	o.login(officer)
	r = o.get("/applications/new")
	wantStatus(t, r, http.StatusForbidden)
	if !strings.Contains(text(r.doc), "Du må ha rollen søker for å søke.") {
		t.Errorf("403 page:\n%s", r.body)
	}

	r = c.post("/inbox", url.Values{})
	wantStatus(t, r, http.StatusMethodNotAllowed)
	if !strings.Contains(text(r.doc), "Ikke tillatt") {
		t.Errorf("405 page:\n%s", r.body)
	}
	req, _ := http.NewRequest(http.MethodHead, c.base+"/applications", nil)
	wantStatus(t, c.do(req), http.StatusOK)

	r = c.get("/static/style.css")
	wantStatus(t, r, http.StatusOK)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") || !strings.Contains(r.body, ":focus-visible") {
		t.Errorf("style.css: %q", r.header.Get("Content-Type"))
	}
	wantStatus(t, c.get("/static/"), http.StatusNotFound)
}

// TestDatabaseDownGivesThe503Page points the pages at a database nobody
// listens on: the login fails with the 503 page, and says nothing inside.
func TestDatabaseDownGivesThe503Page(t *testing.T) {
	dead, err := store.Open(context.Background(), "postgres://nyttig@127.0.0.1:1/nyttig?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dead.Close)
	h := server.Handler(server.Deps{Store: dead, Blobs: testenv.Blobs(t), Grants: grants.New(dead, testenv.Blobs(t))})
	e := &env{srv: newServer(t, h)}
	c := e.client(t)
	r := c.post("/login", url.Values{"email": {"a@example.no"}, "password": {testPassword}})
	wantStatus(t, r, http.StatusServiceUnavailable)
	if r.header.Get("Retry-After") == "" || !strings.Contains(text(r.doc), "Tjenesten er midlertidig utilgjengelig") {
		t.Errorf("503 page:\n%s", r.body)
	}
	for _, leak := range []string{"127.0.0.1", "dial", "connect", "postgres"} {
		if strings.Contains(strings.ToLower(text(r.doc)), leak) {
			t.Errorf("the 503 page shows %q:\n%s", leak, r.body)
		}
	}
}
