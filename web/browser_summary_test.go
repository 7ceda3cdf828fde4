package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nyttig/workflow"
)

// TestBrowserAnnualSummary has an admin find the annual summary in the
// menu, look at a generated fund's year and publish it, and a visitor who
// is not signed in find it among the public summaries. axe-core checks
// every page, in both languages.
func TestBrowserAnnualSummary(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := newEnv(t)
	s := e.syntheticFund(t)
	admin := e.user(t, "Nils Admin", workflow.Admin)
	b := newBrowser(t, ctx, e.srv.URL)

	b.login(admin, "nb")
	b.load("the menu's annual summary", 200, chromedp.Click(chromedp.CSS(`nav a[href="/summary"]`)))
	b.wantText("h1", "Årsoversikt")
	b.checkA11y("annual summary, default fund (nb)")
	b.open(fmt.Sprintf("/summary?fund=%d&year=2025", s.Fund.ID))
	b.wantText("table.ledger", s.Fund.Name, "2025", "Søknader mottatt", "Innvilget beløp")
	b.wantText("ul.downloads", "PDF med diagrammer", "CSV for regneark", "JSON")
	b.wantText("main", "Årsoversikten er ikke publisert.")
	b.checkA11y("annual summary of a fund (nb)")
	b.load("publish", 200, chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)))
	b.wantText(".flash", "Årsoversikten er publisert.")
	b.wantText("main", "publisert og kan leses av alle")
	b.checkA11y("annual summary, published (nb)")
	b.switchLanguage("en")
	b.wantText("h1", "Annual summary")
	b.checkA11y("annual summary, published (en)")
	b.load("log out", 200, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))

	b.open("/public/summaries")
	b.wantText("h1", "Annual summaries")
	b.wantText("table.list", s.Fund.Name, "2025")
	b.checkA11y("public summaries (en)")
	b.switchLanguage("nb")
	b.wantText("h1", "Årsoversikter")
	b.checkA11y("public summaries (nb)")
	if len(b.checked) != 6 {
		t.Errorf("axe checked %d pages, want 6: %v", len(b.checked), b.checked)
	}
}
