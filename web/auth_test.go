package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/server"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

func TestLoginAndLogout(t *testing.T) {
	e := newEnv(t)
	kari := e.user(t, "Kari Nordmann", workflow.Applicant)
	c := e.client(t)

	r := c.get("/login")
	wantStatus(t, r, http.StatusOK)
	for _, id := range []string{"f-email", "f-password"} {
		if labels := findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "for"); return n.Data == "label" && v == id }); len(labels) != 1 {
			t.Errorf("want one <label for=%s>, got %d", id, len(labels))
		}
	}

	for _, tc := range []struct{ name, email, password string }{
		{"wrong password", kari.Email, "feil passord her"},
		{"unknown email", testenv.Unique("nobody@example.no"), testPassword},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.post("/login", url.Values{"email": {tc.email}, "password": {tc.password}})
			wantStatus(t, r, http.StatusUnauthorized)
			wantFieldError(t, r, "f-password", "Feil e-postadresse eller passord.")
			if got := value(t, r, "f-email"); got != tc.email {
				t.Errorf("email field holds %q, want %q kept", got, tc.email)
			}
			if c.cookie(httpx.SessionCookie) != "" {
				t.Fatal("a failed login set a session cookie")
			}
		})
	}

	r = c.post("/login", url.Values{"email": {strings.ToUpper(kari.Email)}, "password": {testPassword}})
	wantRedirect(t, r, "/")
	var session *http.Cookie
	for _, ck := range (&http.Response{Header: r.header}).Cookies() {
		if ck.Name == httpx.SessionCookie {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("no session cookie after login")
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || session.Secure ||
		session.MaxAge != 12*60*60 {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure over http, 12 h", session)
	}
	wantRedirect(t, c.get("/"), "/applications")
	r = c.get("/applications")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.body, "Kari Nordmann") {
		t.Error("the signed-in user's name is not on the page")
	}

	// A second login gets a new session id and the old one stops working.
	first := c.cookie(httpx.SessionCookie)
	c.login(kari)
	second := c.cookie(httpx.SessionCookie)
	if second == "" || second == first {
		t.Fatalf("login reused the session id %q", first)
	}
	stale := e.client(t)
	stale.header.Set("Cookie", httpx.SessionCookie+"="+first)
	wantRedirect(t, stale.get("/applications"), "/login?next=%2Fapplications")

	r = c.post("/logout", nil)
	wantRedirect(t, r, "/login?done=logout")
	if c.cookie(httpx.SessionCookie) != "" {
		t.Error("logout left the session cookie")
	}
	again := e.client(t)
	again.header.Set("Cookie", httpx.SessionCookie+"="+second)
	wantRedirect(t, again.get("/applications"), "/login?next=%2Fapplications")
	if r := c.get("/login?done=logout"); !strings.Contains(text(mustID(t, r, "main")), "Du er logget ut.") {
		t.Error("no logged-out message")
	}
}

