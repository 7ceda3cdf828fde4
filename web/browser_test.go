package web_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nyttig/internal/model"
	"nyttig/workflow"
)

// browser is a headless Chromium on one tab, with axe-core at hand.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	axeJS string
	// checked counts the pages axe has passed, by name.
	checked []string
}

// newBrowser starts Chromium from $NYTTIG_CHROME (default /usr/bin/chromium)
// with a fresh profile and no network of its own. Without Chromium or
// axe-core the test fails: `make test` installs both.
func newBrowser(t *testing.T, ctx context.Context, base string) *browser {
	t.Helper()
	chrome := os.Getenv("NYTTIG_CHROME")
	if chrome == "" {
		chrome = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chrome); err != nil {
		t.Fatalf("no Chromium at %s (set NYTTIG_CHROME, or run `make test`, which installs it): %v", chrome, err)
	}
	axePath := os.Getenv("NYTTIG_AXE_JS")
	if axePath == "" {
		t.Fatal("NYTTIG_AXE_JS is not set: it must name axe.min.js from axe-core (run `make test`, which installs it)")
	}
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("NYTTIG_AXE_JS: %v", err)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1024),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("accept-lang", "nb-NO,nb"),
	)
	tab, cancelTab := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	return &browser{t: t, ctx: tab, base: base, axeJS: string(axe)}
}

// do runs steps, failing the test with what was being done.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// load runs steps that make the tab load a page, waits for it, and checks
// its HTTP status.
func (b *browser) load(what string, status int64, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, steps...)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if res.Status != status {
		b.t.Fatalf("%s: status %d, want %d (%s)", what, res.Status, status, res.URL)
	}
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.load("open "+path, 200, chromedp.Navigate(b.base+path))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return collapse(s)
}

func (b *browser) wantText(sel string, want ...string) {
	b.t.Helper()
	got := b.text(sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			b.t.Errorf("%s says %q; want %q in it", sel, got, w)
		}
	}
}

func (b *browser) wantLang(lang string) {
	b.t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string]("document.documentElement.lang"))
	if err != nil || got != lang {
		b.t.Fatalf("<html lang=%q> (%v), want %q", got, err, lang)
	}
}

// typeIn fills the inputs named by id with text, as a person types it.
func (b *browser) typeIn(fields [][2]string) {
	b.t.Helper()
	for _, f := range fields {
		clear := fmt.Sprintf("document.getElementById(%q).value = ''", f[0])
		b.do("type into #"+f[0], chromedp.Evaluate[chromedp.Void](clear), chromedp.SendKeys(chromedp.ID(f[0]), f[1]))
	}
}

