package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticDir embed.FS

// pageNames are the templates under templates/ that are whole pages; each
// is parsed together with the layout and the shared parts.
var pageNames = []string{"login", "applications", "form", "detail", "inbox", "error",
	"reviews", "declaration", "review", "calls", "ranking", "recommendation", "decision", "batch", "lettertemplate",
	"finance", "payout", "ledger", "exports", "overdue", "report", "evaluation", "evaluations", "jobs",
	"notifications", "preferences", "public_projects", "public_project", "publication", "prize",
	"summary", "public_summaries"}

// pageSet holds every page parsed once per language, so that {{t "key"}}
// is bound to the language at parse time.
type pageSet map[i18n.Lang]map[string]*template.Template

func mustParsePages() pageSet {
	set := pageSet{}
	for _, lang := range []i18n.Lang{i18n.NB, i18n.EN} {
		set[lang] = map[string]*template.Template{}
		for _, name := range pageNames {
			t := template.Must(template.New(name).Funcs(templateFuncs(lang)).ParseFS(templateFiles,
				"templates/layout.html", "templates/parts.html", "templates/"+name+".html"))
			set[lang][name] = t
		}
	}
	return set
}

func templateFuncs(lang i18n.Lang) template.FuncMap {
	return template.FuncMap{
		"t": func(key string) (string, error) {
			txt, ok := catalog[key]
			if !ok {
				return "", fmt.Errorf("web: no text for %q", key)
			}
			return txt.In(lang), nil
		},
		"add":        func(a, b int) int { return a + b },
		"field":      fieldFor,
		"group":      func(name string, choices []choiceView) radioGroup { return radioGroup{Name: name, Choices: choices} },
		"exemptArgs": func(row exemptRow, bases []optionView) exemptArgs { return exemptArgs{Row: row, Bases: bases} },
	}
}

