package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/auth"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// sessionLifetime is how long a login lasts.
const sessionLifetime = 12 * time.Hour

// maxFormBody bounds every form post: six long texts of model.MaxText
// characters and a budget fit well within it.
const maxFormBody = 1 << 20

// signedIn returns the signed-in user, or Unauthenticated (which sends the
// visitor to the login page).
func signedIn(r *http.Request) (model.User, error) {
	u, ok := httpx.User(r.Context())
	if !ok {
		return u, apperr.New(apperr.Unauthenticated, msg("login.required"))
	}
	return u, nil
}

// signedInWithID returns the signed-in user and the page's {id}.
func signedInWithID(r *http.Request) (model.User, int64, error) {
	u, err := signedIn(r)
	if err != nil {
		return u, 0, err
	}
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	return u, id, err
}

// parseForm reads a url-encoded form post of at most maxFormBody bytes.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	return parseFormUpTo(w, r, maxFormBody)
}

// parseFormUpTo reads a url-encoded form post of at most limit bytes.
func parseFormUpTo(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return apperr.New(apperr.TooLarge, msg("error.too_large"))
		}
		return apperr.New(apperr.BadRequest, msg("error.bad_form"))
	}
	return nil
}

// localPath returns p when it is a path on this site, else "". It refuses
// anything a browser could read as another host: "//host", "/\host",
// schemes, and control characters.
func localPath(p string) string {
	// Every control character, not only tab and line breaks: url.Parse
	// lets them through in the fragment, and from there into Location.
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
		strings.ContainsFunc(p, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) {
		return ""
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return p
}

func (s *site) home(w http.ResponseWriter, r *http.Request) error {
	u, ok := httpx.User(r.Context())
	switch {
	case !ok:
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	case u.IsStaff():
		http.Redirect(w, r, "/inbox", http.StatusSeeOther)
	case financeRole(u):
		http.Redirect(w, r, "/finance", http.StatusSeeOther)
	case u.Has(workflow.Reviewer):
		http.Redirect(w, r, "/reviews", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/applications", http.StatusSeeOther)
	}
	return nil
}

// loginView is the data of the login page.
type loginView struct {
	// SSO shows the single sign-on button, Password the password form.
	SSO      bool
	Password bool
	Email    string
	Next     string
	Failed   bool
	Flash    string
	Message  string
	Summary  []summaryItem
}

func (s *site) loginPage(w http.ResponseWriter, r *http.Request) error {
	next := localPath(r.URL.Query().Get("next"))
	if _, ok := httpx.User(r.Context()); ok {
		if next == "" {
			next = "/"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	v := loginView{Next: next, SSO: s.SSO != nil, Password: !s.PasswordLoginOff}
	if r.URL.Query().Get("done") == "logout" {
		v.Flash = msg("done.logout").In(httpx.Lang(r))
	}
	return s.render(w, r, page{Template: "login", Title: msg("login.title").In(httpx.Lang(r)), Data: v})
}

func (s *site) login(w http.ResponseWriter, r *http.Request) error {
	if s.PasswordLoginOff {
		return apperr.New(apperr.Forbidden, msg("login.password_off"))
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	email, password := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	next := localPath(r.PostFormValue("next"))
	u, hash, err := s.Store.UserByEmail(r.Context(), email)
	ok := false
	switch {
	case err != nil && !apperr.Is(err, apperr.NotFound):
		return err
	case err != nil || hash == "":
		ok = auth.CheckNobody(password)
	default:
		if ok, err = auth.CheckPassword(hash, password); err != nil {
			return apperr.Wrap(apperr.Internal, msg("error.internal"), err)
		}
	}
	if !ok {
		lang := httpx.Lang(r)
		v := loginView{SSO: s.SSO != nil, Password: true, Email: email, Next: next, Failed: true,
			Summary: []summaryItem{{Href: "#f-email", Text: msg("login.failed").In(lang)}}}
		return s.render(w, r, page{Status: http.StatusUnauthorized, Template: "login", Title: msg("login.title").In(lang), Data: v})
	}
	if err := s.startSession(w, r, u, ""); err != nil {
		return err
	}
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// startSession signs u in with a new session (ending the browser's old
// one), keeping a language chosen before signing in. idToken is the
// provider's ID token for a single sign-on session, "" for a password one.
func (s *site) startSession(w http.ResponseWriter, r *http.Request, u model.User, idToken string) error {
	now := s.now()
	if old, err := r.Cookie(httpx.SessionCookie); err == nil && old.Value != "" {
		if err := s.Store.DeleteSession(r.Context(), old.Value, now); err != nil {
			return err
		}
	}
	id := auth.NewSessionID()
	var err error
	if idToken != "" {
		err = s.Store.CreateSSOSession(r.Context(), u.ID, id, idToken, now.Add(sessionLifetime))
	} else {
		err = s.Store.CreateSession(r.Context(), u.ID, id, now.Add(sessionLifetime))
	}
	if err != nil {
		return err
	}
	// A language chosen before signing in is the person's choice: keep it.
	if c, err := r.Cookie(httpx.LangCookie); err == nil && c.Value != "" {
		if lang := i18n.Parse(c.Value); lang != u.Language {
			if err := s.Store.SetUserLanguage(r.Context(), u.ID, lang); err != nil {
				return err
			}
		}
	}
	http.SetCookie(w, s.cookie(httpx.SessionCookie, id, sessionLifetime))
	return nil
}

// logout ends the local session and, for a single sign-on session whose
// provider has an end_session_endpoint, sends the browser there to end
// the provider's session too; it comes back to the login page.
func (s *site) logout(w http.ResponseWriter, r *http.Request) error {
	idToken := ""
	if c, err := r.Cookie(httpx.SessionCookie); err == nil && c.Value != "" {
		if idToken, err = s.Store.EndSession(r.Context(), c.Value, s.now()); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.cookie(httpx.SessionCookie, "", -1))
	if idToken != "" && s.SSO != nil {
		target, err := s.SSO.LogoutURL(r.Context(), idToken)
		if err != nil {
			// The local session is over; the provider's ends when it expires.
			slog.WarnContext(r.Context(), "sso: no provider logout", "request_id", httpx.RequestID(r.Context()), "err", err)
		} else if target != "" {
			http.Redirect(w, r, target, http.StatusSeeOther)
			return nil
		}
	}
	http.Redirect(w, r, "/login?done=logout", http.StatusSeeOther)
	return nil
}

// setLanguage stores the visitor's choice in a cookie and, when someone is
// signed in, on their user (which then wins over the cookie).
func (s *site) setLanguage(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	lang := i18n.Parse(r.PostFormValue("lang"))
	if u, ok := httpx.User(r.Context()); ok {
		if err := s.Store.SetUserLanguage(r.Context(), u.ID, lang); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.cookie(httpx.LangCookie, string(lang), langLifetime))
	back := localPath(r.PostFormValue("back"))
	if back == "" {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// langLifetime is how long the choice of language is remembered.
const langLifetime = 365 * 24 * time.Hour

// cookie builds one of the site's cookies: HttpOnly, SameSite=Lax, whole
// site, Secure when the site is served over HTTPS, living for lifetime (a
// negative lifetime deletes it).
func (s *site) cookie(name, value string, lifetime time.Duration) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies}
	if lifetime < 0 {
		c.MaxAge = -1
		return c
	}
	c.MaxAge = int(lifetime.Seconds())
	c.Expires = s.now().Add(lifetime)
	return c
}
