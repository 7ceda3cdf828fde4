package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nyttig/workflow"
)

// TestBrowserPublicPages follows a visitor from the login page to the
// funded projects, a search and one project, in both languages; the case
// officer exempts the summary on the publication page, the committee picks
// the prize winner, and the public project shows both. axe-core checks
// every page.
func TestBrowserPublicPages(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e := newEnv(t)
	c := e.finished(t)
	year := e.clock.now().In(workflow.Oslo).Year()
	b := newBrowser(t, ctx, e.srv.URL)

	b.open("/login")
	b.load("follow the public link", 200, chromedp.Click(chromedp.CSS(`a[href="/public/projects"]`)))
	b.wantText("h1", "Prosjekter som har fått støtte")
	b.checkA11y("public projects (nb)")
	b.typeIn([][2]string{{"f-q", c.title}})
	b.load("search", 200, chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)))
	b.wantText("main", "Antall prosjekter: 1", c.title, c.summary, c.outcome)
	b.checkA11y("search result (nb)")
	b.load("open the project", 200, chromedp.Click(chromedp.CSS(`article.project h3 a`)))
	b.wantText("h1", c.title)
	b.checkA11y("public project (nb)")
	b.switchLanguage("en")
	b.wantText("main", "Amount granted", "Outcome (from the final report)")
	b.checkA11y("public project (en)")
	b.switchLanguage("nb")

	b.login(c.officer, "nb")
	b.open(publicationPath(c.app.ID))
	b.checkA11y("publication (nb)")
	b.do("exempt the summary", chromedp.SetValue(chromedp.ID("f-basis_summary"), "offl_13"))
	b.typeIn([][2]string{{"f-reason_summary", "Opplysninger om en bruker"}})
	b.load("save the publication", 200, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	b.wantText(".flash", "Publiseringen er lagret.")
	b.checkA11y("publication saved (nb)")
	b.logout("nb")

	b.login(c.decider, "nb")
	b.open(fmt.Sprintf("/funds/%d/prize/%d", c.fundID, year))
	b.wantText("main", c.title, "Tryggere brukere")
	b.checkA11y("prize (nb)")
	b.do("pick the winner", chromedp.Click(chromedp.ID(fmt.Sprintf("f-winner_%d", c.app.ID))))
	b.typeIn([][2]string{{fmt.Sprintf("f-citation_%d", c.app.ID), "Nyttiggjort i hele tjenesten."}})
	b.load("save the prize", 200, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	b.wantText(".flash", "Kåringen er lagret.")
	b.checkA11y("prize saved (nb)")

	b.open(publicPath(c.app.ID))
	b.wantText("main", fmt.Sprintf("Vinner av innovasjonsprisen %d", year), "Unntatt offentlighet, offl. § 13")
	if got := b.text("main"); strings.Contains(got, c.summary) {
		t.Errorf("the public project shows the exempted summary: %q", got)
	}
	b.checkA11y("public project with the prize (nb)")
	if len(b.checked) != 10 {
		t.Errorf("axe checked %d pages, want every page visited (10): %v", len(b.checked), b.checked)
	}
}
