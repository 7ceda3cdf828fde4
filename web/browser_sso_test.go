package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserSSO signs in through the provider's own login page in a real
// browser and out again through the provider's logout, and runs axe-core
// on the login page with the single sign-on button, in both languages and
// with password login switched off.
func TestBrowserSSO(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e := newSSOEnv(t, false)
	kari := e.idpUser(t)
	b := newBrowser(t, ctx, e.srv.URL)

	b.open("/login")
	b.wantText("#sso-login", "Logg inn med kommunens konto")
	b.wantText("main", "Eller logg inn med passord")
	b.checkA11y("login with single sign-on (nb)")
	b.switchLanguage("en")
	b.wantText("#sso-login", "Log in with your municipality account")
	b.checkA11y("login with single sign-on (en)")
	b.switchLanguage("nb")

	b.load("to the provider", 200, chromedp.Click(chromedp.ID("sso-login")))
	b.do("provider's login page", chromedp.WaitVisible(chromedp.ID("username")))
	at := b.location()
	if !strings.HasPrefix(at, e.idp.Issuer+"/") {
		t.Fatalf("the login button led to %s, want the provider", at)
	}
	b.typeIn([][2]string{{"username", kari.Username}, {"password", kari.Password}})
	b.load("log in at the provider", 200, chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	b.do("back in Nyttig", chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)))
	at = b.location()
	if !strings.HasPrefix(at, e.srv.URL+"/inbox") {
		t.Fatalf("after single sign-on the browser is at %s, want the case officer's inbox", at)
	}
	b.wantText("header", "Kari Nordmann")

	// Logging out is a form post that redirects to the provider and back;
	// the Content-Security-Policy's form-action must allow the provider.
	b.load("log out", 200, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	b.wantText(".flash", "Du er logget ut.")
	at = b.location()
	if at != e.cfg.PostLogoutRedirectURL {
		t.Fatalf("after logout the browser is at %s, want %s", at, e.cfg.PostLogoutRedirectURL)
	}

	off := newSSOEnv(t, true)
	b.base = off.srv.URL
	b.open("/login")
	b.do("single sign-on only", chromedp.WaitVisible(chromedp.ID("sso-login")))
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#f-password').length`)); err != nil || n != 0 {
		t.Errorf("the password field is on the page with password login off (%d, %v)", n, err)
	}
	b.checkA11y("login, single sign-on only (nb)")
}

// location is the URL of the page in the tab.
func (b *browser) location() string {
	b.t.Helper()
	at, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	return at
}