func staticFiles() http.Handler {
	sub, err := fs.Sub(staticDir, "static")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") { // no directory listings
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// view is what the layout needs, around one page's own data.
type view struct {
	Lang     i18n.Lang
	SwitchTo i18n.Lang
	Title    string
	User     model.User
	SignedIn bool
	Staff    bool
	Reviewer bool
	// Finance shows the menu's entry for payouts.
	Finance bool
	// Admin shows the operations menu entry.
	Admin bool
	// Leader shows the unit leader's evaluations entry.
	Leader bool
	Roles  string
	// Unread is the number of the user's unread notifications, and
	// UnreadLabel the header link's name saying so ("" when none).
	Unread      int
	UnreadLabel string
	Nav         string
	Back        string
	Script      string
	// Public is a public page: no staff menu, the public one instead.
	Public bool
	Page   any
}

// page is one page to render.
type page struct {
	Status   int
	Template string
	Title    string
	Nav      string // "applications", "inbox", "calls", "reviews", "finance", "summary", "evaluations", "jobs" or "notifications": the menu entry to mark current
	// Back is where the language switch returns to, when not backPath's
	// guess: a page shown again after a post to an address without a page.
	Back string
	// Script is a file under /static/ the page loads, if any.
	Script string
	// Public marks a page anyone may see, shown without the staff menu.
	Public bool
	Data   any
}

// render writes p as the response. The page is rendered into a buffer
// first, so a template fault becomes an error page, never half a page.
func (s *site) render(w http.ResponseWriter, r *http.Request, p page) error {
	lang := httpx.Lang(r)
	v := view{Lang: lang, SwitchTo: i18n.EN, Title: p.Title, Nav: p.Nav, Back: p.Back, Script: p.Script, Public: p.Public, Page: p.Data}
	if v.Back == "" {
		v.Back = backPath(r)
	}
	if lang == i18n.EN {
		v.SwitchTo = i18n.NB
	}
	if u, ok := httpx.User(r.Context()); ok {
		v.User, v.SignedIn, v.Staff, v.Reviewer = u, true, u.IsStaff(), u.Has(workflow.Reviewer)
		v.Roles = roleNames(u, lang)
		v.Finance = handlesPayouts(u)
		v.Admin = u.Has(workflow.Admin)
		v.Leader = u.Has(workflow.UnitLeader)
		if v.Unread = s.unreadCount(r, u.ID); v.Unread > 0 {
			v.UnreadLabel = sprintf(lang, "layout.notifications_unread", v.Unread)
		}
	}
	var buf bytes.Buffer
	if err := s.pages[lang][p.Template].ExecuteTemplate(&buf, "layout", v); err != nil {
		return apperr.Wrap(apperr.Internal, msg("error.internal"), err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(lang))
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Cookie, Accept-Language")
	if p.Status == 0 {
		p.Status = http.StatusOK
	}
	w.WriteHeader(p.Status)
	_, _ = buf.WriteTo(w)
	return nil
}

func roleNames(u model.User, lang i18n.Lang) string {
	var names []string
	for _, r := range workflow.Roles {
		if u.Has(r) {
			names = append(names, workflow.RoleLabels[r].In(lang))
		}
	}
	return strings.Join(names, ", ")
}

// backPath is where the language switch returns to: this page, or for a
// form post the page that shows the form.
func backPath(r *http.Request) string {
	if r.Method == http.MethodGet {
		return r.URL.RequestURI()
	}
	p := r.URL.Path
	if i := strings.Index(p, "/events/"); i >= 0 {
		return p[:i]
	}
	if p == "/applications" {
		return "/applications/new"
	}
	return p
}

// handlerFunc is a page handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts h, rendering its error: a signed-out visitor goes to the
// login page, everything else gets the error page of its status.
func (s *site) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

func (s *site) fail(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.Is(err, apperr.Unauthenticated) {
		target := "/login"
		if r.Method == http.MethodGet && r.URL.Path != "/" {
			target += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	httpx.LogIfFault(r, err)
	s.renderError(w, r, err)
}

// errorPage is the data of the error page.
type errorPage struct {
	Status    int
	Message   string
	RequestID string
}

func (s *site) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := apperr.Status(err)
	lang := httpx.Lang(r)
	title, ok := catalog[fmt.Sprintf("error.%d.title", status)]
	if !ok {
		title = msg("error.other.title")
	}
	data := errorPage{Status: status, Message: apperr.As(err).Message.In(lang)}
	if status >= 500 {
		data.RequestID = httpx.RequestID(r.Context())
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	if rerr := s.render(w, r, page{Status: status, Template: "error", Title: title.In(lang), Data: data}); rerr != nil {
		httpx.LogIfFault(r, rerr)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(msg("error.internal").In(lang) + "\n"))
	}
}

// methodNotAllowed answers 405 with the error page; apperr has no kind for
// it, since only the router knows which methods a path takes.
func (s *site) methodNotAllowed(w http.ResponseWriter, r *http.Request) error {
	lang := httpx.Lang(r)
	return s.render(w, r, page{Status: http.StatusMethodNotAllowed, Template: "error",
		Title: msg("error.405.title").In(lang), Data: errorPage{Status: http.StatusMethodNotAllowed, Message: msg("error.method").In(lang)}})
}

// recoverPages turns a panic in a page into the 500 page.
func (s *site) recoverPages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.fail(w, r, apperr.Wrap(apperr.Internal, msg("error.internal"), fmt.Errorf("panic: %v", v)))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// osloTime formats t as shown everywhere in Nyttig: Europe/Oslo, 02.01.2006 15:04.
func osloTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(workflow.Oslo).Format("02.01.2006 15:04")
}

// radioGroup is what the "radios" template needs: the group's name and its choices.
type radioGroup struct {
	Name    string
	Choices []choiceView
}

// summaryItem is one line of an error summary, linking to its field.
type summaryItem struct {
	Href string
	Text string
}
