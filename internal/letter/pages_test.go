package letter

import (
	"fmt"
	"strings"
	"testing"

	"nyttig/internal/i18n"
)

// Long reasons run over several pages; every page is numbered "Side i av n"
// with the right n, and no paragraph is lost at a break.
func TestLongReasonsBreakAcrossPages(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.NB, i18n.EN} {
		t.Run(string(lang), func(t *testing.T) {
			d := grantData(lang)
			d.Reasons.Facts = longReasons(20)
			d.Reasons.Considerations = longReasons(20)
			pdf := render(t, d)
			n := pages(t, pdf)
			if n < 3 {
				t.Fatalf("pdfinfo: %d pages, want at least 3 for 40 long paragraphs", n)
			}
			for i := 1; i <= n; i++ {
				want := fmt.Sprintf("Side %d av %d", i, n)
				if lang == i18n.EN {
					want = fmt.Sprintf("Page %d of %d", i, n)
				}
				if got := flat(pageText(t, pdf, i)); !strings.HasSuffix(got, want) {
					t.Errorf("page %d does not end with %q:\n%s", i, want, got)
				}
			}
			all := flat(text(t, pdf))
			if got := strings.Count(all, "Avsnitt "); got != 40 {
				t.Errorf("%d paragraphs in the text, want 40", got)
			}
			if !strings.Contains(flat(pageText(t, pdf, n)), "Kari Nordmann") {
				t.Errorf("the signature is not on the last page")
			}
		})
	}
}

// Text stays between the margins and above the footer on every page.
func TestTextStaysOnThePage(t *testing.T) {
	d := grantData(i18n.NB)
	d.Reasons.Facts = longReasons(20)
	ws, width, height := words(t, render(t, d))
	if len(ws) < 500 {
		t.Fatalf("only %d words extracted", len(ws))
	}
	checkInside(t, ws, width, height)
}

// checkInside fails for a word outside the margins, or between the text
// area and the footer.
func checkInside(t *testing.T, ws []word, width, height float64) {
	t.Helper()
	textBottom, footerTop := height-mm(marginBottom)+1, height-mm(15)
	for _, w := range ws {
		inFooter := w.yMin >= footerTop && w.yMax <= height-mm(8)
		if w.xMin < mm(marginLeft)-1 || w.xMax > width-mm(marginRight)+1 || w.yMin < 0 || (w.yMax > textBottom && !inFooter) {
			t.Errorf("page %d: %q at x %.0f–%.0f, y %.0f–%.0f is outside the text area", w.page, w.text, w.xMin, w.xMax, w.yMin, w.yMax)
		}
	}
}