func TestSecureCookiesWhenConfigured(t *testing.T) {
	e := newEnvWith(t, server.Deps{SecureCookies: true})
	u := e.user(t, "Sikker Søker", workflow.Applicant)
	r := e.client(t).post("/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	wantRedirect(t, r, "/")
	cookies := (&http.Response{Header: r.header}).Cookies()
	if len(cookies) == 0 || !cookies[0].Secure {
		t.Fatalf("cookies %v: want the session cookie Secure", cookies)
	}
}

func TestSignedOutVisitorsGoToLoginAndBack(t *testing.T) {
	e := newEnv(t)
	u := e.user(t, "Ola Nordmann", workflow.Applicant)
	c := e.client(t)
	wantRedirect(t, c.get("/"), "/login")
	for _, path := range []string{"/applications", "/applications/new", "/applications/7/edit", "/inbox?state=draft"} {
		wantRedirect(t, c.get(path), "/login?next="+url.QueryEscape(path))
	}
	r := c.get("/login?next=" + url.QueryEscape("/applications/new"))
	if got := value(t, r, "f-email"); got != "" {
		t.Fatalf("email prefilled with %q", got)
	}
	if n := findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "name"); return v == "next" }); len(n) != 1 {
		t.Fatal("the login form does not carry next")
	}

	for _, tc := range []struct{ next, want string }{
		{"/applications/new", "/applications/new"},
		{"//evil.example/steal", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
	} {
		c := e.client(t)
		r := c.post("/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {tc.next}})
		wantRedirect(t, r, tc.want)
	}
}

func TestLanguage(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)

	r := c.get("/login")
	if got := htmlLang(r); got != "nb" {
		t.Fatalf(`<html lang=%q>, want "nb" by default`, got)
	}
	if !strings.Contains(text(mustID(t, r, "main")), "Logg inn") {
		t.Fatal("the login page is not in bokmål")
	}

	c.header.Set("Accept-Language", "en-GB,en;q=0.9")
	r = c.get("/login")
	if htmlLang(r) != "en" || !strings.Contains(text(mustID(t, r, "main")), "Email address") {
		t.Fatalf("Accept-Language en did not give English:\n%s", r.body)
	}

	c.header.Del("Accept-Language")
	r = c.post("/language", url.Values{"lang": {"en"}, "back": {"/login?next=%2Finbox"}})
	wantRedirect(t, r, "/login?next=%2Finbox")
	if c.cookie(httpx.LangCookie) != "en" {
		t.Fatalf("language cookie %q, want en", c.cookie(httpx.LangCookie))
	}
	r = c.get("/login")
	if htmlLang(r) != "en" || !strings.Contains(text(mustID(t, r, "main")), "Email address") {
		t.Fatalf("the language cookie did not give English:\n%s", r.body)
	}
	r = c.post("/login", url.Values{"email": {"x@example.no"}, "password": {"nope nope nope"}})
	wantFieldError(t, r, "f-password", "Wrong email address or password.")

	// Signing in keeps the visitor's choice, and a signed-in switch is stored.
	u := e.user(t, "Nora Engelsk", workflow.Applicant)
	c.login(u)
	stored, err := e.st.UserByID(context.Background(), u.ID)
	if err != nil || stored.Language != i18n.EN {
		t.Fatalf("after login the stored language is %q (%v), want en", stored.Language, err)
	}
	r = c.get("/applications")
	if htmlLang(r) != "en" || !strings.Contains(text(mustID(t, r, "main")), "My applications") {
		t.Fatalf("not English after login:\n%s", r.body)
	}
	wantRedirect(t, c.post("/language", url.Values{"lang": {"nb"}, "back": {"https://evil.example/"}}), "/")
	stored, _ = e.st.UserByID(context.Background(), u.ID)
	if stored.Language != i18n.NB {
		t.Fatalf("stored language %q, want nb", stored.Language)
	}
	if r := c.get("/applications"); htmlLang(r) != "nb" || !strings.Contains(r.body, "Mine søknader") {
		t.Fatal("not bokmål after switching back")
	}
}

func htmlLang(r response) string {
	if r.doc == nil {
		return ""
	}
	for _, n := range byTag(r.doc, "html") {
		v, _ := attr(n, "lang")
		return v
	}
	return ""
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	e := newEnv(t)
	u := e.user(t, "Kryss Opphav", workflow.Applicant)
	c := e.client(t)
	c.login(u)
	c.header.Set("Sec-Fetch-Site", "cross-site")
	for _, path := range []string{"/applications", "/logout", "/language", "/login"} {
		r := c.post(path, url.Values{"title": {"Fra en annen side"}, "lang": {"en"}})
		wantStatus(t, r, http.StatusForbidden)
	}
	apps, err := e.grants.Applications(context.Background(), u, modelFilter(u.ID))
	if err != nil || len(apps) != 0 {
		t.Fatalf("a cross-site post created %d applications (%v)", len(apps), err)
	}
	c.header.Set("Sec-Fetch-Site", "same-origin")
	wantStatus(t, c.get("/applications"), http.StatusOK) // still signed in: the logout was refused
}