// axeResult is the part of axe.run's result the test reports.
type axeResult struct {
	Passes     []string       `json:"passes"`
	Violations []axeViolation `json:"violations"`
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
	.then(r => ({passes: r.passes.map(p => p.id), violations: r.violations.map(v => ({id: v.id, impact: v.impact || '',
		help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))}))`

// axe runs axe-core's WCAG 2.1 A and AA rules on the page in the tab.
func (b *browser) axe(name string) axeResult {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](b.axeJS)); err != nil {
		b.t.Fatalf("%s: inject axe-core: %v", name, err)
	}
	res, err := chromedp.Run(b.ctx, chromedp.Evaluate[axeResult](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: axe.run: %v", name, err)
	}
	if !slices.Contains(res.Passes, "color-contrast") && !slices.ContainsFunc(res.Violations, func(v axeViolation) bool { return v.ID == "color-contrast" }) {
		b.t.Fatalf("%s: axe did not check the colour contrast (passed: %v)", name, res.Passes)
	}
	return res
}

// checkA11y fails the test on any violation axe finds on the page.
func (b *browser) checkA11y(name string) {
	b.t.Helper()
	for _, v := range b.axe(name).Violations {
		b.t.Errorf("%s: accessibility violation %s (%s): %s, at %s", name, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "; "))
	}
	b.checked = append(b.checked, name)
}

func (b *browser) login(u model.User, wantLang string) {
	b.t.Helper()
	b.open("/login")
	b.wantLang(wantLang)
	b.typeIn([][2]string{{"f-email", u.Email}, {"f-password", testPassword}})
	b.load("log in", 200, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
}

func (b *browser) switchLanguage(to string) {
	b.t.Helper()
	b.load("switch language to "+to, 200, chromedp.Click(chromedp.CSS(`form[action="/language"] button`)))
	b.wantLang(to)
}

// TestBrowserJourney walks an application from draft to returned in a real
// browser, and runs axe-core on every page on the way, in both languages.
func TestBrowserJourney(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	e := newEnv(t)
	applicant := e.user(t, "Kari Nordmann", workflow.Applicant)
	officer := e.user(t, "Siri Saksbehandler", workflow.CaseOfficer)
	b := newBrowser(t, ctx, e.srv.URL)

	// Signed out: the front page leads to the login page.
	b.open("/")
	b.do("login form", chromedp.WaitVisible(chromedp.ID("f-email")))
	b.wantLang("nb")
	b.checkA11y("login (nb)")
	// The check can fail: an image without a text alternative is caught.
	b.do("break the page", chromedp.Evaluate[chromedp.Void](`document.querySelector('main').append(document.createElement('img'))`))
	if v := b.axe("login with a broken image").Violations; len(v) == 0 || v[0].ID != "image-alt" {
		t.Fatalf("axe did not catch an image without alt: %+v", v)
	}
	b.open("/login")
	b.typeIn([][2]string{{"f-email", applicant.Email}, {"f-password", "feil passord!"}})
	b.load("wrong password", 401, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	b.wantText(".error-summary", "Feil e-postadresse eller passord.")
	b.checkA11y("login with error (nb)")
	b.switchLanguage("en")
	b.wantText("h1", "Log in")
	b.checkA11y("login (en)")
	b.switchLanguage("nb")

	// The applicant writes a draft with every field.
	b.login(applicant, "nb")
	b.do("my applications", chromedp.WaitVisible(chromedp.CSS(`a[href="/applications/new"]`)))
	b.wantText("h1", "Mine søknader")
	b.checkA11y("my applications, empty (nb)")
	b.load("new application", 200, chromedp.Click(chromedp.CSS(`a[href="/applications/new"]`)))
	b.checkA11y("new application form (nb)")
	b.do("choose the call", chromedp.SetValue(chromedp.ID("f-call_id"), fmt.Sprint(e.call.ID)))
	b.typeIn([][2]string{
		{"f-title", "Nattsensorer på sykehjem"},
		{"f-summary", "Sensorer som varsler nattevakten."},
		{"f-need", "Nattevakter går runder som vekker beboere."},
		{"f-solution", "Sensorer varsler bare når noen trenger hjelp."},
		{"f-adoption_plan", "Tre sykehjem først, deretter resten av kommunen."},
		{"f-expected_benefits", "Bedre søvn for beboerne og færre runder."},
		{"f-budget_lines-0-category", "Lønn"},
		{"f-budget_lines-0-description", "Prosjektleder 20 %"},
		{"f-budget_lines-0-amount_ore", "åtti tusen"}, // not an amount: the form says so
		{"f-budget_lines-1-category", "Utstyr"},
		{"f-budget_lines-1-description", "Sensorer"},
		{"f-budget_lines-1-amount_ore", "40 000"},
		{"f-own_contribution_ore", "20 000"},
		{"f-requested_amount_ore", "100 000"},
		{"f-unit", "Sandved sykehjem"},
		{"f-partners", "NAV Sandnes\nUniversitetet i Stavanger"},
	})
	b.do("dates",
		chromedp.SetValue(chromedp.ID("f-start_date"), "2026-09-01"),
		chromedp.SetValue(chromedp.ID("f-end_date"), "2027-06-30"))
	b.load("save with a bad amount", 422, chromedp.Click(chromedp.CSS(`button[value="save"]`)))
	b.do("error beside the amount", chromedp.WaitVisible(chromedp.ID("e-budget_lines-0-amount_ore")))
	b.wantText("#e-budget_lines-0-amount_ore", "Skriv et beløp i kroner")
	b.wantText(".error-summary", "Budsjettlinje 1, Beløp (kr)")
	if v, _ := chromedp.Run(b.ctx, chromedp.Value(chromedp.ID("f-need"))); v != "Nattevakter går runder som vekker beboere." {
		t.Errorf("the form lost the typed need: %q", v)
	}
	b.checkA11y("form with errors (nb)")

	b.typeIn([][2]string{{"f-budget_lines-0-amount_ore", "80 000"}})
	b.load("save the draft", 200, chromedp.Click(chromedp.CSS(`button[value="save"]`)))
	b.wantText(".flash", "Utkastet er lagret.")
	b.checkA11y("edit form after saving (nb)")

	b.load("save and submit", 200, chromedp.Click(chromedp.CSS(`button[value="submit"]`)))
	b.do("detail page", chromedp.WaitVisible(chromedp.ID("h-history")))
	b.wantText(".flash", "Søknaden er sendt inn.")
	b.wantText(".state", "Sendt inn")
	b.wantText("table.history", "Opprettet", "Endret", "Send inn", "Utkast → Sendt inn", "Kari Nordmann")
	b.wantText("main", "kr 120\u00a0000", "Universitetet i Stavanger", "01.09.2026")
	b.checkA11y("application detail (nb)")

	b.open("/applications")
	caseNumber := b.text("table.list tbody th")
	b.wantText("table.list tbody", "Nattsensorer på sykehjem", "Sendt inn")
	b.checkA11y("my applications (nb)")

	// The same pages in English, with an error on the form.
	b.switchLanguage("en")
	b.wantText("h1", "My applications")
	b.checkA11y("my applications (en)")
	b.load("new application (en)", 200, chromedp.Click(chromedp.CSS(`a[href="/applications/new"]`)))
	b.checkA11y("new application form (en)")
	b.typeIn([][2]string{{"f-title", "Second idea"}, {"f-requested_amount_ore", "lots"}})
	b.load("save with a bad amount (en)", 422, chromedp.Click(chromedp.CSS(`button[value="save"]`)))
	b.wantText("#e-requested_amount_ore", "Write an amount in kroner")
	b.checkA11y("form with errors (en)")
	b.load("log out", 200, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	b.wantText(".flash", "You are logged out.")

	// The case officer finds it in the inbox and returns it with a message.
	b.login(officer, "en") // the browser's choice of English carries over
	b.do("inbox", chromedp.WaitVisible(chromedp.ID("f-state")))
	b.wantText("h1", "Inbox")
	b.wantText("table.list", caseNumber, "Nattsensorer på sykehjem", "Sandved sykehjem", "kr 100\u00a0000")
	b.checkA11y("inbox (en)")
	b.switchLanguage("nb")
	b.wantText("h1", "Innboks")
	b.checkA11y("inbox (nb)")
	b.load("open from the inbox", 200, chromedp.Click(chromedp.CSS(`table.list tbody a`)))
	b.do("detail page", chromedp.WaitVisible(chromedp.ID("f-comment-return")))
	b.wantText(`label[for="f-comment-return"]`, "Melding til søker")
	b.checkA11y("application detail for the officer (nb)")
	b.typeIn([][2]string{{"f-comment-return", "Budsjettet må deles opp per sykehjem."}})
	b.load("return", 200, chromedp.Click(chromedp.CSS(`form[action$="/events/return"] button`)))
	b.wantText(".flash", "Søknaden er sendt tilbake til søkeren.")
	b.wantText(".state", "Venter på søker")
	b.wantText("table.history", "Send tilbake til søker", "Sendt inn → Venter på søker",
		"Budsjettet må deles opp per sykehjem.", "Siri Saksbehandler")
	b.checkA11y("application detail after return (nb)")
	b.switchLanguage("en")
	b.wantText(".state", "Returned for changes")
	b.checkA11y("application detail (en)")

	apps, err := e.grants.Applications(context.Background(), applicant, modelFilter(applicant.ID))
	if err != nil {
		t.Fatal(err)
	}
	states := map[workflow.State]int{}
	for _, a := range apps {
		states[a.State]++
	}
	if states[workflow.Returned] != 1 || len(apps) != 1 {
		t.Errorf("after the journey the applicant has %v, want one returned application", states)
	}
	if len(b.checked) < 16 {
		t.Errorf("axe checked only %d pages: %v", len(b.checked), b.checked)
	}
}
